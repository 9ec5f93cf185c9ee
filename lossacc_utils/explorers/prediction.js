// The prediction explorer: two sets of three samples, each slider the probability a sample gives
// its true class. Mirrors widgets.explorer_sets and counterexample.PredictionSet.

const EPSILON = 1e-7; // Keras clips probabilities to [EPSILON, 1 - EPSILON] before the log

/** One set, as explorer_sets makes it: sample i has true class i mod k. */
function predictionSet(name, pTrue, k) {
  const samples = pTrue.map((p, i) => {
    const truth = i % k;
    const row = Array.from({ length: k }, (_, c) => (c === truth ? p : (1 - p) / (k - 1)));
    const sum = pairwiseSum(row); // NumPy's row sum, pairwise from 8 classes on
    const clipped = row.map((v) => Math.min(Math.max(v / sum, EPSILON), 1 - EPSILON));
    const predicted = row.indexOf(Math.max(...row)); // ties go to the smallest class index
    return { p, loss: -Math.log(clipped[truth]), correct: predicted === truth };
  });
  const total = pairwiseSum(samples.map((s) => s.loss)); // and np.mean's sum
  const accuracy = samples.filter((s) => s.correct).length / samples.length;
  return { name, samples, loss: total / samples.length, accuracy };
}

/** counterexample.verdict, word for word. */
function verdictOf(a, b) {
  if ((a.loss - b.loss) * (a.accuracy - b.accuracy) > 0) {
    const [byLoss, byAccuracy] = a.loss < b.loss ? [a, b] : [b, a];
    return {
      disagree: true,
      text: `Disagree: the loss prefers ${byLoss.name}; the accuracy prefers ${byAccuracy.name}`,
    };
  }
  return { disagree: false, text: "Loss and accuracy do not contradict each other" };
}

/**
 * The bars of both sets, laid out for `width` px: at the natural width, the key on one line and
 * each bar labelled "loss 0.11"; narrower, the key on four lines, the bars labelled with their
 * loss alone and each set's summary on two lines, so that no label runs into the next. The line
 * at 1/k: a sample above it is correct here, where the rest of its probability is split equally
 * among the other classes (explorer_sets), not in general.
 */
function drawSets(sets, k, colors, width) {
  const narrow = width < WIDE;
  const keyRows = narrow ? 4 : 1;
  const { root, sx, sy, area } = frame({
    width,
    height: narrow ? 340 : 300,
    margin: { bottom: narrow ? 74 : 58, top: 8 + 18 * keyRows, left: narrow ? 62 : 56 },
    x: { domain: [-0.7, 6.7] },
    y: {
      domain: [0, 1.1],
      ticks: [0, 0.25, 0.5, 0.75, 1],
      label: "probability of the true class",
      format: (t) => fixed(t, 2),
    },
  });
  const chance = sy(1 / k);
  root.append(
    svg("line", {
      x1: area.left,
      x2: area.right,
      y1: chance,
      y2: chance,
      stroke: colors.reference,
      "stroke-dasharray": "5 4",
    }),
  );
  sets.forEach((set, g) => {
    const first = 4 * g;
    set.samples.forEach((s, i) => {
      const left = sx(first + i - 0.4);
      const right = sx(first + i + 0.4);
      root.append(
        svg("rect", {
          x: left,
          width: right - left,
          y: sy(s.p),
          height: sy(0) - sy(s.p),
          fill: colors[s.correct ? "correct" : "wrong"],
        }),
        svg(
          "text",
          { x: sx(first + i), y: sy(s.p) - 5, "text-anchor": "middle", ...HALO },
          narrow ? fixed(s.loss, 2) : `loss ${fixed(s.loss, 2)}`,
        ),
      );
    });
    const middle = sx(first + 1);
    const summary = narrow
      ? [`loss ${fixed(set.loss, 3)}`, `accuracy ${percent(set.accuracy, 0)}`]
      : [`loss ${fixed(set.loss, 3)} · accuracy ${percent(set.accuracy, 0)}`];
    for (const [j, text] of [`set ${set.name}`, ...summary].entries()) {
      root.append(
        svg(
          "text",
          { x: middle, y: area.bottom + 20 + 18 * j, "text-anchor": "middle", "font-size": FONT },
          text,
        ),
      );
    }
  });
  const key = svg("g", { "font-size": FONT });
  const keyLeft = narrow ? 4 : area.left + 8;
  [
    ["correct", "correct"],
    ["wrong", "wrong"],
  ].forEach(([color, label], i) => {
    const x = keyLeft + 80 * i;
    key.append(
      svg("rect", { x, y: 2, width: 12, height: 12, fill: colors[color] }),
      svg("text", { x: x + 17, y: 13 }, label),
    );
  });
  const [x, y] = narrow ? [keyLeft, 18] : [area.left + 190, 0];
  key.append(
    svg("line", {
      x1: x,
      x2: x + 24,
      y1: y + 8,
      y2: y + 8,
      stroke: colors.reference,
      "stroke-dasharray": "5 4",
    }),
  );
  const chanceWords = [`1/${k}: above it, correct`, "(the rest split equally)"];
  for (const [i, text] of (narrow ? chanceWords : [chanceWords.join(" ")]).entries()) {
    key.append(svg("text", { x: x + 30, y: y + 13 + 18 * i }, text));
  }
  if (narrow) {
    key.append(svg("text", { x: keyLeft, y: 54 + 13 }, "over each bar: its sample's loss"));
  }
  root.append(key);
  return root;
}

