"""Argument checks shared by every public function of the package.

Each public function calls these first, so a wrong argument is reported once, at the door, with an
error that names the argument and says what was wrong with it, instead of a silent wrong number or a
traceback from deep inside NumPy.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import unicodedata
from pathlib import Path

import numpy as np

__all__ = [
    "MAX_ENTRIES",
    "MAX_EPOCHS",
    "as_array",
    "as_float64",
    "as_tensorflow_reads",
    "check_binary_labels",
    "check_binary_scores",
    "check_bool",
    "check_choice",
    "check_class_axis",
    "check_class_indices",
    "check_column",
    "check_columns",
    "check_count",
    "check_distinct",
    "check_distributions",
    "check_fraction",
    "check_in_dtype",
    "check_label_noise",
    "check_logits",
    "check_model_inputs",
    "check_model_size",
    "check_names",
    "check_path",
    "check_positive",
    "check_positive_rows",
    "check_probabilities",
    "check_rate",
    "check_real",
    "check_same_shape",
    "check_seed",
    "check_text",
    "check_unmasked",
    "keras_dtype",
    "match_rank",
    "numpy_of",
    "real_dtype",
]

#: The most entries an array made from a count may hold, and the most weights a model made from
#: counts may have: 10**8 float64 entries are 800 MB. A larger count is refused by name rather
#: than left to end in a MemoryError.
MAX_ENTRIES = 10**8

#: The most epochs a run may be asked to train: the book's longest trains 400, and 2**64 would
#: never end.
MAX_EPOCHS = 100_000


def _shown(value) -> str:
    """`repr(value)`, shortened for an error message (Python cannot print an int of more than
    4300 digits at all)."""
    try:
        text = repr(value)
    except ValueError:
        text = f"an integer of {math.floor(value.bit_length() * math.log10(2)) + 1} digits"
    return text if len(text) <= 80 else text[:77] + "..."


def _index(array: np.ndarray, mask: np.ndarray) -> tuple[int, ...] | int:
    """The index of the first True entry of mask, as a tuple (or an int for 1-D arrays)."""
    where = np.unravel_index(int(np.argmax(mask)), array.shape)
    return int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)


def real_dtype(dtype) -> bool:
    """Whether an array of `dtype` holds real numbers: integers or floats. Not booleans, complex
    numbers, text or objects, and not durations (timedelta64), which NumPy counts as integers.

    >>> real_dtype(np.dtype("int8")), real_dtype(np.dtype("timedelta64[s]"))
    (True, False)
    """
    try:
        return np.dtype(dtype).kind in "iuf"
    except (TypeError, ValueError):
        raise TypeError(f"dtype must be a NumPy dtype; got {_shown(dtype)}") from None


def as_float64(array: np.ndarray, name: str) -> np.ndarray:
    """`array`, of real numbers or bools, in float64; a longdouble a float64 cannot hold (beyond
    its range, or so small it would read as 0) is refused, naming the array `name`.

    >>> as_float64(np.array([1, 2], dtype=np.int8), "counts")
    array([1., 2.])
    """
    if not isinstance(array, np.ndarray) or not (real_dtype(array.dtype) or array.dtype == bool):
        raise TypeError(f"array must be a NumPy array of real numbers; got {_shown(array)}")
    with np.errstate(over="ignore", under="ignore"):  # a longdouble beyond a float64's range
        narrowed = array.astype(np.float64)
    if array.dtype.itemsize > 8:  # a longdouble: its range is wider than a float64's
        lost = (np.isinf(narrowed) & np.isfinite(array)) | ((narrowed == 0) & (array != 0))
        if lost.any():
            where = _index(array, lost)
            raise ValueError(
                f"{name} must be within the range of a float (about 5e-324 to 1.8e308); "
                f"got {array[where]!r} at index {where}"
            )
    return narrowed


def as_tensorflow_reads(array: np.ndarray) -> np.ndarray:
    """`array` (a NumPy array) as TensorFlow computes with it on a CPU, which flushes subnormal
    float32 and float64 numbers (such as 1e-40 in float32) to a zero of their sign; float16, and
    any other dtype, keeps its own.

    >>> as_tensorflow_reads(np.array([1e-40, -1e-40, 1.0], dtype=np.float32))
    array([ 0., -0.,  1.], dtype=float32)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"array must be a NumPy array; got {type(array).__name__}")
    if array.dtype in (np.float32, np.float64):
        tiny = np.abs(array) < np.finfo(array.dtype).tiny
        array = np.where(tiny, np.copysign(0, array), array).astype(array.dtype)
    return array


