"""Shared fixtures: Keras as the oracle, a headless matplotlib, a browser, the built book."""

import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up chatter out
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config, items):
    """Run the first file with tests marked `book` (which build the book) first, the files with
    none next, and the other files with some last, each file's tests in their order.

    The tests run two files at a time (`tasks.py test`: `-n 2 --dist loadfile
    --no-loadscope-reorder`, which hands out the files in this order). In any other order, such
    as pytest-xdist's default (the files with the most tests first), the second process could take
    a file that needs the book while the first is still building it, and wait minutes for it; in
    this order it runs the files that need no book meanwhile.
    """
    book_files = [item.path for item in items if item.get_closest_marker("book")]
    first, later = book_files[:1], set(book_files[1:]) - set(book_files[:1])

    def rank(item):
        return 0 if item.path in first else 2 if item.path in later else 1

    items.sort(key=rank)  # stable: each file's tests keep their order


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


def made_once(tmp_path_factory, name: str, make) -> Path:
    """The folder `name`, made by `make(folder)` once for the whole run.

    The tests run in two processes (`tasks.py test` runs pytest-xdist's `-n 2 --dist loadfile`):
    the first to ask makes the folder while the other waits, then both use it. If making it
    failed, the other fails at once with the same message rather than making it again.
    """
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base  # the run's own folder
    folder, failed = shared / name, shared / f"{name}.failed"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(failed.read_text(), pytrace=False)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException as error:
                failed.write_text(f"{name} could not be made:\n{error}")
                raise
            (folder / ".made").touch()
    return folder


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book once, as `python3 tasks.py book` does but from an empty cache.

    Every notebook is executed against the current lossacc_utils, with warnings as errors. Returns
    the folder holding html/; the execution cache is its sibling `cache`.
    """
    import subprocess

    import tasks

    def build(output):
        config = tasks.write_config(output / "config")
        result = subprocess.run(
            [str(c) for c in tasks.build_command(output, config)],
            cwd=tasks.ROOT,
            env=tasks.environment(output / "cache"),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        log = result.stdout + result.stderr
        assert result.returncode == 0, f"the book build failed:\n{log[-6000:]}"
        assert "Executed notebook" in log  # every notebook ran

    return made_once(tmp_path_factory, "book", build) / "_build"
