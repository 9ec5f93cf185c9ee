"""What a computed result depends on, as one short digest.

The book keeps results it computed once: executed notebooks (keyed by `tasks.py`) and over-training
runs (keyed by `overtraining`). Both must be computed again when this package's source changes, and
both call `source_digest` for it. This module imports nothing but the standard library, so that
`tasks.py` can load it before any other package is installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["PACKAGE", "SOURCE_SUFFIXES", "source_digest"]

#: The folder of this package's source.
PACKAGE = Path(__file__).resolve().parent
#: What counts as source: the Python modules, and the explorers' front ends (JavaScript and CSS).
SOURCE_SUFFIXES = (".py", ".js", ".css")


def _add(digest, *fields: bytes) -> None:
    """Add `fields` to `digest`, each prefixed with its length, so that no two different lists of
    fields feed it the same bytes (("a\\0b",) and ("a", "b") would, joined by a separator)."""
    for field in fields:
        digest.update(len(field).to_bytes(8, "big") + field)


def source_digest(package: Path = PACKAGE, *extra: Path | str, only=None) -> str:
    """A 16-character digest of every source file under `package` (`SOURCE_SUFFIXES`) and of the
    `extra` files and texts: a `Path` is a file, whose name and contents are hashed; a string is
    text, hashed as it is (such as a version number).

    A string that names an existing file or folder is refused: pass the file as a `Path` to hash
    its contents (hashed as text, the digest would not change when the file does), or text that is
    not a file's name. Every file, text and name is hashed with its length, so that different
    lists of them give different digests.

    The digest covers file names as well as contents, so renaming a module changes it too.
    `only`, a list of file names such as `["data.py"]`, narrows it to those files of `package`:
    a result that depends on a few modules need not be recomputed when another one changes.

    >>> source_digest() == source_digest()
    True
    >>> source_digest() != source_digest(PACKAGE, "keras 3.15.1")
    True
    """
    if isinstance(package, str) and not package.strip():
        raise ValueError(
            f"package must be a folder of Python source; got the empty path {package!r}"
        )
    if not isinstance(package, str | os.PathLike) or not Path(package).is_dir():
        raise ValueError(f"package must be a folder of Python source; got {package!r}")
    package = Path(package)
    paths = sorted(p for p in package.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())
    if only is not None:
        # a list, tuple or set: an iterator would be used up by the first look at it
        if not isinstance(only, list | tuple | set | frozenset) or not all(
            isinstance(name, str) for name in only
        ):
            raise TypeError(f"only must be a list of file names, such as ['data.py']; got {only!r}")
        missing = sorted(set(only) - {str(path.relative_to(package)) for path in paths})
        if missing or not only:
            raise ValueError(
                f"only must name source files of {package}; {missing or 'it is empty'}"
            )
        paths = [path for path in paths if str(path.relative_to(package)) in only]
    parts = []
    for i, item in enumerate(extra):
        if isinstance(item, os.PathLike):  # a Path, or any path object
            item = Path(item)
            if not item.is_file():
                raise ValueError(f"extra[{i}] must be an existing file; {item} is not a file")
            parts.append((b"file", os.fsencode(item.name), item.read_bytes()))
        elif isinstance(item, str):
            if item and os.path.exists(item):
                kind = "folder" if os.path.isdir(item) else "file"
                raise ValueError(
                    f"extra[{i}] is the string {item!r}, which names a {kind}: a string is hashed "
                    f"as text, so pass Path({item!r}) to hash a file's contents"
                )
            parts.append((b"text", item.encode("utf-8", "surrogatepass")))  # any text at all
        else:
            raise TypeError(f"extra must hold paths or strings; got {type(item).__name__}")
    digest = hashlib.sha256()
    for path in paths:
        _add(digest, b"source", os.fsencode(path.relative_to(package)), path.read_bytes())
    for part in parts:
        _add(digest, *part)
    return digest.hexdigest()[:16]
