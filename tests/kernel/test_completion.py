"""Completion and signatures from the live namespace, against a real kernel process."""

from __future__ import annotations

import threading
import time

COLD = 60.0  # the first answer imports jedi; a loaded test machine may take seconds


def test_module_names_and_the_learners_own_objects_complete(make_kernel):
    kernel = make_kernel(preload_torch=True)
    kernel.execute("import torch\nclass Net:\n    def __init__(self):\n        self.fc = torch.nn.Linear(2, 3)\nnet = Net()")
    reply = kernel.complete("torch.zeros_l", 0, 13, timeout=COLD)
    assert reply["matches"] == ["zeros_like"] and reply["replaced"] == len("zeros_l")
    reply = kernel.complete("y = 1\nnet.fc.weig", 1, 11, timeout=COLD)
    assert reply["matches"] == ["weight"]
    everything = kernel.complete("torch.", 0, 6, timeout=COLD)["matches"]
    assert "zeros" in everything and not any(name.startswith("_") for name in everything)
    assert kernel.execution_count == 1, "completion must not count as a run"


def test_the_signature_and_first_doc_lines_of_the_call_under_the_cursor(make_kernel):
    kernel = make_kernel()
    kernel.execute("def scale(values, factor=2):\n    '''Multiply every value by factor.\n\n    More.'''\n    return [v * factor for v in values]")
    reply = kernel.inspect("scale([1, 2], ", 0, 14, timeout=COLD)
    assert reply["signature"] == "scale(values, factor=2)"
    assert reply["doc"].startswith("Multiply every value by factor.")


def test_a_busy_kernel_gives_no_list_at_once(make_kernel):
    kernel = make_kernel()
    done = threading.Event()
    thread = threading.Thread(target=lambda: (kernel.execute("import time\ntime.sleep(3)"), done.set()))
    thread.start()
    while kernel.state != "busy":
        time.sleep(0.01)
    assert kernel.complete("pri", 0, 3, timeout=COLD) is None
    assert not done.is_set()
    thread.join()
    assert "print" in kernel.complete("pri", 0, 3, timeout=COLD)["matches"]


def test_a_malformed_request_leaves_the_kernel_working(make_kernel):
    kernel = make_kernel()
    kernel.execute("x = 5")
    assert kernel.complete("x.", 99, 99, timeout=COLD)["matches"] == []
    assert kernel.execute("x * 2").status == "ok"
