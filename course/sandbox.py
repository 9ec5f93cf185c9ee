"""The sandbox a submission runs in, and the kernel inside it.

Each submission's code runs in a Jupyter kernel of its own, started inside a bubblewrap sandbox
(`bwrap`; Debian's package `bubblewrap`), as Gradescope and PrairieLearn run one in a container:

- **Its own namespaces:** user, process, IPC, network (none: not even the grader's machine can be
  reached), host name and control groups. The kernel cannot see the grader's process or any
  other, nor start a namespace of its own.
- **Its own files:** the system's programs and libraries, Python and the book's environment, all
  read-only; the students' folder of the build, as handed out, copied into a working folder
  (`/assignment`, the kernel's current folder), a private `/tmp` and `/dev/shm`, all in memory
  with a size limit, which are all it can write: nothing of this machine is writable inside. The
  answer key, the build, the book's folder, the submissions, the grades and every other sandbox
  are not there to be seen. The kernel's sockets are in its own `/tmp`, where the grader reaches
  them through /proc; the grader opens only the shell and IOPub channels, and drops any message
  part over `LARGEST_MESSAGE`.
- **Limits:** address space, processes and threads, file size, open files and CPU time, set on the
  kernel; when the grader runs as root, control groups cap the processes and memory of the whole
  sandbox (root's processes escape RLIMIT_NPROC); a hard wall-clock deadline, kept by the
  grader, which then kills the sandbox.
- **Nothing outlives it:** the sandbox's first process is its init; when the grader kills the
  sandbox, or the grader itself dies, every process the submission started dies with it, a
  `setsid` child too.

`available()` says whether a sandbox can be made here. Where it cannot (another system than
Linux, no `bwrap`, or user namespaces turned off), `tasks.py grade` refuses to grade unless told
`--no-sandbox`; the kernel then runs as the grader's user, in a temporary folder, which is safe
only for submissions one trusts.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from functools import cache
from pathlib import Path

__all__ = [
    "LIMITS",
    "WORKING_FOLDER",
    "Kernel",
    "KernelDied",
    "OutOfTime",
    "available",
    "sandbox_command",
]

#: The kernel's current folder inside the sandbox, where the students' folder is copied.
WORKING_FOLDER = "/assignment"
#: Where, inside the sandbox, the kernel's connection file is, and its sockets: in the sandbox's
#: own memory, which the grader reaches through /proc/<pid>/root, so that no folder of this
#: machine is writable from inside.
SANDBOX_CONNECTION = "/tmp/kernel.json"
SANDBOX_SOCKETS = "/tmp/kernel"
#: The limits set on the kernel (each as prlimit names them), and the sizes of its folders.
LIMITS = {
    "as": 8 * 2**30,  # bytes of address space of one process (TensorFlow reserves a few GB)
    "memory": 6 * 2**30,  # bytes of memory of all its processes (when the grader is root)
    "nproc": 512,  # processes and threads
    "fsize": 256 * 2**20,  # bytes in one file
    "nofile": 1024,  # open files
    "working": 512 * 2**20,  # bytes in the working folder
    "tmp": 256 * 2**20,  # bytes in /tmp
    "shm": 64 * 2**20,  # bytes in /dev/shm
}
#: Run first in every kernel, silently: drop the finder of lossacc_utils' editable install, which
#: would otherwise supply, from the book's own folder, any module missing from the students' copy.
SETUP = (
    '__import__("sys").meta_path[:] = [f for f in __import__("sys").meta_path'
    ' if not getattr(f, "__module__", "").startswith("__editable__")]'
)
#: Kernel options that leave out the IPython extensions and start-up code that this environment's
#: configuration (or the instructor's) would load into every kernel.
CLEAN_START = [
    "--InteractiveShellApp.extensions=[]",
    "--InteractiveShellApp.exec_lines=[]",
    "--InteractiveShellApp.exec_files=[]",
]
#: The largest part of a message the grader reads from a kernel, in bytes (a longer one ends the
#: connection, and so the kernel), and how many messages may wait on a channel to be read.
LARGEST_MESSAGE = 16 * 2**20
QUEUED_MESSAGES = 16


class OutOfTime(Exception):
    """The submission's deadline passed."""


