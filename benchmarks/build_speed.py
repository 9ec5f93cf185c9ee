"""How long the book takes to build, and proof that a change to lossacc_utils re-executes it.

    .venv/bin/python benchmarks/build_speed.py [--clean]

Copies the files git tracks (a fresh clone's) into a temporary folder, so that the working tree is
never touched, and builds the copy three times, as `python3 tasks.py book` does:

1. clean: an empty execution cache, so every notebook is executed;
2. unchanged: nothing changed, so nothing is executed;
3. helper changed: one comment line appended to the copy's lossacc_utils/metrics.py. The cache is
   keyed by the package's source, so every notebook is executed again, against the changed package
   (the copy's, which the kernels import first).

For each build it prints the wall time, the CPU time of every process it started (kernels and
workers: with 2 cores, half of it is the least wall time any order of the work could take), how
many notebooks were executed and how many models the over-training runs trained (and whether one
was trained twice), then the size of the site. With `--clean`, only the clean build. Timings
on a shared machine vary by tens of percent from one run to the next; the counts do not.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402


def tracked_files() -> list[str]:
    """Every file git tracks: what a fresh clone builds from."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [name for name in listed.split("\0") if name]


def build(copy: Path) -> dict:
    copied = tasks.load_module(copy / "tasks.py")  # whose config names the copy's extensions
    copied.BIN, copied.PYTHON = tasks.BIN, tasks.PYTHON  # and this folder's .venv
    cache = copied.execution_cache(copy)
    config = copied.write_config(copy / "_build" / "config")
    env = copied.environment(cache)
    env["PYTHONPATH"] = str(copy)  # the kernels import the copy's lossacc_utils
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run(
        [str(c) for c in copied.build_command(copy, config, source=copy)],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{log[-4000:]}")
    trained_log = cache / "runs" / "trained.log"
    trained = trained_log.read_text().splitlines() if trained_log.exists() else []
    for page, page_seconds in re.findall(
        r"chapters/(\w+)\.ipynb: Executed notebook in ([\d.]+)", log
    ):
        print(f"    {page:<20}{float(page_seconds):7.1f} s")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "executed": len(re.findall(r"Executed notebook in", log)),
        "trained": len(trained),
        "trained twice": len(trained) - len(set(trained)),
        "cache": cache.name,
    }


def children_cpu() -> float:
    """CPU seconds (user and system) of the ended child processes of this one, their own
    children included: every kernel and worker of a build."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def size(folder: Path) -> tuple[float, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def main(clean_only: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "book"
        copy.mkdir()
        for name in tracked_files():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, copy / name)
        imported = subprocess.run(
            [str(tasks.PYTHON), "-c", "import lossacc_utils; print(lossacc_utils.__file__)"],
            env={**os.environ, "PYTHONPATH": str(copy)},
            cwd=copy / "chapters",  # where the kernels start
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert imported.startswith(str(copy)), f"the kernels would import {imported}"
        notebooks = len(list((copy / "chapters").glob("*.ipynb")))

        rows = [("clean (empty cache)", build(copy))]
        if not clean_only:
            rows.append(("unchanged", build(copy)))
            helper = copy / "lossacc_utils" / "metrics.py"
            helper.write_text(helper.read_text() + "\n# a change to the helper package\n")
            rows.append(("lossacc_utils changed", build(copy)))

        print(f"{notebooks} notebooks; {os.cpu_count()} cores")
        heading = f"{'build':<24}{'seconds':>9}{'cpu s':>8}{'executed':>10}{'trained':>9}"
        print(f"{heading}{'twice':>7}  cache")
        for name, row in rows:
            print(
                f"{name:<24}{row['seconds']:>9.1f}{row['cpu']:>8.0f}{row['executed']:>10}"
                f"{row['trained']:>9}"
                f"{row['trained twice']:>7}  {row['cache']}"
            )
        megabytes, files = size(copy / "_build" / "html")
        mathjax, _ = size(copy / "_build" / "html" / "_static" / "mathjax")
        print(f"_build/html: {megabytes:.1f} MB in {files} files (MathJax {mathjax:.1f} MB of it)")


if __name__ == "__main__":
    main(clean_only=sys.argv[1:] == ["--clean"])
