"""The kernel's contract with the app: namespace, streaming, tracebacks, interrupt, restart, check."""

from __future__ import annotations

import threading
import time

from kernel_helpers import Output


def test_namespace_persists_and_the_last_expression_is_shown(make_kernel):
    kernel = make_kernel()
    assert kernel.state == "idle"
    first = kernel.execute("x = 20")
    assert first.status == "ok" and first.execution_count == 1 and first.message == ""
    out = Output()
    second = kernel.execute("y = x + 1\ny * 2", on_output=out)
    assert second.execution_count == 2
    assert out.text() == "42\n"
    assert [v.name for v in second.variables] == ["y"]


def test_stdout_and_stderr_stream_in_order(make_kernel):
    kernel = make_kernel()
    out = Output()
    code = "import sys\nfor i in range(3):\n    print('out', i)\n    print('err', i, file=sys.stderr)"
    kernel.execute(code, on_output=out)
    merged = [(s, line) for s, t in out.parts for line in t.splitlines()]
    expected = []
    for i in range(3):
        expected += [("stdout", f"out {i}"), ("stderr", f"err {i}")]
    assert merged == expected


def test_output_streams_while_the_cell_is_still_running(make_kernel, private_home):
    """The cell waits for a file the test only writes after it has seen the cell's first line."""
    kernel = make_kernel()
    flag = private_home / "data" / "workspaces" / "test" / "go"
    seen_first = threading.Event()

    def on_output(stream, text):
        if "waiting" in text:
            seen_first.set()
            flag.write_text("go")

    code = "import os, time\nprint('waiting')\nwhile not os.path.exists('go'):\n    time.sleep(0.01)\nprint('done')"
    result = kernel.execute(code, on_output=on_output, timeout=20)
    assert result.status == "ok"
    assert seen_first.is_set()


def test_output_of_c_code_and_subprocesses_is_captured(make_kernel):
    kernel = make_kernel()
    out = Output()
    kernel.execute("import os, subprocess\nos.write(1, b'raw fd\\n')\nsubprocess.run(['echo', 'child'])", on_output=out)
    assert "raw fd\n" in out.text("stdout") and "child\n" in out.text("stdout")


def test_traceback_is_trimmed_to_the_learners_cells(make_kernel):
    kernel = make_kernel()
    kernel.execute("def divide(a, b):\n    return a / b")
    result = kernel.execute("import json\nvalue = 3\njson.loads('{bad')")
    assert result.status == "error" and result.error.ename == "JSONDecodeError"
    text = result.error.traceback
    assert 'File "<cell 2>", line 3' in text
    assert "child.py" not in text and "runner.py" not in text  # the kernel's own frames are gone
    assert "frames in the standard library" in text or "frame in the standard library" in text
    result = kernel.execute("divide(1, 0)")
    assert 'File "<cell 1>", line 2, in divide' in result.error.traceback
    assert "return a / b" in result.error.traceback
    assert result.message.startswith("ZeroDivisionError at line 1")


def test_syntax_error_points_into_the_cell(make_kernel):
    kernel = make_kernel()
    result = kernel.execute("x = 1\nif x\n    pass")
    assert result.status == "error" and result.error.ename == "SyntaxError"
    assert '"<cell 1>", line 2' in result.error.traceback
    assert "Traceback" not in result.error.traceback


def test_interrupt_from_another_thread_while_a_worker_runs_the_cell(make_kernel):
    kernel = make_kernel()
    results = []
    worker = threading.Thread(target=lambda: results.append(kernel.execute("import time\ntime.sleep(30)")))
    worker.start()
    while kernel.state != "busy":
        time.sleep(0.01)
    kernel.interrupt()
    worker.join(20)
    assert results and results[0].status == "interrupted"
    assert results[0].error.ename == "KeyboardInterrupt"
    assert kernel.state == "idle"


def test_restart_gives_a_fresh_namespace_and_count(make_kernel):
    kernel = make_kernel()
    kernel.execute("a = 1")
    kernel.execute("b = 2")
    kernel.restart()
    assert kernel.execution_count == 0 and kernel.state == "idle"
    result = kernel.execute("a")
    assert result.error.ename == "NameError" and result.execution_count == 1


def test_check_reads_the_namespace_without_changing_it(make_kernel):
    kernel = make_kernel()
    kernel.execute("total = 6")
    passed = kernel.check("assert total == 6\nleaked = True\ntotal = 0")
    assert passed.passed
    failed = kernel.check("assert total == 7, 'total should be 7'")
    assert not failed.passed and failed.message == "total should be 7"
    crashed = kernel.check("undefined_name")
    assert not crashed.passed and "NameError" in crashed.message
    assert kernel.execution_count == 1
    out = Output()
    kernel.execute("print(total, 'leaked' in dir())", on_output=out)
    assert out.text() == "6 False\n"


def test_show_and_open_figures_come_back_as_png(make_kernel):
    kernel = make_kernel()
    code = ("import numpy as np\nshow(np.zeros((3, 8, 8)))\nimport matplotlib.pyplot as plt\n"
            "plt.plot([1, 2, 3])\nplt.show()")
    result = kernel.execute(code, timeout=120)
    assert result.status == "ok", result.message
    assert len(result.images) == 2
    assert all(image.startswith(b"\x89PNG") for image in result.images)
    assert kernel.execute("1").images == []  # the figure was closed once shown


def test_state_and_shutdown(make_kernel):
    kernel = make_kernel()
    assert kernel.isolation in ("bwrap", "namespaces", "rlimits")
    kernel.shutdown()
    assert kernel.state == "stopped"
    kernel.shutdown()  # twice is fine


def test_unicode_and_lone_surrogates_survive(make_kernel):
    kernel = make_kernel()
    out = Output()
    assert kernel.execute("print('héllo ✓')\nprint('\\udc80')", on_output=out).status == "ok"
    assert out.text().splitlines() == ["héllo ✓", "\ufffd"]


def test_preloaded_torch_and_tensor_summaries(make_kernel):
    kernel = make_kernel(preload_torch=True, timeout=120)
    assert kernel.torch_version  # imported before the kernel said it was ready
    result = kernel.execute("import torch\nx = torch.ones(2, 3, requires_grad=True)\ny = (x * 2).sum()\nnet = torch.nn.Linear(3, 1)")
    assert result.status == "ok", result.message
    found = {v.name: v for v in result.variables}
    assert found["x"].kind == "tensor" and found["x"].shape == (2, 3) and found["x"].requires_grad
    assert found["y"].grad_fn == "SumBackward0"
    assert found["net"].kind == "module" and found["net"].parameters == 4