class KernelDied(Exception):
    """The kernel stopped by itself (the student's code ended it, or it crashed), or it broke
    the protocol (a message the grader cannot read)."""


#: The control groups that cap a sandbox's processes and memory when the grader runs as root
#: (RLIMIT_NPROC does not hold root's processes, even in a user namespace): in cgroup v1, a
#: hierarchy for each, with the file that caps it and the limit; in cgroup v2, one group for both.
CGROUPS_V1 = {
    "/sys/fs/cgroup/pids": {"pids.max": "nproc"},
    "/sys/fs/cgroup/memory": {"memory.limit_in_bytes": "memory"},
}
CGROUP_V2 = {"/sys/fs/cgroup": {"pids.max": "nproc", "memory.max": "memory"}}


def control_groups() -> dict[str, dict[str, str]]:
    """The control group hierarchies in which to cap a sandbox, and what to cap in each: when
    this process runs as root, for processes and memory; otherwise none, as the limits set on
    the kernel hold then."""
    if os.geteuid() != 0:
        return {}
    if all(Path(root, "cgroup.procs").is_file() for root in CGROUPS_V1):
        return CGROUPS_V1
    controllers = Path("/sys/fs/cgroup/cgroup.subtree_control")
    if controllers.is_file() and {"pids", "memory"} <= set(controllers.read_text().split()):
        return CGROUP_V2
    return {}


class ControlGroups:
    """New control groups, capped, for one sandbox; `command` puts a command in them."""

    def __init__(self):
        import uuid

        name = f"lossacc-grade-{uuid.uuid4().hex}"
        self.groups = []
        for root, caps in control_groups().items():
            group = Path(root) / name
            group.mkdir()
            self.groups.append(group)
            for file, limit in caps.items():
                (group / file).write_text(str(LIMITS[limit]))

    def command(self) -> list[str]:
        if not self.groups:
            return []
        procs = " ".join(f'"{group / "cgroup.procs"}"' for group in self.groups)
        return ["/bin/sh", "-c", f'for g in {procs}; do echo $$ > "$g"; done && exec "$@"', "sh"]

    def kill(self) -> None:
        """Kill every process in the groups."""
        for group in self.groups:
            try:
                pids = (group / "cgroup.procs").read_text().split()
            except OSError:
                continue
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(pid), signal.SIGKILL)

    def remove(self) -> None:
        """Remove the groups, once the processes in them are gone (a few tries)."""
        for group in self.groups:
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)


