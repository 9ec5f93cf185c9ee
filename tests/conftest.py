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


@pytest.fixture(scope="session")
def require_program():
    """A function that returns a program's path, or skips (or fails) the test without it."""
    return skip_unless_installed


def skip_unless_installed(program: str, why: str):
    """Skip a test when `program` is missing, or fail it when LOSSACC_REQUIRE names the program.

    A user's machine may lack LibreOffice or Chromium, and their tests then skip with a visible
    reason; CI installs them and sets LOSSACC_REQUIRE so that a skip there is a failure.
    """
    import shutil

    path = shutil.which(program)
    if path:
        return path
    required = os.environ.get("LOSSACC_REQUIRE", "").split(",")
    message = f"{program} is not installed: {why}"
    if program in required:
        pytest.fail(f"{message} (LOSSACC_REQUIRE={os.environ['LOSSACC_REQUIRE']})")
    pytest.skip(message)
