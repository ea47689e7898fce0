"""The kernel worker: the only process in which a kernel ever runs.

Started by :class:`matspec.validate.runner.KernelRunner` as
``python -m matspec.validate.worker FD PARENT_PID`` in a session of its own (so a timed-out
kernel is killed with its whole process group), with its stdout and stderr captured by the
parent and a socket (file descriptor FD) as the only channel back.  It exits when the parent
dies (:func:`matspec.procutil.die_with_parent`).

Messages (pickled ``multiprocessing.connection`` frames; the reply is always one tuple):

* ``("load", spec)``: import the kernel (``'module:function'``, ``'file.py:function'``, or
  cloudpickle bytes of a callable) and check the framework and device
  → ``("ready", info)`` | ``("usage", message)``;
* ``("check", nargs, op_params, kernel_args)``: which op parameters the kernel's signature
  accepts, and whether the call binds → ``("checked", forward, signature, error)``;
* ``("call", args64, dtype, layout, params)``: build fresh arrays of the dtype in the layout,
  call the kernel once → ``("result", result)`` (see :func:`_call_once`).

Each call gets its own freshly built input, so a kernel that damages its input damages only
that copy — the oracle's view lives in the parent, fixed before any kernel saw it — and the
input is compared afterwards to report in-place modification.
"""
from __future__ import annotations

import inspect
import os
import sys
import time
import traceback
import warnings

import numpy as np

_LAYOUTS = ("contiguous", "transposed", "strided")


# -- building the kernel's inputs ----------------------------------------------------------

def _numpy_in_layout(X64: np.ndarray, dtype: str, layout: str) -> np.ndarray:
    X = np.array(X64, dtype=np.dtype(dtype), order="C", copy=True)  # never the message's own buffer
    if X.ndim < 2 or layout == "contiguous":
        return X
    if layout == "transposed":  # a transposed view of a C buffer (Fortran order in the last two axes)
        return np.ascontiguousarray(np.swapaxes(X, -1, -2)).swapaxes(-1, -2)
    buf = np.zeros(X.shape[:-1] + (2 * X.shape[-1],), dtype=X.dtype)
    buf[..., ::2] = X
    return buf[..., ::2]  # every other column: neither C- nor F-contiguous


def _torch_in_layout(X64: np.ndarray, dtype: str, layout: str, device: str):
    import torch

    tdt = getattr(torch, dtype)
    # a copy (from_numpy shares memory, and .to() is a no-op for the same dtype and device);
    # the conversion is exact: the values were rounded to the dtype by the parent
    X = torch.from_numpy(np.array(X64, dtype=np.float64, order="C", copy=True)).to(device=device, dtype=tdt).clone()
    if X.ndim < 2 or layout == "contiguous":
        return X
    if layout == "transposed":
        return X.mT.contiguous().mT
    buf = torch.zeros(X.shape[:-1] + (2 * X.shape[-1],), dtype=tdt, device=device)
    buf[..., ::2] = X
    return buf[..., ::2]


def build_input(X64, framework: str, dtype: str, layout: str, device: str):
    if layout not in _LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if framework == "numpy":
        return _numpy_in_layout(X64, dtype, layout)
    return _torch_in_layout(X64, dtype, layout, device)


def as_float64(x, framework: str):
    """The exact float64 values of a framework array (None when it is not a floating array)."""
    if framework == "numpy":
        if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f":
            return np.asarray(x, dtype=np.float64)
        return None
    import torch

    if isinstance(x, torch.Tensor) and x.dtype.is_floating_point:
        return x.detach().to("cpu", torch.float64).numpy()
    return None


