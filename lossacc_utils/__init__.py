"""Helpers for the book *Why loss and accuracy disagree*.

One module per idea:

- `metrics`: cross-entropy and accuracy in NumPy, computed exactly as Keras computes them;
- `counterexample`: the prediction sets where the lower loss has the lower accuracy;
- `spreadsheet`: the counterexample as a spreadsheet with live formulas;
- `plots`: the book's figures (each function takes an `ax` and returns it);
- `widgets`: interactive explorers over the plotting functions;
- `resolution`: which metric Keras makes of "accuracy", read off real compiled models;
- `training`: small Keras models, the over-training run, what a run records, loss in weight space;
- `data`: the data sets, with deterministic splits (scikit-learn's digits by default);
- `curves`: what a run's curves say: the best epoch, opposite moves, where the loss comes from;
- `calibration`: expected calibration error, per-bin statistics, temperature scaling;
- `validation`: the argument checks every public function makes first.
"""

__version__ = "0.1.0"
