"""A synthetic minute series for the benchmarks: a random walk of log returns (σ 0.001 a
minute, seeded), one price a minute from epoch second 1,500,000,000, as CSV `ts,x`; with
FEATURES (default 1) above 1, that many walks side by side, `ts,x1,x2,…`.

    python3 scripts/minute_series.py ROWS PATH [FEATURES]
"""
import math
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
features = int(sys.argv[3]) if len(sys.argv) > 3 else 1
random.seed(1)
prices = [100.0] * features
with open(path, "w") as f:
    f.write("ts," + ("x" if features == 1 else ",".join(f"x{j + 1}" for j in range(features))) + "\n")
    for i in range(rows):
        for j in range(features):
            prices[j] *= math.exp(random.gauss(0, 0.001))
        f.write(f"{1500000000 + 60 * i}," + ",".join(f"{p:.5f}" for p in prices) + "\n")
