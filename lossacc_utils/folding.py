"""An IPython extension: a cell whose outputs start hidden keeps them folded when it runs.

The chapters' exercise solutions are such cells. JupyterLab shows a cell's outputs as soon as it
runs, so after Run All every solution's results would be in plain view. JupyterLab sends each cell's
metadata with the code it runs; with this extension loaded, a cell marked
`"jupyter": {"outputs_hidden": true}` shows what it printed, displayed or returned inside a
folded "Show the solution's output", which a click opens. Other cells, and cells run without their
metadata (by the book's build, say), are left alone.

The book's environment loads it in every kernel (see `write_kernel_config` in tasks.py); by hand:
`%load_ext lossacc_utils.folding`.
"""

import base64
import html

from IPython.display import HTML, display
from IPython.utils.capture import capture_output

__all__ = ["RENDERERS", "SUMMARY", "folded_html", "load_ipython_extension"]

SUMMARY = "\u25b8 Show the solution's output"  # a triangle: it can be clicked


def _outputs_hidden(shell) -> bool:
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    metadata = kernel.get_parent().get("metadata", {})
    return bool(metadata.get("jupyter", {}).get("outputs_hidden"))


def _base64(value) -> str:
    """An image's data as base64 text: IPython sends images as base64 already, SVG as text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _markdown(text: str) -> str:
    """Markdown as HTML, as Jupyter renders a `text/markdown` output."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover (markdown-it-py comes with the book's environment)
        return f"<pre>{html.escape(text)}</pre>"
    return MarkdownIt("commonmark").enable("table").render(text)


def _svg(data) -> str:
    """An SVG image as an <img> (its ids and styles then cannot clash with the page's)."""
    svg = data.encode() if isinstance(data, str) else data
    return f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode("ascii")}" alt="">'


def _image(kind: str):
    return lambda data: f'<img src="data:{kind};base64,{_base64(data)}" alt="">'


#: How each kind of output becomes HTML, in JupyterLab's order of preference: an output shows its
#: richest kind, as in a cell's own output area.
RENDERERS = {
    "text/html": lambda data: data,
    "text/markdown": _markdown,
    "text/latex": lambda data: f"<div>{html.escape(data)}</div>",  # MathJax typesets it
    "image/svg+xml": _svg,
    "image/png": _image("image/png"),
    "image/jpeg": _image("image/jpeg"),
    "image/gif": _image("image/gif"),
    "text/plain": lambda data: f"<pre>{html.escape(data)}</pre>",
}


#: The kinds of output whose data may be bytes as well as text (images, sent as base64 or raw).
_BINARY = {"image/svg+xml", "image/png", "image/jpeg", "image/gif"}


def _rendered(data, name: str) -> str:
    """The HTML of one output's richest kind (an empty string for an output with none we know);
    `name` is what an error calls the output."""
    if not isinstance(data, dict):
        raise TypeError(f"{name} must be a displayed output, with a dict of data; got {data!r:.80}")
    for kind, render in RENDERERS.items():
        if kind in data:
            allowed = (str, bytes) if kind in _BINARY else str
            if not isinstance(data[kind], allowed):
                raise TypeError(
                    f"{name}'s {kind} must be {'text or bytes' if kind in _BINARY else 'text'}; "
                    f"got {type(data[kind]).__name__}"
                )
            try:
                return render(data[kind])
            except UnicodeEncodeError as error:  # a lone surrogate: text no file can hold
                raise ValueError(
                    f"{name}'s {kind} must be text that UTF-8 can write; it holds "
                    f"{error.object[error.start : error.end]!r} at {error.start}"
                ) from None
    return ""


def folded_html(captured) -> str:
    """The HTML of a folded block holding `captured`'s outputs (a `CapturedIO`), in order: each
    output as its richest kind (HTML, Markdown, LaTeX, SVG, PNG, JPEG, GIF, then plain text)."""
    if not all(hasattr(captured, part) for part in ("stdout", "stderr", "outputs")):
        raise TypeError(
            f"captured must be the outputs IPython's capture_output caught; got {captured!r}"
        )
    parts = []
    for part in ("stdout", "stderr"):
        stream = getattr(captured, part)
        if not isinstance(stream, str):
            raise TypeError(f"captured.{part} must be text; got {type(stream).__name__}")
        if stream:
            parts.append(f"<pre>{html.escape(stream)}</pre>")
    if not isinstance(captured.outputs, list | tuple):
        raise TypeError(
            f"captured.outputs must be the list of displayed outputs; got "
            f"{type(captured.outputs).__name__}"
        )
    for i, output in enumerate(captured.outputs):
        parts.append(_rendered(getattr(output, "data", None), f"captured.outputs[{i}]"))
    return f"<details><summary>{SUMMARY}</summary>{''.join(parts)}</details>"


class _Folding:
    def __init__(self, shell):
        self.shell, self.capture, self.hook = shell, None, None

    def pre_run_cell(self, info):
        if not _outputs_hidden(self.shell):
            return
        self.capture = capture_output()
        self.captured = self.capture.__enter__()
        trap = self.shell.display_trap  # a value the cell ends on is displayed, so captured
        self.hook, trap.hook = trap.hook, self._display_value

    def _display_value(self, value):
        if value is not None:
            display(value)

    def post_run_cell(self, result):
        if self.capture is None:
            return
        self.shell.display_trap.hook = self.hook
        self.capture.__exit__(None, None, None)
        self.capture = None
        if self.captured.stdout or self.captured.stderr or self.captured.outputs:
            display(HTML(folded_html(self.captured)))


def load_ipython_extension(shell):
    """Fold solutions' outputs in `shell`, as `%load_ext lossacc_utils.folding` asks."""
    if not hasattr(shell, "events") or not hasattr(shell, "display_trap"):
        raise TypeError(f"shell must be an IPython shell, as %load_ext passes it; got {shell!r}")
    folding = _Folding(shell)
    shell.events.register("pre_run_cell", folding.pre_run_cell)
    shell.events.register("post_run_cell", folding.post_run_cell)
