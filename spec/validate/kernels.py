"""Kernels: how a kernel is named, loaded (in the worker only), shipped, and given its
arguments.

A kernel is ``'pkg.module:function'``, ``'path/to/file.py:function'`` (imported in the worker,
never in matspec's own process) or a Python callable — a module-level function, a closure or
a lambda — shipped to the worker with cloudpickle (by reference where the worker can import it,
by value otherwise).  A callable cloudpickle cannot ship is a usage error asking for a
module-level function: it is never run in matspec's own process.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import zlib
from pathlib import Path
from typing import Any, Callable

from matspec.validate.errors import UsageError


def load_kernel(ref: str) -> Callable:
    """'pkg.module:function' or 'path/to/file.py:function' (dotted attribute allowed)."""
    if not isinstance(ref, str) or ":" not in ref:
        raise UsageError(f"kernel must be 'pkg.module:function' or 'path/file.py:function', got {ref!r}")
    mod_part, attr = ref.rsplit(":", 1)
    if not attr:
        raise UsageError(f"kernel reference {ref!r} names no function after ':'")
    if mod_part.endswith(".py") or os.sep in mod_part or "/" in mod_part:
        path = Path(mod_part).expanduser().resolve()
        if not path.is_file():
            raise UsageError(f"kernel file {path} does not exist")
        name = "matspec_kernel_" + format(zlib.crc32(str(path).encode()), "x")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        # the kernel file's own folder is importable, as when running it as a script
        sys.path.insert(0, str(path.parent))
        spec.loader.exec_module(module)
    else:
        # like `python -m` (and uvicorn, gunicorn): a module in the current folder is found
        # even when matspec runs as a console script, whose sys.path[0] is its bin folder
        if os.getcwd() not in sys.path and "" not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(mod_part)
        except ImportError as exc:
            raise UsageError(f"cannot import {mod_part!r}: {exc}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UsageError(f"{mod_part} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise UsageError(f"{ref} is not callable")
    return obj


def kernel_name(kernel) -> str:
    if isinstance(kernel, str):
        return kernel
    mod = getattr(kernel, "__module__", "?")
    return f"{mod}:{getattr(kernel, '__qualname__', repr(kernel))}"



def ship(kernel) -> object:
    """What the worker receives: the reference string itself, or cloudpickle bytes of a
    callable.  Raises UsageError when the callable cannot be shipped."""
    if isinstance(kernel, str):
        if ":" not in kernel:
            raise UsageError(f"kernel must be 'pkg.module:function' or 'path/file.py:function', got {kernel!r}")
        path = kernel.rsplit(":", 1)[0]
        if (path.endswith(".py") or "/" in path) and not Path(path).expanduser().is_file():
            raise UsageError(f"kernel file {Path(path).expanduser().resolve()} does not exist")
        return kernel
    if not callable(kernel):
        raise UsageError(f"kernel must be a callable or 'module:function', got {type(kernel).__name__}")
    import cloudpickle

    try:
        return cloudpickle.dumps(kernel)
    except Exception as exc:  # noqa: BLE001 - whatever the closure holds (a lock, a file, a CUDA stream)
        raise UsageError(f"cannot ship kernel {kernel_name(kernel)} to the isolated worker ({type(exc).__name__}: "
                         f"{str(exc)[:200]}); define it as a module-level function and pass it, or 'module:function'") from None


def parse_assignment(text: str, flag: str = "--param") -> tuple[str, Any]:
    """NAME=VALUE with VALUE a Python literal, or a bare word kept as a string (kind=fro)."""
    if not isinstance(text, str) or "=" not in text:
        raise UsageError(f"{flag} needs NAME=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    k = k.strip()
    if not k.isidentifier():
        raise UsageError(f"{flag} name {k!r} is not an identifier")
    v = v.strip()
    try:
        return k, ast.literal_eval(v)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        if v[:1] in ("[", "{", "(", "'", '"'):  # meant as a literal, but broken: do not pass it on as text
            raise UsageError(f"{flag} {k}: {v[:60]!r} is not a valid Python literal") from None
        return k, v  # a bare word, e.g. kind=fro

