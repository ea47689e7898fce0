"""``matspec validate``: judge a third-party kernel against the certified oracle.

A kernel is ``f(A, **params)`` (``f(A, B)`` for matmul) taking and returning the arrays of
one framework (NumPy or torch), as the design card's Conventions say.  For every input —
an adversarial gallery that is always evaluated (zero matrix, 1×1, rank deficient, scales
near the dtype's range edges, κ near 1/u, tall and wide) and matrices drawn by Hypothesis
(shrunk to a minimal counterexample on failure) — matspec

1. rounds the input to the kernel's dtype and hands it to the kernel *in a separate
   process* (spawned once, restarted after a hang or a crash) with a per-call timeout, so a
   kernel that raises, hangs, kills its process or returns garbage gets a failed verdict
   with the reason and can never stall, crash or pass the run;
2. checks the output's type, dtype (an undeclared change is a failure), shape and
   finiteness;
3. evaluates the mpmath oracle on the exact input the kernel received and compares under
   the chosen *contract*, with an allowed error derived from the dtype's unit roundoff, the
   dimensions and the conditioning (:mod:`matspec.tolerance`; each bound is commented
   where it is computed);
4. records, as a diagnostic only, the baseline ratio: kernel error ÷ error of matspec's
   plain reference (NumPy at the same dtype) on the same input.

Contracts: every op has ``exact`` (the mathematical result within the derived bound);
msign and newton_schulz also have ``band:LO,HI[,floor=F][,products=P]`` (Muon-style: singular
values of the output in [LO, HI], singular vectors those of the input).
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import datetime as _dt
import importlib
import importlib.util
import json
import math
import multiprocessing as mp
import os
import pickle
import platform
import shlex
import sys
import threading
import time
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

SCHEMA_VERSION = "1.0"
FRAMEWORKS = ("numpy", "torch")
DTYPES = ("float64", "float32", "bfloat16")
OPS = ("svdvals", "norm", "msign", "lowrank", "matmul", "solve", "mclip", "newton_schulz")
# What the oracle needs to know from --param; everything else is passed to the kernel only.
OP_PARAMS = {"svdvals": (), "norm": ("kind", "p", "k"), "msign": (), "lowrank": ("k",), "matmul": (), "solve": (),
             "mclip": ("lo", "hi"), "newton_schulz": ("schedule", "steps")}
BAND_OPS = ("msign", "newton_schulz")
ARGS = {"matmul": ("A", "B"), "solve": ("A", "b")}

# The oracle is pure Python: an SVD at 60 digits costs ≈ 0.07 s at n = 8, growing like n³.
DEFAULT_MAX_DIM = 8
LOAD_TIMEOUT_S = 120.0  # importing a kernel (torch alone takes seconds) is not a kernel call
SHRINK_CALL_BUDGET = 150  # kernel calls allowed while shrinking one counterexample


class UsageError(Exception):
    """Bad command-line or API arguments (exit status 2)."""


# ----------------------------------------------------------------------------------------
# dtypes: unit roundoff and range edges
# ----------------------------------------------------------------------------------------

def dtype_info(name: str) -> dict:
    """u, the largest finite and the smallest normal number of a kernel dtype."""
    if name == "float64":
        fi = np.finfo(np.float64)
    elif name in ("float32", "bfloat16"):  # bfloat16 has float32's 8-bit exponent
        fi = np.finfo(np.float32)
    else:
        raise UsageError(f"unsupported dtype {name!r}; choose one of {', '.join(DTYPES)}")
    from matspec.tolerance import unit_roundoff

    return {"u": unit_roundoff(name), "max": float(fi.max), "tiny": float(fi.tiny)}


def default_log10_scale_range(dtype: str) -> tuple[int, int]:
    """Scales Hypothesis draws: the range where the tolerance model's assumption (squares of
    entries neither overflow nor underflow) holds, as for the NumPy backend's Domain:
    1e±150 for float64, 1e±15 for the 8-bit-exponent formats.  The edges of the format
    itself are probed by the adversarial gallery."""
    return (-150, 150) if dtype == "float64" else (-15, 15)


def edge_scales(dtype: str) -> tuple[int, int]:
    """Scale exponents two decades inside the format's range: 10^(⌊log10 max⌋ − 2) and
    10^(⌈log10 tiny⌉ + 2) — float64 1e306 / 1e-305, float32 and bfloat16 1e36 / 1e-35.
    A kernel that squares entries without scaling fails here, as it should."""
    info = dtype_info(dtype)
    return math.ceil(math.log10(info["tiny"])) + 2, math.floor(math.log10(info["max"])) - 2


def round_to_dtype(X64: np.ndarray, dtype: str) -> np.ndarray:
    """The float64 array holding exactly the values the kernel receives in `dtype`."""
    X64 = np.asarray(X64, dtype=np.float64)
    if dtype == "float64":
        Y = X64.copy()
    elif dtype == "float32":
        with np.errstate(over="ignore"):
            Y = X64.astype(np.float32).astype(np.float64)
    elif dtype == "bfloat16":
        with np.errstate(over="ignore"):
            x32 = X64.astype(np.float32)
        # round-to-nearest-even on the top 16 bits of the float32 pattern (bfloat16 is the
        # upper half of a float32); the result is exactly representable in bfloat16, so the
        # worker's conversion of it is exact.
        bits = x32.view(np.uint32).astype(np.uint64)
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        Y = bits.astype(np.uint32).view(np.float32).astype(np.float64)
    else:
        raise UsageError(f"unsupported dtype {dtype!r}")
    if not np.all(np.isfinite(Y)):
        from matspec.inputs import InputError

        raise InputError(f"input does not fit in {dtype}: scale out of range")
    return Y


# ----------------------------------------------------------------------------------------
# contracts
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contract:
    kind: str  # "exact" | "band"
    lo: float = 1.0
    hi: float = 1.0
    floor: Optional[float] = None
    products: int = 1

    def describe(self, op: str) -> str:
        if self.kind == "exact":
            what = {"msign": "the polar factor U Vᵀ", "svdvals": "the singular values, descending",
                    "norm": "the norm", "lowrank": "the best rank-k approximation (truncated SVD)",
                    "matmul": "the product A·B", "solve": "the solution of A x = b",
                    "mclip": "U clip(Σ, [lo, hi]) Vᵀ (thin SVD)",
                    "newton_schulz": "U F(Σ/(s‖A‖_F)) Vᵀ, F the schedule's exact composed polynomial"}[op]
            return f"exact: {what} within the error bound derived from u, the dimensions and κ"
        s = (f"band:[{self.lo:g}, {self.hi:g}]: output = U D Vᵀ with U, V the input's singular vectors "
             f"and every D_ii in [{self.lo:g}, {self.hi:g}], up to the rounding allowance of "
             f"{self.products} dependent product(s)")
        if self.floor is not None:
            s += (f"; input singular values ≤ {self.floor:g}·σ₁ are exempt from the lower bound "
                  f"(output there only needs σ ≤ {self.hi:g}) — user-stated exemption")
        else:
            s += "; no input singular value is exempt (rank-deficient directions must also land in the band)"
        return s

    def spec(self) -> str:
        if self.kind == "exact":
            return "exact"
        s = f"band:{self.lo:g},{self.hi:g}"
        if self.floor is not None:
            s += f",floor={self.floor:g}"
        if self.products != 1:
            s += f",products={self.products}"
        return s


def parse_contract(text: str, op: str) -> Contract:
    text = (text or "exact").strip()
    if text == "exact":
        return Contract("exact")
    if text.startswith("band:"):
        if op not in BAND_OPS:
            raise UsageError(f"contract 'band' is defined for {' and '.join(BAND_OPS)} only, not {op}")
        parts = [p.strip() for p in text[5:].split(",") if p.strip()]
        nums = [p for p in parts if "=" not in p]
        opts = dict(p.split("=", 1) for p in parts if "=" in p)
        if len(nums) != 2:
            raise UsageError(f"band contract needs two numbers LO,HI, got {text!r} (e.g. band:0.7,1.2)")
        try:
            lo, hi = float(nums[0]), float(nums[1])
            floor = float(opts.pop("floor")) if "floor" in opts else None
            products = int(opts.pop("products")) if "products" in opts else 1
        except ValueError as exc:
            raise UsageError(f"bad band contract {text!r}: {exc}") from None
        if opts:
            raise UsageError(f"unknown band option(s) {', '.join(opts)}; known: floor, products")
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi):
            raise UsageError(f"band needs finite 0 <= LO <= HI, got {lo}, {hi}")
        if floor is not None and not (0 <= floor < 1):
            raise UsageError(f"band floor is a fraction of σ₁ in [0, 1), got {floor}")
        if products < 1:
            raise UsageError(f"band products must be >= 1, got {products}")
        return Contract("band", lo, hi, floor, products)
    raise UsageError(f"unknown contract {text!r}; choose 'exact' or (msign, newton_schulz) 'band:LO,HI[,floor=F][,products=P]'")


# ----------------------------------------------------------------------------------------
# kernels: loading and running in a worker process
# ----------------------------------------------------------------------------------------

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


def _to_framework(X64, framework, dtype, device):
    if framework == "numpy":
        return np.asarray(X64, dtype=np.dtype(dtype))
    import torch

    return torch.from_numpy(np.ascontiguousarray(X64)).to(getattr(torch, dtype)).to(device)


def _describe_output(out, framework) -> dict:
    """Type, dtype, shape and (exact) float64 values of a kernel's output."""
    d: dict = {"type": type(out).__module__ + "." + type(out).__qualname__, "dtype": None, "shape": None, "values": None}
    if framework == "numpy":
        if isinstance(out, (np.ndarray, np.generic)):
            d["dtype"] = out.dtype.name
            d["shape"] = tuple(np.shape(out))
            if out.dtype.kind == "f":
                d["values"] = np.asarray(out, dtype=np.float64)
        return d
    import torch

    if isinstance(out, torch.Tensor):
        d["dtype"] = str(out.dtype).replace("torch.", "")
        d["shape"] = tuple(out.shape)
        d["device"] = str(out.device)
        if out.dtype.is_floating_point:
            d["values"] = out.detach().to("cpu", torch.float64).numpy()
    return d


