"""Fetching CIFAR-10 into the cache with a progress bar, failing within seconds when offline."""

from __future__ import annotations

import hashlib
import os
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from curriculum.training.sources import CIFAR_BATCHES, DataError

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CONNECT_TIMEOUT_S = 8.0  # the whole offline failure stays under 10 s
ALTERNATIVES = "use --data synthetic, or --data DIR with a CIFAR-10 or train/<class>/, test/<class>/ image folder"


def download_cifar10(target: Path, show_progress: bool = True) -> Path:
    """Download and unpack CIFAR-10 into `target`; returns the batches folder. Raises DataError offline."""
    url = os.environ.get("BLITZ_TUI_CIFAR10_URL", CIFAR10_URL)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / "cifar-10-python.tar.gz"
    partial = archive.with_suffix(".part")
    response = _open_within(url, CONNECT_TIMEOUT_S)
    total = int(response.headers.get("Content-Length") or 0)
    digest = hashlib.md5()
    done = 0
    last_draw = 0.0
    try:
        with response, open(partial, "wb") as out:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if show_progress and time.monotonic() - last_draw > 0.2:
                    last_draw = time.monotonic()
                    _draw(done, total)
    except (OSError, urllib.error.URLError) as error:
        partial.unlink(missing_ok=True)
        raise DataError(f"CIFAR-10 download broke off ({error}); {ALTERNATIVES}") from None
    if show_progress:
        _draw(done, total)
        print(file=sys.stderr)
    if url == CIFAR10_URL and digest.hexdigest() != CIFAR10_MD5:
        partial.unlink(missing_ok=True)
        raise DataError(f"the CIFAR-10 download is damaged (checksum mismatch); try again, or {ALTERNATIVES}")
    partial.replace(archive)
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise DataError(f"cannot unpack {archive}: {error}") from None
    archive.unlink(missing_ok=True)
    return target / CIFAR_BATCHES


def _open_within(url: str, seconds: float):
    """urlopen, but name lookups (which ignore socket timeouts) cannot stall past `seconds` either."""
    result: dict = {}

    def attempt() -> None:
        try:
            result["response"] = urllib.request.urlopen(url, timeout=seconds)
        except (urllib.error.URLError, OSError, ValueError) as error:
            result["error"] = getattr(error, "reason", error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    if "response" in result:
        return result["response"]
    reason = result.get("error", f"no answer within {seconds:.0f} s")
    raise DataError(f"cannot download CIFAR-10 from {url} ({reason}); {ALTERNATIVES}")


def _draw(done: int, total: int) -> None:
    mb = done / 1e6
    if total:
        filled = int(30 * done / total)
        line = f"\rdownloading CIFAR-10 [{'#' * filled}{'.' * (30 - filled)}] {mb:6.1f}/{total / 1e6:.1f} MB"
    else:
        line = f"\rdownloading CIFAR-10 {mb:6.1f} MB"
    print(line, end="", file=sys.stderr, flush=True)
