#!/usr/bin/env bash
# Runs Seismo's benchmark and the Keras/TensorFlow reference (../shared/bench) side by side on the
# same data and prints the ratios. Each model runs ROUNDS times (default 2) with the two sides
# interleaved (Keras, Seismo, Keras, Seismo, …); every run trains at least 4 epochs, so the steady
# epoch (the median of all epochs but the first) is never the first epoch. Prints each run's JSON
# lines, then per model the median ratio and its range over rounds, with the load average before
# and after, and the share of the machine's peak that each side's training reaches (the real work
# of the matrix products, counted from the layer shapes by `seismo bench`; the peak is the larger
# of OpenBLAS's sgemm rate and the multiply-add ceiling, both on as many threads, and the best any
# of the model's rounds measured), and Seismo's steady inference against the most windows/s that
# peak allows. Run it when nothing else runs.
#
#   scripts/bench.sh [autoencoder|forecaster|univariate ...]     (default: all three)
#   ROUNDS=3 scripts/bench.sh
#
# Needs the reference's venv once: python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu pandas
# (set TF_PYTHON to use another interpreter).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bench_dir="$root/../shared/bench"
data="$root/../shared/data"
python=${TF_PYTHON:-/tmp/tfenv/bin/python}
rounds=${ROUNDS:-2}
[ -d "$bench_dir" ] || { echo "bench: $bench_dir not found (../shared beside the repository)" >&2; exit 1; }
[ -x "$python" ] || { echo "bench: no TensorFlow python at $python (see the header of this script)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product seismo >&2
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(autoencoder forecaster univariate)
out=$(mktemp -d)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for m in "${models[@]}"; do
  case "$m" in
    forecaster) args=(--csv "$data/market_weekly_4.csv") ;;
    univariate) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close --epochs 4) ;;
    *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close) ;;
  esac
  for r in $(seq "$rounds"); do
    (cd "$bench_dir" && "$python" keras_reference.py "$m" "${args[@]}" | tail -n 1) > "$out/$m.$r.keras.json"
    .build/release/seismo bench "$m" "${args[@]}" > "$out/$m.$r.seismo.json"
    echo "keras:  $(cat "$out/$m.$r.keras.json")"
    echo "seismo: $(cat "$out/$m.$r.seismo.json")"
  done
  python3 - "$out" "$m" "$rounds" <<'PY'
import json, statistics, sys
out, model, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [tuple(json.load(open(f"{out}/{model}.{r}.{side}.json")) for side in ("keras", "seismo")) for r in range(1, rounds + 1)]
def show(name, ratios):
    return f"{name} {statistics.median(ratios):.1f}x ({min(ratios):.1f}–{max(ratios):.1f})"
steady = [k["steady_epoch_s"] / s["steady_epoch_s"] for k, s in runs]
first = [k["first_epoch_s"] / s["first_epoch_s"] for k, s in runs]
infer = [s["infer_windows_per_s"] / k["infer_windows_per_s"] for k, s in runs]
memory = [s["peak_rss_mib"] / k["peak_rss_mib"] for k, s in runs]
k, s = runs[-1]
print(f"{model} ({rounds} rounds, medians and ranges): {show('steady epoch', steady)} faster, {show('first epoch', first)}, "
      f"{show('inference', infer)}, peak memory {statistics.median(memory):.2f} of Keras's; "
      f"final val loss {s['final_val_loss']:.4f} (Keras {k['final_val_loss']:.4f}); seismo epochs {s['epochs']}")
# Share of the machine's peak (measured by seismo bench on as many threads): the real work of a
# steady training epoch (the same FLOPs for both sides) and of a steady inference pass. The
# inference ratio above compares first passes, as the reference makes one.
# The peak is the best any round measured: a neighbour busy while one round measures it lowers
# that round's figure (a core taken halves it), and a share of a low peak would flatter.
work = [s["epoch_flops"] for k, s in runs]
peak = max(s["peak_gflops"] for k, s in runs)
seismo_share = [s["train_gflops"] / peak for k, s in runs]
keras_share = [w / k["steady_epoch_s"] / 1e9 / peak for w, (k, s) in zip(work, runs)]
infer_share = [s["infer_gflops"] / peak for k, s in runs]
# The most windows/s the peak allows: no efficiency passes the peak's arithmetic.
limit = peak * 1e9 / runs[-1][1]["forward_flops_per_window"]
steady_infer = [s["steady_infer_windows_per_s"] for k, s in runs]
each_peak = ", ".join(f"{s['peak_gflops']:.0f}" for k, s in runs)
print(f"  peak {peak:.0f} GFLOP/s, the best round's (rounds: {each_peak}; median sgemm "
      f"{statistics.median(s['sgemm_peak_gflops'] for k, s in runs):.0f}, multiply-add ceiling "
      f"{statistics.median(s['arithmetic_peak_gflops'] for k, s in runs):.0f}); training: seismo "
      f"{statistics.median(s['train_gflops'] for k, s in runs):.1f} GFLOP/s, {100 * statistics.median(seismo_share):.0f}% of peak "
      f"({100 * min(seismo_share):.0f}–{100 * max(seismo_share):.0f}), keras {100 * statistics.median(keras_share):.0f}%; "
      f"seismo steady inference {statistics.median(steady_infer):,.0f} windows/s "
      f"({min(steady_infer):,.0f}–{max(steady_infer):,.0f}), "
      f"{100 * statistics.median(infer_share):.0f}% of peak, which allows {limit:,.0f} windows/s")
PY
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
