// The epoch explorer: a recorded over-training run, scrubbed epoch by epoch. At each recorded
// epoch: the validation loss split into what the right and the wrong images contribute, the
// histogram of each image's probability for its true class, and the costliest images. Mirrors
// curves.loss_by_correctness and curves.costliest_samples.

const HISTOGRAM_BINS = 20;

/** Everything shown at the recorded epoch number `index` (0 for the first recorded epoch). */
function atEpoch(data, index) {
  const { labels, trueLogP, predicted, n } = data;
  const losses = new Float64Array(n);
  let wrong = 0;
  const histogram = {
    right: new Array(HISTOGRAM_BINS).fill(0),
    wrong: new Array(HISTOGRAM_BINS).fill(0),
  };
  for (let i = 0; i < n; i++) {
    const loss = -trueLogP[index * n + i];
    losses[i] = loss;
    const correct = predicted[index * n + i] === labels[i];
    const bin = Math.min(Math.floor(Math.exp(-loss) * HISTOGRAM_BINS), HISTOGRAM_BINS - 1);
    histogram[correct ? "right" : "wrong"][bin] += 1;
    if (!correct) wrong += 1;
  }
  // sums of each group in sample order, as NumPy sums a masked array
  const right = losses.filter((_, i) => predicted[index * n + i] === labels[i]);
  const missed = losses.filter((_, i) => predicted[index * n + i] !== labels[i]);
  const fromRight = pairwiseSum(right) / n;
  const fromWrong = pairwiseSum(missed) / n;
  const order = Array.from(losses.keys()).sort((a, b) => losses[b] - losses[a] || a - b);
  const costliest = order.slice(0, data.k).map((sample) => ({
    sample,
    truth: labels[sample],
    predicted: predicted[index * n + sample],
    loss: losses[sample],
  }));
  return {
    loss: pairwiseSum(losses) / n,
    fromRight,
    fromWrong,
    wrong,
    accuracy: (n - wrong) / n,
    histogram,
    costliest,
  };
}

/**
 * A validation curve on a log scale of epochs, with `epoch` marked. Its vertical axis holds the
 * curve from the best epoch on (what the explorer is about); earlier epochs may run off the top
 * or the bottom, clipped at the panel's edge. The panel is `width` px wide, its top left corner at
 * (x0, y0) in the figure.
 */
function curvePanel(data, epoch, name, values, colors, [x0, y0, width], format) {
  const epochs = values.map((_, i) => i + 1);
  const later = values.slice(data.best - 1).filter((v) => !Number.isNaN(v));
  const [low, high] = [Math.min(...later), Math.max(...later)];
  const pad = Math.max((high - low) * 0.25, Math.abs(high) * 0.02);
  // accuracies on whole half-percents, so that the ticks read as round numbers
  const halfPercents = [Math.floor((low - pad) * 200) / 200, Math.ceil((high + pad) * 200) / 200];
  const domain =
    name === "loss"
      ? [0, high + pad]
      : [Math.max(halfPercents[0], 0), Math.min(halfPercents[1], 1)];
  // the loss on round steps, the accuracy on half-percents
  const lossStep = niceStep(domain[1] / 3);
  const ticks =
    name === "loss"
      ? Array.from({ length: Math.floor(domain[1] / lossStep) + 1 }, (_, i) => i * lossStep)
      : [domain[0], Math.round(((domain[0] + domain[1]) / 2) * 200) / 200, domain[1]];
  const { root, sx, sy, area } = frame({
    width,
    height: 170,
    margin: { top: 26, left: 56, bottom: 40 },
    title: `validation ${name}`,
    x: {
      domain: [1, epochs.length],
      ticks: data.curveTicks,
      label: "epoch (log scale)",
      log: true,
    },
    y: { domain, ticks, format },
  });
  const clip = `lossacc-clip-${name}-${data.id}`;
  root.append(
    svg(
      "clipPath",
      { id: clip },
      svg("rect", {
        x: area.left,
        y: area.top,
        width: area.right - area.left,
        height: area.bottom - area.top,
      }),
    ),
    svg("path", {
      d: path(epochs, values, sx, sy),
      fill: "none",
      stroke: colors[name],
      "stroke-width": 1.6,
      "stroke-dasharray": "5 3",
      "clip-path": `url(#${clip})`,
    }),
    svg("line", {
      x1: sx(epoch),
      x2: sx(epoch),
      y1: area.top,
      y2: area.bottom,
      stroke: colors.reference,
    }),
  );
  const value = values[epoch - 1];
  if (value >= domain[0] && value <= domain[1]) {
    root.append(svg("circle", { cx: sx(epoch), cy: sy(value), r: 4, fill: colors[name] }));
  }
  root.setAttribute("x", x0);
  root.setAttribute("y", y0);
  return root;
}

