// What every explorer's front end shares. lossacc_utils/widgets.py puts this file in front of each
// explorer's own file to make the ES module the widget runs, in JupyterLab and on the static site
// alike. No library: the arithmetic mirrors lossacc_utils line by line, the figures are plain SVG.

const SVG_NS = "http://www.w3.org/2000/svg";
const FONT = 13; // px of the figures' text, at a figure's natural width
// a label drawn over lines stays readable: a white outline under its letters
const HALO = { "font-size": FONT, stroke: "#fff", "stroke-width": 4, "paint-order": "stroke" };

/** An element of `namespace` with `attributes` and `children` (nodes or strings). */
function element(namespace, tag, attributes = {}, ...children) {
  const node = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  node.append(...children.flat());
  return node;
}
const html = (tag, attributes, ...children) => element(null, tag, attributes, ...children);
const svg = (tag, attributes, ...children) => element(SVG_NS, tag, attributes, ...children);

/** An array packed by Python ({dtype, shape, data: little-endian bytes in base64}). */
const TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  int32: Int32Array,
};
function unpack(packed) {
  const text = atob(packed.data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new TYPED[packed.dtype](bytes.buffer);
}

/** The sum of `values` in the order NumPy adds a contiguous array (pairwise, eight at a time). */
function pairwiseSum(values, start = 0, n = values.length) {
  if (n < 8) {
    let sum = 0;
    for (let i = start; i < start + n; i++) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => values[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** `x` with `digits` decimals, rounded as Python's format rounds it: exactly, a tie to even. */
function decimals(x, digits) {
  const shown = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(Math.min(digits + 25, 100)); // every digit a double has here
  const point = exact.indexOf(".");
  if (!/^50*$/.test(exact.slice(point + 1 + digits))) return shown;
  // exactly halfway: toFixed rounds away from zero, Python to the even last digit
  const down = exact.slice(0, digits ? point + 1 + digits : point);
  return Number(down.at(-1)) % 2 === 0 ? (x < 0 ? "-" : "") + down : shown;
}

const SUPERSCRIPT = Object.fromEntries([..."-0123456789"].map((c, i) => [c, "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"[i]]));

/** `x` to two significant digits, as lossacc_utils.prose.readable writes it: as Python's "g"
 * format rounds and writes it, a power of ten written as one ("3.2 × 10⁻⁵", "10⁶"). */
function readable(x) {
  let [digits, exponent] = Math.abs(x).toExponential(1).split("e");
  const [exact, power] = Math.abs(x).toExponential(100).split("e");
  if (/^50*$/.test(exact.slice(3)) && Number(exact[2]) % 2 === 0) {
    [digits, exponent] = [exact.slice(0, 3), power]; // a tie: Python keeps the even digit
  }
  exponent = Number(exponent);
  const sign = x < 0 ? "-" : "";
  if (exponent >= -4 && exponent < 2) {
    // Python's "g" writes these without a power, and without trailing zeros
    const text = Number(`${digits}e${exponent}`).toFixed(Math.max(1 - exponent, 0));
    return sign + (text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text);
  }
  const mantissa = digits.replace(/\.0$/, "");
  const superscript = `10${String(exponent).replace(/./g, (c) => SUPERSCRIPT[c])}`;
  return sign + (mantissa === "1" ? superscript : `${mantissa} × ${superscript}`);
}

const LARGE = 1e6; // lossacc_utils.prose.LARGE

/** `x` as lossacc_utils.prose.fixed writes it: with `digits` decimals, unless they would hide it
 * (a number they round to 0 that is not 0, or one of a million or more): then `readable`. */
function fixed(x, digits) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf"; // as Python
  const text = decimals(x, digits);
  const hidden = Math.abs(Number(text)) >= LARGE || (x !== 0 && !/[1-9]/.test(text));
  return hidden ? readable(x) : text;
}
const percent = (x, digits) => `${fixed(100 * x, digits)}%`;

/** Set a trait and tell the kernel, if there is one (a static page has none). */
function commit(model, name, value) {
  model.set(name, value);
  try {
    model.save_changes();
  } catch {
    // no kernel: the page's own state is all there is
  }
}

/**
 * Keep `control` (a slider) and the trait it sets in step: a drag redraws at once, letting go tells
 * the kernel, and a change made in Python moves the slider. `toTrait` turns the slider's position
 * into the trait's value, `toSlider` turns it back; `update` redraws for a trait's value.
 */
function follow(model, control, trait, toTrait, toSlider, update) {
  const value = () => toTrait(Number(control.input.value));
  control.input.addEventListener("input", () => update(value()));
  control.input.addEventListener("change", () => commit(model, trait, value()));
  model.on(`change:${trait}`, () => {
    control.input.value = toSlider(model.get(trait));
    control.refresh();
    update(model.get(trait));
  });
  update(model.get(trait));
}

/**
 * A range input named `label` for screen readers and shown as `text` (the label, by default),
 * with its value beside it, formatted by `show`.
 */
function slider({ label, text = label, min, max, step, value, show, name }) {
  const input = html("input", {
    type: "range",
    min,
    max,
    step,
    "aria-label": label,
    "data-control": name,
  });
  input.value = value;
  const output = html("output", { "aria-hidden": "true" });
  const refresh = () => {
    output.textContent = show(Number(input.value));
    input.setAttribute("aria-valuetext", output.textContent);
    // how far along its track the thumb is, for the filled part of the track (explorers.css)
    input.style.setProperty("--lossacc-fill", (input.value - min) / (max - min));
  };
  input.addEventListener("input", refresh);
  refresh();
  const row = html("label", { class: "lossacc-slider" }, html("span", {}, text), input, output);
  return { element: row, input, refresh };
}

/** A number on the page that tests read back: <span data-readout="name">. */
function readout(name) {
  return html("span", { class: "lossacc-number", "data-readout": name });
}

/** A linear (or log10) scale from `domain` to `range`. */
function scale([d0, d1], [r0, r1], log = false) {
  const f = log ? Math.log10 : (v) => v;
  const [a, b] = [f(d0), f(d1)];
  return (v) => r0 + ((f(v) - a) / (b - a)) * (r1 - r0);
}

/**
 * A figure's frame: an SVG of `width` x `height` with axes from `x` and `y` ({domain, ticks,
 * label, format, log}; x's label may hold "\n" between lines). Returns the svg, the scales and the
 * plotting area's bounds.
 */
function frame({ width, height, margin, x, y, title }) {
  const m = { top: 28, right: 12, bottom: 44, left: 56, ...margin };
  const area = { left: m.left, right: width - m.right, top: m.top, bottom: height - m.bottom };
  const sx = scale(x.domain, [area.left, area.right], x.log);
  const sy = scale(y.domain, [area.bottom, area.top], y.log);
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    class: "lossacc-figure",
    style: `max-width:${width}px`,
  });
  const axes = svg("g", { "font-size": FONT, fill: "#333" });
  const line = (x1, y1, x2, y2) => svg("line", { x1, y1, x2, y2, stroke: "#333" });
  axes.append(line(area.left, area.bottom, area.right, area.bottom));
  axes.append(line(area.left, area.bottom, area.left, area.top));
  for (const t of x.ticks || []) {
    axes.append(line(sx(t), area.bottom, sx(t), area.bottom + 4));
    const text = (x.format || String)(t);
    axes.append(svg("text", { x: sx(t), y: area.bottom + 17, "text-anchor": "middle" }, text));
  }
  for (const t of y.ticks || []) {
    axes.append(line(area.left - 4, sy(t), area.left, sy(t)));
    const text = (y.format || String)(t);
    const at = { x: area.left - 7, y: sy(t) + 4, "text-anchor": "end" };
    axes.append(svg("text", at, text));
  }
  if (x.label) {
    // a label of several lines ("\n" between them) ends where a one-line label sits
    const lines = x.label.split("\n");
    for (const [i, text] of lines.entries()) {
      const at = {
        x: (area.left + area.right) / 2,
        y: height - 8 - 16 * (lines.length - 1 - i),
        "text-anchor": "middle",
      };
      axes.append(svg("text", at, text));
    }
  }
  if (y.label) {
    const middle = (area.top + area.bottom) / 2;
    const at = {
      transform: `translate(14 ${middle}) rotate(-90)`,
      "text-anchor": "middle",
    };
    axes.append(svg("text", at, y.label));
  }
  if (title) {
    const at = { x: area.left, y: 16, "font-size": FONT, "font-weight": "bold" };
    axes.append(svg("text", at, title));
  }
  root.append(axes);
  return { root, sx, sy, area };
}

/** A round step (1, 2 or 5 times a power of ten) near `rough`, for ticks. */
function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
}

