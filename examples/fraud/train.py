#!/usr/bin/python3
"""Train the fraud example's two models and write their artifacts.

Run from anywhere with Debian's Python (xgboost 1.7, scikit-learn 1.2, onnx 1.12):

    /usr/bin/python3 examples/fraud/train.py

It regenerates the data with the project's TypeScript generator, from the
project root, into a temporary directory:

    node --import tsx examples/fraud/generate.ts --rows 200000 --seed 7 --out <tmp>/train.csv
    node --import tsx examples/fraud/generate.ts --rows 2000 --seed 11 --out <tmp>/sample.csv

(`--csv FILE` trains on an existing file made by the first command instead.)
The training file is split by time: the first 70% trains, the next 15%
(validation) picks each model's threshold, the last 15% (test) is reported
untouched. It writes:

    models/fraud-xgb/1/model.json       XGBoost, binary:logistic
    models/fraud-logreg/1/model.onnx    logistic regression as a hand-built ONNX graph
    models/<name>/model.yaml            Tetra model descriptions
    data/sample.csv                     first 500 rows of the seed-11 file
    data/sample.expected.json           each model's P(fraud) for those rows

Both models take the matrix Tetra's records codec builds: float32 [N, 12], the
columns of FEATURES in order, `mcc` as its index in MCC_LEVELS, booleans 1/0,
a missing value as NaN. Python only makes these files; Tetra never runs it.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import xgboost as xgb
from onnx import TensorProto, checker, helper, numpy_helper
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
TRAIN_ROWS, TRAIN_SEED = 200_000, 7
SAMPLE_SOURCE_ROWS, SAMPLE_SEED, SAMPLE_ROWS = 2000, 11, 500
SEED = 7

# (name, model.yaml type, XGBoost feature type, description). Order = matrix column order.
FEATURES = [
    ("amount", "number", "q", "Transaction amount in the card's currency"),
    ("mcc", "category", "int", "Merchant category code (ISO 18245)"),
    ("hour", "integer", "int", "Local hour 0-23: merchant's time zone in person, card's home time zone online"),
    ("is_foreign", "boolean", "i", "Merchant country differs from the card's home country"),
    ("card_age_days", "integer", "int", "Days since the card was opened"),
    ("distance_from_home_km", "number", "q", "Terminal or geolocated IP distance from home; missing if unknown"),
    ("device_changed", "boolean", "i", "Device or wallet token not seen on this card before"),
    ("is_online", "boolean", "i", "Card-not-present (e-commerce) transaction"),
    ("txn_count_1h", "integer", "int", "The card's transactions in the previous hour"),
    ("txn_count_24h", "integer", "int", "The card's transactions in the previous 24 hours"),
    ("amount_sum_24h", "number", "q", "Total amount of the card's transactions in the previous 24 hours"),
    ("avg_amount_30d", "number", "q", "Mean amount of the card's transactions in the previous 30 days (0 if none)"),
]
FEATURE_NAMES = [f[0] for f in FEATURES]
MCC_COLUMN = FEATURE_NAMES.index("mcc")
NUMERIC_COLUMNS = [i for i, name in enumerate(FEATURE_NAMES) if name != "mcc"]
OPTIONAL_FEATURES = {"distance_from_home_km"}
# Fixed and sorted, so a code means the same category in every model and in Tetra's codec.
MCC_LEVELS = ["4121", "4829", "5311", "5411", "5541", "5732", "5812", "5944", "5968", "5999", "6011", "7995"]


def generate(rows, seed, out):
    """Runs the TypeScript generator from the project root, where tsx is installed."""
    command = ["node", "--import", "tsx", "examples/fraud/generate.ts"]
    command += ["--rows", str(rows), "--seed", str(seed), "--out", str(out)]
    print("$ " + " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=PROJECT_ROOT, check=True)


def encode_value(name, text):
    """One CSV cell to its matrix value, by the codec convention."""
    if text == "":
        return np.nan
    if name == "mcc":
        # Unseen categories become missing, as `unknown: missing` in model.yaml says.
        return float(MCC_LEVELS.index(text)) if text in MCC_LEVELS else np.nan
    if text in ("true", "false"):
        return 1.0 if text == "true" else 0.0
    return float(text)


def load(path):
    """The feature matrix (float32, NaN for missing) and the labels of a generated CSV."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[encode_value(n, r[n]) for n in FEATURE_NAMES] for r in rows], dtype=np.float32)
    y = np.array([int(r["is_fraud"]) for r in rows], dtype=np.int64)
    return x, y


