"""Helpers for the book *Why loss and accuracy disagree*.

One module per idea:

- `metrics`: cross-entropy and accuracy in NumPy, computed exactly as Keras computes them;
- `counterexample`: the prediction sets where the lower loss has the lower accuracy;
- `spreadsheet`: the counterexample as a spreadsheet with live formulas;
- `plots`: the book's figures (each function takes an `ax` and returns it);
- `widgets`: interactive explorers over the plotting functions;
- `resolution`: which metric Keras makes of "accuracy", read off real compiled models;
- `training`: small Keras models, what a training run records, loss and accuracy in weight space;
- `data`: small data sets made on the spot;
- `validation`: the argument checks every public function makes first.
"""

__version__ = "0.1.0"