def check_unmasked(value, name: str):
    """`value`, unless it is a masked array that masks some of its entries: NumPy would read the
    values behind the mask (as Keras does), which the caller meant to leave out.

    >>> check_unmasked(np.ma.masked_array([1.0, 99.0], mask=[0, 1]), "val_loss")
    Traceback (most recent call last):
    ...
    TypeError: val_loss must not hide entries behind a mask: fill them in or leave them out
    """
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        raise TypeError(
            f"{name} must not hide entries behind a mask: fill them in or leave them out"
        )
    return value


def numpy_of(value, name: str) -> np.ndarray:
    """`value` as NumPy reads it (`np.asarray`), with two exceptions: a masked array that hides
    entries is refused (`check_unmasked`), and a pandas object of nullable dtypes (Float64, Int64,
    boolean) becomes an array of the NumPy dtype they stand for, not one of Python objects, a
    missing value (`pd.NA`) refused by name. A ragged list is refused too.

    >>> import pandas as pd
    >>> numpy_of(pd.Series([0.25, 0.75], dtype="Float64"), "y_pred").dtype
    dtype('float64')
    """
    check_unmasked(value, name)
    if type(value).__module__.startswith("pandas") and hasattr(value, "isna"):
        dtypes = list(value.dtypes) if hasattr(value, "columns") else [value.dtype]
        numpy_dtypes = [getattr(d, "numpy_dtype", d) for d in dtypes]  # Float64's is float64
        if dtypes and all(isinstance(d, np.dtype) for d in numpy_dtypes):
            missing = np.asarray(value.isna())
            if missing.any():
                raise ValueError(
                    f"{name} must not miss a value; it misses one (NA) at index "
                    f"{_index(missing, missing)}"
                )
            return value.to_numpy(dtype=np.result_type(*numpy_dtypes))
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name} must be a rectangular array of numbers; could not convert it ({exc})"
        ) from None


def as_array(value, name: str, negative_infinity: bool = False) -> np.ndarray:
    """Return `value` as a non-empty, finite float64 array of at least one dimension.

    Accepts lists, tuples, NumPy arrays and tensors that NumPy can convert (Keras and TensorFlow
    tensors). Booleans become 0.0 and 1.0. With `negative_infinity`, -inf is accepted too (a
    logit or a log-probability of a probability of exactly 0).
    """
    array = numpy_of(value, name)
    if not (real_dtype(array.dtype) or array.dtype == np.bool_):
        if array.dtype.kind == "V":  # bfloat16 (from ml_dtypes): numbers NumPy cannot compute
            raise TypeError(
                f"{name} must be in a dtype NumPy computes in; got {array.dtype}: convert it "
                "to float32 first"
            )
        raise TypeError(f"{name} must contain real numbers; got dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array with at least one dimension; got a scalar")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    array = as_float64(array, name)
    bad = ~np.isfinite(array)
    if negative_infinity:
        bad &= ~np.isneginf(array)
    if bad.any():
        where = _index(array, bad)
        raise ValueError(f"{name} must be finite; got {array[where]:g} at index {where}")
    return array


def _given(value, name: str) -> np.ndarray:
    """An array handed to a check: an array of numbers as it is (NaN kept, for the check to name)
    once it has an axis and an entry, anything else through `as_array`, so that a list is
    checked rather than failed on."""
    if isinstance(value, np.ndarray) and (real_dtype(value.dtype) or value.dtype == np.bool_):
        if value.ndim == 0:
            raise ValueError(f"{name} must be an array with at least one dimension; got a scalar")
        if value.size == 0:
            raise ValueError(f"{name} must not be empty; got shape {value.shape}")
        return np.asarray(check_unmasked(value, name))
    return as_array(value, name)