@cache
def available() -> str | None:
    """Why no sandbox can be made on this machine, or None if one can."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap runs on Linux only; this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    if os.geteuid() == 0 and not control_groups():
        return (
            "the grader runs as root, and no control group (cgroup) can cap the processes and "
            "memory of a sandbox; run it as another user"
        )
    trial = subprocess.run(
        ["bwrap", "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "--", "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if trial.returncode != 0:
        return f"bubblewrap cannot make a sandbox here ({trial.stderr.strip() or 'no reason'})"
    return None


def sandbox_command(handout: Path, connection: Path, seconds: float) -> list[str]:
    """The command that runs a kernel command (appended to it) in a sandbox: `handout`, the
    students' folder, copied into its working folder; `connection`, a folder holding the kernel's
    connection file, copied to `SANDBOX_CONNECTION`; the environment `kernel_environment("/tmp")`,
    and nothing of the grader's. Nothing of this machine is writable inside."""
    read_only = {
        "/usr",
        "/etc",
        str(Path(sys.base_prefix).resolve()),  # the Python the environment is made from
        str(Path(sys.prefix).resolve()),  # the environment
    }
    command = [
        "bwrap",
        *("--unshare-all", "--unshare-user", "--disable-userns"),
        *("--die-with-parent", "--new-session"),
        *("--uid", "65534", "--gid", "65534"),
        "--clearenv",
    ]
    for name, value in kernel_environment("/tmp").items():
        command += ["--setenv", name, value]
    command += [  # first the sandbox's own folders, so that what is bound below shows above them
        *("--proc", "/proc", "--dev", "/dev"),
        *("--size", str(LIMITS["shm"]), "--tmpfs", "/dev/shm"),
        *("--size", str(LIMITS["tmp"]), "--tmpfs", "/tmp"),
        *("--size", str(LIMITS["working"]), "--tmpfs", WORKING_FOLDER),
    ]
    for folder in sorted(read_only):
        command += ["--ro-bind", folder, folder]
    for folder in ("/bin", "/lib", "/lib32", "/lib64", "/sbin"):
        command += ["--ro-bind-try", folder, folder]
    for secret in ("/etc/shadow", "/etc/gshadow"):
        command += ["--ro-bind-try", "/dev/null", secret]
    command += [
        *("--ro-bind", str(handout), "/handout"),
        *("--ro-bind", str(connection), "/connection"),
        *("--remount-ro", "/dev"),  # its own /dev, but for /dev/shm
        *("--remount-ro", "/"),  # the rest of the sandbox's own root
        *("--chdir", WORKING_FOLDER),
        "--",
        "/bin/sh",
        "-c",
        f"cp -R /handout/. {WORKING_FOLDER}/ && cp /connection/kernel.json "
        f'{SANDBOX_CONNECTION} && exec "$@"',
        "sh",
        "prlimit",
        f"--cpu={int(seconds) + 1}",
        *(f"--{name}={LIMITS[name]}" for name in ("as", "nproc", "fsize", "nofile")),
        "--",
    ]
    return command


def sandbox_child(process: int, seconds: float = 5) -> int:
    """The process id of the sandbox that the bwrap process `process` starts (its first child),
    waiting for it at most `seconds`."""
    children = Path(f"/proc/{process}/task/{process}/children")
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            found = children.read_text().split()
        except OSError:
            found = []
        if found:
            return int(found[0])
        time.sleep(0.01)
    raise KernelDied


