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


def test_a_recorder_told_another_batch_size_than_fit_s_stops_the_fit_by_name():
    """Batches of 4 for the recorder and of 8 for fit would give a table of the wrong batches."""
    x, y = data.blobs(10, 3, seed=1)
    model = training.tiny_classifier(seed=1)
    recorder = training.BatchLossRecorder(x, y, batch_size=4)
    with pytest.raises(
        ValueError, match=r"batch_size and x must be .* fit trains on .*: 10 samples"
    ):
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[recorder])
    assert recorder.epochs == []


def test_a_recorder_on_a_model_that_runs_several_steps_a_call_stops_the_fit_by_name():
    """Keras calls back once every steps_per_execution steps: the table would miss batches."""
    x, y = data.blobs(10, 3, seed=1)
    model = training.tiny_classifier(seed=1)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", steps_per_execution=2)
    recorder = training.BatchLossRecorder(x, y, batch_size=4)
    with pytest.raises(ValueError, match="model must be compiled with steps_per_execution=1"):
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0, callbacks=[recorder])
    assert recorder.epochs == []


def test_a_recorder_leaves_a_batch_normalisation_s_statistics_to_the_steps():
    import keras

    x, y = data.blobs(12, 3, seed=1)

    def trained(callbacks):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((2,)), keras.layers.BatchNormalization(), keras.layers.Dense(3)]
        )
        model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True))
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0, callbacks=callbacks)
        return [v.numpy() for v in model.non_trainable_variables]

    plain, recorded = trained([]), trained([training.BatchLossRecorder(x, y, 4)])
    for a, b in zip(plain, recorded, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


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


def test_in_memory_batches_keep_their_order_without_a_seed():
    x, y = np.arange(10.0)[:, None], np.arange(10)
    batches = list(training.in_memory_batches(x, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    assert batches[0][0].dtype.name == "float32" and batches[0][1].dtype.name == "int64"


def test_in_memory_batches_reshuffle_every_epoch_from_the_seed():
    x, y = np.arange(50.0)[:, None], np.arange(50)
    data_set = training.in_memory_batches(x, y, batch_size=8, seed=3)
    first = np.concatenate([b[1] for b in data_set])
    second = np.concatenate([b[1] for b in data_set])
    assert sorted(first) == sorted(second) == list(range(50))  # every sample once per epoch
    assert not (first == second).all()
    again = np.concatenate([b[1] for b in training.in_memory_batches(x, y, 8, seed=3)])
    np.testing.assert_array_equal(first, again)


def test_in_memory_batches_refuse_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="x and y must hold the same number of samples"):
        training.in_memory_batches(np.ones((3, 2)), np.ones(4), batch_size=2)


def test_in_memory_batches_keep_each_x_with_its_y_and_the_given_integer_dtype():
    x = np.c_[np.arange(30.0), -np.arange(30.0)]  # float64 in, each row names its sample
    y = np.arange(30, dtype=np.int32)
    for seed in (None, 4):
        batches = list(training.in_memory_batches(x, y, batch_size=7, seed=seed))
        assert [len(b[1]) for b in batches] == [7, 7, 7, 7, 2]
        for bx, by in batches:
            bx, by = np.asarray(bx), np.asarray(by)
            assert bx.dtype == np.float32 and by.dtype == np.int32
            np.testing.assert_array_equal(bx, x[by].astype(np.float32))  # rows stay paired
        order = np.concatenate([np.asarray(b[1]) for b in batches])
        assert sorted(order) == list(range(30))
        assert (seed is None) == (order == y).all()  # in order exactly when there is no seed


def test_in_memory_batches_pass_one_hot_targets_through_unchanged():
    y = np.eye(3)[[0, 2, 1, 1]]
    (batch,) = list(training.in_memory_batches(np.zeros((4, 2)), y, batch_size=8))
    np.testing.assert_array_equal(np.asarray(batch[1]), y)


def test_only_the_retracing_warning_of_tensorflow_is_left_out(caplog):
    import logging

    logger = logging.getLogger("tensorflow")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 13 calls to <f> triggered tf.function retracing.")
        logger.warning("Some other warning")
    assert [record.getMessage() for record in caplog.records] == ["Some other warning"]


def test_a_validation_recorder_names_a_label_beyond_the_model_s_classes_before_fit_trains():
    """Class 5 for a model of 3 classes: refused by name, not by TensorFlow mid-epoch."""
    from lossacc_utils import recording

    x, y = data.blobs(12, 3, seed=1)
    model = training.tiny_classifier(seed=1)
    recorder = recording.ValidationRecorder(x[:4], [0, 1, 5, 2], x[:4])
    with pytest.raises(ValueError, match="y_val"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[recorder])
