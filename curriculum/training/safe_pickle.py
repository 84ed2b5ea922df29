"""Reading CIFAR-10's python batch files without letting them run code.

The batches live in the cache, which a lesson's kernel can write to. A plain `pickle.load` would
run whatever a planted file's `__reduce__` names, outside the sandbox, as the user. This unpickler
rebuilds only what the real files hold: dicts, lists, str/bytes, numbers and numpy arrays (and
numpy scalars, which hand-made batches sometimes carry as labels). Anything else is refused.
"""

from __future__ import annotations

import pickle
from typing import BinaryIO

# (module, name) pairs numpy pickles arrays with, across numpy 1.x and 2.x and pickle protocols 2-5.
_NUMPY_BUILDERS = {"_reconstruct", "scalar", "_frombuffer"}
_NUMPY_MODULES = {"numpy.core.multiarray", "numpy._core.multiarray", "numpy.core.numeric", "numpy._core.numeric"}
ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}  # protocol 2 stores bytes via _codecs
ALLOWED |= {(module, name) for module in _NUMPY_MODULES for name in _NUMPY_BUILDERS}


class _ArraysOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        # numpy 2 pickles dtypes as numpy.dtypes.Float32DType etc.: plain dtype classes, no behaviour.
        if module == "numpy.dtypes" and name.endswith("DType"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} (only numpy arrays, lists and strings)")


def load_arrays(handle: BinaryIO, encoding: str = "latin1"):
    """`pickle.load` restricted to arrays, lists, dicts and strings; raises UnpicklingError otherwise."""
    return _ArraysOnly(handle, encoding=encoding).load()
