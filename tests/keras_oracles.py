"""Keras itself, driven over recorded numbers: the oracles more than one test file asks."""

import numpy as np


def keras_early_stopping(values, monitor="val_loss", patience=10, min_delta=0.0, mode=None):
    """Keras' own EarlyStopping, driven over a recorded curve: where it stops, what is best.

    `mode` defaults to what mode="auto" resolves to for a loss or an accuracy.
    """
    import keras

    mode = mode or ("max" if "acc" in monitor else "min")
    callback = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, min_delta=min_delta, mode=mode
    )
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.stop_training = False  # fit sets this; EarlyStopping turns it on to stop
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(np.asarray(values, dtype=float)):
        callback.on_epoch_end(epoch, {monitor: float(value)})
        if model.stop_training:
            return {"stopped_epoch": epoch + 1, "best_epoch": callback.best_epoch + 1}
    return {"stopped_epoch": len(values), "best_epoch": callback.best_epoch + 1}
