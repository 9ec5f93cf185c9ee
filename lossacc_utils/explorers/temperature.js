// The temperature explorer: softmax(logits / T) of recorded validation logits, its NLL, ECE and
// accuracy, and its reliability diagram. Mirrors calibration.apply_temperature,
// calibration.calibration_bins, calibration.expected_calibration_error and
// calibration.negative_log_likelihood.

/** Log-probabilities of softmax(logits / T), row by row, as calibration computes them: the
 * row's largest logit subtracted first, and its normaliser 1 plus the other entries'
 * exponentials, taken with log1p, so that a confident row keeps the digits of its small loss. */
function scaledLogProbabilities(logits, n, k, t) {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * k, i * k + k);
    let top = -Infinity;
    for (const v of row) top = Math.max(top, v);
    const scaled = Array.from(row, (v) => (v - top) / t);
    let first = 0; // the largest entry, the first of equal ones, as NumPy's argmax
    for (let c = 1; c < k; c++) if (scaled[c] > scaled[first]) first = c;
    const log = Math.log1p(pairwiseSum(scaled.map((v, c) => (c === first ? 0 : Math.exp(v)))));
    for (let c = 0; c < k; c++) out[i * k + c] = scaled[c] - log;
  }
  return out;
}

/** NLL, accuracy, the per-bin statistics and the ECE at temperature t. */
function calibrate(labels, logits, k, nBins, t) {
  const n = labels.length;
  const logP = scaledLogProbabilities(logits, n, k, t);
  const count = new Array(nBins).fill(0);
  const hits = new Array(nBins).fill(0);
  const confidenceSum = new Array(nBins).fill(0);
  const trueLogP = new Float64Array(n);
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let confidence = -Infinity;
    for (let c = 0; c < k; c++) {
      const p = Math.exp(logP[i * k + c]);
      if (p > confidence) [best, confidence] = [c, p]; // the first of equal maxima, as argmax
    }
    const correct = best === labels[i];
    trueLogP[i] = logP[i * k + labels[i]];
    right += correct;
    // bin m holds the confidences in (m / M, (m + 1) / M]
    let above = 0;
    while (above <= nBins && above / nBins < confidence) above++;
    const bin = Math.min(Math.max(above - 1, 0), nBins - 1);
    count[bin] += 1;
    hits[bin] += correct;
    confidenceSum[bin] += confidence;
  }
  const bins = count.map((c, m) => ({
    lower: m / nBins,
    upper: (m + 1) / nBins,
    count: c,
    accuracy: c ? hits[m] / c : NaN,
    confidence: c ? confidenceSum[m] / c : NaN,
  }));
  const weighted = bins
    .filter((b) => b.count)
    .map((b) => b.count * Math.abs(b.accuracy - b.confidence));
  const nll = -pairwiseSum(trueLogP) / n;
  return { nll, accuracy: right / n, ece: pairwiseSum(weighted) / n, bins };
}

let hatches = 0; // each figure's hatch pattern has an id of its own

/**
 * The reliability diagram above the count of samples per bin, laid out for `width` px: at the
 * natural width, with the key on the right; narrower, the two panels across the whole width and
 * the key under them. Drawn as plots.plot_reliability draws it: each bar rises to its bin's
 * accuracy; the gap to the bin's mean confidence (`ece`, their weighted mean, written in the
 * diagram) is a hatched red box, above the bar where the model is over-confident, over the bar's
 * top where it is under-confident; a bin holding fewer than `few` of the samples (or 5) is only
 * outlined, with no gap, and paler in the count.
 */
