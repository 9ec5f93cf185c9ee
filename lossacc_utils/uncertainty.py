"""Is a number measured on a validation set bigger than its noise? Intervals for what a run reports.

An accuracy measured on n validation samples is an estimate: another n samples from the same
source would give another number. These functions say how far it could plausibly move.

- `accuracy_interval`: the Wilson score interval of one accuracy;
- `accuracy_change`: the change in accuracy between two sets of predictions on the *same* samples
  (two epochs of one run), which only the samples that changed their verdict decide, with an
  interval and McNemar's exact test;
- `bootstrap_interval`: a percentile bootstrap interval of any statistic of per-sample values,
  resampling the samples (for a loss ratio or an expected calibration error);
- `loss_ratio_interval`: the bootstrap interval of a run's final over lowest validation loss;
- `noise_report`: what `curves.summarize` says about a run, each number with its interval;
- `seed_band`: a curve over several runs that differ only in their seed, epoch by epoch.

The intervals describe one kind of noise, the choice of validation samples; `seed_band` shows
another, the randomness of training itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .contracts import Real, Verdicts, takes
from .curves import over_lowest
from .runs import Run, as_run, with_predictions
from .validation import MAX_ENTRIES, as_array, check_count, check_seed, check_text, numpy_of

__all__ = [
    "CONFIDENCE",
    "accuracy_change",
    "accuracy_interval",
    "bootstrap_interval",
    "loss_ratio_interval",
    "noise_report",
    "noise_reports",
    "seed_band",
]


#: A confidence level: strictly between 0 and 1, such as 0.95.
CONFIDENCE = Real(0, 1, why=", such as 0.95", open=True)


def _confidence(value) -> float:
    return CONFIDENCE.check(value, "confidence", {})


@takes(correct=Verdicts(), confidence=CONFIDENCE)
def accuracy_interval(correct, confidence=0.95) -> dict:
    """The accuracy of per-sample verdicts `correct`, with its Wilson score interval.

    The Wilson interval keeps inside [0, 1] and holds its coverage near 0 and 1, where the
    textbook interval p +- z sqrt(p (1 - p) / n) does not (at p = 1 it has width zero).
    `standard_error` is sqrt(p (1 - p) / n), the size of the noise in the accuracy.
    """
    n, right = len(correct), int(correct.sum())
    p = right / n
    # z from the tail's share, (1 - confidence) / 2: 0.5 + confidence / 2 rounds to 1 (z = inf)
    # for a confidence within 2**-53 of 1
    z = stats.norm.isf((1 - confidence) / 2)
    shrink = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / shrink
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / shrink
    return {
        "accuracy": p,
        # within [0, 1], and around the accuracy itself, which rounding could leave it a hair
        # outside of (1 - 1e-16 as the top of the interval of an accuracy of 1)
        "low": float(min(max(centre - half, 0.0), p)),
        "high": float(max(min(centre + half, 1.0), p)),
        "standard_error": float(np.sqrt(p * (1 - p) / n)),
        "samples": n,
    }


@takes(
    correct_before=Verdicts(),
    correct_after=Verdicts(like="correct_before"),
    confidence=CONFIDENCE,
)
def accuracy_change(correct_before, correct_after, confidence=0.95) -> dict:
    """How the accuracy changed between two sets of verdicts on the same samples, and whether
    the change is bigger than its noise.

    Only the samples whose verdict changed move the accuracy: `became_right` were wrong before and
    right after, `became_wrong` the reverse. The change is their difference over all samples. If
    nothing but chance told the two apart, each of those samples would be equally likely to have
    gone either way: `p_value` is McNemar's exact test of that, the probability of a split at least
    as lopsided. The interval matches the test: it scales the exact (Clopper-Pearson) interval of
    the share of changed samples that became right. `standard_error`, that of a paired difference
    of proportions, comes from the changed samples alone: it is far smaller than the standard error
    of either accuracy when few samples change.
    """
    before, after, level = correct_before, correct_after, confidence
    n = len(before)
    became_right = int((~before & after).sum())
    became_wrong = int((before & ~after).sum())
    change = (became_right - became_wrong) / n
    flips = became_right + became_wrong
    standard_error = np.sqrt(max(flips / n - change**2, 0.0) / n)
    if flips:
        test = stats.binomtest(became_right, flips)
        share = test.proportion_ci(level, method="exact")
        low, high = (flips * (2 * share.low - 1) / n, flips * (2 * share.high - 1) / n)
        p_value = test.pvalue
    else:  # nothing changed: the change is exactly zero
        low = high = 0.0
        p_value = 1.0
    return {
        "before": float(before.mean()),
        "after": float(after.mean()),
        "change": float(change),
        "became_right": became_right,
        "became_wrong": became_wrong,
        "standard_error": float(standard_error),
        "low": float(low),
        "high": float(high),
        "p_value": float(p_value),
    }


def _sample(value, name: str) -> np.ndarray:
    """An array of samples for `bootstrap_interval`, checked as `as_array` checks it (finite,
    non-empty, at least one axis) but kept in its own dtype: the statistic may index with integer
    labels or negate booleans."""
    as_array(value, name)
    return numpy_of(value, name)


def bootstrap_interval(
    statistic: Callable, *samples, confidence=0.95, n_resamples=1000, seed=0
) -> dict:
    """A percentile bootstrap interval of `statistic(*samples)`.

    Each sample array has one row per sample (all the same length). The samples are drawn again
    with replacement `n_resamples` times, the same rows from every array, and the statistic is
    computed on each draw; the interval holds the middle `confidence` of those values.
    """
    if not callable(statistic):
        raise TypeError(f"statistic must be a function of the samples; got {statistic!r}")
    if not samples:
        raise ValueError("samples: give bootstrap_interval at least one array of samples")
    arrays = [_sample(s, f"samples[{i}]") for i, s in enumerate(samples)]
    lengths = {len(a) if a.ndim else 0 for a in arrays}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(
            "the samples must be non-empty arrays with one row per sample, all the same length; "
            f"got lengths {sorted(lengths)}"
        )
    (n,) = lengths
    level = _confidence(confidence)
    why = f" for {n} samples (each draw is {n} indices)"
    n_resamples = check_count(n_resamples, "n_resamples", low=10, high=MAX_ENTRIES // n, why=why)
    rng = np.random.default_rng(check_seed(seed))

    def number(value):  # what the statistic returned: one finite real number, or a clear error
        if np.ndim(value) != 0 or isinstance(value, bool | str | bytes) or np.iscomplexobj(value):
            raise ValueError(f"statistic must return one real number; got {value!r:.60}")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"statistic must return one number; got {value!r:.60}") from None
        except OverflowError:  # an int or a fraction beyond a float's range
            value = np.inf
        if not np.isfinite(value):
            raise ValueError(f"statistic must return a finite number; got {value}")
        return value

    value = number(statistic(*arrays))
    values = [
        number(statistic(*(a[rows] for a in arrays)))
        for rows in rng.integers(0, n, size=(n_resamples, n))
    ]
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return {"value": value, "low": float(low), "high": float(high)}


def loss_ratio_interval(run, confidence=0.95, n_resamples=1000, seed=0) -> dict:
    """A bootstrap interval of the run's final validation loss over its lowest.

    Resampling the validation samples moves every epoch's mean loss, and perhaps the epoch of the
    lowest: each resample finds its own. The run must have its predictions recorded every epoch.
    """
    run = with_predictions(run)
    missing = set(range(1, run.epochs + 1)) - set(run.val_log_probabilities)
    if missing:
        raise ValueError(
            "run must have recorded its validation predictions on every epoch; "
            f"{len(missing)} of its {run.epochs} epochs were not recorded"
        )
    rows = np.arange(len(run.y_val))
    losses = np.stack(
        [-run.val_log_probabilities[e][rows, run.y_val] for e in range(1, run.epochs + 1)], axis=1
    )  # (samples, epochs)
    curve = losses.mean(axis=0)
    if curve.min() == 0 < curve[-1]:  # every sample certain and right at an epoch, not the last
        raise ValueError(
            f"run's validation loss is 0 at epoch {int(np.argmin(curve)) + 1} and rises from it: "
            "the final loss over the lowest is infinite"
        )

    def ratio(per_sample):
        curve = per_sample.mean(axis=0)
        if curve.min() == 0 < curve[-1]:
            raise ValueError(
                "run's validation loss is 0 at an epoch of a resample of its samples (every one "
                "drawn certain and right) and rises from it: the interval of the final loss over "
                "the lowest has no upper bound; more validation samples would give it one"
            )
        return over_lowest(curve[-1], curve.min())

    return bootstrap_interval(
        ratio, losses, confidence=confidence, n_resamples=n_resamples, seed=seed
    )


def noise_report(run, confidence=0.95) -> dict:
    """`curves.summarize(run)` with the noise of its numbers: the loss ratio's bootstrap interval,
    and the accuracy change from the epoch of the lowest loss to the last, with the interval and
    McNemar p-value of `accuracy_change`. The run must have recorded every epoch's predictions.
    The loss is the plain cross-entropy the predictions give (`curves.val_cross_entropy`), for a
    run trained with label smoothing too.
    """
    from .curves import plain_summary, sample_verdicts

    run = with_predictions(run)
    summary = plain_summary(run)
    ratio = loss_ratio_interval(run, confidence)
    best, last = summary["best_epoch"], as_run(run).epochs
    change = accuracy_change(sample_verdicts(run, best), sample_verdicts(run, last), confidence)
    return {
        "best_epoch": best,
        "loss_ratio": summary["loss_ratio"],
        "loss_ratio_low": ratio["low"],
        "loss_ratio_high": ratio["high"],
        "val_accuracy_at_best": change["before"],
        "final_val_accuracy": change["after"],
        "accuracy_change": change["change"],
        "accuracy_change_low": change["low"],
        "accuracy_change_high": change["high"],
        "p_value": change["p_value"],
    }


def noise_reports(runs: Mapping, confidence=0.95) -> pd.DataFrame:
    """`noise_report` of every run of several variants: one row per (variant, seed).

    `runs` maps a variant's name to its runs, as `overtraining.run_overtraining_many` returns
    them; each run must carry its seed. The column `rises` says whether the accuracy rose from the
    lowest loss to the end beyond its noise (the whole interval of the change above 0), and
    `falls` whether it fell beyond it.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must map a variant's name to its runs; got {type(runs).__name__}")
    rows = []
    for name, by_seed in runs.items():
        if isinstance(by_seed, Run) or not isinstance(by_seed, Sequence) or not by_seed:
            raise TypeError(f"runs[{name!r}] must be a list of runs, one per seed")
        for i, run in enumerate(by_seed):
            run = as_run(run, f"runs[{name!r}][{i}]")
            if run.seed is None:
                raise ValueError(f"runs[{name!r}][{i}] must carry its seed (run.seed)")
            try:
                report = noise_report(run, confidence)
            except (TypeError, ValueError) as error:
                where = f"runs[{name!r}][{i}]"
                raise type(error)(f"{where} must be a run noise_report can read: {error}") from None
            rows.append({"variant": name, "seed": run.seed, **report})
    table = pd.DataFrame(rows).set_index(["variant", "seed"])
    table["rises"] = table["accuracy_change_low"] > 0
    table["falls"] = table["accuracy_change_high"] < 0
    return table


