// The widget manager finds its icon fonts beside the module require.js says it was loaded from.
// Without this, require.js places the module beside the page, where the fonts are not.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": new URL("html-manager", document.currentScript.src).href,
  },
});

// The widget manager typesets widget labels with MathJax 2's API; the site serves MathJax 3.
window.addEventListener("load", () => {
  const mathjax = window.MathJax;
  if (mathjax && mathjax.startup && !mathjax.Hub) {
    mathjax.Hub = {
      Queue: ([, , element]) => mathjax.startup.promise.then(() => mathjax.typesetPromise([element])),
    };
  }
});