def kernel_environment(home: str) -> dict:
    """The whole environment of a student's kernel: nothing of the grader's."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "IPYTHONDIR": f"{home}/ipython",
        "MPLCONFIGDIR": f"{home}/matplotlib",
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


class Kernel:
    """A Jupyter kernel with the students' folder `handout` as its own working folder, which
    must be done by `deadline` (time.monotonic()); in a sandbox unless `sandboxed` is False.

    `scratch` is a folder of the grader's, made for this kernel alone: it holds the connection
    file, which the sandbox reads. A watchdog kills the kernel at the deadline whatever the grader
    is doing; every request after it raises OutOfTime.
    """

    def __init__(self, handout: Path, scratch: Path, deadline: float, sandboxed: bool = True):
        import zmq
        from jupyter_client import KernelManager

        self.deadline, self.client, self.groups = deadline, None, None
        self.context = zmq.Context()
        connection = scratch / "connection"
        connection.mkdir()
        if sandboxed:
            self.groups = ControlGroups()
            prefix = self.groups.command() + sandbox_command(
                handout, connection, deadline - time.monotonic()
            )
            outside = str(connection / "kernel.json")

            class Manager(KernelManager):
                def format_kernel_cmd(self, extra_arguments=None):
                    command = super().format_kernel_cmd(extra_arguments)
                    inside = [SANDBOX_CONNECTION if part == outside else part for part in command]
                    return prefix + inside

            environment, cwd, sockets = kernel_environment("/tmp"), connection, SANDBOX_SOCKETS
        else:
            Manager = KernelManager
            cwd = scratch / "submission"
            shutil.copytree(handout, cwd)
            (scratch / "home").mkdir()
            environment = kernel_environment(str(scratch / "home"))
            sockets = str(connection / "kernel")
        self.manager = Manager(
            kernel_name="python3",
            transport="ipc",
            ip=sockets,
            connection_file=str(connection / "kernel.json"),
        )
        self.watchdog = threading.Timer(max(deadline - time.monotonic(), 0), self.kill)
        self.watchdog.daemon = True
        try:
            self.manager.start_kernel(
                cwd=str(cwd),
                env=environment,
                extra_arguments=CLEAN_START,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.watchdog.start()
            if sandboxed:  # the sockets, in the sandbox's own /tmp
                child = sandbox_child(self.manager.provisioner.process.pid)
                sockets = f"/proc/{child}/root{SANDBOX_SOCKETS}"
            self.context.setsockopt(zmq.MAXMSGSIZE, LARGEST_MESSAGE)  # for every socket it makes
            self.context.setsockopt(zmq.RCVHWM, QUEUED_MESSAGES)
            self.client = self.manager.client(context=self.context, ip=sockets)
            # the shell and IOPub channels only: the others are never read, and would fill up
            self.client.start_channels(stdin=False, hb=False, control=False)
            try:
                self.client.wait_for_ready(timeout=max(self.left(), 0.1))
            except RuntimeError:  # it did not answer in time, or died first
                raise (OutOfTime if self.left() <= 0 else KernelDied) from None
            self.execute(SETUP, silent=True)
        except BaseException:
            self.stop()
            raise

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def execute(self, code: str, silent: bool = False, expression: str | None = None) -> dict:
        """Run `code`; return the content of the kernel's reply. With `silent`, the kernel keeps
        no history of it; `expression` is evaluated after it, and its value is in the reply."""
        if self.left() <= 0:
            raise OutOfTime
        message = self.client.execute(
            code,
            silent=silent,
            store_history=not silent,
            allow_stdin=False,
            stop_on_error=False,
            user_expressions={"value": expression} if expression else None,
        )
        while True:
            self._drain()
            if self.left() <= 0:
                raise OutOfTime
            try:
                reply = self.client.get_shell_msg(timeout=min(0.1, max(self.left(), 0.001)))
            except queue.Empty:
                if not self.manager.is_alive():
                    raise (OutOfTime if self.left() <= 0 else KernelDied) from None
                continue
            except Exception:  # a message that is not one: a forged signature, bad JSON...
                raise KernelDied from None
            if not isinstance(reply, dict) or not isinstance(reply.get("content"), dict):
                raise KernelDied
            if (reply.get("parent_header") or {}).get("msg_id") == message:
                return reply["content"]

    def _drain(self) -> None:
        """Discard what the kernel printed: only the replies matter."""
        for _ in range(10_000):
            try:
                self.client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return
            except Exception:
                raise KernelDied from None

    def evaluate(self, expression: str) -> str | None:
        """The string `expression` evaluates to in the kernel, or None if it is not one."""
        import ast

        value = self.execute("", silent=True, expression=expression)
        value = value.get("user_expressions", {})
        try:
            text = ast.literal_eval(value["value"]["data"]["text/plain"])
        except (KeyError, TypeError, ValueError, SyntaxError, MemoryError, RecursionError):
            return None
        return text if isinstance(text, str) else None

    def kill(self) -> None:
        """Kill the kernel's sandbox, and every process in it, at once."""
        if self.groups is not None:
            self.groups.kill()
        process = getattr(self.manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()

    def stop(self) -> None:
        """Stop the kernel at once, and its processes with it."""
        self.watchdog.cancel()
        self.kill()
        if self.client is not None:
            self.client.stop_channels()
        self.context.destroy(linger=0)
        if self.manager.has_kernel:
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:  # it is dead already
                self.manager.cleanup_resources()
        if self.groups is not None:
            self.groups.remove()
