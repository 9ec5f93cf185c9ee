"""Re-read every page when lossacc_utils or a pinned version changes.

The notebooks run while their pages are read, and Sphinx re-reads only the pages whose source
changed. A page's outputs also depend on the package and the pins, so `python3 tasks.py book` puts
their digest in the config as `package_digest`: a new digest changes the config, and Sphinx then
reads, and so runs, every notebook again, having first forgotten what each page defined.
"""


def forget_before_reading(app, env, docnames):
    """Forget what every page about to be read defined before any of them is read.

    Sphinx forgets a page's labels only just before it reads that page again, so after a label
    moves from one page to another (a section or an exercise moved to a new chapter), the page
    read first would find the label still held by the page read later: a duplicate, which the
    strict build makes an error.
    """
    for docname in docnames:
        app.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)


def setup(app):
    app.add_config_value("package_digest", "", "env")
    app.connect("env-before-read-docs", forget_before_reading)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
