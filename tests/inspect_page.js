// What a page of the book looks like once its scripts have run; tests/test_browser.py reads it.
async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  const main = document.querySelector("main") || document.body;
  const count = (selector) => document.querySelectorAll(selector).length;
  return {
    title: document.title,
    images: [...document.images].map((i) => ({
      src: i.currentSrc || i.src,
      width: i.naturalWidth,
      complete: i.complete,
      alt: i.getAttribute("alt"),
    })),
    math: count(".math"),
    mathUnrendered: count(".math:not(:has(mjx-container))"),
    mathRendered: count("mjx-container"),
    text: main.innerText,
    widgetViews: count('script[type="application/vnd.jupyter.widget-view+json"]'),
    widgetsRendered: count(".jupyter-widgets.widget-container, .widget-slider"),
    codeCells: count("div.cell div.highlight pre"),
    copyButtons: count("button.copybtn"),
    downloads: [...document.querySelectorAll("a")].map((a) => a.href).filter((h) => h.endsWith(".ipynb")),
  };
}