def _call(fn, args64, framework, dtype, device, params):
    args = [_to_framework(a, framework, dtype, device) for a in args64]
    t0 = time.perf_counter()
    out = fn(*args, **params)
    if framework == "torch" and device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    return _describe_output(out, framework), dt


def _worker_main(conn, kernel, framework, device):  # pragma: no cover - runs in the child
    try:
        fn = load_kernel(kernel) if isinstance(kernel, str) else pickle.loads(kernel)
        if framework == "torch":
            import torch

            if device.startswith("cuda") and not torch.cuda.is_available():
                raise UsageError(f"device {device!r} requested but torch sees no CUDA device")
    except BaseException as exc:  # noqa: BLE001
        conn.send(("load_error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        args64, dtype, params = msg
        try:
            desc, dt = _call(fn, args64, framework, dtype, device, params)
            conn.send(("ok", desc, dt))
        except BaseException as exc:  # noqa: BLE001 - the kernel's failure is the verdict
            tb = traceback.format_exc(limit=-3)
            try:
                conn.send(("raised", f"{type(exc).__name__}: {exc}", tb))
            except Exception:  # noqa: BLE001 - e.g. an unpicklable payload
                conn.send(("raised", f"{type(exc).__name__}", ""))


@dataclass
class CallResult:
    status: str  # ok | raised | timeout | died
    output: Optional[dict] = None
    message: str = ""
    seconds: float = 0.0


class KernelRunner:
    """Runs the kernel in a spawned worker process with a per-call timeout; a hang kills
    and restarts the worker, so later inputs are still judged.  A callable that cannot be
    pickled (a lambda, a closure) runs in-process in a daemon thread instead: a hang is
    still reported, but its thread cannot be stopped (the report says so)."""

    def __init__(self, kernel, framework: str, device: str, timeout: float):
        self.kernel, self.framework, self.device, self.timeout = kernel, framework, device, timeout
        self.proc = None
        self.conn = None
        self.isolated = True
        self.note = ""
        self._payload = kernel
        self._fn = None
        if not isinstance(kernel, str):
            try:
                if getattr(kernel, "__module__", None) == "__main__":
                    # the worker does not re-run the caller's script (see start), so it
                    # could not find the function there
                    raise pickle.PicklingError("defined in __main__")
                self._payload = pickle.dumps(kernel)
            except Exception as exc:  # noqa: BLE001
                self.isolated = False
                self._fn = kernel
                self.note = (f"kernel is not picklable by reference ({type(exc).__name__}: {exc}); it ran in-process in "
                             "a thread: a hang is reported as a failure but cannot be stopped (define the kernel in a "
                             "module, or pass 'module:function', to isolate it)")

    def start(self):
        if not self.isolated or self.proc is not None:
            return
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, self._payload, self.framework, self.device), daemon=True)
        # spawn re-executes the caller's __main__ script in the worker unless it is hidden:
        # a user script without an `if __name__ == "__main__"` guard would recurse, and the
        # worker needs nothing from it (the kernel comes by reference or by pickle).
        main = sys.modules.get("__main__")
        saved = {a: main.__dict__[a] for a in ("__file__", "__spec__") if main is not None and a in main.__dict__}
        try:
            for a in saved:
                if a == "__file__":
                    del main.__dict__[a]
                else:
                    main.__dict__[a] = None
            self.proc.start()
        finally:
            if main is not None:
                main.__dict__.update(saved)
        child.close()
        self.conn = parent
        if not parent.poll(max(LOAD_TIMEOUT_S, self.timeout)):
            self._kill()
            raise UsageError(f"kernel {kernel_name(self.kernel)} did not load within {LOAD_TIMEOUT_S:g} s")
        try:
            kind, msg = parent.recv()
        except EOFError:
            code = self.proc.exitcode
            self._kill()
            raise UsageError(f"kernel worker died while loading {kernel_name(self.kernel)} (exit code {code})") from None
        if kind != "ready":
            self._kill()
            raise UsageError(f"cannot load kernel {kernel_name(self.kernel)}: {msg}")

    def _kill(self):
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def close(self):
        if self.proc is not None and self.proc.is_alive():
            try:
                self.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            self.proc.join(2)
        self._kill()

    def call(self, args64: list, dtype: str, params: dict) -> CallResult:
        if not self.isolated:
            return self._call_in_thread(args64, dtype, params)
        self.start()
        try:
            self.conn.send((args64, dtype, params))
        except (OSError, BrokenPipeError) as exc:
            self._kill()
            return CallResult("died", message=f"kernel process unreachable ({exc})")
        if not self.conn.poll(self.timeout):
            self._kill()
            return CallResult("timeout", message=f"no result within the {self.timeout:g} s timeout (kernel process killed)")
        try:
            reply = self.conn.recv()
        except (EOFError, OSError):
            self.proc.join(2)
            code = self.proc.exitcode
            self._kill()
            return CallResult("died", message=f"kernel process died during the call (exit code {code})")
        if reply[0] == "ok":
            return CallResult("ok", output=reply[1], seconds=reply[2])
        return CallResult("raised", message=f"kernel raised {reply[1]}")

    def _call_in_thread(self, args64, dtype, params) -> CallResult:
        box: dict = {}

        def target():
            try:
                box["out"] = _call(self._fn, args64, self.framework, dtype, self.device, params)
            except BaseException as exc:  # noqa: BLE001
                box["err"] = f"{type(exc).__name__}: {exc}"

        t = threading.Thread(target=target, daemon=True)
        t.start()
        t.join(self.timeout)
        if t.is_alive():
            return CallResult("timeout", message=f"no result within the {self.timeout:g} s timeout (in-process thread left running)")
        if "err" in box:
            return CallResult("raised", message=f"kernel raised {box['err']}")
        return CallResult("ok", output=box["out"][0], seconds=box["out"][1])


# ----------------------------------------------------------------------------------------
# the oracle side: reference values and allowed errors
# ----------------------------------------------------------------------------------------

def _mp(X64):
    from matspec.oracles import as_mp_matrix

    return as_mp_matrix(np.asarray(X64, dtype=np.float64))


def _mp_fro(M):
    from matspec.oracles.mp import _fro

    return _fro(M)


def _fnum(x) -> float:
    """mpf → float for reports (±inf beyond float range, never an exception)."""
    try:
        return float(x)
    except (OverflowError, ValueError):
        return math.inf


def _ns_exact_norms(schedule, sigma, fro, steps) -> list[tuple[float, float]]:
    """(‖X_t‖_F, ‖X_t‖₂) of the exact Newton–Schulz iterates X_t = U F_t(Σ/(s‖A‖_F)) Vᵀ, t = 0..T,
    from the oracle's singular values and the scalar trajectory (30 digits; σ certified to ~1e-50):
    relative 1e-12 inflation makes them upper bounds."""
    from fractions import Fraction

    import mpmath

    from matspec.implementations import newton_schulz as ns

    sch = ns.get_schedule(schedule)
    T = sch.steps if steps is None else steps
    if fro == 0 or not len(sigma):
        return [(0.0, 0.0)] * (T + 1)
    with mpmath.workdps(30):
        c = mpmath.mpf(Fraction(sch.safety).numerator) / Fraction(sch.safety).denominator * fro
        paths = [ns.trajectory(sch, x / c, dps=30)[: T + 1] for x in sigma]
        out = []
        for t in range(T + 1):
            ys = [abs(p[t]) for p in paths]
            out.append((float(mpmath.sqrt(mpmath.fsum(y * y for y in ys))) * (1 + 1e-12),
                        float(max(ys)) * (1 + 1e-12)))
    return out


@dataclass
class Judgement:
    state: str  # ok | fail | undecided
    measured: Optional[float] = None
    allowed: Optional[float] = None
    reason: str = ""
    detail: dict = field(default_factory=dict)