def describe_output(out, framework: str) -> dict:
    """Type, dtype, shape, device and exact float64 values of a kernel's output."""
    d: dict = {"type": type(out).__module__ + "." + type(out).__qualname__, "dtype": None, "shape": None, "values": None}
    if framework == "numpy":
        if isinstance(out, (np.ndarray, np.generic)):
            d["dtype"] = out.dtype.name
            d["shape"] = tuple(np.shape(out))
            d["values"] = as_float64(out, framework)
        return d
    import torch

    if isinstance(out, torch.Tensor):
        d["dtype"] = str(out.dtype).replace("torch.", "")
        d["shape"] = tuple(out.shape)
        d["device"] = str(out.device)
        d["values"] = as_float64(out, framework)
    return d


def _mutation(before64: np.ndarray, after) -> dict | None:
    """How the kernel changed its input (None: bit-for-bit unchanged, signs of zeros included)."""
    if after is None:
        return {"entries_changed": int(before64.size), "max_abs_change": None, "note": "input replaced by a non-float"}
    if after.shape != before64.shape:
        return {"entries_changed": int(before64.size), "max_abs_change": None, "note": f"input reshaped to {after.shape}"}
    same = (after == before64) & (np.signbit(after) == np.signbit(before64))
    same |= np.isnan(after) & np.isnan(before64)
    if bool(np.all(same)):
        return None
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(after - before64)
    finite = diff[np.isfinite(diff)]
    return {"entries_changed": int(np.size(same) - np.count_nonzero(same)),
            "max_abs_change": float(finite.max()) if finite.size else float("inf")}


# -- the kernel's environment ----------------------------------------------------------------

def _is_compile_error(exc: BaseException) -> bool:
    mod = type(exc).__module__ or ""
    text = str(exc)
    return (mod.startswith(("torch._dynamo", "torch._inductor", "torch._export"))
            or "recompile_limit" in text or "cache_size_limit" in text)


def _reap_and_list_children() -> list[int]:
    """Reap the kernel's finished children; return those still running."""
    from matspec.procutil import children, is_zombie

    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    return [c for c in children(os.getpid()) if not is_zombie(c)]


