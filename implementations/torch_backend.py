"""torch backends (CPU float64/float32/bfloat16/float16; CUDA float32, float32 with TF32 matmuls,
bfloat16, float16): ``torch`` / ``torch.linalg`` as the implementation under test.

Same op semantics and the same error-radius derivations as
:mod:`matspec.implementations.numpy_backend` (read that module for each bound's
derivation), adapted per dtype through three unit roundoffs:

* ``u``     — the storage format: every tensor result is rounded to it;
* ``acc_u`` — the format reductions (sums, norms, dot products, matmul) *accumulate* in.
  float64/float32: the format itself (a bound in u is valid whatever torch accumulates in,
  since it accumulates in at least that precision).  bfloat16 on CPU: float32 — measured
  (tests/test_torch_backend.py::test_cpu_bfloat16_accumulates_in_float32 pins it: a sum of
  1 and 256 terms 2⁻⁹ gives 1.5, where bfloat16 accumulation gives 1) and it is ATen's
  ``opmath``/``acc_type`` for BFloat16; the result is then rounded once to bfloat16.
  bfloat16 on CUDA: bfloat16 itself (the conservative γ_k with u = 2⁻⁸), because
  ``torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction`` is on by default
  (cuBLAS may round split-K partial sums to bfloat16) and no GPU was at hand to measure
  the reductions;
* ``mm_u``  — matmul inputs: TF32 rounds both factors to a 10-bit mantissa (u = 2⁻¹¹)
  before the exact products are accumulated in float32, so a TF32 GEMM is bounded by
  γ_{k+2}(2⁻¹¹) (two input roundings plus k accumulations at u₃₂ < 2⁻¹¹).

An op torch cannot perform in a dtype (bfloat16 SVD, eigh, LU … on CPU) raises
:class:`~matspec.implementations.base.Unsupported`: decided by what torch itself reports
at run time (its "not implemented for 'BFloat16'" errors), never by a silent upcast.
"""
from __future__ import annotations

import contextlib
import itertools
import math
import re
import warnings

import numpy as np
import torch

from matspec.implementations.base import (
    INDUCED_PQ,
    CVal,
    MAX_ENUM_DIM,
    Domain,
    Mat,
    OpSet,
    OutOfDomain,
    Unsupported,
    check_norm_args,
)
from matspec.implementations.radii import (
    lowrank_forward,
    mclip_radius,
    polar_forward,
    svd_distance,
    svd_recon_err,
    svt_radius,
)
from matspec.inputs import InputError, Spec
from matspec.tolerance import (
    abs_sum_rel,
    fro_rel,
    gamma,
    norm_lipschitz_in_fro,
    svd_backward_factor,
    unit_roundoff,
)
from matspec.values import Val

INF = math.inf
U64 = 2.0 ** -53
U32 = 2.0 ** -24
UTF32 = 2.0 ** -11  # TF32: 10 explicit mantissa bits