class OpJudge:
    """Reference, error measure and allowed error for one (op, params, contract, dtype).

    ``prepare`` runs the oracle on the exact received input once; ``judge`` compares an
    output (float64 array of the kernel's exact values) against it."""

    def __init__(self, op: str, params: dict, contract: Contract, dtype: str, out_dtype: str):
        self.op, self.params, self.contract = op, params, contract
        # The tolerance uses the coarser of the input and the declared output format: the
        # output cannot be more accurate than its own rounding.
        self.u = max(dtype_info(dtype)["u"], dtype_info(out_dtype)["u"])
        self.dtype = dtype

    # -- expected output shapes -----------------------------------------------------
    def out_shape(self, args64) -> tuple:
        A = args64[0]
        m, n = A.shape
        if self.op == "svdvals":
            return (min(m, n),)
        if self.op == "norm":
            return ()
        if self.op == "matmul":
            return (m, args64[1].shape[1])
        if self.op == "solve":
            return tuple(args64[1].shape)
        return (m, n)

    # -- oracle ---------------------------------------------------------------------
    def prepare(self, args64) -> dict:
        import mpmath

        from matspec import oracles as O
        from matspec.oracles import mp as OM

        A = _mp(args64[0])
        m, n = A.rows, A.cols
        ref: dict = {"m": m, "n": n, "fro": _mp_fro(A)}
        op = self.op
        if op == "svdvals":
            s, b = O.svdvals(A)
            ref.update(value=s, oracle_err=b)
        elif op == "norm":
            v, b = O.norm(A, self.params["kind"], p=self.params.get("p"), k=self.params.get("k"))
            ref.update(value=v, oracle_err=b)
        elif op == "msign":
            Q, fwd, recon, r = OM._polar_parts(A, O.DEFAULT_DIGITS)
            ref.update(value=Q, oracle_err=fwd + recon, svd=r)
        elif op == "lowrank":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            res = OracleOps().lowrank(Mat(A, mpmath.mpf(0), (m, n)), self.params["k"])
            ref.update(value=res.data, oracle_err=res.err, svd=O.svd(A))
        elif op == "mclip":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            res = OracleOps().mclip(Mat(A, mpmath.mpf(0), (m, n)), self.params["lo"], self.params["hi"])
            ref.update(value=res.data, oracle_err=res.err, svd=O.svd(A))
        elif op == "newton_schulz":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            r = O.svd(A)
            ref.update(svd=r)
            if self.contract.kind == "exact":
                # the schedule run in mpmath at working precision: U F(Σ/(s‖A‖_F)) Vᵀ up to a
                # certified ~1e-60 (OracleOps.newton_schulz), no SVD needed for the value itself
                res = OracleOps().newton_schulz(Mat(A, mpmath.mpf(0), (m, n)), self.params["schedule"],
                                                steps=self.params.get("steps"))
                ref.update(value=res.data, oracle_err=res.err)
        elif op == "matmul":
            B = _mp(args64[1])
            with mpmath.workdps(O.working_dps(O.DEFAULT_DIGITS)):
                # a product of floats at 60 digits: the only rounding is the final one per
                # term and sum, ≤ γ_k(10^-60)·‖A‖_F‖B‖_F, far below any dtype's bound
                ref.update(value=A * B, oracle_err=mpmath.mpf(10) ** -55 * _mp_fro(A) * _mp_fro(B), fro_b=_mp_fro(B))
        elif op == "solve":
            b = _mp(args64[1])
            x, bound = O.solve(A, b)
            Xinv, _ = O.inv(A)
            with mpmath.workdps(60):
                ref.update(value=x, oracle_err=bound, fro_b=_mp_fro(b), fro_inv=_mp_fro(Xinv))
        return ref

    # -- allowed errors ---------------------------------------------------------------
    def allowed(self, ref) -> tuple[Optional[float], str]:
        """(allowed error, '' | reason it is undecided).  Each bound is the one the NumPy
        backend's radii use (implementations/numpy_backend.py), with the kernel's u."""
        import mpmath

        from matspec.tolerance import abs_sum_rel, fro_rel, gamma, svd_backward_factor

        u, m, n, op = self.u, ref["m"], ref["n"], self.op
        r = min(m, n)
        fro = ref["fro"]
        mpf = mpmath.mpf
        E = mpf(svd_backward_factor(m, n, u)) * fro  # backward error of a Householder SVD
        if op == "svdvals":
            # Weyl: a backward-stable SVD moves each σ by ≤ ‖ΔA‖₂ ≤ svd_backward_factor·‖A‖_F.
            return _fnum(E), ""
        if op == "norm":
            kind, p, k = self.params["kind"], self.params.get("p"), self.params.get("k")
            v = abs(ref["value"])
            out_round = u * v  # the result itself is stored in the dtype
            if kind == "fro":
                return _fnum(fro_rel(m * n, u) * v + out_round), ""  # squares, sum, root: γ_{mn+2}
            if kind == "1":
                return _fnum(abs_sum_rel(m, u) * v + out_round), ""  # column sums of |a_ij|: γ_{m−1}
            if kind == "inf":
                return _fnum(abs_sum_rel(n, u) * v + out_round), ""  # row sums: γ_{n−1}
            if kind == "max":
                return 0.0, ""  # max |a_ij| is exact in any format
            if kind == "2":
                return _fnum(E + out_round), ""  # σ₁ by a backward-stable SVD (Weyl)
            if kind == "nuc":
                # Mirsky: Σ|σ̂_i − σ_i| ≤ √r‖ΔA‖_F; the sum of r terms costs γ_{r−1}
                return _fnum(math.sqrt(r) * E + abs_sum_rel(r, u) * v + out_round), ""
            if kind == "schatten":
                lip = r ** max(1.0 / p - 0.5, 0.0) if p != math.inf else 1.0
                # ‖σ̂ − σ‖_p ≤ r^{max(1/p−1/2,0)}‖σ̂ − σ‖₂; powers, sum, root: γ_{r+4}
                return _fnum(lip * E + gamma(r + 4, u) * v + out_round), ""
            if kind == "kyfan":
                return _fnum(math.sqrt(k) * E + gamma(k, u) * v + out_round), ""  # Mirsky on k terms
            raise UsageError(f"unknown norm kind {kind!r}")
        if op == "msign":
            s = ref["svd"][1]
            sb = ref["svd"].sigma_bounds
            if s[-1] <= sb[-1]:
                return None, "polar factor not determined: the input is rank deficient (σ_min = 0 within the oracle's certificate)"
            smin = s[-1] - E
            if smin <= 0:
                return None, (f"bound vacuous: σ_min = {mpmath.nstr(s[-1], 3)} ≤ the SVD backward error "
                              f"{mpmath.nstr(E, 3)} at this dtype (κ ≳ 1/u)")
            # Li & Sun: ‖Q(A) − Q(A+Δ)‖_F ≤ √3‖Δ‖_F/σ_min(A+Δ), σ_min(A+Δ) ≥ σ_min − E, with
            # ‖Δ‖_F ≤ E for a backward-stable kernel; plus forming U Vᵀ: products of length r
            # (γ_{r+1}) on factors orthonormal to within svd_backward_factor each, ‖·‖_F ≤ √r.
            fwd = mpf(math.sqrt(3)) * E / smin
            recon = (gamma(r + 1, u) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(r)
            tot = fwd + recon
            if tot >= 2 * math.sqrt(r):
                return None, f"bound vacuous: allowed error {mpmath.nstr(tot, 3)} ≥ 2‖Q‖_F (too ill-conditioned for this dtype)"
            return _fnum(tot), ""
        if op == "lowrank":
            k = self.params["k"]
            if k >= r:
                return _fnum(mpf(u) * fro), ""  # A itself: one rounding per entry
            if k == 0:
                return 0.0, ""
            s = ref["svd"][1]
            # Wedin: ‖(A+Δ)_k − A_k‖_F ≤ ‖Δ‖_F(1 + 2‖A‖₂/δ), δ = σ_k − σ_{k+1} − 2‖Δ‖ > 0;
            # no gap means A_k is not determined: undecided, not passed.
            delta = (s[k - 1] - s[k]) - 2 * E
            if delta <= 0:
                return None, f"best rank-{k} approximation not determined: σ_k − σ_(k+1) = {mpmath.nstr(s[k-1]-s[k], 3)} ≤ 2×SVD backward error"
            fwd = E * (1 + 2 * (s[0] + E) / delta)
            recon = (gamma(k + 1, u) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(k) * s[0]
            return _fnum(fwd + recon), ""
        if op == "mclip":
            from matspec.implementations.base import mclip_lipschitz_factor
            from matspec.implementations.radii import mclip_radius, svd_recon_err

            lo, hi = self.params["lo"], self.params["hi"]
            s = ref["svd"][1]
            # as the backends' mclip radius (implementations/radii.py): the kernel's SVD backward
            # error E carried by clip's matrix Lipschitz constant (√2·max(1, lo/σ_min), infinite
            # when lo > 0 lifts an undetermined null direction), lo/hi rounded to the dtype, and
            # forming U clip(Σ) Vᵀ (γ_{r+1} products on nearly orthonormal factors).
            L = mclip_lipschitz_factor(lo, _fnum(s[-1] - E))
            if not math.isfinite(L):
                return None, ("U clip(Σ) Vᵀ not determined: lo > 0 lifts the input's (numerically) zero singular "
                              "values to lo along singular vectors that are not unique")
            top = max(abs(min(max(_fnum(x), lo), hi)) for x in s) if len(s) else 0.0
            recon = svd_recon_err(gamma(r + 1, u), r, top, m, n, u)
            return _fnum(mclip_radius(L, _fnum(E), u, r, lo, hi, recon)), ""
        if op == "newton_schulz":
            from matspec.implementations import newton_schulz as ns

            sched, steps = self.params["schedule"], self.params.get("steps")
            norms = _ns_exact_norms(sched, ref["svd"][1], fro, steps)
            # ns.forward_error_bound (the backends' radius), on the exact iterates' norms: the
            # kernel's own iterates enter through ‖X̂_t‖ <= ‖X_t‖ + e_t; 5 roundings for the
            # normalisation allow a kernel that pre-scales by max|a_ij| (as overflow-safe ones do).
            e = ns.forward_error_bound(sched, m, n, u, norms, _fnum(fro), 0.0, steps=steps,
                                       norms_are_exact=True, norm_roundings=5)
            out_fro = norms[-1][0]
            if not e < out_fro + 1.0:
                return None, (f"bound vacuous: forward error bound {e:.3g} ≥ the output's size "
                              f"{out_fro:.3g} + 1 at this dtype (use a band contract)")
            return e, ""
        if op == "matmul":
            # Higham §3.5: ‖fl(AB) − AB‖_F ≤ γ_k ‖A‖_F‖B‖_F for inner dimension k (any order
            # or blocking); the product's own rounding is inside γ_k.
            return _fnum(mpf(gamma(n, u)) * fro * ref["fro_b"]), ""
        if op == "solve":
            # GEPP is backward stable: (A + ΔA)x̂ = b with |ΔA| ≤ γ_{3n}|L̂||Û| (Higham Thm 9.4)
            # and ‖|L̂||Û|‖∞ ≤ (1 + 2(n² − n)ρ_n)‖A‖∞ (Lemma 9.6); in the 2-norm (two factors
            # √n) ‖ΔA‖₂ ≤ n·γ_{3n}(1 + 2(n² − n)ρ_n)‖A‖₂.  The growth factor ρ_n is taken
            # ≤ n — true of the drawn and gallery inputs, not of Wilkinson's 2^{n−1} example.
            # Then x̂ − x = −A⁻¹ΔA x̂ gives ‖x̂ − x‖ ≤ η‖x‖/(1 − η), η = ‖A⁻¹‖₂‖ΔA‖₂.
            eta = mpf(n * gamma(3 * n, u) * (1 + 2 * (n * n - n) * n)) * fro * ref["fro_inv"]
            if eta >= 1:
                return None, f"bound vacuous: ‖A⁻¹‖·‖ΔA‖ = {mpmath.nstr(eta, 3)} ≥ 1 (κ ≳ 1/u)"
            xn = _mp_fro(ref["value"])
            return _fnum(eta * xn / (1 - eta) + mpf(u) * xn), ""  # + the result's own rounding
        raise UsageError(op)

    # -- error measure ------------------------------------------------------------------
    def error(self, ref, Y64) -> tuple[Any, dict]:
        """(error as mpf, details) of an output against the reference."""
        import mpmath

        op = self.op
        if op == "svdvals":
            s = ref["value"]
            errs = [abs(mpmath.mpf(float(y)) - si) for y, si in zip(Y64, s)]
            i = max(range(len(errs)), key=lambda j: errs[j])
            return errs[i], {"worst_index": i, "kernel": float(Y64[i]), "oracle": _fnum(s[i])}
        if op == "norm":
            y = float(np.asarray(Y64).reshape(()))
            return abs(mpmath.mpf(y) - ref["value"]), {"kernel": y, "oracle": _fnum(ref["value"])}
        if self.contract.kind == "band":
            return self._band_distance(ref, Y64)
        Y = _mp(np.atleast_2d(Y64) if Y64.ndim else Y64.reshape(1, 1))
        R = ref["value"]
        if op == "solve" and Y.rows != R.rows:
            Y = Y.T
        with mpmath.workdps(60):
            d = _mp_fro(Y - R)
        return d, {"oracle_norm": _fnum(_mp_fro(R))}

    def _band_distance(self, ref, Y64, Eb=0.0):
        """Frobenius distance from the output to the set {U D Vᵀ + W}: D diagonal in the
        band on the determined directions C, W acting only on the exempt / undetermined
        complement with singular values in [lo_X, HI].  The four blocks P_C·Y·Q_C,
        P_C·Y·(I−Q_C), (I−P_C)·Y·Q_C, (I−P_C)·Y·(I−Q_C) are Frobenius-orthogonal, so the
        squared distance is the sum of: the off-diagonal and out-of-band parts of
        U_Cᵀ Y V_C, the two cross blocks, and (Mirsky) Σ dist(σ_j(last block), [lo_X, HI])²."""
        import mpmath

        from matspec import oracles as O

        c = self.contract
        U, s, Vt, _ = ref["svd"]
        sb = ref["svd"].sigma_bounds
        k = len(s)
        with mpmath.workdps(60):
            Y = _mp(Y64)
            # determined directions: σ_i certified above the user's floor and above the
            # kernel's backward error Eb (below it no kernel at this dtype can know them)
            cut = max((c.floor or 0) * (s[0] + sb[0]), mpmath.mpf(Eb))
            C = [i for i in range(k) if s[i] - sb[i] > 0 and s[i] - sb[i] > cut]
            X = [i for i in range(k) if i not in C]
            lo_x = 0.0 if c.floor is not None else c.lo

            def band_gap(x, lo, hi):
                return max(lo - x, x - hi, mpmath.mpf(0))

            m, n = Y.rows, Y.cols
            UC = mpmath.matrix([[U[r, j] for j in C] for r in range(m)]) if C else None
            VC = mpmath.matrix([[Vt[j, col] for j in C] for col in range(n)]) if C else None
            diag, off2, gap2 = [], mpmath.mpf(0), mpmath.mpf(0)
            if C:
                UtY = UC.T * Y
                M = UtY * VC
                for a in range(len(C)):
                    for b in range(len(C)):
                        if a == b:
                            diag.append(M[a, a])
                            gap2 += band_gap(M[a, a], c.lo, c.hi) ** 2
                        else:
                            off2 += M[a, b] ** 2
                cross1 = UtY - M * VC.T
                rest = Y - UC * UtY
                cross2 = rest * VC
                last = rest - cross2 * VC.T
                cross2_ = _mp_fro(cross1) ** 2 + _mp_fro(cross2) ** 2
            else:
                last, cross2_ = Y, mpmath.mpf(0)
            last_sv = []
            if X:
                sv, _ = O.svdvals(last) if _mp_fro(last) > 0 else ([mpmath.mpf(0)] * min(m, n), 0)
                last_sv = list(sv)[: len(X)]
            exempt2 = sum((band_gap(x, lo_x, c.hi) ** 2 for x in last_sv), mpmath.mpf(0))
            dist = mpmath.sqrt(off2 + gap2 + cross2_ + exempt2)
        det = {
            "determined_directions": len(C),
            "exempt_or_undetermined_directions": len(X),
            "output_sigma_on_input_vectors": [_fnum(x) for x in diag],
            "output_sigma_exempt_block": [_fnum(x) for x in last_sv],
            "misalignment": _fnum(mpmath.sqrt(off2 + cross2_)),
            "out_of_band": _fnum(mpmath.sqrt(gap2 + exempt2)),
        }
        if diag:
            det["diag_range"] = [_fnum(min(diag)), _fnum(max(diag))]
        det["_smin_C"] = min(s[i] for i in C) if C else None
        return dist, det

    def band_judge(self, ref, Y64) -> Judgement:
        """Band contract.  Model of the kernel: P dependent products (inner dimension ≤
        max(m, n)) on factors of spectral norm ≤ HI, each moving the result by at most
        γ_{max(m,n)+2}·HI·‖·‖_F (Higham §3.5, +2 for the scaled additions of a polynomial
        step); to first order these add: g = γ_{P(max(m,n)+2)}(u).  So
        * out of band (the delivered σ on the input's vectors, and the exempt block's σ):
          allowed g·HI·√r — the band itself is the kernel's slack;
        * misalignment (off-diagonal and cross blocks): the same plus the sensitivity of
          the singular subspaces to a backward error Eb = g‖A‖_F, which (Li & Sun, as for
          the polar factor, scaled by HI) moves U D Vᵀ by ≤ √3·HI·Eb/σ_min(C).  Directions
          with σ_i ≤ Eb are undetermined at this dtype: their vectors are free, their σ not."""
        import mpmath

        from matspec.tolerance import gamma

        c = self.contract
        m, n = ref["m"], ref["n"]
        r = min(m, n)
        g = gamma(c.products * (max(m, n) + 2), self.u)
        Eb = g * ref["fro"]
        dist, det = self._band_distance(ref, Y64, Eb)
        smin = det.pop("_smin_C")
        round_allow = g * c.hi * math.sqrt(r)
        align_allow = round_allow + (_fnum(mpmath.sqrt(3) * c.hi * Eb / smin) if smin is not None else 0.0)
        det.update(allowed_out_of_band=round_allow, allowed_misalignment=align_allow)
        parts = [(det["out_of_band"], round_allow, "singular values of the output outside the band"),
                 (det["misalignment"], align_allow, "output's singular vectors are not the input's")]
        bad = [(x, a, why) for x, a, why in parts if x > a]
        worst = max(parts, key=lambda t: t[0] / t[1] if t[1] > 0 else (math.inf if t[0] > 0 else 0))
        if bad:
            x, a, why = max(bad, key=lambda t: t[0] / t[1] if t[1] > 0 else math.inf)
            return Judgement("fail", x, a, f"{why} (error exceeds the allowed bound)", det)
        if align_allow >= 2 * c.hi * math.sqrt(r):
            return Judgement("undecided", worst[0], None, "singular vectors not determined at this dtype (allowed misalignment vacuous)", det)
        return Judgement("ok", worst[0], worst[1], "", det)

    def judge(self, ref, Y64) -> Judgement:
        import mpmath

        if self.op in BAND_OPS and self.contract.kind == "band":
            # the oracle's SVD is certified to ~1e-30 relative: negligible beside any allowance
            return self.band_judge(ref, Y64)
        err, det = self.error(ref, Y64)
        oerr = ref["oracle_err"]
        allowed, why = self.allowed(ref)

        if not mpmath.isfinite(oerr):
            return Judgement("undecided", _fnum(err), None, why or "oracle has no bound for this input", det)
        if why:
            return Judgement("undecided", _fnum(err), None, why, det)
        ok = err <= mpmath.mpf(allowed) + oerr
        return Judgement("ok" if ok else "fail", _fnum(err), allowed, "" if ok else "error exceeds the allowed bound", det)


# ----------------------------------------------------------------------------------------
# the plain reference (baseline ratio)
# ----------------------------------------------------------------------------------------

def baseline_output(op: str, params: dict, args64: list, dtype: str, contract: Contract):
    """matspec's plain reference at the kernel's dtype (NumPy; no bfloat16 linear algebra
    there, so None for bfloat16; None for band contracts, whose measure is not an error
    against one reference)."""
    if dtype not in ("float64", "float32") or contract.kind == "band":
        return None
    dt = np.dtype(dtype)
    A = args64[0].astype(dt)
    with np.errstate(all="ignore"):
        if op == "svdvals":
            return np.linalg.svd(A, compute_uv=False)
        if op == "norm":
            kind, p, k = params["kind"], params.get("p"), params.get("k")
            if kind in ("fro", "1", "inf", "2", "nuc"):
                return np.asarray(np.linalg.norm(A, {"fro": "fro", "1": 1, "inf": np.inf, "2": 2, "nuc": "nuc"}[kind]), dtype=dt)
            if kind == "max":
                return np.max(np.abs(A))
            s = np.linalg.svd(A, compute_uv=False)
            if kind == "kyfan":
                return np.sum(s[:k])
            return np.max(s) if p == math.inf else np.sum(s ** p) ** (1 / p)
        if op == "msign":
            U, _, Vt = np.linalg.svd(A, full_matrices=False)
            return U @ Vt
        if op == "lowrank":
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            k = params["k"]
            return (U[:, :k] * s[:k]) @ Vt[:k]
        if op == "matmul":
            return A @ args64[1].astype(dt)
        if op == "solve":
            return np.linalg.solve(A, args64[1].astype(dt))
        if op == "mclip":
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            return (U * np.clip(s, dt.type(params["lo"]), dt.type(params["hi"]))) @ Vt
        if op == "newton_schulz":
            from matspec.implementations import newton_schulz as ns

            return ns.iterate(A, params["schedule"], steps=params.get("steps"))
    return None


# ----------------------------------------------------------------------------------------
# inputs: adversarial gallery and Hypothesis strategies
# ----------------------------------------------------------------------------------------

def _kappa_edge(dtype: str) -> int:
    """log10 κ nearest 1/u from below: float64 15, float32 7, bfloat16 2."""
    return int(math.floor(-math.log10(dtype_info(dtype)["u"])))


def adversarial_cases(op: str, params: dict, dtype: str, scale_range: Optional[tuple[int, int]],
                      contract: Optional[Contract] = None) -> list[tuple[str, dict]]:
    """(label, inputs) always evaluated before the drawn ones."""
    from matspec.inputs import ArraySpec, MatrixSpec

    lo_e, hi_e = edge_scales(dtype)
    if scale_range is not None:  # the user narrowed the scales: the report says so
        lo_e, hi_e = max(lo_e, scale_range[0]), min(hi_e, scale_range[1])
    kap = _kappa_edge(dtype)
    M = MatrixSpec
    if op in ("matmul", "solve"):
        if op == "matmul":
            h_hi, h_lo = hi_e // 2 - 1, -(-lo_e // 2) + 1  # each factor at half the edge: the product reaches it
            cases = [
                ("zero matrix", {"A": ArraySpec.of([[0.0] * 3] * 3), "B": M(3, 3, log10_kappa=1, seed=1)}),
                ("1x1", {"A": M(1, 1, log10_scale=-1), "B": M(1, 1, log10_scale=1, seed=2)}),
                ("rank deficient", {"A": M(4, 4, mode="rank_deficient", rank=2, log10_kappa=1), "B": M(4, 3, log10_kappa=1, seed=3)}),
                ("huge scale", {"A": M(3, 3, log10_kappa=1, log10_scale=h_hi), "B": M(3, 3, log10_kappa=1, log10_scale=h_hi, seed=4)}),
                ("tiny scale", {"A": M(3, 3, log10_kappa=1, log10_scale=h_lo), "B": M(3, 3, log10_kappa=1, log10_scale=h_lo, seed=5)}),
                ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap), "B": M(4, 4, log10_kappa=kap, seed=6)}),
                ("tall x wide", {"A": M(6, 2, log10_kappa=1), "B": M(2, 6, log10_kappa=1, seed=7)}),
                ("wide x tall", {"A": M(2, 6, log10_kappa=1), "B": M(6, 2, log10_kappa=1, seed=8)}),
            ]
        else:
            b = ArraySpec.column([1.0, -2.0, 0.5, 3.0])
            cases = [
                ("1x1", {"A": M(1, 1, log10_scale=-1), "b": ArraySpec.column([3.0])}),
                ("huge scale", {"A": M(4, 4, log10_kappa=1, log10_scale=hi_e), "b": b}),
                ("tiny scale", {"A": M(4, 4, log10_kappa=1, log10_scale=lo_e), "b": b}),
                ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap), "b": b}),
            ]
        return cases
    cases = [
        ("zero matrix", {"A": ArraySpec.of([[0.0] * 3] * 3)}),
        ("1x1", {"A": M(1, 1, log10_scale=-1)}),
        ("rank deficient", {"A": M(4, 4, mode="rank_deficient", rank=2, log10_kappa=1)}),
        ("huge scale", {"A": M(3, 3, log10_kappa=1, log10_scale=hi_e)}),
        ("tiny scale", {"A": M(3, 3, log10_kappa=1, log10_scale=lo_e)}),
        ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap)}),
        ("tall", {"A": M(6, 2, log10_kappa=1)}),
        ("wide", {"A": M(2, 6, log10_kappa=1)}),
    ]
    if op == "mclip":
        # singular values on both sides of [lo, hi] (and inside it): σ₁ = 10^⌈log10 2hi⌉, σ_min near lo/2
        lo, hi = params["lo"], params["hi"]
        if hi > 0:
            sc = math.ceil(math.log10(2 * hi))
            lk = math.log10(10.0 ** sc / (lo / 2)) if lo > 0 else 4.0
            sc = min(max(sc, lo_e), hi_e)
            cases.append(("sigma across [lo, hi]", {"A": M(5, 5, mode="geometric", log10_kappa=round(min(max(lk, 0.0), 300.0), 4),
                                                          log10_scale=sc)}))
    if op in ("msign", "newton_schulz"):
        # one small σ: just above the user's band floor (the smallest σ the contract still
        # covers), else 1e-3·σ₁ — where an iteration with too few steps stays below a band
        fl = contract.floor if contract is not None and contract.floor else None
        lk = -math.log10(fl * 1.01) if fl else 3.0
        cases.append(("one small sigma", {"A": M(6, 6, mode="one_small", log10_kappa=round(lk, 4))}))
    need = params.get("k") if op == "norm" and params.get("kind") == "kyfan" else None
    if need:
        cases = [(lbl, c) for lbl, c in cases if min(c["A"].m, c["A"].n) >= need]
    return cases


