"""`lossacc_utils.overtraining` on small, fast configurations: what a run records, its settings,
and the cache that keeps a run from being trained twice."""

import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lossacc_utils import fingerprint, overtraining, run_cache, workers
from lossacc_utils.recording import ProbabilityRecorder
from lossacc_utils.runs import Run


def test_run_overtraining_records_history_and_probabilities():
    run = overtraining.run_overtraining(seed=0, n_train=60, n_val=40, epochs=6, record_every=2)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(run.curve(key)) == 6 and np.isfinite(run.curve(key)).all()
    assert {2, 4, 6} <= set(run.val_probabilities)
    assert run.seed == 0
    p = run.val_probabilities[6]
    assert p.shape == (40, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    from lossacc_utils import metrics

    recomputed = metrics.sparse_categorical_crossentropy(run.y_val, p).mean()
    assert recomputed == pytest.approx(run.val_loss[-1], rel=1e-4)  # val_loss is this epoch's
    log_p = run.val_log_probabilities[6]
    np.testing.assert_allclose(np.exp(log_p), p)
    assert run.config["epochs"] == 6 and run.seconds > 0


def test_recorded_log_probabilities_give_keras_val_loss_even_past_the_clip():
    """A prediction of e^-100 for the truth: recomputed from probabilities its loss is capped at
    16.1, but the recorder's log-probabilities give 100, the loss Keras itself reports."""
    import keras

    from lossacc_utils import curves, metrics

    layer = keras.layers.Dense(
        3,
        activation="softmax",
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant([0.0, 100.0, 0.0]),
    )
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    x, y = np.ones((2, 1), "float32"), np.array([0, 1])
    recorder = ProbabilityRecorder(x)
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[recorder])
    run = Run(history.history, y_val=y, val_log_probabilities=recorder.log_probabilities)
    assert curves.loss_by_correctness(run).loc[1, "loss"] == pytest.approx(50.0, rel=1e-5)
    assert history.history["val_loss"][0] == pytest.approx(50.0, rel=1e-5)
    clipped = metrics.sparse_categorical_crossentropy(y, recorder.probabilities[1]).mean()
    assert clipped == pytest.approx(-np.log(1e-7) / 2, rel=1e-4)


def test_the_recorder_reads_the_logits_of_a_one_layer_softmax_model():
    """Softmax regression: the last layer takes the model's input itself. Its log-probabilities
    are log_softmax(x W + b), the closed form, and give the loss Keras reports."""
    import keras

    layer = keras.layers.Dense(
        3,
        activation="softmax",
        kernel_initializer=keras.initializers.Constant(2.0),
        bias_initializer=keras.initializers.Constant([0.0, 80.0, 0.0]),
    )
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    x, y = np.array([[1.0, 0.0], [0.0, 3.0]], "float32"), np.array([0, 1])
    recorder = ProbabilityRecorder(x)
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[recorder])
    logits = x @ np.full((2, 3), 2.0) + [0.0, 80.0, 0.0]
    expected = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1))[:, None]
    expected -= logits.max(1, keepdims=True)
    np.testing.assert_allclose(recorder.log_probabilities[1], expected, rtol=1e-5)
    loss = -recorder.log_probabilities[1][[0, 1], y].mean()
    assert loss == pytest.approx(history.history["val_loss"][0], rel=1e-5)


def test_the_convnet_has_an_output_per_class_of_the_data_set_not_per_class_seen():
    """Two training images hold at most two of digits' ten classes: the network still has ten
    outputs, and a split's n_classes is 10 whatever its labels."""
    run = overtraining.run_overtraining(
        seed=3, n_train=2, n_val=3, n_test=1, epochs=1, batch_size=2, record_every=1
    )
    assert run.val_log_probabilities[1].shape == (3, 10)


@pytest.mark.trains
def test_run_overtraining_is_deterministic_for_a_seed():
    a = overtraining.run_overtraining(seed=5, n_train=60, n_val=40, epochs=4, record_every=100)
    b = overtraining.run_overtraining(seed=5, n_train=60, n_val=40, epochs=4, record_every=100)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    np.testing.assert_array_equal(a.loss, b.loss)


