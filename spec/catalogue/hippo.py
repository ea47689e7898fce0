"""The HiPPO-LegS matrix (seed 002 §2.5, §3.5, §4.4).

A_nk = −√((2n+1)(2k+1)) (k < n), −(n+1) (k = n), 0 (k > n); B_n = √(2(2n+1)), and
dc/dt = (A c + B f)/t.  ``GallerySpec('hippo_legs', n)`` holds A exactly.
"""
from __future__ import annotations

from fractions import Fraction
from math import factorial

import mpmath
from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.gallery import GallerySpec
from matspec.inputs import ArraySpec
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
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.5 HiPPO矩阵推导, 矩阵性质", "下三角矩阵；特征值：λ_n = −(n+1)（全为负，稳定系统）"),
    stated=Form("A is lower triangular with eigenvalues −1, −2, …, −d (all negative: stable)", _structure,
                lambda d: st.fixed_dictionaries({"n": _DIMS})),
    recorded=Verdict.HOLDS,
    note=("A triangular matrix's eigenvalues are its diagonal entries −(n+1).  Exact as mathematics; a floating-point "
          "eig on A itself is accurate because LAPACK keeps the triangular structure; after an orthogonal change "
          "of basis the eigenvalues are violently ill-conditioned (κ₂(V) ≈ 1e17 at d = 24) and float64 eig loses "
          "them — a fact about LAPACK, not a claim of the document: the report's HiPPO figure shows it."),
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
    note_reports_flaw=True,
    erratum="A and B are right for the orthonormal basis √((2n+1)/2)·P_n of the weight 2/t, not for the printed P_n.",
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
    note_reports_flaw=True,
    erratum="A is not diagonal plus low rank (rank(A − D) ≥ ⌊d/2⌋ for every diagonal D): it is normal plus rank 1.",
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



# ----------------------------------------------------------------------------------
# §4.4 defect 1 (and §3.5): how the approximation error behaves in t and in the state size d
# ----------------------------------------------------------------------------------
#
# LegS's state at time t holds the coefficients of the L²(dτ/t) projection of f|[0, t] onto polynomials of degree
# < d (hippo.legendre_projection, corrected form).  For f(τ) = τ^p the squared error of that projection is computed
# two independent ways: directly, by least squares in the monomial basis on [0, t] (Hilbert-type Gram matrix,
# exact rational arithmetic), and through the shifted Legendre moments at t = 1 scaled by t^{2p}.

def proj_error_sq_direct(d: int, p: int, t: Fraction) -> Fraction:
    """min over polynomials q of degree < d of (1/t)∫₀ᵗ (τ^p − q(τ))² dτ, exactly: ‖f‖² − bᵀH⁻¹b with
    H_ij = t^{i+j}/(i+j+1), b_i = t^{i+p}/(i+p+1), ‖f‖² = t^{2p}/(2p+1)."""
    t = Fraction(t)
    H = [[t ** (i + j) / (i + j + 1) for j in range(d)] for i in range(d)]
    b = [t ** (i + p) / (i + p + 1) for i in range(d)]
    # Gaussian elimination on the (positive definite) Gram matrix, exact
    A = [row[:] + [bi] for row, bi in zip(H, b)]
    for k in range(d):
        for i in range(k + 1, d):
            f = A[i][k] / A[k][k]
            A[i] = [x - f * y for x, y in zip(A[i], A[k])]
    x = [Fraction(0)] * d
    for i in reversed(range(d)):
        x[i] = (A[i][d] - sum(A[i][j] * x[j] for j in range(i + 1, d))) / A[i][i]
    return t ** (2 * p) / (2 * p + 1) - sum(bi * xi for bi, xi in zip(b, x))


def proj_error_sq_legendre(d: int, p: int, t, moment=_shifted_legendre_moment):
    """The same through the orthonormal basis √(2n+1)P_n(2s − 1) of L²[0, 1]: t^{2p}(1/(2p+1) − Σ_{n<d}(2n+1)I_{n,p}²)."""
    with mpmath.workdps(60):
        e1 = mpmath.mpf(1) / (2 * p + 1) - mpmath.fsum((2 * n + 1) * moment(n, p) ** 2 for n in range(d))
        tt = mpmath.mpf(Fraction(t).numerator) / Fraction(t).denominator
        return tt ** (2 * p) * e1


