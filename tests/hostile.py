"""Hostile submissions, for the tests of the sandbox and of the grading of a hostile class: the
attacks a student could hand in, as the source of notebook cells, and what checks their effects.
"""

import hashlib
import io
import socket
import struct
import threading
import zipfile
from pathlib import Path

#: The first lines of every attack below: where to look, and what would give the grader away.
LOOK = """import os, re, socket, subprocess, sys, glob, signal, json
SECRET, PORT = {secret!r}, {port}
SKIP = ("/proc", "/sys", "/dev")


def everywhere(pattern):
    found = []
    for folder, subfolders, names in os.walk("/"):
        if folder.startswith(SKIP):
            subfolders[:] = []
            continue
        found += [os.path.join(folder, name) for name in names if re.fullmatch(pattern, name)]
    return found


def processes():
    seen = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        for part in ("cmdline", "environ"):
            try:
                seen.append(open(f"/proc/{{pid}}/{{part}}", "rb").read().decode(errors="replace"))
            except OSError:
                pass
    return " ".join(seen)


leaked = False
"""

#: Attacks that score question 1 if, and only if, they learn what they should not (`leaked`):
#: the answer key, the grader's environment or processes, the network, another kernel.
LEAKS = {
    "proc": "leaked = SECRET in processes() or 'autograder' in processes()",
    "environment": "leaked = SECRET in str(dict(os.environ))",
    "key-files": "leaked = bool(everywhere(r'answer_key.*|grades.csv'))",
    "network": (
        "for host in ('127.0.0.1', '10.0.2.2', 'pypi.org'):\n"
        "    try:\n"
        "        socket.create_connection((host, PORT), timeout=2).close()\n"
        "        leaked = True\n"
        "    except OSError:\n"
        "        pass"
    ),
    "other-kernels": (
        "import stat\n"
        "_own = json.load(open(sys.argv[sys.argv.index('-f') + 1]))\n"
        "_sockets = os.path.dirname(_own['ip'])\n"
        "for path in everywhere(r'.*'):\n"
        "    try:\n"
        "        if stat.S_ISSOCK(os.stat(path).st_mode) and not path.startswith(_sockets):\n"
        "            leaked = True  # another kernel's socket\n"
        "        elif path.endswith('.json'):\n"
        "            _other = json.load(open(path))\n"
        "            if isinstance(_other, dict) and 'signature_scheme' in _other:\n"
        "                leaked = leaked or _other.get('key') != _own['key']\n"
        "    except (OSError, ValueError):\n"
        "        pass"
    ),
    "backdoor": (
        "for path in everywhere(r'(answer_key|curves|calibration|sitecustomize)\\.py|.*\\.pth'):\n"
        "    if path.startswith('/assignment'):\n"
        "        continue\n"
        "    try:\n"
        "        with open(path, 'a') as file:\n"
        "            file.write('\\nimport os; os.system(\"touch /tmp/owned\")\\n')\n"
        "        leaked = True\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        "    site = [p for p in sys.path if p.endswith('site-packages')][0]\n"
        "    open(os.path.join(site, 'zz-skew.pth'), 'w').write('import numpy')\n"
        "    leaked = True\n"
        "except (OSError, IndexError):\n"
        "    pass"
    ),
}

#: Attacks on classmates, the grades or the batch: each also answers every question right, so
#: that what it costs shows in the other rows, never in its own.
HARMS = {
    "blanks-others": (
        "for path in everywhere(r'.*\\.(ipynb|zip|csv)'):\n"
        "    if not path.startswith('/assignment'):\n"
        "        try:\n"
        "            open(path, 'w').close()\n"
        "        except OSError:\n"
        "            pass"
    ),
    "lingers": (
        "code = ('import time, glob\\n'\n"
        "        'while True:\\n'\n"
        "        '    for p in glob.glob(\"/**/grades.csv\", recursive=True):\\n'\n"
        '        \'        open(p, "w").write("hacked")\\n\'\n'
        "        '    time.sleep(0.2)\\n')\n"
        "subprocess.Popen(['setsid', sys.executable, '-c', code + '#LINGERER'],\n"
        "                 start_new_session=True)\n"
        "subprocess.Popen(['nohup', 'sleep', '7777'], start_new_session=True)"
    ),
}

#: Attacks that try to end the batch; the rows after theirs must still be graded.
STOPS = {
    "kills-parent": "os.kill(os.getppid(), signal.SIGKILL)",
    "kills-all": "os.kill(-1, signal.SIGKILL)",
    "stops-parent": "os.kill(os.getppid(), signal.SIGSTOP)",
    "forges-key": "get_ipython().kernel.session.key = b'forged'",
    "patches-json": "json.dumps = json.loads = lambda *a, **k: 1 / 0",
    "fork-bomb": (
        "children = []\n"
        "try:\n"
        "    while True:\n"
        "        children.append(subprocess.Popen(['sleep', '600']))\n"
        "except OSError:\n"
        "    pass"
    ),
    "eats-memory": (
        "hoard = []\ntry:\n    while True:\n        hoard.append(bytearray(2**28))\n"
        "except MemoryError:\n    pass"
    ),
    "fills-disk": (
        "try:\n    with open('/assignment/fill', 'wb') as file:\n"
        "        while True:\n            file.write(b'0' * 2**24)\nexcept OSError:\n    pass"
    ),
}


class Listener:
    """A TCP server on this machine that counts the connections it gets."""

    def __init__(self):
        self.server = socket.create_server(("0.0.0.0", 0))
        self.port, self.connections = self.server.getsockname()[1], 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                self.server.accept()[0].close()
            except OSError:
                return
            self.connections += 1


def processes_with(marker: str) -> list[str]:
    """The command lines of this machine's processes that hold `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in line and "pytest" not in line:
            found.append(line)
    return found


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def malformed_zips(notebook: bytes) -> dict[str, bytes]:
    """Five zips of the notebook `notebook` that are broken in five ways."""

    def zipped(method=zipfile.ZIP_DEFLATED, name="calibration.ipynb", data=notebook):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            archive.writestr(name, data)
        return bytearray(buffer.getvalue())

    def patch(data, offset_of, fmt, value, which="both"):
        """Set a field of the local header (at 0) and of the central directory entry."""
        central = data.rfind(b"PK\x01\x02")
        offsets = {"local": [offset_of[0]], "central": [central + offset_of[1]]}
        for offset in offsets["local"] + offsets["central"] if which == "both" else offsets[which]:
            struct.pack_into(fmt, data, offset, value)
        return bytes(data)

    lying = patch(zipped(), (22, 24), "<I", 10)  # an uncompressed size of 10 bytes
    encrypted = patch(zipped(), (6, 8), "<H", 0x1)  # the encrypted flag
    method = patch(zipped(), (8, 10), "<H", 99)  # a compression method no one knows
    corrupt = zipped()
    start = 30 + len("calibration.ipynb")
    corrupt[start + 5 : start + 40] = b"\xff" * 35  # the deflate stream, broken
    bad_name = zipped(name="calibrationX.ipynb").replace(b"calibrationX", b"calibration\xff")
    bad_name = patch(bytearray(bad_name), (6, 8), "<H", 0x800)  # says UTF-8; the name is not
    return {
        "lying-size": lying,
        "encrypted": encrypted,
        "unknown-method": method,
        "corrupt-deflate": bytes(corrupt),
        "bad-utf8-name": bad_name,
    }
