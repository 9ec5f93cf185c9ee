"""`lossacc_utils.plateau` on small configurations: the ceiling it claims, the models it builds,
the runs it trains and the verdicts it reaches."""

import numpy as np
import pandas as pd
import pytest

from lossacc_utils import data, plateau
from lossacc_utils.runs import Run


@pytest.fixture
def small(monkeypatch):
    """Fewer points, so that a run takes a second or two."""
    monkeypatch.setitem(plateau.SAMPLES, "n_train", 300)
    monkeypatch.setitem(plateau.SAMPLES, "n_val", 200)


@pytest.mark.parametrize("label_noise", [0.0, 0.2, 0.4])
def test_bayes_accuracy_is_what_predicting_the_true_arm_scores(label_noise):
    _, y = data.spirals(40_000, twist=0.7, label_noise=label_noise, seed=4)
    _, arms = data.spirals(40_000, twist=0.7, label_noise=0.0, seed=4)  # the same points
    assert np.mean(arms == y) == pytest.approx(plateau.bayes_accuracy(label_noise), abs=0.01)


def test_bayes_accuracy_refuses_noise_that_leaves_no_class_likeliest():
    with pytest.raises(ValueError, match="label_noise"):
        plateau.bayes_accuracy(0.7)


@pytest.mark.parametrize(
    ("hidden", "parameters"),
    [((), 2 * 3 + 3), ((4,), 2 * 4 + 4 + 4 * 3 + 3), ((5, 6), 15 + 36 + 21)],
)
def test_mlp_has_the_layers_asked_for(hidden, parameters):
    model = plateau.mlp(hidden)
    assert model.count_params() == parameters
    assert model.layers[-1].activation.__name__ == "softmax"


