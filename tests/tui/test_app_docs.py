"""The keys the app answers to are the keys its docs and help screen list."""

from __future__ import annotations

from pathlib import Path

from curriculum.lesson import load_all
from tui.keymap import keymap
from tui.options import AppOptions

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tui.md"


def test_docs_list_every_key_of_the_keymap():
    """The keys of the course as its lesson files make it (number keys, `T` for a recipe)."""
    rows_wanted = keymap(load_all())
    sections = {where for where, _, _ in rows_wanted}
    rows = set()
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in sections:
            rows.add((cells[0], cells[1].replace("`", "")))
    for where, keys, _ in rows_wanted:
        assert (where, keys) in rows, f"docs/tui.md does not list {keys!r} under {where!r}"


def test_cli_flags_become_app_options():
    from tui.cli import build_parser

    args = build_parser().parse_args(
        ["--lesson", "3", "--isolation", "rlimits", "--allow-network", "--memory-mb", "2048",
         "--timeout", "5", "--data", "synthetic", "--epochs", "2", "--device", "cpu"]
    )
    options = AppOptions.from_args(args)
    assert options == AppOptions(
        lesson=3, isolation="rlimits", allow_network=True, memory_mb=2048, timeout=5.0,
        training={"data": "synthetic", "epochs": 2, "device": "cpu"},
    )
    assert AppOptions.from_args(build_parser().parse_args([])) == AppOptions()
