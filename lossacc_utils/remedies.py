"""What each remedy does to an over-trained network, measured side by side over several seeds.

- `REMEDIES`: the remedies that change the training (weight decay, dropout, label smoothing), as
  settings of `overtraining.run_overtraining`, each at the strength chosen on seeds the book does
  not report;
- `kept_model`: the numbers of the model a remedy keeps: the validation loss against the lowest
  the run reached, the validation and test accuracy, the test loss and the test ECE;
- `remedy_scores`: those numbers for every seed of every remedy, the three that need no new
  training (early stopping on the loss or on the accuracy, temperature scaling) read off the runs
  trained without a remedy; `measure` trains every remedy on several settings of the
  over-training run, all side by side, and scores them;
- `mean_and_interval`: the mean of each number over the seeds, with a 95% t-interval;
- `against_none`: each remedy's change of each number from no remedy, seed by seed, and whether
  the change is beyond its noise: what the remedy fixes, and what it costs; `verdicts` writes it
  as a table a phone can show, one row per remedy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from . import calibration, curves
from .contracts import takes
from .runs import Run, epochs_text, with_predictions
from .uncertainty import CONFIDENCE
from .validation import check_count, check_positive

__all__ = [
    "BETTER",
    "NONE",
    "REMEDIES",
    "SHORT",
    "against_none",
    "kept_model",
    "mean_and_interval",
    "measure",
    "remedy_scores",
    "verdicts",
]

#: The name of the runs trained without any remedy.
NONE = "no remedy"

#: The remedies that change the training, as settings of `run_overtraining`. Each strength was
#: chosen among three on seeds 100 to 102 of the chapter's run, as the one with the lowest final
#: validation cross-entropy (benchmarks/remedies.py --choose); the book reports seeds 0 to 4.
REMEDIES = {
    "weight decay": {"weight_decay": 0.1},
    "dropout": {"dropout": 0.5},
    "label smoothing": {"label_smoothing": 0.05},
}


#: Which way each number of `kept_model` is better: +1 higher, -1 lower.
BETTER = {
    "val loss / lowest": -1,
    "val accuracy": +1,
    "test accuracy": +1,
    "test loss": -1,
    "test ECE": -1,
}


def _test_logits(run, epoch) -> np.ndarray:
    return run.test_log_probabilities[epoch]  # log-probabilities are logits up to a constant


def kept_model(run, epoch=None, temperature=1.0) -> dict:
    """The numbers of the model at `epoch` (the last when None), its logits divided by
    `temperature`: its validation cross-entropy over the lowest the run reached (1 when it is the
    lowest), its validation and test accuracy, its test cross-entropy and its test ECE (15 bins)."""
    run = with_predictions(run)
    if run.y_test is None or not run.test_log_probabilities:
        raise ValueError("run must hold recorded test predictions (test_log_probabilities)")
    epoch = run.epochs if epoch is None else check_count(epoch, "epoch")
    temperature = check_positive(temperature, "temperature")
    val_log_p = run.recorded(epoch)
    if epoch not in run.test_log_probabilities:
        raise ValueError(f"epoch {epoch} has no recorded test predictions")
    test_log_p = _test_logits(run, epoch)
    plain = curves.val_cross_entropy(run)
    if temperature == 1 and np.isfinite(plain[epoch - 1]):  # the curve the lowest comes from:
        val_loss = float(plain[epoch - 1])  # recomputed in float64, 1e-9 over a float32 0 is inf
    else:
        val_loss = calibration.negative_log_likelihood(run.y_val, val_log_p, temperature)
    if not np.isfinite(val_loss):  # a temperature so low that a wrong answer became certain
        raise ValueError(
            f"temperature must leave the validation loss finite; at {temperature:g} it is "
            f"{val_loss:g}, a wrong prediction made certain"
        )
    test_p = calibration.apply_temperature(test_log_p, temperature)
    if np.isnan(plain).all():
        raise ValueError("run's validation loss is NaN on every epoch: it diverged from the start")
    if np.nanmin(plain) < 0:
        raise ValueError(f"run's validation loss must be at least 0; got {np.nanmin(plain)}")
    return {
        "val loss / lowest": curves.over_lowest(val_loss, float(np.nanmin(plain))),
        "val accuracy": float((val_log_p.argmax(axis=1) == run.y_val).mean()),
        "test accuracy": float((test_log_p.argmax(axis=1) == run.y_test).mean()),
        "test loss": calibration.negative_log_likelihood(run.y_test, test_log_p, temperature),
        "test ECE": calibration.expected_calibration_error(run.y_test, test_p),
    }


def _stopped(run, where: str, patience: int) -> dict[str, int]:
    """The epoch early stopping keeps on the validation loss, and on the validation accuracy, of
    `run` (the caller's `where`); an error names `where`."""
    stopped = {}
    for monitor in ("val_loss", "val_accuracy"):
        try:
            stop = curves.early_stopping(run, monitor=monitor, patience=patience)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where} must be a run early stopping can read: {error}") from None
        stopped[f"early stopping on {monitor[4:]}"] = stop["best_epoch"]
    return stopped