def drawn_scale_range(op: str, params: dict, dtype: str, scale_range: Optional[tuple[int, int]]) -> tuple[int, int]:
    """log10 scales Hypothesis draws.  mclip is not scale invariant: lo and hi are absolute, and
    matrices far above hi or far below lo only test a constant map, so its default window is
    three decades either side of max(|lo|, |hi|) (inside the dtype's range; the gallery still
    probes the range edges)."""
    if scale_range is not None:
        return scale_range
    dlo, dhi = default_log10_scale_range(dtype)
    if op == "mclip":
        big = max(abs(params["lo"]), abs(params["hi"]))
        c = math.floor(math.log10(big)) if big > 0 else 0
        return max(dlo, c - 3), min(dhi, c + 3)
    return dlo, dhi


def input_strategy(op: str, params: dict, dtype: str, max_dim: int, scale_range: Optional[tuple[int, int]]):
    from hypothesis import strategies as st

    from matspec.implementations.base import Domain
    from matspec.strategies import gallery_matrices, matrices, pairs_for_product, vectors

    lo, hi = drawn_scale_range(op, params, dtype, scale_range)
    dom = Domain(max_dim=max_dim, log10_scale=(lo, hi))
    if op == "matmul":
        return pairs_for_product(dom).map(lambda ab: {"A": ab[0], "B": ab[1]})
    if op == "solve":
        @st.composite
        def build(draw):
            A = draw(matrices(dom, square=True, full_rank=True))
            return {"A": A, "b": draw(vectors(dom, n=A.m))}
        return build()
    min_dim = params.get("k", 1) if op == "norm" and params.get("kind") == "kyfan" else 1
    return st.one_of(matrices(dom, min_dim=min_dim), gallery_matrices(dom, kinds=None, max_dim=max_dim).filter(
        lambda g: g.n >= min_dim)).map(lambda A: {"A": A})