def _err(d, p, t, route="direct", moment=_shifted_legendre_moment):
    with mpmath.workdps(60):
        if route == "direct":
            q = proj_error_sq_direct(d, p, Fraction(t))
            v = mpmath.sqrt(mpmath.mpf(q.numerator) / q.denominator)
            return Val(v, mpmath.mpf(10) ** -40)  # the square root of an exact rational, at 60 digits
        # The Legendre route's E² is a difference of ≤ 9 terms of size ≤ 1 at 60 digits, times
        # t^{2p} ≤ 10^16 (t ≤ 10, p ≤ 8): |Ẽ² − E²| ≤ 10^-42.  √ is ½-Hölder, |√a − √b| ≤ √|a − b|,
        # so where E² ≈ 0 (d > p) E itself is known only to 10^-21 — a 10^-40 radius here made
        # E = 0 against a computed 6e-33 look like a refutation (found by --profile heavy).
        v = mpmath.sqrt(max(proj_error_sq_legendre(d, p, t, moment), 0))
        return Val(v, mpmath.mpf(10) ** -21)


_T_GRID = st.sampled_from(("1/2", "1", "2", "10"))


def _rate_inputs(d):
    return st.integers(1, 5).flatmap(lambda dd: st.fixed_dictionaries(
        {"d": st.just(dd), "p": st.integers(dd, dd + 3), "t": _T_GRID}))


def _rate_stated(ops, d, p, t):
    t = Fraction(t)
    return lt(_err(d, p, 2 * t), _err(d, p, t),
              f"E(t) ∼ t^-d decays: E({2 * t}) < E({t}) for f = τ^{p}, d = {d}")


def _rate_corrected(ops, d, p, t, moment=_shifted_legendre_moment):
    t = Fraction(t)
    rels = [eq(_err(d, p, t), _err(d, p, t, "legendre", moment),
               f"E_d(t) == t^p·E_d(1) (f = τ^{p}, d = {d}, t = {t}): the error grows like t^p"),
            le(_err(d + 1, p, t), _err(d, p, t), "E_{d+1}(t) <= E_d(t): more state, no more error")]
    if d > p:
        rels.append(eq(_err(d, p, t), 0, "E_d = 0 once d > p (τ^p lies in the span)"))
    return rels


def _rate_corrected_inputs(d):
    return st.integers(1, 5).flatmap(lambda dd: st.fixed_dictionaries(
        {"d": st.just(dd), "p": st.integers(0, dd + 3), "t": _T_GRID}))


