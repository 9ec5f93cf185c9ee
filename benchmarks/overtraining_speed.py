"""How fast is the over-training chapter's run, against plain `fit` defaults? Prints figures.

Both trainings use the same model, data, seed, batch size and epochs and call `model.fit`:
- defaults: NumPy arrays, `validation_data=(x_val, y_val)`, nothing else;
- the chapter: `run_overtraining` (cached tf.data pipelines, 10 steps per call into TensorFlow),
  recording the validation probabilities every epoch as the chapter does, or not at all.
They alternate, so that a busy machine slows both; the figures are medians over the repeats. The
achieved GFLOP/s counts the multiply-adds of the convolutions and dense layers (a training step
costs about three forward passes) and is compared with NumPy's float32 matrix product on this
machine.

    .venv/bin/python benchmarks/overtraining_speed.py [--repeats 3]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from lossacc_utils import data
from lossacc_utils.overtraining import OVERTRAINING, convnet, run_overtraining


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
    repeats = parser.parse_args().repeats
    config = OVERTRAINING
    defaults, chapter, bare = [], [], []
    for _ in range(repeats):
        seconds, model = train_with_defaults(seed=0)
        defaults.append(seconds)
        chapter.append(run_overtraining(seed=0).seconds)
        bare.append(run_overtraining(seed=0, record_every=10**6).seconds)
    flops = forward_flops(model)
    epoch_flops = 3 * flops * config["n_train"] + flops * config["n_val"]
    total = epoch_flops * config["epochs"]
    peak = matmul_gflops()
    d, c, b = (statistics.median(t) for t in (defaults, chapter, bare))
    print(
        f"model: {model.count_params()} parameters, {flops / 1e6:.2f} MFLOP per forward pass; "
        f"{config['epochs']} epochs of {config['n_train']} training and {config['n_val']} "
        f"validation samples = {total / 1e9:.1f} GFLOP"
    )
    print(f"{'':44} {'median s':>9} {'GFLOP/s':>8} {'of peak':>8}")
    for name, seconds in (
        (f"fit(batch_size={config['batch_size']}) defaults", d),
        ("the chapter's run, recording every epoch", c),
        ("the chapter's run, recording nothing", b),
    ):
        print(
            f"{name:44} {seconds:9.2f} {total / seconds / 1e9:8.2f} "
            f"{total / seconds / 1e9 / peak:8.1%}"
        )
    print(f"NumPy float32 matmul peak: {peak:.1f} GFLOP/s")
    print(
        f"speed-up of the chapter's run over the defaults: {d / c:.2f}x "
        f"(without recording: {d / b:.2f}x); all times: defaults {defaults}, chapter {chapter}"
    )


if __name__ == "__main__":
    main()