def time_split(x, y):
    """Rows are in time order; validating on later rows is what happens in production."""
    a, b = int(len(y) * 0.70), int(len(y) * 0.85)
    return (x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])


def train_xgb(train):
    x, y = train
    # mcc is declared 'int', not 'c': categorical splits in 1.7 are experimental and
    # need enable_categorical, and a plain numeric code keeps model.json readable
    # by any tree evaluator. Depth-5 trees can still isolate single codes.
    types = [f[2] for f in FEATURES]
    dtrain = xgb.DMatrix(x, label=y, missing=np.nan, feature_names=FEATURE_NAMES, feature_types=types)
    params = {
        "objective": "binary:logistic",
        "eval_metric": "auc",
        "max_depth": 5,
        "eta": 0.1,
        "subsample": 0.8,
        "colsample_bytree": 0.8,
        "tree_method": "hist",
        "nthread": 2,
        "seed": SEED,
        # The fraud prior instead of the default 0.5: a runtime that forgets to map
        # base_score to margin space then fails the reference predictions.
        "base_score": float(y.mean()),
    }
    return xgb.train(params, dtrain, num_boost_round=150)


def xgb_proba(booster, x):
    return booster.predict(xgb.DMatrix(x, missing=np.nan, feature_names=FEATURE_NAMES))


def train_logreg(train):
    x, y = train
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    # Codes as floats because the matrix is float32; unknown or NaN codes get all-zero columns.
    codes = np.arange(len(MCC_LEVELS), dtype=np.float64)
    one_hot = OneHotEncoder(categories=[codes], handle_unknown="ignore", sparse_output=False)
    features = ColumnTransformer([("numeric", numeric, NUMERIC_COLUMNS), ("mcc", one_hot, [MCC_COLUMN])])
    # No class weighting: the probabilities stay calibrated and the threshold does the rebalancing.
    model = Pipeline([("features", features), ("classifier", LogisticRegression(C=1.0, max_iter=2000))])
    return model.fit(x.astype(np.float64), y)


def logreg_proba(model, x):
    return model.predict_proba(x.astype(np.float64))[:, 1]


