"""Does each cause of a stuck accuracy (`plateau.CASES`) show the reader's symptom and get the
right verdict, on seeds nobody chose? Prints a table.

A case passes on a seed when, at the planned epoch, both losses have fallen since the first epoch,
`plateau.diagnose` names the case itself, and the accuracy is where the case puts it: within 7
points of 60% on the spirals, within `plateau.HELPS` of the most common class's share for the
imbalanced classes.
The settings were chosen on seeds 100 to 104; report them on others, such as the default 1000 to
1009.

    .venv/bin/python benchmarks/plateau_seeds.py [--first 1000] [--count 10]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lossacc_utils import plateau


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=1000, help="the first seed")
    parser.add_argument("--count", type=int, default=10, help="how many seeds")
    args = parser.parse_args()
    print(
        f"{'seed':>5} {'case':<34} {'train acc':>9} {'val acc':>7} {'longer':>7} {'bigger':>7} "
        f"{'ceiling':>7} {'best':>5} {'seconds':>7}  verdict"
    )
    passed, total = 0, 0
    for seed in range(args.first, args.first + args.count):
        for case in plateau.CASES:
            start = time.perf_counter()
            row = plateau.diagnose(plateau.experiment(case, seed=seed), seed=seed)
            seconds = time.perf_counter() - start
            if case in plateau.ON_SPIRALS:
                where = abs(row["validation accuracy"] - 0.6) <= 0.07
            elif case == "the classes are imbalanced":
                where = row["validation accuracy"] - row["majority share"] < plateau.HELPS
            else:
                where = True
            ok = (
                row["training loss fell by"] > 0
                and row["validation loss fell by"] > 0
                and where
                and row["verdict"] == case
            )
            passed += ok
            total += 1
            print(
                f"{seed:>5} {case:<34} {row['training accuracy']:>9.3f} "
                f"{row['validation accuracy']:>7.3f} {row['after longer training']:>7.3f} "
                f"{row['bigger model']:>7.3f} {row['ceiling estimate']:>7.3f} "
                f"{row['best possible']:>5.2f} {seconds:>7.1f}  {row['verdict']}"
                f"{'' if ok else '  FAIL'}",
                flush=True,
            )
    print(f"{passed} of {total} (seed, case) pairs show the symptom and get the right verdict")


if __name__ == "__main__":
    main()
