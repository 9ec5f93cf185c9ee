"""The calibration assignment's answer key (see course/key.py for what a key is).

The references for questions 1 and 4 are written here: the students' copy of lossacc_utils leaves
out the library's ECE, its calibration bins and its early-stopping rule.
"""

import numpy as np

from course.key import Key, number, whole_number
from lossacc_utils import calibration, variants

#: What the students' copy of lossacc_utils leaves out, by the question that asks for it.
WITHHELD = {
    "q1": ("calibration.expected_calibration_error", "calibration.calibration_bins"),
    "q4": ("curves.early_stopping",),
}

key = Key("calibration", variant=variants.calibration)
check = key.check


def ece(y_true, probabilities, n_bins=15) -> float:
    """Guo et al.'s expected calibration error, bin k holding the confidences in
    ((k - 1) / n_bins, k / n_bins], its edges computed as those fractions."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == y_true
    edges = np.arange(n_bins + 1) / n_bins
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        members = index == b
        if members.any():
            total += members.sum() * abs(correct[members].mean() - confidence[members].mean())
    return total / len(y_true)


def early_stopping(val_loss, patience: int) -> tuple[int, int]:
    """Keras' EarlyStopping on a loss (min_delta 0): the epoch it stops after and the epoch whose
    weights it restores, both from 1."""
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(val_loss):
        wait += 1
        if best is None or value < best:
            best, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(val_loss), best_epoch + 1


@key.question
def q1(student, mine):
    """ece agrees with the reference on the student's two sets, at two temperatures, with the
    default 15 bins and with 10."""
    for logits, labels in ((mine.val_logits, mine.y_val), (mine.test_logits, mine.y_test)):
        for temperature in (1.0, 3.0):
            p = calibration.apply_temperature(logits, temperature)
            for bins in ((), (10,)):
                got = number(student.call("ece", labels, p, *bins), "ece(...)")
                assert np.isclose(got, ece(labels, p, *bins)), "ece differs from Guo et al.'s"


@key.question
def q2(student, mine):
    """temperature is fitted on the validation set."""
    fitted = calibration.fit_temperature(mine.y_val, mine.val_logits)
    temperature = number(student.value("temperature"), "temperature")
    assert np.isclose(temperature, fitted, rtol=1e-4), "temperature is not the validation set's"


@key.question
def q3(student, mine):
    """The test NLL before and after scaling (lower after), and the unchanged test accuracy."""
    nll = {name: number(student.value(name), name) for name in ("nll_before", "nll_after")}
    accuracy = {
        name: number(student.value(name), name) for name in ("accuracy_before", "accuracy_after")
    }
    fitted = calibration.fit_temperature(mine.y_val, mine.val_logits)
    before = calibration.negative_log_likelihood(mine.y_test, mine.test_logits, 1.0)
    after = calibration.negative_log_likelihood(mine.y_test, mine.test_logits, fitted)
    assert np.isclose(nll["nll_before"], before), "nll_before is not the test NLL at T = 1"
    assert np.isclose(nll["nll_after"], after, rtol=1e-4), "nll_after is not the NLL at T"
    expected = float((mine.test_logits.argmax(axis=1) == mine.y_test).mean())
    # to within float32's rounding of a share: an accuracy computed in float32 is as right
    assert all(np.isclose(value, expected, rtol=0, atol=1e-6) for value in accuracy.values()), (
        "a temperature changes no prediction, so neither accuracy changes"
    )


@key.question
def q4(student, mine):
    """stopped_epoch and restored_epoch follow Keras' rule with a patience of 3."""
    stopped = whole_number(student.value("stopped_epoch"), "stopped_epoch")
    restored = whole_number(student.value("restored_epoch"), "restored_epoch")
    expected = early_stopping(mine.val_loss, patience=3)
    assert (stopped, restored) == expected, "not where Keras stops, or not what it restores"


@key.question
def q5(student, mine):
    """The lazy model's accuracy is the common class's share; its balanced accuracy is 0.5."""
    lazy = number(student.value("lazy_accuracy"), "lazy_accuracy")
    balanced = number(student.value("lazy_balanced_accuracy"), "lazy_balanced_accuracy")
    assert np.isclose(lazy, 1 - mine.y_rare.mean()), "lazy_accuracy is not the common share"
    assert np.isclose(balanced, 0.5), "lazy_balanced_accuracy is not the mean of the recalls"