@pytest.mark.trains
def test_train_gives_a_deterministic_run_of_the_epochs_asked_for(small):
    first = plateau.train(hidden=(8,), learning_rate=0.01, epochs=3, seed=1)
    again = plateau.train(hidden=(8,), learning_rate=0.01, epochs=3, seed=1)
    assert sorted(first.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert first.epochs == 3 and len(first.y_val) == 200
    for name in first.history:
        np.testing.assert_array_equal(first.curve(name), again.curve(name))
    assert first.config["hidden"] == (8,) and first.config["seed"] == 1


@pytest.mark.trains
def test_experiment_trains_longer_and_bigger(small):
    results = plateau.experiment("the model is too small", epochs=2, longer=3)
    assert results["run"].epochs == 6 and results["bigger"].epochs == 2
    assert results["run"].config["hidden"] == ()
    assert results["bigger"].config["hidden"] == plateau.BIGGER[()]
    assert results["label_noise"] == 0.0 and results["epochs"] == 2


def test_experiment_refuses_an_unknown_case():
    with pytest.raises(ValueError, match="case must be one of"):
        plateau.experiment("the moon is full")


def fake_results(accuracy_now, after_longer, bigger, label_noise=0.0):
    """What `experiment` returns, with hand-made curves: 4 planned epochs, 8 in the longer run."""

    def run(final, epochs):
        accuracy = np.linspace(0.4, final, epochs)
        loss = np.linspace(1.0, 0.5, epochs)
        curves = {"loss": loss, "accuracy": accuracy, "val_loss": loss, "val_accuracy": accuracy}
        return Run(curves)

    longer = run(after_longer, 8)
    history = {name: longer.curve(name).copy() for name in longer.history}
    history["val_accuracy"][3] = history["accuracy"][3] = accuracy_now
    return {
        "case": "made up",
        "epochs": 4,
        "twist": 0.7,
        "label_noise": label_noise,
        "run": Run(history),
        "bigger": run(bigger, 4),
    }


@pytest.mark.parametrize(
    ("now", "longer", "bigger", "ceiling", "verdict"),
    [
        (0.60, 0.85, 0.90, 0.95, "training is too slow"),
        (0.60, 0.61, 0.95, 0.95, "the model is too small"),
        (0.60, 0.60, 0.61, 0.61, "the data allow no better"),
        (0.60, 0.60, 0.61, 0.95, "undecided"),
    ],
)
def test_diagnose_reaches_each_verdict(monkeypatch, now, longer, bigger, ceiling, verdict):
    monkeypatch.setattr(plateau, "ceiling_estimate", lambda *args, **kwargs: ceiling)
    row = plateau.diagnose(fake_results(now, longer, bigger))
    assert row["verdict"] == verdict
    assert row["validation accuracy"] == pytest.approx(now)
    assert row["after longer training"] == pytest.approx(longer)
    assert row["bigger model"] == pytest.approx(bigger)
    assert row["training loss fell by"] == pytest.approx(0.5 * 3 / 7)  # loss[0] - loss[3]


@pytest.mark.parametrize("recorded", [False, True])
def test_labels_of_ten_classes_fit_a_run_known_from_its_curves_or_its_predictions(
    monkeypatch, recorded
):
    """Without a config naming its output units, a run's width is that of its predictions."""
    monkeypatch.setattr(plateau, "ceiling_estimate", lambda *args, **kwargs: 0.95)
    results = fake_results(0.60, 0.60, 0.61)
    labels = np.arange(10)
    log_p = np.log(np.full((10, 10), 0.1))
    run = results["run"]
    predictions = {"val_log_probabilities": {1: log_p}} if recorded else {}
    results["run"] = Run(run.history, y_val=labels, **predictions)
    row = plateau.diagnose({**results, "dataset": "digits"})
    assert row["labels fit the output"]
    assert row["verdict"] != "the metric does not fit the labels"


def test_diagnose_refuses_what_experiment_did_not_return():
    with pytest.raises(ValueError, match=r"plateau\.experiment"):
        plateau.diagnose({"run": None})


@pytest.mark.parametrize("label_noise", [0.0, 0.4])
def test_the_ceiling_estimate_comes_close_to_the_best_possible(label_noise):
    estimate = plateau.ceiling_estimate(twist=0.0, label_noise=label_noise, seed=3)
    assert estimate == pytest.approx(1 - label_noise, abs=0.04)


def test_mlp_hidden_layers_are_relu_of_the_widths_asked_for():
    model = plateau.mlp((7, 5), n_features=4, n_classes=6)
    dense = [layer for layer in model.layers if hasattr(layer, "units")]
    assert [layer.units for layer in dense] == [7, 5, 6]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "softmax"]
    assert model.count_params() == (4 * 7 + 7) + (7 * 5 + 5) + (5 * 6 + 6)
    assert model.predict(np.zeros((3, 4), "float32"), verbose=0).shape == (3, 6)


@pytest.mark.trains
def test_train_validates_on_the_second_part_of_its_spirals_and_logs_every_epoch(small):
    run = plateau.train(hidden=(), learning_rate=0.05, twist=0.0, label_noise=0.2, epochs=4, seed=2)
    _, y = data.spirals(300 + 200, 3, twist=0.0, label_noise=0.2, seed=2)
    np.testing.assert_array_equal(run.y_val, y[300:])
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(run.curve(name)) == 4 and np.isfinite(run.curve(name)).all()
    assert run.config["label_noise"] == 0.2 and run.config["epochs"] == 4
    other = plateau.train(
        hidden=(), learning_rate=0.05, twist=0.0, label_noise=0.2, epochs=4, seed=3
    )
    assert not np.array_equal(run.val_loss, other.val_loss)  # another seed, another run


def test_diagnose_reports_the_ceilings_it_compares_with(monkeypatch):
    monkeypatch.setattr(plateau, "ceiling_estimate", lambda *args, **kwargs: 0.61)
    row = plateau.diagnose(fake_results(0.60, 0.60, 0.61, label_noise=0.4))
    assert row["verdict"] == "the data allow no better"
    assert row["ceiling estimate"] == 0.61
    assert row["best possible"] == pytest.approx(1 - 0.4)
    assert row.name == "made up"


