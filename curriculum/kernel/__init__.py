"""The lesson kernel: a sandboxed Python process per open lesson (see docs/ARCHITECTURE.md, "Kernel").

Importing this package is cheap: no torch, no UI; the sandboxed child imports what it needs.
"""

from curriculum.kernel.isolation import IsolationUnavailable
from curriculum.kernel.kernel import Kernel, KernelConfig
from curriculum.kernel.process import KernelStartError
from curriculum.kernel.results import CheckResult, ErrorInfo, ExecResult, VariableInfo

__all__ = ["Kernel", "KernelConfig", "ExecResult", "CheckResult", "VariableInfo", "ErrorInfo",
           "KernelStartError", "IsolationUnavailable"]