@pytest.mark.trains
def test_predictions_are_recorded_at_every_new_best_and_the_last_epoch():
    """With no fixed interval, a run records the epochs where early stopping on the validation
    loss or accuracy could stop, whatever its patience, and the last: and no other."""
    from lossacc_utils import curves

    run = overtraining.run_overtraining(seed=4, n_train=60, n_val=40, epochs=30, record_every=0)
    loss, accuracy = run.val_loss, run.val_accuracy
    expected = {
        e + 1
        for e in range(30)
        if e == 0 or e == 29 or loss[e] < loss[:e].min() or accuracy[e] > accuracy[:e].max()
    }
    assert set(run.val_log_probabilities) == set(run.test_log_probabilities) == expected
    assert len(expected) < 30
    for monitor in ("val_loss", "val_accuracy"):
        for patience in (0, 3, 10, 100):
            best = curves.early_stopping(run, monitor=monitor, patience=patience)["best_epoch"]
            assert best in run.val_log_probabilities


@pytest.mark.processes
def test_a_run_trained_beside_others_is_the_run_trained_alone():
    """Each worker computes on one thread, so neither the worker nor the company changes a
    number: the same seed and settings give the same run, bit for bit."""
    settings = {"n_train": 60, "n_val": 40, "n_test": 20, "epochs": 5}
    alone = overtraining.run_overtraining(seed=6, **settings)
    many = overtraining.run_overtraining_many(
        {"plain": settings, "dropout": {**settings, "dropout": 0.3}}, seeds=[5, 6, 7]
    )
    together = many["plain"][1]
    assert [r.seed for r in many["plain"]] == [5, 6, 7]
    assert many["dropout"][0].config["dropout"] == 0.3
    for name in alone.history:
        np.testing.assert_array_equal(together.curve(name), alone.curve(name), err_msg=name)
    np.testing.assert_array_equal(together.val_log_probabilities[5], alone.val_log_probabilities[5])
    assert not np.array_equal(many["dropout"][1].val_loss, alone.val_loss)


@pytest.mark.trains
def test_a_run_s_first_epochs_are_a_shorter_run_of_the_same_seed():
    """Nothing in a run depends on how many epochs are still to come: its first epochs are the
    shorter run's, which lets a table compare runs of different lengths on their common epochs."""
    settings = {"n_train": 60, "n_val": 40, "n_test": 20}
    from lossacc_utils.runs import first_epochs

    short = overtraining.run_overtraining(seed=8, epochs=4, **settings)
    long = overtraining.run_overtraining(seed=8, epochs=9, **settings)
    cut = first_epochs(long, 4)
    for name in short.history:
        np.testing.assert_array_equal(long.curve(name)[:4], short.curve(name), err_msg=name)
        np.testing.assert_array_equal(cut.curve(name), short.curve(name), err_msg=name)
    assert sorted(cut.val_log_probabilities) == sorted(short.val_log_probabilities)
    for epoch, log_p in short.val_log_probabilities.items():
        np.testing.assert_array_equal(cut.val_log_probabilities[epoch], log_p)
    assert cut.config["epochs"] == 4 and cut.seed == 8 and cut.epochs == 4


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"dropout": 1}, "dropout must be below 1"),
        ({"dropout": -0.1}, r"dropout must be in \[0, 1\]"),
        ({"weight_decay": -1}, "weight_decay must be at least 0"),
        ({"weight_decay": "a lot"}, "weight_decay must be a real number"),
        ({"record_every": -1}, "record_every must be"),
    ],
)
def test_the_remedies_settings_are_checked(settings, message):
    with pytest.raises((ValueError, TypeError), match=message):
        overtraining.run_overtraining(**settings)


