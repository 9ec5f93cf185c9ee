"""How fast is the over-training chapter's run, against plain `fit` defaults? Prints figures.

Every training uses the same model, data, batch size and epochs and calls `model.fit`:
- defaults: NumPy arrays, `validation_data=(x_val, y_val)`, nothing else, in this process, with
  TensorFlow's own choice of threads: what a reader would write;
- the chapter: `run_overtraining` (a worker process on one thread, cached tf.data pipelines, 10
  steps per call into TensorFlow, one forward pass that validates and records), recording the
  validation predictions every epoch as the chapter does, or only where early stopping could stop;
- a batch: `--batch` seeds, one after the other with the defaults, against `run_overtraining_many`,
  which trains them side by side, one per core.
They alternate, so that a busy machine slows all; the figures are medians over the repeats, and
the speed-ups are ratios of medians measured in the same run. The achieved GFLOP/s counts the
multiply-adds of the convolutions and dense layers (a training step costs about three forward
passes) and is compared with NumPy's float32 matrix product on this machine (on all its cores).

    .venv/bin/python benchmarks/overtraining_speed.py [--repeats 3] [--batch 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from lossacc_utils import data, workers
from lossacc_utils.overtraining import (
    OVERTRAINING,
    convnet,
    run_overtraining,
    run_overtraining_many,
)


def matmul_gflops(n=1024, repeats=7):
    """NumPy's float32 matrix product on this machine, in GFLOP/s (median of `repeats`)."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = a.T.copy()
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def forward_flops(model):
    """Floating-point operations of one forward pass of one sample (2 per multiply-add)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, out_channels = layer.output.shape
            kh, kw = layer.kernel_size
            total += 2 * height * width * out_channels * kh * kw * layer.input.shape[-1]
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return total


def train_with_defaults(seed):
    config = OVERTRAINING
    split = data.load_split(
        config["dataset"],
        n_train=config["n_train"],
        n_val=config["n_val"],
        n_test=config["n_test"],
        seed=seed,
    )
    keras.utils.set_random_seed(seed)
    model = convnet(split.x_train.shape[1:], split.n_classes, config["width"])
    model.compile(
        optimizer=keras.optimizers.Adam(config["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(
        split.x_train,
        split.y_train,
        batch_size=config["batch_size"],
        epochs=config["epochs"],
        validation_data=(split.x_val, split.y_val),
        verbose=0,
    )
    return time.perf_counter() - start, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5, help="seeds in the batch")
    args = parser.parse_args()
    config = OVERTRAINING
    seeds = range(1, 1 + args.batch)
    run_overtraining(seed=0, epochs=2)  # start the workers: their start is not a run's time
    times = {name: [] for name in ("defaults", "chapter", "bare", "batch defaults", "batch")}
    for _ in range(args.repeats):
        seconds, model = train_with_defaults(seed=0)
        times["defaults"].append(seconds)
        start = time.perf_counter()
        run_overtraining(seed=0)
        times["chapter"].append(time.perf_counter() - start)
        start = time.perf_counter()
        run_overtraining(seed=0, record_every=0)
        times["bare"].append(time.perf_counter() - start)
        times["batch defaults"].append(sum(train_with_defaults(seed)[0] for seed in seeds))
        start = time.perf_counter()
        run_overtraining_many({"chapter": {}}, seeds)
        times["batch"].append(time.perf_counter() - start)
    flops = forward_flops(model)
    epoch_flops = 3 * flops * config["n_train"] + flops * config["n_val"]
    total = epoch_flops * config["epochs"]
    peak = matmul_gflops()
    median = {name: statistics.median(t) for name, t in times.items()}
    print(
        f"model: {model.count_params()} parameters, {flops / 1e6:.2f} MFLOP per forward pass; "
        f"{config['epochs']} epochs of {config['n_train']} training and {config['n_val']} "
        f"validation samples = {total / 1e9:.1f} GFLOP a run; {workers.cores()} cores"
    )
    print(f"{'':52} {'median s':>9} {'GFLOP/s':>8} {'of peak':>8}")
    for name, label, runs in (
        ("defaults", f"one run: fit(batch_size={config['batch_size']}) defaults", 1),
        ("chapter", "one run: the chapter's, recording every epoch", 1),
        ("bare", "one run: the chapter's, recording where it may stop", 1),
        ("batch defaults", f"{args.batch} seeds: defaults, one after the other", args.batch),
        ("batch", f"{args.batch} seeds: run_overtraining_many", args.batch),
    ):
        seconds = median[name]
        rate = runs * total / seconds / 1e9
        print(f"{label:52} {seconds:9.2f} {rate:8.2f} {rate / peak:8.1%}")
    print(f"NumPy float32 matmul peak: {peak:.1f} GFLOP/s")
    print(
        f"speed-up over the defaults: one run {median['defaults'] / median['chapter']:.2f}x "
        f"({median['defaults'] / median['bare']:.2f}x recording only where it may stop); "
        f"{args.batch} seeds {median['batch defaults'] / median['batch']:.2f}x"
    )
    print(f"all times: {times}")


if __name__ == "__main__":
    main()
