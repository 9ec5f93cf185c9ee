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

import html

from IPython.display import HTML, display
from IPython.utils.capture import capture_output

SUMMARY = "\u25b8 Show the solution's output"  # a triangle: it can be clicked


def _outputs_hidden(shell) -> bool:
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    metadata = kernel.get_parent().get("metadata", {})
    return bool(metadata.get("jupyter", {}).get("outputs_hidden"))


def folded_html(captured) -> str:
    """The HTML of a folded block holding `captured`'s outputs (a `CapturedIO`), in order."""
    parts = []
    for stream in (captured.stdout, captured.stderr):
        if stream:
            parts.append(f"<pre>{html.escape(stream)}</pre>")
    for output in captured.outputs:
        data = output.data
        if "image/png" in data:
            parts.append(f'<img src="data:image/png;base64,{data["image/png"]}" alt="">')
        elif "text/html" in data:
            parts.append(data["text/html"])
        else:
            parts.append(f"<pre>{html.escape(data.get('text/plain', ''))}</pre>")
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
    folding = _Folding(shell)
    shell.events.register("pre_run_cell", folding.pre_run_cell)
    shell.events.register("post_run_cell", folding.post_run_cell)
