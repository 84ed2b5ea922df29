"""Inside the kernel: run one cell (or one exercise check) against the persistent namespace."""

from __future__ import annotations

import ast
import builtins
import os
import signal
import sys
import warnings

from curriculum.kernel import autograd_graph, display, inspector, tracebacks
from curriculum.kernel.protocol import pack_images

CUDA_OOM_HINT = (
    "The GPU ran out of memory (this kernel may use {share} of it): use a smaller batch or model, "
    "free tensors with `del x` then `torch.cuda.empty_cache()`, or restart the kernel (0 0)."
)


def _no_input(prompt: str = "") -> str:
    raise EOFError("input() is not available here: lesson cells have no keyboard; put the value in the code")


class CellRunner:
    def __init__(self, gpu_fraction: float):
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins, "show": display.show}
        self.gpu_fraction = gpu_fraction
        self.in_cell = False
        self.pending_interrupt = False  # SIGINT that came while the kernel was between the request and the cell
        self._cuda_configured = False
        self.main_pid = os.getpid()
        builtins.input = _no_input
        signal.signal(signal.SIGINT, self._on_sigint)
        warnings.filterwarnings("ignore", message=".*non-interactive, and thus cannot be shown")

    def _on_sigint(self, signum, frame) -> None:
        # Only the learner's code is interrupted; the kernel's own bookkeeping always finishes.
        if self.in_cell:
            raise KeyboardInterrupt
        self.pending_interrupt = True

    def configure_gpu(self) -> None:
        """Cap this kernel's share of each GPU, once torch is loaded, without starting CUDA early."""
        torch = sys.modules.get("torch")
        if self._cuda_configured or torch is None or not hasattr(torch, "cuda"):
            return
        self._cuda_configured = True
        fraction = self.gpu_fraction

        def cap() -> None:
            for index in range(torch.cuda.device_count()):
                torch.cuda.set_per_process_memory_fraction(fraction, index)

        try:
            if torch.cuda.is_available():
                torch.cuda._lazy_call(cap)  # runs when CUDA first initialises
        except Exception:
            pass

    def _run_user(self, code, *, mode: str, namespace: dict):
        self.in_cell = True
        try:
            if self.pending_interrupt:
                self.pending_interrupt = False
                raise KeyboardInterrupt
            if mode == "eval":
                return eval(code, namespace)
            exec(code, namespace)
            return None
        finally:
            self.in_cell = False
            signal.signal(signal.SIGINT, self._on_sigint)  # in case the cell replaced the handler

    def execute(self, source: str, count: int, emit) -> dict:
        filename = f"<cell {count}>"
        tracebacks.remember_source(filename, source)
        before = inspector.snapshot(self.namespace)
        status, error, message = "ok", None, ""
        try:
            tree = ast.parse(source, filename, "exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
            body = compile(tree, filename, "exec")
            self._run_user(body, mode="exec", namespace=self.namespace)
            if last is not None:
                value = self._run_user(last, mode="eval", namespace=self.namespace)
                if value is not None:
                    self.namespace["_"] = value
                    emit("stdout", repr(value) + "\n")
        except BaseException as exc:  # the cell's failure is a result, never the kernel's end
            if os.getpid() != self.main_pid:
                os._exit(0)  # a process the cell forked finished the cell: it must not go on as the kernel
            status, error, message = self._describe_failure(exc, filename)
        if os.getpid() != self.main_pid:
            os._exit(0)
        self.configure_gpu()
        images, image_error = self._images()
        if image_error and status == "ok":
            status, error, message = self._describe_failure(image_error, filename)
        self.pending_interrupt = False  # an interrupt that arrives after the cell ended is for nothing
        return {
            "t": "result",
            "status": status,
            "error": error,
            "message": message,
            "variables": autograd_graph.add_graphs(inspector.changed(before, self.namespace), self.namespace),
            "images": pack_images(images),
        }

    def _images(self) -> tuple[list[bytes], BaseException | None]:
        try:
            return display.take_images(), None
        except Exception as exc:
            return [], exc

    def _describe_failure(self, exc: BaseException, filename: str = "") -> tuple[str, dict, str]:
        ename = type(exc).__name__
        evalue = str(exc)
        error = {"ename": ename, "evalue": evalue, "traceback": tracebacks.format_exception(exc)}
        line = tracebacks.cell_line(exc, filename)
        exc.__traceback__ = None  # don't keep the cell's frames (and their tensors) alive
        if isinstance(exc, KeyboardInterrupt):
            return "interrupted", error, ""
        where = f" at line {line}" if line else ""
        if isinstance(exc, SystemExit):
            return "error", error, f"The cell called sys.exit(){where}; the kernel keeps running and its variables are kept."
        if ename == "OutOfMemoryError" or "CUDA out of memory" in evalue:
            self._free_gpu_cache()
            return "error", error, CUDA_OOM_HINT.format(share=f"{self.gpu_fraction:.0%}")
        first = evalue.strip().splitlines()[0] if evalue.strip() else ""
        text = f"{ename}{where}: {first}" if first else f"{ename}{where}"
        return "error", error, text[:300]

    def _free_gpu_cache(self) -> None:
        torch = sys.modules.get("torch")
        try:
            if torch is not None and torch.cuda.is_initialized():
                torch.cuda.empty_cache()
        except Exception:
            pass

    def check(self, source: str, sink: list[str]) -> dict:
        """Run check code on a copy of the namespace: the learner's variables stay as they were."""
        scratch = dict(self.namespace)
        try:
            code = compile(source, "<check>", "exec")
            self._run_user(code, mode="exec", namespace=scratch)
        except AssertionError as exc:
            return {"t": "check", "passed": False, "message": str(exc).strip() or "Not quite: the check failed."}
        except KeyboardInterrupt:
            return {"t": "check", "passed": False, "message": "The check was stopped before it finished."}
        except BaseException as exc:
            if os.getpid() != self.main_pid:
                os._exit(0)
            first = (str(exc).strip().splitlines() or [""])[0]
            return {"t": "check", "passed": False, "message": f"{type(exc).__name__}: {first}".rstrip(": ")}
        finally:
            display._pending.clear()
        if os.getpid() != self.main_pid:
            os._exit(0)
        self.pending_interrupt = False
        return {"t": "check", "passed": True, "message": "".join(sink).strip()[-500:]}