def _median(table: np.ndarray) -> np.ndarray:
    """The median of each row, NaN where a row holds a NaN. Of two middle values a and b of one
    sign, a + (b - a) / 2, whose difference a float holds (two losses of 1e308 have a median of
    1e308, not infinity); of opposite signs, (a + b) / 2, whose sum a float holds (the median of
    -1e16 and 1e16 + 2 is 1, not 0)."""
    ordered = np.sort(table, axis=1)
    n = ordered.shape[1]
    low, high = ordered[:, (n - 1) // 2], ordered[:, n // 2]
    with np.errstate(over="ignore", invalid="ignore"):
        middle = np.where((low < 0) & (high > 0), (low + high) / 2, low + (high - low) / 2)
    return np.where(np.isnan(table).any(axis=1), np.nan, middle)


def seed_band(runs: Sequence, name="val_loss") -> pd.DataFrame:
    """The curve `name` of several runs, epoch by epoch: the median, and the lowest and highest.

    The runs must have the same number of epochs. One row per epoch (from 1), with the columns
    `median`, `low` and `high`, then one column per run (`run 1`, `run 2`, ...).
    """
    if isinstance(runs, Run | str | bytes | Mapping) or not isinstance(runs, Sequence):
        raise TypeError(f"runs must be a list of at least two runs; got {type(runs).__name__}")
    if len(runs) < 2:
        raise ValueError(
            f"runs must be a list of at least two runs, a band between them; got {len(runs)} run"
            + ("" if len(runs) == 1 else "s")
        )
    name = check_text(name, "name")
    checked = [as_run(run, f"runs[{i}]") for i, run in enumerate(runs)]
    for i, run in enumerate(checked):
        if name not in run.history:
            raise ValueError(
                f"name must be a curve of every run; runs[{i}] has {sorted(run.history)}, "
                f"not {name!r}"
            )
    curves = [run.curve(name) for run in checked]
    for i, curve in enumerate(curves):
        if np.isnan(curve).all():  # the band would be NaN at every epoch
            raise ValueError(
                f"runs[{i}]'s {name} is NaN on every epoch: it diverged from the start"
            )
    lengths = {len(c) for c in curves}
    if len(lengths) != 1:
        raise ValueError(f"the runs must have the same number of epochs; got {sorted(lengths)}")
    table = np.stack(curves, axis=1)
    if np.isnan(table).any(axis=1).all():  # a NaN of any run makes the epoch's band NaN
        raise ValueError(
            f"runs must have a number for {name} on some epoch in every run; on each epoch, "
            "one of them is NaN"
        )
    frame = pd.DataFrame(
        {
            "median": _median(table),
            "low": table.min(axis=1),
            "high": table.max(axis=1),
        },
        index=pd.RangeIndex(1, len(table) + 1, name="epoch"),
    )
    for i, curve in enumerate(curves, start=1):
        frame[f"run {i}"] = curve
    return frame
