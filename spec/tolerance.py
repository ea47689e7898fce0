"""The tolerance model: every allowed error is derived here from the unit roundoff u,
the dimensions, and (where it enters) the conditioning.

Notation follows Higham, *Accuracy and Stability of Numerical Algorithms* (2nd ed., 2002):
u is the unit roundoff of the working format and γ_k = k·u / (1 − k·u) bounds the relative
error accumulated by k successive roundings (Lemma 3.1).  All bounds below are for finite
results in the format's normal range; overflow and underflow are outside the model and
are reported as violations, not excused.
"""
from __future__ import annotations

import math

import numpy as np

_UNIT_ROUNDOFF = {
    "float64": 2.0 ** -53,
    "float32": 2.0 ** -24,
    "float16": 2.0 ** -11,
    "bfloat16": 2.0 ** -8,
    # TF32: float32's exponent, a 10-bit stored significand (tensor-core matmul inputs)
    "tf32": 2.0 ** -11,
}


def unit_roundoff(dtype) -> float:
    """u for a NumPy dtype or a dtype name ('bfloat16' is accepted by name)."""
    name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    try:
        return _UNIT_ROUNDOFF[name]
    except KeyError:
        raise ValueError(f"no unit roundoff known for dtype {name!r}; supported: {', '.join(_UNIT_ROUNDOFF)}") from None


def gamma(k: float, u: float) -> float:
    """Higham's γ_k = k u / (1 − k u); infinite once k u ≥ 1 (no accuracy is promised)."""
    ku = k * u
    return math.inf if ku >= 1 else ku / (1 - ku)


def gamma_prob(k: float, u: float, lam: float) -> float:
    """Higham & Mary's probabilistic counterpart of γ_k (SIAM J. Sci. Comput. 41(5), 2019,
    Theorem 2.4): if the k rounding errors δ_i are independent, mean-zero random variables with
    |δ_i| ≤ u, then |∏(1 + δ_i) − 1| ≤ γ̃_k(λ) = exp(λ√k·u + k u²/(1 − u)) − 1 with probability
    at least 1 − 2·exp(−λ²(1 − u)²/2).  To first order λ√k·u instead of k·u: the bound that
    fits what is observed at size, under an independence assumption that round-to-nearest on
    structured inputs can break — which is why a verdict above it is confirmed before it is
    reported (matspec.validate.judge)."""
    x = lam * math.sqrt(k) * u + k * u * u / (1 - u)
    return math.expm1(x) if x < 700 else math.inf


def lambda_for(count: float, alpha: float) -> float:
    """λ such that `count` probabilistic bounds all hold with probability ≥ 1 − alpha (a union
    bound over 2·exp(−λ²/2) each, the (1 − u)² factor dropped: it only enlarges λ's need by
    < 1 % for u ≤ 2⁻⁸)."""
    return math.sqrt(2.0 * math.log(2.0 * max(count, 1.0) / alpha))


# --- singular values ----------------------------------------------------------------

def svd_backward_factor(m: int, n: int, u: float) -> float:
    """Relative normwise backward error of a Householder-based SVD (LAPACK xGESDD/xGESVD).

    Bidiagonalisation applies at most m + n Householder reflectors of length ≤ max(m, n);
    by Higham Lemma 19.3 the computed factors satisfy B = Uᵀ(A + ΔA)V with
    ‖ΔA‖_F ≤ (m + n)·γ(c·max(m,n))‖A‖_F, c a small constant (we take c = 6: dot product,
    scaling, update, and the bidiagonal QR/dqds sweeps which are themselves backward
    stable at the same order).  Weyl's inequality then moves each singular value by at
    most ‖ΔA‖₂ ≤ ‖ΔA‖_F.
    """
    return (m + n) * gamma(6 * max(m, n), u)


def svdvals_abs_bound(m: int, n: int, u: float, fro_norm: float) -> float:
    """|σ̂_i − σ_i| ≤ ‖ΔA‖_F ≤ svd_backward_factor · ‖A‖_F for every i."""
    return svd_backward_factor(m, n, u) * fro_norm


# --- sums and norms computed entrywise ------------------------------------------------

def sum_rel(k: int, u: float) -> float:
    """A sum of k non-negative terms, each already carrying relative error ≤ δ, is off by
    at most γ_{k−1} relative (Higham §4.2, any summation order)."""
    return gamma(max(k - 1, 0), u)


def fro_rel(count: int, u: float) -> float:
    """‖x‖₂ = sqrt(Σ x_i²) over `count` entries: squaring (1 rounding), summing (count−1),
    and the square root (half of one rounding in relative terms, 1 to be safe):
    relative error ≤ γ_{count+1}/2 + u ≤ γ_{count+2}."""
    return gamma(count + 2, u)


def abs_sum_rel(count: int, u: float) -> float:
    """Σ|x_i| over `count` terms: |x| is exact, the sum costs γ_{count−1}."""
    return sum_rel(count, u)


def product_fro_bound(k: int, u: float, fro_a: float, fro_b: float) -> float:
    """‖fl(AB) − AB‖_F ≤ γ_k ‖|A||B|‖_F ≤ γ_k ‖A‖_F ‖B‖_F for inner dimension k
    (Higham §3.5, any summation order or blocking)."""
    return gamma(k, u) * fro_a * fro_b


def pow_rel(p: float, u: float) -> float:
    """x**p via libm pow: correctly rounded to within 1 ulp in practice; we allow
    γ_2 (one rounding in pow, one in the input conversion)."""
    return gamma(2, u)


# --- how a Frobenius-norm error bound moves any other norm ---------------------------

def norm_lipschitz_in_fro(kind: str, m: int, n: int, p: float | None = None, k: int | None = None) -> float:
    """c such that ‖E‖_kind ≤ c ‖E‖_F for every m×n E: then |‖X̂‖ − ‖X‖| ≤ c ‖X̂ − X‖_F
    by the reverse triangle inequality.  Each constant is the standard norm equivalence:

    * 2, Frobenius, max entry: 1;
    * induced 1-norm (max column sum): a column's 1-norm ≤ √m times its 2-norm;
    * induced ∞-norm (max row sum): √n likewise;
    * nuclear: ‖E‖_* ≤ √rank ‖E‖_F ≤ √min(m,n) ‖E‖_F (Cauchy–Schwarz on σ);
    * Schatten p ≥ 1: ‖σ‖_p ≤ r^{max(1/p − 1/2, 0)} ‖σ‖_2;
    * Ky Fan k: sum of k largest σ ≤ √k ‖σ‖_2.
    """
    r = min(m, n)
    if kind in ("2", "fro", "max"):
        return 1.0
    if kind == "1":
        return math.sqrt(m)
    if kind == "inf":
        return math.sqrt(n)
    if kind == "nuc":
        return math.sqrt(r)
    if kind == "schatten":
        return r ** max(1.0 / p - 0.5, 0.0)
    if kind == "kyfan":
        return math.sqrt(min(k, r))
    raise ValueError(f"unknown norm kind {kind!r}")
