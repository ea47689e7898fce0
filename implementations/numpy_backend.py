"""NumPy backend (float64 and float32): numpy.linalg as the implementation under test.

Each op returns its value together with a radius derived in :mod:`matspec.tolerance`:
the op's own rounding error (u, dimensions) plus the propagation of the input's error
``A.err`` (a Frobenius-norm bound) through the op's Lipschitz constant.  Nothing here is
tuned to make a claim pass: a planted bug (see tests/planted.py) must produce violations.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from matspec.implementations.base import (
    INDUCED_PQ,
    CVal,
    MAX_ENUM_DIM,
    Domain,
    Mat,
    OpSet,
    OutOfDomain,
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
    product_fro_bound,
    svd_backward_factor,
    unit_roundoff,
)
from matspec.values import Val

INF = math.inf


def _fro64(X: np.ndarray) -> float:
    """‖X‖_F evaluated in float64 for error bounds (never overflows for float32 data)."""
    return float(np.linalg.norm(np.asarray(X, dtype=np.float64)))


def check_array(X, name: str = "A") -> np.ndarray:
    """Validate a user-supplied array: 2-D, non-empty, real floating, finite."""
    if not isinstance(X, np.ndarray):
        raise InputError(f"{name} must be a numpy.ndarray, got {type(X).__name__}")
    if X.ndim != 2:
        raise InputError(f"{name} must be 2-D (a matrix), got {X.ndim}-D with shape {X.shape}")
    if X.size == 0:
        raise InputError(f"{name} is empty (shape {X.shape})")
    if X.dtype not in (np.float64, np.float32):
        raise InputError(f"{name} must be float64 or float32, got {X.dtype}")
    if not np.all(np.isfinite(X)):
        raise InputError(f"{name} contains NaN or Inf")
    return X


class NumpyOps(OpSet):
    level = "implementation"

    def __init__(self, dtype="float64"):
        self.np_dtype = np.dtype(dtype)
        if self.np_dtype not in (np.float64, np.float32):
            raise ValueError(f"NumPy backend supports float64 and float32, not {self.np_dtype}")
        self.dtype = self.np_dtype.name
        self.id = f"numpy-{self.dtype}"
        self.u = unit_roundoff(self.np_dtype)

    def domain(self, profile: str) -> Domain:
        # Scales: the tolerance model assumes no overflow/underflow in squares of entries
        # (Frobenius norm, AᵀA).  float64: |x|² within 1e±300 keeps |x| within 1e±150.
        # float32: realmax 3.4e38, realmin 1.2e-38, so squares stay normal for |x| in
        # about 1e±17; with κ up to 1e16 shrinking σ_min we keep scales within 1e±15.
        heavy = profile == "large"  # larger matrices only in the "large" profile
        if self.np_dtype == np.float64:
            return Domain(max_dim=32 if heavy else 16, log10_scale=(-150, 150))
        return Domain(max_dim=32 if heavy else 16, log10_scale=(-15, 15))

    # -- materialisation ----------------------------------------------------------
    def mat(self, spec) -> Mat:
        if isinstance(spec, Spec):
            X, err = spec.to_numpy(self.np_dtype)
            return Mat(X, err, X.shape)
        if isinstance(spec, np.ndarray):
            X = check_array(spec)
            return Mat(X.astype(self.np_dtype), 0.0 if X.dtype == self.np_dtype else self.u * _fro64(X), X.shape)
        raise InputError(f"cannot materialise {type(spec).__name__} as a matrix")

    def identity(self, n: int) -> Mat:
        return Mat(np.eye(n, dtype=self.np_dtype), 0.0, (n, n))

    # -- matrix ops ----------------------------------------------------------------
    def matmul(self, A: Mat, B: Mat) -> Mat:
        if A.n != B.m:
            raise InputError(f"matmul shape mismatch {A.shape} @ {B.shape}")
        C = A.data @ B.data
        fa, fb = _fro64(A.data), _fro64(B.data)
        # ‖fl(ÂB̂) − AB‖ ≤ ‖fl(ÂB̂) − ÂB̂‖ + ‖Â‖‖B̂ − B‖ + ‖Â − A‖‖B‖
        err = product_fro_bound(A.n, self.u, fa, fb) + fa * B.err + A.err * (fb + B.err)
        return Mat(C, err, C.shape)

    def add(self, A: Mat, B: Mat) -> Mat:
        if A.shape != B.shape:
            raise InputError(f"add shape mismatch {A.shape} + {B.shape}")
        C = A.data + B.data
        # one rounding per entry: ≤ u|c_ij|
        return Mat(C, A.err + B.err + self.u * _fro64(C), C.shape)

    def scale(self, c: float, A: Mat) -> Mat:
        C = self.np_dtype.type(c) * A.data
        c_err = abs(float(self.np_dtype.type(c)) - float(c))  # c itself rounded to dtype
        err = abs(c) * A.err + self.u * _fro64(C)
        if c_err:  # (avoids 0·∞ = NaN when A.err is unbounded)
            err += c_err * (_fro64(A.data) + A.err)
        return Mat(C, err, C.shape)

    def transpose(self, A: Mat) -> Mat:
        return Mat(A.data.T.copy(), A.err, (A.n, A.m))

    # The SVD-based radii (E, reconstruction, Li & Sun, Wedin, prox, clip) are derived once in
    # implementations/radii.py and shared with the torch backend; only the product's rounding
    # model differs (here γ_{k+1}: products of length k and the column scaling).
    def _svd(self, A: Mat):
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        return U, s, Vt, svd_distance(A.err, A.m, A.n, self.u, _fro64(A.data))

    def _recon_err(self, k: int, s_top: float, m: int, n: int) -> float:
        return svd_recon_err(gamma(k + 1, self.u), k, s_top, m, n, self.u)

    def lowrank(self, A: Mat, k: int) -> Mat:
        r = min(A.shape)
        if not (isinstance(k, int) and k >= 0):
            raise InputError(f"rank k must be a non-negative integer, got {k!r}")
        U, s, Vt, E = self._svd(A)
        if k >= r:
            return Mat(A.data.copy(), A.err, A.shape)
        Ak = (U[:, :k] * s[:k]) @ Vt[:k]
        if k == 0:
            return Mat(np.zeros_like(A.data), 0.0, A.shape)
        fwd = lowrank_forward(s[0], s[k - 1], s[k], E)  # Wedin; no gap: infinite (undecided)
        return Mat(Ak.astype(self.np_dtype), fwd + self._recon_err(k, s[0], A.m, A.n), A.shape)

    def svt(self, A: Mat, lam: float) -> Mat:
        if not (lam >= 0):
            raise InputError(f"threshold lambda must be >= 0, got {lam!r}")
        U, s, Vt, E = self._svd(A)
        t = np.maximum(s - self.np_dtype.type(lam), 0)
        X = (U * t) @ Vt
        err = svt_radius(E, self.u, len(s), float(s[0] if len(s) else 0),
                         self._recon_err(len(s), float(t[0]) if len(t) else 0.0, A.m, A.n))
        return Mat(X.astype(self.np_dtype), err, A.shape)

    def polar(self, A: Mat) -> Mat:
        U, s, Vt, E = self._svd(A)
        Q = U @ Vt
        fwd = polar_forward(E, float(s[-1]))  # Li & Sun; rank deficient: infinite
        return Mat(Q, fwd + self._recon_err(len(s), 1.0, A.m, A.n), A.shape)

    def mclip(self, A: Mat, lo: float, hi: float) -> Mat:
        from matspec.implementations.base import check_clip_interval, mclip_lipschitz_factor

        check_clip_interval(lo, hi)
        U, s, Vt, E = self._svd(A)
        t = np.clip(s, self.np_dtype.type(lo), self.np_dtype.type(hi))
        X = (U * t) @ Vt
        L = mclip_lipschitz_factor(lo, float(s[-1]) - E)
        top = float(np.max(np.abs(t))) if len(t) else 0.0
        err = mclip_radius(L, E, self.u, len(s), lo, hi, self._recon_err(len(s), top, A.m, A.n))
        return Mat(X.astype(self.np_dtype), err, A.shape)

    def newton_schulz(self, A: Mat, schedule, steps=None, normalise=True) -> Mat:
        from matspec.implementations import newton_schulz as ns

        X, norms = ns.iterate(A.data, schedule, steps=steps, return_norms=True, normalise=normalise)
        if not np.all(np.isfinite(X)):
            return Mat(X, INF, A.shape)
        # ns.forward_error_bound derives the bound (normalisation, per-step rounding with
        # γ_{2p+2q+8}, propagation by the step's Lipschitz constant max|p'|).  A bound as large
        # as the output itself carries no information: unbounded (undecided), never a pass.
        e = ns.forward_error_bound(schedule, A.m, A.n, self.u, norms, _fro64(A.data), float(A.err),
                                   steps=steps, normalise=normalise)
        if not e < _fro64(X) + 1.0:
            e = INF
        return Mat(X, e, A.shape)

    # -- scalar ops ------------------------------------------------------------------
    def svdvals(self, A: Mat) -> list[Val]:
        s = np.linalg.svd(A.data, compute_uv=False)
        E = A.err + svd_backward_factor(A.m, A.n, self.u) * _fro64(A.data)
        return [Val(float(x), E) for x in s]

    def eigvalsh(self, A: Mat) -> list[Val]:
        if A.m != A.n:
            raise InputError(f"eigvalsh needs a square matrix, got {A.shape}")
        w = np.linalg.eigvalsh(A.data)[::-1]
        # eigvalsh reads one triangle: the symmetric matrix it sees is within √2‖Â − A‖_F
        # of the exact (symmetric) A; plus the backward error of the tridiagonal reduction.
        E = math.sqrt(2) * A.err + svd_backward_factor(A.n, A.n, self.u) * _fro64(A.data)
        return [Val(float(x), E) for x in w]

    def norm(self, A: Mat, kind: str, p=None, k=None) -> Val:
        check_norm_args(kind, p, k, A.shape)
        X, m, n = A.data, A.m, A.n
        prop = norm_lipschitz_in_fro(kind, m, n, p, k) * A.err  # input error, propagated
        if kind == "fro":
            v = float(np.linalg.norm(X, "fro"))
            return Val(v, fro_rel(m * n, self.u) * v + prop)
        if kind == "1":
            v = float(np.linalg.norm(X, 1))
            return Val(v, abs_sum_rel(m, self.u) * v + prop)
        if kind == "inf":
            v = float(np.linalg.norm(X, np.inf))
            return Val(v, abs_sum_rel(n, self.u) * v + prop)
        if kind == "max":
            v = float(np.max(np.abs(X)))
            return Val(v, prop)
        E_svd = svd_backward_factor(m, n, self.u) * _fro64(X)
        r = min(m, n)
        if kind == "2":
            v = float(np.linalg.norm(X, 2))
            return Val(v, E_svd + prop)
        if kind == "nuc":
            v = float(np.linalg.norm(X, "nuc"))
            # Mirsky: Σ|σ̂_i − σ_i| ≤ √r ‖ΔA‖_F; the sum itself costs γ_{r−1}.
            return Val(v, math.sqrt(r) * E_svd + abs_sum_rel(r, self.u) * v + prop)
        s = np.linalg.svd(X, compute_uv=False).astype(np.float64)
        if kind == "schatten":
            if p == math.inf or s[0] == 0:
                v = float(s[0])
            else:
                # σ1·‖σ/σ1‖_p: powering σ directly underflows (or overflows) at scales
                # such as 1e-150, which float64 must still handle (found by the accuracy test).
                v = float(s[0] * np.sum((s / s[0]) ** p) ** (1.0 / p))
            lip = r ** max(1.0 / p - 0.5, 0.0) if p != math.inf else 1.0
            # σ computed in the working dtype; the p-sum evaluated in float64 on them:
            # pow, sum and root cost γ_{r+4} relative in float64, negligible beside u.
            return Val(v, lip * E_svd + gamma(r + 4, 2.0 ** -53) * v + prop)
        if kind == "kyfan":
            v = float(np.sum(s[:k]))
            return Val(v, math.sqrt(k) * E_svd + gamma(k, 2.0 ** -53) * v + prop)
        raise AssertionError(kind)  # pragma: no cover

    def trace(self, A: Mat) -> Val:
        d = np.diag(A.data)
        v = float(np.trace(A.data))
        return Val(v, gamma(len(d), self.u) * float(np.sum(np.abs(d), dtype=np.float64)) + math.sqrt(len(d)) * A.err)

    def inner(self, A: Mat, B: Mat) -> Val:
        if A.shape != B.shape:
            raise InputError(f"inner product shape mismatch {A.shape} vs {B.shape}")
        v = float(np.sum(A.data * B.data))
        fa, fb = _fro64(A.data), _fro64(B.data)
        absdot = float(np.sum(np.abs(A.data.astype(np.float64) * B.data)))
        err = gamma(A.m * A.n, self.u) * absdot + fa * B.err + A.err * (fb + B.err)
        return Val(v, err)

    def vnorm(self, x: Mat, p: float) -> Val:
        if x.n != 1:
            raise InputError(f"vnorm expects a column vector, got shape {x.shape}")
        xv = x.data[:, 0]
        v = float(np.linalg.norm(xv, ord=p))
        # ‖x‖_p is monotone in each |x_i| and every |x_i| is within e = x.err of its
        # computed value, so the exact value lies in [‖(|x̂|−e)₊‖_p, ‖|x̂|+e‖_p].
        a = np.abs(xv.astype(np.float64))
        lo = float(np.linalg.norm(np.maximum(a - x.err, 0), ord=p))
        hi = float(np.linalg.norm(a + x.err, ord=p))
        sens = max(hi - v, v - lo, 0.0)
        # powers, the sum (γ_n) and the final root; for p < 1 the root 1/p > 1 multiplies
        # the sum's relative error by 1/p
        rounding = gamma(len(xv) + 4, self.u) * max(1.0, 1.0 / p if p not in (0, np.inf) else 1.0) * v
        if p not in (1, 2, np.inf, -np.inf, 0) and v > 0:
            # numpy evaluates (Σ|x_i|^p)^fl(1/p): the exponent 1/p is itself rounded,
            # fl(1/p) = (1/p)(1 + δ), |δ| ≤ u, and s^{(1+δ)/p} = s^{1/p}·exp(δ·ln(s)/p), a
            # relative error up to u·|ln s|/p = u·|ln ‖x‖_p| — e.g. ~20u at ‖x‖ ~ 1e-38
            # (found by axioms.vector_p_norm_formula; not covered by the γ_n term).
            rounding += self.u * abs(math.log(v)) * v * (1 + 2 * self.u)
        return Val(v, sens + rounding)

    def induced(self, A: Mat, p: str, q: str) -> Val:
        if p not in INDUCED_PQ or q not in INDUCED_PQ:
            raise InputError(f"induced norm p, q must be in {INDUCED_PQ}, got {p}->{q}")
        X = A.data.astype(np.float64)
        m, n = A.shape
        qn = {"1": 1, "2": 2, "inf": np.inf}
        dual = {"1": np.inf, "2": 2, "inf": 1}
        if p == "1":  # extreme points of the ℓ1 ball are ±e_j: max column q-norm
            v = float(np.max(np.linalg.norm(X, ord=qn[q], axis=0)))
        elif q == "inf":  # max_i max_{‖x‖_p ≤ 1} |row_i · x| = max row dual norm
            v = float(np.max(np.linalg.norm(X, ord=dual[p], axis=1)))
        elif p == "2" and q == "2":
            v = float(np.linalg.svd(A.data, compute_uv=False)[0])
        else:
            # ∞→1, ∞→2: a convex function on the cube peaks at a vertex (sign vector);
            # 2→1 = ‖Aᵀ‖_{∞→2} by duality.  Exponential: capped dimension.
            if p == "2":  # q == "1"
                X, q = X.T, "2"
                m, n = n, m
            if n > MAX_ENUM_DIM:
                raise OutOfDomain(f"induced({p},{q})", self.id, f"sign enumeration limited to n <= {MAX_ENUM_DIM}")
            signs = np.array(list(itertools.product((1.0, -1.0), repeat=n - 1)))
            signs = np.hstack([np.ones((len(signs), 1)), signs]) if n > 1 else np.ones((1, 1))
            v = float(np.max(np.linalg.norm(signs @ X.T, ord=qn[q], axis=1)))
        # The computation runs in float64 on the dtype's data: γ over the longest sum.
        rounding = gamma(m + n + 2, 2.0 ** -53) * v
        if p == "2" and q == "2":
            rounding = svd_backward_factor(m, n, self.u) * _fro64(A.data)
        # ‖E‖_{p→q} ≤ √(mn) ‖E‖_F for p, q ∈ {1, 2, ∞} (chain ‖·‖_q ≤ √m‖·‖_2, ‖x‖_2 ≤ √n‖x‖_p).
        return Val(v, rounding + math.sqrt(m * n) * A.err)

    def entry(self, A: Mat, i: int, j: int) -> Val:
        return Val(float(A.data[i, j]), A.err)

    # -- linear systems (numpy.linalg.solve / inv: LAPACK xGESV, GEPP) ----------------
    def _sigma_min_lower(self, A: Mat) -> float:
        """A lower bound on σ_min of the *exact* A: σ̂_min of the data computed in float64
        (backward error svd_backward_factor·‖Â‖_F, Weyl) minus the input error A.err (Weyl
        again).  <= 0 means A may be singular: callers return an infinite radius."""
        X = np.asarray(A.data, dtype=np.float64)
        s = np.linalg.svd(X, compute_uv=False)
        return float(s[-1]) - svd_backward_factor(A.m, A.n, 2.0 ** -53) * _fro64(X) - A.err

    def _solve_radius(self, A: Mat, X: np.ndarray, B64: np.ndarray, b_err: float) -> float:
        """A-posteriori bound on ‖X − A⁻¹B‖_F for the exact A and B (Higham §7.2, the residual bound).

        GEPP's a-priori bound, ‖ΔA‖ <= γ_{3n}·‖|L̂||Û|‖, involves the growth factor ρ_n, which is
        only bounded by 2^(n−1) (Wilkinson's matrix attains it), so no useful a-priori radius holds
        for *every* input.  Instead, for any computed X:
            X − A⁻¹B = A⁻¹(AX − B),  ‖X − A⁻¹B‖_F <= ‖A⁻¹‖₂·‖AX − B‖_F = ‖AX − B‖_F / σ_min(A),
        and AX − B = (ÂX − B̂) + (A − Â)X − (B − B̂), so
            ‖AX − B‖_F <= ‖R̂‖_F + |R̂ − (ÂX − B̂)| + A.err·‖X‖_F + b.err,
        with R̂ = fl(B̂ − ÂX) evaluated in float64 on the data (inner products of length n, then
        one subtraction: ‖R̂ − R‖_F <= γ_{n+1}(‖Â‖_F‖X‖_F + ‖B̂‖_F)), and σ_min(A) bounded below by
        :meth:`_sigma_min_lower`.  The bound is valid for any X — it certifies the answer the
        backend gave, whatever algorithm produced it; a result whose residual is large simply
        gets a large radius (the claims then decide nothing from it rather than pass wrongly).
        """
        smin = self._sigma_min_lower(A)
        if not smin > 0:
            return INF
        A64 = np.asarray(A.data, dtype=np.float64)
        X64 = np.asarray(X, dtype=np.float64)
        R = B64 - A64 @ X64
        u64 = 2.0 ** -53
        fa, fx, fb = _fro64(A64), _fro64(X64), _fro64(B64)
        res = _fro64(R) + gamma(A.n + 1, u64) * (fa * fx + fb) + A.err * fx + b_err
        # the quotient itself is evaluated in float64 (one rounding, relative u64 each way)
        return res / smin * (1 + 4 * u64)

    def solve(self, A: Mat, b: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"solve needs a square matrix, got {A.shape}")
        if b.m != A.n:
            raise InputError(f"solve shape mismatch: A is {A.shape}, b is {b.shape}")
        with np.errstate(all="ignore"):
            try:
                X = np.linalg.solve(A.data, b.data)
            except np.linalg.LinAlgError:
                X = np.full(b.shape, np.nan, dtype=self.np_dtype)
        if not np.all(np.isfinite(X)):
            return self._no_answer(A, b.shape)
        return Mat(X, self._solve_radius(A, X, np.asarray(b.data, dtype=np.float64), b.err), X.shape)

    def _no_answer(self, A: Mat, shape) -> Mat:
        """LAPACK failed (exactly singular pivot) or overflowed.  If A may be singular to
        working precision (σ_min's lower bound <= 0) that is no fault: an unbounded radius
        makes the example undecided.  Otherwise a clearly nonsingular A got no answer:
        the NaN result is reported as a violation."""
        if not self._sigma_min_lower(A) > 0:
            return Mat(np.zeros(shape, dtype=self.np_dtype), INF, shape)
        return Mat(np.full(shape, np.nan, dtype=self.np_dtype), INF, shape)

    def inv(self, A: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"inv needs a square matrix, got {A.shape}")
        with np.errstate(all="ignore"):
            try:
                X = np.linalg.inv(A.data)
            except np.linalg.LinAlgError:
                X = np.full(A.shape, np.nan, dtype=self.np_dtype)
        if not np.all(np.isfinite(X)):
            return self._no_answer(A, A.shape)
        # X − A⁻¹ = A⁻¹(AX − I): the solve bound with B = I (exact, b.err = 0)
        return Mat(X, self._solve_radius(A, X, np.eye(A.n), 0.0), X.shape)

    def eigvals(self, A: Mat) -> list[CVal]:
        """numpy.linalg.eig, with radii from an a-posteriori Bauer–Fike argument.

        With computed eigenpairs (ŵ, X̂), R = A X̂ − X̂ Ŵ for the exact A gives
        X̂⁻¹ A X̂ = Ŵ + F, ‖F‖₂ <= ‖R‖_F / σ_min(X̂).  Bauer–Fike for the diagonal (normal) Ŵ:
        every eigenvalue of Ŵ + tF, t ∈ [0, 1], lies in the union of the discs |z − ŵ_i| <= ρ,
        ρ = ‖F‖₂; by continuity in t, a disc disjoint from all others holds exactly one
        eigenvalue of A.  Overlapping discs (close or defective eigenvalues, σ_min(X̂) ~ 0) get an
        infinite radius: undecided, never a pass.  ‖R‖_F <= ‖R̂‖_F (float64/complex128 on the
        data) + γ_{2n+4}(‖Â‖_F + max|ŵ|)‖X̂‖_F (rounding) + A.err·‖X̂‖_F (input error)."""
        if A.m != A.n:
            raise InputError(f"eigvals needs a square matrix, got {A.shape}")
        w, V = np.linalg.eig(A.data)  # the implementation under test, in the working dtype
        w64 = np.asarray(w, dtype=np.complex128)
        V64 = np.asarray(V, dtype=np.complex128)
        A64 = np.asarray(A.data, dtype=np.float64)
        return bauer_fike_cvals(A64, w64, V64, A.err)


    # -- cond, least squares, Tikhonov, power iteration, HiPPO-LegS -----------------------
    def cond(self, A: Mat, p: str = "2") -> Val:
        from matspec.implementations.base import check_cond_kind

        check_cond_kind(p)
        if p != "2" and A.m != A.n:
            raise InputError(f"cond({p}) needs a square matrix, got {A.shape} (only κ₂ = σ_max/σ_min is defined for rectangular A)")
        with np.errstate(all="ignore"):
            try:
                v = float(np.linalg.cond(A.data, _COND_ORD[p]))  # the implementation under test
            except np.linalg.LinAlgError:
                v = math.inf
        if p == "2":
            s = np.linalg.svd(A.data, compute_uv=False).astype(np.float64)  # what cond divides
            E = A.err + svd_backward_factor(A.m, A.n, self.u) * _fro64(A.data)
            r = cond2_radius(float(s[0]), float(s[-1]), E, self.u)
            return cond_undecided(v) if r is None else Val(v, r)
        with np.errstate(all="ignore"):
            try:
                Xd = np.linalg.inv(A.data)  # the inverse cond multiplies by (same LAPACK call)
            except np.linalg.LinAlgError:
                Xd = None
        if Xd is None or not np.all(np.isfinite(Xd)):
            # singular pivot or overflow: undecided if A may be singular, else no answer is a fault
            return cond_undecided(v) if not self._sigma_min_lower(A) > 0 else Val(math.nan, INF)
        eX = self._solve_radius(A, Xd, np.eye(A.n), 0.0)
        if not math.isfinite(eX):
            return cond_undecided(v)
        nA, nX = self.norm(A, p), self.norm(Mat(Xd, eX, Xd.shape), p)
        return Val(v, cond_from_parts(nA, nX, self.u))

    def lstsq(self, A: Mat, b: Mat) -> Mat:
        if b.m != A.m:
            raise InputError(f"lstsq shape mismatch: A is {A.shape}, b is {b.shape}")
        with np.errstate(all="ignore"):
            X = np.linalg.lstsq(A.data, b.data, rcond=None)[0]  # xGELSD, minimum-norm
        shape = (A.n, b.n)
        if not np.all(np.isfinite(X)):
            return Mat(np.full(shape, np.nan, dtype=self.np_dtype), INF, shape)
        A64 = np.asarray(A.data, dtype=np.float64)
        r = lstsq_radius64(self.u, A64, A.err, np.asarray(b.data, dtype=np.float64), b.err, X, self._sigma_min_lower(A))
        return Mat(X, r, shape)

    def tikhonov_solve(self, A: Mat, b: Mat, lam: float) -> Mat:
        from matspec.implementations.base import check_lam

        lam = check_lam(lam)
        if b.m != A.m:
            raise InputError(f"tikhonov_solve shape mismatch: A is {A.shape}, b is {b.shape}")
        sl = self.np_dtype.type(math.sqrt(lam))
        aug = np.vstack([A.data, sl * np.eye(A.n, dtype=self.np_dtype)])
        rhs = np.vstack([b.data, np.zeros((A.n, b.n), dtype=self.np_dtype)])
        with np.errstate(all="ignore"):
            X = np.linalg.lstsq(aug, rhs, rcond=None)[0]
        shape = (A.n, b.n)
        if not np.all(np.isfinite(X)):
            return Mat(np.full(shape, np.nan, dtype=self.np_dtype), INF, shape)
        smin_a = self._sigma_min_lower(A) if A.m >= A.n else 0.0
        r = tikhonov_radius64(self.u, np.asarray(A.data, dtype=np.float64), A.err, float(sl), lam,
                              np.asarray(b.data, dtype=np.float64), b.err, X, smin_a)
        return Mat(X, r, shape)

    def power_norm(self, A: Mat, iters: int, seed: int = 0) -> Val:
        from matspec.implementations import power_iteration as pi
        from matspec.implementations.base import check_power_args

        check_power_args(iters, seed)
        with np.errstate(all="ignore"):
            est, trace = pi.iterate(A.data, iters, seed)
        if not math.isfinite(est):
            return Val(est, INF)
        return Val(est, power_radius64(self.u, np.asarray(A.data, dtype=np.float64), A.err, trace, est))

    def hippo_legs(self, n: int) -> tuple[Mat, Mat]:
        from matspec.implementations.base import check_hippo_n

        check_hippo_n(n)
        d = self.np_dtype
        q = 2 * np.arange(n) + 1
        # the integer products are formed exactly (int64) and rounded once to the dtype
        A = np.tril(-np.sqrt((q[:, None] * q[None, :]).astype(d)), -1) - np.diag(np.arange(1, n + 1).astype(d))
        B = np.sqrt((2 * q).astype(d))[:, None]
        ea, eb = hippo_errs(n, self.u, self.dtype)
        return Mat(A.astype(d), ea, (n, n)), Mat(B.astype(d), eb, (n, 1))


def bauer_fike_cvals(A64: np.ndarray, w64: np.ndarray, V64: np.ndarray, a_err: float) -> list[CVal]:
    """Radii for computed eigenpairs (w64, V64) of A64 (see NumpyOps.eigvals for the argument):
    ρ = ‖R‖_F/σ_min(X̂) with R = A X̂ − X̂ Ŵ bounded in float64 (γ_{2n+4}: complex products cost
    up to 2 roundings each), plus the input error; a disc not isolated from the others is
    unbounded.  Shared by every backend so that the derivation lives in one place."""
    n = A64.shape[0]
    u64 = 2.0 ** -53
    fv = _fro64(np.abs(V64))
    R = A64 @ V64 - V64 * w64[None, :]
    res = (float(np.linalg.norm(R)) + gamma(2 * n + 4, u64) * (_fro64(A64) + float(np.max(np.abs(w64)))) * fv
           + a_err * fv)
    sv = np.linalg.svd(V64, compute_uv=False)
    smin = float(sv[-1]) - svd_backward_factor(n, n, u64) * fv
    rho = res / smin * (1 + 4 * u64) if smin > 0 and np.all(np.isfinite(w64)) else INF
    out = []
    for i in range(n):
        others = [abs(w64[i] - w64[j]) for j in range(n) if j != i]
        isolated = rho < INF and all(d > 2 * rho for d in others)
        out.append(CVal(float(w64[i].real), float(w64[i].imag), rho if isolated else INF))
    return out


# -- cond, least squares, Tikhonov, power iteration, HiPPO-LegS: radii shared with TorchOps ------
# Each takes float64 copies of the data and of the answer the backend gave: the derivations do
# not depend on the library, only on its unit roundoff u.

_COND_ORD = {"2": 2, "1": 1, "inf": np.inf, "fro": "fro"}
SIGNIFICAND_BITS = {"float64": 53, "float32": 24, "bfloat16": 8, "float16": 11}


def cond_undecided(v: float) -> Val:
    """A possibly singular A: κ may be ∞, which no relation can compare — undecided (finite mid,
    infinite radius), never a pass and never a violation."""
    return Val(v if math.isfinite(v) else 0.0, INF)


def cond2_radius(s1: float, sn: float, E: float, u: float) -> float | None:
    """|κ̂ − κ₂(A)| for κ̂ = fl(ŝ₁/ŝ_n) when each σ̂ is within E of σ (Weyl): κ₂ lies in
    [(ŝ₁ − E)/(ŝ_n + E), (ŝ₁ + E)/(ŝ_n − E)] (evaluated in float64: 4u₆₄ relative covers the
    roundings each way), and the division in the dtype adds u·ŝ₁/ŝ_n.  None: ŝ_n <= E, A may
    be singular."""
    if not sn - E > 0:
        return None
    u64 = 2.0 ** -53
    mid = s1 / sn
    hi = (s1 + E) / (sn - E) * (1 + 4 * u64)
    lo = (s1 - E) / (sn + E) * (1 - 4 * u64)
    return max(hi - mid, mid - lo) + u * mid * (1 + 2 * u64)


def cond_from_parts(nA: Val, nX: Val, u: float) -> float:
    """Radius of κ̂ = fl(‖Â‖_p·‖X̂‖_p) (X̂ the computed inverse, the way numpy.linalg.cond and
    torch.linalg.cond evaluate p = 1, ∞, F): the product interval of the two norms (each with its
    rounding and input-error radius: the norm op's own, X̂'s error from the a-posteriori inverse
    bound) plus the final multiplication's rounding, u relative.  The rounding is charged on the
    honest product nA·nX, never on the value under test, so a wrong κ̂ is not absorbed."""
    prod = nA * nX
    return float(prod.rad) + u * float(prod.mid) * (1 + 2 ** -52)


def lstsq_radius64(u: float, A64: np.ndarray, a_err: float, B64: np.ndarray, b_err: float, X64: np.ndarray,
                   smin_lo: float) -> float:
    """Radius of a computed minimum-norm least-squares solution X̂ from a Householder/SVD-based
    solver (LAPACK xGELSD in NumPy, xGELSY in torch).  Both are normwise backward stable (Higham,
    ASNA Thms 20.3 and 21.4 for Householder QR, Lemma 19.3 for the bidiagonalisation): X̂ = B⁺b̃ + ΔX
    with ‖B − Â‖_F <= c‖Â‖_F, ‖b̃ − b̂‖_F <= c‖b̂‖_F (c = svd_backward_factor = (m+n)γ_{6max(m,n)} >=
    12mn·u, which covers Householder QR's columnwise γ̃_{mn}, Higham Thm 19.4) and a forward part from
    applying the right-hand orthogonal factor and the final rounding, ‖ΔX‖_F <= (c + u)‖X̂‖_F.
    Then radii.lstsq_radius (Wedin) with E = c‖Â‖_F + the input error, smin_lo <= σ_min(A)."""
    from matspec.implementations.radii import lstsq_radius

    m, n = A64.shape
    c = svd_backward_factor(m, n, u)
    fb = _fro64(B64)
    E = a_err + c * _fro64(A64)
    r = lstsq_radius(E, smin_lo, fb + b_err, b_err + c * fb) + (c + u) * _fro64(X64)
    return r * (1 + 8 * 2.0 ** -53)  # the bound's own float64 evaluation


def tikhonov_radius64(u: float, A64: np.ndarray, a_err: float, sl: float, lam: float, B64: np.ndarray,
                      b_err: float, X64: np.ndarray, smin_a_lo: float) -> float:
    """x = (AᵀA + λI)⁻¹Aᵀb is the least-squares solution of [A; √λ I]x ≈ [b; 0], which the
    backends solve (sl = the √λ they used, rounded to their dtype).  So lstsq_radius64's argument
    applies to the (m+n)×n augmented matrix, whose data differs from the exact one by the input
    error and √n·|sl − √λ| (√λ itself evaluated in float64: + u₆₄√λ), and whose σ_min is
    √(σ_min(A)² + λ) >= √λ (σ_n(A) counts only when m >= n: otherwise AᵀA is singular)."""
    m, n = A64.shape
    sq = math.sqrt(lam)
    d_sl = abs(sl - sq) + 2.0 ** -53 * sq
    s_a = max(smin_a_lo, 0.0) if m >= n else 0.0
    smin_lo = math.sqrt(s_a * s_a + lam) * (1 - 4 * 2.0 ** -53)
    aug = np.vstack([A64, sl * np.eye(n)])
    Baug = np.vstack([B64, np.zeros((n, B64.shape[1]))])
    return lstsq_radius64(u, aug, a_err + math.sqrt(n) * d_sl, Baug, b_err, X64, smin_lo)


def power_radius64(u: float, A64: np.ndarray, a_err: float, trace: list, est: float,
                   acc_u: float | None = None) -> float:
    """power_iteration.forward_error_bound with S = an upper bound on σ₁ of the data and of the
    exact A: the float64 SVD's σ̂₁ plus its backward error (Weyl) plus the input error."""
    from matspec.implementations import power_iteration as pi

    m, n = A64.shape
    F = _fro64(A64)
    s1 = float(np.linalg.svd(A64, compute_uv=False)[0])
    S = s1 + svd_backward_factor(m, n, 2.0 ** -53) * F + a_err
    return pi.forward_error_bound(m, n, u, S, F, a_err, trace, est, acc_u=acc_u)


def hippo_errs(n: int, u: float, dtype: str) -> tuple[float, float]:
    """(‖Â − A‖_F, ‖B̂ − B‖_F) bounds for HiPPO-LegS built in a format: radii.hippo_entry_rel
    per entry, times the exact Frobenius norms (closed form)."""
    from matspec.implementations.radii import hippo_entry_rel, hippo_exact_fro

    rel = hippo_entry_rel(n, u, SIGNIFICAND_BITS[dtype])
    fa, fb = hippo_exact_fro(n)
    return rel * fa * (1 + 1e-12), rel * fb * (1 + 1e-12)
