"""The HiPPO-LegS matrix (seed 002 §2.5, §3.5, §4.4).

A_nk = −√((2n+1)(2k+1)) (k < n), −(n+1) (k = n), 0 (k > n); B_n = √(2(2n+1)), and
dc/dt = (A c + B f)/t.  ``GallerySpec('hippo_legs', n)`` holds A exactly.
"""
from __future__ import annotations

from math import factorial

import mpmath
import numpy as np
from hypothesis import strategies as st

from matspec.claim import Empirical, Form, Measurement, Verdict
from matspec.gallery import GallerySpec
from matspec.inputs import ArraySpec, OrthogonalSpec
from matspec.values import Val, eq, holds_that, le, lt

from ._common import NO_BF16_LINALG, Registry, src2

CLAIMS = Registry()


_DIMS = st.integers(1, 8)


# ----------------------------------------------------------------------------------
# structure, eigenvalues, stability
# ----------------------------------------------------------------------------------

def _structure(ops, n):
    A = ops.mat(GallerySpec("hippo_legs", n))
    rels = [holds_that(all(float(ops.entry(A, i, j).mid) == 0 for i in range(n) for j in range(i + 1, n)),
                       "A is lower triangular (every entry above the diagonal is 0)")]
    lam = ops.eigvals(A)
    for k in range(n):
        d = min((ev.dist(-(k + 1)) for ev in lam), key=lambda v: v.mid)
        rels.append(eq(d, 0, f"−{k + 1} is an eigenvalue of A"))
    for ev in lam:
        rels.append(lt(Val(ev.re, ev.rad), 0, "every eigenvalue has negative real part (stable)"))
    return rels


CLAIMS.add(
    id="hippo.structure_and_eigenvalues",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.5 HiPPO矩阵推导, 矩阵性质", "下三角矩阵；特征值：λ_n = −(n+1)（全为负，稳定系统）"),
    stated=Form("A is lower triangular with eigenvalues −1, −2, …, −d (all negative: stable)", _structure,
                lambda d: st.fixed_dictionaries({"n": _DIMS})),
    recorded=Verdict.HOLDS,
    note=("A triangular matrix's eigenvalues are its diagonal entries −(n+1).  Exact as mathematics; a floating-point "
          "eig on A itself is accurate because LAPACK keeps the triangular structure, but see "
          "hippo.eig_sensitivity for what happens after an orthogonal change of basis."),
)


# ----------------------------------------------------------------------------------
# does (A, B) reproduce the Legendre projection?
# ----------------------------------------------------------------------------------

def _shifted_legendre_moment(n: int, p: int):
    """∫₀¹ s^p P_n(2s − 1) ds = (p!)² / ((p − n)!(p + n + 1)!) for p >= n, else 0 (orthogonality)."""
    if p < n:
        return mpmath.mpf(0)
    return mpmath.mpf(factorial(p) ** 2) / (factorial(p - n) * factorial(p + n + 1))


def _ode_residual(d: int, p: int, weight, B, moment=_shifted_legendre_moment):
    """For f(τ) = τ^p and c_n(t) = (w_n/t)∫₀ᵗ f(τ)P_n(2τ/t − 1)dτ = w_n t^p I_{n,p}, the residual of
    dc/dt = (Ac + Bf)/t is t^{p−1}[p w_n I_{n,p} − Σ_k A_nk w_k I_{k,p} − B_n]: independent of t, and
    f ↦ residual is linear, so monomials τ^p (p = 0..d+2) decide every polynomial f."""
    with mpmath.workdps(50):
        out = []
        for n in range(d):
            acc = p * weight(n) * moment(n, p) - B(n)
            for k in range(n + 1):
                a = -(n + 1) if k == n else -mpmath.sqrt((2 * n + 1) * (2 * k + 1))
                acc -= a * weight(k) * moment(k, p)
            out.append(abs(acc))
        return max(out)


def _ode_check(d, p, weight, B, text):
    r = _ode_residual(d, p, weight, B)
    # 50-digit evaluation of a short sum of square roots and rationals: rounding < 1e-45
    return eq(Val(r, mpmath.mpf(10) ** -45), 0, text)


def _proj_stated(ops, d, p):
    return _ode_check(d, p, lambda n: mpmath.mpf(2), lambda n: mpmath.sqrt(2 * (2 * n + 1)),
                      f"c_n(t) = ∫₀ᵗ f P_n(2τ/t−1)(2/t)dτ solves dc/dt = (Ac + Bf)/t, B_n = √(2(2n+1)) (f = τ^{p}, d = {d})")