# ----------------------------------------------------------------------------------------
# one evaluation
# ----------------------------------------------------------------------------------------

@dataclass
class CaseResult:
    label: str
    inputs: dict  # JSON
    inputs_repr: str
    state: str  # ok | fail | undecided | skipped
    reason: str = ""
    measured: Optional[float] = None
    allowed: Optional[float] = None
    baseline_error: Optional[float] = None
    ratio: Optional[float] = None
    detail: dict = field(default_factory=dict)
    entries: Optional[dict] = None
    replay: str = ""
    seconds: float = 0.0

    def to_json(self):
        return dataclasses.asdict(self)


class Validator:
    def __init__(self, op: str, kernel, *, dtype: str = "float64", framework: str = "numpy", device: str = "cpu",
                 params: Optional[dict] = None, contract: str = "exact", out_dtype: Optional[str] = None,
                 examples: int = 30, seed: int = 0, timeout: float = 10.0, max_dim: int = DEFAULT_MAX_DIM,
                 scale_range: Optional[tuple[int, int]] = None, kernel_params: Optional[dict] = None,
                 gallery: bool = True, runner: Optional["KernelRunner"] = None):
        if op not in OPS:
            raise UsageError(f"unknown op {op!r}; choose one of {', '.join(OPS)}")
        if framework not in FRAMEWORKS:
            raise UsageError(f"unknown framework {framework!r}; choose numpy or torch")
        if dtype not in DTYPES:
            raise UsageError(f"unsupported dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
        out_dtype = out_dtype or dtype
        if out_dtype not in DTYPES:
            raise UsageError(f"unsupported --out-dtype {out_dtype!r}; choose one of {', '.join(DTYPES)}")
        if framework == "numpy" and "bfloat16" in (dtype, out_dtype):
            raise UsageError("NumPy has no bfloat16: use --framework torch for bfloat16 kernels")
        if framework == "numpy" and device != "cpu":
            raise UsageError(f"NumPy kernels run on the CPU, not {device!r}")
        if framework == "torch" and importlib.util.find_spec("torch") is None:
            raise UsageError("--framework torch needs torch installed (pip install -e '.[torch]')")
        if not (timeout > 0):
            raise UsageError(f"timeout must be positive, got {timeout}")
        if not (isinstance(examples, int) and examples >= 0):
            raise UsageError(f"examples must be a non-negative integer, got {examples!r}")
        if not (isinstance(max_dim, int) and max_dim >= 1):
            raise UsageError(f"max_dim must be a positive integer, got {max_dim!r}")
        if scale_range is not None and not (scale_range[0] <= scale_range[1]):
            raise UsageError(f"scale range needs LO <= HI, got {scale_range}")
        params = dict(params or {})
        if op == "norm" and params.get("p") in ("inf", "+inf"):  # --param p=inf (a bare word)
            params["p"] = math.inf
        if op == "norm" and isinstance(params.get("kind"), int) and not isinstance(params["kind"], bool):
            params["kind"] = str(params["kind"])  # --param kind=2: the canonical kinds are strings
        self.op_params = {k: v for k, v in params.items() if k in OP_PARAMS[op]}
        self.kernel_params = params if kernel_params is None else kernel_params
        self._check_op_params(op)
        self.op, self.kernel, self.dtype, self.framework, self.device = op, kernel, dtype, framework, device
        self.out_dtype = out_dtype
        self.contract = parse_contract(contract, op)
        if op == "newton_schulz" and self.contract.kind == "band" and "products=" not in (contract or ""):
            # the band's rounding allowance counts dependent products: a schedule step forms
            # G = XXᵀ, G·G and (bG + cG²)·X, so T steps are 3T of them (the user may override)
            from matspec.implementations.newton_schulz import SCHEDULES

            T = self.op_params.get("steps") or SCHEDULES[self.op_params["schedule"]].steps
            self.contract = dataclasses.replace(self.contract, products=3 * T)
        self.examples, self.seed, self.timeout, self.max_dim, self.scale_range = examples, seed, timeout, max_dim, scale_range
        self.gallery = gallery
        if isinstance(kernel, str) and ":" in kernel:
            path = kernel.rsplit(":", 1)[0]
            if (path.endswith(".py") or "/" in path) and not Path(path).expanduser().is_file():
                raise UsageError(f"kernel file {Path(path).expanduser().resolve()} does not exist")
        self.judge_ = OpJudge(op, self.op_params, self.contract, dtype, out_dtype)
        # A runner may be shared between validations of one kernel (its worker process is
        # dtype-agnostic): the caller then owns it and closes it.
        if runner is not None and (runner.kernel is not kernel or runner.framework != framework or runner.device != device):
            raise UsageError("a shared KernelRunner must run the same kernel, framework and device")
        self._owns_runner = runner is None
        self.runner = runner or KernelRunner(kernel, framework, device, timeout)
        self.calls = 0
        self.band_seen: Optional[list] = None

    def _check_op_params(self, op):
        p = self.op_params
        if op == "norm":
            from matspec.implementations.base import NORM_KINDS

            if p.get("kind") not in NORM_KINDS:
                raise UsageError(f"norm needs --param kind=K with K in {', '.join(NORM_KINDS)}")
            if p["kind"] == "schatten" and not (isinstance(p.get("p"), (int, float)) and (p["p"] >= 1)):
                raise UsageError("Schatten norm needs --param p=P with P >= 1")
            if p["kind"] == "kyfan" and not (isinstance(p.get("k"), int) and p["k"] >= 1):
                raise UsageError("Ky Fan norm needs --param k=K with an integer K >= 1")
        if op == "lowrank" and not (isinstance(p.get("k"), int) and not isinstance(p.get("k"), bool) and p["k"] >= 0):
            raise UsageError("lowrank needs --param k=K with an integer K >= 0")
        if op == "mclip":
            from matspec.implementations.base import check_clip_interval

            lo, hi = p.get("lo"), p.get("hi")
            if isinstance(lo, bool) or isinstance(hi, bool):
                raise UsageError(f"mclip needs numbers lo, hi, got {lo!r}, {hi!r}")
            try:
                check_clip_interval(lo, hi)
            except ValueError as exc:
                raise UsageError(f"{exc} (--param lo=LO --param hi=HI)") from None
            p["lo"], p["hi"] = float(lo), float(hi)
        if op == "newton_schulz":
            from matspec.implementations.newton_schulz import SCHEDULES

            name = p.get("schedule")
            if name not in SCHEDULES:
                raise UsageError(f"newton_schulz needs --param schedule=NAME with NAME in {', '.join(SCHEDULES)}, got {name!r}")
            steps = p.get("steps")
            if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)
                                      or not 1 <= steps <= SCHEDULES[name].steps):
                raise UsageError(f"newton_schulz steps must be an integer in [1, {SCHEDULES[name].steps}] for "
                                 f"schedule {name!r} (its published length), got {steps!r}")

    # -- replay command ----------------------------------------------------------------
    def replay_command(self, inputs_json: dict) -> str:
        kref = self.kernel if isinstance(self.kernel, str) else kernel_name(self.kernel)
        parts = ["matspec", "validate", "--op", self.op, "--kernel", kref, "--dtype", self.dtype,
                 "--framework", self.framework]
        if self.device != "cpu":
            parts += ["--device", self.device]
        if self.out_dtype != self.dtype:
            parts += ["--out-dtype", self.out_dtype]
        for k, v in self.kernel_params.items():
            # a bare word reads back as itself (and norm kinds are coerced to strings)
            bare = isinstance(v, str) and (parse_param(f"{k}={v}")[1] == v or (self.op == "norm" and k == "kind"))
            parts += ["--param", f"{k}={v}" if bare or not isinstance(v, str) else f"{k}={v!r}"]
        parts += ["--contract", self.contract.spec(), "--timeout", f"{self.timeout:g}"]
        parts += ["--replay", json.dumps(inputs_json, separators=(",", ":"))]
        return " ".join(shlex.quote(p) for p in parts)

    # -- one input ---------------------------------------------------------------------
    def evaluate(self, inputs: dict, label: str = "") -> CaseResult:
        from matspec.implementations.base import OracleRefused, OutOfDomain
        from matspec.inputs import InputError, input_to_json

        t0 = time.perf_counter()
        ij = {k: input_to_json(v) for k, v in inputs.items()}
        res = CaseResult(label=label, inputs=ij, inputs_repr=", ".join(f"{k}={v!r}" for k, v in inputs.items()),
                         state="ok", replay=self.replay_command(ij))
        try:
            args64 = []
            for name in ARGS.get(self.op, ("A",)):
                X, _ = inputs[name].to_numpy(np.float64)
                args64.append(round_to_dtype(X, self.dtype))
        except InputError as exc:
            res.state, res.reason = "skipped", f"input not representable: {exc}"
            return res
        if sum(a.size for a in args64) <= 64:
            res.entries = {k: a.tolist() for k, a in zip(ARGS.get(self.op, ("A",)), args64)}
        self.calls += 1
        call = self.runner.call(args64, self.dtype, self.kernel_params)
        res.seconds = time.perf_counter() - t0
        if call.status != "ok":
            res.state, res.reason = "fail", call.message
            return res
        out = call.output
        expect_type = "numpy.ndarray" if self.framework == "numpy" else "torch.Tensor"
        ok_type = out["dtype"] is not None
        if self.framework == "numpy" and self.op != "norm" and out["type"] != "numpy.ndarray":
            ok_type = False
        if not ok_type:
            res.state, res.reason = "fail", f"returned {out['type']}, expected a {expect_type}"
            return res
        if out["dtype"] != self.out_dtype:
            declared = "declared with --out-dtype" if self.out_dtype != self.dtype else "undeclared dtype change; declare it with --out-dtype"
            res.state, res.reason = "fail", f"returned dtype {out['dtype']}, expected {self.out_dtype} ({declared})"
            return res
        want = self.judge_.out_shape(args64)
        if tuple(out["shape"]) != want:
            res.state, res.reason = "fail", f"returned shape {tuple(out['shape'])}, expected {want}"
            return res
        if self.framework == "torch" and out.get("device") and not out["device"].startswith(self.device.split(":")[0]):
            res.state, res.reason = "fail", f"returned a tensor on {out['device']}, expected {self.device}"
            return res
        Y = out["values"]
        if Y is None:
            res.state, res.reason = "fail", f"returned non-floating dtype {out['dtype']}"
            return res
        bad = int(np.size(Y) - np.count_nonzero(np.isfinite(Y)))
        if bad:
            res.state, res.reason = "fail", f"returned NaN/Inf in {bad} of {np.size(Y)} entries"
            return res
        try:
            ref = self.judge_.prepare(args64)
            j = self.judge_.judge(ref, Y)
        except (OracleRefused, OutOfDomain) as exc:
            res.state, res.reason = "undecided", f"oracle refused: {exc}"
            return res
        except Exception as exc:  # noqa: BLE001 - never a crash, never a pass
            res.state = "fail"
            res.reason = f"matspec could not judge this output ({type(exc).__name__}: {exc}); reported as a failure"
            return res
        res.state, res.measured, res.allowed, res.detail = j.state, j.measured, j.allowed, j.detail
        if "diag_range" in j.detail:  # band contracts: the band the kernel actually delivered
            lo, hi = j.detail["diag_range"]
            self.band_seen = [min(self.band_seen[0], lo), max(self.band_seen[1], hi)] if self.band_seen else [lo, hi]
        if j.reason:
            res.reason = j.reason
        # baseline ratio (diagnostic only; never part of the verdict)
        try:
            B = baseline_output(self.op, self.op_params, args64, self.dtype, self.contract)
            if B is not None and np.all(np.isfinite(B)) and np.shape(B) == want:
                be, _ = self.judge_.error(ref, np.asarray(B, dtype=np.float64))
                res.baseline_error = _fnum(be)
                if res.measured is not None and res.baseline_error > 0:
                    res.ratio = res.measured / res.baseline_error
        except Exception:  # noqa: BLE001 - a diagnostic must not change the verdict
            pass
        res.seconds = time.perf_counter() - t0
        return res

    # -- the whole run -----------------------------------------------------------------
    def run(self, progress: Optional[Callable[[str], None]] = None) -> "ValidationReport":
        t0 = time.perf_counter()
        cases: list[CaseResult] = []
        shrunk: Optional[CaseResult] = None
        drawn = {"n": 0, "undecided": 0}
        try:
            self.runner.start()
            gallery = adversarial_cases(self.op, self.op_params, self.dtype, self.scale_range, self.contract) if self.gallery else []
            for label, inputs in gallery:
                cr = self.evaluate(inputs, label)
                cases.append(cr)
                if progress:
                    progress(f"{label}: {cr.state}")
            if self.examples > 0:
                shrunk = self._search(drawn)
        finally:
            if self._owns_runner:
                self.runner.close()
        return ValidationReport(self, cases, shrunk, drawn, time.perf_counter() - t0)

    def _search(self, drawn: dict) -> Optional[CaseResult]:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hyp_seed

        strategy = input_strategy(self.op, self.op_params, self.dtype, self.max_dim, self.scale_range)
        state: dict = {"best": None, "calls_after": 0}

        class _Fail(Exception):
            pass

        @settings(max_examples=self.examples, database=None, deadline=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                  phases=[Phase.generate, Phase.shrink], print_blob=False)
        @hyp_seed(self.seed)
        @given(strategy)
        def search(inputs):
            best = state["best"]
            if best is not None:
                # Shrinking: a hang costs a timeout per call, so stop after a budget (or
                # after any timeout) and keep the smallest failure found so far.
                state["calls_after"] += 1
                if best.reason.startswith("no result within") or state["calls_after"] > SHRINK_CALL_BUDGET:
                    if best.inputs == {k: v.to_json() for k, v in inputs.items()}:
                        raise _Fail()
                    return
            cr = self.evaluate(inputs, "drawn")
            if cr.state == "fail":
                state["best"] = cr
                raise _Fail()
            if cr.state != "skipped":
                drawn["n"] += 1
            if cr.state == "undecided":
                drawn["undecided"] += 1

        try:
            search()
        except _Fail:
            pass
        except Exception as exc:  # noqa: BLE001 - e.g. Hypothesis flakiness from a nondeterministic kernel
            if state["best"] is None:
                raise
            state["best"].reason += f" (shrinking stopped: {type(exc).__name__})"
        if state["best"] is not None:
            state["best"].label = "drawn (shrunk)"
        return state["best"]


