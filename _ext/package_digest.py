"""Re-read every page when lossacc_utils or a pinned version changes.

The notebooks run while their pages are read, and Sphinx re-reads only the pages whose source
changed. A page's outputs also depend on the package and the pins, so `python3 tasks.py book` puts
their digest in the config as `package_digest`: a new digest changes the config, and Sphinx then
reads, and so runs, every notebook again.
"""


def setup(app):
    app.add_config_value("package_digest", "", "env")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