def best_f1_threshold(y, p):
    """The threshold maximising F1, rounded to two decimals so model.yaml stays readable."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return max(0.01, round(float(thresholds[int(np.argmax(f1))]), 2))


def metrics(y, p, threshold):
    predicted = p >= threshold
    tp = int(np.sum(predicted & (y == 1)))
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(y.sum()))
    return {
        "auc": float(roc_auc_score(y, p)),
        "average_precision": float(average_precision_score(y, p)),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(1e-12, precision + recall),
    }


def report(name, threshold, splits):
    print(f"\n{name}: threshold {threshold:.2f} (max F1 on validation)")
    for split, m in splits.items():
        print(
            f"  {split:10s} AUC {m['auc']:.4f}  AP {m['average_precision']:.4f}  "
            f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"
        )


def evaluate(name, proba, valid, test):
    threshold = best_f1_threshold(valid[1], proba(valid[0]))
    splits = {
        "validation": metrics(valid[1], proba(valid[0]), threshold),
        "test": metrics(test[1], proba(test[0]), threshold),
    }
    report(name, threshold, splits)
    return threshold, splits


def const(name, array, dtype):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def logreg_onnx(model):
    """
    The fitted pipeline as an ONNX graph over the raw feature matrix:
    impute (median) and standardise the 11 numeric columns, one-hot the mcc
    code by comparing it with every level code, then a linear layer and a
    sigmoid. Only ai.onnx operators, so no ai.onnx.ml domain is needed.
    """
    numeric = model.named_steps["features"].named_transformers_["numeric"]
    imputer, scaler = numeric.named_steps["impute"], numeric.named_steps["scale"]
    classifier = model.named_steps["classifier"]
    n_inputs = len(NUMERIC_COLUMNS) + len(MCC_LEVELS)
    f32 = np.float32
    initializers = [
        const("numeric_columns", NUMERIC_COLUMNS, np.int64),
        const("mcc_column", [MCC_COLUMN], np.int64),
        const("fill", imputer.statistics_, f32),
        const("mean", scaler.mean_, f32),
        const("scale", scaler.scale_, f32),
        const("mcc_codes", np.arange(len(MCC_LEVELS)).reshape(1, -1), f32),
        const("weights", classifier.coef_.reshape(n_inputs, 1), f32),
        const("bias", classifier.intercept_, f32),
        const("one", [1.0], f32),
        const("half", [0.5], f32),
        const("flat", [-1], np.int64),
    ]
    node = helper.make_node
    nodes = [
        node("Gather", ["features", "numeric_columns"], ["numeric_raw"], axis=1),
        node("IsNaN", ["numeric_raw"], ["numeric_missing"]),
        node("Where", ["numeric_missing", "fill", "numeric_raw"], ["numeric_imputed"]),
        node("Sub", ["numeric_imputed", "mean"], ["numeric_centered"]),
        node("Div", ["numeric_centered", "scale"], ["numeric_scaled"]),
        node("Gather", ["features", "mcc_column"], ["mcc_code"], axis=1),
        node("Equal", ["mcc_code", "mcc_codes"], ["mcc_match"]),
        node("Cast", ["mcc_match"], ["mcc_one_hot"], to=TensorProto.FLOAT),
        node("Concat", ["numeric_scaled", "mcc_one_hot"], ["design"], axis=1),
        node("MatMul", ["design", "weights"], ["linear"]),
        node("Add", ["linear", "bias"], ["logit"]),
        node("Sigmoid", ["logit"], ["p_fraud"]),
        node("Sub", ["one", "p_fraud"], ["p_legit"]),
        node("Concat", ["p_legit", "p_fraud"], ["probabilities"], axis=1),
        # Same rule as sklearn's predict; Tetra applies model.yaml's threshold to `probabilities`.
        node("Greater", ["p_fraud", "half"], ["is_fraud"]),
        node("Cast", ["is_fraud"], ["label_column"], to=TensorProto.INT64),
        node("Reshape", ["label_column", "flat"], ["label"]),
    ]
    graph = helper.make_graph(
        nodes,
        "fraud_logreg",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(FEATURE_NAMES)])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]),
        ],
        initializers,
    )
    # Opset 15: recent enough for onnxruntime-node 1.30, old enough for onnx 1.12's checker.
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], producer_name="tetra-examples")
    onnx_model.ir_version = 8
    onnx_model.doc_string = (
        "Card-payment fraud logistic regression. Input float32 [N, 12], columns in tetra.features order, "
        "mcc as its level code, NaN = missing."
    )
    helper.set_model_props(onnx_model, {"tetra.features": json.dumps(FEATURE_NAMES)})
    checker.check_model(onnx_model, full_check=True)
    return onnx_model


def onnx_graph_in_numpy(model, x):
    """The graph's arithmetic in float32 numpy: a check that the export matches sklearn before any runtime sees it."""
    onnx_model = logreg_onnx(model)
    init = {t.name: numpy_helper.to_array(t) for t in onnx_model.graph.initializer}
    num = x[:, NUMERIC_COLUMNS]
    num = np.where(np.isnan(num), init["fill"], num)
    num = (num - init["mean"]) / init["scale"]
    hot = (x[:, [MCC_COLUMN]] == init["mcc_codes"]).astype(np.float32)
    logit = np.concatenate([num, hot], axis=1) @ init["weights"] + init["bias"]
    return (1 / (1 + np.exp(-logit)))[:, 0]


def input_yaml(name, kind, description):
    lines = [f"  - name: {name}", f"    type: {kind}", f"    description: {json.dumps(description)}"]
    if kind == "category":
        lines.append(f"    levels: {json.dumps(MCC_LEVELS)}   # code = index in this list")
        lines.append("    unknown: missing        # an unseen mcc is passed to the model as NaN")
    if name in OPTIONAL_FEATURES:
        lines.append("    required: false         # absent / null / empty -> NaN; the model handles it")
    return lines


