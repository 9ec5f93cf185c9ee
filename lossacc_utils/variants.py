"""Each student's own numbers for the course assignments, drawn from their student id.

Otter-grader hands every student the same notebook, so one student's answers would be every
student's. Here the numbers of an assignment's questions come from a random generator seeded with
the student's id: two students get different data, and numbers copied from another notebook fail,
while whoever knows the id (the student, and the grader) gets the same numbers again.

- `seed(assignment, student_id)`: the seed, a hash of both; the id is read without surrounding
  spaces and without regard to case, so "S123 " and "s123" are one student;
- `counterexample`, `keras_definitions`, `calibration`: the numbers of each assignment's questions,
  as read-only records whose `repr` shows them.

>>> mine = counterexample("s1234567")
>>> mine == counterexample(" S1234567 "), mine == counterexample("s7654321")
(True, False)
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from .calibration import apply_temperature
from .data import imbalanced_scores

__all__ = ["calibration", "counterexample", "keras_definitions", "seed"]


def _checked_id(student_id) -> str:
    """The id as it is hashed: a non-empty string, stripped of surrounding spaces, casefolded."""
    if not isinstance(student_id, str) or not student_id.strip():
        raise ValueError(
            'student_id must be your student id as a string, such as STUDENT_ID = "s1234567" '
            f"at the top of the notebook; got {student_id!r}"
        )
    student_id = student_id.strip()
    if not student_id.isprintable():  # a control character, or a lone surrogate, is no id
        raise ValueError(f"student_id must be printable text; got {student_id!r}")
    if len(student_id) > 100:
        raise ValueError(f"student_id must be at most 100 characters; got {len(student_id)}")
    return student_id.casefold()


def seed(assignment: str, student_id: str) -> int:
    """The seed of `assignment`'s numbers for `student_id`: 64 bits of a SHA-256 of both.

    >>> seed("calibration", "s1234567") == seed("calibration", "S1234567")
    True
    >>> seed("calibration", "s1234567") != seed("counterexample", "s1234567")
    True
    """
    if not isinstance(assignment, str) or not assignment or not assignment.isprintable():
        raise ValueError(f"assignment must name an assignment; got {assignment!r}")
    text = f"{assignment}\0{_checked_id(student_id)}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def _read_only(value):
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
    return value


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class _Numbers:
    """A student's numbers: read-only arrays and plain numbers, compared by value."""

    student_id: str
    seed: int

    def __post_init__(self):
        for item in dataclasses.fields(self):
            object.__setattr__(self, item.name, _read_only(getattr(self, item.name)))

    def _items(self):
        return [(item.name, getattr(self, item.name)) for item in dataclasses.fields(self)]

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(
            np.array_equal(mine, theirs) if isinstance(mine, np.ndarray) else mine == theirs
            for (_, mine), (_, theirs) in zip(self._items(), other._items(), strict=True)
        )

    def __repr__(self):
        shown = []
        for name, value in self._items():
            if name == "seed":
                continue
            if isinstance(value, np.ndarray) and value.size > 20:
                shown.append(f"{name}=<array of shape {value.shape}>")
            else:
                value = value.tolist() if isinstance(value, np.ndarray) else value
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}(\n    " + ",\n    ".join(shown) + "\n)"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CounterexampleNumbers(_Numbers):
    """The numbers of the counterexample assignment.

    `labels`: the true classes (0, 1 or 2) of question 2's three samples. Question 3's model gives
    `samples - 1` samples the probability `p_right` for their true class and the last one `p_last`.
    """

    labels: np.ndarray
    samples: int
    p_right: float
    p_last: float


