"""curriculum/ is the headless core: importing any of it must not load Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import curriculum


def _curriculum_modules() -> list[str]:
    names = ["curriculum"]
    for info in pkgutil.walk_packages(curriculum.__path__, prefix="curriculum."):
        names.append(info.name)
    return names


def test_there_are_modules_to_check():
    assert "curriculum.lesson" in _curriculum_modules()


def test_curriculum_never_imports_textual_or_rich():
    script = (
        "import importlib, sys\n"
        f"for name in {_curriculum_modules()!r}:\n"
        "    if name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"curriculum pulled in: {out.stdout.strip()}"


def test_the_app_and_the_training_form_do_not_import_torch():
    script = (
        "import sys, tui.app, tui.training.config, curriculum.training.cli\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
