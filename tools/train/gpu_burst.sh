#!/bin/bash
# A short burst of GPU training for all three models at once, run ON the device machine (see README.md,
# "GPU bursts"). Each model continues its committed package in public/models (the local checkpoints are too big
# to travel); the weights-only checkpoints and logs come back through $OUT, and gpu_import.py puts them where
# train.py continues them on the CPU.
#   device run, carry [".gpu-data"]:  bash tools/train/gpu_burst.sh 7
# Arguments: minutes (default 7), then extra train.py flags for all three (default below).
set -u
MIN=${1:-7}
shift || true
EXTRA=${*:---batch 16 --crop 256 --lr 1e-4 --lr-end 3e-5}
OUT=${OUT:?set OUT to the folder whose files come back}
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
$PY -c "import torch; print('[burst] torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')" | tee "$OUT/burst.log"
pids=()
for m in mean-scale factorized hyperprior; do
  rm -rf "runs/gpu-$m"
  $PY train.py --model "$m" --run "gpu-$m" --data ../../.gpu-data --minutes "$MIN" --val-every 0 --ckpt-minutes 2 $EXTRA \
    >"runs/gpu-$m.out" 2>&1 &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
for m in mean-scale factorized hyperprior; do
  tail -n 3 "runs/gpu-$m.out" >>"$OUT/burst.log"
  # weights, counters and history only: Adam's moments would double or triple the size ($OUT: 16 MiB a file)
  $PY -c "import sys, torch; ck = torch.load(sys.argv[1], map_location='cpu', weights_only=False); ck.pop('opt'); ck.pop('rng'); torch.save(ck, sys.argv[2])" \
    "runs/gpu-$m/ckpt.pt" "$OUT/$m.pt" || rc=1
  cp "runs/gpu-$m/log.csv" "$OUT/$m-log.csv" || rc=1
done
ls -l "$OUT" | tee -a "$OUT/burst.log"
exit $rc