def check_in_dtype(value, name: str, dtype) -> np.ndarray:
    """`value` as a non-empty array of finite numbers (see `as_array`) in the floating `dtype`,
    which must hold every one of them: Keras computes in float32 what it is given as a list, and
    1e39 is beyond float32's range."""
    array = as_array(value, name)
    with np.errstate(over="ignore"):
        cast = array.astype(dtype)
    beyond = ~np.isfinite(cast)
    if beyond.any():
        where = _index(array, beyond)
        raise ValueError(
            f"{name} must be within the range of {np.dtype(dtype)}, the dtype Keras computes it "
            f"in; got {array[where]:g} at index {where}"
        )
    return cast


def check_probabilities(array: np.ndarray, name: str) -> np.ndarray:
    """Check that every entry lies in [0, 1] (NaN does not)."""
    array = _given(array, name)
    if np.isnan(array).any():
        raise ValueError(f"{name} must be probabilities in [0, 1]; it holds a NaN")
    low, high = array.min(), array.max()
    if low < 0:
        raise ValueError(f"{name} must be probabilities in [0, 1]; got min {low:g}")
    if high > 1:
        raise ValueError(f"{name} must be probabilities in [0, 1]; got max {high:g}")
    return array


def check_positive_rows(array: np.ndarray, name: str) -> np.ndarray:
    """Check each row (last axis) sums to more than 0, so it can be renormalised; return sums."""
    array = _given(array, name)
    sums = array.sum(axis=-1, keepdims=True)
    zero = ~(sums[..., 0] > 0)
    if zero.any():
        row = np.unravel_index(int(np.argmax(zero)), zero.shape)
        raise ValueError(
            f"{name} must have a positive sum in every row; row {tuple(int(i) for i in row)} "
            f"sums to {sums[row][0]:g}, so it cannot be renormalised"
        )
    return sums


def keras_dtype(value) -> np.dtype:
    """The floating dtype Keras computes in when given `value`.

    Keras keeps the dtype of a floating NumPy array, tensor or pandas object (float16, float32 or
    float64; a frame's columns in the widest of theirs). Of a list or a tuple, TensorFlow reads
    the dtype of its first number: a NumPy float's own, else Keras' default float32
    (`keras.config.floatx()`), which is also what anything else becomes.

    >>> keras_dtype([0.25, 0.75]), keras_dtype([np.float64(0.25), 0.75])
    (dtype('float32'), dtype('float64'))
    """
    while isinstance(value, list | tuple) and value:  # TensorFlow's reading of a nested list
        value = value[0]
    dtype = getattr(value, "dtype", None)
    try:
        dtype = None if dtype is None else np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    except TypeError:  # a dtype of pandas' own (Float64)
        dtype = None
    if dtype is None and (hasattr(value, "dtype") or hasattr(value, "dtypes")):  # or a frame
        with contextlib.suppress(TypeError, ValueError):
            dtype = numpy_of(value, "value").dtype  # as we read it
    if dtype is not None and np.issubdtype(dtype, np.floating) and dtype.itemsize <= 8:
        return dtype
    return np.dtype(np.float32)


