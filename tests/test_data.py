"""`lossacc_utils.data.load_split`: deterministic splits, local files, Keras' loaders, bad input."""

import gzip
import os
import subprocess
import sys

import numpy as np
import pytest

from lossacc_utils.data import imbalanced_scores, load_split, spirals


def test_digits_split_is_deterministic_and_disjoint():
    a, b = (
        load_split("digits", n_train=100, n_val=50, seed=3),
        load_split("digits", 100, 50, seed=3),
    )
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.x_train.shape == (100, 8, 8, 1) and a.x_val.shape == (50, 8, 8, 1)
    assert len(a.x_test) == 1797 - 150 and a.n_classes == 10
    assert a.x_train.min() >= 0.0 and a.x_train.max() == 1.0 and a.x_train.dtype == np.float32
    rows = {tuple(x.ravel()) for x in np.concatenate([a.x_train, a.x_val, a.x_test])}
    assert len(rows) > 1700  # the parts do not overlap (a few digits are pixel-identical)
    assert not np.array_equal(a.x_train, load_split("digits", 100, 50, seed=4).x_train)


def write_mnist_like(path, n_train=40, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    np.savez(
        path,
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test, dtype=np.uint8),
    )
    return path


def test_mnist_from_a_local_npz_in_keras_format(tmp_path):
    path = write_mnist_like(tmp_path / "mnist.npz")
    split = load_split("mnist", n_train=20, n_val=10, n_test=5, seed=0, path=path)
    assert split.x_train.shape == (20, 28, 28, 1) and split.x_test.shape == (5, 28, 28, 1)
    assert split.x_train.max() <= 1.0
    with np.load(path) as f:
        assert {tuple(x.ravel()) for x in split.x_test * 255} <= {
            tuple(x.ravel().astype(np.float32)) for x in f["x_test"]
        }


def write_idx(folder, name, array):
    header = (
        b"\x00\x00\x08"
        + bytes([array.ndim])
        + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    )
    with gzip.open(folder / name, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.mark.processes
def test_fashion_mnist_through_keras_datasets_from_its_cache_folder(tmp_path):
    """Keras' own loader, run on small files placed where it caches the real ones."""
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for prefix, n in (("train", 30), ("t10k", 12)):
        write_idx(folder, f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))
        write_idx(folder, f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
    code = (
        "from lossacc_utils.data import load_split; s = load_split('fashion_mnist', 20, 10, 4);"
        "print(s.x_train.shape, s.x_val.shape, s.x_test.shape)"
    )
    env = {**os.environ, "KERAS_HOME": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(20, 28, 28, 1) (10, 28, 28, 1) (4, 28, 28, 1)" in result.stdout


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"dataset": "cifar10"}, ValueError, "dataset must be one of"),
        (
            {"n_train": 1500, "n_val": 500},
            ValueError,
            r"n_train \+ n_val \+ n_test must leave every part a sample of the 1797 in digits",
        ),
        ({"n_train": 0}, ValueError, "n_train must be a whole number"),
        ({"n_val": 2.5}, ValueError, "n_val must be a whole number"),
        ({"path": "x.npz"}, ValueError, "path is only for mnist"),
        ({"dataset": "mnist", "path": "no/such/file.npz"}, FileNotFoundError, "does not exist"),
    ],
)
def test_bad_splits_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_split(**kwargs)


def test_a_local_file_without_the_keras_arrays_is_refused(tmp_path):
    np.savez(tmp_path / "bad.npz", images=np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match=r"path must be an .npz file holding the arrays x_train"):
        load_split("mnist", 1, 1, path=tmp_path / "bad.npz")


@pytest.mark.parametrize(
    "name, write, reason",
    [
        ("one.npy", lambda path: np.save(path, np.zeros(3)), "it holds a single array"),
        ("text.npz", lambda path: path.write_text("hello"), "it is no file NumPy wrote"),
        (
            "scalars.npz",
            lambda path: np.savez(path, x_train=1.0, y_train=1, x_test=1.0, y_test=1),
            "x_train and y_train must be arrays of samples",
        ),
    ],
)
def test_a_local_file_that_is_no_keras_npz_is_refused_for_what_it_is(tmp_path, name, write, reason):
    path = tmp_path / name
    write(path)
    with pytest.raises(ValueError, match=rf"^path must be an \.npz file .*\({reason}\)$"):
        load_split("mnist", path=path)