function render({ model, el }) {
  const colors = model.get("colors");
  const k = model.get("n_classes");
  const names = ["A", "B"];
  const traits = { A: "p_true_a", B: "p_true_b" };
  const values = { A: [...model.get("p_true_a")], B: [...model.get("p_true_b")] };
  const sliders = { A: [], B: [] };
  const columns = html("div", { class: "lossacc-columns" });
  for (const name of names) {
    const group = html("fieldset", {}, html("legend", {}, `set ${name}`));
    values[name].forEach((value, i) => {
      const s = slider({
        label: `set ${name}, sample ${i + 1}: probability of its true class`,
        text: `sample ${i + 1}`,
        name: `${traits[name]}[${i}]`,
        min: 0.01,
        max: 0.99,
        step: 0.01,
        value,
        show: (v) => fixed(v, 2),
      });
      s.input.addEventListener("input", () => {
        values[name][i] = Number(s.input.value);
        update();
      });
      s.input.addEventListener("change", () => commit(model, traits[name], [...values[name]]));
      sliders[name].push(s);
      group.append(s.element);
    });
    columns.append(group);
  }
  const numbers = {};
  const rows = names.map((name) => {
    numbers[`${name} loss`] = readout(`${name} loss`);
    numbers[`${name} accuracy`] = readout(`${name} accuracy`);
    return html(
      "tr",
      {},
      html("th", { scope: "row" }, `set ${name}`),
      html("td", {}, numbers[`${name} loss`]),
      html("td", {}, numbers[`${name} accuracy`]),
    );
  });
  const table = html(
    "table",
    { class: "lossacc-table" },
    html("tr", {}, html("th", {}, ""), html("th", {}, "mean loss"), html("th", {}, "accuracy")),
    rows,
  );
  numbers.verdict = readout("verdict");
  const sentence = html("p", { class: "lossacc-verdict" }, numbers.verdict);
  const holder = html("div", { class: "lossacc-figure-holder" });
  const hint = html(
    "p",
    { class: "lossacc-line" },
    "Each slider is the probability a sample gives its true class.",
  );
  el.append(hint, columns, html("div", { class: "lossacc-summary" }, table, sentence), holder);

  function update() {
    const sets = names.map((name) => predictionSet(name, values[name], k));
    for (const set of sets) {
      numbers[`${set.name} loss`].textContent = fixed(set.loss, 3);
      numbers[`${set.name} accuracy`].textContent = percent(set.accuracy, 0);
    }
    const verdict = verdictOf(...sets);
    numbers.verdict.textContent = `${verdict.text}.`;
    sentence.style.color = colors[verdict.disagree ? "disagree" : "agree"];
    const figure = drawSets(sets, k, colors, layoutWidth(holder));
    const described = sets
      .map(
        (s) =>
          `${s.name}: ${s.samples.map((x) => fixed(x.p, 2)).join(", ")}, mean loss ` +
          `${fixed(s.loss, 3)}, accuracy ${percent(s.accuracy, 0)}`,
      )
      .join("; ");
    figure.setAttribute(
      "aria-label",
      `Bars of the probability each sample gives its true class. ${described}.`,
    );
    replace(holder, figure);
  }

  for (const name of names) {
    model.on(`change:${traits[name]}`, () => {
      values[name] = [...model.get(traits[name])];
      values[name].forEach((v, i) => {
        sliders[name][i].input.value = v;
        sliders[name][i].refresh();
      });
      update();
    });
  }
  update();
  onResize(holder, update);
  live(el, "prediction");
}

export default { render };
