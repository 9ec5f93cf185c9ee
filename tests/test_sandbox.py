"""The sandbox a submission's kernel runs in (course/sandbox.py), tried as a hostile student would:
each test starts a kernel in a sandbox, runs an attack in it, and checks from outside what it
could see, reach, change or leave behind. Grading a whole hostile class is in
test_assignments.py.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import Listener, processes_with

from course import sandbox
from course.sandbox import LIMITS, Kernel, KernelDied, OutOfTime

pytestmark = pytest.mark.assignments  # the grader's sandbox: slow, with the assignments' tests


@pytest.fixture
def kernel(require_program, tmp_path):
    """A kernel in a sandbox, its students' folder holding one file, with 60 s to live."""
    require_program("bwrap", "submissions are graded in bubblewrap (apt-get install bubblewrap)")
    assert sandbox.available() is None, sandbox.available()
    handout = tmp_path / "handout"
    handout.mkdir()
    (handout / "given.txt").write_text("handed out")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    os.environ["LOSSACC_TEST_SECRET"] = "grader's own"
    try:
        started = Kernel(handout, scratch, time.monotonic() + 60)
    finally:
        del os.environ["LOSSACC_TEST_SECRET"]
    yield started
    started.stop()


def run(kernel, code: str):
    """Run `code` in the kernel; the repr of its last line's value, read back."""
    *lines, last = code.strip().splitlines()
    reply = kernel.execute("\n".join(lines))
    assert reply["status"] == "ok", reply
    return kernel.evaluate(f"repr({last})")


def test_the_kernel_sees_its_folder_python_and_the_system_and_nothing_of_the_grader(kernel):
    assert run(kernel, "import os\nos.getcwd()") == repr(sandbox.WORKING_FOLDER)
    assert run(kernel, "sorted(os.listdir('.'))") == repr(["given.txt"])
    # the book's folder holds only the environment, read-only: no key, build or submissions
    book = Path(sys.prefix).resolve().parent
    assert run(kernel, f"sorted(os.listdir({str(book)!r}))") == repr([Path(sys.prefix).name])
    environment = eval(run(kernel, "dict(os.environ)"))
    assert "LOSSACC_TEST_SECRET" not in environment
    assert set(sandbox.kernel_environment("/tmp")) <= set(environment)
    # no process of the grader's: the sandbox has its own, its init and the kernel
    code = (
        "seen = []\n"
        "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
        "    seen.append(open(f'/proc/{pid}/cmdline', 'rb').read().decode(errors='replace'))\n"
        "    seen.append(open(f'/proc/{pid}/environ', 'rb').read().decode(errors='replace'))\n"
        "seen"
    )
    seen = eval(run(kernel, code))
    assert len(seen) <= 2 * 3
    assert not [text for text in seen if "-m\0pytest" in text or "LOSSACC_TEST_SECRET" in text]


def test_the_kernel_reaches_no_network_not_even_this_machine(kernel):
    listener = Listener()
    code = (
        "import socket\nreached = []\n"
        f"for host in ('127.0.0.1', '10.0.2.2', 'pypi.org'):\n"
        "    try:\n"
        f"        socket.create_connection((host, {listener.port}), timeout=2).close()\n"
        "        reached.append(host)\n"
        "    except OSError:\n"
        "        pass\n"
        "reached"
    )
    assert run(kernel, code) == "[]"
    assert listener.connections == 0


def test_the_kernel_writes_only_its_working_folder_and_tmp(kernel, tmp_path):
    site = Path(subprocess.__file__).parent  # the base Python's library
    venv = Path(sys.prefix) / "lib"
    targets = [f"{site}/zz.pth", f"{venv}/zz.pth", "/etc/zz", "/handout/given.txt", "/zz"]
    targets += ["/connection/zz", "/dev/zz", "/proc/zz"]
    code = (
        "written = []\n"
        f"for path in {targets!r} + ['/assignment/mine.txt', '/tmp/mine.txt', '/dev/shm/mine']:\n"
        "    try:\n"
        "        open(path, 'a').write('x')\n"
        "        written.append(path)\n"
        "    except OSError:\n"
        "        pass\n"
        "written"
    )
    assert run(kernel, code) == repr(["/assignment/mine.txt", "/tmp/mine.txt", "/dev/shm/mine"])
    assert (tmp_path / "handout" / "given.txt").read_text() == "handed out"
    # in the sandbox's memory only: not a file of this machine changed, or was added
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "handout",
        "handout/given.txt",
        "scratch",
        "scratch/connection",
        "scratch/connection/kernel.json",
    ]