def _check_kept(run, where: str, kept: Mapping[str, int]) -> None:
    """Refuse, naming `where`, a run that did not record the predictions of an epoch it keeps."""
    for split in ("val", "test"):
        recorded = getattr(run, f"{split}_log_probabilities")
        for remedy, epoch in kept.items():
            if epoch not in recorded:
                raise ValueError(
                    f"{where} must have recorded its {split} predictions on epoch {epoch}, which "
                    f"{remedy!r} keeps; it recorded {epochs_text(recorded)}"
                )


def remedy_scores(runs: Mapping[str, Sequence], patience=20) -> pd.DataFrame:
    """`kept_model`'s numbers for every remedy and seed: one row per (remedy, seed).

    `runs` maps a remedy's name to its runs, one per seed, as `run_overtraining_many` returns
    them; the runs of `NONE` also give early stopping on the validation loss and on the
    validation accuracy (with `patience`, keeping the best weights, as Keras'
    `EarlyStopping(restore_best_weights=True)` does) and temperature scaling (fitted on the
    validation set at the last epoch).
    """
    if not isinstance(runs, Mapping) or NONE not in runs:
        raise ValueError(f"runs must map remedies to their runs, {NONE!r} among them")
    patience = check_count(patience, "patience", low=0)
    for name, by_seed in runs.items():
        if not isinstance(name, str) or isinstance(by_seed, str | Run):
            raise TypeError(f"runs must map remedies' names to lists of runs; got {name!r}")
        if not isinstance(by_seed, Sequence) or not by_seed:
            raise ValueError(f"runs[{name!r}] must list the remedy's runs, one per seed")
        for i, run in enumerate(by_seed):
            where = f"runs[{name!r}][{i}]"
            with_predictions(run, where)
            if not run.test_log_probabilities or run.seed is None:
                raise ValueError(f"{where} must know its seed and hold recorded test predictions")
    stopped = {}  # a run without a remedy -> the epoch early stopping on each monitor keeps
    for name, by_seed in runs.items():
        for i, run in enumerate(by_seed):
            kept = {name: run.epochs}
            if name == NONE:
                stopped[i] = _stopped(run, f"runs[{name!r}][{i}]", patience)
                kept.update(stopped[i])
            _check_kept(run, f"runs[{name!r}][{i}]", kept)
    rows = []
    for name, by_seed in runs.items():
        for run in by_seed:
            rows.append({"remedy": name, "seed": run.seed, **kept_model(run)})
    for i, run in enumerate(runs[NONE]):
        for remedy, epoch in stopped[i].items():
            rows.append({"remedy": remedy, "seed": run.seed, **kept_model(run, epoch)})
        temperature = calibration.fit_temperature(run.y_val, run.recorded(run.epochs))
        scaled = kept_model(run, None, temperature)
        rows.append({"remedy": "temperature scaling", "seed": run.seed, **scaled})
    return pd.DataFrame(rows).set_index(["remedy", "seed"])