@pytest.mark.parametrize(
    ("variants", "seeds", "message"),
    [
        ([{}], [0], "variants must map a name"),
        ({}, [0], "variants must map a name"),
        ({1: {}}, [0], "variants must be named by text"),
        ({"a": 3}, [0], r"variants\['a'\] must map settings"),
        ({"a": {"colour": 1}}, [0], "unknown settings"),
        ({"a": {}}, "01", "seeds must be a list of seeds"),
        ({"a": {}}, [], "seeds must hold at least one seed"),
        ({"a": {}}, [0.5], r"seeds\[0\] must be a whole number"),
    ],
)
def test_run_overtraining_many_refuses_what_it_cannot_train(variants, seeds, message):
    with pytest.raises((ValueError, TypeError), match=message):
        overtraining.run_overtraining_many(variants, seeds)


@pytest.mark.trains
def test_weight_decay_and_dropout_change_the_run_and_nothing_else():
    settings = {"n_train": 60, "n_val": 40, "n_test": 20, "epochs": 3}
    plain = overtraining.run_overtraining(seed=1, **settings)
    for change in ({"weight_decay": 0.1}, {"dropout": 0.3}):
        other = overtraining.run_overtraining(seed=1, **settings, **change)
        assert not np.array_equal(other.loss, plain.loss), change
        np.testing.assert_array_equal(other.y_val, plain.y_val)
        assert sorted(other.history) == sorted(plain.history)


@pytest.mark.trains
def test_label_noise_changes_the_stated_share_of_training_and_validation_labels():
    from lossacc_utils.data import load_split

    run = overtraining.run_overtraining(seed=1, n_train=100, n_val=20, epochs=1, label_noise=0.3)
    clean = load_split("digits", n_train=100, n_val=20, seed=1)
    assert (run.y_train != clean.y_train).sum() == 30
    assert (run.y_val != clean.y_val).sum() == 6


@pytest.mark.trains
def test_val_label_noise_changes_only_validation_labels():
    from lossacc_utils.data import load_split

    run = overtraining.run_overtraining(
        seed=2, n_train=100, n_val=20, epochs=1, val_label_noise=0.3
    )
    clean = load_split("digits", n_train=100, n_val=20, seed=2)
    assert (run.y_train == clean.y_train).all()
    assert (run.y_val != clean.y_val).sum() == 6
    assert run.config["val_label_noise"] == 0.3


def test_rising_changes_only_known_settings_and_adds_validation_label_errors():
    assert set(overtraining.RISING) <= set(overtraining.OVERTRAINING)
    assert overtraining.RISING["val_label_noise"] > 0


