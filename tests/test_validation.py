"""`lossacc_utils.validation`, the checks every public function makes at the door: each accepts
what it should, as it should, and names the argument and the problem otherwise."""

import numpy as np
import pandas as pd
import pytest

from lossacc_utils import validation as v


def test_as_array_converts_lists_bools_and_integers_to_float64():
    assert v.as_array([True, False], "x").tolist() == [1.0, 0.0]
    assert v.as_array(np.int8([3]), "x").dtype == np.float64


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (5.0, ValueError, "x must be an array with at least one dimension; got a scalar"),
        ([], ValueError, r"x must not be empty; got shape \(0,\)"),
        ([[1, 2], [3]], ValueError, "x must be a rectangular array"),
        (["a"], TypeError, "x must contain real numbers"),
        ([1 + 2j], TypeError, "x must contain real numbers"),
        ([1.0, np.nan], ValueError, r"x must be finite; got nan at index 1"),
        ([[1.0], [-np.inf]], ValueError, r"x must be finite; got -inf at index \(1, 0\)"),
    ],
)
def test_as_array_names_what_is_wrong(value, error, message):
    with pytest.raises(error, match=message):
        v.as_array(value, "x")


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.float16([1]), np.float16),
        (np.float32([1]), np.float32),
        (np.float64([1]), np.float64),
        ([1.0], np.float32),  # Keras makes a Python list a float32 tensor
        (np.int64([1]), np.float32),
        (0.5, np.float32),
        (np.float64(0.5), np.float64),
        # TensorFlow reads a list in the dtype of its first number
        ([np.float64(0.2), 0.8], np.float64),
        ([0.2, np.float64(0.8)], np.float32),
        ((np.float16(0.2), np.float64(0.8)), np.float16),
        ([np.float64([0.2, 0.8]), [0.7, 0.3]], np.float64),
        ([[0.2, 0.8], np.float64([0.7, 0.3])], np.float32),
        ([np.longdouble(0.2), 0.8], np.float32),
        # pandas: a frame's columns in the widest of their dtypes
        (pd.DataFrame({"a": [0.2], "b": [0.8]}), np.float64),
        (pd.DataFrame({"a": np.float32([0.2]), "b": np.float32([0.8])}), np.float32),
        (pd.DataFrame({"a": np.float32([0.2]), "b": [0.8]}), np.float64),
        (pd.Series(np.float16([0.2, 0.8])), np.float16),
    ],
)
def test_keras_dtype_is_the_dtype_keras_computes_in(value, dtype, keras):
    assert v.keras_dtype(value) == dtype
    tensor = keras.ops.convert_to_tensor(value)
    if tensor.dtype.is_floating:
        assert v.keras_dtype(value) == np.dtype(tensor.dtype.name)  # Keras agrees
    assert v.keras_dtype(tensor) == v.keras_dtype(value)
    if np.ndim(value) == 1 and len(value) == 2:  # and computes its loss in it
        loss = keras.losses.binary_crossentropy(np.float64([1.0, 0.0]), value)
        assert np.dtype(loss.dtype.name) == dtype


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (pd.DataFrame({"a": [0.2], "b": [0.8]}, dtype="Float64"), np.float64),
        (pd.Series([0.2, 0.8], dtype="Float32"), np.float32),
        (pd.Series([1, 0], dtype="Int64"), np.float32),
    ],
)
def test_pandas_nullable_dtypes_are_read_as_the_numpy_dtypes_they_stand_for(value, dtype, keras):
    """NumPy reads a frame of them as Python objects, which Keras cannot convert at all."""
    assert v.keras_dtype(value) == dtype
    assert v.as_array(value, "x").tolist() == value.to_numpy(dtype=float).tolist()
    try:
        tensor = keras.ops.convert_to_tensor(value)
    except ValueError as error:
        assert "Failed to convert a NumPy array to a Tensor" in str(error)
    else:
        assert not tensor.dtype.is_floating or np.dtype(tensor.dtype.name) == dtype


def test_a_missing_pandas_value_is_named_where_it_is_missing():
    frame = pd.DataFrame({"a": [0.2, 0.7], "b": [0.8, None]}, dtype="Float64")
    with pytest.raises(
        ValueError, match=r"x must not miss a value; it misses one \(NA\) at index \(1, 1\)$"
    ):
        v.as_array(frame, "x")


def test_row_sums_may_miss_1_by_the_rounding_of_their_dtype():
    rows = np.array([[0.1, 0.2, 0.7005]])  # off by 5e-4: float16's rounding, not float64's
    v.check_distributions(rows, "p", np.float16)
    with pytest.raises(ValueError, match=r"p rows must sum to 1; row 0 sums to 1\.0005"):
        v.check_distributions(rows, "p", np.float64)