def _call_once(fn, args64, framework, dtype, layout, device, params) -> dict:
    """Call the kernel on fresh copies: {status: ok | raised, output, seconds, mutation,
    warnings, children_left, error, compile_error}."""
    args = [build_input(a, framework, dtype, layout, device) for a in args64]
    res: dict = {"status": "ok", "output": None, "seconds": 0.0, "mutation": {}, "warnings": [], "children_left": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cuda = framework == "torch" and device.startswith("cuda")
        if cuda:
            import torch

            # the inputs' host-to-device copies are queued asynchronously: finish them before the
            # clock starts, so the time is the kernel's alone
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        try:
            out = fn(*args, **params)
            if cuda:
                torch.cuda.synchronize()
            res["seconds"] = time.perf_counter() - t0
            res["output"] = describe_output(out, framework)
        except (Exception, KeyboardInterrupt, SystemExit) as exc:  # the kernel's failure is the verdict
            # SystemExit: sys.exit() inside a kernel is a failed call, not a reason to stop
            res["status"] = "raised"
            res["error"] = f"{type(exc).__name__}: {exc}"[:2000]
            res["compile_error"] = _is_compile_error(exc)
            res["traceback"] = traceback.format_exc(limit=-4)[-4000:]
    seen = []
    for w in caught:
        s = f"{w.category.__name__}: {w.message}"[:300]
        if s not in seen:
            seen.append(s)
    res["warnings"] = seen[:5]
    for i, (a64, a) in enumerate(zip(args64, args)):
        try:
            m = _mutation(np.asarray(a64, dtype=np.float64), as_float64(a, framework))
        except Exception as exc:  # noqa: BLE001 - a mutation check must not mask the verdict
            m = {"entries_changed": None, "max_abs_change": None, "note": f"could not compare: {exc}"}
        if m is not None:
            res["mutation"][i] = m
    left = _reap_and_list_children()
    if left:
        from matspec.procutil import kill_tree

        for c in left:
            kill_tree(c)
        res["children_left"] = left
    return res


# -- loading ---------------------------------------------------------------------------------

def _load(spec: dict):
    from matspec.validate.kernels import load_kernel

    sys.path[:] = list(spec["sys_path"]) + [p for p in sys.path if p not in spec["sys_path"]]
    kernel = spec["kernel"]
    if isinstance(kernel, str):
        fn = load_kernel(kernel)
    else:
        import cloudpickle

        fn = cloudpickle.loads(kernel)
    info = {"python": sys.version.split()[0], "numpy": np.__version__}
    if spec["framework"] == "torch":
        import torch

        info["torch"] = torch.__version__
        dev = spec["device"]
        try:
            d = torch.device(dev)
        except (RuntimeError, ValueError) as exc:
            from matspec.validate.errors import UsageError

            raise UsageError(f"unknown torch device {dev!r} ({str(exc).splitlines()[0]})") from None
        if d.type == "cuda":
            from matspec.validate.errors import UsageError

            if not torch.cuda.is_available():
                raise UsageError(f"device {dev!r} requested but torch sees no CUDA device")
            if d.index is not None and d.index >= torch.cuda.device_count():
                raise UsageError(f"device {dev!r} requested but torch sees {torch.cuda.device_count()} CUDA device(s)")
            info["device_name"] = torch.cuda.get_device_name(d)
        elif d.type != "cpu":
            try:
                torch.empty(1, device=d)
            except Exception as exc:  # noqa: BLE001
                from matspec.validate.errors import UsageError

                raise UsageError(f"device {dev!r} is not usable here ({type(exc).__name__}: {exc})") from None
    return fn, info


def _check(fn, nargs: int, op_params: dict, kernel_args: dict):
    """(op parameters to forward, signature text or None, binding error or None).

    Op parameters reach a kernel only when its signature can be read and accepts them (by
    name or through **kwargs); a signature that cannot be read (many C builtins) gets none,
    and the kernel's own arguments come from --kernel-arg."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [], None, None
    params = sig.parameters.values()
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    named = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    forward = [k for k in op_params if (k in named or var_kw) and k not in kernel_args]
    try:
        sig.bind(*range(nargs), **{k: op_params[k] for k in forward}, **kernel_args)
        err = None
    except TypeError as exc:
        err = str(exc)
    return forward, f"{getattr(fn, '__name__', 'kernel')}{sig}", err


def main(argv=None) -> int:  # pragma: no cover - runs in the child; exercised by the runner tests
    from multiprocessing.connection import Connection

    from matspec.procutil import die_with_parent

    argv = sys.argv[1:] if argv is None else argv
    fd, parent = int(argv[0]), int(argv[1])
    pdeathsig = len(argv) < 3 or argv[2] != "no-pdeathsig"

    def kill_own_children():  # the kernel's children (setsid'd ones too) go with the worker
        from matspec.procutil import descendants

        for c in descendants(os.getpid()):
            try:
                os.kill(c, 9)
            except OSError:
                pass

    die_with_parent(parent, on_exit=kill_own_children, pdeathsig=pdeathsig)
    conn = Connection(fd)
    fn = None
    framework = device = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return 0
        kind = msg[0]
        if kind == "exit":
            return 0
        try:
            if kind == "load":
                framework, device = msg[1]["framework"], msg[1]["device"]
                fn, info = _load(msg[1])
                conn.send(("ready", info))
            elif kind == "check":
                conn.send(("checked", *_check(fn, *msg[1:])))
            elif kind == "call":
                args64, dtype, layout, params = msg[1:]
                conn.send(("result", _call_once(fn, args64, framework, dtype, layout, device, params)))
        except BaseException as exc:  # noqa: BLE001 - loading failures are usage errors, reported in one line
            try:
                conn.send(("usage", f"{type(exc).__name__}: {exc}" if not type(exc).__name__ == "UsageError" else str(exc)))
            except Exception:  # noqa: BLE001
                return 1
            if kind == "load":
                return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
