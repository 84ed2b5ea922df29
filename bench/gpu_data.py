"""CIFAR-10 packed small enough to travel to a GPU machine, bit for bit, and unpacked there.

    python bench/gpu_data.py pack /work/cifar10-full .gpu-data/cifar10.npz
    python bench/gpu_data.py unpack .gpu-data/cifar10.npz /tmp/cifar10 [--per-class TRAIN,TEST]

Why this form: the full set as a uint8 tensor is ~184 MB, and general compressors barely shrink
photos; the JPEG mirror is 55 MB, over half of it the same ~610-byte JPEG header repeated 60,000
times (every file was written by one encoder at one quality, so the tables match). The pack keeps
that header once and each file's entropy-coded rest, ~18 MB for all 60,000 images, and `unpack`
rebuilds each file byte for byte: the same images the CPU benchmarks and the recorded 54.7% use.
A header that differs from the first is refused at pack time rather than silently re-encoded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

SPLITS = ("train", "test")


def _split_jpeg(data: bytes) -> tuple[bytes, bytes]:
    """(header up to the end of the start-of-scan segment, the rest)."""
    sos = data.index(b"\xff\xda")
    end = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    return data[:end], data[end:]


def pack(source: Path, target: Path) -> None:
    classes = sorted(p.name for p in (source / "train").iterdir() if p.is_dir())
    header, bodies, splits, labels, numbers = None, [], [], [], []
    for split_index, split in enumerate(SPLITS):
        for label, name in enumerate(classes):
            for path in sorted((source / split / name).glob("*.jpg")):
                head, body = _split_jpeg(path.read_bytes())
                if header is None:
                    header = head
                elif head != header:
                    raise SystemExit(f"{path}: its JPEG header differs from the others; this pack needs one header")
                bodies.append(body)
                splits.append(split_index)
                labels.append(label)
                numbers.append(int(path.stem))
    offsets = np.cumsum([0] + [len(b) for b in bodies], dtype=np.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez(target, header=np.frombuffer(header, np.uint8), bodies=np.frombuffer(b"".join(bodies), np.uint8),
             offsets=offsets, split=np.array(splits, np.uint8), label=np.array(labels, np.uint8),
             number=np.array(numbers, np.int32), classes=np.array(classes))
    print(f"packed {len(bodies):,} images of {len(classes)} classes into {target} "
          f"({target.stat().st_size / 2**20:.1f} MiB)")


def unpack(packed: Path, target: Path, per_class: tuple[int, int] | None = None) -> Path:
    """Write train/<class>/NNNN.jpg and test/<class>/NNNN.jpg under `target` (the first N per class if asked)."""
    with np.load(packed) as data:
        header = data["header"].tobytes()
        bodies, offsets = data["bodies"], data["offsets"]
        split, label, number, classes = data["split"], data["label"], data["number"], [str(c) for c in data["classes"]]
    for name in SPLITS:
        for cls in classes:
            (target / name / cls).mkdir(parents=True, exist_ok=True)
    written = np.zeros((2, len(classes)), np.int64)
    for i in range(len(label)):
        s, c = int(split[i]), int(label[i])
        if per_class is not None and written[s, c] >= per_class[s]:
            continue
        written[s, c] += 1
        body = bodies[offsets[i]:offsets[i + 1]].tobytes()
        (target / SPLITS[s] / classes[c] / f"{int(number[i]):04d}.jpg").write_bytes(header + body)
    print(f"unpacked {int(written[0].sum()):,} train and {int(written[1].sum()):,} test images into {target}")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    p = sub.add_parser("pack")
    p.add_argument("source", type=Path, help="an ImageFolder root with train/<class>/*.jpg and test/<class>/*.jpg")
    p.add_argument("target", type=Path)
    u = sub.add_parser("unpack")
    u.add_argument("packed", type=Path)
    u.add_argument("target", type=Path)
    u.add_argument("--per-class", metavar="TRAIN,TEST", help="only the first TRAIN and TEST images of each class")
    args = parser.parse_args()
    if args.verb == "pack":
        pack(args.source, args.target)
    else:
        per_class = tuple(int(n) for n in args.per_class.split(",")) if args.per_class else None
        unpack(args.packed, args.target, per_class)
    return 0


if __name__ == "__main__":
    sys.exit(main())
