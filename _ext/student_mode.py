"""Student mode: build the book with the exercise solutions left out.

Set `student_mode: true` under `sphinx: config:` (`python3 tasks.py book --student` does it).

sphinx-exercise's own `hide_solutions` cannot be used for this: it drops a gated solution's opening
directive but keeps what follows, so the solution's code cells would still be shown (and its
closing directive breaks the HTML writer). This transform runs after sphinx-exercise has merged
each gated solution into one solution node, and removes those nodes.
"""

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    """Remove every exercise solution from the document in student mode."""

    default_priority = 20  # after sphinx-exercise's MergeGatedSolutions (priority 10)

    def apply(self):
        if not self.config.student_mode:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.add_config_value("student_mode", False, "env")
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