def test_a_split_larger_than_the_local_file_is_refused(tmp_path):
    path = write_mnist_like(tmp_path / "mnist.npz", n_train=40)
    with pytest.raises(ValueError, match="n_train \\+ n_val must be at most the 40 training"):
        load_split("mnist", n_train=30, n_val=20, path=path)


def test_imbalanced_scores_have_the_stated_share_and_separate_the_classes():
    y, scores = imbalanced_scores(n_samples=1000, minority_share=0.1, separation=3.0, seed=0)
    assert y.sum() == 100 and scores.min() > 0 and scores.max() < 1
    assert scores[y == 1].mean() > scores[y == 0].mean() + 0.3
    with pytest.raises(ValueError, match="minority_share must be between 0 and 1"):
        imbalanced_scores(minority_share=1.0)


def spiral_arm(x, n_classes, twist):
    """The arm of a spiral a point lies on, recomputed from its radius and angle."""
    radius = np.hypot(x[:, 0], x[:, 1])
    angle = np.arctan2(x[:, 1], x[:, 0]) % (2 * np.pi)
    return np.floor(n_classes * ((angle / (2 * np.pi) + twist * radius) % 1.0)).astype(int)


def test_spirals_label_every_clean_point_with_its_arm():
    x, y = spirals(3000, n_classes=4, twist=0.5, seed=1)
    assert x.shape == (3000, 2) and x.dtype == np.float32 and y.dtype == np.int64
    assert (np.hypot(x[:, 0], x[:, 1]) <= 1 + 1e-6).all()
    agree = spiral_arm(x.astype(float), 4, 0.5) == y
    assert agree.mean() > 0.998  # float32 points on an arm's edge may round across it


def test_spirals_replace_the_stated_share_of_labels_by_other_classes():
    _, y = spirals(20_000, twist=0.7, label_noise=0.25, seed=2)
    _, clean = spirals(20_000, twist=0.7, label_noise=0.0, seed=2)
    assert np.mean(y != clean) == pytest.approx(0.25, abs=0.01)
    assert np.bincount(y, minlength=3).min() > 6000  # the classes stay balanced


def test_straight_arms_are_linear_and_twisted_ones_are_not():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    def scores(twist):
        x, y = spirals(4000, twist=twist, seed=3)
        linear = LogisticRegression(C=100, max_iter=2000).fit(x[:2000], y[:2000])
        near = KNeighborsClassifier(15).fit(x[:2000], y[:2000])
        return linear.score(x[2000:], y[2000:]), near.score(x[2000:], y[2000:])

    assert scores(0.0)[0] > 0.97
    linear, near = scores(0.7)
    assert 0.5 < linear < 0.7 and near > 0.9


@pytest.mark.parametrize(("n_classes", "label_noise"), [(3, 0.7), (3, 2 / 3), (2, 0.5), (10, 0.9)])
def test_spirals_refuse_noise_that_leaves_no_class_likeliest(n_classes, label_noise):
    """At (K - 1) / K the true class only ties with each other class (0.6666666666666666 is 2/3
    as Python writes it); the error states the bound."""
    bound = f"below {n_classes - 1}/{n_classes}"
    with pytest.raises(ValueError, match=f"label_noise must be {bound}"):
        spirals(10, n_classes=n_classes, label_noise=label_noise)


@pytest.mark.parametrize(("n_classes", "twist"), [(3, 0.7), (2, 0.0), (5, -1.3)])
def test_spirals_clean_labels_are_the_arm_wherever_rounding_cannot_move_a_point(n_classes, twist):
    """Away from an arm's edge (where float32 rounding could move a point across it), the label of
    a clean point is exactly its arm, recomputed here from its radius and angle."""
    x, y = spirals(5000, n_classes=n_classes, twist=twist, seed=6)
    x = x.astype(float)
    radius = np.hypot(x[:, 0], x[:, 1])
    turn = n_classes * (((np.arctan2(x[:, 1], x[:, 0]) / (2 * np.pi)) + twist * radius) % 1.0)
    near_an_edge = np.abs(turn - np.round(turn)) < 1e-4
    assert near_an_edge.mean() < 0.01
    arm = np.floor(turn).astype(int) % n_classes
    np.testing.assert_array_equal(y[~near_an_edge], arm[~near_an_edge])
    assert set(np.unique(y)) == set(range(n_classes))


