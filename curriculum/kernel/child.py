"""The process that runs inside the sandbox: `python -m curriculum.kernel.child CONFIG_JSON`.

It starts as the *nanny*: it forks the real kernel, then only waits. The nanny is what a cell's
`os.getppid()` sees (never the app), it adopts every orphan a cell leaves behind (child subreaper),
reports how the kernel ended, and kills everything left when the kernel or the app goes away.
"""

from __future__ import annotations

import json
import os
import signal
import sys

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except Exception:
        pass  # without it the watchdog in the app still tracks and kills the tree


def main() -> None:
    config = json.loads(sys.argv[1])
    from curriculum.kernel.inside import apply

    apply(config.get("inside", {}))  # the backend's file system, loopback; then no capabilities
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    nanny = os.getpid()
    kernel = os.fork()
    if kernel == 0:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != nanny:
            os._exit(1)  # the nanny died before we could ask to die with it
        os.close(config["life_fd"])
        _kernel_main(config)
        os._exit(0)
    _nanny_main(config, kernel)


def _nanny_main(config: dict, kernel: int) -> None:
    from curriculum.kernel import proctree
    from curriculum.kernel.protocol import encode, write_all

    os.close(config["cmd_fd"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    import select

    life = config["life_fd"]
    while True:
        try:
            readable, _, _ = select.select([life, wake_r], [], [], 1.0)
        except InterruptedError:
            readable = []
        if life in readable and not os.read(life, 64):
            proctree.kill_below(os.getpid())  # the app is gone: nothing of ours may stay
            os._exit(0)
        if wake_r in readable:
            os.read(wake_r, 4096)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                break
            if pid == kernel:
                proctree.kill_below(os.getpid())
                if os.WIFSIGNALED(status):
                    report = {"t": "exit", "signal": os.WTERMSIG(status)}
                else:
                    report = {"t": "exit", "code": os.WEXITSTATUS(status)}
                try:
                    write_all(config["msg_fd"], encode(report))
                except OSError:
                    pass
                os._exit(0)


def _apply_rlimits(limits: dict) -> None:
    import resource

    for name, value in limits.items():
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        try:
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):
            pass


def _kernel_main(config: dict) -> None:
    from curriculum.kernel.capture import Channel, FdCapture, StreamWriter, after_fork_in_child
    from curriculum.kernel.protocol import decode
    from curriculum.kernel.runner import CellRunner

    _apply_rlimits(config.get("rlimits", {}))
    cmd_fd, msg_fd = config["cmd_fd"], config["msg_fd"]
    for fd in (cmd_fd, msg_fd):
        os.set_inheritable(fd, False)  # processes a cell starts must not hold the protocol open
    channel = Channel(msg_fd)
    capture = FdCapture(channel)
    sys.stdout = StreamWriter(channel, "stdout", 1)
    sys.stderr = StreamWriter(channel, "stderr", 2)
    sys.stdin = open(os.devnull)
    os.register_at_fork(after_in_child=lambda: after_fork_in_child(channel, (cmd_fd, msg_fd)))
    runner = CellRunner(config.get("gpu_fraction", 0.5))
    info = {"t": "ready", "pid": os.getpid(), "torch": None}
    if config.get("preload_torch"):
        try:
            import torch

            info["torch"] = torch.__version__
        except Exception as error:
            info["torch_error"] = f"{type(error).__name__}: {error}"
        runner.configure_gpu()
    capture.sync()
    channel.send(info)
    commands = os.fdopen(cmd_fd, "rb", buffering=1 << 16)
    libc_flush = _libc_fflush()
    while True:
        try:
            line = commands.readline()
        except KeyboardInterrupt:
            continue  # an interrupt that arrived between cells
        except OSError:
            return
        if not line:
            return  # the app closed the pipe
        message = decode(line)
        op = message.get("op")
        if op == "shutdown":
            channel.flush()
            return
        if op in ("complete", "inspect"):
            try:
                reply = _answer(op, message, runner.namespace)
            except Exception as error:  # a malformed request must not end the kernel
                reply = {"t": op, "id": message.get("id"), "error": f"{type(error).__name__}: {error}"}
            channel.send(reply)
            continue
        capture.ensure()
        try:
            result = _dispatch(op, message, runner, channel, capture, libc_flush)
        except Exception as error:  # a bug of ours must not cost the learner their variables
            result = {"t": "result" if op == "execute" else "check", "status": "error", "passed": False,
                      "error": None, "message": f"internal kernel error: {type(error).__name__}: {error}"}
        libc_flush()
        capture.sync()
        channel.send(result)


def _dispatch(op, message, runner, channel, capture, libc_flush) -> dict:
    if op == "execute":
        return runner.execute(message["code"], message["count"], channel.output)
    if op == "check":
        sink: list[str] = []
        channel.flush()
        channel.sink = sink
        try:
            return runner.check(message["code"], sink)
        finally:
            libc_flush()
            capture.sync()
            channel.sink = None
    return {"t": "error", "message": f"unknown op {op!r}"}


def _answer(op: str, message: dict, namespace: dict) -> dict:
    """Completion and signatures: no output, no change to the namespace or the execution count."""
    from curriculum.kernel import completion

    ask = completion.complete if op == "complete" else completion.inspect
    reply = ask(message["code"], message["row"], message["column"], namespace)
    reply["id"] = message.get("id")
    return reply


def _libc_fflush():
    """C code's stdout buffer must reach the pipe before the cell's result does."""
    try:
        import ctypes

        fflush = ctypes.CDLL(None).fflush
        return lambda: fflush(None)
    except Exception:
        return lambda: None


if __name__ == "__main__":
    main()