def _proj_corrected(ops, d, p):
    return _ode_check(d, p, lambda n: mpmath.sqrt(2 * (2 * n + 1)), lambda n: mpmath.sqrt(2 * (2 * n + 1)),
                      f"c_n(t) = ∫₀ᵗ f g_n (2/t)dτ with orthonormal g_n = √((2n+1)/2)P_n solves the ODE (f = τ^{p}, d = {d})")


def _proj_inputs(d):
    return st.integers(1, 6).flatmap(lambda dd: st.fixed_dictionaries({"d": st.just(dd), "p": st.integers(0, dd + 2)}))


CLAIMS.add(
    id="hippo.legendre_projection",
    provenance=src2("2.5 HiPPO矩阵推导, 步骤2–3",
                    "c_n(t) = ∫₀ᵗ f(τ)P_n(2τ/t − 1)ω(t, τ)dτ, ω = 2/t … dc/dt = (1/t)Ac(t) + (1/t)Bf(t), "
                    "A_nk = −√((2n+1)(2k+1)) (k<n), −(n+1) (k=n); B_n = √(2(2n+1))"),
    stated=Form("with c_n(t) = ∫₀ᵗ f(τ)P_n(2τ/t − 1)(2/t)dτ, dc/dt = (Ac + Bf)/t holds with the printed A and B",
                _proj_stated, _proj_inputs, examples=[{"d": 1, "p": 0}]),
    repaired=Form("with c_n(t) = ∫₀ᵗ f(τ)g_n(2τ/t − 1)(2/t)dτ, g_n = √((2n+1)/2)P_n orthonormal for the weight, "
                  "dc/dt = (Ac + Bf)/t holds with the printed A and B", _proj_corrected, _proj_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    tags=("math-only",),
    note=("The printed A and B are right, but for coefficients in the *orthonormal* basis of the weight 2/t "
          "(g_n = √((2n+1)/2)P_n), not for the plain P_n of the printed projection: with f ≡ 1, d = 1 the printed "
          "c₀ = 2 is constant while (Ac + Bf)/t = (−2 + √2)/t ≠ 0.  (Equivalently, Gu et al.'s form: measure 1/t, "
          "basis √(2n+1)P_n, B_n = √(2n+1), which differs from the printed one by the factor √2 in c and B.)  "
          "Checked exactly: for f = τ^p the ODE residual is t^{p−1} times a constant computed at 50 digits; "
          "monomials p <= d + 2 cover all polynomials by linearity (math only)."),
)


# ----------------------------------------------------------------------------------
# "D + UVᵀ" (§4.4) vs normal plus low rank
# ----------------------------------------------------------------------------------

def _selector(rows, n):
    return ArraySpec.of([[1.0 if j == r else 0.0 for j in range(n)] for r in rows])


def _dplr_stated(ops, n):
    A = ops.mat(GallerySpec("hippo_legs", n))
    odd, even = list(range(1, n, 2)), list(range(0, n, 2))
    Sr, Sc = ops.mat(_selector(odd, n)), ops.mat(_selector(even[: len(odd)], n))
    # rows 1, 3, 5, … and columns 0, 2, 4, …: no diagonal entry of A, so the submatrix is the same for
    # A − D with any diagonal D; it is lower triangular with nonzero diagonal, rank ⌊n/2⌋.
    sub = ops.matmul(ops.matmul(Sr, A), ops.transpose(Sc))
    s = ops.svdvals(sub)
    return le(s[2], 0, "rank(A − D) <= 2 for some diagonal D requires σ₃ of the off-diagonal submatrix "
                       "A[1::2, 0::2] to vanish")


def _nplr(ops, n):
    A = ops.mat(GallerySpec("hippo_legs", n))
    PP = ops.mat(GallerySpec("hippo_pp", n))
    S = ops.add(ops.add(A, PP), ops.scale(0.5, ops.identity(n)))
    return eq(ops.norm(ops.add(S, ops.transpose(S)), "fro"), 0,
              "A + PPᵀ + I/2 is skew-symmetric (P_n = √(n + 1/2)): A = normal − rank 1")


CLAIMS.add(
    id="hippo.diagonal_plus_low_rank",
    provenance=src2("4.4 方法3：HiPPO矩阵 - 批判性分析, 优化1：S4结构化矩阵",
                    "利用HiPPO矩阵的特殊结构（下三角 + 低秩），分解为：A = D + UVᵀ，D 是对角，U, V ∈ R^{d×r}，r ≪ d"),
    stated=Form("A = D + UVᵀ with D diagonal and r <= 2 (r ≪ d)", _dplr_stated,
                lambda d: st.fixed_dictionaries({"n": st.integers(6, 8)}), examples=[{"n": 6}]),
    repaired=Form("A = N − PPᵀ with N = −I/2 + S, S skew-symmetric, P_n = √(n + 1/2): normal plus rank 1 (S4's NPLR)",
                  _nplr, lambda d: st.fixed_dictionaries({"n": _DIMS})),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Diagonal plus low rank is false: for every diagonal D, rank(A − D) >= ⌊d/2⌋, because A[1::2, 0::2] avoids "
          "the diagonal and is lower triangular with nonzero diagonal.  What S4 uses is *normal* plus low rank: "
          "A + PPᵀ = −I/2 + S with S skew-symmetric, so A is unitarily diagonalisable up to a rank-1 term (the "
          "diagonalisation of the normal part is well conditioned, unlike A's own eigenvectors)."),
)