/** A path through the points (x[i], y[i]) scaled by sx and sy, skipping NaNs. */
function path(xs, ys, sx, sy) {
  let d = "";
  let pen = "M";
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(ys[i])) {
      pen = "M";
      continue;
    }
    d += `${pen}${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`;
    pen = "L";
  }
  return d;
}

/** `text` cut into lines of at most about `width` characters, at spaces and at its own breaks. */
function wrap(text, width) {
  const lines = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Swap the explorer's figure for a new one, keeping its place. */
function replace(holder, figure) {
  holder.replaceChildren(figure);
}

/**
 * The width, in px, a figure is laid out for in `holder`. Where there is room, its natural width
 * (WIDE), scaled to fit: its text keeps at least 11 px of its 13. On a narrower holder (a phone's
 * column, a side panel), the holder's own width, down to NARROWEST, and the figure is drawn in its
 * narrow layout at one unit a pixel, so that its text keeps its 13 px.
 */
const WIDE = 640;
const NARROWEST = 300;
function layoutWidth(holder) {
  const width = holder.clientWidth;
  if (!width || width >= 0.85 * WIDE) return WIDE; // 0: not on the page yet
  return Math.max(Math.floor(width), NARROWEST);
}

/**
 * Call `redraw` when `holder` changes width enough to change its figure's layout: a phone turned
 * sideways, a panel resized, or the page laying itself out after the explorer was drawn.
 */
function onResize(holder, redraw) {
  if (typeof ResizeObserver === "undefined") return;
  let width = layoutWidth(holder);
  // the redraw waits for the next frame: redrawing inside the observer's callback would resize
  // what it observes before the browser has finished reporting sizes
  const observer = new ResizeObserver(() =>
    requestAnimationFrame(() => {
      if (layoutWidth(holder) === width) return;
      width = layoutWidth(holder);
      redraw();
    }),
  );
  observer.observe(holder);
}

/** Mark the explorer live: tests and the page-load benchmark wait for this. */
function live(el, kind) {
  el.classList.add("lossacc-explorer");
  el.dataset.explorer = kind;
  el.dataset.liveMs = performance.now().toFixed(0);
}
