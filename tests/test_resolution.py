"""`lossacc_utils.resolution`: what "accuracy" becomes, read off real compiled models."""

import keras
import numpy as np
import pytest

from lossacc_utils.resolution import (
    LABEL_SHAPES,
    LOSSES,
    accuracy_resolution,
    accuracy_resolution_table,
    grid,
    resolved_metrics,
)


@pytest.fixture(scope="module")
def table():
    return accuracy_resolution_table()


def row(table, loss, width, labels):
    match = table[
        (table["loss"] == loss) & (table["output units"] == width) & (table["labels"] == labels)
    ]
    assert len(match) == 1
    return match.iloc[0]


def test_table_covers_every_combination(table):
    assert len(table) == len(LOSSES) * 2 * len(LABEL_SHAPES)
    resolved = table[table["error"] == ""]
    assert set(resolved["accuracy becomes"]) == {
        "BinaryAccuracy",
        "CategoricalAccuracy",
        "SparseCategoricalAccuracy",
    }
    assert (table[table["error"] != ""]["accuracy becomes"] == "").all()


def test_binary_crossentropy_on_a_softmax_gets_categorical_accuracy(table):
    assert (
        row(table, "binary_crossentropy", 3, "(N, K)")["accuracy becomes"] == "CategoricalAccuracy"
    )


def test_one_output_unit_always_gets_binary_accuracy(table):
    one_unit = table[(table["output units"] == 1) & (table["error"] == "")]
    assert len(one_unit) >= 6
    assert (one_unit["accuracy becomes"] == "BinaryAccuracy").all()


def test_mse_gets_an_accuracy_chosen_by_shapes(table):
    assert row(table, "mean_squared_error", 1, "(N,)")["accuracy becomes"] == "BinaryAccuracy"
    assert row(table, "mean_squared_error", 3, "(N, 1)")["accuracy becomes"] == (
        "SparseCategoricalAccuracy"
    )
    assert row(table, "mean_squared_error", 3, "(N, K)")["accuracy becomes"] == (
        "CategoricalAccuracy"
    )


def test_categorical_crossentropy_on_one_unit_warns_and_reports_zero_loss(table):
    r = row(table, "categorical_crossentropy", 1, "(N,)")
    assert "num_classes > 1" in r["warning"]
    assert r["loss value"] == pytest.approx(0.0, abs=1e-6)


def test_refusals_are_reported_not_raised(table):
    r = row(table, "sparse_categorical_crossentropy", 3, "(N, K)")
    assert r["error"].startswith("ValueError:") and np.isnan(r["accuracy value"])
    assert "{{function_node" not in " ".join(table["error"])


def test_resolved_metrics_needs_a_model_that_has_seen_data():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy", "auc"])
    with pytest.raises(ValueError, match=r"call model\.evaluate"):
        resolved_metrics(model)
    model.evaluate(np.zeros((2, 2)), np.zeros(2), verbose=0)
    assert resolved_metrics(model) == {"accuracy": "BinaryAccuracy", "auc": "AUC"}
    with pytest.raises(TypeError, match=r"model must be a keras\.Model"):
        resolved_metrics("model")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "hinge"}, "loss must be one of"),
        ({"label_shape": "(N, 2)"}, "label_shape must"),
        ({"output_width": 0}, "output_width must be a whole number"),
        ({"n_classes": 1}, "n_classes must be"),
    ],
)
def test_accuracy_resolution_rejects_bad_arguments(kwargs, message):
    args = {"loss": "binary_crossentropy", "output_width": 1, "label_shape": "(N,)", **kwargs}
    with pytest.raises(ValueError, match=message):
        accuracy_resolution(**args)


def test_grid_has_a_cell_per_combination(table):
    cells = grid(table)
    assert list(cells.index) == [loss.replace("_", " ") for loss in LOSSES]
    assert cells.shape == (len(LOSSES), 2 * len(LABEL_SHAPES))
    assert cells.loc["binary crossentropy", (3, "(N, K)")] == "Categorical"
    assert cells.loc["categorical crossentropy", (1, "(N,)")] == "Binary (warns)"
    assert cells.loc["sparse categorical crossentropy", (3, "(N, K)")] == "refused"
    with pytest.raises(ValueError, match="table must come from accuracy_resolution_table"):
        grid(table.drop(columns="warning"))
