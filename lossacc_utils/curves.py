"""What a training run's curves say: where the validation loss bottoms out, where loss and accuracy
move in opposite directions, and which samples the loss comes from.

Every function takes a `runs.Run`, as `overtraining.run_overtraining` returns it; the functions
that only read curves also take a Keras `History` or a dict of curves. Epochs count from 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .contracts import Choice, Count, CurveName, Curves, Real, Recorded, RecordedEpoch, takes
from .runs import Run
from .validation import as_tensorflow_reads

__all__ = [
    "costliest_samples",
    "early_stopping",
    "loss_by_correctness",
    "opposite_moves",
    "over_lowest",
    "plain_summary",
    "sample_losses",
    "sample_verdicts",
    "summarize",
    "val_cross_entropy",
]


@takes(loss=Real(0), lowest=Real(0))
def over_lowest(loss, lowest) -> float:
    """`loss` over the `lowest` loss: 1 when both are 0 (the loss has not risen), and infinite
    when only `lowest` is (a cross-entropy of exactly 0: every sample certain and right).

    >>> over_lowest(0.75, 0.5), over_lowest(0.0, 0.0)
    (1.5, 1.0)
    """
    if lowest == 0:
        return 1.0 if loss == 0 else math.inf
    return loss / lowest


@takes(run=Curves(needs=("val_loss",), epochs=1))
def val_cross_entropy(run) -> np.ndarray:
    """The validation cross-entropy, epoch by epoch: the run's `val_loss`, or, for a run trained
    with label smoothing, the plain cross-entropy it keeps beside it as `val_cross_entropy` (its
    `val_loss` is the smoothed one), which is what its recorded predictions give."""
    return run.curve("val_cross_entropy" if "val_cross_entropy" in run.history else "val_loss")


@takes(run=Curves(needs=("val_loss", "val_accuracy")))
def summarize(run) -> dict:
    """The epoch of the lowest validation loss, and how loss and accuracy end up relative to it.

    `loss_ratio` is the final validation loss over the lowest; `accuracy_change` is the final
    validation accuracy minus the accuracy at the epoch of the lowest loss. Epochs count from 1.
    Epochs whose loss is NaN (a run that diverged) are never the lowest; if the last one is NaN,
    so are the final loss and the ratio, and `diverged_epoch` says where the NaNs began.
    """
    val_loss, val_accuracy = run.val_loss, run.val_accuracy
    if np.isnan(val_loss).all():
        raise ValueError("the run's val_loss is NaN on every epoch: it diverged from the start")
    if np.nanmin(val_loss) < 0:
        raise ValueError(
            f"the run's val_loss must be a cross-entropy, at least 0; got {np.nanmin(val_loss)}"
        )
    best = int(np.nanargmin(val_loss))
    nan = np.flatnonzero(np.isnan(val_loss))
    return {
        "best_epoch": best + 1,
        "best_val_loss": float(val_loss[best]),
        "final_val_loss": float(val_loss[-1]),
        "loss_ratio": (
            math.nan if np.isnan(val_loss[-1]) else over_lowest(val_loss[-1], val_loss[best])
        ),
        "val_accuracy_at_best": float(val_accuracy[best]),
        "final_val_accuracy": float(val_accuracy[-1]),
        "accuracy_change": float(val_accuracy[-1] - val_accuracy[best]),
        "diverged_epoch": int(nan[0]) + 1 if len(nan) else None,
    }


@takes(run=Curves(needs=("val_loss", "val_accuracy")))
def plain_summary(run) -> dict:
    """`summarize` of the run's plain validation cross-entropy (`val_cross_entropy`) in place of
    its `val_loss`: for a run trained with label smoothing, the numbers of the loss its recorded
    predictions give; for any other run, `summarize`'s own."""
    return summarize({"val_loss": val_cross_entropy(run), "val_accuracy": run.val_accuracy})


@takes(prefix=Choice(("val_", "")), run=Curves())
def opposite_moves(run, prefix="val_") -> pd.DataFrame:
    """Epochs in which the loss and the accuracy moved in opposite directions.

    Opposite means the loss got better (fell) while the accuracy got worse (fell), or the loss got
    worse (rose) while the accuracy got better (rose). `prefix` is "val_" for the validation curves
    and "" for the training curves. One row per such epoch, with both changes.
    """
    loss, accuracy = run.curve(f"{prefix}loss"), run.curve(f"{prefix}accuracy")
    d_loss, d_accuracy = np.diff(loss), np.diff(accuracy)
    # both fell, or both rose (by the signs: the product of two tiny changes can round to 0)
    opposite = np.flatnonzero(np.sign(d_loss) * np.sign(d_accuracy) > 0)
    return pd.DataFrame(
        {
            "epoch": opposite + 2,
            "loss change": d_loss[opposite],
            "accuracy change": d_accuracy[opposite],
            "kind": np.where(
                d_loss[opposite] < 0, "loss better, accuracy worse", "loss worse, accuracy better"
            ),
        }
    )


