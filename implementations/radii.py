"""Error-radius derivations shared by the floating-point backends (NumPy, torch): each lives here
once, and a backend supplies only what differs between libraries — its unit roundoff and the
relative error of its own products.  (The eigenvalue radii, ``bauer_fike_cvals``, and the linear
system radii, ``NumpyOps._solve_radius``, are shared the same way from numpy_backend.)
"""
from __future__ import annotations

import math

from matspec.tolerance import svd_backward_factor

INF = math.inf
U64 = 2.0 ** -53
# Wedin (1973); Stewart & Sun, Matrix Perturbation Theory, Thm III.3.9: if rank(B) = rank(A),
# ‖B⁺ − A⁺‖₂ <= μ‖A⁺‖₂‖B⁺‖₂‖B − A‖₂ with μ = (1 + √5)/2 for the spectral norm.
WEDIN_MU = (1 + math.sqrt(5)) / 2


# -- SVD-based ops ---------------------------------------------------------------------------

def svd_distance(a_err: float, m: int, n: int, u: float, fro: float) -> float:
    """E: Frobenius distance from the exact A to the matrix whose exact SVD a Householder SVD
    delivered — the input's error plus the solver's backward error (tolerance.svd_backward_factor)."""
    return a_err + svd_backward_factor(m, n, u) * fro


def svd_recon_err(product_rel: float, k: int, s_top: float, m: int, n: int, u: float) -> float:
    """‖fl(U_k diag(s) V_kᵀ) − U_k diag(s) V_kᵀ‖_F: the product's relative error ``product_rel``
    (the backend's: γ_{k+1} for NumPy, its scaling and matmul model for torch) on factors with
    ‖U_k‖_F = √k, plus the factors' departure from orthogonality, which LAPACK keeps within the
    backward-error factor (once per factor)."""
    orth = svd_backward_factor(m, n, u)
    return (product_rel + 2 * orth) * math.sqrt(k) * s_top


def polar_forward(E: float, s_min: float) -> float:
    """Li & Sun: ‖Q(A) − Q(A')‖_F <= √3‖A − A'‖_F / min(σ_min(A), σ_min(A')) for full-rank A
    (rectangular case), with σ_min of the exact A >= σ̂_min − E.  Rank deficient: no bound."""
    smin = s_min - E
    return math.sqrt(3) * E / smin if smin > 0 else INF


def lowrank_forward(s0: float, sk: float, sk1: float, E: float) -> float:
    """Wedin: ‖(A+Δ)_k − A_k‖_F <= ‖Δ‖_F(1 + 2‖A‖₂/δ), δ = σ_k − σ_{k+1} − 2‖Δ‖ > 0 (each σ̂ is
    uncertain by E).  No gap, no forward bound: infinite (the example is undecided)."""
    delta = (sk - sk1) - 2 * E
    return E * (1 + 2 * (s0 + E) / delta) if delta > 0 else INF


def svt_radius(E: float, u: float, r: int, s0: float, recon: float) -> float:
    """The prox of λ‖·‖_* is nonexpansive in ‖·‖_F, so the exact SVT moves by at most E; the
    threshold subtraction costs u per σ (and λ's rounding to the dtype ≤ u·λ ≤ u·σ₁ where it
    matters, which the torch backend counts: see its call); plus the reconstruction."""
    return E + u * math.sqrt(r) * s0 + recon


def mclip_radius(L: float, E: float, u: float, r: int, lo: float, hi: float, recon: float) -> float:
    """E carried by clip's matrix Lipschitz constant L (base.mclip_lipschitz_factor); lo/hi rounded
    to the dtype move each σ by <= u·max(|lo|, |hi|); plus the reconstruction."""
    return L * E + u * math.sqrt(r) * max(abs(lo), abs(hi)) + recon


# -- least squares ---------------------------------------------------------------------------

def lstsq_radius(E: float, smin_lo: float, b_norm: float, f: float) -> float:
    """Bound on ‖x̂ − A⁺b‖_F when x̂ = B⁺b̃ exactly, ‖B − A‖_F <= E, ‖b̃ − b‖_F <= f, ‖b‖_F <= b_norm
    and σ_min(A) >= smin_lo (A of full rank min(m, n)).

    x̂ − x = (B⁺ − A⁺)b + B⁺(b̃ − b).  E < smin_lo keeps σ_min(B) >= smin_lo − E > 0 (Weyl), so
    rank(B) = rank(A) and Wedin gives ‖B⁺ − A⁺‖₂ <= μ E/(smin_lo(smin_lo − E)); ‖B⁺‖₂ <=
    1/(smin_lo − E); for k right-hand sides ‖Mb‖_F <= ‖M‖₂‖b‖_F.  A possibly rank-deficient A
    (smin_lo <= E): A⁺ is discontinuous there, no bound."""
    if not smin_lo > E:
        return INF
    gap = smin_lo - E
    return WEDIN_MU * E * b_norm / (smin_lo * gap) + f / gap


# -- HiPPO-LegS construction -----------------------------------------------------------------

def hippo_entry_rel(n: int, u: float, significand_bits: int) -> float:
    """Relative error of one computed entry of HiPPO-LegS A or B in a format with unit roundoff u.

    Off-diagonal entries are fl(√fl((2i+1)(2k+1))) and B_i = fl(√fl(2(2i+1))): the integer argument
    is exact when it is below 2^t (t significand bits), else rounded once (relative u, halved by
    the square root); the square root is correctly rounded (IEEE 754), or for bfloat16 on torch's CPU
    computed in float32 and rounded once (u + u₃₂ <= 1.01u).  Diagonal entries −(i+1) are exact
    below 2^t.  So every entry is within (u/2 + 1.01u)(1 + u) <= 2u relative of its exact value,
    u·1.01 when every argument is exact."""
    biggest = max((2 * n - 1) ** 2, 2 * (2 * n - 1))
    return 1.01 * u if biggest < 2 ** significand_bits else 2 * u


def hippo_exact_fro(n: int) -> tuple[float, float]:
    """(‖A‖_F, ‖B‖_F) of HiPPO-LegS in closed form (float64, relative error far below any u here):
    ‖A‖_F² = Σ_i (i+1)² + Σ_{k<i}(2i+1)(2k+1), ‖B‖² = Σ 2(2i+1) = 2n²."""
    diag = sum((i + 1) ** 2 for i in range(n))
    off = sum((2 * i + 1) * (2 * k + 1) for i in range(n) for k in range(i))
    return math.sqrt(diag + off), math.sqrt(2.0 * n * n)

