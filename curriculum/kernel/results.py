"""What a cell run gives back to the app: plain dataclasses, no torch, no UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ExecResult.status values, in the words the app shows.
OK, ERROR, INTERRUPTED, TIMEOUT, MEMORY, DIED = "ok", "error", "interrupted", "timeout", "memory", "died"


@dataclass
class ErrorInfo:
    ename: str
    evalue: str
    traceback: str  # trimmed to the learner's cells


@dataclass
class GradNode:
    """One node of a tensor's autograd graph, as curriculum/kernel/autograd_graph.py builds it."""

    label: str  # e.g. "MulBackward0", or "AccumulateGrad → w: tensor [3] float32"
    children: list["GradNode"] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradNode":
        return cls(label=str(data.get("label", "?")), children=[cls.from_dict(c) for c in data.get("children", [])])


@dataclass
class VariableInfo:
    name: str
    kind: str  # "tensor" | "module" | "other"
    summary: str
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    device: str | None = None
    requires_grad: bool | None = None
    grad_fn: str | None = None
    parameters: int | None = None
    grad_graph: GradNode | None = None  # tensors with a grad_fn: the graph behind them

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "VariableInfo":
        shape = data.get("shape")
        return cls(
            name=data["name"],
            kind=data.get("kind", "other"),
            summary=data.get("summary", ""),
            shape=tuple(shape) if shape is not None else None,
            dtype=data.get("dtype"),
            device=data.get("device"),
            requires_grad=data.get("requires_grad"),
            grad_fn=data.get("grad_fn"),
            parameters=data.get("parameters"),
            grad_graph=GradNode.from_dict(data["grad_graph"]) if data.get("grad_graph") else None,
        )


@dataclass
class ExecResult:
    status: str
    execution_count: int | None = None
    error: ErrorInfo | None = None
    message: str = ""
    variables: list[VariableInfo] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass
class CheckResult:
    passed: bool
    message: str = ""