# ----------------------------------------------------------------------------------------
# reports
# ----------------------------------------------------------------------------------------

class ValidationReport:
    def __init__(self, v: Validator, cases: list[CaseResult], shrunk: Optional[CaseResult], drawn: dict, seconds: float):
        self.v, self.cases, self.shrunk, self.drawn, self.seconds = v, cases, shrunk, drawn, seconds

    @property
    def failures(self) -> list[CaseResult]:
        f = [c for c in self.cases if c.state == "fail"]
        return ([self.shrunk] if self.shrunk is not None else []) + f  # the minimal one first

    @property
    def undecided(self) -> list[CaseResult]:
        return [c for c in self.cases if c.state == "undecided"]

    @property
    def decided(self) -> int:
        return sum(1 for c in self.cases if c.state in ("ok", "fail")) + self.drawn["n"] - self.drawn["undecided"] + (1 if self.shrunk else 0)

    @property
    def verdict(self) -> str:
        if self.failures:
            return "fail"
        if self.decided == 0:
            return "undecided"
        return "pass"

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def to_json(self) -> dict:
        from matspec import __version__

        v = self.v
        ratios = [c.ratio for c in self.cases if c.ratio is not None]
        band_ranges = [c.detail.get("diag_range") for c in self.cases if c.detail.get("diag_range")]
        return {
            "schema_version": SCHEMA_VERSION,
            "matspec_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "op": v.op,
            "op_params": {k: _json_param(x) for k, x in v.op_params.items()},
            "kernel": kernel_name(v.kernel),
            "kernel_params": {k: _json_param(x) for k, x in v.kernel_params.items()},
            "framework": v.framework,
            "dtype": v.dtype,
            "out_dtype": v.out_dtype,
            "device": v.device,
            "contract": v.contract.spec(),
            "contract_text": v.contract.describe(v.op),
            "unit_roundoff": v.judge_.u,
            "seed": v.seed,
            "examples_requested": v.examples,
            "timeout_s": v.timeout,
            "max_dim": v.max_dim,
            "scale_range_log10": list(v.scale_range) if v.scale_range else None,
            "scale_note": ("scales narrowed by the user to 1e%d..1e%d" % tuple(v.scale_range)) if v.scale_range else
                          ("drawn 1e%d..1e%d around the clip interval, gallery at the dtype's edges" if v.op == "mclip" else
                           "full scale range: drawn 1e%d..1e%d, gallery at the dtype's edges")
                          % drawn_scale_range(v.op, v.op_params, v.dtype, None),
            "isolation": "subprocess (spawn)" if v.runner.isolated else "in-process thread",
            "isolation_note": v.runner.note,
            "gallery_evaluated": v.gallery,
            "verdict": self.verdict,
            "seconds": round(self.seconds, 2),
            "summary": {
                "gallery_cases": len(self.cases),
                "gallery_failed": sum(1 for c in self.cases if c.state == "fail"),
                "gallery_undecided": len(self.undecided),
                "drawn_examples": self.drawn["n"],
                "drawn_undecided": self.drawn["undecided"],
                "drawn_failure": self.shrunk is not None,
                "baseline_ratio_max": max(ratios) if ratios else None,
                "band_diag_range_gallery": [min(r[0] for r in band_ranges), max(r[1] for r in band_ranges)] if band_ranges else None,
                "band_diag_range_all": v.band_seen,
            },
            "failures": [c.to_json() for c in self.failures],
            "gallery": [c.to_json() for c in self.cases],
            "environment": {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine()},
        }

    def summary_lines(self) -> list[str]:
        v = self.v
        out = [f"matspec validate {v.op} {kernel_name(v.kernel)} [{v.framework} {v.dtype} on {v.device}] "
               f"contract {v.contract.spec()}: {self.verdict.upper()} "
               f"({len(self.cases)} gallery + {self.drawn['n']} drawn inputs, {self.seconds:.1f} s)"]
        for c in self.failures:
            m = "" if c.measured is None or c.allowed is None else f": error {c.measured:.3g} > allowed {c.allowed:.3g}"
            out.append(f"  FAIL [{c.label}] {c.inputs_repr}: {c.reason}{m}")
            out.append(f"       replay: {c.replay}")
        for c in self.undecided:
            out.append(f"  undecided [{c.label}]: {c.reason}")
        if self.drawn["undecided"]:
            out.append(f"  undecided drawn examples: {self.drawn['undecided']}")
        if self.v.runner.note:
            out.append(f"  note: {self.v.runner.note}")
        return out

    def markdown(self) -> str:
        d = self.to_json()
        L = [f"# matspec validate: `{d['op']}` — {d['verdict'].upper()}", "",
             f"* kernel: `{d['kernel']}` ({d['framework']}, {d['dtype']} → {d['out_dtype']}, device {d['device']})",
             f"* op parameters: `{json.dumps(d['op_params'])}`; kernel parameters: `{json.dumps(d['kernel_params'])}`",
             f"* contract checked: **{d['contract']}** — {d['contract_text']}",
             f"* unit roundoff u = {d['unit_roundoff']:.3g}; seed {d['seed']}; timeout {d['timeout_s']:g} s; "
             f"{d['isolation']}; {d['scale_note']}",
             f"* inputs: {d['summary']['gallery_cases']} adversarial gallery cases + {d['summary']['drawn_examples']} drawn "
             f"(max dimension {d['max_dim']}); {d['seconds']} s", ""]
        if d["summary"]["band_diag_range_all"]:
            lo, hi = d["summary"]["band_diag_range_all"]
            L += [f"Output singular values on the input's (determined) singular vectors, over every input evaluated: "
                  f"[{lo:.4g}, {hi:.4g}].", ""]
        if self.failures:
            L += ["## Failures", ""]
            for c in self.failures:
                L += [f"### {c.label}: `{c.inputs_repr}`", "", f"* reason: {c.reason}"]
                if c.measured is not None:
                    L.append(f"* measured error {c.measured:.4g}, allowed {c.allowed if c.allowed is None else format(c.allowed, '.4g')}")
                if c.detail:
                    L.append(f"* detail: `{json.dumps(c.detail)}`")
                if c.entries:
                    L.append(f"* input entries (as received): `{json.dumps(c.entries)}`")
                L += [f"* replay: `{c.replay}`", ""]
        L += ["## Adversarial gallery", "", "| case | input | state | error | allowed | baseline ratio | note |",
              "|---|---|---|---|---|---|---|"]
        for c in self.cases:
            fmt = (lambda x: "—" if x is None else f"{x:.3g}")
            L.append(f"| {c.label} | `{c.inputs_repr}` | {c.state} | {fmt(c.measured)} | {fmt(c.allowed)} | {fmt(c.ratio)} | {c.reason} |")
        L += ["", "The baseline ratio (kernel error ÷ error of matspec's plain NumPy reference at the same dtype) is a "
              "diagnostic; the verdict uses the derived bound only.", ""]
        return "\n".join(L)

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        jp, mp_ = out_dir / "validate.json", out_dir / "validate.md"
        jp.write_text(json.dumps(self.to_json(), indent=2, default=_json_default) + "\n")
        mp_.write_text(self.markdown())
        return jp, mp_


