"""The over-training assignment's answer key (see course/key.py for what a key is).

Every student trains the same run (`RUN`, as the notebook's first cell does); the grader trains it
again, so that the expected values come from its own run and not from the student's `run`. The same
seed gives the same run on one machine. The students' copy of lossacc_utils leaves out the curves'
summaries and the loss split by correctness, which compute the answers.
"""

import functools
import threading

import numpy as np

from course.key import Key, number, text, whole_number

#: What the students' copy of lossacc_utils leaves out, by the question that asks for it.
WITHHELD = {
    "q1": ("curves.summarize",),
    "q3": (
        "curves.sample_losses",
        "curves.sample_verdicts",
        "curves.loss_by_correctness",
        "curves.costliest_samples",
    ),
}
#: The run the notebook trains: `run_overtraining(**RUN)`.
RUN = {"seed": 0, "n_train": 200, "n_val": 300, "n_test": 100, "epochs": 60, "batch_size": 32}

key = Key("overtraining")
check = key.check


#: Held while the grader trains the run: submissions graded at once wait for one run.
TRAINING = threading.Lock()


def the_run():
    """The run every student trains, trained once by the grader."""
    with TRAINING:
        return trained()


@functools.cache
def trained():
    from lossacc_utils.overtraining import run_overtraining

    return run_overtraining(**RUN)


def wrong_share(run, epoch: int) -> float:
    """The share of `epoch`'s validation loss carried by the misclassified images."""
    log_p, y = run.val_log_probabilities[epoch], run.y_val
    losses = -log_p[np.arange(len(y)), y]
    wrong = log_p.argmax(axis=1) != y
    return float(losses[wrong].sum() / losses.sum())


@key.question
def q1(student, mine):
    """best_epoch is the epoch of the lowest validation loss, counted from 1."""
    best = whole_number(student.value("best_epoch"), "best_epoch")
    assert best == int(np.argmin(the_run().val_loss)) + 1, "best_epoch is not the lowest loss's"


@key.question
def q2(student, mine):
    """loss_ratio: last validation loss over the lowest; accuracy_change: percentage points from
    the best epoch to the last."""
    run = the_run()
    best = int(np.argmin(run.val_loss))
    ratio = number(student.value("loss_ratio"), "loss_ratio")
    change = number(student.value("accuracy_change"), "accuracy_change")
    assert np.isclose(ratio, run.val_loss[-1] / run.val_loss[best]), "loss_ratio is not the ratio"
    expected = 100 * (run.val_accuracy[-1] - run.val_accuracy[best])
    assert np.isclose(change, expected), "accuracy_change is not the change in points"


@key.question
def q3(student, mine):
    """wrong_share(epoch) at the first, the best and the last epoch."""
    run = the_run()
    for epoch in (1, int(np.argmin(run.val_loss)) + 1, run.epochs):
        got = number(student.call("wrong_share", epoch), f"wrong_share({epoch})")
        assert np.isclose(got, wrong_share(run, epoch), rtol=1e-6), f"wrong_share({epoch})"


@key.question
def q4(student, mine):
    """Run X, which fits its training labels perfectly, had the noisy labels."""
    assert text(student.value("noisy_run"), "noisy_run") == "X", "noisy_run is not the one"