def test_spirals_are_deterministic_for_a_seed_and_uniform_over_the_disc():
    x, y = spirals(30_000, twist=0.7, seed=8)
    x2, y2 = spirals(30_000, twist=0.7, seed=8)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(spirals(100, seed=9)[0], x[:100])
    radius = np.hypot(x[:, 0], x[:, 1])
    assert np.mean(radius < 0.5) == pytest.approx(0.25, abs=0.01)  # a quarter of the disc's area
    assert np.bincount(y) / len(y) == pytest.approx([1 / 3] * 3, abs=0.015)  # arms of equal area


def test_spirals_wrong_labels_are_spread_evenly_over_the_other_classes():
    _, y = spirals(30_000, n_classes=4, twist=0.7, label_noise=0.3, seed=10)
    _, arm = spirals(30_000, n_classes=4, twist=0.7, label_noise=0.0, seed=10)
    wrong = y != arm
    assert wrong.mean() == pytest.approx(0.3, abs=0.01)
    shift = (y[wrong] - arm[wrong]) % 4  # 1, 2 or 3 classes along: each a third of the wrong ones
    assert np.bincount(shift, minlength=4)[0] == 0
    assert np.bincount(shift, minlength=4)[1:] / wrong.sum() == pytest.approx([1 / 3] * 3, abs=0.02)


@pytest.mark.parametrize(
    ("n_classes", "limit", "past"), [(2, 0.5, 0.5), (4, 0.75, 0.75), (4, 0.75, 0.8)]
)
def test_spirals_refuse_noise_at_or_past_where_a_wrong_class_is_as_likely(n_classes, limit, past):
    """With K classes the true class stays likeliest while 1 - noise > noise / (K - 1): noise below
    (K - 1) / K."""
    assert limit == pytest.approx((n_classes - 1) / n_classes)
    with pytest.raises(ValueError, match="label_noise"):
        spirals(10, n_classes=n_classes, label_noise=past)
    _, y = spirals(10, n_classes=n_classes, label_noise=limit - 0.01)  # just below: allowed
    assert len(y) == 10


def test_a_split_has_the_data_sets_classes_whatever_labels_it_happens_to_hold():
    """Four samples hold at most four of digits' ten classes; the network trained on them must
    still have an output per class, so n_classes is 10 on every seed, not the largest label + 1."""
    assert {load_split("digits", 2, 1, 1, seed=seed).n_classes for seed in range(10)} == {10}


def test_float_images_already_in_0_1_are_not_divided_by_255_again(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (30, 28, 28))
    as_floats, as_bytes = tmp_path / "floats.npz", tmp_path / "bytes.npz"
    labels = {"y_train": np.arange(20) % 10, "y_test": np.arange(10)}
    np.savez(as_floats, x_train=pixels[:20] / 255.0, x_test=pixels[20:] / 255.0, **labels)
    np.savez(as_bytes, x_train=np.uint8(pixels[:20]), x_test=np.uint8(pixels[20:]), **labels)
    a, b = (load_split("mnist", 15, 5, path=path) for path in (as_floats, as_bytes))
    np.testing.assert_allclose(a.x_train, b.x_train, rtol=1e-6)
    assert a.x_train.max() == pytest.approx(pixels[:20].max() / 255.0, rel=1e-6)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"y_train": np.arange(21) % 10}, "x_train and y_train must have the same length"),
        ({"y_test": np.arange(9)}, "x_test and y_test must have the same length"),
        ({"x_train": np.full((20, 28, 28), 127.5)}, "scale is ambiguous"),
        ({"y_train": np.arange(20)}, "y_train must hold class indices from 0 to 9"),
    ],
)
def test_a_local_npz_that_cannot_be_read_as_mnist_is_refused(tmp_path, arrays, message):
    good = {
        "x_train": np.zeros((20, 28, 28), np.uint8),
        "y_train": np.arange(20) % 10,
        "x_test": np.zeros((10, 28, 28), np.uint8),
        "y_test": np.arange(10),
    }
    np.savez(tmp_path / "bad.npz", **{**good, **arrays})
    with pytest.raises(ValueError, match=message) as error:
        load_split("mnist", 15, 5, path=tmp_path / "bad.npz")
    assert str(error.value).startswith("path must be an .npz file")


def test_a_folder_given_as_path_is_said_to_be_a_folder(tmp_path):
    with pytest.raises(ValueError, match="is a folder, not a file"):
        load_split("mnist", 15, 5, path=tmp_path)