def model_yaml(description, runtime, threshold, m):
    lines = [f"description: {description}", f"runtime: {runtime}", "version_policy: latest", "inputs:"]
    for name, kind, _, text in FEATURES:
        lines += input_yaml(name, kind, text)
    lines += [
        "outputs:",
        "  task: binary",
        "  classes: [legit, fraud]",
        f"  # Maximises F1 on the validation split (precision {m['precision']:.3f}, recall {m['recall']:.3f}).",
        f"  threshold: {threshold}",
        "  probability_field: fraud_probability",
        "  label_field: label",
    ]
    return "\n".join(lines) + "\n"


def write_sample(workdir):
    """The first rows of a file made with another seed than training, copied verbatim."""
    full = Path(workdir) / "sample-source.csv"
    generate(SAMPLE_SOURCE_ROWS, SAMPLE_SEED, full)
    lines = full.read_text().splitlines(keepends=True)[: SAMPLE_ROWS + 1]
    out = HERE / "data" / "sample.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(lines))
    return out


def write_expected(sample, booster, logreg):
    x, y = load(sample)
    missing = int(np.isnan(x[:, FEATURE_NAMES.index("distance_from_home_km")]).sum())
    print(f"\nsample: {len(y)} rows, {int(y.sum())} fraud, {missing} with missing distance", file=sys.stderr)
    assert missing >= 3, "the sample must exercise missing values"
    expected = {
        # float() of a float32 prints its exact value; P(fraud) per row, in row order.
        "fraud-xgb": [float(p) for p in xgb_proba(booster, x)],
        "fraud-logreg": [float(p) for p in logreg_proba(logreg, x)],
    }
    (HERE / "data" / "sample.expected.json").write_text(json.dumps(expected) + "\n")


def save_models(booster, logreg, thresholds, splits):
    xgb_dir, lr_dir = HERE / "models" / "fraud-xgb", HERE / "models" / "fraud-logreg"
    (xgb_dir / "1").mkdir(parents=True, exist_ok=True)
    (lr_dir / "1").mkdir(parents=True, exist_ok=True)
    booster.save_model(str(xgb_dir / "1" / "model.json"))
    (lr_dir / "1" / "model.onnx").write_bytes(logreg_onnx(logreg).SerializeToString())
    xgb_description = "Card-payment fraud probability, XGBoost 150 trees of depth 5"
    lr_description = "Card-payment fraud probability, logistic regression baseline"
    xgb_yaml = model_yaml(xgb_description, "xgboost", thresholds["xgb"], splits["xgb"]["validation"])
    lr_yaml = model_yaml(lr_description, "onnx", thresholds["logreg"], splits["logreg"]["validation"])
    (xgb_dir / "model.yaml").write_text(xgb_yaml)
    (lr_dir / "model.yaml").write_text(lr_yaml)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", help="training CSV made by generate.ts (default: regenerate it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        train_csv = args.csv or Path(workdir) / "train.csv"
        if not args.csv:
            generate(TRAIN_ROWS, TRAIN_SEED, train_csv)
        x, y = load(train_csv)
        print(f"training data: {len(y)} rows, fraud rate {y.mean():.2%}")
        train, valid, test = time_split(x, y)
        booster, logreg = train_xgb(train), train_logreg(train)
        t_xgb, s_xgb = evaluate("fraud-xgb", lambda m: xgb_proba(booster, m), valid, test)
        t_lr, s_lr = evaluate("fraud-logreg", lambda m: logreg_proba(logreg, m), valid, test)
        diff = np.max(np.abs(onnx_graph_in_numpy(logreg, valid[0]) - logreg_proba(logreg, valid[0])))
        print(f"\nONNX graph arithmetic (float32 numpy) vs sklearn on validation: max |diff| {diff:.2e}")
        save_models(booster, logreg, {"xgb": t_xgb, "logreg": t_lr}, {"xgb": s_xgb, "logreg": s_lr})
        write_expected(write_sample(workdir), booster, logreg)
    print(f"\nwrote models/ and data/ under {HERE.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