@pytest.mark.trains
def test_run_overtraining_prints_progress_when_asked(capsys):
    overtraining.run_overtraining(seed=0, n_train=40, n_val=20, epochs=4, log_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [lines[0]] and lines[0].startswith("epoch    2/4  val_loss")


@pytest.mark.trains
def test_a_run_that_diverges_is_refused_naming_its_learning_rate():
    """A learning rate float32 holds, but far too large: the weights overflow in the first epoch,
    and Keras' logged loss is NaN or infinite. Training stops there, and the error says why."""
    with pytest.raises(
        ValueError, match=r"diverged at epoch 1: .* a smaller learning_rate \(it is 1"
    ):
        overtraining.run_overtraining(seed=0, n_train=64, n_val=32, epochs=3, learning_rate=1e8)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be"),
        ({"learning_rate": -1}, "learning_rate must be positive"),
        ({"learning_rate": 1e39}, "learning_rate must be from 1.18e-38 to 3.4e"),
        ({"learning_rate": 1e-40}, "the numbers float32 holds"),
        ({"weight_decay": 1e39}, "weight_decay must be from .* or 0"),
        ({"label_noise": 1.5}, r"label_noise must be in \[0, 1\]"),
        ({"colour": "red"}, "unknown settings"),
        ({"dataset": "cifar10"}, "dataset must be one of"),
        ({"label_noise": 1}, "label_noise must be below 9/10"),
        ({"width": 0}, "width must be"),
        ({"val_label_noise": 0.9}, "val_label_noise must be below 9/10"),
        ({"label_noise": 0.1, "val_label_noise": 0.1}, "not both"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"seed": 1.5}, "seed must be a whole number"),
    ],
)
def test_run_overtraining_rejects_bad_settings(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        overtraining.run_overtraining(**kwargs)


@pytest.mark.trains
def test_the_test_split_is_recorded_where_early_stopping_could_stop_and_at_the_end():
    run = overtraining.run_overtraining(seed=0, n_train=60, n_val=40, n_test=30, epochs=12)
    assert run.x_test.shape == (30, 8, 8, 1) and len(run.y_test) == 30
    assert sorted(run.val_log_probabilities) == list(range(1, 13))  # every epoch
    loss, accuracy = run.val_loss, run.val_accuracy
    expected = {
        e + 1
        for e in range(12)
        if e in (0, 11) or loss[e] < loss[:e].min() or accuracy[e] > accuracy[:e].max()
    }
    assert set(run.test_log_probabilities) == expected
    np.testing.assert_allclose(np.exp(run.test_log_probabilities[12]).sum(axis=1), 1, rtol=1e-5)


@pytest.mark.trains
def test_label_smoothing_trains_on_smoothed_targets_and_keeps_the_plain_cross_entropy():
    run = overtraining.run_overtraining(seed=0, n_train=60, n_val=40, epochs=3, label_smoothing=0.2)
    assert len(run.curve("cross_entropy")) == 3 and len(run.curve("val_cross_entropy")) == 3
    log_p = run.val_log_probabilities[3]
    plain = -log_p[np.arange(40), run.y_val].mean()
    assert run.curve("val_cross_entropy")[-1] == pytest.approx(plain, rel=1e-4)
    smoothed_target = np.eye(10)[run.y_val] * 0.8 + 0.02
    assert run.val_loss[-1] == pytest.approx(
        -(smoothed_target * log_p).sum(axis=1).mean(), rel=1e-4
    )
    assert run.val_loss[-1] != pytest.approx(run.curve("val_cross_entropy")[-1], rel=1e-3)


# ---- the run cache: no model trained twice in one build -------------------------------------

TINY_RUN = {"n_train": 40, "n_val": 20, "n_test": 10, "epochs": 3}


def test_a_kept_run_is_handed_back_without_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(run_cache.RUN_CACHE, str(tmp_path))
    first = overtraining.run_overtraining(seed=2, **TINY_RUN, log_every=1)
    printed = capsys.readouterr().out

    def no_training(jobs):
        if jobs:
            raise AssertionError("the kept run was trained again")
        return []

    monkeypatch.setattr(workers, "run_all", no_training)
    again = overtraining.run_overtraining(seed=2, **TINY_RUN, log_every=1)
    assert capsys.readouterr().out == printed  # the same progress lines, from the kept run
    np.testing.assert_array_equal(again.val_loss, first.val_loss)
    assert again.seconds == first.seconds
    np.testing.assert_array_equal(again.val_log_probabilities[3], first.val_log_probabilities[3])
    # log_every only changes what is printed, so it is not part of the key
    quiet = overtraining.run_overtraining(seed=2, **TINY_RUN)
    np.testing.assert_array_equal(quiet.val_loss, first.val_loss)
    assert quiet.config["log_every"] == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "trained.log").read_text().count("\n") == 1


@pytest.mark.trains
def test_a_different_seed_or_setting_trains_a_new_run(tmp_path, monkeypatch):
    monkeypatch.setenv(run_cache.RUN_CACHE, str(tmp_path))
    a = overtraining.run_overtraining(seed=2, **TINY_RUN)
    b = overtraining.run_overtraining(seed=3, **TINY_RUN)
    c = overtraining.run_overtraining(seed=2, **{**TINY_RUN, "batch_size": 8})
    assert not np.array_equal(a.val_loss, b.val_loss)
    assert not np.array_equal(a.val_loss, c.val_loss)
    trained = (tmp_path / "trained.log").read_text().splitlines()
    assert len(trained) == len(set(trained)) == 3


