"""`lossacc_utils.training` and `lossacc_utils.data` on small, fast configurations."""

import numpy as np
import pytest

from lossacc_utils import data, training


def test_blobs_are_deterministic_and_balanced():
    x, y = data.blobs(91, 3, seed=4)
    x2, _ = data.blobs(91, 3, seed=4)
    np.testing.assert_array_equal(x, x2)
    assert x.shape == (91, 2) and x.dtype == np.float32 and y.dtype == np.int64
    assert sorted(np.bincount(y)) == [30, 30, 31]
    assert not np.array_equal(x, data.blobs(91, 3, seed=5)[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 0}, "n_samples must"),
        ({"n_classes": 1}, "n_classes must"),
        ({"spread": 0}, "spread must be positive"),
        ({"n_samples": 2.5}, "n_samples must"),
    ],
)
def test_blobs_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.blobs(**kwargs)


def test_tiny_classifier_is_deterministic_for_a_seed():
    a, b = training.tiny_classifier(hidden=8, seed=3), training.tiny_classifier(hidden=8, seed=3)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    other = training.tiny_classifier(hidden=8, seed=4)
    assert not np.array_equal(a.get_weights()[0], other.get_weights()[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_classes": 1}, "n_classes must"),
        ({"dropout": 1.0}, "dropout must be below 1"),
        ({"dropout": -0.1}, r"dropout must be in \[0, 1\]"),
        ({"l2": -1.0}, "l2 must be"),
        ({"hidden": -1}, "hidden must"),
    ],
)
def test_tiny_classifier_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.tiny_classifier(**kwargs)


def test_history_loss_is_the_batch_size_weighted_mean_of_losses_before_each_step():
    x, y = data.blobs(10, 3, seed=1)
    model = training.tiny_classifier(learning_rate=0.5, seed=1)
    recorder = training.BatchLossRecorder(x, y, batch_size=4)
    history = model.fit(
        x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[recorder]
    )
    for epoch in (0, 1):
        table = recorder.table(epoch)
        assert list(table["batch size"]) == [4, 4, 2]
        assert recorder.epoch_mean(epoch) == pytest.approx(history.history["loss"][epoch], rel=1e-5)
        assert table["running mean"].iloc[-1] == pytest.approx(history.history["loss"][epoch])
        plain = table["loss before the step"].mean()
        assert abs(plain - history.history["loss"][epoch]) > 1e-4  # the weighting matters here


def test_recorder_rejects_bad_arguments_and_says_when_empty():
    with pytest.raises(ValueError, match="x and y must have the same length"):
        training.BatchLossRecorder(np.zeros((3, 2)), np.zeros(2), 2)
    with pytest.raises(ValueError, match="batch_size must"):
        training.BatchLossRecorder(np.zeros((3, 2)), np.zeros(3), 0)
    with pytest.raises(ValueError, match="nothing recorded yet"):
        training.BatchLossRecorder(np.zeros((3, 2)), np.zeros(3), 2).table()


def test_along_line_ends_at_the_models_own_loss_and_restores_the_weights():
    x, y = data.blobs(30, 3, seed=2)
    model = training.tiny_classifier(seed=2)
    start = model.get_weights()
    model.fit(x, y, epochs=5, batch_size=10, verbose=0)
    end = model.get_weights()
    frame = training.loss_and_accuracy_along_line(model, x, y, start, end, alphas=[0.0, 0.5, 1.0])
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert frame["loss"].iloc[-1] == pytest.approx(loss, rel=1e-5)
    assert frame["accuracy"].iloc[-1] == pytest.approx(accuracy)
    for now, before in zip(model.get_weights(), end, strict=True):
        np.testing.assert_array_equal(now, before)
    with pytest.raises(ValueError, match="start must hold arrays shaped like"):
        training.loss_and_accuracy_along_line(model, x, y, start[:1], end)
    with pytest.raises(TypeError, match=r"model must be a keras\.Model"):
        training.loss_and_accuracy_along_line("m", x, y, start, end)