@pytest.mark.parametrize(
    ("check", "value", "error", "message"),
    [
        (v.check_seed, -1, ValueError, "seed must be a whole number from 0 to 2\\*\\*32 - 1"),
        (v.check_seed, 2**32, ValueError, "seed must be a whole number"),
        (v.check_seed, 1.0, ValueError, "seed must be a whole number"),
        (v.check_seed, "0", ValueError, "seed must be a whole number"),
        (v.check_seed, True, ValueError, "seed must be a whole number"),
        (v.check_count, 0, ValueError, "n must be a whole number of at least 1"),
        (v.check_count, 2.0, ValueError, "n must be a whole number"),
        (v.check_real, "1", TypeError, "x must be a real number"),
        (v.check_real, None, TypeError, "x must be a real number"),
        (v.check_real, np.nan, ValueError, "x must be finite"),
        (v.check_fraction, 1.5, ValueError, r"x must be in \[0, 1\]"),
        (v.check_positive, 0, ValueError, "x must be positive"),
        (v.check_bool, "False", TypeError, "flag must be True or False"),
        (v.check_text, "", TypeError, "name must be a non-empty string"),
        (v.check_text, 3, TypeError, "name must be a non-empty string"),
    ],
)
def test_scalar_checks_name_the_argument(check, value, error, message):
    name = {
        v.check_seed: "seed",
        v.check_count: "n",
        v.check_bool: "flag",
        v.check_text: "name",
    }.get(check, "x")
    with pytest.raises(error, match=message):
        check(value, name)


def test_good_scalars_come_back_as_python_numbers():
    assert v.check_seed(np.int64(7)) == 7 and type(v.check_seed(np.int64(7))) is int
    assert v.check_count(np.int32(3), "n") == 3
    assert v.check_real(np.float32(0.5), "x") == 0.5 and type(v.check_real(1, "x")) is float
    assert v.check_bool(np.bool_(True), "flag") is True


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("abc", TypeError, "class_names must be a list or tuple of 3 strings; got 'abc'"),
        (["a", "b"], ValueError, "class_names must hold 3 names; got 2"),
        (["a", "b", "a"], ValueError, "class_names must read differently from each other; 'a'"),
        (["a", "b", "a "], ValueError, "class_names must read differently.*'a ' reads as 'a'"),
        (["é", "b", "e\u0301"], ValueError, "class_names must read differently"),
        (["a", "", "c"], TypeError, r"class_names\[1\] must be a non-empty string"),
        (["a", 2, "c"], TypeError, r"class_names\[1\] must be a non-empty string"),
    ],
)
def test_names_are_a_list_of_distinct_strings(value, error, message):
    with pytest.raises(error, match=message):
        v.check_names(value, "class_names", 3)
    assert v.check_names(["a", "b", "c"], "class_names", 3) == ("a", "b", "c")


def test_frames_must_have_their_columns():
    frame = pd.DataFrame({"alpha": [0.0], "loss": [1.0]})
    v.check_columns(frame, ["alpha", "loss"], "frame", "f()")
    with pytest.raises(ValueError, match=r"frame must come from f\(\); it lacks the columns"):
        v.check_columns(frame, ["alpha", "accuracy"], "frame", "f()")
    with pytest.raises(TypeError, match=r"frame must be a DataFrame from f\(\); got dict"):
        v.check_columns({"alpha": [0.0]}, ["alpha"], "frame", "f()")
    with pytest.raises(ValueError, match="frame must have at least one row"):
        v.check_columns(frame.iloc[:0], ["alpha"], "frame", "f()")


def test_class_indices_accept_whole_floats_and_refuse_the_rest():
    scores = np.zeros((3, 4))
    assert v.check_class_indices(np.array([0.0, 3.0, 1.0]), scores).tolist() == [0, 3, 1]
    with pytest.raises(ValueError, match=r"from 0 to 3 .* got -1 at index 1"):
        v.check_class_indices(np.array([0.0, -1.0, 1.0]), scores)
    with pytest.raises(ValueError, match=r"whole class indices; got 1\.5"):
        v.check_class_indices(np.array([0.0, 1.5, 1.0]), scores)


def test_match_rank_pairs_n_and_n_by_1_as_keras_does():
    a, b = v.match_rank(np.zeros(3), np.zeros((3, 1)))
    assert a.shape == b.shape == (3, 1)
    with pytest.raises(ValueError, match="same shape"):
        v.match_rank(np.zeros(3), np.zeros((3, 2)))