/**
 * Everything the explorer shows of one epoch, laid out for `width` px. At the natural width: the
 * two curves side by side, each key beside its title, the costliest images in one row. Narrower:
 * the curves one above the other, each key on the line under its title, the images three a row.
 */
function drawEpoch(data, index, state, colors, width) {
  const narrow = width < WIDE;
  const epoch = data.epochs[index];
  const figure = svg("svg", {
    width: "100%",
    role: "img",
    class: "lossacc-figure",
    style: `max-width:${width}px`,
  });
  const [panelWidth, second] = narrow ? [width, [0, 180]] : [310, [330, 0]];
  const panels = [
    curvePanel(data, epoch, "loss", data.valLoss, colors, [0, 0, panelWidth], (t) => fixed(t, 2)),
    curvePanel(data, epoch, "accuracy", data.valAccuracy, colors, [...second, panelWidth], (t) =>
      percent(t, 1),
    ),
  ];
  for (const panel of panels) {
    panel.removeAttribute("role");
    panel.removeAttribute("style");
    panel.setAttribute("width", panelWidth);
    panel.setAttribute("height", 170);
  }
  figure.append(...panels);
  let top = narrow ? 364 : 184; // where the next part starts
  // a key's row: under the title on a narrow figure, or beside it
  const keyRow = narrow ? 20 : 0;

  // where the loss comes from: one bar, on a scale that holds every recorded epoch
  const split = svg("g", { transform: `translate(0 ${top})`, "font-size": FONT });
  const barEnd = width - 20;
  const bar = scale([0, data.largestLoss], [56, barEnd]);
  split.append(
    svg("text", { x: 0, y: 14, "font-weight": "bold" }, "where the validation loss comes from"),
  );
  const parts = [
    [0, state.fromRight, "correct"],
    [state.fromRight, state.fromRight + state.fromWrong, "wrong"],
  ];
  for (const [from, to, color] of parts) {
    const [left, right] = [
      bar(Math.min(from, data.largestLoss)),
      bar(Math.min(to, data.largestLoss)),
    ];
    split.append(
      svg("rect", {
        x: left,
        y: 24 + keyRow,
        width: right - left,
        height: 20,
        fill: colors[color],
      }),
    );
  }
  const splitKey = svg("g", { transform: `translate(0 ${keyRow})` });
  [
    ["correct", `right images ${fixed(state.fromRight, 3)}`, narrow ? 0 : 318],
    ["wrong", `wrong images ${fixed(state.fromWrong, 3)}`, narrow ? 150 : 484],
  ].forEach(([color, label, x]) => {
    splitKey.append(
      svg("rect", { x, y: 3, width: 12, height: 12, fill: colors[color] }),
      svg("text", { x: x + 17, y: 14 }, label),
    );
  });
  split.append(splitKey);
  if (state.fromRight + state.fromWrong > data.largestLoss) {
    split.append(
      svg(
        "text",
        { x: barEnd - 4, y: 39 + keyRow, "text-anchor": "end", ...HALO },
        "off the scale →",
      ),
    );
  }
  const axis = 48 + keyRow;
  split.append(svg("line", { x1: 56, x2: barEnd, y1: axis, y2: axis, stroke: "#333" }));
  for (const t of data.splitTicks) {
    split.append(
      svg("line", { x1: bar(t), x2: bar(t), y1: axis, y2: axis + 4, stroke: "#333" }),
      svg("text", { x: bar(t), y: axis + 18, "text-anchor": "middle" }, fixed(t, 2)),
    );
  }
  figure.append(split);
  top += 78 + keyRow;

  // the histogram of p(true class), right and wrong images stacked, on a log scale of counts
  const most = Math.max(data.histogramPeak, 1);
  const histTitle = "each image's probability for its true class";
  const hist = frame({
    width,
    height: 200 + keyRow,
    margin: { top: 26 + keyRow, bottom: 40, left: 52 },
    title: narrow ? undefined : histTitle,
    x: {
      domain: [0, 1],
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
      format: (t) => fixed(t, 1),
      label: "p(true class)",
    },
    y: {
      domain: [0.7, 2 * most],
      ticks: [1, 10, 100, 1000].filter((t) => t < 2 * most),
      log: true,
      label: "images",
    },
  });
  if (narrow) {
    const at = { x: 0, y: 16, "font-size": FONT, "font-weight": "bold", fill: "#333" };
    hist.root.append(svg("text", at, histTitle));
  }
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    // two bars per bin, the right images then the wrong ones: a log axis cannot stack them
    const left = hist.sx(b / HISTOGRAM_BINS) + 0.5;
    const half = (hist.sx((b + 1) / HISTOGRAM_BINS) - hist.sx(b / HISTOGRAM_BINS) - 1) / 2;
    [
      [state.histogram.right[b], "correct"],
      [state.histogram.wrong[b], "wrong"],
    ].forEach(([count, color], j) => {
      if (!count) return;
      const barTop = hist.sy(count);
      hist.root.append(
        svg("rect", {
          x: left + j * half,
          width: half,
          y: barTop,
          height: hist.sy(0.7) - barTop,
          fill: colors[color],
        }),
      );
    });
  }
  const key = svg("g", { "font-size": FONT });
  [
    ["correct", "right images"],
    ["wrong", "wrong images"],
  ].forEach(([color, label], j) => {
    const x = (narrow ? 0 : 420) + 110 * j;
    key.append(
      svg("rect", { x, y: 6 + keyRow, width: 12, height: 12, fill: colors[color] }),
      svg("text", { x: x + 17, y: 17 + keyRow }, label),
    );
  });
  hist.root.append(key);
  hist.root.setAttribute("y", top);
  hist.root.setAttribute("width", width);
  hist.root.setAttribute("height", 200 + keyRow);
  hist.root.removeAttribute("role");
  hist.root.removeAttribute("style");
  figure.append(hist.root);
  top += 222 + keyRow;

  // the costliest images, costliest first: in one row, or three a row
  const gallery = svg("g", { transform: `translate(0 ${top})`, "font-size": FONT });
  gallery.append(
    svg("text", { x: 0, y: 14, "font-weight": "bold" }, `the ${data.k} costliest images`),
  );
  const perRow = narrow ? Math.min(3, data.k) : data.k;
  const step = width / perRow;
  const size = Math.min(80, step - 16);
  const rowHeight = size + 52;
  state.costliest.forEach((c, j) => {
    const x0 = (j % perRow) * step + (step - size) / 2;
    const y0 = 24 + Math.floor(j / perRow) * rowHeight;
    const pixels = data.images.get(c.sample);
    const side = data.imageShape[0];
    const cell = size / side;
    const image = svg("g", { transform: `translate(${x0} ${y0})` });
    for (let r = 0; r < side; r++) {
      for (let q = 0; q < data.imageShape[1]; q++) {
        const v = 255 - pixels[r * data.imageShape[1] + q];
        image.append(
          svg("rect", {
            x: q * cell,
            y: r * cell,
            width: cell + 0.3,
            height: cell + 0.3,
            fill: `rgb(${v},${v},${v})`,
          }),
        );
      }
    }
    image.append(
      svg("rect", { width: size, height: size, fill: "none", stroke: colors.reference }),
    );
    const middle = x0 + size / 2;
    gallery.append(
      image,
      svg(
        "text",
        {
          x: middle,
          y: y0 + size + 18,
          "text-anchor": "middle",
          "data-readout": `costliest ${j + 1}`,
        },
        `true ${c.truth}, said ${c.predicted}`,
      ),
      svg(
        "text",
        {
          x: middle,
          y: y0 + size + 34,
          "text-anchor": "middle",
          "data-readout": `costliest ${j + 1} loss`,
        },
        `loss ${fixed(c.loss, 2)}`,
      ),
    );
  });
  figure.append(gallery);
  const rows = Math.ceil(data.k / perRow);
  const height = narrow ? Math.ceil(top + 24 + (rows - 1) * rowHeight + size + 44) : 660;
  figure.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return figure;
}

