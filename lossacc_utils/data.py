"""The data the chapters train on, with deterministic train / validation / test splits.

- `blobs`: points in the plane, made on the spot;
- `spirals`: points in the plane whose class follows a spiral, with a known share of wrong labels,
  so that the best accuracy any model can reach is known exactly;
- `load_split`: images of digits from scikit-learn (8x8, shipped with the package, the default:
  nothing is downloaded), or MNIST and Fashion-MNIST (28x28) through `keras.datasets` for readers
  with a network, or from a local `.npz` file in the format of Keras' `mnist.npz`.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from .validation import (
    MAX_ENTRIES,
    as_array,
    check_class_indices,
    check_count,
    check_fraction,
    check_label_noise,
    check_path,
    check_positive,
    check_real,
    check_seed,
    check_text,
    real_dtype,
)

__all__ = [
    "DATASETS",
    "IMAGE_SHAPES",
    "SIZES",
    "Split",
    "blobs",
    "check_split_sizes",
    "imbalanced_scores",
    "load_split",
    "spirals",
]

DATASETS = ("digits", "mnist", "fashion_mnist")

#: How many classes each data set has: its labels run from 0 to this number - 1, whether or not a
#: small split happens to hold every one of them.
N_CLASSES = {"digits": 10, "mnist": 10, "fashion_mnist": 10}

#: The shape of each data set's images, (height, width, channels), as `load_split` gives them.
IMAGE_SHAPES = {"digits": (8, 8, 1), "mnist": (28, 28, 1), "fashion_mnist": (28, 28, 1)}

#: How many samples each data set has: (its pool, or its training set; its test set, or None when
#: it has one pool of samples, as digits has).
SIZES = {"digits": (1797, None), "mnist": (60000, 10000), "fashion_mnist": (60000, 10000)}


def blobs(n_samples=90, n_classes=3, spread=1.0, seed=0):
    """Points in the plane around `n_classes` centres on a circle of radius 2, one class per centre.

    Returns (x, y): float32 features of shape (n_samples, 2) and integer labels of shape
    (n_samples,), the classes taking turns so that every class has n_samples // n_classes points or
    one more. A larger `spread` makes the classes overlap more.
    """
    n_samples, n_classes = (  # Python ints from here: NumPy's uint64 cannot index
        check_count(value, name, low, high=MAX_ENTRIES // 2, why=" (it sizes the arrays made)")
        for name, value, low in (("n_samples", n_samples, 1), ("n_classes", n_classes, 2))
    )
    spread = check_positive(spread, "spread")
    if spread > 1e6:
        raise ValueError(f"spread must be at most 1e6, or the classes are noise; got {spread}")
    rng = np.random.default_rng(check_seed(seed))
    y = np.arange(n_samples) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    x = centres[y] + spread * rng.normal(size=(n_samples, 2))
    return x.astype("float32"), y.astype("int64")


def spirals(n_samples=1000, n_classes=3, twist=0.7, label_noise=0.0, seed=0):
    """Points in the unit disc, classed by the arm of a spiral they lie on; some labels wrong.

    A point at radius r and angle t belongs to arm floor(n_classes * frac(t / 2 pi + twist * r)):
    with `twist=0` the arms are straight sectors, which a linear classifier can tell apart; the more
    they twist, the less it can (with the default 0.7, about 60% on three classes), while a small
    network still can. Then a `label_noise` share of the points, drawn at random, get a wrong class
    instead, drawn at random among the others. Since the arm is a function of the point, the best
    any classifier can do is to predict the arm, which is right on `1 - label_noise` of the points
    (when that is more than the share of any one wrong class, `label_noise / (n_classes - 1)`).

    Returns (x, y): float32 points of shape (n_samples, 2) and integer labels of shape (n_samples,).
    """
    n_samples = check_count(n_samples, "n_samples", high=MAX_ENTRIES // 8, why=" (it sizes arrays)")
    n_classes = check_count(n_classes, "n_classes", low=2, high=2**62)
    twist = check_real(twist, "twist")
    if abs(twist) > 1e6:  # far beyond it, twist * radius has no fraction left: every point class 0
        raise ValueError(f"twist must be from -1e6 to 1e6, or the arms are noise; got {twist}")
    label_noise = check_label_noise(label_noise, n_classes)
    rng = np.random.default_rng(check_seed(seed))
    radius = np.sqrt(rng.random(n_samples))  # uniform over the disc
    angle = 2 * np.pi * rng.random(n_samples)
    turn = (angle / (2 * np.pi) + twist * radius) % 1.0
    y = np.minimum((n_classes * turn).astype("int64"), n_classes - 1)
    wrong = rng.random(n_samples) < label_noise
    y[wrong] = (y[wrong] + rng.integers(1, n_classes, wrong.sum())) % n_classes
    x = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return x.astype("float32"), y


@dataclass(frozen=True)
class Split:
    """Images with a channel axis, scaled to [0, 1], and integer labels, in three parts.

    `n_classes` is the data set's number of classes (its labels run from 0 to n_classes - 1), which
    a model's output layer is sized from: by default `N_CLASSES[name]`, not the largest label seen,
    since a small split need not hold every class.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int | None = None

    def __post_init__(self):
        check_text(self.name, "name")
        if self.n_classes is None:
            if self.name not in N_CLASSES:
                raise ValueError(
                    f"n_classes must be given for a data set other than {sorted(N_CLASSES)}; "
                    f"got name {self.name!r} and n_classes None"
                )
            object.__setattr__(self, "n_classes", N_CLASSES[self.name])
        n_classes = check_count(self.n_classes, "n_classes", low=2, high=MAX_ENTRIES)
        object.__setattr__(self, "n_classes", n_classes)
        for part in ("train", "val", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            x = as_array(x, f"x_{part}")
            if x.ndim != 4:
                raise ValueError(
                    f"x_{part} must hold images of shape (samples, height, width, channels); "
                    f"got shape {x.shape}"
                )
            if x.min() < 0 or x.max() > 1:  # 0 to 255 would train on other numbers, 1e39 on inf
                raise ValueError(
                    f"x_{part} must hold pixel values scaled to [0, 1]; got values from "
                    f"{float(x.min())!r} to {float(x.max())!r}"
                )
            y = as_array(y, f"y_{part}")
            if y.shape != (len(x),):
                raise ValueError(
                    f"y_{part} must hold one label per image of x_{part} ({len(x)}); "
                    f"got shape {y.shape}"
                )
            if part != "train" and x.shape[1:] != self.x_train.shape[1:]:  # no model takes both
                raise ValueError(
                    f"x_{part} must hold images of the shape of x_train's, "
                    f"{self.x_train.shape[1:]}; got {x.shape[1:]}"
                )
            classes = np.broadcast_to(0.0, (len(y), n_classes))  # a shape, no memory
            labels = check_class_indices(y, classes, f"y_{part}")
            object.__setattr__(self, f"x_{part}", x.astype("float32"))
            object.__setattr__(self, f"y_{part}", labels)


def _scaled(images: np.ndarray, name: str) -> np.ndarray:
    """Images scaled to [0, 1], from the scale they are stored in.

    Integers are pixel values from 0 to 255, divided by 255. Floats already within [0, 1] are kept
    as they are; floats above 1 must be whole pixel values up to 255, divided by 255. Anything else
    is refused: its scale cannot be told.
    """
    if images.ndim != 3 or not images.size:
        raise ValueError(
            f"{name} must have shape (images, height, width), and a pixel; got {images.shape}"
        )
    if not real_dtype(images.dtype):  # not bools either
        raise ValueError(f"{name} must hold pixel values; got dtype {images.dtype}")
    values = images.astype(np.float64)
    if not np.isfinite(values).all() or values.min() < 0 or values.max() > 255:
        raise ValueError(f"{name} must hold pixel values from 0 to 255 or from 0 to 1")
    if np.issubdtype(images.dtype, np.floating) and values.max() <= 1:
        return values  # already in [0, 1]
    if (values != np.round(values)).any():
        raise ValueError(
            f"{name} holds fractional values above 1, neither pixel values from 0 to 255 nor "
            f"intensities from 0 to 1; its scale is ambiguous"
        )
    return values / 255.0


def check_split_sizes(dataset, n_train, n_val, n_test=None) -> int:
    """Check that `dataset` (as shipped or downloaded, see `SIZES`) has the samples a split of
    `n_train`, `n_val` and `n_test` asks for, as `load_split` does before it reads anything;
    return the number of test samples (all that are left when `n_test` is None)."""
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}")
    n_train, n_val, n_test = _checked_sizes(n_train, n_val, n_test)
    pool, test_pool = SIZES[dataset]
    return _split_sizes(dataset, n_train, n_val, n_test, pool, test_pool or False)


