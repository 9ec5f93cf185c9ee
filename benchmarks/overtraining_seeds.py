"""Does the over-training chapter show its phenomenon for (almost) every seed? Prints a table.

For each seed, the chapter's run (`overtraining.run_overtraining`) passes when its final
validation loss is at least 1.3 times its minimum while its final validation accuracy is no more
than 1 percentage point below the accuracy at the loss minimum. The chapter needs 9 of 10.

    .venv/bin/python benchmarks/overtraining_seeds.py [--seeds 10]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lossacc_utils.curves import summarize
from lossacc_utils.overtraining import run_overtraining


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    seeds = range(parser.parse_args().seeds)
    print(
        f"{'seed':>4} {'min at':>6} {'min loss':>8} {'final loss':>10} {'ratio':>6} "
        f"{'acc at min':>10} {'final acc':>9} {'change':>7} {'seconds':>7}  pass"
    )
    passed = 0
    for seed in seeds:
        run = run_overtraining(seed=seed, record_every=10_000)
        s = summarize(run)
        ok = s["loss_ratio"] >= 1.3 and s["accuracy_change"] >= -0.01
        passed += ok
        row = (
            f"{seed:>4} {s['best_epoch']:>6} {s['best_val_loss']:>8.4f} "
            f"{s['final_val_loss']:>10.4f} {s['loss_ratio']:>6.2f} "
        )
        row += (
            f"{s['val_accuracy_at_best']:>10.3f} {s['final_val_accuracy']:>9.3f} "
            f"{100 * s['accuracy_change']:>+6.1f}pp {run.seconds:>7.1f}  "
        )
        print(row + ("yes" if ok else "NO"), flush=True)
    print(f"{passed} of {len(seeds)} seeds show the phenomenon")


if __name__ == "__main__":
    main()