def test_run_overtraining_records_history_and_probabilities():
    run = training.run_overtraining(seed=0, n_train=60, n_val=40, epochs=6, record_every=2)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(run[key]) == 6 and all(np.isfinite(run[key]))
    assert sorted(run["val_probabilities"]) == [2, 4, 6]
    p = run["val_probabilities"][6]
    assert p.shape == (40, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    from lossacc_utils import metrics

    recomputed = metrics.sparse_categorical_crossentropy(run["y_val"], p).mean()
    assert recomputed == pytest.approx(run["val_loss"][-1], rel=1e-4)  # val_loss is this epoch's
    log_p = run["val_log_probabilities"][6]
    np.testing.assert_allclose(np.exp(log_p), p)
    assert run["config"]["epochs"] == 6 and run["seconds"] > 0


def test_recorded_log_probabilities_give_keras_val_loss_even_past_the_clip():
    """A prediction of e^-100 for the truth: recomputed from probabilities its loss is capped at
    16.1, but the recorder's log-probabilities give 100, the loss Keras itself reports."""
    import keras

    from lossacc_utils import curves, metrics

    layer = keras.layers.Dense(
        3,
        activation="softmax",
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant([0.0, 100.0, 0.0]),
    )
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    x, y = np.ones((2, 1), "float32"), np.array([0, 1])
    recorder = training.ProbabilityRecorder(x)
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[recorder])
    run = {
        "y_val": y,
        "val_probabilities": recorder.probabilities,
        "val_log_probabilities": recorder.log_probabilities,
    }
    assert curves.loss_by_correctness(run).loc[1, "loss"] == pytest.approx(50.0, rel=1e-5)
    assert history.history["val_loss"][0] == pytest.approx(50.0, rel=1e-5)
    clipped = metrics.sparse_categorical_crossentropy(y, recorder.probabilities[1]).mean()
    assert clipped == pytest.approx(-np.log(1e-7) / 2, rel=1e-4)


def test_run_overtraining_is_deterministic_for_a_seed():
    a = training.run_overtraining(seed=5, n_train=60, n_val=40, epochs=4, record_every=100)
    b = training.run_overtraining(seed=5, n_train=60, n_val=40, epochs=4, record_every=100)
    assert a["val_loss"] == b["val_loss"] and a["loss"] == b["loss"]


def test_label_noise_changes_the_stated_share_of_training_and_validation_labels():
    from lossacc_utils.data import load_split

    run = training.run_overtraining(seed=1, n_train=100, n_val=20, epochs=1, label_noise=0.3)
    clean = load_split("digits", n_train=100, n_val=20, seed=1)
    assert (run["y_train"] != clean.y_train).sum() == 30
    assert (run["y_val"] != clean.y_val).sum() == 6


def test_the_starved_classifier_sees_four_numbers_per_image():
    model = training.starved_classifier((8, 8, 1), 10)
    assert model.count_params() == 4 * 10 + 10
    assert model.layers[-2].output.shape[-1] == 4
    run = training.run_overtraining(seed=0, n_train=60, n_val=40, epochs=2, starved=True)
    assert len(run["val_loss"]) == 2
    with pytest.raises(ValueError, match="starved must be True or False"):
        training.run_overtraining(starved="yes")


def test_run_overtraining_prints_progress_when_asked(capsys):
    training.run_overtraining(seed=0, n_train=40, n_val=20, epochs=4, log_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("epoch    2/4  val_loss") and lines[-1].startswith(
        "trained 4 epochs"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be"),
        ({"learning_rate": -1}, "learning_rate must be positive"),
        ({"label_noise": 1.5}, r"label_noise must be in \[0, 1\]"),
        ({"colour": "red"}, "unknown settings"),
        ({"dataset": "cifar10"}, "dataset must be one of"),
    ],
)
def test_run_overtraining_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.run_overtraining(**kwargs)


