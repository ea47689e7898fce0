"""The float64 reference tier: judging kernels at sizes the certified oracle cannot reach.

Up to ORACLE_MAX (and, for float64 kernels, CERTIFIED_MAX) every verdict rests on the certified
mpmath / python-flint oracle (:mod:`matspec.validate.judge`).  Beyond it, a float64 LAPACK
computation on the exact input is the reference — but a LAPACK a-priori bound does not certify
another library's SVD, and at n = 1024 it is loose anyway, so the reference's accuracy is bounded
**a posteriori** from its own residual and orthogonality defects, and the reference is used only
where that bound is at most 1/100 of the allowance it judges; otherwise the example is
*undecided* ("reference not accurate enough").  Every verdict names its tier.

A posteriori bound of a computed thin SVD A ≈ Û diag(ŝ) V̂ᵀ: with Ê = A − Û diag(ŝ) V̂ᵀ (computed
in float64: its own rounding ≤ γ_{r+1}(u₆₄)(‖Û‖_F·ŝ₁·‖V̂‖_F + ‖A‖_F)) and η = ‖ÛᵀÛ − I‖₂ + ‖V̂ᵀV̂ − I‖₂ +
their product (computed in float64: forming ÛᵀÛ costs up to γ_m‖Û‖_F² ≈ r·γ_m, V̂ᵀV̂ γ_n‖V̂‖_F²),
Û diag(ŝ) V̂ᵀ has singular values within ŝ_i(1 ± η), so by Weyl |σ_i(A) − ŝ_i| ≤ ‖Ê‖₂ + ŝ₁·η =: e_σ
(spectral norms bounded by Frobenius ones: four SVDs would cost more than the reference itself;
every computed Frobenius norm inflated by its own evaluation error, :func:`_fro_up`).
"""
from __future__ import annotations

import hashlib
import math
from typing import Optional

import numpy as np
from cachetools import LRUCache, cached

from matspec.tolerance import fro_rel, gamma
from matspec.validate import device64 as dev

ORACLE_MAX = 64  # the certified oracle's reach for every kernel (fast route: < 1 s at 64×64)
CERTIFIED_MAX = 256  # ... and for float64 kernels, where no float64 reference could judge
REFERENCE_SHARE = 0.01  # a reference is used only where its own bound ≤ 1/100 of the allowance

U64 = 2.0 ** -53


def tier_name(certified: bool, bound: Optional[float] = None, allowance: Optional[float] = None) -> str:
    if certified:
        return "certified (mpmath / python-flint oracle)"
    if bound is None:
        return "float64 a posteriori"
    return f"float64 a posteriori (reference bound {bound:.2g} ≤ 1/100 of the allowance {allowance:.2g})"


def _fro_up(X, extra: int = 0) -> float:
    """An upper bound of ‖X‖_F from its float64 evaluation, X already formed up to `extra` more
    roundings of each entry (relative, as in X = fl(Y − Z)): the computed norm is
    ‖X̂‖_F(1 + θ), |θ| ≤ fro_rel = γ_{count+2} (squares, sum, root), and X = X̂ entrywise over
    (1 + ε), |ε| ≤ u; together ‖X‖_F ≤ computed/(1 − γ_{count+2+extra}).  X on either engine
    (:mod:`matspec.validate.device64`)."""
    g = fro_rel(math.prod(X.shape) + extra, U64)
    return dev.fro(X) / (1 - g) if g < 1 else math.inf


class SVD64:
    """A float64 thin SVD of A with its a-posteriori singular-value bound e_σ, computed on
    `engine` (:mod:`matspec.validate.device64`: NumPy, or torch on the kernel's GPU).  U and Vt
    stay on the engine (the products of the judgement run there); s, e_σ and ‖A‖_F are host
    numbers."""

    def __init__(self, A: np.ndarray, engine: dev.Engine = None):
        A = np.asarray(A, dtype=np.float64)
        m, n = A.shape
        r = min(m, n)
        with np.errstate(all="ignore"):
            Ad = dev.put(A, engine)
            U, s_d, Vt = dev.svd(Ad)
            s = dev.get(s_d)
            E = Ad - (U * s_d) @ Vt
            fro = float(np.linalg.norm(A))
            s1 = float(s[0]) if r else 0.0
            # Spectral norms bounded by Frobenius norms (an SVD each would cost more than the
            # reference).  The orthogonality defects, computed in float64: entry (i, j) of
            # fl(ÛᵀÛ) is a length-m dot product, off by ≤ γ_m·|û_i|ᵀ|û_j| (Higham (3.5)), so
            # ‖fl(ÛᵀÛ) − ÛᵀÛ‖_F ≤ γ_m‖|Û|ᵀ|Û|‖_F ≤ γ_m‖|Û|‖_F² = γ_m‖Û‖_F² ≈ r·γ_m — forming the
            # Gram matrix costs up to r·γ_m, not γ (‖Û‖_F itself bounded from its evaluation);
            # subtracting I rounds each entry once more (extra=1).  V̂ likewise, length n.
            nu, nv = _fro_up(U), _fro_up(Vt)
            eu = _fro_up(U.T @ U - dev.eye(r, U), extra=1) + gamma(m, U64) * nu * nu
            ev = _fro_up(Vt @ Vt.T - dev.eye(r, Vt), extra=1) + gamma(n, U64) * nv * nv
            eta = eu + ev + eu * ev
            # Ê = fl(A − fl(fl(ÛŜ)V̂ᵀ)): scaling (1 rounding) and length-r products cost
            # ≤ γ_{r+1}|Û|Ŝ|V̂ᵀ|, whose ‖·‖_F ≤ ‖Û‖_F·ŝ₁·‖V̂‖_F; the subtraction one more (extra=1)
            self.e_sigma = _fro_up(E, extra=1) + gamma(r + 1, U64) * (nu * nv * s1 + fro) + s1 * eta
        self.U, self.s, self.Vt, self.fro = U, s, Vt, fro
        self.nbytes = sum(math.prod(X.shape) * 8 for X in (U, s, Vt))  # what the SVD cache keeps


