"""Say in words what the execution table says in emoji.

MyST-NB's `{nb-exec-table}` marks each notebook's run with a check mark or a cross emoji, which
shows as an empty box on a machine without an emoji font. This extension writes "passed" and
"failed" instead, once the table is built.
"""

from docutils import nodes

WORDS = {"\N{WHITE HEAVY CHECK MARK}": "passed", "\N{CROSS MARK}": "failed"}


def plain_words(app, doctree, docname):
    for table in doctree.findall(nodes.table):
        for text in list(table.findall(nodes.Text)):
            if text.astext().strip() in WORDS:
                text.parent.replace(text, nodes.Text(WORDS[text.astext().strip()]))


def setup(app):
    app.connect("doctree-resolved", plain_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
