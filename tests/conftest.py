"""Shared fixtures: Keras as the oracle, a headless matplotlib, a browser, the built book."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up chatter out
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config, items):
    """Run in two processes (pytest-xdist's `-n 2 --dist loadgroup`, as `tasks.py test` does), the
    tests of the built book stay together in one, and those of the built assignments in one: each
    is built once, in the process that runs its tests, while the other process runs the rest."""
    for item in items:
        for group in ("book", "assignments"):
            if item.get_closest_marker(group):
                item.add_marker(pytest.mark.xdist_group(group))
                break


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


CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser(require_program):
    """Debian's Chromium, driven by Playwright, started once for every test that opens pages."""
    chromium = require_program(
        "chromium", "the browser tests drive Debian's Chromium (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book once, as `python3 tasks.py book` does but from an empty cache.

    Every notebook is executed against the current lossacc_utils, with warnings as errors. Returns
    the folder holding html/; the execution cache is its sibling `cache`.
    """
    import subprocess

    import tasks

    output = tmp_path_factory.mktemp("book")
    cache = output / "cache"
    config = tasks.write_config(output / "config")
    result = subprocess.run(
        [str(c) for c in tasks.build_command(output, config)],
        cwd=tasks.ROOT,
        env=tasks.environment(cache),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book build failed:\n{log[-6000:]}"
    assert "Executed notebook" in log  # every notebook ran
    return output / "_build"