def check_distributions(array: np.ndarray, name: str, dtype=np.float64) -> np.ndarray:
    """Check rows (last axis) of probabilities in [0, 1] that sum to 1.

    A row may miss 1 by the rounding of its `dtype` (the dtype the caller received: float16 rows
    written to three decimals sum to 1 only within about 1e-3), and by at least 1e-6: by twice
    the dtype's epsilon for each halving of the classes' count, as a sum computed in a tree of
    pairs, such as a softmax's, can (for 1,000 classes in float32, 2.6e-6), and by the dtype's
    smallest step for each class, as the tiniest probabilities are rounded to it. It grows with
    the logarithm of the classes' count, not the count, so that a row of 300 float16 zeros, which
    sums to 0, is refused.
    """
    array = _given(array, name)
    check_probabilities(array, name)
    info, n_classes = np.finfo(dtype), array.shape[-1]
    tolerance = max(1e-6, 2 * float(info.eps) * (1 + math.log2(n_classes)))
    tolerance += n_classes * float(info.smallest_subnormal)
    sums = array.sum(axis=-1)
    off = np.abs(sums - 1.0) > tolerance
    if off.any():
        row = np.unravel_index(int(np.argmax(np.abs(sums - 1.0))), sums.shape)
        row = row[0] if len(row) == 1 else row
        raise ValueError(f"{name} rows must sum to 1; row {row} sums to {sums[row]:.6g}")
    return array


def check_binary_labels(array: np.ndarray, name: str) -> np.ndarray:
    """Check that every entry is exactly 0 or 1."""
    array = _given(array, name)
    bad = (array != 0) & (array != 1)
    if bad.any():
        where = _index(array, bad)
        raise ValueError(f"{name} must contain only 0 and 1; got {array[where]:g} at index {where}")
    return array


def check_binary_scores(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """Labels of 0 and 1 and a score in [0, 1] for each, checked, as
    `plots.plot_threshold_sweep` and `widgets.threshold_explorer` take them; returns both as
    arrays, the scores rounded to float32, as a model's outputs are and as Keras' Precision and
    Recall read them, so that every score at a threshold agrees: a float64 score of 0.5000000001
    is 0.5 to all of them.

    >>> check_binary_scores([0, 1], [0.2, 0.9])
    (array([0., 1.]), array([0.2, 0.9], dtype=float32))
    """
    labels = check_binary_labels(as_array(y_true, "y_true"), "y_true")
    values = check_probabilities(as_array(scores, "scores"), "scores")
    if labels.shape != values.shape:
        raise ValueError(
            f"y_true and scores must have the same shape; got {labels.shape} and {values.shape}"
        )
    return labels, as_tensorflow_reads(values.astype(np.float32))


def check_same_shape(
    y_true: np.ndarray, y_pred: np.ndarray, names: tuple[str, str] = ("y_true", "y_pred")
) -> None:
    """Check that the two arrays (the caller's `names` for them) have the same shape."""
    y_true, y_pred = _given(y_true, names[0]), _given(y_pred, names[1])
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; got {y_true.shape} and "
            f"{y_pred.shape}"
        )


def match_rank(
    y_true: np.ndarray, y_pred: np.ndarray, names: tuple[str, str] = ("y_true", "y_pred")
) -> tuple[np.ndarray, np.ndarray]:
    """Bring (N,) and (N, 1) to the same rank as Keras does, then check the shapes agree.

    Keras' `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the longer shape ends
    in 1, a rank-1 partner gains a trailing axis; otherwise the trailing 1 is squeezed away.
    """
    y_true, y_pred = _given(y_true, names[0]), _given(y_pred, names[1])
    for longer, shorter in ((0, 1), (1, 0)):
        arrays = [y_true, y_pred]
        a, b = arrays[longer], arrays[shorter]
        if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
            if b.ndim == 1:
                arrays[shorter] = b[:, None]
            else:
                arrays[longer] = a[..., 0]
            y_true, y_pred = arrays
            break
    check_same_shape(y_true, y_pred, names)
    return y_true, y_pred


def check_class_axis(y_pred: np.ndarray, name: str, use_instead: str) -> int:
    """Return the number of classes on the last axis; a classifier needs at least two."""
    y_pred = _given(y_pred, name)
    n_classes = y_pred.shape[-1]
    if n_classes < 2:
        raise ValueError(
            f"{name} must have at least 2 classes on its last axis; got shape {y_pred.shape}. "
            f"For a single sigmoid output use {use_instead}."
        )
    return n_classes