def _json_param(x):
    """Parameters in strict JSON (p = ∞ as the string 'inf', tuples as lists)."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, tuple):
        return [_json_param(t) for t in x]
    return x


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, tuple):
        return list(x)
    return str(x)


# ----------------------------------------------------------------------------------------
# API and CLI
# ----------------------------------------------------------------------------------------

def validate(op: str, kernel, **kw) -> ValidationReport:
    """Validate `kernel` (a callable or 'pkg.mod:fn' / 'file.py:fn') for `op`; see
    :class:`Validator` for the keywords.  Returns the report (``.passed``, ``.failures``)."""
    return Validator(op, kernel, **kw).run()


def parse_param(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise UsageError(f"--param needs NAME=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    k = k.strip()
    if not k.isidentifier():
        raise UsageError(f"--param name {k!r} is not an identifier")
    v = v.strip()
    try:
        return k, ast.literal_eval(v)
    except (ValueError, SyntaxError):
        return k, v  # a bare word, e.g. kind=fro


def _scale_range(text: str) -> tuple[int, int]:
    try:
        lo, hi = (int(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI (log10 exponents), got {text!r}") from None
    if lo > hi:
        raise argparse.ArgumentTypeError(f"need LO <= HI, got {lo},{hi}")
    return lo, hi


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return v


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def add_parser(sub) -> None:
    from matspec.argtypes import positive_int as _positive_int
    from matspec.argtypes import seed as _seed

    v = sub.add_parser("validate", help="validate a third-party kernel against the oracle (exit 0 pass, 1 fail, 2 usage)")
    v.add_argument("--op", required=True, choices=OPS)
    v.add_argument("--kernel", required=True, help="pkg.module:function or path/to/file.py:function")
    v.add_argument("--framework", choices=FRAMEWORKS, default="numpy")
    v.add_argument("--dtype", choices=DTYPES, default="float64")
    v.add_argument("--out-dtype", choices=DTYPES, default=None, help="declare an output dtype other than the input's")
    v.add_argument("--device", default="cpu")
    v.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="op parameter (norm: kind, p, k; lowrank: k; mclip: lo, hi; newton_schulz: schedule, steps) "
                        "or extra kernel keyword; Python literals")
    v.add_argument("--contract", default="exact", help="exact | band:LO,HI[,floor=F][,products=P] (msign, newton_schulz)")
    v.add_argument("--examples", type=_nonneg_int, default=30, help="drawn inputs (besides the adversarial gallery)")
    v.add_argument("--seed", type=_seed, default=0)
    v.add_argument("--timeout", type=_positive_float, default=10.0, help="seconds per kernel call")
    v.add_argument("--max-dim", type=_positive_int, default=DEFAULT_MAX_DIM)
    v.add_argument("--scale-range", type=_scale_range, default=None, metavar="LO,HI",
                   help="narrow input scales to 1eLO..1eHI (msign is scale invariant: only narrow on purpose)")
    v.add_argument("--report", default=None, help="report folder (default ./matspec-out/validate-OP/)")
    v.add_argument("--replay", default=None, metavar="JSON", help="evaluate one input (as printed in a report) only")
    v.set_defaults(fn=cmd_validate)


def cmd_validate(args) -> int:
    from matspec.inputs import InputError, spec_from_json

    try:
        params = dict(parse_param(p) for p in args.param)
        v = Validator(args.op, args.kernel, dtype=args.dtype, framework=args.framework, device=args.device,
                      params=params, contract=args.contract, out_dtype=args.out_dtype, examples=args.examples,
                      seed=args.seed, timeout=args.timeout, max_dim=args.max_dim, scale_range=args.scale_range)
        if args.replay is not None:
            try:
                raw = json.loads(args.replay)
                inputs = {k: spec_from_json(x) for k, x in raw.items()}
            except (json.JSONDecodeError, InputError, TypeError, AttributeError) as exc:
                raise UsageError(f"bad --replay: {exc}") from None
            want = set(ARGS.get(args.op, ("A",)))
            if set(inputs) != want:
                raise UsageError(f"--replay for {args.op} needs inputs {sorted(want)}, got {sorted(inputs)}")
            try:
                v.runner.start()
                cr = v.evaluate(inputs, "replay")
            finally:
                v.runner.close()
            print(f"{args.op} {kernel_name(v.kernel)} [{v.dtype}] contract {v.contract.spec()} on {cr.inputs_repr}: {cr.state}")
            if cr.measured is not None:
                print(f"  error {cr.measured:.4g}, allowed {cr.allowed if cr.allowed is None else format(cr.allowed, '.4g')}")
            if cr.reason:
                print(f"  {cr.reason}")
            if cr.detail:
                print(f"  {json.dumps(cr.detail)}")
            return {"ok": 0, "fail": 1}.get(cr.state, 1)
        report = v.run(progress=None)
    except UsageError as exc:
        print(f"matspec validate: {exc}", file=sys.stderr)
        return 2
    out = Path(args.report) if args.report else Path("matspec-out") / f"validate-{args.op}"
    jp, mp_ = report.write(out)
    for line in report.summary_lines():
        print(line)
    print(f"wrote {jp} and {mp_}")
    return 0 if report.passed else 1
