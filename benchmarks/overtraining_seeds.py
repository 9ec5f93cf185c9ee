"""Does the over-training chapter show its two regimes on seeds nobody chose? Prints a table.

For each seed, a run passes when its final validation loss is at least 1.3 times its minimum and:

- `--regime flat` (the chapter's main run, `OVERTRAINING`): its final validation accuracy is no
  more than 1 percentage point below the accuracy at the loss minimum;
- `--regime rising` (`RISING`: a tenth of the validation labels wrong): its final validation
  accuracy is at least 2 points above the accuracy at the loss minimum, and McNemar's test on the
  validation images that changed their verdict puts the rise beyond chance (p < 0.01).

The column "p" is that test's p-value, for either regime. Both settings were chosen on seeds 100
to 109 (see the comments of `OVERTRAINING` and `RISING`); report them on other seeds, such as the
default 1000 to 1019.

    .venv/bin/python benchmarks/overtraining_seeds.py [--regime flat] [--first 1000] [--count 20]
        [--set epochs=400 --set learning_rate=0.02 ...]
"""

import argparse
import ast
import os
import statistics

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lossacc_utils.curves import summarize
from lossacc_utils.overtraining import RISING, run_overtraining
from lossacc_utils.uncertainty import accuracy_change

REGIMES = {"flat": {}, "rising": RISING}


def passes(regime: str, s: dict, p_value: float) -> bool:
    """Whether a run's summary `s` shows the regime."""
    if regime == "flat":
        return s["loss_ratio"] >= 1.3 and s["accuracy_change"] >= -0.01
    return s["loss_ratio"] >= 1.3 and s["accuracy_change"] >= 0.02 and p_value < 0.01


def setting(text: str) -> tuple[str, object]:
    """'name=value' with a Python literal value, for --set."""
    name, _, value = text.partition("=")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regime", choices=sorted(REGIMES), default="flat")
    parser.add_argument("--first", type=int, default=1000, help="the first seed")
    parser.add_argument("--count", type=int, default=20, help="how many seeds")
    parser.add_argument("--set", type=setting, action="append", default=[], help="name=value")
    args = parser.parse_args()
    overrides = {**REGIMES[args.regime], **dict(args.set)}
    seeds = range(args.first, args.first + args.count)
    print(f"regime {args.regime}; settings changed from OVERTRAINING: {overrides or 'none'}")
    print(
        f"{'seed':>5} {'min at':>6} {'min loss':>8} {'final loss':>10} {'ratio':>6} "
        f"{'acc at min':>10} {'final acc':>9} {'change':>7} {'p':>7} {'seconds':>7}  pass"
    )
    ratios, seconds, passed = [], [], 0
    for seed in seeds:
        run = run_overtraining(seed=seed, **overrides)
        s = summarize(run)
        verdicts = [
            run.val_log_probabilities[epoch].argmax(axis=1) == run.y_val
            for epoch in (s["best_epoch"], run.epochs)
        ]
        p_value = accuracy_change(*verdicts)["p_value"]
        ok = passes(args.regime, s, p_value)
        passed += ok
        ratios.append(s["loss_ratio"])
        seconds.append(run.seconds)
        print(
            f"{seed:>5} {s['best_epoch']:>6} {s['best_val_loss']:>8.4f} "
            f"{s['final_val_loss']:>10.4f} {s['loss_ratio']:>6.2f} "
            f"{s['val_accuracy_at_best']:>10.3f} {s['final_val_accuracy']:>9.3f} "
            f"{100 * s['accuracy_change']:>+6.1f}pp {p_value:>7.1g} {run.seconds:>7.1f}  "
            f"{'yes' if ok else 'NO'}",
            flush=True,
        )
    print(
        f"{passed} of {len(seeds)} seeds show the {args.regime} regime; loss ratio median "
        f"{statistics.median(ratios):.2f}, lowest {min(ratios):.2f}; "
        f"median run {statistics.median(seconds):.1f} s, longest {max(seconds):.1f} s"
    )


if __name__ == "__main__":
    main()
