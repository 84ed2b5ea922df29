#!/usr/bin/env bash
# Issue 15's GPU checks in one run; writes $OUT/gpu-check.json (see bench/gpu_check.py for each check).
#
# Prepare once, here: bash bench/gpu_check.sh --prepare   (CIFAR_SRC, default /work/cifar10-full)
#   packs all 60,000 CIFAR-10 images into .gpu-data/cifar10.npz (~18 MiB, byte-exact; bench/gpu_data.py says how)
#   and downloads the pure-Python wheels the GPU image lacks (textual & co., at this .venv's versions) into
#   .gpu-data/wheels (~2 MiB). .gpu-data/ is ignored: name it in the device run's carry (~20 of the 64 MiB).
# On the GPU machine:   bash bench/gpu_check.sh                 (carry .gpu-data)
# Rehearsal on a CPU:   bash bench/gpu_check.sh --rehearse      (a small subset, every step on the CPU)
# Environment: OUT (default ./gpu-check-out), PYTHON (default .venv/bin/python, else python3),
# PER_CLASS=TRAIN,TEST to unpack only part of the set, SKIP=speed,events,lessons,ddp,overhead to leave steps out.
set -uo pipefail
cd "$(dirname "$0")/.."
REHEARSE=""
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
case "$#:${1:-}" in
    0:) ;;
    1:--rehearse) REHEARSE=--rehearse ;;
    1:--prepare)
        "$PYTHON" bench/gpu_data.py pack "${CIFAR_SRC:-/work/cifar10-full}" .gpu-data/cifar10.npz || exit 3
        # What the app imports beyond the GPU image's packages, pinned to the versions tested here.
        pins=$("$PYTHON" -c 'import importlib.metadata as m
names = "textual textual-plotext plotext textual-image platformdirs mdit-py-plugins rich markdown-it-py pytest-asyncio"
print(" ".join(f"{n}=={m.version(n)}" for n in names.split()))') || exit 3
        rm -rf .gpu-data/wheels
        "$PYTHON" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
            --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 -d .gpu-data/wheels $pins || exit 3
        du -sh .gpu-data; exit 0 ;;
    *) echo "usage: bash bench/gpu_check.sh [--rehearse | --prepare]" >&2; exit 2 ;;
esac
OUT=${OUT:-$PWD/gpu-check-out}
mkdir -p "$OUT"
PACK=.gpu-data/cifar10.npz
[ -f "$PACK" ] || { echo "no $PACK: run bench/gpu_data.py pack first" >&2; exit 2; }

# The GPU image has torch but not the app's pure-Python dependencies: install the carried wheels
# (into the repo's ignored folder, which the lesson kernel's sandbox can read).
if [ -d .gpu-data/wheels ] && ! "$PYTHON" -c "import textual, platformdirs, textual_plotext" 2>/dev/null; then
    "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$PWD/.gpu-data/site" .gpu-data/wheels/*.whl || exit 3
    export PYTHONPATH=$PWD/.gpu-data/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONUNBUFFERED=1 BLITZ_TUI_HOME=${BLITZ_TUI_HOME:-$(mktemp -d)}
# Inside the repo, not /tmp: the lesson kernel's sandbox gives it a private /tmp, and it must see these.
DATA=$PWD/.gpu-data/cifar10
rm -rf "$DATA"
if [ -n "$REHEARSE" ]; then PER_CLASS=${PER_CLASS:-60,30}; fi
"$PYTHON" bench/gpu_data.py unpack "$PACK" "$DATA" ${PER_CLASS:+--per-class "$PER_CLASS"} || exit 3
export BLITZ_TUI_SAMPLE=$DATA   # lesson 4's cells read these images too (never a download)
{
    date -u
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    "$PYTHON" -m tui doctor
} 2>&1 | tee "$OUT/doctor.txt"
"$PYTHON" bench/gpu_check.py --data "$DATA" --out "$OUT" $REHEARSE ${SKIP:+--skip "$SKIP"} 2>&1 | tee "$OUT/gpu-check.log"
status=${PIPESTATUS[0]}
echo "gpu-check.json: $OUT/gpu-check.json (exit $status)"
exit "$status"
