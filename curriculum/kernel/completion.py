"""Inside the kernel: completions and call signatures from the live namespace, as ipykernel's
`complete_request` and `inspect_request` answer them.

`jedi.Interpreter` reads the cell's text and the namespace together, so it completes the
attributes of objects the learner built in earlier cells (`net.fc.weig` → `weight`) as well as
modules (`torch.zeros_l` → `zeros_like`). Rows and columns are 0-based, as the editor counts them.
"""

from __future__ import annotations

import inspect as _inspect
import re

DOC_LINES = 8  # the first lines of a docstring: enough to recall the arguments, small at 80×24
MAX_MATCHES = 2000


def _script(code: str, namespace: dict):
    import jedi

    if not getattr(jedi.settings, "_blitz_cache", False):
        import os
        import tempfile

        # The sandbox makes the home folder read-only; jedi's parse cache lives in the kernel's /tmp.
        jedi.settings.cache_directory = os.path.join(tempfile.gettempdir(), "jedi")
        jedi.settings._blitz_cache = True
    return jedi.Interpreter(code, [namespace])


_DOTTED = re.compile(r"(?<![\w.)\]'\"])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")


def complete(code: str, row: int, column: int, namespace: dict) -> dict:
    """{"t": "complete", "matches": [names], "replaced": characters left of the cursor they replace}."""
    reply = {"t": "complete", "matches": [], "replaced": 0}
    fast = _attributes(code, row, column, namespace)
    if fast is not None:
        reply.update(matches=fast[0], replaced=fast[1])
        return reply
    try:
        completions = _script(code, namespace).complete(row + 1, column)
    except Exception as error:  # jedi meets odd code now and then: no list, never a broken kernel
        reply["error"] = f"{type(error).__name__}: {error}"
        return reply
    # Private names only once the learner types the underscore, as IPython does.
    names = []
    replaced = 0
    for completion in completions[:MAX_MATCHES]:
        typed = completion.get_completion_prefix_length()
        if completion.name.startswith("_") and typed == 0:
            continue
        replaced = typed
        names.append(completion.name)
    reply.update(matches=names, replaced=replaced)
    return reply


def _attributes(code: str, row: int, column: int, namespace: dict) -> tuple[list[str], int] | None:
    """`torch.zer`, `net.fc.wei`: a chain of plain names, answered from `dir()` in a millisecond.

    jedi takes ~50 ms on a module as big as torch. Each step is read with `getattr_static`, so no
    property or `__getattr__` runs; anything else (calls, indexing, a property) goes to jedi.
    """
    lines = code.split("\n")
    if not 0 <= row < len(lines):
        return None
    match = _DOTTED.search(lines[row][:column])
    if match is None:
        return None
    base, typed = match.group(1).split("."), match.group(2)
    if base[0] not in namespace:
        return None
    value = namespace[base[0]]
    for name in base[1:]:
        try:
            value = _inspect.getattr_static(value, name)
        except AttributeError:
            return None
        if isinstance(value, (property, staticmethod, classmethod)) or hasattr(type(value), "__get__"):
            return None  # a descriptor: what it gives is known only by running it
    try:
        names = dir(value)
    except Exception:
        return None
    shown = sorted((n for n in names if n.startswith(typed) and (typed.startswith("_") or not n.startswith("_"))),
                   key=lambda n: (n.lower(), n))
    return shown, len(typed)


def inspect(code: str, row: int, column: int, namespace: dict) -> dict:
    """{"t": "inspect", "signature": text, "doc": first docstring lines} for the call (or name) at the cursor."""
    reply = {"t": "inspect", "signature": "", "doc": ""}
    try:
        script = _script(code, namespace)
        signatures = script.get_signatures(row + 1, column)
        if signatures:
            first = signatures[0]
            reply["signature"] = first.to_string()
            reply["doc"] = _first_lines(_without_signature(first.docstring(), first.name))
            return reply
        names = script.help(row + 1, column) or script.infer(row + 1, column)
        if names:
            reply["doc"] = _first_lines(names[0].docstring())
    except Exception as error:
        reply["error"] = f"{type(error).__name__}: {error}"
    return reply


def _without_signature(doc: str, name: str) -> str:
    """C functions (most of torch) carry their signature as the docstring's first paragraph."""
    doc = (doc or "").strip()
    while doc.startswith(name + "("):
        doc = doc.partition("\n\n")[2].strip()
    return doc


def _first_lines(doc: str) -> str:
    lines = [line.rstrip() for line in (doc or "").strip().splitlines()]
    return "\n".join(lines[:DOC_LINES])