@pytest.mark.trains
def test_a_change_to_the_package_trains_anew(tmp_path, monkeypatch):
    monkeypatch.setenv(run_cache.RUN_CACHE, str(tmp_path))
    overtraining.run_overtraining(seed=2, **TINY_RUN)
    monkeypatch.setattr(run_cache, "fingerprint", lambda: "another version of the package")
    overtraining.run_overtraining(seed=2, **TINY_RUN)
    assert len((tmp_path / "trained.log").read_text().splitlines()) == 2


@pytest.mark.processes
def test_a_process_asking_for_a_held_run_waits_for_it(tmp_path):
    """While one process holds a run's lock, another asking for the same run waits."""
    waiter = (
        "import sys, time; from lossacc_utils import run_cache\n"
        "print(time.time(), flush=True)\n"
        "with run_cache.held(sys.argv[1], 2, 'settings'):\n"
        "    print(time.time())\n"
    )
    holding = run_cache.held(str(tmp_path), 2, "settings")
    holding.__enter__()  # before the other process starts
    command = [sys.executable, "-c", waiter, str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        asked = float(child.stdout.readline())
        time.sleep(1.0)
        released = time.time()
        holding.__exit__(None, None, None)
        got = float(child.stdout.readline())
    assert child.returncode == 0
    assert asked < released <= got
    other, same = (run_cache.held(str(tmp_path), n, "settings") for n in (3, 2))
    with other, same:  # another run's lock is another lock: no wait
        pass


@pytest.mark.parametrize("where", ["", None, 5, "no such folder"])
def test_a_lock_is_held_only_in_the_run_cache_folder(where, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused = pytest.raises((ValueError, TypeError), match=r"where must (name|be a path)")
    with refused, run_cache.held(where, 2, "settings"):
        pass
    assert list(tmp_path.iterdir()) == []  # no `locks` folder made where the caller stands


@pytest.mark.processes
def test_two_processes_asking_for_one_run_at_once_train_it_once(tmp_path):
    """As two chapters run side by side in JupyterLab do."""
    ask = (
        "from lossacc_utils import overtraining\n"
        f"print(overtraining.run_overtraining(seed=2, **{TINY_RUN!r}).val_loss[-1])\n"
    )
    env = {**os.environ, run_cache.RUN_CACHE: str(tmp_path)}
    cores = sorted(os.sched_getaffinity(0))

    def one_core(i):  # each process a core of its own, where it starts a single worker
        return lambda: os.sched_setaffinity(0, {cores[i % len(cores)]})

    both = [
        subprocess.Popen(
            [sys.executable, "-c", ask],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=one_core(i),
        )
        for i in range(2)
    ]
    losses = {child.communicate()[0] for child in both}
    assert [child.returncode for child in both] == [0, 0]
    assert len(losses) == 1  # the same run, bit for bit
    assert len((tmp_path / "trained.log").read_text().splitlines()) == 1


def test_a_kept_run_depends_on_every_module_that_trains_it_and_on_no_other():
    """RUN_SOURCES names overtraining.py and every module of the package it imports, directly or
    through another one; editing a figure does not retrain."""
    package = Path(overtraining.__file__).parent
    sources = run_cache.RUN_SOURCES

    def imported(name):
        tree = ast.parse((package / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    yield f"{node.module.split('.')[0]}.py"
                else:
                    yield from (f"{alias.name}.py" for alias in node.names)

    needed, todo = set(), ["overtraining.py"]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo += list(imported(name))
    assert needed == set(sources)
    whole = fingerprint.source_digest(package, only=sources)
    assert whole != fingerprint.source_digest(package)  # plots.py and the rest are left out


@pytest.mark.trains
def test_without_the_variable_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(run_cache.RUN_CACHE, raising=False)
    monkeypatch.chdir(tmp_path)
    overtraining.run_overtraining(seed=2, **TINY_RUN)
    assert list(tmp_path.iterdir()) == []


def test_bad_settings_are_rejected_before_the_cache_is_looked_at(tmp_path, monkeypatch):
    monkeypatch.setenv(run_cache.RUN_CACHE, str(tmp_path))
    with pytest.raises(ValueError, match="n_test must be"):
        overtraining.run_overtraining(n_test=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.trains
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_history_is_what_keras_own_validation_gives_bit_for_bit(label_smoothing):
    """The run validates in one forward pass of its own (which also records the predictions);
    History must hold exactly the numbers `fit(validation_data=...)` would have put there."""
    settings = {"n_train": 100, "n_val": 60, "n_test": 40, "epochs": 12, "batch_size": 32}
    run = overtraining.run_overtraining(seed=3, label_smoothing=label_smoothing, **settings)
    history = overtraining.keras_history(seed=3, label_smoothing=label_smoothing, **settings)
    assert sorted(history) == sorted(run.history)
    for name, values in history.items():
        np.testing.assert_array_equal(run.curve(name), values, err_msg=name)


@pytest.mark.trains
def test_keras_own_validation_is_an_oracle_that_can_disagree():
    """The reference is not the run read back: another seed gives another history."""
    settings = {"n_train": 60, "n_val": 30, "n_test": 10, "epochs": 2}
    run = overtraining.run_overtraining(seed=3, **settings)
    other = overtraining.keras_history(seed=4, **settings)
    assert not np.array_equal(run.val_loss, other["val_loss"])


def test_both_label_noises_are_refused_by_an_error_naming_both():
    with pytest.raises(ValueError) as refused:
        overtraining.run_overtraining(n_train=20, n_val=10, label_noise=0.1, val_label_noise=0.2)
    message = str(refused.value)
    for name in ("label_noise", "val_label_noise"):
        assert re.search(rf"(?<!\w){name}(?!\w)", message), message


@pytest.mark.trains
def test_val_label_noise_gives_wrong_but_valid_classes_and_keeps_the_test_labels():
    from lossacc_utils.data import load_split

    run = overtraining.run_overtraining(
        seed=3, n_train=100, n_val=30, n_test=25, epochs=1, val_label_noise=0.2
    )
    clean = load_split("digits", n_train=100, n_val=30, n_test=25, seed=3)
    changed = run.y_val != clean.y_val
    assert changed.sum() == round(0.2 * 30)
    assert set(run.y_val[changed]) <= set(range(10))
    np.testing.assert_array_equal(run.y_train, clean.y_train)
    np.testing.assert_array_equal(run.y_test, clean.y_test)


@pytest.mark.processes
def test_a_worker_that_dies_is_replaced_for_the_next_runs():
    """A worker that dies mid-job (out of memory, say: here it aborts) breaks that batch with a
    clear error; the next batch gets new workers."""
    import concurrent.futures
    import os

    with pytest.raises(concurrent.futures.process.BrokenProcessPool):
        workers.call(os.abort)
    run = overtraining.run_overtraining(seed=0, **TINY_RUN)
    assert run.epochs == TINY_RUN["epochs"]


def test_the_run_cache_refuses_what_is_not_its_folder_or_a_line(tmp_path):
    (tmp_path / "a file").write_text("not a folder")
    for where in ("", None, tmp_path / "a file", tmp_path / "a file" / "runs"):
        with pytest.raises((ValueError, TypeError), match=r"where must (name a folder|be a path)"):
            run_cache.keeper(print, where)
    for where in ("", None, tmp_path / "absent"):
        with pytest.raises((ValueError, TypeError), match=r"where must (name the run|be a path)"):
            run_cache.log_trained(where, "seed 1")
    run_cache.keeper(print, tmp_path / "runs")  # the folder is made on first use
    assert (tmp_path / "runs").is_dir()
    with pytest.raises(TypeError, match="train must be the function"):
        run_cache.keeper(5, tmp_path)
    with pytest.raises(TypeError, match="ignore must be a list of argument names"):
        run_cache.keeper(print, tmp_path, ignore="log_every")
    for ignore in ([5], ["nope"]):  # joblib would fail at the first call
        with pytest.raises(ValueError, match="ignore must name arguments of run_overtraining"):
            run_cache.keeper(overtraining.run_overtraining, tmp_path, ignore=ignore)
    for line in (5, "two\nlines", "\udcff"):
        with pytest.raises(TypeError, match="line must be one line of printable text"):
            run_cache.log_trained(tmp_path, line)