def test_the_test_split_is_recorded_every_epoch():
    run = training.run_overtraining(seed=0, n_train=60, n_val=40, n_test=30, epochs=2)
    assert run["x_test"].shape == (30, 8, 8, 1) and len(run["y_test"]) == 30
    assert sorted(run["test_log_probabilities"]) == [1, 2]
    np.testing.assert_allclose(np.exp(run["test_log_probabilities"][2]).sum(axis=1), 1, rtol=1e-5)


def test_label_smoothing_trains_on_smoothed_targets_and_keeps_the_plain_cross_entropy():
    run = training.run_overtraining(seed=0, n_train=60, n_val=40, epochs=3, label_smoothing=0.2)
    assert len(run["cross_entropy"]) == 3 and len(run["val_cross_entropy"]) == 3
    log_p = run["val_log_probabilities"][3]
    plain = -log_p[np.arange(40), run["y_val"]].mean()
    assert run["val_cross_entropy"][-1] == pytest.approx(plain, rel=1e-4)
    smoothed_target = np.eye(10)[run["y_val"]] * 0.8 + 0.02
    assert run["val_loss"][-1] == pytest.approx(
        -(smoothed_target * log_p).sum(axis=1).mean(), rel=1e-4
    )
    assert run["val_loss"][-1] != pytest.approx(run["val_cross_entropy"][-1], rel=1e-3)


# ---- the run cache: no model trained twice in one build -------------------------------------

TINY_RUN = {"n_train": 40, "n_val": 20, "n_test": 10, "epochs": 3}


def test_a_kept_run_is_handed_back_without_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(training.RUN_CACHE, str(tmp_path))
    first = training.run_overtraining(seed=2, **TINY_RUN, log_every=1)
    printed = capsys.readouterr().out

    def no_training(*args, **kwargs):
        raise AssertionError("the kept run was trained again")

    monkeypatch.setattr(training, "convnet", no_training)
    again = training.run_overtraining(seed=2, **TINY_RUN, log_every=1)
    assert capsys.readouterr().out == printed  # the same progress lines, from the kept run
    assert again["val_loss"] == first["val_loss"] and again["seconds"] == first["seconds"]
    np.testing.assert_array_equal(
        again["val_log_probabilities"][3], first["val_log_probabilities"][3]
    )
    # log_every only changes what is printed, so it is not part of the key
    quiet = training.run_overtraining(seed=2, **TINY_RUN)
    assert quiet["val_loss"] == first["val_loss"] and quiet["config"]["log_every"] == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "trained.log").read_text().count("\n") == 1


def test_a_different_seed_or_setting_trains_a_new_run(tmp_path, monkeypatch):
    monkeypatch.setenv(training.RUN_CACHE, str(tmp_path))
    a = training.run_overtraining(seed=2, **TINY_RUN)
    b = training.run_overtraining(seed=3, **TINY_RUN)
    c = training.run_overtraining(seed=2, **{**TINY_RUN, "batch_size": 8})
    assert a["val_loss"] != b["val_loss"] and a["val_loss"] != c["val_loss"]
    trained = (tmp_path / "trained.log").read_text().split()
    assert len(trained) == len(set(trained)) == 3
    assert sorted(p.name for p in tmp_path.glob("*.pkl")) == sorted(trained)


def test_without_the_variable_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(training.RUN_CACHE, raising=False)
    monkeypatch.chdir(tmp_path)
    training.run_overtraining(seed=2, **TINY_RUN)
    assert list(tmp_path.iterdir()) == []


def test_bad_settings_are_rejected_before_the_cache_is_looked_at(tmp_path, monkeypatch):
    monkeypatch.setenv(training.RUN_CACHE, str(tmp_path))
    with pytest.raises(ValueError, match="n_test must be"):
        training.run_overtraining(n_test=0)
    assert list(tmp_path.iterdir()) == []