function drawReliability(bins, ece, colors, words, few, width) {
  const narrow = width < WIDE;
  const panelWidth = narrow ? width : 420;
  const [mainHeight, stripHeight] = [narrow ? 300 : 330, 166];
  const figure = svg("svg", {
    width: "100%",
    role: "img",
    class: "lossacc-figure",
    style: `max-width:${width}px`,
  });
  const hatch = `lossacc-hatch-${++hatches}`;
  figure.append(
    svg(
      "defs",
      {},
      svg(
        "pattern",
        { id: hatch, patternUnits: "userSpaceOnUse", width: 6, height: 6 },
        svg("rect", { width: 6, height: 6, fill: colors.gap, "fill-opacity": 0.3 }),
        svg("path", {
          d: "M-1,7 L7,-1 M-4,4 L4,-4 M2,10 L10,2",
          stroke: colors.gap,
          "stroke-width": 0.8,
        }),
      ),
    ),
  );
  const gapBox = (x, y, w, h) =>
    svg("rect", { x, y, width: w, height: h, fill: `url(#${hatch})`, stroke: colors.gap });
  const outline = (x, y, w, h) =>
    svg("path", {
      d: `M${x},${y + h}V${y}h${w}V${y + h}Z`,
      fill: "none",
      stroke: colors.reference,
      "stroke-dasharray": "1.5 2",
    });
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const main = frame({
    width: panelWidth,
    height: mainHeight,
    margin: { bottom: 12, top: 12 },
    x: { domain: [0, 1] },
    y: { domain: [0, 1], ticks, label: "accuracy in the bin", format: (t) => fixed(t, 1) },
  });
  const filled = bins.filter((b) => b.count > 0);
  const total = filled.reduce((sum, b) => sum + b.count, 0);
  const isFew = (b) => b.count < Math.max(5, few * total);
  const { sx, sy } = main;
  for (const b of filled) {
    const x = sx(b.lower) + 0.5;
    const w = sx(b.upper) - sx(b.lower) - 1;
    const top = sy(b.accuracy);
    if (isFew(b)) {
      main.root.append(outline(x, top, w, sy(0) - top));
      continue;
    }
    main.root.append(svg("rect", { x, width: w, y: top, height: sy(0) - top, fill: colors.loss }));
    const [low, high] = [Math.min(b.accuracy, b.confidence), Math.max(b.accuracy, b.confidence)];
    if (high > low) main.root.append(gapBox(x, sy(high), w, sy(low) - sy(high)));
  }
  main.root.append(
    svg("line", {
      x1: sx(0),
      y1: sy(0),
      x2: sx(1),
      y2: sy(1),
      stroke: colors.reference,
      "stroke-dasharray": "5 4",
    }),
    svg("text", { x: sx(0.03), y: sy(0.97) + 10, ...HALO }, `ECE ${decimals(ece, 3)}`),
  );
  const most = Math.max(...filled.map((b) => b.count), 1);
  const strip = frame({
    width: panelWidth,
    height: stripHeight,
    margin: { top: 8, bottom: 44 },
    x: {
      domain: [0, 1],
      ticks,
      format: (t) => fixed(t, 1),
      label: "confidence (largest probability)",
    },
    y: {
      domain: [0.7, 3 * most],
      ticks: [1, 10, 100, 1000].filter((t) => t < 3 * most),
      log: true,
      label: "samples",
    },
  });
  for (const b of filled) {
    const x = strip.sx(b.lower) + 0.5;
    const w = strip.sx(b.upper) - strip.sx(b.lower) - 1;
    const top = strip.sy(b.count);
    const bar = { x, width: w, y: top, height: strip.sy(0.7) - top, fill: colors.reference };
    strip.root.append(svg("rect", { ...bar, "fill-opacity": isFew(b) ? 0.3 : 1 }));
  }
  main.root.setAttribute("y", 0);
  strip.root.setAttribute("y", mainHeight);
  for (const part of [main.root, strip.root]) {
    part.removeAttribute("role");
    part.removeAttribute("style");
    part.setAttribute("width", panelWidth);
    part.setAttribute("height", part === main.root ? mainHeight : stripHeight);
  }
  // the key: on the right of the panels, or under them, its entries wrapped to the room there is;
  // each gap's swatch is a small bar with its gap as the diagram draws it
  const key = svg("g", { "font-size": FONT });
  const left = narrow ? 8 : 436;
  const characters = narrow ? Math.floor((width - left - 20) / 7.5) : 24;
  const bar = (y, height) =>
    svg("rect", { x: left, y: y + 14 - height, width: 14, height, fill: colors.loss });
  const entries = [
    [(y) => [bar(y, 14)], "the bar: accuracy in the bin"],
    [(y) => [bar(y, 14), gapBox(left, y, 14, 6)], words.under],
    [(y) => [bar(y, 8), gapBox(left, y, 14, 6)], words.over],
    [(y) => [outline(left, y, 14, 14)], words.few],
  ];
  let y = narrow ? mainHeight + stripHeight + 20 : 40;
  for (const [swatch, label] of entries) {
    key.append(...swatch(y - 11));
    const lines = wrap(label, characters);
    for (const [i, line] of lines.entries()) {
      key.append(svg("text", { x: left + 20, y: y + 17 * i }, line));
    }
    y += 17 * lines.length + (narrow ? 6 : 12);
  }
  key.append(
    svg("line", {
      x1: left,
      x2: left + 14,
      y1: y - 4,
      y2: y - 4,
      stroke: colors.reference,
      "stroke-dasharray": "4 3",
    }),
    svg("text", { x: left + 20, y }, "perfect calibration"),
  );
  const height = narrow ? y + 8 : 496;
  figure.setAttribute("viewBox", `0 0 ${width} ${height}`);
  figure.append(main.root, strip.root, key);
  return figure;
}

function render({ model, el }) {
  const colors = model.get("colors");
  const words = model.get("words");
  const few = model.get("few_samples");
  const labels = unpack(model.get("labels"));
  const logits = unpack(model.get("logits"));
  const k = model.get("logits").shape[1];
  const nBins = model.get("n_bins");
  const control = slider({
    label: "temperature T",
    name: "log2_temperature",
    min: -2,
    max: 3,
    step: 0.01,
    value: Math.log2(model.get("temperature")),
    show: (v) => fixed(2 ** v, 2),
  });
  const numbers = Object.fromEntries(
    ["temperature", "NLL", "ECE", "accuracy"].map((name) => [name, readout(name)]),
  );
  const line = html(
    "p",
    { class: "lossacc-line" },
    "Validation set at T = ",
    numbers.temperature,
    ": NLL ",
    numbers.NLL,
    ", ECE ",
    numbers.ECE,
    ", accuracy ",
    numbers.accuracy,
  );
  const holder = html("div", { class: "lossacc-figure-holder" });
  el.append(control.element, line, holder);

  function update(t) {
    const result = calibrate(labels, logits, k, nBins, t);
    numbers.temperature.textContent = fixed(t, 2);
    numbers.NLL.textContent = fixed(result.nll, 3);
    numbers.ECE.textContent = decimals(result.ece, 3); // never a power of ten: see widgets.py
    numbers.accuracy.textContent = percent(result.accuracy, 1);
    const figure = drawReliability(
      result.bins,
      result.ece,
      colors,
      words,
      few,
      layoutWidth(holder),
    );
    figure.setAttribute(
      "aria-label",
      `Reliability diagram: accuracy against confidence per bin at ${line.textContent}.`,
    );
    replace(holder, figure);
  }
  follow(model, control, "temperature", (v) => 2 ** v, Math.log2, update);
  onResize(holder, () => update(2 ** Number(control.input.value)));
  live(el, "temperature");
}

export default { render };
