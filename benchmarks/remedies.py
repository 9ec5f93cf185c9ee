"""Remedies for over-training, side by side over seeds. Prints tables.

    .venv/bin/python benchmarks/remedies.py --choose      # strengths, on seeds 100 to 102
    .venv/bin/python benchmarks/remedies.py [--first 2000 --count 5]

--choose trains each remedy of `remedies.REMEDIES` at three strengths on the chapter's run and
prints the mean final validation cross-entropy of each: the lowest is the strength `REMEDIES`
uses. Without it, the script prints `remedies.mean_and_interval` of every remedy for the
chapter's run and for the second regime (`RISING`) on other seeds.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd

from lossacc_utils import remedies
from lossacc_utils.overtraining import RISING, run_overtraining_many

STRENGTHS = {
    "weight_decay": (0.01, 0.1, 1.0),
    "dropout": (0.2, 0.35, 0.5),
    "label_smoothing": (0.05, 0.1, 0.2),
}


def choose(seeds):
    variants = {
        f"{name}={value}": {name: value} for name, values in STRENGTHS.items() for value in values
    }
    runs = run_overtraining_many(variants, seeds)
    for name, by_seed in runs.items():
        losses = [
            r.curve("val_cross_entropy" if "val_cross_entropy" in r.history else "val_loss")[-1]
            for r in by_seed
        ]
        print(f"{name:24} final validation cross-entropy {sum(losses) / len(losses):.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choose", action="store_true")
    parser.add_argument("--first", type=int, default=2000)
    parser.add_argument("--count", type=int, default=5)
    args = parser.parse_args()
    if args.choose:
        choose(range(100, 103))
        return
    seeds = range(args.first, args.first + args.count)
    pd.set_option("display.width", 200)
    for regime, base in (("the chapter's run", {}), ("the second regime", RISING)):
        variants = {remedies.NONE: base}
        variants |= {name: {**base, **change} for name, change in remedies.REMEDIES.items()}
        runs = run_overtraining_many(variants, seeds)
        table = remedies.mean_and_interval(remedies.remedy_scores(runs))
        print(f"\n{regime}, seeds {seeds.start} to {seeds.stop - 1}")
        print(table.round(3).to_string())


if __name__ == "__main__":
    main()
