// The threshold explorer: a binary classifier's scores at any decision threshold. Mirrors
// metrics.binary_accuracy and the scores module: a score above the threshold predicts class 1, the
// threshold rounded to float32 first, as Keras rounds a Python float. The accuracy compares each
// score in its own dtype, as keras.metrics.binary_accuracy does; the other four compare it rounded
// to float32, as Keras' Precision and Recall do.

const SCORES = [
  ["accuracy", "accuracy"],
  ["balanced accuracy", "balanced_accuracy"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["F1", "f1"],
];

function scoresAt(labels, values, threshold) {
  const t = Math.fround(threshold);
  let [tp, fp, fn, tn] = [0, 0, 0, 0];
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    if (values[i] > t === (labels[i] === 1)) right++;
    const predicted = Math.fround(values[i]) > t;
    if (labels[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  const ratio = (a, b) => (b ? a / b : 0);
  const recalls = [];
  if (tp + fn) recalls.push(tp / (tp + fn));
  if (tn + fp) recalls.push(tn / (tn + fp));
  return {
    accuracy: right / labels.length,
    "balanced accuracy": pairwiseSum(recalls) / recalls.length,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    F1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

/**
 * The five scores against the threshold, laid out for `width` px: at the natural width, the key on
 * the right; narrower, the curves across the whole width, the axis's label on two lines and the
 * key in two columns under them.
 */
function drawSweep(sweep, threshold, current, colors, width) {
  const narrow = width < WIDE;
  const height = 330;
  const { root, sx, sy, area } = frame({
    width,
    height,
    margin: { right: narrow ? 14 : 178, top: 14, bottom: narrow ? 60 : 44 },
    x: {
      domain: [0, 1],
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
      format: (t) => fixed(t, 1),
      label: `decision threshold:${narrow ? "\n" : " "}scores above it predict the rare class`,
    },
    y: { domain: [0, 1.02], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], format: (t) => fixed(t, 1) },
  });
  const grid = sweep.map((s) => s.threshold);
  root.append(
    svg("line", {
      x1: sx(threshold),
      x2: sx(threshold),
      y1: area.top,
      y2: area.bottom,
      stroke: colors.reference,
    }),
  );
  SCORES.forEach(([name, color], i) => {
    const ys = sweep.map((s) => s.scores[name]);
    root.append(
      svg("path", {
        d: path(grid, ys, sx, sy),
        fill: "none",
        stroke: colors[color],
        "stroke-width": 2,
      }),
      svg("circle", { cx: sx(threshold), cy: sy(current[name]), r: 4, fill: colors[color] }),
    );
    // the key's entry: a column on the right, or two columns under the axis
    const [x, y] = narrow
      ? [8 + (i % 2) * Math.floor(width / 2), height + 16 + 22 * Math.floor(i / 2)]
      : [area.right + 10, area.top + 12 + 22 * i];
    root.append(
      svg("line", {
        x1: x,
        x2: x + 20,
        y1: y - 4,
        y2: y - 4,
        stroke: colors[color],
        "stroke-width": 2,
      }),
      svg("text", { x: x + 25, y, "font-size": FONT }, name),
    );
  });
  if (narrow) {
    const rows = Math.ceil(SCORES.length / 2);
    root.setAttribute("viewBox", `0 0 ${width} ${height + 22 * rows + 4}`);
  }
  return root;
}

function render({ model, el }) {
  const colors = model.get("colors");
  const labels = unpack(model.get("labels"));
  const values = unpack(model.get("scores"));
  const sweep = [];
  for (let i = 1; i <= 99; i++) {
    const threshold = i / 100;
    sweep.push({ threshold, scores: scoresAt(labels, values, threshold) });
  }
  const control = slider({
    label: "decision threshold",
    name: "threshold",
    min: 0.01,
    max: 0.99,
    step: 0.01,
    value: model.get("threshold"),
    show: (v) => fixed(v, 2),
  });
  const numbers = {};
  const cells = SCORES.map(([name]) => {
    numbers[name] = readout(name);
    return html("td", {}, numbers[name]);
  });
  const table = html(
    "table",
    { class: "lossacc-table" },
    html(
      "tr",
      {},
      SCORES.map(([name]) => html("th", {}, name)),
    ),
    html("tr", {}, cells),
  );
  const holder = html("div", { class: "lossacc-figure-holder" });
  el.append(control.element, table, holder);

  function update(threshold) {
    const current = scoresAt(labels, values, threshold);
    for (const [name] of SCORES) numbers[name].textContent = fixed(current[name], 3);
    const figure = drawSweep(sweep, threshold, current, colors, layoutWidth(holder));
    const said = SCORES.map(([name]) => `${name} ${fixed(current[name], 3)}`).join(", ");
    figure.setAttribute(
      "aria-label",
      `Five scores against the decision threshold; at threshold ${fixed(threshold, 2)}: ${said}.`,
    );
    replace(holder, figure);
  }
  follow(
    model,
    control,
    "threshold",
    (v) => v,
    (v) => v,
    update,
  );
  onResize(holder, () => update(Number(control.input.value)));
  live(el, "threshold");
}

export default { render };