def check_class_indices(
    y_true: np.ndarray, y_pred: np.ndarray, name: str = "y_true", scores: str | None = None
) -> np.ndarray:
    """Check integer class labels against class scores; return them as an int array.

    `y_true` has the shape of `y_pred` without its last (class) axis, or with that axis of size 1,
    and holds whole numbers from 0 to n_classes - 1. `scores` is the caller's name for `y_pred`,
    which an error names; leave it None when the caller has no such argument (it made `y_pred`
    only to say how many classes there are), and an error names `name` alone.
    """
    y_true, y_pred = _given(y_true, name), _given(y_pred, scores or "y_pred")
    n_classes = y_pred.shape[-1]
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        wanted = f"{y_pred.shape[:-1]} (or {(*y_pred.shape[:-1], 1)})"
        if scores is None:
            raise ValueError(f"{name} must have shape {wanted}; got shape {y_true.shape}")
        raise ValueError(
            f"{name} must hold one class index per row of {scores}, shape {wanted}; "
            f"got shape {y_true.shape}"
        )
    fractional = y_true != np.round(y_true)
    if fractional.any():
        where = _index(y_true, fractional)
        raise ValueError(
            f"{name} must hold whole class indices; got {y_true[where]:g} at index {where}"
        )
    outside = (y_true < 0) | (y_true >= n_classes)
    if outside.any():
        where = _index(y_true, outside)
        of = f"{scores} has {n_classes} classes" if scores else f"{n_classes} classes"
        raise ValueError(
            f"{name} must hold class indices from 0 to {n_classes - 1} ({of}); "
            f"got {y_true[where]:g} at index {where}"
        )
    return y_true.astype(np.int64)


def check_logits(value, name: str = "logits") -> np.ndarray:
    """`value` as a (samples, classes >= 2) array of finite logits (or log-probabilities)."""
    logits = as_array(value, name)
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(f"{name} must have shape (samples, classes >= 2); got {logits.shape}")
    return logits


