"""What a training run's curves say: where the validation loss bottoms out, where loss and accuracy
move in opposite directions, and which samples the loss comes from.

Every function takes a run as `training.run_overtraining` returns it (a dict of per-epoch lists,
plus validation probabilities for the functions that look at samples).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics
from .validation import check_count

__all__ = [
    "costliest_samples",
    "early_stopping",
    "loss_by_correctness",
    "opposite_moves",
    "summarize",
]


def _curve(run, key) -> np.ndarray:
    if not isinstance(run, dict) or key not in run:
        raise ValueError(f"run must be a dict with a {key!r} list, as run_overtraining returns")
    values = np.asarray(run[key], dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"run[{key!r}] must list at least two epochs; got {values.shape}")
    return values


def summarize(run) -> dict:
    """The epoch of the lowest validation loss, and how loss and accuracy end up relative to it.

    `loss_ratio` is the final validation loss over the lowest; `accuracy_change` is the final
    validation accuracy minus the accuracy at the epoch of the lowest loss. Epochs count from 1.
    """
    val_loss, val_accuracy = _curve(run, "val_loss"), _curve(run, "val_accuracy")
    best = int(np.argmin(val_loss))
    return {
        "best_epoch": best + 1,
        "best_val_loss": float(val_loss[best]),
        "final_val_loss": float(val_loss[-1]),
        "loss_ratio": float(val_loss[-1] / val_loss[best]),
        "val_accuracy_at_best": float(val_accuracy[best]),
        "final_val_accuracy": float(val_accuracy[-1]),
        "accuracy_change": float(val_accuracy[-1] - val_accuracy[best]),
    }


def opposite_moves(run, prefix="val_") -> pd.DataFrame:
    """Epochs in which the loss and the accuracy moved in opposite directions.

    Opposite means the loss got better (fell) while the accuracy got worse (fell), or the loss got
    worse (rose) while the accuracy got better (rose). `prefix` is "val_" for the validation curves
    and "" for the training curves. One row per such epoch, with both changes.
    """
    if prefix not in ("val_", ""):
        raise ValueError(f"prefix must be 'val_' or ''; got {prefix!r}")
    loss, accuracy = _curve(run, f"{prefix}loss"), _curve(run, f"{prefix}accuracy")
    d_loss, d_accuracy = np.diff(loss), np.diff(accuracy)
    opposite = np.flatnonzero(d_loss * d_accuracy > 0)  # both fell, or both rose
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


def _recorded(run):
    probabilities = run.get("val_probabilities") if isinstance(run, dict) else None
    if not probabilities or "y_val" not in run:
        raise ValueError("run must hold val_probabilities and y_val, as run_overtraining returns")
    return probabilities, np.asarray(run["y_val"])


def _sample_losses(run, epoch, p, y):
    """Each sample's loss: from the recorded log-probabilities when there are any (unclipped, as
    Keras computes `val_loss` from the logits), else from the probabilities, clipped as in Keras."""
    log_p = run.get("val_log_probabilities", {}).get(epoch)
    if log_p is not None:
        return -np.asarray(log_p)[np.arange(len(y)), y]
    return metrics.sparse_categorical_crossentropy(y, p)


def loss_by_correctness(run) -> pd.DataFrame:
    """For every recorded epoch, the validation loss split into its correct and wrong samples.

    The two parts add up to the mean validation loss: each is the sum of its samples' losses
    divided by the number of all validation samples. Also counts the wrong samples and gives the
    mean loss of one wrong sample.
    """
    probabilities, y = _recorded(run)
    rows = []
    for epoch, p in sorted(probabilities.items()):
        losses = _sample_losses(run, epoch, p, y)
        correct = metrics.sparse_categorical_accuracy(y, p).astype(bool)
        rows.append(
            {
                "epoch": epoch,
                "loss": losses.mean(),
                "from correct samples": losses[correct].sum() / len(y),
                "from wrong samples": losses[~correct].sum() / len(y),
                "wrong samples": int((~correct).sum()),
                "mean loss of a wrong sample": losses[~correct].mean() if (~correct).any() else 0.0,
                "accuracy": correct.mean(),
            }
        )
    return pd.DataFrame(rows).set_index("epoch")


def costliest_samples(run, epoch, k=8) -> pd.DataFrame:
    """The `k` validation samples with the highest loss at `epoch`, costliest first."""
    probabilities, y = _recorded(run)
    if epoch not in probabilities:
        raise ValueError(
            f"epoch {epoch!r} was not recorded; recorded epochs run from "
            f"{min(probabilities)} to {max(probabilities)}"
        )
    k = check_count(k, "k")
    p = probabilities[epoch]
    losses = _sample_losses(run, epoch, p, y)
    order = np.argsort(-losses)[:k]
    return pd.DataFrame(
        {
            "sample": order,
            "true class": y[order],
            "predicted": p[order].argmax(axis=1),
            "p(true class)": p[order, y[order]],
            "p(predicted)": p[order].max(axis=1),
            "loss": losses[order],
            "share of all the loss": losses[order] / losses.sum(),
        }
    )


def early_stopping(run, monitor="val_loss", patience=10, min_delta=0.0) -> dict:
    """Where `keras.callbacks.EarlyStopping(monitor, patience, min_delta)` would stop this run.

    The rule is Keras': an epoch improves on the best so far when it is better by more than
    `min_delta` (lower for a loss, higher for an accuracy); training stops once `patience` epochs
    in a row have not improved. Returns the epoch training stops after (`stopped_epoch`, or the
    last epoch if it never stops) and the best epoch (`best_epoch`, the weights
    `restore_best_weights=True` would restore), both counted from 1.
    """
    if not isinstance(monitor, str) or not monitor.startswith(("val_", "loss", "accuracy")):
        raise ValueError(
            f"monitor must name a curve of the run, such as 'val_loss'; got {monitor!r}"
        )
    values = _curve(run, monitor)
    patience = check_count(patience, "patience")
    sign = -1.0 if "acc" in monitor else 1.0  # Keras' mode="auto": maximise accuracies
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(sign * values):
        if value < best - abs(min_delta):
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return {"stopped_epoch": epoch + 1, "best_epoch": best_epoch + 1}
    return {"stopped_epoch": len(values), "best_epoch": best_epoch + 1}
