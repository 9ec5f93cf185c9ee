// The widget manager's modules (@jupyter-widgets/html-manager/dist, /base, /controls) find its
// icon fonts beside the place require.js says each was loaded from. Without these paths, require.js
// places them beside the page, where the fonts are not: a glyph the page's own fonts lack (an
// arrow in a figure) then asks for fonts that are not there.
// The manager asks require.js for a widget's module before it tries a CDN: the explorers'
// front end, anywidget, is served beside it.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": new URL("html-manager", document.currentScript.src).href,
    "@jupyter-widgets": new URL("html-manager", document.currentScript.src).href,
    anywidget: new URL("anywidget/index", document.currentScript.src).href,
  },
});

// The widget manager typesets widget labels with MathJax 2's API; the site serves MathJax 3.
window.addEventListener("load", () => {
  const mathjax = window.MathJax;
  if (mathjax && mathjax.startup && !mathjax.Hub) {
    mathjax.Hub = {
      Queue: ([, , element]) =>
        mathjax.startup.promise.then(() => mathjax.typesetPromise([element])),
    };
  }
});