def measure(regimes: Mapping[str, Mapping], seeds, patience=20) -> dict[str, pd.DataFrame]:
    """`remedy_scores` of `NONE` and every remedy of `REMEDIES`, for each regime of `regimes` (a
    name mapped to settings of `run_overtraining`, such as ``{"the chapter's run": {}}``), on
    every seed of `seeds`. All the runs train side by side in one batch. The runs of a remedy keep
    their predictions only where early stopping could restore them and at the last epoch: less to
    keep, and all that `kept_model` reads."""
    from .overtraining import run_overtraining_many

    if not isinstance(regimes, Mapping) or not regimes:
        raise TypeError(f"regimes must map a name to settings; got {regimes!r}")
    patience = check_count(patience, "patience", low=0)  # before any run trains
    variants = {}
    for regime, base in regimes.items():
        if not isinstance(regime, str) or not isinstance(base, Mapping):
            raise TypeError(f"regimes must map a name to settings; got {regime!r}: {base!r}")
        variants[(regime, NONE)] = dict(base)
        for name, setting in REMEDIES.items():
            variants[(regime, name)] = {**base, **setting, "record_every": 0}
    names = {f"{regime}: {remedy}": key for key, (regime, remedy) in enumerate(variants)}
    trained = run_overtraining_many(dict(zip(names, variants.values(), strict=True)), seeds)
    by_regime = {}
    for label, runs in trained.items():
        regime, remedy = list(variants)[names[label]]
        by_regime.setdefault(regime, {})[remedy] = runs
    return {regime: remedy_scores(runs, patience=patience) for regime, runs in by_regime.items()}


#: The largest score `mean_and_interval` and `against_none` take: a loss, an accuracy or an ECE
#: is far smaller, and an interval's t (up to 6e15) times a spread this size still fits a float.
_MAX_SCORE = 1e150


def _check_scores(scores) -> None:
    """`scores` must be a table of numbers indexed by (remedy, seed), as remedy_scores gives."""
    numbers = isinstance(scores, pd.DataFrame) and all(
        # integers or floats: not bools, nor complex numbers (whose imaginary part would be lost)
        (pd.api.types.is_integer_dtype(kind) or pd.api.types.is_float_dtype(kind))
        and not pd.api.types.is_bool_dtype(kind)
        for kind in scores.dtypes
    )
    if not numbers or scores.index.nlevels != 2 or scores.empty or scores.columns.nlevels != 1:
        raise TypeError(
            "scores must be a table of numbers indexed by (remedy, seed), as remedy_scores gives"
        )
    if scores.columns.duplicated().any():
        twice = scores.columns[scores.columns.duplicated()][0]
        raise ValueError(f"scores must hold each number once; {twice!r} is a column twice")
    for column in scores.columns:  # a NaN would be left out of a mean but counted in its n
        values = scores[column].to_numpy(float)
        bad = scores.index[~(np.abs(values) <= _MAX_SCORE)]
        if len(bad):
            raise ValueError(
                f"scores must be finite numbers of at most {_MAX_SCORE:g} in size, whose means, "
                f"spreads and intervals a float holds; scores[{column!r}] is "
                f"{scores[column][bad[0]]} at {_row(bad[0])}"
            )
    names = scores.index.get_level_values(0)
    unnamed = [name for name in names.unique() if not isinstance(name, str) or not name]
    if unnamed:  # pandas' grouping would drop a NaN name, and its rows with it
        raise ValueError(f"scores must name each remedy with text; got {unnamed[0]!r}")
    twice = scores.index[scores.index.duplicated()]
    if len(twice):
        raise ValueError(f"scores must hold one row per (remedy, seed); {_row(twice[0])} has more")


def _row(key) -> str:
    """A row's (remedy, seed) as an error shows it."""
    return "(" + ", ".join(str(part) for part in key) + ")"


@takes(confidence=CONFIDENCE)
def mean_and_interval(scores: pd.DataFrame, confidence=0.95) -> pd.DataFrame:
    """For every remedy (the first level of `scores`' index) and number: the mean over the seeds
    and the half-width of its t-interval, in columns (number, "mean") and (number, "±")."""
    _check_scores(scores)
    grouped = scores.groupby(level=0, sort=False)
    n = grouped.size()
    if (n < 2).any():  # one seed has no spread to make an interval of
        raise ValueError(
            f"scores must hold at least two seeds of each remedy; {n.idxmin()!r} has {n.min()}"
        )
    # NumPy's two-pass spread, not pandas' one-pass one, which loses digits when the scores
    # are large beside their spread (1e16 + 0, 2, 4: 6.08 for 4.97)
    mean = grouped.agg(lambda values: np.mean(values.to_numpy(float)))
    sd = grouped.agg(lambda values: np.std(values.to_numpy(float), ddof=1))
    t = stats.t.isf((1 - confidence) / 2, n - 1)  # not ppf(0.5 + confidence / 2): it rounds
    half = sd.mul(t / np.sqrt(n), axis=0)
    table = pd.concat({"mean": mean, "±": half}, axis=1).swaplevel(axis=1)
    return table[[(c, part) for c in scores.columns for part in ("mean", "±")]]