def check_bool(value, name: str) -> bool:
    """Check a flag is a real bool (a string such as "False" would silently count as true)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {_shown(value)}")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    """Check `value` is one of the texts `choices` (an array or a list is not one, whatever it
    holds: comparing it to a text would ask the truth of an array)."""
    if not isinstance(value, str) or value not in choices:
        shown = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {shown}; got {_shown(value)}")
    return value


def check_real(value, name: str) -> float:
    """Check a scalar is a finite real number; return it as a float.

    Any real number a float can hold is accepted: Python and NumPy ints and floats, a
    `fractions.Fraction`. An int too large for a float (2**1024 and beyond) is refused by name.
    """
    if _not_a_number(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        if not isinstance(value, float | np.floating) or np.isfinite(value):  # too large a float
            raise ValueError(
                f"{name} must be finite and within the range of a float (about 1.8e308); "
                f"got {_shown(value)}"
            )
        raise ValueError(f"{name} must be finite; got {_shown(value)}")
    if number == 0 and value != 0:  # a longdouble or a Fraction below float's smallest
        raise ValueError(
            f"{name} must be 0 or within the range of a float (from about 5e-324); "
            f"got {_shown(value)}, which a float reads as 0"
        )
    return number


def _not_a_number(value) -> bool:
    """Whether `value` is a bool or a duration, which Python or NumPy count as integers."""
    return isinstance(value, bool | np.bool_ | np.timedelta64)


def check_model_inputs(model, name: str = "model") -> list:
    """The one symbolic input and the one output of the Keras model `model` (the caller's `name`
    for it), which a Sequential or functional model knows once built; a clear error for one that
    does not (an unbuilt Sequential, or a subclass of keras.Model, which has no symbolic inputs
    at all), or that takes or gives more than one."""
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError, TypeError):  # an unbuilt Sequential; a subclassed model
        inputs = outputs = []
    if not inputs:
        raise ValueError(
            f"{name} must know its inputs: a Sequential or functional model, given "
            "keras.Input(...) as its first layer (or fitted once); a subclass of keras.Model "
            "has no symbolic inputs"
        )
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(
            f"{name} must take one input and give one output, a classifier's; it has "
            f"{len(inputs)} and {len(outputs)}"
        )
    return inputs


def check_fraction(value, name: str) -> float:
    """Check a scalar lies in [0, 1]."""
    value = check_real(value, name)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1]; got {value}")
    return value


def check_count(value, name: str, low: int = 1, high: int | None = None, why: str = "") -> int:
    """Check a whole number of at least `low` (a bool is not a count, nor is 2.0), and at most
    `high` when given: a count that sizes an array or a model is bounded, `why` saying by what."""
    if _not_a_number(value) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be a whole number of at least {low}; got {_shown(value)}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high:,}{why}; got {_shown(value)}")
    return int(value)


def check_model_size(n_weights: int, names: str) -> int:
    """Check a model made from counts (`names`, the arguments that size it) fits in memory."""
    n_weights = check_count(n_weights, "n_weights")
    if n_weights > MAX_ENTRIES:
        count = f"{n_weights:,}" if n_weights < 10**100 else "more than 10**100"
        raise ValueError(
            f"{names} must make a model of at most {MAX_ENTRIES:,} weights, to fit in memory; "
            f"they make one of {count}"
        )
    return n_weights


def check_label_noise(label_noise, n_classes: int, name: str = "label_noise") -> float:
    """Check a share of labels replaced by another class drawn evenly among the other
    `n_classes - 1`: the true class must stay the likeliest label, so the share must be below
    (n_classes - 1) / n_classes. At that share the true class only ties with each other class
    (in floats, within a few of their last bits: 2/3 written as 0.6666666666666666 ties too)."""
    label_noise = check_fraction(label_noise, name)
    n_classes = check_count(n_classes, "n_classes", low=2)
    bound = (n_classes - 1) / n_classes
    if label_noise >= bound or math.isclose(label_noise, bound, rel_tol=4 * 2**-52):
        raise ValueError(
            f"{name} must be below {n_classes - 1}/{n_classes} = {bound:.6g} with {n_classes} "
            f"classes, so that the true class stays the likeliest label (at {n_classes - 1}/"
            f"{n_classes} it only ties with each other class); got {label_noise!r}"
        )
    return label_noise


def check_positive(value, name: str) -> float:
    """Check a finite real number greater than 0."""
    value = check_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value}")
    return value


def check_rate(value, name: str, positive: bool = True) -> float:
    """Check a learning rate, a penalty or a decay, which Keras holds in float32: a finite number
    above 0 (with `positive`; else from 0) that float32 holds as itself, at most its largest number
    and, unless 0, at least its smallest normal one (a CPU takes a smaller one for 0)."""
    value = check_real(value, name)
    low, high = float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max)
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'at least 0'}; got {value}")
    if value > high or 0 < value < low:
        raise ValueError(
            f"{name} must be from {low:.3g} to {high:.3g}{'' if positive else ', or 0'}, the "
            f"numbers float32 holds, as Keras computes in it; got {value}"
        )
    return value


def check_seed(value, name: str = "seed") -> int:
    """Check a random seed: a whole number from 0 to 2**32 - 1, as NumPy and Keras take it."""
    if _not_a_number(value) or not isinstance(value, numbers.Integral) or not 0 <= value < 2**32:
        raise ValueError(f"{name} must be a whole number from 0 to 2**32 - 1; got {_shown(value)}")
    return int(value)


def check_text(value, name: str, lines: bool = False) -> str:
    """Check a non-empty string, such as a name shown in a table, a figure or a spreadsheet, of
    printable characters and spaces (a no-break space too): no control character such as a bell or
    a tab, which a spreadsheet cannot hold and a font has no glyph for, nor a line break (unless
    `lines`: then "\n") or an invisible format character."""
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string; got {value!r}")
    hidden = [
        c
        for c in value
        if not (c.isprintable() or unicodedata.category(c) == "Zs" or (lines and c == "\n"))
    ]
    if hidden:
        raise ValueError(
            f"{name} must be printable text, without control, line-breaking or format "
            f"characters; got {value!r}, which holds {hidden[0]!r}"
        )
    return value


def check_path(value, name: str) -> Path:
    """Check a path, given as text or a path object: not empty, without a NUL character, and
    one the file system can name (a lone surrogate cannot be written to it); return it as a Path.

    Whether it exists, or names a file or a folder, is for the caller to say.
    """
    text = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a path, as text or a Path; got {_shown(value)}")
    if not text:
        raise ValueError(f"{name} must be a path; got an empty one")
    if "\0" in text:
        raise ValueError(f"{name} must be a path without a NUL character; got {text!r}")
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        raise ValueError(f"{name} must be a path the file system can name; got {text!r}") from None
    return Path(text)


def check_names(value, name: str, count: int) -> tuple[str, ...]:
    """Check a list or tuple of `count` distinct non-empty strings (a bare string is refused: its
    letters would silently become the names)."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise TypeError(f"{name} must be a list or tuple of {count} strings; got {value!r}")
    count = check_count(count, "count")
    names = tuple(check_text(v, f"{name}[{i}]") for i, v in enumerate(value))
    if len(names) != count:
        raise ValueError(f"{name} must hold {count} names; got {len(names)}")
    check_distinct(names, name)
    return names


