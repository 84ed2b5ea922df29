"""curriculum/ is the headless core: importing any of it must not load Textual or Rich."""

from __future__ import annotations

import os
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


def test_the_lesson_session_is_headless_core():
    """The lesson screen's logic (kernel, run queue, progress) lives in curriculum/ and runs without a UI."""
    assert "curriculum.lesson_session" in _curriculum_modules()
    script = (
        "import sys, curriculum.lesson_session, curriculum.kernel.spare\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'torch', 'tui'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the lesson session pulled in: {out.stdout.strip()}"


def test_the_app_and_the_training_form_do_not_import_torch():
    script = (
        "import sys, tui.app, curriculum.training.client.form, curriculum.training.cli\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


CLIENT_MODULES = ("curriculum.training.client.form", "curriculum.training.client.run_state",
                  "curriculum.training.client.runs", "curriculum.training.client.run_process",
                  "curriculum.training.client.run_session")


def test_the_training_client_is_headless_and_torch_free():
    # The training screen is only a view: the client it drives loads with neither Textual nor torch.
    script = (
        "import importlib, sys\n"
        f"for name in {CLIENT_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'torch')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert set(CLIENT_MODULES) <= set(_curriculum_modules())


def _frame_rate_after_importing_the_app(env: dict[str, str]) -> str:
    script = "import tui.app, textual.constants\nprint(textual.constants.MAX_FPS)\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    return out.stdout.strip()


def test_the_app_asks_textual_for_120_frames_a_second_unless_the_learner_chose():
    # The frame rate bounds how long a key waits behind a live panel's repaint (docs/training-screen.md).
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    assert _frame_rate_after_importing_the_app(env) == "120"
    assert _frame_rate_after_importing_the_app({**env, "TEXTUAL_FPS": "30"}) == "30"
