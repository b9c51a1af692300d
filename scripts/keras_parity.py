#!/usr/bin/env python3
"""Makes Tests/SeismoNNTests/Fixtures/keras_parity.json: Keras outputs of the three seed models
for fixed weights and inputs, so Seismo's forward pass can be checked against Keras without
TensorFlow at test time.

Weights and inputs come from formulas that the Swift test repeats exactly:
  parameter p (in Keras get_weights() order: LSTM kernel, recurrent_kernel, bias; Dense kernel,
  bias), element k (row-major): 0.2 * sin(0.1 * (k + 1) * (p + 1) + 0.3 * p)
  input x[b, t, f] = sin(0.3 * t + b + 0.5 * f)

Run: /tmp/tfenv/bin/python scripts/keras_parity.py   (TensorFlow 2.21 / Keras 3.15 were used)
"""
import json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
from tensorflow import keras


def autoencoder(f, steps, units=64):
    return keras.Sequential([
        keras.Input((steps, f)),
        keras.layers.LSTM(units), keras.layers.Dropout(0.2),
        keras.layers.RepeatVector(steps),
        keras.layers.LSTM(units, return_sequences=True), keras.layers.Dropout(0.2),
        keras.layers.TimeDistributed(keras.layers.Dense(f)),
    ])


def forecaster(f, steps, units, activation):
    layers = [keras.Input((steps, f))]
    for i, u in enumerate(units):
        layers += [keras.layers.LSTM(u, activation=activation, return_sequences=i < len(units) - 1),
                   keras.layers.Dropout(0.2)]
    layers.append(keras.layers.Dense(f))
    return keras.Sequential(layers)


def set_weights(model):
    weights = []
    for p, w in enumerate(model.get_weights()):
        k = np.arange(w.size, dtype=np.float64)
        weights.append((0.2 * np.sin(0.1 * (k + 1) * (p + 1) + 0.3 * p)).astype(np.float32).reshape(w.shape))
    model.set_weights(weights)


def inputs(batch, steps, f):
    b, t, j = np.meshgrid(np.arange(batch), np.arange(steps), np.arange(f), indexing="ij")
    return np.sin(0.3 * t + b + 0.5 * j).astype(np.float32)


cases = [
    ("autoencoder", autoencoder(1, 30), 3, 30, 1),
    ("autoencoder_multifeature", autoencoder(4, 12, units=16), 2, 12, 4),
    ("forecaster", forecaster(4, 10, [64, 32], "relu"), 3, 10, 4),
    ("univariate", forecaster(1, 50, [50, 100], "tanh"), 2, 50, 1),
]
out = []
for name, model, batch, steps, f in cases:
    set_weights(model)
    y = model(inputs(batch, steps, f), training=False).numpy()
    out.append({"name": name, "batch": batch, "steps": steps, "features": f,
                "output_shape": list(y.shape), "output": [float(v) for v in y.ravel()]})
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "SeismoNNTests", "Fixtures", "keras_parity.json")
with open(path, "w") as fh:
    json.dump({"generator": "scripts/keras_parity.py", "keras": keras.__version__, "cases": out}, fh, indent=1)
print("wrote", os.path.normpath(path), file=sys.stderr)