# SVDs kept by bytes, keyed by the exact input and engine: gpu_check and compare judge several
# kernels on the same inputs, and at 4096×14336 the float64 SVD is the largest single cost of a
# judgement.  The SVD is a deterministic function of those bytes on one engine.
SVD_CACHE_BYTES = 4 * 2 ** 30
_svds: LRUCache = LRUCache(maxsize=SVD_CACHE_BYTES, getsizeof=lambda sv: sv.nbytes)


def _svd_key(A: np.ndarray, engine: dev.Engine = None):
    A = np.ascontiguousarray(A, dtype=np.float64)
    return engine, A.shape, hashlib.sha256(A.tobytes()).hexdigest()


@cached(_svds, key=_svd_key)
def svd64(A: np.ndarray, engine: dev.Engine = None) -> "SVD64":
    """SVD64(A, engine), computed once per input and engine (see SVD_CACHE_BYTES)."""
    return SVD64(A, engine)


def pair_buckets(U, s, Vt, C, Y) -> dict:
    """The misalignment measure of :meth:`OpJudge._misalignment_buckets` in float64 (the same
    definition: antisymmetric part of each pair, symmetric part times the relative gap, by class
    of the pair's smaller σ, and the blocks mixing determined directions with the rest)."""
    out: dict = {}
    if not C:
        return out
    # the n³ products on U's engine (device64), the |C|² bookkeeping on the host
    Y = dev.like(Y, U)
    UC, VC = U[:, C], Vt[C, :].T
    UtY = UC.T @ Y
    Md = UtY @ VC
    cross1 = UtY - Md @ VC.T
    cross2 = (Y - UC @ UtY) @ VC
    mixed = dev.sumsq(cross1) + dev.sumsq(cross2)
    M = dev.get(Md)
    sc = s[C]
    top = s[0] if s[0] > 0 else 1.0
    anti = (M - M.T) / 2
    sym = (M + M.T) / 2
    gap = (sc[:, None] - sc[None, :]) / (sc[:, None] + sc[None, :])
    w = 2 * (anti * anti + sym * sym * gap * gap)
    key = np.floor(np.log10(top / np.minimum(sc[:, None], sc[None, :])) + 1e-12).astype(int)
    iu = np.triu_indices(len(C), 1)
    keys, vals = key[iu], w[iu]
    for kk in np.unique(keys):
        out[int(kk)] = float(np.sum(vals[keys == kk]))
    out["mixed"] = mixed
    return out


def band_values(svd: SVD64, C: list, Y: np.ndarray) -> np.ndarray:
    """The output's singular values on A's singular directions, clusters included: eigenvalues of
    Σ_C^{-1/2}·sym(M_Cᵀ Σ_C)·Σ_C^{-1/2}, M = Uᵀ·out·V — the generalized eigenvalues of
    (sym(outᵀA), (AᵀA)^{1/2}) on the determined directions.  For an output sharing A's vectors
    they are its D_ii; any rotation within a cluster of equal σ leaves them unchanged."""
    if not C:
        return np.zeros(0)
    U, s, Vt = svd.U, svd.s, svd.Vt
    M = dev.get(U[:, C].T @ dev.like(Y, U) @ Vt[C, :].T)
    sc = s[C]
    S = M.T * sc[None, :]  # Mᵀ Σ_C
    S = (S + S.T) / 2
    d = 1 / np.sqrt(sc)
    return dev.eigvalsh(dev.like(d[:, None] * S * d[None, :], U))
