"""A small in-process stand-in for the kernel, and tiny lessons, so UI tests need no subprocess."""

from __future__ import annotations

import threading
import traceback
from pathlib import Path

from curriculum.kernel.results import CheckResult, ErrorInfo, ExecResult, VariableInfo
from curriculum.lesson import Lesson, parse_lesson

LESSON_ONE = '''---
id: tensors
number: 1
title: Tensors
summary: Make tensors and do maths with them.
---
# Tensors

A tensor is an array that can live on a GPU.

```python id=make
x = 1 + 1
print("x is", x)
```

Now use it.

```python id=tenfold
y = x * 10
print(y)
```

```python exercise id=double title="Double it"
doubled = None
```

```check
assert doubled == 2 * x, "doubled should be twice x"
```

```hint
Multiply x by a number.
```

```hint
Use `x * 2`.
```

```solution
doubled = x * 2
```
'''

OTHER_TITLES = {2: "Autograd", 3: "Neural networks", 4: "Training a classifier", 5: "Data parallelism"}


def other_lesson_text(number: int) -> str:
    training = "train_preset: faithful\ntrain_epochs: 2\n" if number == 4 else ""
    return (
        f"---\nid: lesson{number}\nnumber: {number}\ntitle: {OTHER_TITLES[number]}\n{training}---\n"
        f"# {OTHER_TITLES[number]}\n\nProse for lesson {number}.\n\n```python id=only\nprint({number})\n```\n"
    )


def sample_lessons(tmp_path: Path) -> list[Lesson]:
    lessons = [parse_lesson(LESSON_ONE, tmp_path / "01-tensors.md")]
    for number in OTHER_TITLES:
        lessons.append(parse_lesson(other_lesson_text(number), tmp_path / f"{number:02d}-lesson.md"))
    return lessons


class FakeKernel:
    """Runs cells with `exec` in this process. `wait_for_interrupt()` blocks a cell until interrupted."""

    instances: list[FakeKernel] = []

    def __init__(self, lesson_id: str = "") -> None:
        self.lesson_id = lesson_id
        self.state = "stopped"
        self.execution_count = 0
        self.isolation = "bwrap"
        self.namespace: dict = {}
        self._interrupted = threading.Event()
        self.shutdowns = 0
        FakeKernel.instances.append(self)

    def start(self) -> None:
        self.state = "idle"

    def execute(self, code, on_output, timeout=None) -> ExecResult:
        self.state = "busy"
        self._interrupted.clear()
        images: list[bytes] = []
        before = dict(self.namespace)

        def fake_print(*args, sep=" ", end="\n", file=None) -> None:
            on_output("stderr" if file == "stderr" else "stdout", sep.join(str(a) for a in args) + end)

        def wait_for_interrupt() -> None:
            if self._interrupted.wait(30):
                raise KeyboardInterrupt

        self.namespace.update(print=fake_print, wait_for_interrupt=wait_for_interrupt, show=images.append)
        self.execution_count += 1
        try:
            exec(compile(code, "<cell>", "exec"), self.namespace)
        except KeyboardInterrupt:
            self.state = "idle"
            return ExecResult("interrupted", self.execution_count, message="Interrupted.")
        except Exception as error:
            self.state = "idle"
            trace = "".join(traceback.format_exception_only(type(error), error))
            return ExecResult("error", self.execution_count, ErrorInfo(type(error).__name__, str(error), trace))
        self.state = "idle"
        changed = [
            VariableInfo(name, kind="other", summary=repr(value))
            for name, value in self.namespace.items()
            if not name.startswith("_") and name not in ("print", "wait_for_interrupt", "show")
            and (name not in before or before[name] is not value)
        ]
        return ExecResult("ok", self.execution_count, variables=changed, images=images)

    def check(self, code: str, timeout: float | None = None) -> CheckResult:
        try:
            exec(compile(code, "<check>", "exec"), dict(self.namespace))
        except AssertionError as error:
            return CheckResult(False, str(error))
        except Exception as error:
            return CheckResult(False, f"{type(error).__name__}: {error}")
        return CheckResult(True, "")

    def interrupt(self) -> None:
        self._interrupted.set()

    def restart(self) -> None:
        self.namespace = {}
        self.execution_count = 0
        self.state = "idle"

    def shutdown(self) -> None:
        self.shutdowns += 1
        self._interrupted.set()
        self.state = "stopped"
