// What a page of the book looks like once its scripts have run; tests/test_browser.py reads it.
async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  // the widget manager draws the stored widgets after the page has loaded: give it 10 seconds
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]',
  );
  const drawn = () => document.querySelectorAll("[data-explorer]");
  for (let i = 0; i < 100 && drawn().length < views.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const main = document.querySelector("main") || document.body;
  const count = (selector) => document.querySelectorAll(selector).length;
  // the elements that stick out past the window's right edge and so let the page scroll sideways:
  // the outermost of each such branch, leaving out what a box that scrolls or clips holds and what
  // is fixed to the window (an off-canvas sidebar), which do not widen the page
  const windowWidth = document.documentElement.clientWidth;
  const sideways = [];
  const report = (element, right, text) => {
    const name = [element.tagName.toLowerCase(), ...element.classList].join(".");
    sideways.push(`${name} (${Math.round(right)} px): ${text.trim().replace(/\s+/g, " ")}`);
  };
  const stickingOut = (element) => {
    const style = getComputedStyle(element);
    if (style.display === "none" || style.position === "fixed") return;
    const box = element.getBoundingClientRect();
    if (box.right > windowWidth + 0.5 && box.width > 0) {
      report(element, box.right, (element.textContent || "").slice(0, 80));
      return;
    }
    if (style.overflowX !== "visible") return;
    for (const child of element.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        stickingOut(child);
      } else if (child.nodeType === Node.TEXT_NODE && child.textContent.trim()) {
        // text running out of its element's box, such as a long word in a narrow column
        const range = document.createRange();
        range.selectNodeContents(child);
        const right = range.getBoundingClientRect().right;
        if (right > windowWidth + 0.5) report(element, right, child.textContent.slice(0, 80));
      }
    }
  };
  stickingOut(document.body);
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
    // the explorers that drew themselves, and when, in ms after the page began to load
    explorers: [...document.querySelectorAll("[data-explorer]")].map((e) => ({
      kind: e.dataset.explorer,
      liveMs: Number(e.dataset.liveMs),
      sliders: e.querySelectorAll("input[type=range]").length,
    })),
    codeCells: count("div.cell div.highlight pre"),
    copyButtons: count("button.copybtn"),
    downloads: [...document.querySelectorAll("a")]
      .map((a) => a.href)
      .filter((h) => h.endsWith(".ipynb")),
    // tables and code blocks wider than the page's column: a reader would have to scroll sideways
    tooWide: [...main.querySelectorAll("table, pre")]
      .filter((el) => el.offsetParent !== null && !el.closest("details:not([open])"))
      .filter(
        (el) =>
          el.scrollWidth > el.clientWidth + 1 ||
          el.getBoundingClientRect().right > main.getBoundingClientRect().right + 1,
      )
      .map((el) => `${el.tagName.toLowerCase()}: ${el.innerText.trim().slice(0, 70)}`),
    // the page's width against the window's: wider, and a reader scrolls sideways
    pageWidth: document.documentElement.scrollWidth,
    windowWidth,
    sideways,
    // each figure drawn by a cell: its size on the page against its size as drawn
    figures: [...main.querySelectorAll(".cell_output img, .output img")]
      .filter((i) => i.naturalWidth > 0 && i.offsetParent !== null)
      .map((i) => ({
        alt: (i.getAttribute("alt") || "").slice(0, 60),
        scale: i.getBoundingClientRect().width / i.naturalWidth,
      })),
  };
};
