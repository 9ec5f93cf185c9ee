"""Evaluate each {eval} role of the prose after every code cell above it has run.

The book runs each notebook while reading its page (`execute_notebooks: inline`), and MyST-NB runs
a code cell when the page reaches it. A cell left off the page (tagged `remove-cell`, such as the
hidden cells that check a paragraph's claims) is reached only when a later code cell is, so a
paragraph right after one would be evaluated too early. This role first runs every code cell
before the paragraph's own cell, which is what JupyterLab has done when a reader runs the notebook
from the top: the site and the notebook show the same numbers.
"""

from myst_nb.ext.eval import EvalRoleAny

LINES_PER_CELL = 10000  # MyST-NB numbers the lines of a notebook's cell i from (i + 1) * 10000


class EvalInOrder(EvalRoleAny):
    def run(self):
        renderer = self.document.get("nb_renderer")
        if renderer is not None:
            cell = self.line // LINES_PER_CELL - 1
            renderer.renderer.nb_client.code_cell_outputs(cell)  # runs the cells up to it
        return super().run()


def setup(app):
    app.setup_extension("myst_nb")  # then this role replaces MyST-NB's own
    app.add_role("eval", EvalInOrder(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
