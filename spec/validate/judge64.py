"""The float64 reference tier: judging kernels at sizes the certified oracle cannot reach.

Up to ORACLE_MAX (and, for float64 kernels, CERTIFIED_MAX) every verdict rests on the certified
mpmath / python-flint oracle (:mod:`matspec.validate.judge`).  Beyond it, a float64 LAPACK
computation on the exact input is the reference — but a LAPACK a-priori bound does not certify
another library's SVD, and at n = 1024 it is loose anyway, so the reference's accuracy is bounded
**a posteriori** from its own residual and orthogonality defects, and the reference is used only
where that bound is at most 1/100 of the allowance it judges; otherwise the example is
*undecided* ("reference not accurate enough").  Every verdict names its tier.

A posteriori bound of a computed thin SVD A ≈ Û diag(ŝ) V̂ᵀ: with Ê = A − Û diag(ŝ) V̂ᵀ (computed
in float64: its own rounding ≤ γ_{r+1}(u₆₄)(r·ŝ₁ + ‖A‖_F)) and η = ‖ÛᵀÛ − I‖₂ + ‖V̂ᵀV̂ − I‖₂ + their
product, Û diag(ŝ) V̂ᵀ has singular values within ŝ_i(1 ± η), so by Weyl
|σ_i(A) − ŝ_i| ≤ ‖Ê‖₂ + ŝ₁·η =: e_σ (spectral norms bounded by Frobenius ones: four SVDs would
cost more than the reference itself).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from matspec.tolerance import gamma

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


class SVD64:
    """A float64 thin SVD of A with its a-posteriori singular-value bound e_σ."""

    def __init__(self, A: np.ndarray):
        A = np.asarray(A, dtype=np.float64)
        self.A = A
        m, n = A.shape
        r = min(m, n)
        with np.errstate(all="ignore"):
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            E = A - (U * s) @ Vt
            # spectral norms bounded by Frobenius norms (an SVD each would cost more than the reference)
            eu = float(np.linalg.norm(U.T @ U - np.eye(r)))
            ev = float(np.linalg.norm(Vt @ Vt.T - np.eye(r)))
            fro = float(np.linalg.norm(A))
            s1 = float(s[0]) if r else 0.0
            eta = eu + ev + eu * ev + 2 * gamma(r + 1, U64)  # the defects' own evaluation
            self.e_sigma = float(np.linalg.norm(E)) + gamma(r + 1, U64) * (r * s1 + fro) + s1 * eta
        self.U, self.s, self.Vt, self.fro = U, s, Vt, fro


def pair_buckets(U, s, Vt, C, Y) -> dict:
    """The misalignment measure of :meth:`OpJudge._misalignment_buckets` in float64 (the same
    definition: antisymmetric part of each pair, symmetric part times the relative gap, by class
    of the pair's smaller σ, and the blocks mixing determined directions with the rest)."""
    out: dict = {}
    if not C:
        return out
    UC, VC = U[:, C], Vt[C, :].T
    UtY = UC.T @ Y
    M = UtY @ VC
    cross1 = UtY - M @ VC.T
    cross2 = (Y - UC @ UtY) @ VC
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
    out["mixed"] = float(np.sum(cross1 * cross1) + np.sum(cross2 * cross2))
    return out


def band_values(svd: SVD64, C: list, Y: np.ndarray) -> np.ndarray:
    """The output's singular values on A's singular directions, clusters included: eigenvalues of
    Σ_C^{-1/2}·sym(M_Cᵀ Σ_C)·Σ_C^{-1/2}, M = Uᵀ·out·V — the generalized eigenvalues of
    (sym(outᵀA), (AᵀA)^{1/2}) on the determined directions.  For an output sharing A's vectors
    they are its D_ii; any rotation within a cluster of equal σ leaves them unchanged."""
    if not C:
        return np.zeros(0)
    U, s, Vt = svd.U, svd.s, svd.Vt
    M = U[:, C].T @ Y @ Vt[C, :].T
    sc = s[C]
    S = M.T * sc[None, :]  # Mᵀ Σ_C
    S = (S + S.T) / 2
    d = 1 / np.sqrt(sc)
    return np.linalg.eigvalsh(d[:, None] * S * d[None, :])