def test_nothing_the_kernel_started_outlives_it(kernel):
    code = (
        "import subprocess, sys\n"
        "subprocess.Popen(['setsid', 'sleep', '7001'])\n"
        "subprocess.Popen(['nohup', 'sleep', '7002'], start_new_session=True)\n"
        "subprocess.Popen([sys.executable, '-c', 'import os, time\\nif os.fork() == 0:\\n"
        "    os.setsid()\\n    time.sleep(7003)'])\n"
        "1"
    )
    assert run(kernel, code) == "1"
    time.sleep(1)
    assert processes_with("sleep 7001") and processes_with("sleep 7002")
    kernel.stop()
    time.sleep(0.5)
    for marker in ("sleep 7001", "sleep 7002", "time.sleep(7003)"):
        assert not processes_with(marker), marker


def test_the_deadline_is_hard_however_the_time_is_spent(require_program, tmp_path):
    require_program("bwrap", "submissions are graded in bubblewrap (apt-get install bubblewrap)")
    handout = tmp_path / "handout"
    handout.mkdir()
    for attack in ("quick requests", "a loop", "a sleep below Python", "nothing asked"):
        scratch = tmp_path / attack
        scratch.mkdir()
        deadline = time.monotonic() + 8
        kernel = Kernel(handout, scratch, deadline)
        try:
            with pytest.raises(OutOfTime):
                if attack == "quick requests":
                    for _ in range(200_000):
                        kernel.execute("x = 1")
                elif attack == "a loop":
                    kernel.execute("while True:\n    pass")
                elif attack == "a sleep below Python":
                    kernel.execute("import ctypes\nctypes.CDLL(None).sleep(1000)")
                else:  # the grader is busy elsewhere; the watchdog kills the sandbox anyway
                    time.sleep(deadline - time.monotonic() + 1)
                    assert not kernel.manager.is_alive()
                    kernel.execute("x = 1")
            assert time.monotonic() - deadline < 2, attack
        finally:
            kernel.stop()


def test_processes_memory_and_files_are_limited_and_the_grader_keeps_working(kernel):
    code = (
        "import subprocess\nchildren = []\n"
        "try:\n"
        "    while len(children) < 5000:\n"
        "        children.append(subprocess.Popen(['sleep', '600']))\n"
        "except OSError:\n"
        "    pass\n"
        "len(children)"
    )
    assert 0 < int(run(kernel, code)) < LIMITS["nproc"]
    assert subprocess.run(["true"], check=False).returncode == 0  # this process still can
    code = (
        "big = 0\n"
        "try:\n"
        "    with open('/assignment/big', 'wb') as file:\n"
        "        while big < 2**31:\n"
        "            big += file.write(b'0' * 2**24)\n"
        "except OSError:\n"
        "    pass\n"
        "big"
    )
    assert int(run(kernel, code)) <= max(LIMITS["fsize"], LIMITS["working"])
    try:
        reply = kernel.execute("hoard = []\nwhile True:\n    hoard.append(bytearray(2**28))")
        assert reply["ename"] == "MemoryError"
    except KernelDied:  # the memory cap killed it: also a stop, not the grader's failure
        pass


def test_a_kernel_that_breaks_the_protocol_is_a_dead_kernel_not_a_crash(kernel):
    with pytest.raises(KernelDied):  # its replies are signed with a key the grader does not hold
        kernel.execute("get_ipython().kernel.session.key = b'forged'")
        kernel.execute("x = 1")


def test_without_bubblewrap_no_sandbox_is_available_and_it_says_why(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    sandbox.available.cache_clear()
    try:
        assert "bubblewrap is not installed (apt-get install bubblewrap)" in sandbox.available()
    finally:
        sandbox.available.cache_clear()


def resident_megabytes() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_the_grader_reads_only_the_shell_and_iopub_and_drops_large_messages(kernel):
    """The kernel's other channels have no reader in the grader to fill, and a message part over
    the limit is dropped before it reaches the grader's memory."""
    channels = ("_stdin_channel", "_hb_channel", "_control_channel")
    assert [getattr(kernel.client, channel) for channel in channels] == [None] * 3
    before = resident_megabytes()
    code = (
        "kernel = get_ipython().kernel\n"
        f"big = b'x' * {sandbox.LARGEST_MESSAGE + 1}\n"
        "for _ in range(20):\n"
        "    kernel.iopub_socket.send_multipart([b'flood', big])\n"
        "    kernel.session.send(kernel.shell_streams[0], 'execute_reply', {'big': 'x' * 2**24})\n"
        "1"
    )
    assert run(kernel, code) == "1"
    assert resident_megabytes() - before < 64
