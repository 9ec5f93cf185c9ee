"""The counterexample as a spreadsheet whose formulas recompute loss and accuracy.

`write_workbook` writes an .xlsx file that opens in LibreOffice Calc, Excel or Google Sheets. The
probabilities are plain numbers in yellow cells; everything else is a formula, so editing a
probability updates that sample's loss, whether it is counted correct, each case's mean loss and
accuracy, and the verdict on whether loss and accuracy disagree.

The formulas follow Keras: each row of probabilities is divided by its sum, clipped to
[1e-7, 1 - 1e-7], and the loss is minus its natural logarithm; the predicted class is the first
column holding the row's largest probability (so ties go to the smallest class index, as argmax).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .counterexample import CASE_1, CASE_2, PredictionSet
from .metrics import EPSILON
from .validation import check_path

__all__ = ["SHEET", "write_workbook"]

SHEET = "counterexample"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)


def _text(cell, text: str):
    """Write `text` into `cell` as text, even when it starts with "=" (not as a formula)."""
    cell.value = text
    cell.data_type = "s"
    return cell


def _case_block(sheet, top: int, case: PredictionSet) -> dict:
    """Write one case from row `top`; return where its sample rows and its means are."""
    n_classes = len(case.class_names)
    first_p, last_p = get_column_letter(3), get_column_letter(2 + n_classes)
    col = {
        name: get_column_letter(3 + n_classes + i)
        for i, name in enumerate(["p_true", "predicted", "correct", "loss"])
    }
    _text(sheet.cell(top, 1), case.name).font = Font(bold=True, size=12)
    headers = ["sample", "true class"] + [f"p({name})" for name in case.class_names]
    headers += ["p(true class)", "predicted class", "correct (1/0)", "loss = -ln p"]
    for j, text in enumerate(headers, start=1):
        cell = _text(sheet.cell(top + 1, j), text)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    first_row = top + 2
    for i, (label, probabilities) in enumerate(zip(case.y_true, case.y_pred, strict=True)):
        r = first_row + i
        probs = f"${first_p}{r}:${last_p}{r}"
        sheet.cell(r, 1, i + 1)
        sheet.cell(r, 2, int(label)).fill = INPUT_FILL
        for k, p in enumerate(probabilities):
            cell = sheet.cell(r, 3 + k, float(p))
            cell.fill = INPUT_FILL
            cell.number_format = "0.000"
        # probability of the true class after renormalising the row, clipped as Keras clips it
        sheet[f"{col['p_true']}{r}"] = (
            f"=MIN(MAX(INDEX({probs},1,B{r}+1)/SUM({probs}),{EPSILON:.0E}),1-{EPSILON:.0E})"
        )
        sheet[f"{col['predicted']}{r}"] = f"=MATCH(MAX({probs}),{probs},0)-1"
        sheet[f"{col['correct']}{r}"] = f"=IF({col['predicted']}{r}=B{r},1,0)"
        sheet[f"{col['loss']}{r}"] = f"=-LN({col['p_true']}{r})"
        sheet[f"{col['p_true']}{r}"].number_format = "0.000"
        sheet[f"{col['loss']}{r}"].number_format = "0.000"
    last_row = first_row + len(case.y_true) - 1
    total = last_row + 1
    sheet.cell(total, 1, "mean").font = BOLD
    for key, fmt in (("correct", "0.0%"), ("loss", "0.000")):
        sheet[f"{col[key]}{total}"] = f"=AVERAGE({col[key]}{first_row}:{col[key]}{last_row})"
        sheet[f"{col[key]}{total}"].number_format = fmt
        sheet[f"{col[key]}{total}"].font = BOLD
    return {
        "loss": f"{col['loss']}{total}",
        "accuracy": f"{col['correct']}{total}",
        "first_row": first_row,
        "last_row": last_row,
    }


def write_workbook(path, cases: tuple[PredictionSet, PredictionSet] = (CASE_1, CASE_2)) -> Path:
    """Write the two prediction sets of `cases` to an .xlsx file at `path`; return the path.

    The sheet is named `SHEET`. Cell B2 holds the verdict formula; the layout of each case is
    described by its headers.
    """
    if (
        not isinstance(cases, list | tuple)
        or len(cases) != 2
        or not all(isinstance(c, PredictionSet) for c in cases)
    ):
        raise TypeError(f"cases must be a pair of PredictionSet objects; got {cases!r:.80}")
    path = check_path(path, "path")
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"path must end in .xlsx; got {path.name!r}")
    # a sheet has 16,384 columns (a case's classes, and 6 more) and 1,048,576 rows (its samples)
    classes, samples = max(len(c.class_names) for c in cases), sum(len(c.y_true) for c in cases)
    if classes + 6 > 16_384 or samples + 16 > 1_048_576:
        raise ValueError(
            "cases must fit a sheet: at most 16,378 classes and 1,048,560 samples in all; got "
            f"{classes} classes and {samples} samples"
        )
    # a cell holds 32,767 characters; openpyxl would cut a longer name without a word
    for i, case in enumerate(cases):
        longest = max(len(text) for text in (case.name, *(f"p({c})" for c in case.class_names)))
        if longest > 32_767:
            raise ValueError(
                f"cases[{i}] must have names a cell can hold: its name, and each class name in "
                f"'p(...)', at most 32,767 characters; one has {longest:,}"
            )

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = "Lower loss, lower accuracy: edit the yellow cells and watch the verdict."
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "verdict"
    sheet["A2"].font = BOLD
    sheet["A3"] = (
        "Classes are numbered from 0. Each row of probabilities is divided by its sum and clipped "
        f"to [{EPSILON:g}, 1 - {EPSILON:g}] before the logarithm, as Keras does."
    )
    top = 5
    blocks = []
    for case in cases:
        blocks.append(_case_block(sheet, top, case))
        top = blocks[-1]["last_row"] + 4
    a, b = blocks
    sheet["B2"] = (
        f"=IF(({a['loss']}-{b['loss']})*({a['accuracy']}-{b['accuracy']})>0,"
        '"loss and accuracy DISAGREE: the lower loss has the lower accuracy",'
        '"loss and accuracy agree")'
    )
    sheet["B2"].font = Font(bold=True, color="C00000")
    for column, width in zip("ABCDEFGHIJ", [10, 10, 11, 11, 11, 13, 13, 12, 12, 12], strict=True):
        sheet.column_dimensions[column].width = width
    try:
        if path.is_dir():
            raise ValueError(f"path must name a file, not the folder {path}")
        for parent in path.parents:
            if parent.exists() and not parent.is_dir():
                raise ValueError(f"path must be in a folder; {parent} is a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
    except OSError as error:  # no right to write there, a name too long, a full disk...
        raise OSError(f"path {path} could not be written: {error.strerror or error}") from error
    return path