# ----------------------------------------------------------------------------------
# eigenvalue sensitivity after an orthogonal change of basis (empirical)
# ----------------------------------------------------------------------------------

def _eigvec_cond(n: int) -> float:
    """κ₂ of A's eigenvector matrix, columns normalised, computed exactly enough: A is triangular
    with distinct eigenvalues, so V is triangular by back-substitution at 60 digits and κ₂(V) comes
    from mpmath's SVD of it."""
    with mpmath.workdps(60 + 2 * n):
        A = GallerySpec("hippo_legs", n).to_mp(60 + 2 * n)
        V = mpmath.matrix(n, n)
        for k in range(n):  # eigenvector for λ = −(k+1): zero above k, 1 at k, solve below
            lam = A[k, k]
            v = [mpmath.mpf(0)] * n
            v[k] = mpmath.mpf(1)
            for i in range(k + 1, n):
                s = sum(A[i, j] * v[j] for j in range(k, i))
                v[i] = -s / (A[i, i] - lam)
            nrm = mpmath.sqrt(sum(x * x for x in v))
            for i in range(n):
                V[i, k] = v[i] / nrm
        s = mpmath.svd_r(V, compute_uv=False)
        return float(max(s) / min(s))


def _measure_eig():
    rows = []
    u = 2.0 ** -53
    for n in (4, 8, 16, 24, 32):
        Q, _ = OrthogonalSpec(n=n, seed=1).to_numpy()
        A, _ = GallerySpec("hippo_legs", n).to_numpy()
        B = Q @ A @ Q.T
        w = np.linalg.eigvals(B)
        w = np.sort_complex(w)
        exact = -np.arange(n, 0, -1, dtype=float)
        # match each computed eigenvalue to an exact one (optimal matching is overkill: sort by real part)
        err = float(np.max(np.abs(np.sort(w.real) - exact) + np.abs(w.imag)))
        kv = _eigvec_cond(n)
        rows.append({"n": n, "max_abs_error": err, "kappa_V": kv, "bauer_fike_bound_u_normA": kv * u * float(np.linalg.norm(A, 2))})
    worst = max(r["max_abs_error"] for r in rows)
    return Measurement(worst, ("float64 numpy.linalg.eigvals on QAQᵀ, Q Haar (OrthogonalSpec seed 1), n ∈ {4, 8, 16, 24, 32}; "
                               "metric: max |λ̂ − λ| with λ = −1…−n matched by sorted real part; κ_V = κ₂ of A's "
                               "normalised eigenvector matrix (60+ digits)"), {"rows": rows})


CLAIMS.add(
    id="hippo.eig_sensitivity",
    provenance=src2("2.5 HiPPO矩阵推导, 矩阵性质", "特征值：λ_n = −(n+1)"),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    empirical=Empirical(
        document_figure="eigenvalues exactly −1, −2, …, −d (what a float64 eig should return)",
        measure=_measure_eig,
        agrees=lambda m: m.value <= 1e-6,
        rule="agree iff float64 eig of an orthogonally transformed HiPPO matrix recovers every −(n+1) to 1e-6 for n <= 32",
        expect_agreement=False,
    ),
    note=("The eigenvalues are exact in theory but violently ill-conditioned: A's eigenvector matrix has κ₂(V) growing "
          "exponentially with n, so after an orthogonal change of basis (which hides the triangular structure from "
          "LAPACK) float64 eig loses them — see the measured errors and κ_V per n in the measurement.  The "
          "Bauer–Fike-type estimate κ₂(V)·u·‖A‖₂ tracks the observed error (first-order, the errors sit well below it)."),
)
