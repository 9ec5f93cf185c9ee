"""What a computed result depends on, as one short digest.

The book keeps results it computed once: executed notebooks (keyed by `tasks.py`) and over-training
runs (keyed by `overtraining`). Both must be computed again when this package's source changes, and
both call `source_digest` for it. This module imports nothing but the standard library, so that
`tasks.py` can load it before any other package is installed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["PACKAGE", "SOURCE_SUFFIXES", "source_digest"]

#: The folder of this package's source.
PACKAGE = Path(__file__).resolve().parent
#: What counts as source: the Python modules, and the explorers' front ends (JavaScript and CSS).
SOURCE_SUFFIXES = (".py", ".js", ".css")


def source_digest(package: Path = PACKAGE, *extra: Path | str, only=None) -> str:
    """A 16-character digest of every source file under `package` (`SOURCE_SUFFIXES`) and of the
    `extra` files or strings (a file's path is read; anything else is hashed as text, such as a
    version number).

    The digest covers file names as well as contents, so renaming a module changes it too.
    `only`, a list of file names such as `["data.py"]`, narrows it to those files of `package`:
    a result that depends on a few modules need not be recomputed when another one changes.

    >>> source_digest() == source_digest()
    True
    >>> source_digest() != source_digest(PACKAGE, "keras 3.15.1")
    True
    """
    if not isinstance(package, str | Path) or not Path(package).is_dir():
        raise ValueError(f"package must be a folder of Python source; got {package!r}")
    package = Path(package)
    paths = sorted(p for p in package.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())
    if only is not None:
        if isinstance(only, str | bytes) or not all(isinstance(name, str) for name in only):
            raise TypeError(f"only must be a list of file names, such as ['data.py']; got {only!r}")
        missing = sorted(set(only) - {str(path.relative_to(package)) for path in paths})
        if missing or not only:
            raise ValueError(
                f"only must name source files of {package}; {missing or 'it is empty'}"
            )
        paths = [path for path in paths if str(path.relative_to(package)) in only]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    for item in extra:
        if isinstance(item, Path):
            if not item.is_file():
                raise ValueError(f"extra must hold existing files or strings; {item} is not a file")
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
        elif isinstance(item, str):
            digest.update(item.encode() + b"\0")
        else:
            raise TypeError(f"extra must hold paths or strings; got {type(item).__name__}")
    return digest.hexdigest()[:16]