CLAIMS.add(
    id="hippo.approximation_error_rate",
    note_reports_flaw=True,
    erratum="For a fixed signal the error of the d-dimensional LegS summary grows with t (like t^p for f = τ^p), it does not decay like t^-d.",
    provenance=src2("4.4 方法3：HiPPO矩阵 - 批判性分析, 缺陷1：分辨率-长度权衡", "数学：逼近误差 E(t) ∼ t^{-d}（多项式衰减）"),
    also=(src2("3.5 HiPPO矩阵的\"智能笔记本\"类比", "记忆能力：d 个系数可以以 O(t^{-d}) 速率逼近历史"),),
    stated=Form("the error E(t) of HiPPO-LegS's d-coefficient summary of f on [0, t] decays like t^-d: E(2t) < E(t) "
                "(f = τ^p, p >= d)", _rate_stated, _rate_inputs, examples=[{"d": 1, "p": 1, "t": "1"}]),
    repaired=Form("for f = τ^p, E_d(t) = t^p·E_d(1): the error grows with t; it is nonincreasing in d and 0 once d > p",
                  _rate_corrected, _rate_corrected_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    tags=("math-only",),
    note=("LegS's state at t is the projection of f|[0, t] onto polynomials of degree < d under the uniform measure "
          "dτ/t (hippo.legendre_projection).  Substituting τ = ts shows E_f(t) = E_{f(t·)}(1): for f = τ^p the error "
          "is t^p·E(1) — constant for p = 0, *growing* for p >= 1 (d = 1, f = τ: E(t) = t/√12).  In the state size "
          "the error decreases (nested subspaces); Gu et al. (2020, Prop. 6) bound it by O(t^k d^{-k+1/2}) for f with "
          "k bounded derivatives — polynomial in d, growing in t.  Computed two independent ways, exactly: least "
          "squares in the monomial basis on [0, t] and shifted Legendre moments scaled by t^{2p} (math only)."),
)


def _resolution(ops, d, p, t, moment=_shifted_legendre_moment):
    t = Fraction(t)
    return [lt(_err(d, p, t, "legendre", moment), _err(d, p, 2 * t, "legendre", moment),
               f"fixed d = {d}: E({t}) < E({2 * t}) for f = τ^{p} — the longer the history, the coarser the summary"),
            eq(_err(d, p, t), _err(d, p, t, "legendre", moment), "the Legendre-moment error equals the direct one")]


CLAIMS.add(
    id="hippo.resolution_decreases_with_t",
    note_reports_flaw=False,
    provenance=src2("4.4 方法3：HiPPO矩阵 - 批判性分析, 缺陷1：分辨率-长度权衡", "问题：维度 d 固定时，时间越长，分辨率越低"),
    stated=Form("for fixed d the LegS summary of a fixed signal on [0, t] gets coarser as t grows: E(t) < E(2t) "
                "(f = τ^p, p >= d)", _resolution, _rate_inputs),
    recorded=Verdict.HOLDS,
    tags=("math-only",),
    note=("The d coefficients summarise all of [0, t] with the uniform measure dτ/t, so a fixed feature of f occupies "
          "an ever smaller share of the window: E(t) = t^p·E(1) for f = τ^p (p >= d, E(1) > 0).  The same computation "
          "refutes the next sentence's 'E(t) ∼ t^-d' (hippo.approximation_error_rate)."),
)


# ----------------------------------------------------------------------------------
# §4.4 defect 2: LTI?  Can the linear state tell the order of the inputs apart?
# ----------------------------------------------------------------------------------

def legs_state(values, d: int, T=None):
    """c(T) of LegS for the piecewise-constant input f = values[k] on [k, k+1), T = len(values) by default:
    c_n(T) = ∫₀ᵀ f(τ) g_n(2τ/T − 1)(2/T)dτ with the orthonormal g_n = √((2n+1)/2)P_n (the basis the printed A and B
    fit, hippo.legendre_projection), exactly: ∫P_n = (P_{n+1} − P_{n−1})/(2n+1), ∫P_0 = u."""
    T = len(values) if T is None else T
    with mpmath.workdps(50):
        def Q(n, u):
            return u if n == 0 else (mpmath.legendre(n + 1, u) - mpmath.legendre(n - 1, u)) / (2 * n + 1)

        out = []
        for n in range(d):
            acc = mpmath.mpf(0)
            for k, x in enumerate(values):
                if x:
                    u0, u1 = mpmath.mpf(2 * k) / T - 1, mpmath.mpf(2 * (k + 1)) / T - 1
                    acc += x * (Q(n, u1) - Q(n, u0))
            out.append(mpmath.sqrt(mpmath.mpf(2 * n + 1) / 2) * acc)
        return out


def _state_distance(c1, c2):
    # Radius 1e-40: √Σ(a − b)² is the 2-norm of c1 − c2, 1-Lipschitz in each state (no √ of a near-zero
    # difference amplifying it), so its error is <= ‖δc1‖ + ‖δc2‖ + 10⁻⁵⁰·(the distance).  Each c_n of
    # legs_state is <= 5 terms |x|·|Q(u1) − Q(u0)|·√((2n+1)/2) <= 8·4·3 (tokens <= 8, |P_n| <= 1 on [−1, 1],
    # n < 8) at 50 digits: error ~1e-47 per entry, ~1e-46 over d <= 8 entries, far below 1e-40.
    with mpmath.workdps(50):
        return Val(mpmath.sqrt(mpmath.fsum((a - b) ** 2 for a, b in zip(c1, c2))), mpmath.mpf(10) ** -40)


def _word_order(ops, d, cat, mouse):
    the, ate = 1, 5
    s1 = [the, cat, ate, the, mouse]
    s2 = [the, mouse, ate, the, cat]
    return eq(_state_distance(legs_state(s1, d), legs_state(s2, d)), 0,
              f"the LegS state (d = {d}) of 'the cat ate the mouse' equals that of 'the mouse ate the cat' "
              f"(tokens the = 1, cat = {cat}, ate = 5, mouse = {mouse})")


CLAIMS.add(
    id="hippo.linear_state_order",
    note_reports_flaw=True,
    erratum="A linear state of size d >= 2 does tell the two orders apart: c₁ (the linear trend) differs; only d = 1 (the mean) cannot.",
    corrected="HiPPO's state c(t) is linear in the input but weights it by position: for d >= 2 'the cat ate the mouse' and 'the mouse ate the cat' give different states; what a linear state cannot compute is a nonlinear function of the tokens",
    provenance=src2("4.4 方法3：HiPPO矩阵 - 批判性分析, 缺陷2：线性系统限制",
                    "理论：线性投影无法区分 \"The cat ate the mouse\" vs \"The mouse ate the cat\""),
    stated=Form("HiPPO's linear state cannot distinguish 'The cat ate the mouse' from 'The mouse ate the cat' (scalar "
                "token embeddings, one token per unit of time, state of size d)", _word_order,
                lambda d: st.fixed_dictionaries({"d": st.integers(2, 8), "cat": st.integers(2, 4),
                                                 "mouse": st.integers(6, 8)}),
                examples=[{"d": 2, "cat": 2, "mouse": 7}]),
    recorded=Verdict.REFUTED,
    tags=("math-only",),
    note=("The state is c(T) = ∫ K(T, τ) f(τ) dτ, linear in f but with a kernel that depends on τ: swapping the "
          "positions of 'cat' and 'mouse' changes every coefficient n >= 1 (c₁ weights early tokens negatively and "
          "late ones positively).  Only a state of size 1 — the mean — is order-blind, and so is any bag-of-words "
          "sum; HiPPO at d = 64 (§4.4's example) is not.  Exact Legendre integrals of the piecewise-constant input "
          "(math only)."),
)


def _time_shift(ops, d, s):
    a = legs_state([1], d)  # f = 1 on [0, 1), state at t = 1
    b = legs_state([0] * s + [1], d)  # the same input delayed by s, state at t = 1 + s
    return eq(_state_distance(a, b), 0,
              f"LTI: delaying the input by {s} delays the state (c(1) for f = 1 on [0, 1) == c(1 + {s}) for f delayed)")


CLAIMS.add(
    id="hippo.legs_time_varying",
    note_reports_flaw=True,
    erratum="HiPPO-LegS is not time-invariant: dc/dt = (Ac + Bf)/t, so delaying the input changes the state (f = 1 on [0, 1): c₀ = √2 at t = 1, √2/2 delayed by 1).",
    corrected="HiPPO-LegS is linear but time-varying (the 1/t makes its window grow with t); the fixed-window LegT is the linear time-invariant member of the family",
    provenance=src2("4.4 方法3：HiPPO矩阵 - 批判性分析, 缺陷2：线性系统限制", "问题：HiPPO只适用于LTI系统，难以建模非线性依赖"),
    stated=Form("the HiPPO(-LegS) memory is a linear time-invariant system: delaying the input by s delays the state by s",
                _time_shift, lambda d: st.fixed_dictionaries({"d": st.integers(1, 4), "s": st.integers(1, 3)}),
                examples=[{"d": 1, "s": 1}]),
    recorded=Verdict.REFUTED,
    tags=("math-only",),
    note=("An LTI system's response to f(τ − s) is its response to f, delayed by s.  LegS's state at t summarises "
          "[0, t] with the measure dτ/t, so the same unit pulse seen at t = 1 (it fills the window) and at t = 1 + s "
          "(it fills 1/(1 + s) of it) gives different states: c₀ = √2 vs √2/(1 + s).  The matrices A, B are constant, "
          "but the system matrix A/t is not.  ('Hard to model nonlinear dependencies' is true of any linear state; "
          "too vague to test as written.)  Exact Legendre integrals (math only)."),
)