def counterexample(student_id: str) -> CounterexampleNumbers:
    """The counterexample assignment's numbers for `student_id`."""
    number = seed("counterexample", student_id)
    rng = np.random.default_rng(number)
    return CounterexampleNumbers(
        student_id=_checked_id(student_id),
        seed=number,
        labels=rng.integers(0, 3, 3),
        samples=int(rng.integers(8, 21)),
        p_right=int(rng.integers(80, 96)) / 100,
        p_last=int(rng.integers(1, 10)) / 1000,
    )


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class KerasDefinitionsNumbers(_Numbers):
    """The numbers of the Keras definitions assignment.

    Question 3: the labels (0 or 1) of a few samples and the predicted probabilities of class 1,
    one of which is exactly 0.5. Question 4: the sizes of an epoch's three batches (the last one
    partial) and the loss Keras computed on each.
    """

    binary_labels: np.ndarray
    binary_probabilities: np.ndarray
    batch_sizes: np.ndarray
    batch_losses: np.ndarray


def keras_definitions(student_id: str) -> KerasDefinitionsNumbers:
    """The Keras definitions assignment's numbers for `student_id`."""
    number = seed("keras_definitions", student_id)
    rng = np.random.default_rng(number)
    n = int(rng.integers(4, 8))
    labels = rng.integers(0, 2, n)
    probabilities = rng.integers(5, 96, n) / 100
    tie = int(rng.integers(n))  # a probability exactly at the threshold, of a true class 1
    labels[tie], probabilities[tie] = 1, 0.5
    size = int(rng.choice([16, 32, 64]))
    return KerasDefinitionsNumbers(
        student_id=_checked_id(student_id),
        seed=number,
        binary_labels=labels,
        binary_probabilities=probabilities,
        batch_sizes=np.array([size, size, int(rng.integers(1, size))]),
        batch_losses=np.sort(rng.integers(50, 151, 3))[::-1] / 100,
    )


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CalibrationNumbers(_Numbers):
    """The numbers of the calibration assignment.

    Questions 1 to 3: the logits of an over-confident classifier of five classes and the true
    labels, a validation set and a test set of 1000 samples each. Question 4: a run's validation
    loss, one value per epoch. Question 5: labels of a rare class (1) and a detector's scores.
    """

    val_logits: np.ndarray
    y_val: np.ndarray
    test_logits: np.ndarray
    y_test: np.ndarray
    val_loss: np.ndarray
    y_rare: np.ndarray
    rare_scores: np.ndarray


def _overconfident_logits(n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from softmax(z), and the logits 3 z of a model far too sure of itself."""
    z = rng.normal(scale=2.0, size=(n_samples, 5))
    cumulative = apply_temperature(z, 1.0).cumsum(axis=1)
    labels = (cumulative < rng.random((n_samples, 1)) * cumulative[:, -1:]).sum(axis=1)
    return 3.0 * z, labels


def _validation_loss(rng) -> np.ndarray:
    """A validation loss, in hundredths, that falls, rises once, falls to its best, rises for
    three epochs, dips once more below its best and goes on: early stopping with a patience of 3
    stops three epochs after the best, before the late dip."""
    falling = int(rng.integers(85, 100)) - np.cumsum(rng.integers(3, 12, int(rng.integers(3, 7))))
    last = int(falling[-1])
    best = last - int(rng.integers(1, 4))
    after = best + np.cumsum(rng.integers(1, 5, 3))
    dip = best - int(rng.integers(1, 4))
    tail = dip + rng.integers(2, 9, int(rng.integers(1, 3)))
    hundredths = [*falling, last + int(rng.integers(1, 4)), best, *after, dip, *tail]
    return np.array(hundredths) / 100


def calibration(student_id: str) -> CalibrationNumbers:
    """The calibration assignment's numbers for `student_id`."""
    number = seed("calibration", student_id)
    rng = np.random.default_rng(number)
    val_logits, y_val = _overconfident_logits(1000, rng)
    test_logits, y_test = _overconfident_logits(1000, rng)
    val_loss = _validation_loss(rng)
    share = int(rng.integers(5, 16)) / 100
    y_rare, rare_scores = imbalanced_scores(1000, share, seed=int(rng.integers(2**32)))
    return CalibrationNumbers(
        student_id=_checked_id(student_id),
        seed=number,
        val_logits=val_logits,
        y_val=y_val,
        test_logits=test_logits,
        y_test=y_test,
        val_loss=val_loss,
        y_rare=y_rare,
        rare_scores=rare_scores,
    )