@pytest.mark.trains
def test_a_one_unit_model_on_ten_classes_is_told_its_metric_does_not_fit():
    """Keras is the oracle: it makes "accuracy" BinaryAccuracy for one sigmoid unit, whatever the
    labels, and binary cross-entropy on labels above 1 falls below zero."""
    run = plateau.train(dataset="digits", output="one sigmoid unit", epochs=3, seed=1)
    assert run.config["accuracy becomes"] == "BinaryAccuracy"
    assert run.config["output units"] == 1
    assert run.val_loss[-1] < 0 < run.val_loss[0] or run.val_loss[-1] < run.val_loss[0] < 0
    results = {"case": "x", "epochs": 2, "dataset": "digits", "twist": 0.7, "label_noise": 0.0}
    row = plateau.diagnose({**results, "run": run, "bigger": run})
    assert not row["labels fit the output"]
    assert row["verdict"] == "the metric does not fit the labels"


@pytest.mark.trains
def test_a_softmax_on_fitting_labels_is_not_told_so():
    run = plateau.train(dataset="digits", hidden=(8,), epochs=2, seed=1)
    assert run.config["accuracy becomes"] == "SparseCategoricalAccuracy"
    results = {"case": "x", "epochs": 2, "dataset": "digits", "twist": 0.7, "label_noise": 0.0}
    row = plateau.diagnose({**results, "run": run, "bigger": run})
    assert row["labels fit the output"]
    assert row["verdict"] != "the metric does not fit the labels"


def test_an_accuracy_at_the_majority_share_is_called_imbalance(monkeypatch):
    """Nine labels in ten are 0 and the model answers 0: the accuracy is the share, the verdict
    imbalance, and the loss of the shares is their entropy."""
    monkeypatch.setattr(plateau, "ceiling_estimate", lambda *args, **kwargs: 0.99)
    y_val = np.array([0] * 90 + [1] * 10)
    results = fake_results(0.9, 0.99, 0.99)
    results["run"] = Run(dict(results["run"].history), y_val=y_val, config={"output units": 2})
    row = plateau.diagnose(results)
    assert row["majority share"] == pytest.approx(0.9)
    assert row["loss of the class shares"] == pytest.approx(
        -(0.9 * np.log(0.9) + 0.1 * np.log(0.1))
    )
    assert row["verdict"] == "the classes are imbalanced"
    balanced = np.array([0] * 50 + [1] * 50)  # the same accuracy with even classes: not imbalance
    results["run"] = Run(dict(results["run"].history), y_val=balanced, config={"output units": 2})
    assert plateau.diagnose(results)["verdict"] == "training is too slow"


@pytest.mark.trains
def test_the_zero_or_not_labels_are_the_digits_zeros():
    from lossacc_utils import data as datasets

    run = plateau.train(dataset="digits: zero or not", hidden=(8,), epochs=1, seed=2)
    split = datasets.load_split("digits", **plateau.DIGIT_SAMPLES, seed=2)
    np.testing.assert_array_equal(run.y_val, (split.y_val == 0).astype(int))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": "cifar"}, "dataset must be one of"),
        ({"output": "two sigmoids"}, "output must be one of"),
        ({"dataset": "digits", "label_noise": 0.2}, "label_noise is for the spirals only"),
    ],
)
def test_train_refuses_data_and_outputs_it_does_not_know(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plateau.train(epochs=1, **kwargs)


def test_readable_writes_each_number_as_a_reader_reads_it(monkeypatch):
    monkeypatch.setattr(plateau, "ceiling_estimate", lambda *args, **kwargs: 0.95)
    row = plateau.diagnose(fake_results(0.60, 0.85, 0.90))
    table = plateau.readable(pd.DataFrame([row]))
    column = table["made up"]
    assert column["accuracy"] == "60.0%" and column["neighbours"] == "95.0%"
    assert column["labels fit"] == "yes" and column["verdict"] == "training"
    assert column["accuracy metric"] == "sparse categorical"
    assert column["most common class"] == "unknown"  # the made-up run has no labels


def test_readable_refuses_what_is_not_a_diagnosis():
    with pytest.raises(TypeError, match="diagnosis must be"):
        plateau.readable({"verdict": "x"})
