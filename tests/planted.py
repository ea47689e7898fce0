"""Planted wrong implementations: realistic bugs a kernel author could ship.

Each is a NumpyOps (float64) with one op broken the way real code breaks — swapped
axes, a transposed result, a missing root, an off-by-one, float32 accumulation — never a
blunt "×2".  tests/test_planted.py shows that every claim's true form catches at least
one of them, i.e. that no property is unable to fail.
"""
from __future__ import annotations

import numpy as np

from matspec.implementations.base import Mat
from matspec.implementations.numpy_backend import NumpyOps
from matspec.values import Val


class _Planted(NumpyOps):
    bug = ""

    def __init__(self):
        super().__init__("float64")
        self.id = f"planted:{self.bug}"


class OneNormUsesRows(_Planted):
    """‖A‖₁ computed as max row sum (axis mix-up between the 1- and ∞-norm)."""

    bug = "one_norm_uses_rows"

    def norm(self, A, kind, p=None, k=None):
        if kind == "1":
            return super().norm(A, "inf")
        return super().norm(A, kind, p, k)


class InfNormUsesColumns(_Planted):
    bug = "inf_norm_uses_columns"

    def norm(self, A, kind, p=None, k=None):
        if kind == "inf":
            return super().norm(A, "1")
        return super().norm(A, kind, p, k)


class SpectralIsSpectralRadius(_Planted):
    """‖A‖₂ as the spectral radius max|λ| of the leading square block: right only for
    normal matrices, a 'works on my symmetric test matrix' bug."""

    bug = "spectral_is_spectral_radius"

    def norm(self, A, kind, p=None, k=None):
        if kind == "2":
            good = super().norm(A, kind)
            r = min(A.shape)
            v = float(np.max(np.abs(np.linalg.eigvals(A.data[:r, :r]))))
            return Val(v, good.rad)
        return super().norm(A, kind, p, k)


class SpectralFromNormBound(_Planted):
    """‖A‖₂ 'computed' as the cheap upper bound sqrt(‖A‖₁‖A‖_∞) (Higham's bound used as if
    it were the value)."""

    bug = "spectral_from_norm_bound"

    def norm(self, A, kind, p=None, k=None):
        if kind == "2":
            good = super().norm(A, kind)
            v = float(np.sqrt(np.linalg.norm(A.data, 1) * np.linalg.norm(A.data, np.inf)))
            return Val(v, good.rad)
        return super().norm(A, kind, p, k)


class MatmulFloat32Accumulation(_Planted):
    """A float64 GEMM that accumulates in float32 (a mixed-precision kernel bug)."""

    bug = "matmul_float32_accumulation"

    def matmul(self, A, B):
        good = super().matmul(A, B)
        C = (A.data.astype(np.float32) @ B.data.astype(np.float32)).astype(np.float64)
        return Mat(C, good.err, good.shape)


class FrobeniusFloat32Accumulation(_Planted):
    """Sum of squares accumulated in float32 inside a float64 kernel."""

    bug = "frobenius_float32_accumulation"

    def norm(self, A, kind, p=None, k=None):
        if kind == "fro":
            good = super().norm(A, kind)
            with np.errstate(over="ignore"):
                v = float(np.sqrt(np.sum(A.data.astype(np.float32) ** 2, dtype=np.float32)))
            return Val(v, good.rad)
        return super().norm(A, kind, p, k)


class NuclearDropsSmallest(_Planted):
    """Nuclear norm summing all but the last singular value (off-by-one slice)."""

    bug = "nuclear_drops_smallest"

    def norm(self, A, kind, p=None, k=None):
        if kind == "nuc":
            good = super().norm(A, kind)
            s = np.linalg.svd(A.data, compute_uv=False)
            return Val(float(np.sum(s[:-1])) if len(s) > 1 else float(s[0]), good.rad)
        return super().norm(A, kind, p, k)


class SchattenMissingRoot(_Planted):
    """Schatten p-norm returned as Σσ^p (the 1/p root forgotten)."""

    bug = "schatten_missing_root"

    def norm(self, A, kind, p=None, k=None):
        if kind == "schatten" and p not in (1, np.inf):
            good = super().norm(A, kind, p=p)
            s = np.linalg.svd(A.data, compute_uv=False)
            with np.errstate(over="ignore"):
                return Val(float(np.sum(s ** p)), good.rad)
        return super().norm(A, kind, p, k)


