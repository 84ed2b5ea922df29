#!/usr/bin/env bash
# The GPU half of the training checks, for any CUDA machine, offline, in a few minutes:
#   bash bench/gpu_check.sh DATA_DIR_OR_ZIP      (e.g. an extracted cifar10-sample, or a CIFAR-10 root)
# 1) the CUDA-graph step against the eager step and NVML telemetry (bench/gpu_check.py);
# 2) the benchmark on the GPU: tutorial loop vs faithful vs fast (bench/train_vs_tutorial.py);
# 3) the headless CLI on cuda end to end. Uses $PYTHON (default .venv/bin/python, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then echo "usage: bash bench/gpu_check.sh DATA_DIR_OR_ZIP" >&2; exit 2; fi
DATA=$1
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
export PYTHONUNBUFFERED=1 BLITZ_TUI_HOME=${BLITZ_TUI_HOME:-$(mktemp -d)}
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

echo "== 1. CUDA graph vs eager, NVML"
"$PYTHON" bench/gpu_check.py

echo "== 2. benchmark on cuda (one repeat)"
"$PYTHON" bench/train_vs_tutorial.py --data "$DATA" --device cuda --repeats "${REPEATS:-1}"

echo "== 3. headless CLI on cuda"
"$PYTHON" -m curriculum.training --headless --json --device cuda --data "$DATA" --preset fast --epochs 1 \
    --gpu-interval 0.5 | "$PYTHON" -c '
import json, sys
events = [json.loads(line) for line in sys.stdin]
kinds = [e["type"] for e in events]
gpu = next((e for e in events if e["type"] == "gpu"), None)
end = events[-1]
print(f"events: {len(events)} ({kinds.count(\"progress\")} progress, {kinds.count(\"gpu\")} gpu); "
      f"end: {end[\"status\"]}, test_acc {end[\"test_acc\"]:.3f}, {end[\"images_per_s\"]:,.0f} images/s")
print(f"gpu event: {gpu}")
sys.exit(0 if end["status"] == "finished" and gpu and gpu["available"] else 1)'

echo "== 4. DDP (nccl) under torchrun: world size 1 against the plain trainer, then every GPU"
"$PYTHON" bench/ddp_throughput.py --device cuda --data "$DATA" --repeats "${REPEATS:-1}" \
    || echo "note: DDP world size 1 costs more than the 5% goal (figures above)"
GPUS=$(nvidia-smi -L 2>/dev/null | wc -l)
if [ "$GPUS" -ge 2 ]; then
    "$PYTHON" -m curriculum.training --headless --nproc "$GPUS" --device cuda --data "$DATA" --preset fast --epochs 1
fi
echo "gpu check passed"
