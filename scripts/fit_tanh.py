#!/usr/bin/env python3
"""Fits the exp-free tanh that Sources/SeismoNN/Kernels/VectorMath.swift uses, and checks it.

tanh(x) ~ x * P(x^2) / Q(x^2) on [-C, C] (x clamped there), P of degree 4 and Q of degree 3 in
x^2, Q(0) = 1. The fit is a linearised least-squares problem in the relative error, reweighted
(Lawson) towards the worst points, for a range of rounds; the round with the least worst-case
error, evaluated in float32 as the Swift code does, wins. Needs numpy only.

    python3 scripts/fit_tanh.py
"""
import numpy as np

C = 8.0
P_TERMS, Q_TERMS = 5, 3  # P: p0..p4; Q: 1, q1..q3


def fit(rounds):
    x = np.unique(np.concatenate([np.linspace(1e-4, C, 40000), C * (1 - np.cos(np.linspace(0, np.pi / 2, 20000)))]))
    x = x[x > 0]
    t, y = np.tanh(x), x * x
    q_now, weight = np.ones_like(x), np.ones_like(x)
    for _ in range(rounds):
        columns = [x * y**k for k in range(P_TERMS)] + [-t * y**k for k in range(1, Q_TERMS + 1)]
        scale = weight / (q_now * t)
        solution, *_ = np.linalg.lstsq(np.stack(columns, 1) * scale[:, None], t * scale, rcond=None)
        p, q = solution[:P_TERMS], np.concatenate([[1.0], solution[P_TERMS:]])
        q_now = sum(q[k] * y**k for k in range(Q_TERMS + 1))
        error = np.abs(x * sum(p[k] * y**k for k in range(P_TERMS)) / q_now / t - 1)
        weight = weight * (1 + 2 * error / error.max())
        weight /= weight.mean()
    return p.astype(np.float32), q.astype(np.float32)


def tanh32(p, q, x):
    """The Swift code's arithmetic: clamp, then Horner in float32."""
    x = np.clip(x.astype(np.float32), np.float32(-C), np.float32(C))
    y = x * x
    pv, qv = p[-1], q[-1]
    for c in p[-2::-1]:
        pv = pv * y + c
    for c in q[-2::-1]:
        qv = qv * y + c
    return x * pv / qv


def errors(p, q):
    xs = np.linspace(-20, 20, 4_000_001).astype(np.float32)
    tanh_error = np.abs(tanh32(p, q, xs) - np.tanh(xs.astype(np.float64))).max()
    sigmoid = np.float32(0.5) * tanh32(p, q, xs * np.float32(0.5)) + np.float32(0.5)
    sigmoid_error = np.abs(sigmoid - 1 / (1 + np.exp(-xs.astype(np.float64)))).max()
    small = np.linspace(1e-6, 0.1, 100_001).astype(np.float32)
    relative = np.abs(tanh32(p, q, small) / np.tanh(small.astype(np.float64)) - 1).max()
    return tanh_error, sigmoid_error, relative


best = min((errors(*fit(r)), fit(r)) for r in (15, 20, 30, 40, 60, 80))
(tanh_error, sigmoid_error, relative), (p, q) = best
print(f"clamp {C}: tanh abs {tanh_error:.2g}, sigmoid abs {sigmoid_error:.2g}, tanh relative near 0 {relative:.2g}")
print("P (x^0 .. x^8):", ", ".join(f"{v:.9e}" for v in p))
print("Q (x^0 .. x^6):", ", ".join(f"{v:.9e}" for v in q))
