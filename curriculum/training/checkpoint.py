"""Saving and finding a run's checkpoints: checkpoints/epoch-NNN.pt, checkpoints/stopped.pt, last.json.

A checkpoint holds the weights, the optimiser's state, the recipe and where in which epoch the run
was, so a resumed run replays the same batch order from the very next step.
"""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from curriculum.atomic import write_atomic


class CheckpointError(Exception):
    """A --resume folder that cannot be resumed; the message is one line."""


@dataclass
class RunState:
    epoch: int = 0  # epochs finished
    step_in_epoch: int = 0  # batches of the current epoch already trained
    global_step: int = 0
    train_s: float = 0.0
    images: int = 0


def save(out_dir: Path, name: str, *, config: dict, state: RunState, model: torch.nn.Module,
         optimizer_state: dict, classes: list[str]) -> Path:
    path = out_dir / "checkpoints" / f"{name}.pt"
    payload = {
        "config": config,
        "state": asdict(state),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "optimizer_state": {k: [t.detach().cpu() for t in v] if isinstance(v, list) else v
                            for k, v in optimizer_state.items()},
        "classes": list(classes),
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    write_atomic(path, buffer.getvalue())
    write_atomic(out_dir / "last.json", json.dumps({"checkpoint": str(path.relative_to(out_dir)), **asdict(state)}))
    return path


def save_final_weights(out_dir: Path, model: torch.nn.Module) -> Path:
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buffer)
    write_atomic(out_dir / "model.pt", buffer.getvalue())
    return out_dir / "model.pt"


def load_last(run_dir: Path) -> dict:
    """The newest checkpoint in `run_dir` (as saved above), with `state` as a RunState."""
    if not run_dir.is_dir():
        raise CheckpointError(f"no such run folder to resume: {run_dir}")
    pointer = run_dir / "last.json"
    if not pointer.is_file():
        raise CheckpointError(f"{run_dir} has no checkpoint to resume (no last.json; was it made with --out?)")
    try:
        path = run_dir / json.loads(pointer.read_text())["checkpoint"]
        payload = torch.load(path, weights_only=True)  # a kernel could have written it: data only, no code
        payload["state"] = RunState(**payload["state"])
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, pickle.UnpicklingError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CheckpointError(f"cannot read the checkpoint in {run_dir}: {reason}") from None
    return payload
