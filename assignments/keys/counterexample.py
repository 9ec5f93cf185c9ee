"""The counterexample assignment's answer key (see course/key.py for what a key is).

The reference for question 1 is written here: the students' copy of lossacc_utils leaves out the
library's cross-entropies, any of which computes the answer.
"""

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
#: Keras' fuzz factor: probabilities are clipped to [EPSILON, 1 - EPSILON].
EPSILON = 1e-7

key = Key("counterexample", variant=variants.counterexample)
check = key.check


def cross_entropy(p_true) -> float:
    """The mean cross-entropy of samples whose true classes have the probabilities `p_true`."""
    p = np.clip(np.asarray(p_true, dtype=float), EPSILON, 1 - EPSILON)
    return float(-np.log(p).mean())


def loss_and_accuracy(probabilities, labels) -> tuple[float, float]:
    """Keras' sparse categorical cross-entropy (clipped, then renormalised) and accuracy."""
    p = np.clip(probabilities, EPSILON, 1 - EPSILON)
    p = p / p.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    return float(-np.log(p[rows, labels]).mean()), float((p.argmax(axis=1) == labels).mean())


@key.question
def q1(student, mine):
    """cross_entropy returns a float: ln 2 for two halves, the clipped loss of 1 and 0, and the
    mean loss of sets drawn from the student's seed."""
    rng = np.random.default_rng(mine.seed)
    cases = [[0.5, 0.5], [1.0, 0.0], *(rng.random(int(rng.integers(5, 60))) for _ in range(3))]
    for p in cases:
        got = student.call("cross_entropy", p)
        assert isinstance(got, float), "cross_entropy must return a float"
        assert np.isclose(got, cross_entropy(p)), "cross_entropy is not the mean clipped loss"


@key.question
def q2(student, mine):
    """set_a and set_b are rows of probabilities, and with the student's labels set A has both
    the lower mean cross-entropy and the lower accuracy."""
    sets = {name: array(student.value(name), name, (3, 3)) for name in ("set_a", "set_b")}
    for name, p in sets.items():
        assert (p >= 0).all() and np.allclose(p.sum(axis=1), 1), f"{name} holds no probabilities"
    (loss_a, accuracy_a), (loss_b, accuracy_b) = (
        loss_and_accuracy(p, mine.labels) for p in sets.values()
    )
    assert loss_a < loss_b, "set A's loss is not the lower"
    assert accuracy_a < accuracy_b, "set A's accuracy is not the lower"


@key.question
def q3(student, mine):
    """share: the last sample's part of the total loss, with the student's numbers."""
    last = -np.log(mine.p_last)
    expected = last / (last - (mine.samples - 1) * np.log(mine.p_right))
    assert np.isclose(number(student.value("share"), "share"), expected), "share is not the share"


@key.question
def q4(student, mine):
    """Only (b), more confidence and no change of class, lowers the loss at the same accuracy."""
    assert text(student.value("q4_answer"), "q4_answer") == "b", "q4_answer is not the one"
