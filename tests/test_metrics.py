"""`lossacc_utils.metrics` against Keras itself, on random and on edge-case inputs.

Most tests call Keras with float64 arrays, so that it computes in float64 and the two agree to 1e-6
on everything, including the 16.118 that a clipped probability of 0 costs. The tests at the end
repeat the comparison in float32 and float16 and with Python lists (which Keras makes float32),
where Keras clips at a different place (1 - 1e-7 rounds to 1 - 1.19e-7 in float32).
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossacc_utils import metrics

TOL = {"rtol": 1e-6, "atol": 1e-6}

# Probabilities with the edge cases drawn often: exactly 0, 1, 0.5, and within EPSILON of 0 and 1.
# No subnormal floats (below 2.2e-308): TensorFlow's CPU kernels flush them to zero, so Keras
# divides 0 by 0 where NumPy correctly renormalises a row of equal tiny values.
EDGE_PROBS = [0.0, 1.0, 0.5, 0.25, 1e-9, 1 - 1e-9, 1e-7, 1 - 1e-7]
probability = st.one_of(st.sampled_from(EDGE_PROBS), st.floats(0, 1, allow_subnormal=False))
# Logits, large ones included: softmax of [0, 100, 0] and sigmoid of -500 must not overflow.
logit = st.one_of(
    st.sampled_from([0.0, 100.0, -100.0, 500.0, -500.0]), st.floats(-50, 50, allow_subnormal=False)
)


@st.composite
def shapes(draw, max_classes=12):
    """(n_samples, n_classes): one sample and many classes included."""
    n_classes = draw(st.one_of(st.integers(2, max_classes), st.just(100)))
    n_samples = draw(st.integers(1, 8 if n_classes < 100 else 3))
    return n_samples, n_classes


@st.composite
def class_probabilities(draw):
    """Rows of class probabilities; rows are normalised or not (Keras renormalises), never all 0."""
    shape = draw(shapes())
    p = draw(arrays(np.float64, shape, elements=probability))
    p[p.sum(axis=1) == 0, draw(st.integers(0, shape[1] - 1))] = 1.0
    if draw(st.booleans()):
        p = p / p.sum(axis=1, keepdims=True)
    return p


@st.composite
def labelled(draw, scores):
    """(labels, scores) with integer labels for the rows of `scores`."""
    y_pred = draw(scores)
    labels = draw(arrays(np.int64, y_pred.shape[:1], elements=st.integers(0, y_pred.shape[1] - 1)))
    return labels, y_pred


class_logits = shapes().flatmap(lambda shape: arrays(np.float64, shape, elements=logit))
smoothing = st.one_of(st.just(0.0), st.floats(0, 1, allow_subnormal=False))


def one_hot(labels, n_classes):
    return np.eye(n_classes)[labels]


@given(labelled(class_probabilities()), smoothing)
def test_categorical_crossentropy_matches_keras(keras, to_numpy, data, label_smoothing):
    labels, y_pred = data
    y_true = one_hot(labels, y_pred.shape[1])
    expected = keras.losses.categorical_crossentropy(
        y_true, y_pred, label_smoothing=label_smoothing
    )
    ours = metrics.categorical_crossentropy(y_true, y_pred, label_smoothing=label_smoothing)
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


@given(labelled(class_logits), smoothing)
def test_categorical_crossentropy_from_logits_matches_keras(keras, to_numpy, data, label_smoothing):
    labels, y_pred = data
    y_true = one_hot(labels, y_pred.shape[1])
    expected = keras.losses.categorical_crossentropy(
        y_true, y_pred, from_logits=True, label_smoothing=label_smoothing
    )
    ours = metrics.categorical_crossentropy(
        y_true, y_pred, from_logits=True, label_smoothing=label_smoothing
    )
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


@given(class_probabilities(), class_probabilities())
def test_categorical_crossentropy_with_soft_labels_matches_keras(keras, to_numpy, a, b):
    n = min(len(a), len(b))
    k = min(a.shape[1], b.shape[1])
    y_true, y_pred = a[:n, :k], b[:n, :k]
    y_pred[y_pred.sum(axis=1) == 0, 0] = 1.0
    expected = keras.losses.categorical_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(
        metrics.categorical_crossentropy(y_true, y_pred), to_numpy(expected), **TOL
    )


@given(labelled(class_probabilities()), st.booleans())
def test_sparse_categorical_crossentropy_matches_keras(keras, to_numpy, data, column):
    labels, y_pred = data
    y_true = labels[:, None] if column else labels  # (N, 1) labels are squeezed, as in Keras
    expected = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    ours = metrics.sparse_categorical_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


@given(labelled(class_logits))
def test_sparse_categorical_crossentropy_from_logits_matches_keras(keras, to_numpy, data):
    labels, y_pred = data
    expected = keras.losses.sparse_categorical_crossentropy(labels, y_pred, from_logits=True)
    ours = metrics.sparse_categorical_crossentropy(labels, y_pred, from_logits=True)
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


binary_shape = st.tuples(st.integers(1, 10), st.integers(1, 4))


@given(
    binary_shape.flatmap(
        lambda s: st.tuples(
            arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0])),
            arrays(np.float64, s, elements=probability),
        )
    ),
    smoothing,
)
def test_binary_crossentropy_matches_keras(keras, to_numpy, data, label_smoothing):
    y_true, y_pred = data
    expected = keras.losses.binary_crossentropy(y_true, y_pred, label_smoothing=label_smoothing)
    ours = metrics.binary_crossentropy(y_true, y_pred, label_smoothing=label_smoothing)
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


@given(
    binary_shape.flatmap(
        lambda s: st.tuples(
            arrays(np.float64, s, elements=probability),  # soft targets
            arrays(np.float64, s, elements=logit),
        )
    )
)
def test_binary_crossentropy_from_logits_matches_keras(keras, to_numpy, data):
    y_true, y_pred = data
    expected = keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)
    ours = metrics.binary_crossentropy(y_true, y_pred, from_logits=True)
    np.testing.assert_allclose(ours, to_numpy(expected), **TOL)


@given(
    binary_shape.flatmap(
        lambda s: st.tuples(
            arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0])),
            arrays(np.float64, s, elements=st.one_of(probability, logit)),
        )
    ),
    # any threshold: Keras rounds a Python float to float32, which the function must mirror
    st.one_of(st.sampled_from([0.5, 0.0, 0.7, 0.3]), st.floats(-2, 2, allow_subnormal=False)),
)
def test_binary_accuracy_matches_keras(keras, to_numpy, data, threshold):
    y_true, y_pred = data
    expected = keras.metrics.binary_accuracy(y_true, y_pred, threshold=threshold)
    np.testing.assert_array_equal(
        metrics.binary_accuracy(y_true, y_pred, threshold=threshold), to_numpy(expected)
    )


@given(labelled(st.one_of(class_probabilities(), class_logits)))
def test_categorical_accuracy_matches_keras(keras, to_numpy, data):
    labels, y_pred = data
    y_true = one_hot(labels, y_pred.shape[1])
    expected = keras.metrics.categorical_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(metrics.categorical_accuracy(y_true, y_pred), to_numpy(expected))


@given(labelled(st.one_of(class_probabilities(), class_logits)), st.booleans())
def test_sparse_categorical_accuracy_matches_keras(keras, to_numpy, data, column):
    labels, y_pred = data
    y_true = labels[:, None] if column else labels
    expected = keras.metrics.sparse_categorical_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(
        metrics.sparse_categorical_accuracy(y_true, y_pred), to_numpy(expected), strict=True
    )


@pytest.mark.parametrize(
    "labels, classes",
    [
        ((2, 1, 1), (2, 1, 3)),
        ((2, 1), (2, 1, 3)),
        ((1,), (3,)),
        ((1, 1), (1, 3)),
        ((2, 2, 1), (2, 2, 3)),
        ((4, 1, 1, 1), (4, 1, 1, 3)),
    ],
)
def test_sparse_categorical_accuracy_is_shaped_as_keras_shapes_it(keras, to_numpy, labels, classes):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, classes[-1], labels), rng.random(classes)
    expected = to_numpy(keras.metrics.sparse_categorical_accuracy(y_true, y_pred))
    got = metrics.sparse_categorical_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(got, expected.astype(np.float64), strict=True)


# ---- the edge cases the book quotes, each checked against Keras too ----------------------------


def test_seed_example_is_ln_2(keras, to_numpy):
    y_true, y_pred = [[1.0, 0.0, 0.0]], [[0.5, 0.25, 0.25]]
    ours = metrics.categorical_crossentropy(y_true, y_pred)  # lists: float32, as in Keras
    assert ours[0] == np.float32(np.log(2)) == 0.6931472
    np.testing.assert_array_equal(
        ours, to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred))
    )
    in_float64 = metrics.categorical_crossentropy(np.array(y_true), np.array(y_pred))
    np.testing.assert_allclose(in_float64, [np.log(2)], rtol=1e-12)


def test_probability_zero_for_the_true_class_costs_minus_ln_epsilon(keras, to_numpy):
    y_true, y_pred = np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 0.5, 0.5]])
    ours = metrics.categorical_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(ours, [-np.log(1e-7)], rtol=1e-12)
    assert round(float(ours[0]), 3) == 16.118
    np.testing.assert_allclose(
        ours, to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred)), **TOL
    )


def test_epsilon_is_keras_epsilon(keras):
    assert keras.config.epsilon() == metrics.EPSILON


def test_rows_are_renormalised_before_the_log(keras, to_numpy):
    y_true, y_pred = np.array([[0.0, 0.0, 1.0]]), np.array([[0.2, 0.2, 0.4]])  # sums to 0.8
    ours = metrics.categorical_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(ours, [np.log(2)], rtol=1e-12)
    np.testing.assert_allclose(
        ours, to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred)), **TOL
    )


def test_sparse_clips_before_it_renormalises_and_categorical_after(keras, to_numpy):
    # A true-class probability of 0: categorical gives -ln(eps); sparse renormalises the clipped
    # row [eps, .5, .5], whose sum is 1 + eps, so it costs a hair more.
    y_pred = np.array([[0.0, 0.5, 0.5]])
    sparse = metrics.sparse_categorical_crossentropy([0], y_pred)
    categorical = metrics.categorical_crossentropy([[1, 0, 0]], y_pred)
    np.testing.assert_allclose(sparse, [-np.log(1e-7 / (1 + 1e-7))], rtol=1e-12)
    np.testing.assert_allclose(categorical, [-np.log(1e-7)], rtol=1e-12)
    assert sparse[0] > categorical[0]
    keras_sparse = to_numpy(keras.losses.sparse_categorical_crossentropy(np.array([0]), y_pred))
    np.testing.assert_allclose(sparse, keras_sparse, rtol=1e-12)


def test_binary_threshold_is_strict(keras, to_numpy):
    y_true, y_pred = np.array([0.0, 1.0]), np.array([0.5, 0.5])
    ours = metrics.binary_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(ours, [1.0, 0.0])  # 0.5 is class 0
    np.testing.assert_array_equal(ours, to_numpy(keras.metrics.binary_accuracy(y_true, y_pred)))


def test_argmax_ties_go_to_the_smallest_index(keras, to_numpy):
    y_pred = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    ours = metrics.categorical_accuracy(y_true, y_pred)
    np.testing.assert_array_equal(ours, [1.0, 0.0])
    np.testing.assert_array_equal(
        ours, to_numpy(keras.metrics.categorical_accuracy(y_true, y_pred))
    )


def test_large_logits_do_not_overflow(keras, to_numpy):
    y_true, logits = np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 100.0, 0.0]])
    ours = metrics.categorical_crossentropy(y_true, logits, from_logits=True)
    np.testing.assert_allclose(ours, [100.0], rtol=1e-12)
    big = metrics.binary_crossentropy([[1.0]], [[-1000.0]], from_logits=True)
    np.testing.assert_allclose(big, [1000.0], rtol=1e-12)
    np.testing.assert_allclose(
        ours,
        to_numpy(keras.losses.categorical_crossentropy(y_true, logits, from_logits=True)),
        **TOL,
    )


def test_binary_crossentropy_of_a_flat_vector_is_its_mean(keras, to_numpy):
    y_true, y_pred = np.array([1.0, 0.0, 0.0, 1.0]), np.array([0.6, 0.4, 0.5, 0.7])
    ours = metrics.binary_crossentropy(y_true, y_pred)
    assert np.ndim(ours) == 0
    per_sample = metrics.binary_crossentropy(y_true[:, None], y_pred[:, None])
    assert per_sample.shape == (4,)
    np.testing.assert_allclose(ours, per_sample.mean(), rtol=1e-12)
    np.testing.assert_allclose(ours, to_numpy(keras.losses.binary_crossentropy(y_true, y_pred)))


def test_binary_accuracy_matches_column_and_flat_shapes_like_keras(keras, to_numpy):
    y_true, y_pred = np.array([1.0, 0.0, 1.0]), np.array([[0.9], [0.2], [0.4]])
    ours = metrics.binary_accuracy(y_true, y_pred)
    expected = to_numpy(keras.metrics.binary_accuracy(y_true, y_pred))
    assert ours.shape == expected.shape
    np.testing.assert_array_equal(ours, expected)


def test_one_sample_without_a_batch_axis(keras, to_numpy):
    y_true, y_pred = np.array([0.0, 1.0, 0.0]), np.array([0.2, 0.7, 0.1])
    ours = metrics.categorical_crossentropy(y_true, y_pred)
    assert np.ndim(ours) == 0
    np.testing.assert_allclose(
        ours, to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred)), **TOL
    )
    assert metrics.categorical_accuracy(y_true, y_pred) == 1.0


def test_accepts_lists_integers_booleans_and_keras_tensors(keras):
    as_tensor = keras.ops.convert_to_tensor(np.array([[0.2, 0.8]]))
    from_list = metrics.categorical_crossentropy([[0, 1]], [[0.2, 0.8]])
    from_bool = metrics.categorical_crossentropy(np.array([[False, True]]), as_tensor)
    np.testing.assert_allclose(from_list, from_bool)
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy([1], [[0.2, 0.8]]), [1.0])


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_label_smoothing_edges(value):
    y_true, y_pred = [[1.0, 0.0]], [[0.7, 0.3]]
    loss = metrics.categorical_crossentropy(y_true, y_pred, label_smoothing=value)
    if value == 1.0:  # all targets become 1/K: the loss no longer sees the label
        np.testing.assert_allclose(
            loss, metrics.categorical_crossentropy([[0, 1]], y_pred, label_smoothing=1.0)
        )
    else:
        np.testing.assert_allclose(loss, [-np.log(0.7)])


# ---- the dtype Keras computes in: float32 and float16 arrays, and Python lists -----------------

DTYPES = [np.float16, np.float32, np.float64, list]


def as_given(values, dtype):
    """`values` as a caller would pass them: an array of `dtype`, or a nested Python list.

    Values that are subnormal in the dtype Keras computes in become 0 first: TensorFlow's CPU
    kernels flush them to zero, so Keras divides 0 by 0 where NumPy renormalises them correctly.
    """
    computed = np.float32 if dtype is list else dtype
    values = np.asarray(values, dtype=np.float64)
    values = np.where(np.abs(values) < np.finfo(computed).tiny, 0.0, values)
    return values.tolist() if dtype is list else values.astype(dtype)


def tolerance(dtype):
    """A few rounding steps of the dtype Keras computes in (float32 for lists)."""
    eps = np.finfo(np.float32 if dtype is list else dtype).eps
    return {"rtol": 8 * eps, "atol": 8 * eps}


def test_a_saturated_sigmoid_costs_what_keras_says_in_float32(keras, to_numpy):
    """1 - 1e-7 rounds to 1 - 1.19e-7 in float32, so a certain, wrong binary prediction costs
    -ln(1.19e-7) = 15.942 there, not -ln(1e-7) = 16.118 as in float64."""
    for dtype, expected in ((np.float32, 15.942), (list, 15.942), (np.float64, 16.118)):
        y_true, y_pred = as_given([[0.0]], dtype), as_given([[1.0]], dtype)
        ours = metrics.binary_crossentropy(y_true, y_pred)
        assert round(float(ours[0]), 3) == expected, dtype
        np.testing.assert_allclose(
            ours, to_numpy(keras.losses.binary_crossentropy(y_true, y_pred)), **tolerance(dtype)
        )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: getattr(d, "__name__", str(d)))
@given(
    binary_shape.flatmap(
        lambda s: st.tuples(
            arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0])),
            arrays(np.float64, s, elements=probability),
        )
    )
)
def test_binary_crossentropy_matches_keras_in_every_dtype(keras, to_numpy, dtype, data):
    y_true, y_pred = (as_given(a, dtype) for a in data)
    expected = to_numpy(keras.losses.binary_crossentropy(y_true, y_pred))
    ours = metrics.binary_crossentropy(y_true, y_pred)
    # Keras' NaN: in float16 a probability of 1 stays 1 after clipping, and a label of 1 gives
    # log(1 - 1) = -inf the weight 0; here that term adds nothing (see the test below)
    nan = np.isnan(expected)
    certain = (np.asarray(data[0]) == 1) & (np.asarray(y_pred, dtype=float) == 1)
    assert not np.isnan(ours).any()
    assert np.array_equal(nan, certain.any(axis=-1) if dtype is np.float16 else nan & False)
    np.testing.assert_allclose(ours[~nan], expected[~nan], **tolerance(dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: getattr(d, "__name__", str(d)))
@given(labelled(class_probabilities()))
def test_categorical_losses_match_keras_in_every_dtype(keras, to_numpy, dtype, data):
    labels, y_pred = data
    y_pred = as_given(y_pred, dtype)
    computed = np.asarray(y_pred, dtype=np.float32 if dtype is list else dtype)
    assume(computed.sum(axis=1).min() >= np.finfo(computed.dtype).tiny)  # a row Keras can divide
    y_true = as_given(one_hot(labels, computed.shape[1]), dtype)
    np.testing.assert_allclose(
        metrics.categorical_crossentropy(y_true, y_pred),
        to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred)),
        **tolerance(dtype),
    )
    np.testing.assert_allclose(  # Keras' sparse loss needs arrays: a list goes in as float32
        metrics.sparse_categorical_crossentropy(labels, y_pred),
        to_numpy(keras.losses.sparse_categorical_crossentropy(labels, computed)),
        **tolerance(dtype),
    )
    np.testing.assert_array_equal(
        metrics.categorical_accuracy(y_true, y_pred),
        to_numpy(keras.metrics.categorical_accuracy(y_true, y_pred)),
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: getattr(d, "__name__", str(d)))
@pytest.mark.parametrize("threshold", [0.7, 0.3, 0.1, 0.9, np.float64(0.7), np.float32(0.3)])
@pytest.mark.parametrize("prediction", [0.7, 0.3, 0.1, 0.9])
def test_thresholds_float32_cannot_hold_compare_as_in_keras(
    keras, to_numpy, dtype, threshold, prediction
):
    """0.7 is no float32: Keras compares with the float32 nearest to it (0.69999999), widened to
    the dtype of the predictions; a NumPy float64 threshold is kept as it is."""
    y_true, y_pred = as_given([1.0, 0.0], dtype), as_given([prediction, prediction], dtype)
    expected = to_numpy(keras.metrics.binary_accuracy(y_true, y_pred, threshold=threshold))
    ours = metrics.binary_accuracy(y_true, y_pred, threshold=threshold)
    np.testing.assert_array_equal(ours, expected)


def test_the_cases_that_float32_rounding_decides(keras, to_numpy):
    """Worked examples: a float64 0.7 is above the float32 0.7; a float32 0.3 is not above it."""
    assert metrics.binary_accuracy(np.float64([1.0]), np.float64([0.7]), threshold=0.7)[0] == 1
    assert metrics.binary_accuracy(np.float32([1.0]), np.float32([0.3]), threshold=0.3)[0] == 0
    assert metrics.binary_accuracy([1.0], [0.7], threshold=0.7)[0] == 0  # a list is float32


@pytest.mark.parametrize(
    ("dtype", "big"), [("float16", 6e4), ("float32", 3e38), ("float64", 1e308)]
)
def test_a_class_the_target_gives_no_weight_adds_nothing_even_at_log_p_minus_inf(
    keras, to_numpy, dtype, big
):
    """Logits so far apart that a class's log-probability is -inf in the dtype: the true class
    holds all the probability, so the loss is 0 (the closed form: -log softmax of the largest logit,
    whose exp(-2 big) underflows). Keras' categorical cross-entropy multiplies the one-hot target's
    0 by -inf there and returns NaN; its sparse one reads the true class alone and returns 0."""
    logits = np.array([[big, 0, -big], [-big, big, 0], [0, -big, big]], dtype=dtype)
    labels = np.array([0, 1, 2])
    one_hot = np.eye(3, dtype=dtype)[labels]
    loss = metrics.categorical_crossentropy(one_hot, logits, from_logits=True)
    np.testing.assert_array_equal(loss, 0.0)
    sparse = metrics.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_array_equal(sparse, 0.0)
    keras_sparse = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_array_equal(sparse, to_numpy(keras_sparse))
    # a wrong class that certain costs as much as Keras says: the overflow, +inf
    wrong = metrics.categorical_crossentropy(one_hot[::-1], logits, from_logits=True)
    keras_wrong = keras.losses.categorical_crossentropy(one_hot[::-1], logits, from_logits=True)
    np.testing.assert_array_equal(np.isinf(wrong), np.isinf(to_numpy(keras_wrong)))


def test_a_certain_binary_prediction_in_float16_costs_0(keras, to_numpy):
    """In float16, 1 - 1e-7 rounds to 1, so a probability of 1 stays 1 after clipping and
    log(1 - p) is -inf; a label of 1 gives that term no weight, and the loss is 0 (the closed form:
    -(1 x log 1 + 0 x log 0) with the term of weight 0 left out). Keras returns NaN."""
    y_true = np.array([[1.0], [0.0], [1.0]], dtype=np.float16)
    y_pred = np.array([[1.0], [0.0], [0.5]], dtype=np.float16)
    loss = metrics.binary_crossentropy(y_true, y_pred)
    assert loss[0] == 0.0 and not np.isnan(loss).any()
    expected = to_numpy(keras.losses.binary_crossentropy(y_true, y_pred))
    np.testing.assert_allclose(loss[1:], expected[1:], rtol=2e-3)
    assert np.isnan(expected[0])  # what Keras gives, and these functions do not
