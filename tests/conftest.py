"""Shared fixtures: Keras as the oracle, and a headless matplotlib."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up chatter out
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def keras():
    """The installed Keras 3, imported once: the oracle the NumPy functions are checked against."""
    import keras

    return keras


@pytest.fixture(scope="session")
def to_numpy(keras):
    """Convert whatever a Keras function returns to a NumPy float64 array."""

    def convert(tensor):
        return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float64)

    return convert
