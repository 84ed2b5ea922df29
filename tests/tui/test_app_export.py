"""The palette's export actions write what the lesson screen shows: edited text, outputs, pictures."""

from __future__ import annotations

import pytest
from conftest import settle

nbformat = pytest.importorskip("nbformat")


async def test_palette_export_writes_a_valid_notebook_with_the_editors_text_and_outputs(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        screen.cell_view("tenfold").editor.load_text("y = x * 10\nprint('tenfold', y)")
        await pilot.press("ctrl+r", "j", "ctrl+r")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"export notebook")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
    book = nbformat.read(str(tmp_path / "01-tensors.ipynb"), as_version=4)
    nbformat.validate(book)
    code = {cell.metadata["blitz_tui"]["cell_id"]: cell for cell in book.cells if cell.cell_type == "code"}
    assert code["make"].outputs[0].text == "x is 2\n" and code["make"].execution_count == 1
    assert code["tenfold"].source == "y = x * 10\nprint('tenfold', y)"
    assert code["tenfold"].outputs[0].text == "tenfold 20\n"
    assert code["double"].outputs == [] and code["double"].execution_count is None
    assert [cell.cell_type for cell in book.cells][:2] == ["markdown", "code"]


async def test_palette_export_writes_a_percent_script(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Export lesson as script (.py)")
        command.callback()
        await pilot.pause()
    text = (tmp_path / "01-tensors.py").read_text()
    assert "# %% id=make\nx = 1 + 1\n" in text and "# %% [markdown]\n# # Tensors\n" in text
