"""The GPU check's preparation, as far as a CPU goes: the data pack is byte-exact, bad usage exits 2."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import gpu_data  # noqa: E402


def jpeg(seed: int, quality: int = 75) -> bytes:
    from PIL import Image

    picture = Image.frombytes("RGB", (32, 32), bytes((seed * 7 + i) % 256 for i in range(32 * 32 * 3)))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def image_folder(root: Path, quality_of=lambda split, cls, n: 75) -> dict[Path, bytes]:
    files = {}
    for split, count in (("train", 3), ("test", 2)):
        for cls in ("cat", "dog"):
            for n in range(count):
                path = root / split / cls / f"{n:04d}.jpg"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg(hash((split, cls, n)) % 1000, quality_of(split, cls, n)))
                files[path.relative_to(root)] = path.read_bytes()
    return files


def test_pack_then_unpack_gives_back_every_file_byte_for_byte(tmp_path):
    files = image_folder(tmp_path / "src")
    gpu_data.pack(tmp_path / "src", tmp_path / "pack.npz")
    gpu_data.unpack(tmp_path / "pack.npz", tmp_path / "out")
    got = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*.jpg")}
    assert got == files
    assert (tmp_path / "pack.npz").stat().st_size < sum(len(b) for b in files.values())  # the header is kept once


def test_unpack_can_take_the_first_images_of_each_class(tmp_path):
    image_folder(tmp_path / "src")
    gpu_data.pack(tmp_path / "src", tmp_path / "pack.npz")
    gpu_data.unpack(tmp_path / "pack.npz", tmp_path / "out", per_class=(2, 1))
    assert sorted(p.name for p in (tmp_path / "out" / "train" / "dog").iterdir()) == ["0000.jpg", "0001.jpg"]
    assert [p.name for p in (tmp_path / "out" / "test" / "cat").iterdir()] == ["0000.jpg"]


def test_a_file_with_another_header_is_refused(tmp_path):
    image_folder(tmp_path / "src", quality_of=lambda split, cls, n: 90 if (split, cls, n) == ("test", "dog", 1) else 75)
    with pytest.raises(SystemExit, match="header differs"):
        gpu_data.pack(tmp_path / "src", tmp_path / "pack.npz")


@pytest.mark.parametrize("args", [["--bad"], ["--rehearse", "extra"]])
def test_gpu_check_sh_rejects_bad_usage_with_exit_2(args):
    done = subprocess.run(["bash", str(ROOT / "bench" / "gpu_check.sh"), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stderr.startswith("usage:")
