"""A solution's folded output keeps each output as Jupyter shows it: the richest kind it has."""

import base64
import io
import re
from types import SimpleNamespace

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import HTML, SVG, Image, Latex, Markdown
from IPython.utils.capture import CapturedIO

from lossacc_utils import folding

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
SVG_TEXT = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4"/></svg>'


def _folded(*objects, stdout="", stderr=""):
    """The folded HTML of `objects` displayed by a cell, each formatted as IPython formats it."""
    formatter = InteractiveShell.instance().display_formatter
    outputs = [
        dict(zip(("data", "metadata"), formatter.format(obj), strict=True)) for obj in objects
    ]
    return folding.folded_html(CapturedIO(io.StringIO(stdout), io.StringIO(stderr), outputs))


def _images(text):
    return re.findall(r'<img src="data:([^;]+);base64,([^"]+)"', text)


@pytest.mark.parametrize(
    ("obj", "kind", "data"),
    [
        (SVG(SVG_TEXT), "image/svg+xml", SVG_TEXT.encode()),
        (Image(JPEG, format="jpeg"), "image/jpeg", JPEG),
        (Image(PNG, format="png"), "image/png", PNG),
    ],
    ids=["svg", "jpeg", "png"],
)
def test_an_image_stays_the_image_it_is(obj, kind, data):
    text = _folded(obj)
    assert [(k, base64.b64decode(d)) for k, d in _images(text)] == [(kind, data)]
    assert "IPython.core.display" not in text  # not the object's text repr


def test_markdown_is_rendered_and_latex_kept_for_mathjax():
    text = _folded(
        Markdown("Some **bold** text\n\n| a | b |\n|---|---|\n| 1 | 2 |"), Latex("$x^2$")
    )
    assert "<strong>bold</strong>" in text and "<table>" in text
    assert "<div>$x^2$</div>" in text
    assert "IPython.core.display" not in text


def test_html_plain_text_and_streams_keep_their_order():
    text = _folded(HTML("<b>table</b>"), 3 < 4, stdout="printed <x>\n", stderr="warned\n")
    body = text.split("</summary>", 1)[1]
    assert body.index("printed &lt;x&gt;") < body.index("warned") < body.index("<b>table</b>")
    assert body.index("<b>table</b>") < body.index("<pre>True</pre>")
    assert text.startswith(f"<details><summary>{folding.SUMMARY}</summary>")


@pytest.mark.parametrize("bad", [None, "text", 5])
def test_what_is_not_captured_output_or_a_shell_is_refused_by_name(bad):
    with pytest.raises(TypeError, match="captured must be the outputs"):
        folding.folded_html(bad)
    with pytest.raises(TypeError, match="shell must be an IPython shell"):
        folding.load_ipython_extension(bad)


@pytest.mark.parametrize(
    ("captured", "message"),
    [
        (SimpleNamespace(stdout=b"x", stderr="", outputs=[]), "captured.stdout must be text"),
        (SimpleNamespace(stdout="", stderr=None, outputs=[]), "captured.stderr must be text"),
        (SimpleNamespace(stdout="", stderr="", outputs=[5]), r"captured.outputs\[0\] must be"),
        (
            SimpleNamespace(
                stdout="", stderr="", outputs=[SimpleNamespace(data={"text/plain": 5})]
            ),
            r"captured.outputs\[0\]'s text/plain must be text",
        ),
        (
            SimpleNamespace(
                stdout="", stderr="", outputs=[SimpleNamespace(data={"text/markdown": b"*x*"})]
            ),
            r"captured.outputs\[0\]'s text/markdown must be text",
        ),
    ],
    ids=["bytes-stdout", "no-stderr", "no-data", "number-text", "bytes-markdown"],
)
def test_captured_output_of_the_wrong_kind_is_refused_by_name(captured, message):
    with pytest.raises(TypeError, match=message):
        folding.folded_html(captured)
