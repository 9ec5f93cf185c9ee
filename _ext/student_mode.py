"""Student mode: build the book with the exercise solutions left out.

Set `student_mode: true` under `sphinx: config:` (`python3 tasks.py book --student` does it).

sphinx-exercise's own `hide_solutions` cannot be used for this: it drops a gated solution's opening
directive but keeps what follows, so the solution's code cells would still be shown (and its
closing directive breaks the HTML writer). The solutions are removed instead as each page is
written, after sphinx-exercise has merged each gated solution into one solution node (when the
page was read) and before it resolves their titles and links.

Reading a page (and running its notebook) does not depend on the mode: only writing does. So the
students' edition can start from what the full edition read (`tasks.share_reading`), and write
its pages without running a notebook again.

A page's download button gives its notebook, copied into `_sources`: in student mode, the copy
loses its solutions too, as the notebooks of the students' zip do (`book_download`).
"""

from pathlib import Path

from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxPostTransform):
    """Remove every exercise solution from the page being written, in student mode."""

    default_priority = 1  # before sphinx-exercise's post-transforms (priorities 5 to 22)

    def run(self, **kwargs):
        if not self.config.student_mode:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def sources_without_solutions(app, exception):
    """In student mode, the notebooks the pages' download buttons give, without solutions."""
    if exception is not None or not app.config.student_mode:
        return
    from book_download import without_solutions  # the book's extension beside this one

    for copy in sorted(Path(app.outdir, "_sources").rglob("*.ipynb")):
        source = Path(app.srcdir, copy.relative_to(Path(app.outdir, "_sources")))
        copy.write_bytes(without_solutions(source))


def setup(app):
    app.add_config_value("student_mode", False, "html")  # a change rewrites pages, reads none
    app.add_post_transform(RemoveSolutions)
    app.connect("build-finished", sources_without_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
