"""Launch buttons only when the book names its repository.

`_config.yml` configures Binder and Colab once, and `repository.url` says where the notebooks are
published. Binder and Colab open a notebook from that repository, so with the URL left empty (the
default: a copy of this book has no address until someone publishes it) there is nothing for the
buttons to open, and sphinx-book-theme would warn on every page. This extension then drops them.
"""


def drop_launch_buttons_without_a_repository(app, config):
    options = config.html_theme_options
    if not options.get("repository_url"):
        options.pop("launch_buttons", None)


def setup(app):
    app.connect("config-inited", drop_launch_buttons_without_a_repository)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
