"""Offline assets: serve the widget manager, anywidget and require.js with the site, not a CDN.

A page with a widget loads require.js and the ipywidgets HTML manager, which render the widget's
stored state; the explorers are anywidgets, whose front end the manager loads as a module of
require.js. Jupyter Book and the manager take them from CDNs by default, so a reader without
network (or behind a firewall) would see an empty box. `install` fetches the npm packages pinned in
`PACKAGES`, checks each against its registry integrity hash, and keeps the files pages need in a
folder; `python3 tasks.py book` calls it when it installs the Python packages. `TEST_PACKAGES`
are fetched the same way for the browser tests, and not served.

The Sphinx extension in this module adds that folder to the site's static files, where
`_config.yml` points `nb_ipywidgets_js`, together with `static/vendor/widgets-config.js`, which
tells require.js where the widget manager lives (it loads its icon fonts from beside itself) and
where anywidget's front end is.
It also drops scripts added to a page twice: sphinx-thebe adds its inline settings twice, and the
second copy fails in the browser. MathJax is served by the sphinx-mathjax-offline extension.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

#: npm package -> (version, the registry's integrity hash of its tarball, files to keep)
PACKAGES = {
    "@jupyter-widgets/html-manager": (
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        (
            "dist/embed-amd.js",
            "dist/*.woff2",
            "dist/*.woff",
            "dist/*.ttf",
            "dist/*.eot",
            "dist/*.svg",
        ),
    ),
    # the front end of every explorer (lossacc_utils/widgets.py): its version must be the Python
    # package's, pinned in requirements.txt
    "anywidget": (
        "0.11.0",
        "sha512-LHZgW2j5UjyerZSZcO+BtZPXGMSORQV2bUT480hOR5x/BXS8sOradi/71amJfMueSEnKX0dqPwTfsOGHTsyZpQ==",
        ("dist/index.js",),
    ),
    "requirejs": (
        "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        ("require.js",),
    ),
}
#: Not served with the site: the accessibility checker the browser tests run on every page.
TEST_PACKAGES = {
    "axe-core": (
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        ("axe.min.js",),
    ),
}
REGISTRY = "https://registry.npmjs.org"


def default_folder() -> Path:
    """Where the assets live: beside the Python environment that builds the book."""
    return Path(sys.prefix) / "web-assets"


def is_installed(folder: Path) -> bool:
    stamp = folder / "packages.json"
    return stamp.exists() and json.loads(stamp.read_text()) == _pins()


def install(folder: Path) -> None:
    """Download the pinned packages unless they are there already.

    What the site serves goes to `folder`/static/vendor, the test packages to `folder`/test.
    """
    if is_installed(folder):
        return
    if folder.exists():
        shutil.rmtree(folder)
    for name, pin in PACKAGES.items():
        _fetch(name, *pin, folder / "static" / "vendor" / name.split("/")[-1])
    for name, pin in TEST_PACKAGES.items():
        _fetch(name, *pin, folder / "test" / name)
    (folder / "packages.json").write_text(json.dumps(_pins()))


def _fetch(name, version, integrity, patterns, target: Path) -> None:
    """Download `name`@`version` from npm, check it, and keep the files matching `patterns`."""
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        tarball = response.read()
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if actual != expected:
        raise RuntimeError(f"{url} does not match its pinned integrity hash {integrity}")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        for member in archive.getmembers():
            inner = Path(member.name).relative_to("package")
            if member.isfile() and any(inner.match(pattern) for pattern in patterns):
                target.mkdir(parents=True, exist_ok=True)
                (target / inner.name).write_bytes(archive.extractfile(member).read())


def _pins():
    return {name: list(pin[:2]) for name, pin in {**PACKAGES, **TEST_PACKAGES}.items()}


def add_static_folder(app, config):
    folder = default_folder()
    if not is_installed(folder):
        from sphinx.errors import ExtensionError

        raise ExtensionError(
            f"the widget manager, anywidget and require.js are not in {folder}; build the book "
            "with `python3 tasks.py book`, which installs them"
        )
    config.html_static_path.extend([str(folder / "static"), str(Path(__file__).parent / "static")])


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        # the same file (an inline script has none: None or ""), priority and body
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def setup(app):
    app.connect("config-inited", add_static_folder)
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    install(Path(sys.argv[1]) if len(sys.argv) > 1 else default_folder())