def check_distinct(texts, name: str, given=None) -> None:
    """Refuse `texts` (the caller's argument `name`; `given` are the values as passed, for the
    message) of which two read alike: the same lines of words, once Unicode-normalised ("e" and a
    combining accent read as "é"), each run of spaces read as one and empty lines as none, so that
    no name hides another."""
    seen = {}
    for text, original in zip(texts, texts if given is None else given, strict=True):
        shown = unicodedata.normalize("NFC", text)
        key = "\n".join(filter(None, (" ".join(line.split()) for line in shown.split("\n"))))
        if key in seen:
            raise ValueError(
                f"{name} must read differently from each other; {original!r} reads as "
                f"{seen[key]!r} does"
            )
        seen[key] = original


def check_column(frame, column, name: str, low=None, high=None, finite=True) -> np.ndarray:
    """`frame[column]` (`frame` is the caller's argument `name`) as a float64 array, checked to
    hold real numbers (not text, bools, None or complex numbers), finite unless `finite` is False
    (then NaN is kept, for the caller to judge), and from `low` to `high` where given.

    The figures that draw a table call it first, so that a column of text or of NaN is refused by
    the argument's name rather than failing inside NumPy or drawing an empty axis.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame; got {type(frame).__name__}")
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError(f"{name} must have plain column names, not a MultiIndex of them")
    try:
        hash(column)
    except TypeError:
        raise TypeError(f"column must be a column's name; got {column!r}") from None
    if column not in frame.columns:
        raise ValueError(f"{name} must have a column {column!r}; it has {list(frame.columns)}")
    values = frame[column]
    where = f"{name}[{column!r}]"
    if isinstance(values, pd.DataFrame):  # two columns of one name
        raise ValueError(f"{name} must have one column {column!r}; it has {values.shape[1]}")
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)
    ):
        raise TypeError(f"{where} must hold real numbers; got dtype {dtype}")
    array = values.to_numpy(dtype=float, na_value=np.nan)
    if finite and not np.isfinite(array).all():
        row = int(np.argmax(~np.isfinite(array)))
        raise ValueError(f"{where} must be finite; got {array[row]} in row {row}")
    shown = array[~np.isnan(array)]
    if low is not None and (shown < low).any():
        raise ValueError(f"{where} must be at least {low:g}; got {shown.min()}")
    if high is not None and (shown > high).any():
        raise ValueError(f"{where} must be at most {high:g}; got {shown.max()}")
    return array


def check_columns(frame, columns, name: str, made_by: str) -> None:
    """Check `frame` is a pandas DataFrame with every one of `columns`, as `made_by` returns it."""
    import pandas as pd

    if isinstance(columns, str) or not isinstance(columns, list | tuple | set):
        raise TypeError(f"columns must be a list of column names; got {columns!r}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame from {made_by}; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} must come from {made_by}; it lacks the columns {missing}")
    if frame.empty:
        raise ValueError(f"{name} must have at least one row; it is empty")