class KyFanSmallest(_Planted):
    """Ky Fan k-norm summing the k smallest singular values (ascending-order assumption)."""

    bug = "kyfan_smallest"

    def norm(self, A, kind, p=None, k=None):
        if kind == "kyfan":
            good = super().norm(A, kind, k=k)
            s = np.sort(np.linalg.svd(A.data, compute_uv=False))
            return Val(float(np.sum(s[:k])), good.rad)
        return super().norm(A, kind, p, k)


class MaxWithoutAbs(_Planted):
    """max-entry norm as max(A) rather than max|A|."""

    bug = "max_without_abs"

    def norm(self, A, kind, p=None, k=None):
        if kind == "max":
            return Val(float(np.max(A.data)), A.err)
        return super().norm(A, kind, p, k)


class SvdvalsAscending(_Planted):
    """Singular values returned in ascending order (eigvalsh-style ordering)."""

    bug = "svdvals_ascending"

    def svdvals(self, A):
        return list(reversed(super().svdvals(A)))


class MatmulTransposed(_Planted):
    """Returns (AB)ᵀ — a row/column-major mix-up; shapes still agree for square inputs."""

    bug = "matmul_transposed"

    def matmul(self, A, B):
        C = super().matmul(A, B)
        if C.m == C.n:
            return Mat(C.data.T.copy(), C.err, C.shape)
        return C


class VnormMissingRoot(_Planted):
    """‖x‖_p returned as Σ|x_i|^p."""

    bug = "vnorm_missing_root"

    def vnorm(self, x, p):
        good = super().vnorm(x, p)
        if p in (1, np.inf):
            return good
        return Val(float(np.sum(np.abs(x.data) ** p)), good.rad)


class SvtHardThreshold(_Planted):
    """Singular value *hard* thresholding (keep σ > λ unshrunk) instead of soft."""

    bug = "svt_hard_threshold"

    def svt(self, A, lam):
        good = super().svt(A, lam)
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        t = np.where(s > lam, s, 0.0)
        return Mat((U * t) @ Vt, good.err, A.shape)


class LowrankOffByOne(_Planted):
    """Truncated SVD keeping k+1 terms."""

    bug = "lowrank_off_by_one"

    def lowrank(self, A, k):
        return super().lowrank(A, min(k + 1, min(A.shape)))


class PolarUsesVUt(_Planted):
    """Polar factor assembled as (V Uᵀ)ᵀ-confusion: returns U Vᵀ of Aᵀ transposed wrongly
    (i.e. V Uᵀ transposed back only for square inputs), a classic factor-order slip."""

    bug = "polar_wrong_order"

    def polar(self, A):
        good = super().polar(A)
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        if A.m == A.n:
            return Mat(Vt.T @ U.T, good.err, A.shape)
        return good


class TraceOffByOne(_Planted):
    """Trace skipping the last diagonal entry (range(n-1))."""

    bug = "trace_off_by_one"

    def trace(self, A):
        good = super().trace(A)
        d = np.diag(A.data)
        return Val(float(np.sum(d[:-1])) if len(d) > 1 else 0.0, good.rad)


class InnerUsesMatmul(_Planted):
    """⟨A, B⟩_F computed as sum(A @ Bᵀ) instead of sum(A ∘ B)."""

    bug = "inner_uses_matmul"

    def inner(self, A, B):
        good = super().inner(A, B)
        return Val(float(np.sum(A.data @ B.data.T)), good.rad)


class InducedOneToTwoUsesRows(_Planted):
    """‖A‖_{1→q} from the rows instead of the columns."""

    bug = "induced_uses_rows"

    def induced(self, A, p, q):
        if p == "1":
            return super().induced(self.transpose(A), p, q)
        return super().induced(A, p, q)


class EigvalshAscending(_Planted):
    bug = "eigvalsh_ascending"

    def eigvalsh(self, A):
        return list(reversed(super().eigvalsh(A)))


class EntryTransposed(_Planted):
    bug = "entry_transposed"

    def entry(self, A, i, j):
        if j < A.m and i < A.n:
            return super().entry(A, j, i)
        return super().entry(A, i, j)


PLANTED = {cls.bug: cls for cls in _Planted.__subclasses__()}
