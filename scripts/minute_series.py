"""A synthetic minute series for the benchmarks: a random walk of log returns (σ 0.001 a
minute, seeded), one price a minute from epoch second 1,500,000,000, as CSV `ts,x`.

    python3 scripts/minute_series.py ROWS PATH
"""
import math
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
random.seed(1)
price = 100.0
with open(path, "w") as f:
    f.write("ts,x\n")
    for i in range(rows):
        price *= math.exp(random.gauss(0, 0.001))
        f.write(f"{1500000000 + 60 * i},{price:.5f}\n")