_DTYPES = {"float64": torch.float64, "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
_LOW = ("bfloat16", "float16")  # 16-bit formats: accumulate wider on CPU (float32 opmath), conservatively not on CUDA

# torch's own words for "this op has no kernel for this dtype": only these become
# Unsupported; any other exception stays an error (a kernel that raises fails, never passes).
_DTYPE_UNSUPPORTED = re.compile(
    r"not implemented for '(BFloat16|Half)'|Low precision dtypes not supported"
    r"|doesn't handle types other than float and double|only supports floating-point dtypes float and double"
    r"|expected a tensor with 2 or more dimensions of float, double"
)


def _compose(a: float, b: float) -> float:
    """(1 + a)(1 + b) − 1 for two relative errors, written without the cancellation that
    loses a, b < u₆₄ when evaluated as a product (1 + 2⁻⁵³ rounds to 1)."""
    return a + b + a * b


def _np64(X: torch.Tensor) -> np.ndarray:
    """A float64 NumPy copy, for error bounds only (exact: every format here embeds in float64)."""
    return X.detach().to("cpu", torch.float64).numpy()


def _fro64(X: torch.Tensor) -> float:
    return float(np.linalg.norm(_np64(X)))


def check_tensor(X, name: str = "A") -> torch.Tensor:
    """Validate a user-supplied tensor: 2-D, non-empty, real floating, finite."""
    if not isinstance(X, torch.Tensor):
        raise InputError(f"{name} must be a torch.Tensor or numpy.ndarray, got {type(X).__name__}")
    if X.ndim != 2:
        raise InputError(f"{name} must be 2-D (a matrix), got {X.ndim}-D with shape {tuple(X.shape)}")
    if X.numel() == 0:
        raise InputError(f"{name} is empty (shape {tuple(X.shape)})")
    if X.dtype not in _DTYPES.values():
        raise InputError(f"{name} must be float64, float32, bfloat16 or float16, got {X.dtype}")
    if not bool(torch.isfinite(X).all()):
        raise InputError(f"{name} contains NaN or Inf")
    return X


class TorchOps(OpSet):
    level = "implementation"

    def __init__(self, dtype: str = "float64", device: str = "cpu", tf32: bool = False):
        if dtype not in _DTYPES:
            raise ValueError(f"torch backend supports {', '.join(_DTYPES)}, not {dtype!r}")
        if device not in ("cpu", "cuda"):
            raise ValueError(f"torch backend device must be 'cpu' or 'cuda', got {device!r}")
        if tf32 and not (device == "cuda" and dtype == "float32"):
            raise ValueError("TF32 matmuls exist only for float32 on CUDA")
        if device == "cuda" and not torch.cuda.is_available():
            raise ValueError("CUDA is not available to torch on this machine")
        self.dtype = dtype
        self.device = torch.device(device)
        self.tdtype = _DTYPES[dtype]
        self.tf32 = tf32
        self.id = f"torch-{device}-{'tf32' if tf32 else dtype}"
        self.u = unit_roundoff(dtype)
        if dtype in _LOW:
            # CPU: ATen's opmath for BFloat16 and Half is float (tests pin it for both formats)
            self.acc_u = U32 if device == "cpu" else self.u
        else:
            self.acc_u = self.u
        self.mm_u = UTF32 if tf32 else self.acc_u

    # -- rounding models -----------------------------------------------------------
    def _fin(self, rel: float) -> float:
        """Relative error rel accrued at acc_u, then one rounding of the result to the
        storage format (only when accumulation is wider than storage)."""
        if self.acc_u == self.u:
            return rel
        return _compose(rel, self.u)

    def _mm_rel(self, k: int) -> float:
        """‖fl(AB) − AB‖ ≤ rel·‖A‖_F‖B‖_F for inner dimension k (Higham §3.5: γ_k for k
        products and k − 1 additions), adapted: TF32 rounds the two factors first
        (γ_{k+2} at 2⁻¹¹, which dominates float32's accumulation); bfloat16 on CPU
        accumulates exact products in float32 then rounds once (|c̃ − c| ≤ γ_k(u₃₂)|A||B|,
        |ĉ − c̃| ≤ u|c̃|)."""
        if self.tf32:
            return gamma(k + 2, UTF32)
        if self.dtype in _LOW and self.device.type == "cuda":
            # reduced-precision split-K: at most k roundings in float32 and k + 1 in
            # bfloat16 on any path; u₃₂ < u so γ_{2k+1}(u) covers both
            return gamma(2 * k + 1, self.u)
        return self._fin(gamma(k, self.mm_u))

    @contextlib.contextmanager
    def _ctx(self, op: str):
        """Set TF32 as this backend declares it (never inherit global state), and turn
        torch's "no kernel for this dtype" into Unsupported."""
        prev = torch.backends.cuda.matmul.allow_tf32 if self.device.type == "cuda" else None
        if prev is not None:
            torch.backends.cuda.matmul.allow_tf32 = self.tf32
        try:
            yield
        except (RuntimeError, NotImplementedError, TypeError) as exc:
            if _DTYPE_UNSUPPORTED.search(str(exc)):
                raise Unsupported(op, self.id, str(exc).splitlines()[0]) from exc
            raise
        finally:
            if prev is not None:
                torch.backends.cuda.matmul.allow_tf32 = prev

    def domain(self, profile: str) -> Domain:
        # As NumPy's (see numpy_backend.domain): squares of entries must stay normal.
        # bfloat16 has float32's exponent range, and its reductions accumulate in float32
        # (CPU) — the float32 window 1e±15 applies.
        # float16's exponent is narrow (normal 6.1e-5 … 65504): squares of entries stay normal for
        # |a| in [8e-3, 255] — the window 1e±2.  Sums of squares (‖A‖_F², ⟨A,A⟩, AᵀA) can still
        # leave the range (‖A‖_F > 255, e.g. n ≥ 7 at scale 1e2): a correct result is then inf and
        # _beyond_range makes the example undecided, not a violation.
        heavy = profile == "large"  # larger matrices only in the "large" profile
        if self.dtype == "float64":
            return Domain(max_dim=32 if heavy else 16, log10_scale=(-150, 150))
        if self.dtype == "float16":
            return Domain(max_dim=32 if heavy else 16, log10_scale=(-2, 2))
        return Domain(max_dim=32 if heavy else 16, log10_scale=(-15, 15))

    # -- materialisation ----------------------------------------------------------
    def _from64(self, X64: np.ndarray, err: float) -> Mat:
        """Round float64 entries to the dtype on the device; the rounding error is measured:
        x − fl(x) is exact in float64 (the low bits of x), its Frobenius norm costs γ_{N+2}
        relative in float64 (≤ u‖X‖_F in any case)."""
        T64 = torch.from_numpy(np.ascontiguousarray(X64, dtype=np.float64)).to(self.device)
        T = T64.to(self.tdtype)
        if not bool(torch.isfinite(T).all()):
            raise InputError(f"matrix does not fit in {self.dtype}: scale out of range")
        if self.tdtype != torch.float64:
            d = float(np.linalg.norm(X64 - _np64(T)))
            err = err + d * (1 + fro_rel(X64.size, U64))
        return Mat(T, err, tuple(T.shape))

    def mat(self, spec) -> Mat:
        if isinstance(spec, Spec):
            if self.dtype == "bfloat16":
                # NumPy has no bfloat16: build in float64 (with its construction bound)
                # and round once here, adding the measured rounding error.
                X, err = spec.to_numpy(np.float64)
                return self._from64(X, err)
            X, err = spec.to_numpy(np.dtype(self.dtype))
            T = torch.from_numpy(np.ascontiguousarray(X)).to(self.device)
            return Mat(T, err, tuple(T.shape))
        if isinstance(spec, np.ndarray):
            if spec.dtype not in (np.float64, np.float32):
                raise InputError(f"A must be float64 or float32, got {spec.dtype}")
            spec = torch.from_numpy(np.ascontiguousarray(spec))
        if isinstance(spec, torch.Tensor):
            X = check_tensor(spec)
            if X.dtype == self.tdtype:
                T = X.to(self.device)
                return Mat(T, 0.0, tuple(T.shape))
            return self._from64(_np64(X), 0.0)
        raise InputError(f"cannot materialise {type(spec).__name__} as a matrix")

    def identity(self, n: int) -> Mat:
        return Mat(torch.eye(n, dtype=self.tdtype, device=self.device), 0.0, (n, n))

    def _scalar(self, c: float) -> tuple[torch.Tensor, float]:
        """c rounded to the dtype (a 0-d tensor, so torch does not keep it in a wider
        opmath type), and |fl(c) − c|."""
        ct = torch.tensor(float(c), dtype=self.tdtype, device=self.device)
        return ct, abs(float(ct) - float(c))

    # -- matrix ops ----------------------------------------------------------------
    def matmul(self, A: Mat, B: Mat) -> Mat:
        if A.n != B.m:
            raise InputError(f"matmul shape mismatch {A.shape} @ {B.shape}")
        with self._ctx("matmul"):
            C = A.data @ B.data
        fa, fb = _fro64(A.data), _fro64(B.data)
        # ‖fl(ÂB̂) − AB‖ ≤ ‖fl(ÂB̂) − ÂB̂‖ + ‖Â‖‖B̂ − B‖ + ‖Â − A‖‖B‖
        err = self._mm_rel(A.n) * fa * fb + fa * B.err + A.err * (fb + B.err)
        bad = ~torch.isfinite(C)
        if bool(bad.any()):
            a64, b64 = _np64(A.data), _np64(B.data)
            # judged entry by entry: only the non-finite entries are excused, each on its own reach
            exact, terms = np.abs(a64 @ b64), np.abs(a64) @ np.abs(b64)
            mask = bad.cpu().numpy()
            if all(self._beyond_range(float(x), float(t), err) for x, t in zip(exact[mask], terms[mask])):
                return Mat(torch.zeros_like(C), INF, tuple(C.shape))
        return Mat(C, err, tuple(C.shape))

    def _beyond_range(self, exact_abs: float, abs_terms: float, rad: float) -> bool:
        """A correct result may be ±inf in this format (float16: beyond 65504): then the example
        says nothing about the implementation, and the caller returns an unbounded radius
        (undecided), as _no_answer does for a possibly singular matrix.  Where reductions
        accumulate in a wider format (acc_u < u: CPU float16/bfloat16 sums in float32, whose range
        they cannot leave) only the final rounding can overflow, so the value itself, within the
        op's bound, must reach the format's max: |exact| + rad.  Where they accumulate in the
        format itself, any partial sum can: Σ|terms| + rad.  An inf short of that is a violation."""
        reach = (exact_abs if self.acc_u < self.u else abs_terms) + rad
        return math.isfinite(reach) and reach >= float(torch.finfo(self.tdtype).max)

    def add(self, A: Mat, B: Mat) -> Mat:
        if A.shape != B.shape:
            raise InputError(f"add shape mismatch {A.shape} + {B.shape}")
        with self._ctx("add"):
            C = A.data + B.data
        # one rounding per entry to the storage format: ≤ u|ĉ_ij| (Higham (2.5))
        return Mat(C, A.err + B.err + self.u * _fro64(C), tuple(C.shape))

    def scale(self, c: float, A: Mat) -> Mat:
        ct, c_err = self._scalar(c)
        with self._ctx("scale"):
            C = ct * A.data
        err = abs(c) * A.err + self.u * _fro64(C)
        if c_err:  # (avoids 0·∞ = NaN when A.err is unbounded)
            err += c_err * (_fro64(A.data) + A.err)
        return Mat(C, err, tuple(C.shape))

    def transpose(self, A: Mat) -> Mat:
        return Mat(A.data.T.contiguous(), A.err, (A.n, A.m))

    def _svd(self, A: Mat, op: str):
        with self._ctx(op):
            U, s, Vt = torch.linalg.svd(A.data, full_matrices=False)
        return U, s, Vt, svd_distance(A.err, A.m, A.n, self.u, _fro64(A.data))

    def _recon_err(self, k: int, s_top: float, m: int, n: int) -> float:
        """radii.svd_recon_err with torch's product model: the column scaling U·diag(s) rounds
        once, then a product of length k (the matmul bound, TF32 and bfloat16 included)."""
        return svd_recon_err(_compose(self.u, self._mm_rel(k)), k, s_top, m, n, self.u)

    def lowrank(self, A: Mat, k: int) -> Mat:
        r = min(A.shape)
        if isinstance(k, bool) or not (isinstance(k, int) and k >= 0):
            raise InputError(f"rank k must be a non-negative integer, got {k!r}")
        U, s, Vt, E = self._svd(A, "lowrank")
        if k >= r:
            return Mat(A.data.clone(), A.err, A.shape)
        if k == 0:
            return Mat(torch.zeros_like(A.data), 0.0, A.shape)
        with self._ctx("lowrank"):
            Ak = (U[:, :k] * s[:k]) @ Vt[:k]
        s64 = _np64(s[None, :])[0]
        fwd = lowrank_forward(s64[0], s64[k - 1], s64[k], E)  # Wedin; no gap: infinite (undecided)
        return Mat(Ak, fwd + self._recon_err(k, float(s64[0]), A.m, A.n), A.shape)

    def svt(self, A: Mat, lam: float) -> Mat:
        if not (lam >= 0):
            raise InputError(f"threshold lambda must be >= 0, got {lam!r}")
        U, s, Vt, E = self._svd(A, "svt")
        lt, _ = self._scalar(lam)
        with self._ctx("svt"):
            t = torch.clamp(s - lt, min=0)
            X = (U * t) @ Vt
        s0 = float(s[0]) if len(s) else 0.0
        t0 = float(t[0]) if len(t) else 0.0
        # radii.svt_radius with 2u per σ: the subtraction's rounding plus λ's own rounding to the
        # dtype (<= u·λ <= u·σ₁ where it matters; λ is a 0-d tensor in the dtype here)
        err = svt_radius(E, 2 * self.u, len(s), s0, self._recon_err(len(s), t0, A.m, A.n))
        return Mat(X, err, A.shape)

    def polar(self, A: Mat) -> Mat:
        U, s, Vt, E = self._svd(A, "polar")
        with self._ctx("polar"):
            Q = U @ Vt
        fwd = polar_forward(E, float(s[-1]))  # Li & Sun; rank deficient: infinite
        return Mat(Q, fwd + self._recon_err(len(s), 1.0, A.m, A.n), A.shape)

    def mclip(self, A: Mat, lo: float, hi: float) -> Mat:
        from matspec.implementations.base import check_clip_interval, mclip_lipschitz_factor

        check_clip_interval(lo, hi)
        U, s, Vt, E = self._svd(A, "mclip")
        lot, _ = self._scalar(lo)
        hit, _ = self._scalar(hi)
        with self._ctx("mclip"):
            t = torch.minimum(torch.maximum(s, lot), hit)
            X = (U * t) @ Vt
        L = mclip_lipschitz_factor(lo, float(s[-1]) - E)
        top = float(t.abs().max()) if len(t) else 0.0
        err = mclip_radius(L, E, self.u, len(s), lo, hi, self._recon_err(len(s), top, A.m, A.n))
        return Mat(X, err, A.shape)

    def newton_schulz(self, A: Mat, schedule, steps=None, normalise=True) -> Mat:
        from matspec.implementations import newton_schulz as ns

        with self._ctx("newton_schulz"):
            X, norms = ns.iterate(A.data, schedule, steps=steps, return_norms=True, normalise=normalise)
        if not bool(torch.isfinite(X).all()):
            return Mat(X, INF, A.shape)
        # ns.forward_error_bound counts K = 2p + 2q + 8 roundings per entry of one step, each
        # at most the unit roundoff it is given.  float64/float32: u.  bfloat16: u = 2⁻⁸ covers
        # the float32 accumulations too (u₃₂ < u).  TF32 adds the input rounding of the three
        # GEMMs' factors (≤ 6 more roundings at 2⁻¹¹); K ≥ 12, so K + 6 roundings at 2⁻¹¹ are
        # within K roundings at 1.5·2⁻¹¹.
        u = 1.5 * UTF32 if self.tf32 else self.u
        e = ns.forward_error_bound(schedule, A.m, A.n, u, norms, _fro64(A.data), float(A.err),
                                   steps=steps, normalise=normalise)
        if not e < _fro64(X) + 1.0:  # as large as the output: no information (undecided)
            e = INF
        return Mat(X, e, A.shape)

    # -- scalar ops ------------------------------------------------------------------
    def _svdvals64(self, A: Mat, op: str) -> np.ndarray:
        with self._ctx(op):
            s = torch.linalg.svdvals(A.data)
        return _np64(s[None, :])[0]

    def svdvals(self, A: Mat) -> list[Val]:
        s = self._svdvals64(A, "svdvals")
        E = A.err + svd_backward_factor(A.m, A.n, self.u) * _fro64(A.data)
        return [Val(float(x), E) for x in s]

    def eigvalsh(self, A: Mat) -> list[Val]:
        if A.m != A.n:
            raise InputError(f"eigvalsh needs a square matrix, got {A.shape}")
        with self._ctx("eigvalsh"):
            w = torch.linalg.eigvalsh(A.data)  # reads the lower triangle
        w64 = _np64(w[None, :])[0][::-1]
        # one triangle read: within √2‖Â − A‖_F of the symmetric A; plus backward error
        E = math.sqrt(2) * A.err + svd_backward_factor(A.n, A.n, self.u) * _fro64(A.data)
        return [Val(float(x), E) for x in w64]

    def norm(self, A: Mat, kind: str, p=None, k=None) -> Val:
        check_norm_args(kind, p, k, A.shape)
        X, m, n = A.data, A.m, A.n
        prop = norm_lipschitz_in_fro(kind, m, n, p, k) * A.err  # input error, propagated
        op = f"norm({kind})"
        with self._ctx(op):
            if kind == "fro":
                v = float(torch.linalg.matrix_norm(X, "fro"))
                return Val(v, self._fin(fro_rel(m * n, self.acc_u)) * v + prop)
            if kind == "1":
                v = float(torch.linalg.matrix_norm(X, 1))
                return Val(v, self._fin(abs_sum_rel(m, self.acc_u)) * v + prop)
            if kind == "inf":
                v = float(torch.linalg.matrix_norm(X, math.inf))
                return Val(v, self._fin(abs_sum_rel(n, self.acc_u)) * v + prop)
            if kind == "max":
                v = float(X.abs().max())  # exact: |x| and max do not round
                return Val(v, prop)
            r = min(m, n)
            if kind == "2":
                v = float(torch.linalg.matrix_norm(X, 2))
                E_svd = svd_backward_factor(m, n, self.u) * _fro64(X)
                return Val(v, E_svd + prop)
            if kind == "nuc":
                v = float(torch.linalg.matrix_norm(X, "nuc"))
                E_svd = svd_backward_factor(m, n, self.u) * _fro64(X)
                # Mirsky plus the sum of r values (γ_{r−1} at acc_u, rounded to the dtype)
                return Val(v, math.sqrt(r) * E_svd + self._fin(abs_sum_rel(r, self.acc_u)) * v + prop)
        s = self._svdvals64(A, op)  # σ in the working dtype; p-sums below in float64
        E_svd = svd_backward_factor(m, n, self.u) * _fro64(X)
        if kind == "schatten":
            if p == math.inf or s[0] == 0:
                v = float(s[0])
            else:
                v = float(s[0] * np.sum((s / s[0]) ** p) ** (1.0 / p))
            lip = r ** max(1.0 / p - 0.5, 0.0) if p != math.inf else 1.0
            return Val(v, lip * E_svd + gamma(r + 4, U64) * v + prop)
        if kind == "kyfan":
            v = float(np.sum(s[:k]))
            return Val(v, math.sqrt(k) * E_svd + gamma(k, U64) * v + prop)
        raise AssertionError(kind)  # pragma: no cover

    def trace(self, A: Mat) -> Val:
        with self._ctx("trace"):
            v = float(torch.trace(A.data))
        d = np.diag(_np64(A.data))
        absd = float(np.sum(np.abs(d)))  # bounds every partial sum
        rad = self._fin(gamma(len(d), self.acc_u)) * absd + math.sqrt(len(d)) * A.err
        if not math.isfinite(v) and self._beyond_range(abs(float(np.sum(d))), absd, rad):
            return Val(float(np.sum(d)), INF)  # overflow of the format, not of the implementation
        return Val(v, rad)

    def inner(self, A: Mat, B: Mat) -> Val:
        if A.shape != B.shape:
            raise InputError(f"inner product shape mismatch {A.shape} vs {B.shape}")
        with self._ctx("inner"):
            v = float(torch.sum(A.data * B.data))
        a64, b64 = _np64(A.data), _np64(B.data)
        fa, fb = float(np.linalg.norm(a64)), float(np.linalg.norm(b64))
        absdot = float(np.sum(np.abs(a64 * b64)))
        # each product rounded to the dtype (u), summed at acc_u (γ_{mn−1}), rounded once
        rel = self._fin(_compose(self.u, gamma(A.m * A.n - 1, self.acc_u)))
        rad = rel * absdot + fa * B.err + A.err * (fb + B.err)
        if not math.isfinite(v):
            # the products a_i·b_i are rounded to the format one by one (|fl(ab)| ≤ |ab|(1 + u)):
            # one of them may overflow whatever the sum does
            prod_over = float(np.max(np.abs(a64 * b64))) * (1 + self.u) >= float(torch.finfo(self.tdtype).max)
            exact = float(np.sum(a64 * b64))
            if prod_over or self._beyond_range(abs(exact), absdot, rad):
                return Val(exact, INF)
        return Val(v, rad)

    def vnorm(self, x: Mat, p: float) -> Val:
        if x.n != 1:
            raise InputError(f"vnorm expects a column vector, got shape {x.shape}")
        with self._ctx(f"vnorm({p})"):
            v = float(torch.linalg.vector_norm(x.data[:, 0], ord=p))
        xv = _np64(x.data)[:, 0]
        # monotone in each |x_i| (see numpy_backend.vnorm)
        a = np.abs(xv)
        lo = float(np.linalg.norm(np.maximum(a - x.err, 0), ord=p))
        hi = float(np.linalg.norm(a + x.err, ord=p))
        sens = max(hi - v, v - lo, 0.0)
        # powers, the sum and the root at acc_u; for p < 1 the root 1/p > 1 multiplies
        # the sum's relative error by 1/p; then one rounding to the dtype
        rel = gamma(len(xv) + 4, self.acc_u) * max(1.0, 1.0 / p if p not in (0, np.inf) else 1.0)
        if p not in (1, 2, np.inf, -np.inf, 0) and v > 0:
            # the root's exponent 1/p is itself rounded to the accumulation type: relative
            # error up to acc_u·|ln ‖x‖_p| (numpy_backend.vnorm has the derivation)
            rel += self.acc_u * abs(math.log(v)) * (1 + 2 * self.acc_u)
        return Val(v, sens + self._fin(rel) * v)

    def induced(self, A: Mat, p: str, q: str) -> Val:
        if p not in INDUCED_PQ or q not in INDUCED_PQ:
            raise InputError(f"induced norm p, q must be in {INDUCED_PQ}, got {p}->{q}")
        # torch has no mixed p→q norm: as in numpy_backend.induced, matspec's formula runs
        # in float64 on the dtype's data; only 2→2 is the dtype's own solver.
        X = _np64(A.data)
        m, n = A.shape
        qn = {"1": 1, "2": 2, "inf": np.inf}
        dual = {"1": np.inf, "2": 2, "inf": 1}
        if p == "2" and q == "2":
            v = float(self._svdvals64(A, "induced(2,2)")[0])
            rounding = svd_backward_factor(m, n, self.u) * _fro64(A.data)
        else:
            if p == "1":
                v = float(np.max(np.linalg.norm(X, ord=qn[q], axis=0)))
            elif q == "inf":
                v = float(np.max(np.linalg.norm(X, ord=dual[p], axis=1)))
            else:
                if p == "2":  # q == "1": ‖A‖_{2→1} = ‖Aᵀ‖_{∞→2}
                    X, q = X.T, "2"
                    m, n = n, m
                if n > MAX_ENUM_DIM:
                    raise OutOfDomain(f"induced({p},{q})", self.id, f"sign enumeration limited to n <= {MAX_ENUM_DIM}")
                signs = np.array(list(itertools.product((1.0, -1.0), repeat=n - 1)))
                signs = np.hstack([np.ones((len(signs), 1)), signs]) if n > 1 else np.ones((1, 1))
                v = float(np.max(np.linalg.norm(signs @ X.T, ord=qn[q], axis=1)))
            rounding = gamma(m + n + 2, U64) * v
        # ‖E‖_{p→q} ≤ √(mn) ‖E‖_F for p, q ∈ {1, 2, ∞}
        return Val(v, rounding + math.sqrt(A.m * A.n) * A.err)

    def entry(self, A: Mat, i: int, j: int) -> Val:
        return Val(float(A.data[i, j]), A.err)


    # -- linear systems and general eigenvalues (torch.linalg.solve / inv / eig) ------
    # The radii are a-posteriori, evaluated in float64 on the data the backend holds and on
    # the answer it gave, so they do not depend on the dtype: numpy_backend derives them
    # (NumpyOps._solve_radius: residual / σ_min; NumpyOps.eigvals: Bauer–Fike on the
    # computed eigenpairs), and the same derivation is applied here to torch's answer.
    def _as64(self, A: Mat) -> Mat:
        return Mat(_np64(A.data), A.err, A.shape)

    def _no_answer(self, A: Mat, shape) -> Mat:
        """torch found an exactly singular pivot or overflowed: undecided if A may be
        singular to working precision, else a NaN answer (a violation), as in NumPy."""
        from matspec.implementations.numpy_backend import NumpyOps

        nan = 0.0 if not NumpyOps("float64")._sigma_min_lower(self._as64(A)) > 0 else math.nan
        return Mat(torch.full(shape, nan, dtype=self.tdtype, device=self.device), INF, shape)

    def _solved(self, A: Mat, X: torch.Tensor, B64: np.ndarray, b_err: float, shape) -> Mat:
        from matspec.implementations.numpy_backend import NumpyOps

        if not bool(torch.isfinite(X).all()):
            return self._no_answer(A, shape)
        rad = NumpyOps("float64")._solve_radius(self._as64(A), _np64(X), B64, b_err)
        return Mat(X, rad, tuple(X.shape))

    def solve(self, A: Mat, b: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"solve needs a square matrix, got {A.shape}")
        if b.m != A.n:
            raise InputError(f"solve shape mismatch: A is {A.shape}, b is {b.shape}")
        with self._ctx("solve"):
            try:
                X = torch.linalg.solve(A.data, b.data)
            except torch.linalg.LinAlgError:  # exactly singular pivot
                return self._no_answer(A, b.shape)
        return self._solved(A, X, _np64(b.data), b.err, b.shape)

    def inv(self, A: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"inv needs a square matrix, got {A.shape}")
        with self._ctx("inv"):
            try:
                X = torch.linalg.inv(A.data)
            except torch.linalg.LinAlgError:
                return self._no_answer(A, A.shape)
        # X − A⁻¹ = A⁻¹(AX − I): the solve bound with B = I (exact)
        return self._solved(A, X, np.eye(A.n), 0.0, A.shape)

    def eigvals(self, A: Mat) -> list[CVal]:
        """torch.linalg.eig, radii by the a-posteriori Bauer–Fike argument of
        NumpyOps.eigvals (repeated here on torch's eigenpairs)."""
        if A.m != A.n:
            raise InputError(f"eigvals needs a square matrix, got {A.shape}")
        with self._ctx("eigvals"), warnings.catch_warnings():
            # float16 input: torch allocates a ComplexHalf result ("experimental") before it
            # reports the op unsupported — which _ctx turns into the 'unsupported' outcome
            warnings.filterwarnings("ignore", message="ComplexHalf support is experimental")
            w, V = torch.linalg.eig(A.data)  # the implementation under test
        w64 = w.detach().to("cpu", torch.complex128).numpy()
        V64 = V.detach().to("cpu", torch.complex128).numpy()
        A64 = _np64(A.data)
        from matspec.implementations.numpy_backend import bauer_fike_cvals

        return bauer_fike_cvals(A64, w64, V64, A.err)

    # -- cond, least squares, Tikhonov, power iteration, HiPPO-LegS ---------------------------
    # Radii: the float64 derivations of numpy_backend (cond2_radius, cond_from_parts,
    # lstsq_radius64, tikhonov_radius64, power_radius64, hippo_errs) applied to torch's answer
    # with this backend's unit roundoff.  TF32 matmuls round both factors to 2⁻¹¹ first: the
    # matmul-based ops (power iteration) use 1.5·2⁻¹¹ as NumPy-style u (as newton_schulz does).
    def _u_mm(self) -> float:
        return 1.5 * UTF32 if self.tf32 else self.u

    def cond(self, A: Mat, p: str = "2") -> Val:
        from matspec.implementations.base import check_cond_kind
        from matspec.implementations.numpy_backend import NumpyOps, cond2_radius, cond_from_parts, cond_undecided

        check_cond_kind(p)
        if p != "2" and A.m != A.n:
            raise InputError(f"cond({p}) needs a square matrix, got {A.shape} (only κ₂ = σ_max/σ_min is defined for rectangular A)")
        ord_ = {"2": 2, "1": 1, "inf": math.inf, "fro": "fro"}[p]
        with self._ctx(f"cond({p})"):
            v = float(torch.linalg.cond(A.data, ord_))  # the implementation under test
        if p == "2":
            s = self._svdvals64(A, "cond(2)")  # what cond divides
            E = A.err + svd_backward_factor(A.m, A.n, self.u) * _fro64(A.data)
            r = cond2_radius(float(s[0]), float(s[-1]), E, self.u)
            return cond_undecided(v) if r is None else Val(v, r)
        with self._ctx(f"cond({p})"):
            Xd, info = torch.linalg.inv_ex(A.data)  # the inverse cond multiplies by
        ref = NumpyOps("float64")
        if int(info) != 0 or not bool(torch.isfinite(Xd).all()):
            return cond_undecided(v) if not ref._sigma_min_lower(self._as64(A)) > 0 else Val(math.nan, INF)
        eX = ref._solve_radius(self._as64(A), _np64(Xd), np.eye(A.n), 0.0)
        if not math.isfinite(eX):
            return cond_undecided(v)
        nA, nX = self.norm(A, p), self.norm(Mat(Xd, eX, tuple(Xd.shape)), p)
        return Val(v, cond_from_parts(nA, nX, self.u))

    def _ls(self, op: str, M: torch.Tensor, R: torch.Tensor) -> torch.Tensor:
        with self._ctx(op):
            try:
                return torch.linalg.lstsq(M, R).solution  # CPU: xGELSY (complete orthogonal factorisation)
            except RuntimeError as exc:
                # CUDA's only driver (gels) takes overdetermined systems only: torch says so, and
                # a wide A is then out of this backend's domain (undecided), not an error
                if "overdetermined" in str(exc):
                    raise OutOfDomain(op, self.id, str(exc).splitlines()[0]) from exc
                raise

    def lstsq(self, A: Mat, b: Mat) -> Mat:
        from matspec.implementations.numpy_backend import NumpyOps, lstsq_radius64

        if b.m != A.m:
            raise InputError(f"lstsq shape mismatch: A is {A.shape}, b is {b.shape}")
        X = self._ls("lstsq", A.data, b.data)
        shape = (A.n, b.n)
        if not bool(torch.isfinite(X).all()):
            return Mat(torch.full(shape, math.nan, dtype=self.tdtype, device=self.device), INF, shape)
        smin = NumpyOps("float64")._sigma_min_lower(self._as64(A))
        return Mat(X, lstsq_radius64(self.u, _np64(A.data), A.err, _np64(b.data), b.err, _np64(X), smin), shape)

    def tikhonov_solve(self, A: Mat, b: Mat, lam: float) -> Mat:
        from matspec.implementations.base import check_lam
        from matspec.implementations.numpy_backend import NumpyOps, tikhonov_radius64

        lam = check_lam(lam)
        if b.m != A.m:
            raise InputError(f"tikhonov_solve shape mismatch: A is {A.shape}, b is {b.shape}")
        sl, _ = self._scalar(math.sqrt(lam))
        with self._ctx("tikhonov_solve"):
            aug = torch.cat([A.data, sl * torch.eye(A.n, dtype=self.tdtype, device=self.device)])
            rhs = torch.cat([b.data, torch.zeros((A.n, b.n), dtype=self.tdtype, device=self.device)])
        X = self._ls("tikhonov_solve", aug, rhs)
        shape = (A.n, b.n)
        if not bool(torch.isfinite(X).all()):
            return Mat(torch.full(shape, math.nan, dtype=self.tdtype, device=self.device), INF, shape)
        smin_a = NumpyOps("float64")._sigma_min_lower(self._as64(A)) if A.m >= A.n else 0.0
        r = tikhonov_radius64(self.u, _np64(A.data), A.err, float(sl), lam, _np64(b.data), b.err, _np64(X), smin_a)
        return Mat(X, r, shape)

    def power_norm(self, A: Mat, iters: int, seed: int = 0) -> Val:
        from matspec.implementations import power_iteration as pi
        from matspec.implementations.base import check_power_args
        from matspec.implementations.numpy_backend import power_radius64

        check_power_args(iters, seed)
        with self._ctx("power_norm"):
            est, trace = pi.iterate(A.data, iters, seed)
        if not math.isfinite(est):
            return Val(est, INF)
        # reductions accumulate at acc_u and round once to u (bfloat16 on CPU: float32 inside);
        # TF32 rounds the factors of every product to 2⁻¹¹ as well: 1.5·2⁻¹¹ per operation
        if self.tf32:
            return Val(est, power_radius64(self._u_mm(), _np64(A.data), A.err, trace, est))
        acc = None if self.acc_u == self.u else self.acc_u
        return Val(est, power_radius64(self.u, _np64(A.data), A.err, trace, est, acc_u=acc))

    def hippo_legs(self, n: int) -> tuple[Mat, Mat]:
        from matspec.implementations.base import check_hippo_n
        from matspec.implementations.numpy_backend import hippo_errs

        check_hippo_n(n)
        q = 2 * torch.arange(n, dtype=torch.int64, device=self.device) + 1
        with self._ctx("hippo_legs"):
            # integer products exact in int64, rounded once to the dtype; sqrt in the dtype
            P = torch.sqrt((q[:, None] * q[None, :]).to(self.tdtype))
            A = torch.tril(-P, -1) - torch.diag(torch.arange(1, n + 1, device=self.device).to(self.tdtype))
            B = torch.sqrt((2 * q).to(self.tdtype))[:, None]
        ea, eb = hippo_errs(n, self.u, self.dtype)
        return Mat(A, ea, (n, n)), Mat(B, eb, (n, 1))


def torch_backends() -> list[TorchOps]:
    """The torch op sets this machine can run: CPU always, CUDA when torch sees a GPU."""
    out = [TorchOps("float64"), TorchOps("float32"), TorchOps("bfloat16"), TorchOps("float16")]
    if torch.cuda.is_available():
        out += [TorchOps("float32", "cuda"), TorchOps("float32", "cuda", tf32=True), TorchOps("bfloat16", "cuda"),
                TorchOps("float16", "cuda")]
    return out
