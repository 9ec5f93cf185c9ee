"""Helpers for the book *Why loss and accuracy disagree*.

One module per idea:

- `metrics`: cross-entropy and accuracy in NumPy, computed as Keras computes them, in the dtype
  Keras computes in;
- `scores`: scores of a whole set of binary predictions: precision, recall, F1, balanced accuracy,
  ROC AUC;
- `counterexample`: the prediction sets where the lower loss has the lower accuracy;
- `spreadsheet`: the counterexample as a spreadsheet with live formulas;
- `plots`: the book's figures (each function takes an `ax` and returns it);
- `prose`: how a number reads in a sentence of the book (1.1 × 10⁻⁷, not 1.1e-07);
- `widgets`: the interactive explorers, which recompute in the reader's browser (on the static
  site too), with Python's numbers as their reference;
- `resolution`: which metric Keras makes of "accuracy", read off real compiled models;
- `training`: small Keras models, what `History`'s loss is batch by batch, loss in weight space,
  data kept in memory for `fit`;
- `overtraining`: the over-training experiment, a ConvNet trained far past its best epoch, and its
  configurations;
- `recording`: what a model predicts while it trains, read from its logits, and validation with
  the numbers Keras' own would give;
- `workers`: runs trained side by side in worker processes, one per core, each on one thread;
- `run_cache`: every over-training run trained once, and handed back when asked for again;
- `runs`: a training run as one checked, read-only record: its curves and its predictions;
- `data`: the data sets, with deterministic splits (scikit-learn's digits by default), and points
  in the plane whose best possible accuracy is known;
- `curves`: what a run's curves say: the best epoch, opposite moves, where the loss comes from;
- `uncertainty`: whether a number is bigger than its noise: intervals, paired changes, seed bands;
- `plateau`: an accuracy stuck while both losses fall: five causes, told apart by
  checks and experiments;
- `progress`: what a training cell shows as it runs (epochs done, time left) and when it is done;
- `calibration`: expected calibration error, per-bin statistics, temperature scaling;
- `remedies`: what each remedy for over-training fixes and costs, measured over seeds against no
  remedy;
- `folding`: an IPython extension that keeps an exercise's solution output folded after Run All;
- `variants`: each student's own numbers for the course assignments, drawn from their student id;
- `validation`: the argument checks every public function makes first;
- `contracts`: a function's arguments declared once, checked at the door from that declaration,
  from which the tests generate arguments at and beyond every boundary;
- `fingerprint`: the digest of this package's source that keeps stored results honest.
"""

__all__ = ["__version__"]  # the modules are imported by name: `from lossacc_utils import metrics`

__version__ = "0.1.0"