def _split_sizes(dataset, n_train, n_val, n_test, pool, test_pool) -> int:
    """The number of test samples of a split, or a clear error when the data set, with `pool`
    samples (and `test_pool` test samples, or False when it has one pool), cannot give it."""
    if test_pool is False:  # one pool: train, validation and test all come from it
        available = pool - n_train - n_val
        n_test = available if n_test is None else n_test
        if available < max(n_test, 1):
            asked = f"{n_train} + {n_val} + {n_test}" if n_test > 0 else f"{n_train} + {n_val}"
            raise ValueError(
                f"n_train + n_val + n_test must leave every part a sample of the {pool} in "
                f"{dataset}; got {asked}"
            )
        return n_test
    if n_train + n_val > pool:
        raise ValueError(
            f"n_train + n_val must be at most the {pool} training samples of {dataset}; "
            f"got {n_train} + {n_val}"
        )
    n_test = test_pool if n_test is None else n_test
    if n_test > test_pool:
        raise ValueError(f"n_test asks for {n_test} samples; {dataset} has {test_pool}")
    return n_test


def _checked_sizes(n_train, n_val, n_test) -> tuple:
    """The sizes of a split as Python ints (n_test may be None: all the rest)."""
    return (
        check_count(n_train, "n_train"),
        check_count(n_val, "n_val"),
        None if n_test is None else check_count(n_test, "n_test"),
    )


