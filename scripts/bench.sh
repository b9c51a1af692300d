#!/usr/bin/env bash
# Runs Seismo's benchmark and the Keras/TensorFlow reference (../shared/bench) side by side on the
# same data, one model after the other, and prints both JSON lines and the ratios.
#
#   scripts/bench.sh [autoencoder|forecaster|univariate ...]     (default: all three)
#
# Needs the reference's venv once: python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu pandas
# (set TF_PYTHON to use another interpreter).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bench_dir="$root/../shared/bench"
data="$root/../shared/data"
python=${TF_PYTHON:-/tmp/tfenv/bin/python}
[ -d "$bench_dir" ] || { echo "bench: $bench_dir not found (../shared beside the repository)" >&2; exit 1; }
[ -x "$python" ] || { echo "bench: no TensorFlow python at $python (see the header of this script)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product seismo >&2
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(autoencoder forecaster univariate)
out=$(mktemp -d)
for m in "${models[@]}"; do
  case "$m" in
    forecaster) args=(--csv "$data/market_weekly_4.csv") ;;
    *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close) ;;
  esac
  (cd "$bench_dir" && "$python" keras_reference.py "$m" "${args[@]}" | tail -n 1) > "$out/$m.keras.json"
  .build/release/seismo bench "$m" "${args[@]}" > "$out/$m.seismo.json"
  echo "keras:  $(cat "$out/$m.keras.json")"
  echo "seismo: $(cat "$out/$m.seismo.json")"
  python3 - "$out/$m.keras.json" "$out/$m.seismo.json" <<'PY'
import json, sys
k, s = (json.load(open(p)) for p in sys.argv[1:3])
print(f"{s['model']}: steady epoch {k['steady_epoch_s'] / s['steady_epoch_s']:.1f}x faster, "
      f"first epoch {k['first_epoch_s'] / s['first_epoch_s']:.1f}x, "
      f"inference {s['infer_windows_per_s'] / k['infer_windows_per_s']:.1f}x, "
      f"peak memory {s['peak_rss_mib'] / k['peak_rss_mib']:.2f} of Keras's; "
      f"final val loss {s['final_val_loss']:.4f} (Keras {k['final_val_loss']:.4f})")
PY
done
rm -rf "$out"