function render({ model, el }) {
  const colors = model.get("colors");
  const epochs = model.get("epochs");
  const position = (epoch) => Math.max(epochs.indexOf(epoch), 0); // the slider runs over them
  const labels = unpack(model.get("labels"));
  const imagesPacked = model.get("images");
  const pixels = unpack(imagesPacked);
  const imageShape = imagesPacked.shape.slice(1);
  const size = imageShape[0] * imageShape[1];
  const images = new Map(
    model
      .get("image_samples")
      .map((sample, j) => [sample, pixels.subarray(j * size, (j + 1) * size)]),
  );
  const valLoss = model.get("val_loss").map((v) => (v === null ? NaN : v));
  const data = {
    epochs,
    labels,
    n: labels.length,
    trueLogP: unpack(model.get("true_log_p")),
    predicted: unpack(model.get("predicted")),
    k: model.get("k"),
    images,
    imageShape,
    valLoss,
    valAccuracy: model.get("val_accuracy").map((v) => (v === null ? NaN : v)),
  };
  const last = valLoss.length;
  data.curveTicks = [1, 10, 100, 1000].filter((t) => t < last * 0.7).concat([last]);
  data.best = model.get("best_epoch");
  data.id = Math.random().toString(36).slice(2);
  const states = epochs.map((_, i) => atEpoch(data, i));
  // the bar's scale holds the loss from the best epoch on; earlier epochs may run off its end
  const fromBest = states.filter((_, i) => epochs[i] >= data.best);
  data.largestLoss = Math.max(...fromBest.map((s) => s.fromRight + s.fromWrong)) * 1.05;
  const step = niceStep(data.largestLoss / 4);
  data.splitTicks = Array.from(
    { length: Math.floor(data.largestLoss / step) + 1 },
    (_, i) => i * step,
  );
  data.histogramPeak = Math.max(
    ...states.flatMap((s) => [...s.histogram.right, ...s.histogram.wrong]),
  );

  const control = slider({
    label: "epoch",
    name: "epoch",
    min: 0,
    max: epochs.length - 1,
    step: 1,
    value: position(model.get("epoch")),
    show: (i) => String(epochs[i]),
  });
  const numbers = Object.fromEntries(
    ["epoch", "loss", "from correct", "from wrong", "wrong", "accuracy"].map((n) => [
      n,
      readout(n),
    ]),
  );
  const line = html(
    "p",
    { class: "lossacc-line" },
    "Epoch ",
    numbers.epoch,
    ": validation loss ",
    numbers.loss,
    " = ",
    numbers["from correct"],
    " from the right images + ",
    numbers["from wrong"],
    " from the ",
    numbers.wrong,
    " wrong ones; accuracy ",
    numbers.accuracy,
  );
  const holder = html("div", { class: "lossacc-figure-holder" });
  el.append(control.element, line, holder);

  function update(epoch) {
    const index = position(epoch);
    const state = states[index];
    numbers.epoch.textContent = String(epochs[index]);
    numbers.loss.textContent = fixed(state.loss, 3);
    numbers["from correct"].textContent = fixed(state.fromRight, 3);
    numbers["from wrong"].textContent = fixed(state.fromWrong, 3);
    numbers.wrong.textContent = String(state.wrong);
    numbers.accuracy.textContent = percent(state.accuracy, 1);
    const figure = drawEpoch(data, index, state, colors, layoutWidth(holder));
    const costliest = state.costliest
      .map((c) => `a ${c.truth} said to be a ${c.predicted}`)
      .join(", ");
    figure.setAttribute(
      "aria-label",
      `${line.textContent}. The validation curves with epoch ${epochs[index]} marked, the split ` +
        `of the loss, the histogram of each image's probability for its true class, and the ` +
        `costliest images: ${costliest}.`,
    );
    replace(holder, figure);
  }
  follow(model, control, "epoch", (i) => epochs[i], position, update);
  onResize(holder, () => update(epochs[Number(control.input.value)]));
  live(el, "epochs");
}

export default { render };
