"""Unpacking a zip source into the cache is safe when several processes do it at once."""

from __future__ import annotations

import multiprocessing
import zipfile

from curriculum.paths import cache_dir
from curriculum.training import data

FOLDERS = 150  # many folders, so unpacks running side by side reach the same one at the same time


def _zip_of_many_folders(path):
    with zipfile.ZipFile(path, "w") as out:
        for index in range(FOLDERS):
            out.writestr(f"pics/train/class{index}/deep/{index}.txt", f"picture {index}")
    return path


def _unpack_after(barrier, archive, results):
    barrier.wait()
    try:
        results.put(("ok", str(data._extracted(archive))))
    except Exception as error:  # reported to the parent, which asserts on it
        results.put(("error", f"{type(error).__name__}: {error}"))


def test_concurrent_unpacks_all_succeed_with_one_complete_folder(tmp_path):
    archive = _zip_of_many_folders(tmp_path / "sample.zip")
    fork = multiprocessing.get_context("fork")  # the children inherit BLITZ_TUI_HOME and imports
    walkers = 4
    barrier, results = fork.Barrier(walkers), fork.Queue()
    processes = [fork.Process(target=_unpack_after, args=(barrier, archive, results)) for _ in range(walkers)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [kind for kind, _ in outcomes] == ["ok"] * walkers, outcomes
    assert len({where for _, where in outcomes}) == 1
    target = cache_dir() / "extracted"
    [folder] = [path for path in target.iterdir()]  # no temporary folder is left beside it
    assert (folder / ".complete").is_file()
    assert len(list((folder / "pics" / "train").iterdir())) == FOLDERS


def test_a_complete_folder_another_process_made_is_used(tmp_path, monkeypatch):
    archive = _zip_of_many_folders(tmp_path / "sample.zip")
    real_extractall = zipfile.ZipFile.extractall

    def others_finish_first(self, path):
        # Another process finishes its unpack while this one is still writing its own.
        monkeypatch.setattr(zipfile.ZipFile, "extractall", real_extractall)
        theirs = data._extracted(archive)
        (theirs / "theirs").touch()
        real_extractall(self, path)

    monkeypatch.setattr(zipfile.ZipFile, "extractall", others_finish_first)
    folder = data._extracted(archive)
    assert (folder / "theirs").is_file() and (folder / ".complete").is_file()
    assert [path.name for path in folder.parent.iterdir()] == [folder.name]


def test_a_partial_folder_from_an_interrupted_unpack_is_replaced(tmp_path):
    archive = _zip_of_many_folders(tmp_path / "sample.zip")
    stat = archive.stat()
    partial = cache_dir() / "extracted" / f"sample-{stat.st_size}-{stat.st_mtime_ns}"
    (partial / "pics" / "half").mkdir(parents=True)
    folder = data._extracted(archive)
    assert folder == partial and (folder / ".complete").is_file()
    assert not (folder / "pics" / "half").exists()
    assert len(list((folder / "pics" / "train").iterdir())) == FOLDERS
