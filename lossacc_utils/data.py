"""Small data sets the chapters train on, made on the spot so that nothing is downloaded."""

from __future__ import annotations

import numpy as np

__all__ = ["blobs"]


def blobs(n_samples=90, n_classes=3, spread=1.0, seed=0):
    """Points in the plane around `n_classes` centres on a circle of radius 2, one class per centre.

    Returns (x, y): float32 features of shape (n_samples, 2) and integer labels of shape
    (n_samples,), the classes taking turns so that every class has n_samples // n_classes points or
    one more. A larger `spread` makes the classes overlap more.
    """
    for name, value, low in (("n_samples", n_samples, 1), ("n_classes", n_classes, 2)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be a whole number of at least {low}; got {value!r}")
    if not isinstance(spread, int | float) or isinstance(spread, bool) or not spread > 0:
        raise ValueError(f"spread must be a positive number; got {spread!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    x = centres[y] + spread * rng.normal(size=(n_samples, 2))
    return x.astype("float32"), y.astype("int64")
