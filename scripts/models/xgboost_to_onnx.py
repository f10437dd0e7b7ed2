#!/usr/bin/python3
"""Convert an XGBoost JSON model (gbtree or DART, numeric splits) to ONNX.

Reads the model file itself rather than a Booster, so it works for files
saved by any XGBoost version from 1.0 on and needs only numpy and onnx:

    /usr/bin/python3 scripts/models/xgboost_to_onnx.py model.json model.onnx

The graph is one ai.onnx.ml TreeEnsembleRegressor producing the margin
(`margin`, [N] or [N, K]) followed by the objective's transform
(`prediction`): Sigmoid for logistic objectives, Softmax for multi:softprob,
Exp for log-link objectives, nothing for identity ones. Semantics carried
over from XGBoost:

- XGBoost sends a row left when `x < split_condition`; the ONNX node mode is
  BRANCH_LT with the true branch = left child.
- Missing values follow `default_left`: nodes_missing_value_tracks_true = 1
  when the default is left (the true branch).
- `base_score` is stored in output space; it becomes `base_values` in margin
  space (logit for logistic objectives, log for log-link ones).
- DART tree weights are folded into the leaf values.

Categorical splits and gblinear have no TreeEnsemble equivalent and are
rejected.
"""
import json
import math
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

LOGIT = {"binary:logistic", "reg:logistic"}
LOG = {"count:poisson", "reg:gamma", "reg:tweedie", "survival:aft", "survival:cox"}
SIGMOID = {"binary:logistic", "reg:logistic"}
SOFTMAX = {"multi:softprob"}


def parse_base_score(text, n_outputs):
    values = [float(v) for v in str(text).strip("[]").split(",")]
    if len(values) == 1:
        values = values * n_outputs
    return [float(np.float32(v)) for v in values]


def base_margin(objective, score):
    p = np.float32(score)
    if objective in LOGIT:
        return float(np.float32(-math.log(float(np.float32(1.0) / p) - 1.0)))
    if objective in LOG:
        return float(np.float32(math.log(p)))
    return float(p)


def find_tree_model(booster):
    """Return (tree model dict, per-tree weights or None) for gbtree and both DART layouts."""
    name = booster["name"]
    if name == "gbtree":
        model = booster["model"]
        weights = booster.get("weight_drop", model.get("weight_drop"))
    elif name == "dart":
        model = booster["gbtree"]["model"]
        weights = booster.get("weight_drop")
    else:
        raise ValueError(f"booster {name!r} cannot be expressed as a tree ensemble")
    return model, weights


class EnsembleAttributes:
    """Accumulates the parallel attribute lists of TreeEnsembleRegressor."""

    def __init__(self):
        self.nodes = {k: [] for k in (
            "treeids", "nodeids", "featureids", "values", "modes",
            "truenodeids", "falsenodeids", "missing_value_tracks_true")}
        self.targets = {k: [] for k in ("treeids", "nodeids", "ids", "weights")}

    def add_tree(self, tree_id, tree, target, weight):
        if any(t == 1 for t in tree.get("split_type", [])):
            raise ValueError(f"tree {tree_id} has categorical splits, which ONNX trees cannot express")
        if int(tree["tree_param"].get("size_leaf_vector", "1") or 1) > 1:
            raise ValueError(f"tree {tree_id} has vector leaves, which this converter does not handle")
        left, right = tree["left_children"], tree["right_children"]
        for node in range(len(left)):
            if left[node] == -1:
                self._leaf(tree_id, node, target, float(np.float32(tree["split_conditions"][node]) * np.float32(weight)))
            else:
                self._split(tree_id, node, tree)

    def _split(self, tree_id, node, tree):
        n = self.nodes
        n["treeids"].append(tree_id)
        n["nodeids"].append(node)
        n["featureids"].append(int(tree["split_indices"][node]))
        n["values"].append(float(np.float32(tree["split_conditions"][node])))
        n["modes"].append("BRANCH_LT")
        n["truenodeids"].append(int(tree["left_children"][node]))
        n["falsenodeids"].append(int(tree["right_children"][node]))
        n["missing_value_tracks_true"].append(1 if tree["default_left"][node] else 0)

    def _leaf(self, tree_id, node, target, value):
        n = self.nodes
        n["treeids"].append(tree_id)
        n["nodeids"].append(node)
        n["featureids"].append(0)
        n["values"].append(0.0)
        n["modes"].append("LEAF")
        n["truenodeids"].append(0)
        n["falsenodeids"].append(0)
        n["missing_value_tracks_true"].append(0)
        t = self.targets
        t["treeids"].append(tree_id)
        t["nodeids"].append(node)
        t["ids"].append(target)
        t["weights"].append(value)


def convert(model_doc):
    learner = model_doc["learner"]
    params = learner["learner_model_param"]
    objective = learner["objective"]["name"]
    n_features = int(params["num_feature"])
    n_outputs = max(int(params.get("num_class", "0")), int(params.get("num_target", "1")), 1)
    model, weights = find_tree_model(learner["gradient_booster"])
    attrs = EnsembleAttributes()
    for i, tree in enumerate(model["trees"]):
        attrs.add_tree(i, tree, int(model["tree_info"][i]), 1.0 if weights is None else weights[i])
    base = [base_margin(objective, s) for s in parse_base_score(params.get("base_score", "0.5"), n_outputs)]
    return build_graph(attrs, objective, n_features, n_outputs, base)


def build_graph(attrs, objective, n_features, n_outputs, base):
    node_attrs = {f"nodes_{k}": v for k, v in attrs.nodes.items()}
    node_attrs.update({f"target_{k}": v for k, v in attrs.targets.items()})
    raw = "margin" if n_outputs > 1 else "margin_2d"
    nodes = [helper.make_node(
        "TreeEnsembleRegressor", ["features"], [raw], domain="ai.onnx.ml",
        n_targets=n_outputs, aggregate_function="SUM", post_transform="NONE", base_values=base, **node_attrs)]
    out_shape = ["N", n_outputs] if n_outputs > 1 else ["N"]
    initializers = []
    if n_outputs == 1:
        initializers.append(helper.make_tensor("flat_shape", TensorProto.INT64, [1], [-1]))
        nodes.append(helper.make_node("Reshape", [raw, "flat_shape"], ["margin"]))
    transform = "Sigmoid" if objective in SIGMOID else "Exp" if objective in LOG else "Softmax" if objective in SOFTMAX else None
    if transform is None:
        nodes.append(helper.make_node("Identity", ["margin"], ["prediction"]))
    else:
        extra = {"axis": -1} if transform == "Softmax" else {}
        nodes.append(helper.make_node(transform, ["margin"], ["prediction"], **extra))
    graph = helper.make_graph(
        nodes, "xgboost",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", n_features])],
        [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, out_shape),
         helper.make_tensor_value_info("margin", TensorProto.FLOAT, out_shape)],
        initializer=initializers)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 3)],
                                   producer_name="tetra xgboost_to_onnx")
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    return onnx_model


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} model.json model.onnx")
    with open(argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    onnx.save(convert(doc), argv[2])


if __name__ == "__main__":
    main(sys.argv)
