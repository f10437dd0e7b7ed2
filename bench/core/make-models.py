#!/usr/bin/python3
"""Make the tree-throughput benchmark models (run from the project root):

    /usr/bin/python3 bench/core/make-models.py

Trains a 200-tree, depth-6 binary:logistic XGBoost model on synthetic
30-feature data (fixed seed, about 5% missing values) and writes to
bench/core/models/:

- gbdt-200x6.json           the model as XGBoost saves it
- gbdt-200x6.onnx           the same trees as an ONNX TreeEnsembleRegressor + Sigmoid
- gbdt-200x6.expected.json  300 held-out rows with XGBoost's own margins and probabilities

Python only makes these files; Tetra never runs it.
"""
import importlib.util
import json
import os

import numpy as np
import onnx
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "bench", "core", "models")
N_FEATURES = 30
N_TRAIN = 20000
N_EXPECTED = 300


def load_converter():
    path = os.path.join(ROOT, "scripts", "models", "xgboost_to_onnx.py")
    spec = importlib.util.spec_from_file_location("xgboost_to_onnx", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_data(rng, n):
    x = rng.normal(size=(n, N_FEATURES)).astype(np.float32)
    # A few coarse features so many rows share split values exactly.
    x[:, :5] = np.round(x[:, :5], 1)
    logit = (x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + 0.5 * x[:, 3] ** 2 - x[:, 4]
             + 0.3 * x[:, 5:15].sum(axis=1) - 0.2 * np.abs(x[:, 15:25]).sum(axis=1))
    y = (logit + rng.normal(scale=0.5, size=n) > np.median(logit)).astype(np.float32)
    x[rng.random(size=x.shape) < 0.05] = np.nan
    return x, y


def float32_text(v):
    """Shortest text that reads back as the same float32 (null for NaN)."""
    return "null" if np.isnan(v) else np.format_float_positional(np.float32(v), unique=True, trim="-")


def write_expected(path, booster, x):
    d = xgb.DMatrix(x, missing=np.nan)
    margin = booster.predict(d, output_margin=True)
    prob = booster.predict(d)
    rows = ",\n".join("  [" + ", ".join(float32_text(v) for v in row) + "]" for row in x)
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n "about": "XGBoost %s predictions for gbdt-200x6.json; features use null for missing",\n' % xgb.__version__)
        f.write(' "features": [\n' + rows + "\n ],\n")
        f.write(' "margin": [' + ", ".join(repr(float(v)) for v in margin) + "],\n")
        f.write(' "prediction": [' + ", ".join(repr(float(v)) for v in prob) + "]\n}\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    x, y = make_data(rng, N_TRAIN + N_EXPECTED)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist",
              "seed": 7, "nthread": 1, "base_score": 0.5}
    booster = xgb.train(params, xgb.DMatrix(x[:N_TRAIN], label=y[:N_TRAIN], missing=np.nan), num_boost_round=200)
    model_path = os.path.join(OUT, "gbdt-200x6.json")
    booster.save_model(model_path)
    with open(model_path, encoding="utf-8") as f:
        onnx_model = load_converter().convert(json.load(f))
    onnx.save(onnx_model, os.path.join(OUT, "gbdt-200x6.onnx"))
    write_expected(os.path.join(OUT, "gbdt-200x6.expected.json"), booster, x[N_TRAIN:])
    for name in ("gbdt-200x6.json", "gbdt-200x6.onnx", "gbdt-200x6.expected.json"):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name)) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