def _t_half_width(values: np.ndarray, confidence: float) -> float:
    n = len(values)
    return float(stats.t.isf((1 - confidence) / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))


@takes(confidence=CONFIDENCE)
def against_none(scores: pd.DataFrame, confidence=0.95) -> pd.DataFrame:
    """Each remedy's change of each number from `NONE`, on the same seeds: one row per (remedy,
    number), with the mean change, the half-width of its t-interval (paired by seed, so the
    seed's own luck cancels) and the verdict: "better" or "worse" when the whole interval is on
    one side of 0, "no clear change" otherwise."""
    _check_scores(scores)
    if NONE not in scores.index.get_level_values(0):
        raise ValueError(f"scores must hold the runs of {NONE!r}, the reference")
    none = scores.loc[NONE]
    rows = []
    for remedy in scores.index.get_level_values(0).unique():
        if remedy == NONE:
            continue
        own = scores.loc[remedy]
        seeds = own.index.intersection(none.index)
        if len(seeds) < 2:
            raise ValueError(
                f"scores must hold at least two seeds of {remedy!r} that {NONE!r} has too"
            )
        for number in scores.columns:
            ours, theirs = own.loc[seeds, number], none.loc[seeds, number]
            change = ours.to_numpy(float) - theirs.to_numpy(float)  # integers would wrap around
            mean, half = float(change.mean()), _t_half_width(change, confidence)
            direction = BETTER.get(number, 0) * np.sign(mean)
            verdict = "no clear change"
            if abs(mean) > half and direction:
                verdict = "better" if direction > 0 else "worse"
            rows.append(
                {"remedy": remedy, "number": number, "change": mean, "±": half, "verdict": verdict}
            )
    if not rows:
        raise ValueError(f"scores must hold a remedy besides {NONE!r} to set against it")
    return pd.DataFrame(rows).set_index(["remedy", "number"])


#: Short names for a table a phone can show: the remedies, and the numbers of `kept_model`.
SHORT = {
    "weight decay": "weight decay",
    "dropout": "dropout",
    "label smoothing": "smoothing",
    "early stopping on loss": "stop on loss",
    "early stopping on accuracy": "stop on acc.",
    "temperature scaling": "temperature",
    "test accuracy": "accuracy",
    "test loss": "loss",
    "test ECE": "ECE",
}


def verdicts(changes: pd.DataFrame, numbers=("test accuracy", "test loss", "test ECE")):
    """`against_none`'s verdicts on `numbers`, one row per remedy, in words short enough for a
    phone: "better", "worse" or "–" (no clear change), under the short names of `SHORT`."""
    words = {"better": "better", "worse": "worse", "no clear change": "–"}
    if (
        not isinstance(changes, pd.DataFrame)
        or "verdict" not in changes.columns
        or changes.index.nlevels != 2
        or not changes["verdict"].isin(list(words)).all()
    ):
        raise TypeError("changes must be the table against_none gives")
    if isinstance(numbers, str) or not isinstance(numbers, Sequence) or not numbers:
        raise TypeError(f"numbers must be a list of the numbers of BETTER; got {numbers!r}")
    held = list(dict.fromkeys(changes.index.get_level_values(1)))
    for number in numbers:
        if number not in held:
            raise ValueError(f"numbers must be numbers changes holds, {held}; got {number!r}")
    table = {}
    for (remedy, number), row in changes.iterrows():
        if number in numbers:
            name = SHORT.get(remedy, remedy)
            table.setdefault(SHORT.get(number, number), {})[name] = words[row["verdict"]]
    return pd.DataFrame(table)[[SHORT.get(n, n) for n in numbers]]