def _read(name: str, path):
    """(images, labels, test images, test labels) of a data set, images scaled to [0, 1]; the test
    parts are None for digits, which has one pool of samples."""
    if name == "digits":
        if path is not None:
            raise ValueError(
                "path is only for mnist and fashion_mnist; digits ships with scikit-learn"
            )
        from sklearn.datasets import load_digits

        digits = load_digits()
        return digits.images / 16.0, digits.target, None, None
    if path is not None:
        if path.is_dir():
            raise ValueError(f"path must be an .npz file; {path} is a folder, not a file")
        if not path.is_file():
            raise FileNotFoundError(f"path must be an existing .npz file; {path} does not exist")
        try:
            try:
                loaded = np.load(path, allow_pickle=False)
            except ValueError:  # NumPy takes what is no NumPy file for pickled data
                raise ValueError("it is no file NumPy wrote") from None
            if not hasattr(loaded, "files"):  # an .npy file: one array, not named ones
                raise ValueError("it holds a single array")
            with loaded as f:
                missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
                if missing:
                    raise ValueError(f"it lacks {sorted(missing)}")
                arrays = []
                for part in ("train", "test"):
                    x, y = f[f"x_{part}"], f[f"y_{part}"]
                    if not (x.ndim and y.ndim):
                        raise ValueError(f"x_{part} and y_{part} must be arrays of samples")
                    if len(x) != len(y):
                        raise ValueError(
                            f"x_{part} and y_{part} must have the same length, one label per "
                            f"image; they hold {len(x)} images and {len(y)} labels"
                        )
                    classes = np.broadcast_to(0.0, (len(y), N_CLASSES[name]))
                    y = check_class_indices(as_array(y, f"y_{part}"), classes, f"y_{part}")
                    arrays += [_scaled(x, f"x_{part}"), y]
        # what a damaged file can raise: a zip cut short, a compression or an encryption zipfile
        # cannot read, a header that claims an array no memory holds
        except (
            OSError,
            ValueError,
            TypeError,
            EOFError,
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            RuntimeError,
            MemoryError,
        ) as error:
            raise ValueError(
                f"path must be an .npz file holding the arrays x_train, y_train, x_test and "
                f"y_test, as Keras' mnist.npz does; {path.name} is not ({error})"
            ) from None
        return arrays
    import keras

    loader = getattr(keras.datasets, name)
    try:
        (x, y), (x_test, y_test) = loader.load_data()
    except Exception as exc:  # no network, a proxy, a broken download: say what to do instead
        raise RuntimeError(
            f"could not load {name} through keras.datasets ({type(exc).__name__}: {exc}). "
            f"With no network, use dataset='digits', or pass path= to a local copy of the data "
            f"as an .npz file with x_train, y_train, x_test and y_test"
        ) from exc
    return x / 255.0, y, x_test / 255.0, y_test


