"""Which of the second regime's two changes makes which part of its shape? Prints a table.

`RISING` changes two settings of the chapter's run at once: a tenth of the validation labels made
wrong, and a learning rate ten times lower. This trains each change alone and both together, for
`RISING`'s epochs, on seeds that played no part in choosing them (1000 to 1009 by default), and
prints for every arm the median epoch of the lowest validation loss, the median loss ratio and
accuracy change after it, and how many seeds' accuracy rose (or fell) beyond its noise.

    .venv/bin/python benchmarks/rising_ablation.py [--first 1000] [--count 10]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd

from lossacc_utils import uncertainty
from lossacc_utils.overtraining import RISING, run_overtraining_many

EPOCHS = RISING["epochs"]
ARMS = {
    "neither": {"epochs": EPOCHS},
    "wrong labels only": {"epochs": EPOCHS, "val_label_noise": RISING["val_label_noise"]},
    "lower rate only": {"epochs": EPOCHS, "learning_rate": RISING["learning_rate"]},
    "both (RISING)": RISING,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=1000)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    seeds = range(args.first, args.first + args.count)
    table = uncertainty.noise_reports(run_overtraining_many(ARMS, seeds))
    by_arm = table.groupby(level="variant", sort=False)
    summary = pd.DataFrame(
        {
            "lowest loss at (median)": by_arm["best_epoch"].median(),
            "range": by_arm["best_epoch"].agg(lambda e: f"{e.min()}-{e.max()}"),
            "loss ratio": by_arm["loss_ratio"].median().round(2),
            "accuracy change (points)": (100 * by_arm["accuracy_change"].median()).round(1),
            "rises beyond noise": by_arm["rises"].sum(),
            "falls beyond noise": by_arm["falls"].sum(),
            "seeds": by_arm.size(),
        }
    )
    print(f"seeds {seeds.start} to {seeds.stop - 1}, {EPOCHS} epochs")
    print(summary.to_string())


if __name__ == "__main__":
    main()
