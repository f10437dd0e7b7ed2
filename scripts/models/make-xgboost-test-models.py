#!/usr/bin/python3
"""Make small XGBoost models covering objectives and options the shared
fixtures do not (run from the project root):

    /usr/bin/python3 scripts/models/make-xgboost-test-models.py

Writes test/runtimes/xgboost/models/<name>.json (and .ubj) plus
<name>.expected.json holding the input rows (null = missing) and the margins
and predictions XGBoost itself returned, flattened row-major. The files are
small (a few trees, 40 rows) and committed; this script only documents how
they were made.
"""
import json
import os

import numpy as np
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "runtimes", "xgboost", "models")
ROWS = 40
FEATURES = 5


def features(rng, n):
    x = rng.normal(size=(n, FEATURES)).astype(np.float32)
    x[rng.random(size=x.shape) < 0.1] = np.nan
    return x


def text(v):
    return "null" if np.isnan(v) else np.format_float_positional(np.float32(v), unique=True, trim="-")


def save(name, booster, x, note, iteration_range=None, options=None):
    args = {} if iteration_range is None else {"iteration_range": iteration_range}
    booster.save_model(os.path.join(OUT, name + ".json"))
    booster.save_model(os.path.join(OUT, name + ".ubj"))
    d = xgb.DMatrix(x, missing=np.nan)
    margin = booster.predict(d, output_margin=True, **args).ravel()
    prediction = booster.predict(d, **args).ravel()
    with open(os.path.join(OUT, name + ".expected.json"), "w", encoding="utf-8") as f:
        f.write('{\n "about": %s,\n' % json.dumps(f"XGBoost {xgb.__version__}: {note}"))
        f.write(' "runtime_options": %s,\n' % json.dumps(options or {}))
        f.write(' "features": [\n' + ",\n".join("  [" + ", ".join(text(v) for v in r) + "]" for r in x) + "\n ],\n")
        f.write(' "margin": [' + ", ".join(repr(float(v)) for v in margin) + "],\n")
        f.write(' "prediction": [' + ", ".join(repr(float(v)) for v in prediction) + "]\n}\n")


def train(params, x, y, rounds=6, **kwargs):
    base = {"max_depth": 3, "eta": 0.3, "seed": 1, "nthread": 1, "tree_method": "hist"}
    return xgb.train({**base, **params}, xgb.DMatrix(x, label=y, missing=np.nan, **kwargs), num_boost_round=rounds)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(99)
    x = features(rng, 400)
    test = features(rng, ROWS)
    s = np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2
    positive = np.exp(0.3 * s) + 0.1
    binary = (s + rng.normal(scale=0.3, size=len(s)) > 0.5).astype(np.float32)
    classes = np.digitize(s, [0, 1]).astype(np.float32)

    save("poisson", train({"objective": "count:poisson"}, x, np.round(positive)), test, "count:poisson")
    save("gamma", train({"objective": "reg:gamma"}, x, positive), test, "reg:gamma")
    save("tweedie", train({"objective": "reg:tweedie", "tweedie_variance_power": 1.3}, x, positive), test, "reg:tweedie")
    save("logitraw", train({"objective": "binary:logitraw", "base_score": 0.3}, x, binary), test, "binary:logitraw, base_score 0.3")
    save("hinge", train({"objective": "binary:hinge"}, x, binary), test, "binary:hinge")
    save("softmax", train({"objective": "multi:softmax", "num_class": 3}, x, classes), test, "multi:softmax, 3 classes")
    save("absoluteerror", train({"objective": "reg:absoluteerror"}, x, s), test, "reg:absoluteerror")
    save("pairwise", train({"objective": "rank:pairwise"}, x, classes, group=[40] * 10), test, "rank:pairwise")
    aft = xgb.DMatrix(x, missing=np.nan)
    aft.set_float_info("label_lower_bound", positive)
    aft.set_float_info("label_upper_bound", np.where(binary > 0, positive, np.inf))
    aft_model = xgb.train({"objective": "survival:aft", "max_depth": 3, "seed": 1, "nthread": 1, "tree_method": "hist"}, aft, 6)
    save("aft", aft_model, test, "survival:aft")
    targets = np.stack([s, -2 * s + 1, positive], axis=1)
    save("multi-target", train({"objective": "reg:squarederror"}, x, targets), test, "3 targets, one tree per target")
    save("random-forest", train({"objective": "binary:logistic", "num_parallel_tree": 3, "subsample": 0.8,
                                 "colsample_bynode": 0.8}, x, binary, rounds=3), test, "3 rounds of 3 parallel trees")
    dart = train({"objective": "binary:logistic", "booster": "dart", "rate_drop": 0.3, "skip_drop": 0.0}, x, binary, rounds=8)
    save("dart", dart, test, "DART, rate_drop 0.3")
    stopped = xgb.train({"objective": "binary:logistic", "max_depth": 3, "seed": 1, "nthread": 1, "eta": 0.8},
                        xgb.DMatrix(x[:200], label=binary[:200], missing=np.nan), 60,
                        evals=[(xgb.DMatrix(x[200:], label=binary[200:], missing=np.nan), "valid")],
                        early_stopping_rounds=3, verbose_eval=False)
    save("early-stopped", stopped, test, f"early stopping, best_iteration {stopped.best_iteration}; expected uses it",
         iteration_range=(0, stopped.best_iteration + 1), options={"use_best_iteration": True})


if __name__ == "__main__":
    main()
