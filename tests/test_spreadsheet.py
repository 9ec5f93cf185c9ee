"""The downloadable spreadsheet: its formulas give the numbers lossacc_utils gives.

LibreOffice, run headless, recalculates the workbook (openpyxl writes formulas without values), and
the values it computes are compared with the package's, before and after editing probabilities.
"""

import subprocess

import numpy as np
import openpyxl
import pytest

from lossacc_utils.counterexample import CASE_1, CASE_2, PredictionSet, disagree
from lossacc_utils.spreadsheet import SHEET, write_workbook


def read_cases(sheet, formulas: bool):
    """The sample rows and mean rows of both cases, as lists of row tuples."""
    cases, rows = [], None
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if row[0] == "sample":
            rows = []
        elif row[0] == "mean":
            cases.append({"samples": rows, "mean": row})
            rows = None
        elif rows is not None:
            rows.append(row)
    assert len(cases) == 2
    return cases


def test_every_result_cell_is_a_formula(tmp_path):
    sheet = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx"))[SHEET]
    assert str(sheet["B2"].value).startswith("=IF(")
    for case, written in zip(read_cases(sheet, formulas=True), (CASE_1, CASE_2), strict=True):
        for row, label, probabilities in zip(
            case["samples"], written.y_true, written.y_pred, strict=True
        ):
            assert row[1] == label and list(row[2:5]) == list(probabilities)  # inputs are numbers
            assert all(str(cell).startswith("=") for cell in row[5:9])  # the rest is computed
        assert all(str(cell).startswith("=AVERAGE(") for cell in case["mean"][7:9])


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"path must end in \.xlsx"):
        write_workbook(tmp_path / "c.csv")
    with pytest.raises(TypeError, match="cases must be a pair of PredictionSet"):
        write_workbook(tmp_path / "c.xlsx", cases=(CASE_1,))


def edited(case, sample, probabilities, name=None):
    y_pred = case.y_pred.copy()
    y_pred[sample] = probabilities
    return PredictionSet(name or case.name, case.y_true, y_pred)


# Edits a reader might make, each a pair of prediction sets the spreadsheet must get right.
EDITS = {
    "as-published": (CASE_1, CASE_2),
    "miss-fixed": (edited(CASE_1, 2, [0.3, 0.1, 0.6]), CASE_2),  # now they agree
    "zero-probability": (edited(CASE_1, 0, [0.0, 0.5, 0.5]), CASE_2),  # costs -ln(1e-7)
    "tie": (CASE_1, edited(CASE_2, 1, [0.45, 0.45, 0.10])),  # a tie goes to class 0
    "certain": (edited(CASE_1, 1, [0.0, 1.0, 0.0]), CASE_2),  # clipped to 1 - 1e-7
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, require_program):
    """Each edit written, then recalculated and re-saved by LibreOffice in one run."""
    soffice = require_program("soffice", "it recalculates the spreadsheet's formulas")
    folder = tmp_path_factory.mktemp("sheets")
    sources = [write_workbook(folder / f"{name}.xlsx", cases) for name, cases in EDITS.items()]
    out = folder / "recalculated"
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {
        name: openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True)[SHEET] for name in EDITS
    }


@pytest.mark.parametrize("name", EDITS)
def test_libreoffice_computes_what_lossacc_utils_computes(recalculated, name):
    sheet = recalculated[name]
    cases = EDITS[name]
    for values, case in zip(read_cases(sheet, formulas=False), cases, strict=True):
        samples = np.array([row[5:9] for row in values["samples"]], dtype=float)
        np.testing.assert_allclose(
            samples[:, 0], np.clip(case.true_class_probabilities, 1e-7, 1 - 1e-7), rtol=1e-12
        )
        np.testing.assert_array_equal(samples[:, 1], case.y_pred.argmax(axis=1))
        np.testing.assert_array_equal(samples[:, 2], case.correct)
        np.testing.assert_allclose(samples[:, 3], case.losses, rtol=1e-9)
        np.testing.assert_allclose(values["mean"][7], case.accuracy, rtol=1e-9)
        np.testing.assert_allclose(values["mean"][8], case.loss, rtol=1e-9)
    verdict = sheet["B2"].value
    assert verdict.startswith("loss and accuracy DISAGREE") == disagree(*cases), verdict


def test_the_edits_cover_both_verdicts():
    assert {disagree(*cases) for cases in EDITS.values()} == {True, False}