def _sample_losses(run: Run, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    """Each validation sample's loss at `epoch` and whether it was classified correctly.

    The loss comes from the recorded log-probabilities, unclipped, as Keras computes `val_loss`
    from the logits.
    """
    log_p = run.recorded(epoch)
    y = run.y_val
    losses = 0.0 - log_p[np.arange(len(y)), y]  # not -x: a certain right answer costs 0, not -0
    return losses, log_p.argmax(axis=1) == y


@takes(run=Recorded(), epoch=RecordedEpoch(of="run"))
def sample_losses(run, epoch) -> np.ndarray:
    """Each validation sample's loss at `epoch` (a recorded epoch): the terms `val_loss` averages.

    They come from the recorded log-probabilities, unclipped, as Keras computes `val_loss` from the
    logits of a softmax model.
    """
    return _sample_losses(run, epoch)[0]


@takes(run=Recorded(), epoch=RecordedEpoch(of="run"))
def sample_verdicts(run, epoch) -> np.ndarray:
    """Whether each validation sample is classified correctly at `epoch` (a recorded epoch).

    The per-sample verdicts behind `val_accuracy`: its mean, up to float32 rounding.
    """
    return _sample_losses(run, epoch)[1]


@takes(run=Recorded())
def loss_by_correctness(run) -> pd.DataFrame:
    """For every recorded epoch, the validation loss split into its correct and wrong samples.

    The two parts add up to the mean validation loss: each is the sum of its samples' losses
    divided by the number of all validation samples. Also counts the wrong samples and gives the
    mean loss of one wrong sample.
    """
    n = len(run.y_val)
    rows = []
    for epoch in run.val_log_probabilities:
        losses, correct = _sample_losses(run, epoch)
        rows.append(
            {
                "epoch": epoch,
                "loss": losses.mean(),
                "from correct samples": losses[correct].sum() / n,
                "from wrong samples": losses[~correct].sum() / n,
                "wrong samples": int((~correct).sum()),
                "mean loss of a wrong sample": losses[~correct].mean() if (~correct).any() else 0.0,
                "accuracy": correct.mean(),
            }
        )
    return pd.DataFrame(rows).set_index("epoch")


@takes(run=Recorded(), epoch=RecordedEpoch(of="run"), k=Count(1))
def costliest_samples(run, epoch, k=8) -> pd.DataFrame:
    """The `k` validation samples with the highest loss at `epoch`, costliest first (all of them
    when `k` is more)."""
    losses, _ = _sample_losses(run, epoch)
    p, y = run.val_probabilities[epoch], run.y_val
    order = np.argsort(-losses, kind="stable")[:k]
    return pd.DataFrame(
        {
            "sample": order,
            "true class": y[order],
            "predicted": p[order].argmax(axis=1),
            "p(true class)": p[order, y[order]],
            "p(predicted)": p[order].max(axis=1),
            "loss": losses[order],
            # with no loss at all (every sample certain and right), no sample holds any of it
            "share of all the loss": losses[order] / (losses.sum() or 1.0),
        }
    )


#: The largest float32: Keras compares a monitored value, shifted by `min_delta`, in float32.
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@takes(
    run=Curves(),
    monitor=CurveName(of="run"),
    patience=Count(0),
    min_delta=Real(-_FLOAT32_MAX, _FLOAT32_MAX, why=" (Keras compares in float32)"),
    mode=Choice(("auto", "min", "max")),
)
def early_stopping(run, monitor="val_loss", patience=10, min_delta=0.0, mode="auto") -> dict:
    """Where `keras.callbacks.EarlyStopping(monitor, min_delta, patience, mode)` would stop.

    The rule is Keras', step by step: the first epoch is always the best so far (even a NaN); a
    later epoch improves on the best when it is better by more than `min_delta` (lower for a loss,
    higher for an accuracy: `mode="auto"` decides from the name, as Keras does for its own metrics,
    or say "min" or "max"), compared in float32 as Keras compares a History's numbers; after
    every epoch that does not improve, a counter grows, and training stops once it reaches
    `patience` (from the second epoch on). Returns the epoch training stops after
    (`stopped_epoch`, the last epoch if it never stops) and the best epoch (`best_epoch`, the
    weights `restore_best_weights=True` restores), both counted from 1.
    """
    values = run.curve(monitor)
    min_delta = abs(min_delta)
    if mode == "auto":  # Keras asks the metric which way is better; its names say the same
        name = monitor.removeprefix("val_")
        falls, rises = ("loss", "entropy", "error"), ("acc", "auc", "precision", "recall", "f1")
        mode = (
            "min"
            if any(w in name for w in falls)
            else "max"
            if any(w in name for w in rises)
            else ""
        )
        if not mode:
            raise ValueError(
                f"mode='auto' cannot tell whether {monitor!r} should fall or rise; "
                "pass mode='min' or mode='max'"
            )
    shift = min_delta if mode == "min" else -min_delta
    better = np.less if mode == "min" else np.greater

    def improves(value, best):  # as Keras compares two Python floats: in float32, on a CPU
        with np.errstate(over="ignore"):  # a loss near float32's largest, shifted past it
            shifted, kept = as_tensorflow_reads(np.array([value + shift, best], np.float32))
        return better(shifted, kept)

    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values):
        wait += 1
        if best is None or improves(value, best):  # NaN never improves on anything
            best, best_epoch, wait = value, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return {"stopped_epoch": epoch + 1, "best_epoch": best_epoch + 1}
    return {"stopped_epoch": len(values), "best_epoch": best_epoch + 1}
