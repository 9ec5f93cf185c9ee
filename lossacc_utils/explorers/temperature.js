// The temperature explorer: softmax(logits / T) of recorded validation logits, its NLL, ECE and
// accuracy, and its reliability diagram. Mirrors calibration.apply_temperature,
// calibration.calibration_bins, calibration.expected_calibration_error and
// calibration.negative_log_likelihood.

/** Log-probabilities of softmax(logits / T), row by row, as calibration computes them. */
function scaledLogProbabilities(logits, n, k, t) {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * k, i * k + k);
    let top = -Infinity;
    for (const v of row) top = Math.max(top, v);
    const scaled = Array.from(row, (v) => (v - top) / t);
    let peak = -Infinity; // log_softmax subtracts the row's maximum again
    for (const v of scaled) peak = Math.max(peak, v);
    const log = Math.log(pairwiseSum(scaled.map((v) => Math.exp(v - peak))));
    for (let c = 0; c < k; c++) out[i * k + c] = scaled[c] - peak - log;
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

/**
 * The reliability diagram above the count of samples per bin, laid out for `width` px: at the
 * natural width, with the key on the right; narrower, the two panels across the whole width and
 * the key under them.
 */
function drawReliability(bins, colors, words, width) {
  const narrow = width < WIDE;
  const panelWidth = narrow ? width : 420;
  const [mainHeight, stripHeight] = [narrow ? 300 : 330, 166];
  const figure = svg("svg", {
    width: "100%",
    role: "img",
    class: "lossacc-figure",
    style: `max-width:${width}px`,
  });
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const main = frame({
    width: panelWidth,
    height: mainHeight,
    margin: { bottom: 12, top: 12 },
    x: { domain: [0, 1] },
    y: { domain: [0, 1], ticks, label: "accuracy", format: (t) => fixed(t, 1) },
  });
  const filled = bins.filter((b) => b.count > 0);
  const { sx, sy } = main;
  for (const b of filled) {
    const x = sx(b.lower) + 0.5;
    const w = sx(b.upper) - sx(b.lower) - 1;
    const low = Math.min(b.accuracy, b.confidence);
    const parts = [
      [0, low, "loss"],
      [b.confidence, b.accuracy, "under_confident"],
      [b.accuracy, b.confidence, "over_confident"],
    ];
    for (const [from, to, color] of parts) {
      if (to > from) {
        main.root.append(
          svg("rect", { x, width: w, y: sy(to), height: sy(from) - sy(to), fill: colors[color] }),
        );
      }
    }
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
    strip.root.append(
      svg("rect", { x, width: w, y: top, height: strip.sy(0.7) - top, fill: colors.reference }),
    );
  }
  main.root.setAttribute("y", 0);
  strip.root.setAttribute("y", mainHeight);
  for (const part of [main.root, strip.root]) {
    part.removeAttribute("role");
    part.removeAttribute("style");
    part.setAttribute("width", panelWidth);
    part.setAttribute("height", part === main.root ? mainHeight : stripHeight);
  }
  // the key: on the right of the panels, or under them, its entries wrapped to the room there is
  const key = svg("g", { "font-size": FONT });
  const left = narrow ? 8 : 436;
  const characters = narrow ? Math.floor((width - left - 20) / 7.5) : 24;
  const entries = [
    ["loss", "the bar: accuracy in the bin"],
    ["under_confident", words.under],
    ["over_confident", words.over],
  ];
  let y = narrow ? mainHeight + stripHeight + 20 : 40;
  for (const [color, label] of entries) {
    key.append(svg("rect", { x: left, y: y - 11, width: 14, height: 14, fill: colors[color] }));
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
    numbers.ECE.textContent = fixed(result.ece, 3);
    numbers.accuracy.textContent = percent(result.accuracy, 1);
    const figure = drawReliability(result.bins, colors, words, layoutWidth(holder));
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
