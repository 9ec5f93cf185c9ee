"""The Keras definitions assignment's answer key (see course/key.py for what a key is).

Keras is the judge: the expected values come from Keras itself, run by the grader. The students'
copy of lossacc_utils leaves out the library's cross-entropies, which compute question 1's answer.
"""

import functools

import numpy as np

from course.key import Key, array, number, text
from lossacc_utils import variants

#: What the students' copy of lossacc_utils leaves out, by the question that asks for it.
WITHHELD = {
    "q1": (
        "metrics.binary_crossentropy",
        "metrics.categorical_crossentropy",
        "metrics.sparse_categorical_crossentropy",
    ),
}

key = Key("keras_definitions", variant=variants.keras_definitions)
check = key.check


@key.question
def q1(student, mine):
    """sparse_categorical_crossentropy agrees with Keras' on uniform predictions and on random ones
    drawn from the student's seed, with zeros and rows that do not sum to 1."""
    import keras

    rng = np.random.default_rng(mine.seed)
    y_pred = rng.random((40, 4))
    y_pred[:5, 0] = 0.0
    y_pred[5:10] = y_pred[5:10] / y_pred[5:10].sum(axis=1, keepdims=True)
    y_true = rng.integers(0, 4, 40)
    for labels, probabilities in (([0, 2], np.full((2, 3), 1 / 3)), (y_true, y_pred)):
        expected = keras.losses.sparse_categorical_crossentropy(np.asarray(labels), probabilities)
        got = student.call("sparse_categorical_crossentropy", labels, probabilities)
        got = array(got, "sparse_categorical_crossentropy(...)", (len(labels),))
        assert np.allclose(got, keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6), (
            "sparse_categorical_crossentropy differs from Keras'"
        )


@functools.cache
def sigmoid_accuracy() -> tuple[str, ...]:
    """The classes of the metrics a compiled sigmoid model has, "accuracy" among them: Keras is
    asked once per batch of submissions."""
    import keras

    from lossacc_utils import resolution

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    model.evaluate(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
    return tuple(resolution.resolved_metrics(model).values())


@key.question
def q2(student, mine):
    """q2_metric names the class "accuracy" becomes in a compiled sigmoid model."""
    answer = text(student.value("q2_metric"), "q2_metric")
    assert answer in sigmoid_accuracy(), "q2_metric is not the class"


@key.question
def q3(student, mine):
    """q3_accuracy is Keras' binary accuracy of the student's samples (0.5 counts as class 0)."""
    import keras

    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(mine.binary_labels[:, None] * 1.0, mine.binary_probabilities[:, None])
    answer = number(student.value("q3_accuracy"), "q3_accuracy")
    assert np.isclose(answer, float(metric.result())), "q3_accuracy is not Keras' accuracy"


@key.question
def q4(student, mine):
    """history_loss is the epoch's loss as History records it: batch losses weighted by size."""
    import keras

    tracker = keras.metrics.Mean()
    for loss, size in zip(mine.batch_losses, mine.batch_sizes, strict=True):
        tracker.update_state(loss, sample_weight=size)
    answer = number(student.value("history_loss"), "history_loss")
    assert np.isclose(answer, float(tracker.result()), rtol=1e-6), "history_loss is not History's"
