// The threshold explorer: a binary classifier's scores at any decision threshold. Mirrors
// metrics.binary_accuracy and the scores module: a score above the threshold predicts class 1,
// the threshold rounded to float32 first, as Keras rounds a Python float.

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
  for (let i = 0; i < labels.length; i++) {
    const predicted = values[i] > t;
    if (labels[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  const ratio = (a, b) => (b ? a / b : 0);
  const recalls = [];
  if (tp + fn) recalls.push(tp / (tp + fn));
  if (tn + fp) recalls.push(tn / (tn + fp));
  return {
    accuracy: (tp + tn) / labels.length,
    "balanced accuracy": pairwiseSum(recalls) / recalls.length,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    F1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

function drawSweep(sweep, threshold, current, colors) {
  const { root, sx, sy, area } = frame({
    width: 640,
    height: 330,
    margin: { right: 178, top: 14 },
    x: {
      domain: [0, 1],
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
      format: (t) => fixed(t, 1),
      label: "decision threshold: scores above it predict the rare class",
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
    const y = area.top + 12 + 22 * i;
    root.append(
      svg("line", {
        x1: area.right + 10,
        x2: area.right + 30,
        y1: y - 4,
        y2: y - 4,
        stroke: colors[color],
        "stroke-width": 2,
      }),
      svg("text", { x: area.right + 35, y, "font-size": FONT }, name),
    );
  });
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
    const figure = drawSweep(sweep, threshold, current, colors);
    const said = SCORES.map(([name]) => `${name} ${fixed(current[name], 3)}`).join(", ");
    figure.setAttribute(
      "aria-label",
      `Five scores against the decision threshold; at threshold ${fixed(threshold, 2)}: ${said}.`,
    );
    replace(holder, figure);
  }
  follow(model, control, "threshold", (v) => v, (v) => v, update);
  live(el, "threshold");
}

export default { render };