def load_split(dataset="digits", n_train=300, n_val=500, n_test=None, seed=0, path=None) -> Split:
    """Load `dataset` and split it, deterministically for a given `seed`.

    The samples are shuffled with `seed`; the first `n_train` train, the next `n_val` validate and
    the next `n_test` (all the rest when None) test. For MNIST and Fashion-MNIST, training and
    validation samples come from the official training set and test samples from its test set.
    A local `path` holds x_train, y_train, x_test and y_test as Keras' mnist.npz does: images of
    shape (images, height, width), as whole pixel values from 0 to 255 (scaled to [0, 1]) or as
    floats already in [0, 1] (kept), and one label from 0 to 9 per image.
    """
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}")
    seed = check_seed(seed)
    path = None if path is None else check_path(path, "path")
    n_train, n_val, n_test = _checked_sizes(n_train, n_val, n_test)
    x, y, x_test, y_test = _read(dataset, path)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    n_test = _split_sizes(
        dataset, n_train, n_val, n_test, len(x), x_test is not None and len(x_test)
    )
    if x_test is None:  # one pool: train, validation and test all come from it
        parts = np.split(order[: n_train + n_val + n_test], [n_train, n_train + n_val])
        x_test, y_test, test_order = x, y, parts[2]
    else:
        parts = np.split(order[: n_train + n_val], [n_train])
        test_order = rng.permutation(len(x_test))[:n_test]

    def images(a):
        return np.asarray(a, dtype="float32")[..., None]

    def labels(a):
        return np.asarray(a, dtype="int64")

    try:
        return Split(
            dataset,
            images(x[parts[0]]),
            labels(y[parts[0]]),
            images(x[parts[1]]),
            labels(y[parts[1]]),
            images(x_test[test_order]),
            labels(y_test[test_order]),
        )
    except ValueError as error:  # the arrays read from `path` do not make a split
        if path is None:
            raise
        raise ValueError(f"path {path} does not hold a data set: {error}") from None


def imbalanced_scores(n_samples=1000, minority_share=0.1, separation=2.0, seed=0):
    """Labels of a rare class and a classifier's scores for it, as a detector would produce them.

    Returns (y, scores): y is 1 for the rare class (`minority_share` of the samples, rounded to
    a whole number of them but at least one: the pears among the apples), 0 otherwise; scores
    are sigmoid(z), with z drawn from a normal distribution centred at +separation/2 for the rare
    class and -separation/2 for the rest.
    """
    n_samples = check_count(n_samples, "n_samples", low=2, high=MAX_ENTRIES // 4)
    minority_share = check_fraction(minority_share, "minority_share")
    if not 0 < minority_share < 1:
        raise ValueError(f"minority_share must be between 0 and 1; got {minority_share!r}")
    separation = check_real(separation, "separation")
    rng = np.random.default_rng(check_seed(seed))
    n_rare = max(1, round(minority_share * n_samples))
    if 2 * n_rare > n_samples:
        raise ValueError(
            f"minority_share must leave the rare class at most half of the {n_samples} samples "
            f"(the common class the rest); got {minority_share}, which rounds to {n_rare} rare "
            "samples"
        )
    y = np.r_[np.zeros(n_samples - n_rare, dtype="int64"), np.ones(n_rare, dtype="int64")]
    z = rng.normal(size=n_samples) + np.where(y == 1, separation / 2, -separation / 2)
    from scipy.special import expit  # the sigmoid, without overflow for any z

    return y, expit(z)
