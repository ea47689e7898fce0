"""Claims of 004 §7: the condition number (the parts the op set can check).

Sections: 7.1 Definition and Intuition · 7.3 Properties and Bounds · 7.4 Tikhonov Regularization ·
7.5 Estimating Condition Numbers (with §4.2's power-iteration rate, which §7.5 relies on).

Most claims here build A = U·diag(σ)·V from orthogonal specs with power-of-two σ, so that
A⁻¹ = Vᵀ·diag(1/σ)·Uᵀ is an exact object the op set can also build (no inverse op is trusted);
norm_dependence uses ops.inv on drawn matrices and checks ‖A·inv(A) − I‖_F = 0 alongside.

§7.3 "norm dependence" is made concrete with derived constants (conditioning.norm_dependence, via ops.inv);
§4.2's power-iteration rate and §7.5's power / inverse power iteration are conditioning.power_iteration_rate.
§7.2's forward error bound and digits-lost rule and §7.4's Tikhonov solution norm (they need solve) live in
linear_systems (forward_error_bound, digits_lost_rule, tikhonov_solution_norm).

Not encoded: §7.5 "LAPACK routines. scipy.linalg.svd + ratio; or np.linalg.cond(A, p)" (a pointer to
library functions, no claim).
"""
from __future__ import annotations

import dataclasses

import mpmath
from hypothesis import strategies as st

from matspec.catalogue._common import NO_BF16_LINALG, Registry, src
from matspec.catalogue.schatten import diag_of, diag_spec
from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, MatrixSpec, OrthogonalSpec
from matspec.strategies import SEEDS, dims, half_scale, matrices, vector_entries
from matspec.values import Val, eq, ge, le, lt, sqrt, vsum

CLAIMS = Registry()

FULL_RANK_MODES = ("geometric", "arithmetic", "one_large", "one_small", "log_uniform", "clustered", "repeated")
# Powers of two: 1/σ is exact, so A⁻¹ = Vᵀ diag(1/σ) Uᵀ is an exact object.
POW2 = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def _kappa(svals):
    """κ₂ = σ1/σn from the singular values (descending)."""
    return svals[0] / svals[-1]


def _low_kappa(d: Domain, cap: int = 3) -> Domain:
    # NumPy float32 certifies σn only to ~u·‖A‖_F: for κ beyond ~1e6 σn's interval contains 0 and
    # κ is undecided.  Claims that compare κ with κ draw κ <= 10^cap so every backend decides.
    return dataclasses.replace(d, max_log10_kappa=min(cap, d.max_log10_kappa))


def _square_full_rank(d: Domain, max_dim=None):
    return dims(d, 1, max_dim).flatmap(
        lambda n: matrices(d, m=n, n=n, modes=FULL_RANK_MODES, full_rank=True))


# --- exact A and A⁻¹ ---------------------------------------------------------------

def _inv_inputs(d: Domain, max_dim: int = 5):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, max_dim))
        sig = sorted(draw(st.lists(st.sampled_from(POW2), min_size=n, max_size=n)), reverse=True)
        j = draw(st.integers(-3, 3))  # an exact power-of-two overall scale
        sig = [s * 2.0 ** j for s in sig]
        return {"U": OrthogonalSpec(n, draw(SEEDS)), "V": OrthogonalSpec(n, draw(SEEDS)), "D": diag_spec(n, n, sig)}

    return build()


def _a_and_inverse(ops, U, V, D):
    sig = diag_of(D)
    n = len(sig)
    MU, MV = ops.mat(U), ops.mat(V)
    A = ops.matmul(ops.matmul(MU, ops.mat(diag_spec(n, n, sig))), MV)
    Ainv = ops.matmul(ops.matmul(ops.transpose(MV), ops.mat(diag_spec(n, n, [1.0 / s for s in sig]))),
                      ops.transpose(MU))
    return A, Ainv


def _inverse_sanity(ops, A, Ainv, n):
    return eq(ops.norm(ops.sub(ops.matmul(A, Ainv), ops.identity(n)), "fro"), 0, "‖A·A⁻¹ − I‖_F == 0")


# ----------------------------------------------------------------------------------
# 7.1 Definition and Intuition
# ----------------------------------------------------------------------------------

def _kappa2_ratio(ops, U, V, D):
    sig = diag_of(D)
    A, Ainv = _a_and_inverse(ops, U, V, D)
    s = ops.svdvals(A)
    a2, ai2 = ops.norm(A, "2"), ops.norm(Ainv, "2")
    return [
        _inverse_sanity(ops, A, Ainv, len(sig)),
        eq(a2, s[0], "‖A‖₂ == σ1(A)"),
        eq(ai2, 1 / s[-1], "‖A⁻¹‖₂ == 1/σn(A)"),
        eq(a2 * ai2, _kappa(s), "κ₂(A) = ‖A‖₂‖A⁻¹‖₂ == σ1(A)/σn(A)"),
    ]


CLAIMS.add(
    id="conditioning.kappa2_sigma_ratio",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.1 Definition and Intuition",
                   "κ2(A) = ‖A‖2 ‖A⁻¹‖2 = σ1(A) · 1/σn(A) = σ1(A)/σn(A) — the ratio of the largest to "
                   "smallest singular value."),
    also=(src("条件数 (condition number)", "κ(A) = ‖A‖·‖A⁻¹‖ ... with σ1 >= ... >= σn, κ(A) = σmax/σmin",
              seed="000_e07863d955181072.txt"),
          src("Definition and Calculation", "κ(A) = ‖A‖·‖A⁻¹‖ ... κ2(A) = σmax(A)/σmin(A)", seed="001_8eec6619deaaf78f.txt"),
          src("5. Numerical Stability (Condition Number)", "κ(A) = σ_max / σ_min", seed="003_bf2a8a0195573cb6.txt")),
    stated=Form("A n×n nonsingular: ‖A‖₂‖A⁻¹‖₂ == σ1/σn, with ‖A⁻¹‖₂ == 1/σn", _kappa2_ratio, _inv_inputs),
    recorded=Verdict.HOLDS,
    note=("A = U·diag(σ)·V with σ powers of two (exact inverse Vᵀ diag(1/σ) Uᵀ, checked by ‖AA⁻¹ − I‖_F = 0); "
          "σ1/σn from svdvals (descending); σ_i in {1/4, …, 8}·2^j, so κ <= 32."),
)


# ----------------------------------------------------------------------------------
# 7.3 Properties and Bounds
# ----------------------------------------------------------------------------------

def _kappa_ge_one_drawn(ops, A):
    s = ops.svdvals(ops.mat(A))
    return ge(_kappa(s), 1, "κ₂(A) = σ1/σn >= 1")


# The norms a κ statement is checked in (issue 16, "norm-generic statements"): 004 §7.1 defines κ_p for the
# induced p-norms, checked for p = 1, 2, ∞ (p → p for other p is NP-hard in general and is not in the op set);
# 001 defines κ for "a given matrix norm", which adds the Frobenius norm.
KAPPA_NORMS_004 = ("1", "2", "inf")
KAPPA_NORMS_001 = ("1", "2", "inf", "fro")
_PNAME = {"1": "₁", "2": "₂", "inf": "_∞", "fro": "_F"}


def _kappa_ge_one(ops, U, V, D):
    sig = diag_of(D)
    A, Ainv = _a_and_inverse(ops, U, V, D)
    s = ops.svdvals(A)
    rels = [_inverse_sanity(ops, A, Ainv, len(sig)), ge(_kappa(s), 1, "σ1/σn >= 1")]
    for p in KAPPA_NORMS_001:
        k = _PNAME[p]
        a, ai = ops.norm(A, p), ops.norm(Ainv, p)
        rels += [le(ops.norm(ops.matmul(A, Ainv), p), a * ai, f"‖AA⁻¹‖{k} <= ‖A‖{k}‖A⁻¹‖{k}"),
                 ge(a * ai, 1, f"κ{k}(A) = ‖A‖{k}‖A⁻¹‖{k} >= 1")]
    return rels


CLAIMS.add(
    id="conditioning.kappa_ge_one",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds",
                   "κ(A) ≥ 1 for all nonsingular A (since 1 = ‖I‖ = ‖AA⁻¹‖ ≤ ‖A‖‖A⁻¹‖)"),
    also=(src("Properties", "κ(A) >= 1 for any matrix.", seed="001_8eec6619deaaf78f.txt"),),
    stated=Form("A nonsingular: κ_p(A) = ‖A‖_p‖A⁻¹‖_p >= ‖AA⁻¹‖_p >= 1 for p = 1, 2, ∞ and F; σ1/σn >= 1",
                _kappa_ge_one, _inv_inputs),
    recorded=Verdict.HOLDS,
    note=("Checked in every norm the two definitions cover: the induced 1, 2, ∞ norms (004's κ_p) and the Frobenius "
          "norm (001's 'a given matrix norm'; there ‖AA⁻¹‖_F = √n, so κ_F >= √n >= 1), with an exact inverse "
          "(see conditioning.kappa2_sigma_ratio)."),
)


def _scaled_orth_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 8))
        c = draw(st.sampled_from((1.0, -1.0, 0.5, -2.0, 3.0, 1e-3, 1e3)))
        kappa_one = MatrixSpec(m=n, n=n, mode="geometric", log10_kappa=0,
                               log10_scale=0, seed=draw(SEEDS))
        other = draw(matrices(_low_kappa(d), m=n, n=n, modes=("geometric", "one_small", "one_large"),
                              full_rank=True).filter(lambda s: s.log10_kappa >= 1 and n >= 2)) if n >= 2 else None
        return {"Q": OrthogonalSpec(n, draw(SEEDS)), "c": c, "K1": kappa_one, "j": draw(st.integers(-3, 3)),
                "B": other}

    return build()


def _kappa_one_iff(ops, Q, c, K1, j, B):
    n = Q.n
    cQ = ops.scale(c, ops.mat(Q))
    rels = [eq(_kappa(ops.svdvals(cQ)), 1, f"κ₂(c·Q) == 1 (c = {c})")]
    # converse: κ₂(A) = 1 ⇒ A = σ1·(orthogonal), i.e. AᵀA = σ1² I.  A = 2^j·K1 with K1 = U Vᵀ (all σ = 1)
    # so that σ1² = 4^j is an exact float.
    M = ops.scale(2.0 ** j, ops.mat(K1))
    s = ops.svdvals(M)
    gram = ops.matmul(ops.transpose(M), M)
    rels.append(eq(_kappa(s), 1, "κ₂(A) == 1 for A with all σ_i equal"))
    rels.append(eq(s[0], 2.0 ** j, "σ1(A) == 2^j"))
    rels.append(eq(ops.norm(ops.sub(gram, ops.scale(4.0 ** j, ops.identity(n))), "fro"), 0,
                   "κ₂(A) = 1 ⇒ ‖AᵀA − σ1² I‖_F == 0 (A/σ1 orthogonal)"))
    if B is not None:
        # not a multiple of an orthogonal matrix ⇒ κ > 1 (definitely)
        rels.append(lt(1, _kappa(ops.svdvals(ops.mat(B))), "A with σ1 > σn: κ₂(A) > 1"))
    return rels


def _kappa_p_orthogonal(ops, Q, c, norms):
    """κ_p(c·Q) with the exact inverse (c·Q)⁻¹ = Qᵀ/c, one relation 'κ_p == 1' per norm."""
    M = ops.scale(c, ops.mat(Q))
    Minv = ops.scale(1.0 / c, ops.transpose(ops.mat(Q)))
    return [eq(ops.norm(M, p) * ops.norm(Minv, p), 1, f"κ{_PNAME[p]}(c·Q) == 1 (c = {c}, Q {Q.n}×{Q.n} orthogonal)")
            for p in norms]


def _kappa_one_iff_every_p(ops, Q, c, K1, j, B):
    return _kappa_p_orthogonal(ops, Q, c, KAPPA_NORMS_004) + _kappa_one_iff(ops, Q, c, K1, j, B)


CLAIMS.add(
    id="conditioning.kappa_one_iff_scaled_orthogonal",
    note_reports_flaw=True,
    erratum="Holds for κ₂ only: in the 1- and ∞-norms an orthogonal Q has κ(Q) > 1 (a 2×2 reflector: κ₁ = 2).",
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds", "κ(A) = 1 iff A is a scalar multiple of a unitary matrix"),
    stated=Form("for κ_p, p = 1, 2, ∞ (§7.1's family): κ_p(c·Q) == 1 for Q orthogonal, c ≠ 0; κ₂(A) == 1 ⇒ AᵀA = σ1² I; "
                "σ1 > σn ⇒ κ₂ > 1", _kappa_one_iff_every_p, _scaled_orth_inputs),
    repaired=Form("in the 2-norm: κ₂(c·Q) == 1 for Q orthogonal, c ≠ 0; κ₂(A) == 1 ⇒ AᵀA = σ1² I; σ1 > σn ⇒ κ₂ > 1",
                  _kappa_one_iff, _scaled_orth_inputs),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("Real matrices: 'unitary' is 'orthogonal'.  §7.1 defines κ_p for the p-norms, and §7.3's properties use κ "
          "without a subscript, so the statement is checked for p = 1, 2, ∞: it holds for κ₂ only.  In the 1- and "
          "∞-norms a scaled orthogonal matrix has κ = 1 only when it is a signed permutation: a 2×2 reflector "
          "(cos θ, sin θ; sin θ, −cos θ) has κ₁ = κ_∞ = (|cos θ| + |sin θ|)² > 1.  The converse is checked on "
          "A = 2^j·U Vᵀ (all σ_i = 2^j)."),
)


def _orth_vectors(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 6))
        ent = vector_entries(half_scale(d))
        xs = [draw(st.lists(ent, min_size=n, max_size=n)) for _ in range(2)]
        return {"Q": OrthogonalSpec(n, draw(SEEDS)), "x": ArraySpec.column(xs[0]), "y": ArraySpec.column(xs[1])}

    return build()


def _orth_kappa_stated(ops, Q, x, y):
    return _kappa_p_orthogonal(ops, Q, 1.0, KAPPA_NORMS_001)


def _orth_kappa_two_norm(ops, Q, x, y):
    M = ops.mat(Q)
    X, Y = ops.mat(x), ops.mat(y)
    QX, QY = ops.matmul(M, X), ops.matmul(M, Y)
    return _kappa_p_orthogonal(ops, Q, 1.0, ("2",)) + [
        eq(ops.vnorm(QX, 2), ops.vnorm(X, 2), "‖Qx‖₂ == ‖x‖₂ (lengths)"),
        eq(ops.inner(QX, QY), ops.inner(X, Y), "⟨Qx, Qy⟩ == ⟨x, y⟩ (angles)")]


CLAIMS.add(
    id="conditioning.orthogonal_kappa_one",
    note_reports_flaw=True,
    erratum="κ(Q) = 1 only in the 2-norm: in the Frobenius norm κ_F(I_n) = n, and a 2×2 reflector has κ₁ = κ_∞ = 2.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("Properties", "Orthogonal Matrices: An orthogonal matrix has a condition number of 1. These are "
                                 "perfectly conditioned matrices, as they preserve lengths and angles.",
                   seed="001_8eec6619deaaf78f.txt"),
    stated=Form("Q orthogonal: κ(Q) == 1 for κ with respect to the 1-, 2-, ∞- and Frobenius norms (001 defines κ "
                "for 'a given matrix norm')", _orth_kappa_stated, _orth_vectors,
                examples=[{"Q": OrthogonalSpec(2, 0), "x": ArraySpec.column([1.0, 0.0]),
                           "y": ArraySpec.column([0.0, 1.0])}]),
    repaired=Form("Q orthogonal: κ₂(Q) == 1, ‖Qx‖₂ == ‖x‖₂ and ⟨Qx, Qy⟩ == ⟨x, y⟩", _orth_kappa_two_norm,
                  _orth_vectors),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("001 defines κ(A) = ‖A‖·‖A⁻¹‖ for 'a given matrix norm' and then states the properties for κ: in the "
          "Frobenius norm κ_F(Q) = ‖Q‖_F‖Qᵀ‖_F = n for every orthogonal Q, and in the 1- and ∞-norms κ(Q) > 1 "
          "unless Q is a signed permutation.  With the 2-norm (the one 001 calls most common) it holds, for the "
          "reason the sentence gives: Q preserves 2-norm lengths and angles.  Same fact in 004 §7.3's iff: "
          "conditioning.kappa_one_iff_scaled_orthogonal."),
)


def _prod_inputs(d: Domain):
    half = _low_kappa(half_scale(d))

    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 8))
        mk = lambda: matrices(half, m=n, n=n, modes=FULL_RANK_MODES, full_rank=True)
        return {"A": draw(mk()), "B": draw(mk())}

    return build()


def _submult(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    AB = ops.matmul(MA, MB)
    k_ab = _kappa(ops.svdvals(AB))
    rels = [le(k_ab, _kappa(ops.svdvals(MA)) * _kappa(ops.svdvals(MB)), "κ₂(AB) <= κ₂(A)κ₂(B)")]
    for p in ("1", "inf"):
        k = _PNAME[p]
        rels.append(le(ops.cond(AB, p), ops.cond(MA, p) * ops.cond(MB, p), f"κ{k}(AB) <= κ{k}(A)κ{k}(B)"))
    return rels


CLAIMS.add(
    id="conditioning.product_submultiplicative",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds", "κ(AB) ≤ κ(A)κ(B) - condition numbers multiply"),
    stated=Form("A, B n×n nonsingular: κ_p(AB) <= κ_p(A)κ_p(B), p = 1, 2, ∞", _submult, _prod_inputs),
    recorded=Verdict.HOLDS,
    note=("In each norm of §7.1's family (any submultiplicative norm: ‖AB‖‖B⁻¹A⁻¹‖ <= ‖A‖‖B‖‖A⁻¹‖‖B⁻¹‖); κ₁ and κ_∞ "
          "by ops.cond.  κ of each factor <= 1e3 so that σn(AB) is certified on float32 (else undecided).  "
          "'Condition numbers multiply' glosses the inequality: κ(AB) can be far smaller (B = A⁻¹ gives 1)."),
)


def _inverse_kappa(ops, U, V, D):
    sig = diag_of(D)
    A, Ainv = _a_and_inverse(ops, U, V, D)
    return [
        _inverse_sanity(ops, A, Ainv, len(sig)),
        eq(_kappa(ops.svdvals(Ainv)), _kappa(ops.svdvals(A)), "κ₂(A⁻¹) == κ₂(A)"),
        eq(ops.norm(Ainv, "2") * ops.norm(A, "2"), _kappa(ops.svdvals(Ainv)), "‖A⁻¹‖₂‖(A⁻¹)⁻¹‖₂ == κ₂(A⁻¹)"),
    ] + [eq(ops.cond(Ainv, p), ops.cond(A, p), f"κ{_PNAME[p]}(A⁻¹) == κ{_PNAME[p]}(A)") for p in ("1", "inf")]


CLAIMS.add(
    id="conditioning.kappa_of_inverse",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds", "κ(A) = κ(A⁻¹)"),
    stated=Form("A nonsingular: κ_p(A⁻¹) == κ_p(A), p = 1, 2, ∞", _inverse_kappa, _inv_inputs),
    recorded=Verdict.HOLDS,
    note=("Exact inverse as in conditioning.kappa2_sigma_ratio; κ₂ from svdvals of each, κ₁ and κ_∞ by ops.cond "
          "(true in any norm: κ(A⁻¹) = ‖A⁻¹‖‖A‖ by definition)."),
)


def _scale_inputs(d: Domain):
    low = _low_kappa(d)
    lo, hi = d.log10_scale

    @st.composite
    def build(draw):
        A = draw(_square_full_rank(low, 8))
        j = draw(st.integers(max(lo - A.log10_scale, -6), min(hi - A.log10_scale, 6)))
        sign = draw(st.sampled_from((1.0, -1.0)))
        return {"A": A, "alpha": sign * 10.0 ** j}

    return build()


def _prescribed_kappa(A: MatrixSpec) -> Val:
    with mpmath.workdps(120):
        # max/min, not first/last: sigma_mp() is not sorted for mode 'clustered' at κ = 1
        # ([1, 1 − 1e-10, 1] for n = 3).
        sig = A.sigma_mp()
        return Val.exact(max(sig) / min(sig))


def _scale_inv(ops, A, alpha):
    M = ops.mat(A)
    k = _kappa(ops.svdvals(M))
    ka = _kappa(ops.svdvals(ops.scale(alpha, M)))
    return [eq(ka, k, f"κ₂(αA) == κ₂(A) (α = {alpha:g})"),
            eq(k, _prescribed_kappa(A), "κ₂(A) == prescribed σ1/σn")] + [
        eq(ops.cond(ops.scale(alpha, M), p), ops.cond(M, p), f"κ{_PNAME[p]}(αA) == κ{_PNAME[p]}(A)") for p in ("1", "inf")]


CLAIMS.add(
    id="conditioning.scale_invariant",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds", "κ(αA) = κ(A) for any scalar α ≠ 0"),
    stated=Form("α ≠ 0: κ_p(αA) == κ_p(A), p = 1, 2, ∞", _scale_inv, _scale_inputs),
    recorded=Verdict.HOLDS,
    note=("α = ±10^j; A randsvd with prescribed κ <= 1e3 (float32 decides σn), so κ₂(A) is also compared "
          "with the exact prescribed value."),
)


def _dist_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 5))
        sig = sorted(draw(st.lists(st.sampled_from(POW2), min_size=n, max_size=n)), reverse=True)
        r = draw(st.integers(0, n - 1))
        B = MatrixSpec(m=n, n=n, mode="rank_deficient", log10_kappa=draw(st.integers(0, 3)),
                       log10_scale=draw(st.integers(-1, 1)), seed=draw(SEEDS), rank=r) if n >= 2 else \
            MatrixSpec(m=1, n=1, mode="geometric", log10_scale=0, seed=0)
        return {"U": OrthogonalSpec(n, draw(SEEDS)), "V": OrthogonalSpec(n, draw(SEEDS)), "D": diag_spec(n, n, sig), "B": B}

    return build()


def _distance(ops, U, V, D, B):
    sig = diag_of(D)
    n = len(sig)
    A, _ = _a_and_inverse(ops, U, V, D)
    s = ops.svdvals(A)
    a2 = ops.norm(A, "2")
    rels = [eq(a2 / _kappa(s), s[-1], "‖A‖₂/κ₂(A) == σn(A)")]
    # the nearest singular matrix, exactly: A − σn u_n v_nᵀ = U diag(σ1..σ_{n−1}, 0) V
    sig0 = list(sig[:-1]) + [0.0]
    S = ops.matmul(ops.matmul(ops.mat(U), ops.mat(diag_spec(n, n, sig0))), ops.mat(V))
    rels.append(eq(ops.svdvals(S)[-1], 0, "A − σn u_n v_nᵀ is singular"))
    rels.append(eq(ops.norm(ops.sub(S, A), "2"), s[-1], "‖E‖₂ == σn for E = −σn u_n v_nᵀ"))
    if n >= 2 and sig[-2] > sig[-1]:
        # the same matrix by the truncated SVD (needs the gap σ_{n−1} > σn to be certified)
        L = ops.lowrank(A, n - 1)
        rels.append(eq(ops.svdvals(L)[-1], 0, "A_(n−1) (truncated SVD) is singular"))
        rels.append(eq(ops.norm(ops.sub(L, A), "2"), s[-1], "‖A − A_(n−1)‖₂ == σn"))
    # no singular matrix is closer
    if n >= 2:
        MB = ops.mat(B)
        rels.append(le(s[-1], ops.norm(ops.sub(A, MB), "2"), "B singular (rank < n): ‖A − B‖₂ >= σn(A)"))
    else:
        rels.append(le(s[-1], ops.norm(A, "2"), "n = 1: the only singular matrix is 0, ‖A − 0‖₂ >= σn"))
    return rels


CLAIMS.add(
    id="conditioning.distance_to_singularity",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds",
                   "Distance to singularity. min{‖E‖ : A + E is singular} = ‖A‖/κ(A) = σn(A) (using the "
                   "spectral norm)."),
    stated=Form("min{‖E‖₂ : A + E singular} == ‖A‖₂/κ₂(A) == σn(A): attained by E = −σn u_n v_nᵀ, and "
                "‖A − B‖₂ >= σn for singular B", _distance, _dist_inputs),
    recorded=Verdict.HOLDS,
    note=("A = U diag(σ) V (σ powers of two), so the minimiser U diag(σ1, …, σ_{n−1}, 0) V is exact; the "
          "truncated SVD lowrank(A, n−1) is compared too when σ_{n−1} > σn.  Lower bound checked against "
          "drawn rank-deficient B of the same size (the min over all singular B is Eckart–Young)."),
)


# --- norm dependence --------------------------------------------------------------
#
# The constants, from the entrywise/induced norm equivalences for an n×n matrix X (applied to A and to
# A⁻¹, then multiplied):
#   ‖X‖₁ <= √n‖X‖₂ (a column's 1-norm <= √n × its 2-norm <= √n‖X‖₂) and ‖X‖₂ <= √n‖X‖₁ (same with
#   Xᵀ: ‖X‖₂ = ‖Xᵀ‖₂ <= √n‖Xᵀ‖_∞ = √n‖X‖₁)  ⇒  κ₁/n <= κ₂ <= n·κ₁;  the same for ∞ (κ_∞(A) = κ₁(Aᵀ),
#   κ₂(Aᵀ) = κ₂(A));
#   ‖X‖_∞ <= n·max|x_ij| <= n‖X‖₁ and symmetrically  ⇒  κ₁/n² <= κ_∞ <= n²κ₁;
#   ‖X‖₂ <= ‖X‖_F <= √n‖X‖₂  ⇒  κ₂ <= κ_F <= n·κ₂, and Cauchy–Schwarz on Σσ_i²·Σσ_i⁻² gives κ_F >= n.
# For n = 2, A⁻¹ = adj(A)/det A with ‖adj A‖_∞ = ‖A‖₁ and ‖adj A‖₁ = ‖A‖_∞, so κ₁ = κ_∞ =
# ‖A‖₁‖A‖_∞/|det A| >= σ1²/(σ1σ2) = κ₂ (‖A‖₂² <= ‖A‖₁‖A‖_∞): a sharper exact fact, also checked.

def _hadamard(n: int) -> ArraySpec:
    H = [[1.0]]
    while len(H) < n:
        H = [r + r for r in H] + [r + [-x for x in r] for r in H]
    return ArraySpec.of(H)


def _ones_column(n: int) -> ArraySpec:
    # I + (1 − e1)e1ᵀ: ‖A‖₁ = n, ‖A‖_∞ = 2, and A⁻¹ = I − (1 − e1)e1ᵀ has the same norms, so κ₁ = n²
    # and κ_∞ = 4 — κ₁/κ_∞ = n²/4 grows like n², so no lower power of n can replace n².
    return ArraySpec.of([[1.0 if (j == 0 or i == j) else 0.0 for j in range(n)] for i in range(n)])


def _norm_dep_inputs(d: Domain):
    return _square_full_rank(_low_kappa(d), 6).map(lambda A: {"A": A})


def _norm_dependence(ops, A, family=None):
    M = ops.mat(A)
    n = M.n
    Mi = ops.inv(M)
    k = {p: ops.norm(M, p) * ops.norm(Mi, p) for p in ("1", "2", "inf", "fro")}
    N = Val.exact(n)
    rels = [
        eq(ops.norm(ops.sub(ops.matmul(M, Mi), ops.identity(n)), "fro"), 0, "‖A·inv(A) − I‖_F == 0"),
        # κ_∞(A) = κ₁(Aᵀ), κ₂(Aᵀ) = κ₂(A): why the ∞ constants are the 1 constants
        eq(k["1"], ops.norm(ops.transpose(M), "inf") * ops.norm(ops.transpose(Mi), "inf"), "κ₁(A) == κ_∞(Aᵀ)"),
        le(k["1"], N * k["2"], "κ₁ <= n·κ₂"), le(k["2"], N * k["1"], "κ₂ <= n·κ₁"),
        le(k["inf"], N * k["2"], "κ_∞ <= n·κ₂"), le(k["2"], N * k["inf"], "κ₂ <= n·κ_∞"),
        le(k["inf"], N * N * k["1"], "κ_∞ <= n²·κ₁"), le(k["1"], N * N * k["inf"], "κ₁ <= n²·κ_∞"),
        le(k["2"], k["fro"], "κ₂ <= κ_F"), le(N, k["fro"], "n <= κ_F"), le(k["fro"], N * k["2"], "κ_F <= n·κ₂"),
    ]
    if n == 2:
        rels += [eq(k["1"], k["inf"], "n = 2: κ₁ == κ_∞"), le(k["2"], k["1"], "n = 2: κ₂ <= κ₁")]
    if family == "hadamard":  # orthogonal up to scale with entries ±1: the n-factors are attained
        rels += [eq(k["1"], N * k["2"], f"Hadamard n = {n}: κ₁ == n·κ₂"),
                 eq(k["inf"], N * k["2"], f"Hadamard n = {n}: κ_∞ == n·κ₂"),
                 eq(k["fro"], N * k["2"], f"Hadamard n = {n}: κ_F == n·κ₂")]
    elif family == "ones_column":
        rels += [eq(k["1"], N * N / 4 * k["inf"], f"I + (1 − e1)e1ᵀ, n = {n}: κ₁ == (n²/4)·κ_∞")]
    return rels


CLAIMS.add(
    id="conditioning.norm_dependence",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.3 Properties and Bounds",
                   "Norm dependence. Different norms give different condition numbers, but they're equivalent up "
                   "to polynomial factors in n."),
    stated=Form("A n×n nonsingular: κ₁/n <= κ₂ <= n·κ₁, κ_∞/n <= κ₂ <= n·κ_∞, κ₁/n² <= κ_∞ <= n²·κ₁, "
                "max(n, κ₂) <= κ_F <= n·κ₂; attained: κ₁ = κ_∞ = κ_F = n·κ₂ for Hadamard matrices, κ₁/κ_∞ = "
                "n²/4 for I + (1 − e1)e1ᵀ", _norm_dependence, _norm_dep_inputs,
                examples=[{"A": _hadamard(n), "family": "hadamard"} for n in (1, 2, 4, 8)]
                + [{"A": _ones_column(n), "family": "ones_column"} for n in (3, 4, 6)]),
    recorded=Verdict.HOLDS,
    note=("Made concrete with the constants derived from the norm equivalences (comment in the source): all "
          "polynomial in n, so the statement holds.  Tightness: κ₁ <= n·κ₂, κ_∞ <= n·κ₂ and κ_F <= n·κ₂ are "
          "attained by Hadamard matrices (κ₂ = 1, κ₁ = κ_∞ = κ_F = n; n = 1, 2, 4, 8 checked); κ_∞ <= n²κ₁ is "
          "attained up to the factor 4 by I + (1 − e1)e1ᵀ (κ₁ = n², κ_∞ = 4, or its transpose), so the power n² "
          "cannot be lowered.  κ₂ <= n·κ₁ is valid but probably loose: for n = 2 κ₂ <= κ₁ = κ_∞ exactly, and a "
          "local search (uncertified, no proof of the best constant) reached κ₂/κ₁ ≈ 1.77 at n = 3 and ≈ 2.0 at "
          "n = 4.  κ_F is never 1 "
          "for n >= 2 (κ_F >= n).  Inverse by ops.inv, checked by ‖A·inv(A) − I‖_F = 0; κ <= 1e3 so float32 "
          "decides."),
)


# ----------------------------------------------------------------------------------
# 7.4 Tikhonov Regularization
# ----------------------------------------------------------------------------------

def _tik_inputs(d: Domain):
    half = half_scale(d)  # AᵀA squares the scale

    @st.composite
    def build(draw):
        A = draw(matrices(half, max_dim=8))
        j = draw(st.integers(-6, 4))
        lo, hi = d.log10_scale
        e = max(lo, min(hi, 2 * A.log10_scale + j))  # λ = 10^j·σ1(A)²
        return {"A": A, "lam": 10.0 ** e}

    return build()


def _tik_kappa(ops, A, lam):
    M = ops.mat(A)
    n = A.n
    R = ops.add(ops.matmul(ops.transpose(M), M), ops.scale(lam, ops.identity(n)))
    ev = ops.eigvalsh(R)
    s = ops.svdvals(M)
    s = list(s) + [Val.exact(0)] * (n - len(s))  # σ_n(A) of A ∈ R^{m×n}: 0 when m < n
    L = Val.exact(lam)
    k = ev[0] / ev[-1]
    return [
        eq(k, (s[0] * s[0] + L) / (s[-1] * s[-1] + L), "κ₂(AᵀA + λI) == (σ1² + λ)/(σn² + λ)"),
        ge(ev[-1], L, "λ_min(AᵀA + λI) >= λ > 0 (finite κ even when A is singular)"),
    ]


CLAIMS.add(
    id="conditioning.tikhonov_kappa",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.4 Tikhonov Regularization",
                   "Condition number of the regularized system: κ2(AᵀA + λI) = (σ1² + λ)/(σn² + λ). Since "
                   "σn² + λ ≥ λ > 0, the regularized system has finite condition number even when A is "
                   "singular (σn = 0)."),
    stated=Form("λ > 0: κ₂(AᵀA + λI) == (σ1² + λ)/(σn² + λ), λ_min >= λ", _tik_kappa, _tik_inputs),
    recorded=Verdict.HOLDS,
    note=("A ∈ R^{m×n} any shape incl. rank-deficient; σn is the n-th singular value of A, i.e. 0 when m < n "
          "(AᵀA then has n − m zero eigenvalues).  κ₂ of the SPD matrix from eigvalsh.  λ = 10^j σ1(A)², "
          "j in [−6, 4]."),
)


def _tik_mono_inputs(d: Domain):
    half = half_scale(d)

    @st.composite
    def build(draw):
        A = draw(matrices(half, max_dim=8))
        j1 = draw(st.integers(-6, 4))
        j2 = draw(st.integers(j1, 6))
        lo, hi = d.log10_scale
        cl = lambda e: max(lo, min(hi, e))
        return {"A": A, "lam1": 10.0 ** cl(2 * A.log10_scale + j1), "lam2": 10.0 ** cl(2 * A.log10_scale + j2)}

    return build()


def _tik_mono(ops, A, lam1, lam2):
    M = ops.mat(A)
    G = ops.matmul(ops.transpose(M), M)
    n = A.n

    def kap(lam):
        ev = ops.eigvalsh(ops.add(G, ops.scale(lam, ops.identity(n))))
        return ev[0] / ev[-1]

    k1, k2 = kap(lam1), kap(lam2)
    s1 = ops.svdvals(M)[0]
    return [
        le(k2, k1, f"λ1 = {lam1:g} <= λ2 = {lam2:g}: κ(λ2) <= κ(λ1)"),
        ge(k2, 1, "κ(λ) >= 1"),
        le(k2 - 1, s1 * s1 / Val.exact(lam2), "κ(λ) − 1 <= σ1²/λ (→ 0: κ → 1)"),
    ]


CLAIMS.add(
    id="conditioning.tikhonov_decreases_to_one",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.4 Tikhonov Regularization", "As λ increases, κ decreases toward 1."),
    also=(src("Applications and Implications in Machine Learning",
              "Ridge Regression ... adds a term to the diagonal of XᵀX, which improves its condition number",
              seed="001_8eec6619deaaf78f.txt"),),
    stated=Form("λ ↦ κ₂(AᵀA + λI) is nonincreasing, >= 1, and κ − 1 <= σ1²/λ", _tik_mono, _tik_mono_inputs),
    recorded=Verdict.HOLDS,
    note="Nonincreasing (constant when σ1 = σn); the bound κ − 1 = (σ1² − σn²)/(σn² + λ) <= σ1²/λ gives the limit 1.",
)


def _wd_inputs(psd_only: bool):
    def inputs(d: Domain):
        half = half_scale(d)

        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 6))
            X = draw(matrices(_low_kappa(half), m=n, n=n))
            kind = "XᵀX" if psd_only else draw(st.sampled_from(("X+Xᵀ", "XᵀX")))
            base = 2 * X.log10_scale if kind == "XᵀX" else X.log10_scale
            lo, hi = d.log10_scale
            e = max(lo, min(hi, base + draw(st.integers(-3, 2))))
            return {"X": X, "kind": kind, "lam": 10.0 ** e}

        return build()

    return inputs


def _weight_decay(ops, X, kind, lam):
    M = ops.mat(X)
    H = ops.add(M, ops.transpose(M)) if kind == "X+Xᵀ" else ops.matmul(ops.transpose(M), M)
    n = X.n
    two_lam = 2.0 * lam
    Hr = ops.add(H, ops.scale(two_lam, ops.identity(n)))
    ev, evr = ops.eigvalsh(H), ops.eigvalsh(Hr)
    T = Val.exact(two_lam)
    rels = [eq(b, a + T, f"λ_{i + 1}(H + 2λI) == λ_{i + 1}(H) + 2λ") for i, (a, b) in enumerate(zip(ev, evr))]
    rels.append(le(_kappa(ops.svdvals(Hr)), (ev[0] + T) / T, "κ₂(H + 2λI) <= (λmax(H) + 2λ)/(2λ)"))
    return rels


CLAIMS.add(
    id="conditioning.weight_decay_hessian_shift",
    note_reports_flaw=True,
    erratum="κ(H + 2λI) ≤ (λmax + 2λ)/(2λ) needs H ⪰ 0 (H = [−2], λ = 10 breaks it).",
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.4 Tikhonov Regularization",
                   "Adding λ‖W‖_F² to the loss shifts the Hessian eigenvalues by 2λ, bounding "
                   "κ(H + 2λI) ≤ (λmax + 2λ)/(2λ) - improving the condition number of the optimization problem."),
    stated=Form("H symmetric, λ > 0: eig(H + 2λI) = eig(H) + 2λ and κ₂(H + 2λI) <= (λmax + 2λ)/(2λ)",
                _weight_decay, _wd_inputs(False),
                # the minimal counterexample Hypothesis found (H = X + Xᵀ = [−2], λ = 10), kept as a
                # regression example so that small example budgets (--profile smoke) still see it
                examples=[{"X": ArraySpec.of([[-1.0]]), "kind": "X+Xᵀ", "lam": 10.0}]),
    repaired=Form("H symmetric positive semidefinite (a convex loss's Hessian), λ > 0: eig(H + 2λI) = "
                  "eig(H) + 2λ and κ₂(H + 2λI) <= (λmax + 2λ)/(2λ)", _weight_decay, _wd_inputs(True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("The shift holds for every symmetric H, but the κ bound needs λmin(H) >= 0: for an indefinite H "
          "(a neural-network Hessian away from a minimum) with −2λ < λmin < 0, κ₂(H + 2λI) = "
          "(λmax + 2λ)/(λmin + 2λ) exceeds (λmax + 2λ)/(2λ) (and is infinite at λmin = −2λ).  "
          "H = X + Xᵀ (indefinite) or XᵀX (PSD), λ = 10^j × H's scale."),
)


# ----------------------------------------------------------------------------------
# 7.5 Estimating Condition Numbers — the randomized estimate
# ----------------------------------------------------------------------------------

def _est_inputs(d: Domain):
    @st.composite
    def build(draw):
        out = draw(_inv_inputs(d, max_dim=5))
        n = out["D"].n
        g = draw(st.lists(vector_entries(d), min_size=n, max_size=n))
        if all(v == 0 for v in g):
            g[0] = 1.0
        out["g"] = ArraySpec.column(g)
        return out

    return build()


def _est_stated(ops, U, V, D, g):
    sig = diag_of(D)
    A, Ainv = _a_and_inverse(ops, U, V, D)
    G = ops.mat(g)
    n = len(sig)
    est = ops.vnorm(ops.matmul(A, G), 2) / ops.vnorm(ops.matmul(Ainv, G), 2)
    k = _kappa(ops.svdvals(A))
    # the weakest reading of "estimates κ": within a factor n either way
    return [le(k, est * Val.exact(n), "κ₂(A) <= n·‖Ag‖/‖A⁻¹g‖"), le(est, k * Val.exact(n), "‖Ag‖/‖A⁻¹g‖ <= n·κ₂(A)")]


def _est_repaired(ops, U, V, D, g):
    sig = diag_of(D)
    A, Ainv = _a_and_inverse(ops, U, V, D)
    G = ops.mat(g)
    n = len(sig)
    g2 = ops.vnorm(G, 2)
    est = ops.vnorm(ops.matmul(A, G), 2) * ops.vnorm(ops.matmul(Ainv, G), 2) / (g2 * g2)
    k = _kappa(ops.svdvals(A))
    # lower bound: ‖Ag‖ >= σ1 |⟨g, v1⟩|, ‖A⁻¹g‖ >= |⟨g, u_n⟩|/σn  (A = U D V: v1 = row 1 of V, u_n = col n of U)
    e1 = ArraySpec.basis(n, 0)
    en = ArraySpec.basis(n, n - 1)
    v1 = ops.matmul(ops.transpose(ops.mat(V)), ops.mat(e1))
    un = ops.matmul(ops.mat(U), ops.mat(en))
    c = abs(ops.inner(G, v1)) * abs(ops.inner(G, un)) / (g2 * g2)
    return [_inverse_sanity(ops, A, Ainv, n),
            le(est, k, "‖Ag‖‖A⁻¹g‖/‖g‖² <= κ₂(A)"),
            ge(est, c * k, "‖Ag‖‖A⁻¹g‖/‖g‖² >= κ₂(A)·|⟨ĝ, v1⟩||⟨ĝ, u_n⟩|")]


CLAIMS.add(
    id="conditioning.randomized_estimate",
    note_reports_flaw=True,
    erratum="‖Ag‖/‖A⁻¹g‖ ≤ σ₁² whatever κ is; the estimator is the product ‖Ag‖·‖A⁻¹g‖/‖g‖².",
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.5 Estimating Condition Numbers",
                   "Randomized condition number estimation. For A ∈ Rn×n: generate g ∼ N(0, I), compute "
                   "‖Ag‖/‖A⁻¹g‖. This estimates κ(A) with high probability using just two matrix-vector products."),
    stated=Form("‖Ag‖/‖A⁻¹g‖ is within a factor n of κ₂(A)", _est_stated, _est_inputs),
    repaired=Form("the product ‖Ag‖·‖A⁻¹g‖/‖g‖² lies in [κ₂·|⟨ĝ,v1⟩||⟨ĝ,u_n⟩|, κ₂]",
                  _est_repaired, _est_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("The quotient is wrong whatever g is: ‖Ag‖ <= σ1‖g‖ and ‖A⁻¹g‖ >= ‖g‖/σ1, so ‖Ag‖/‖A⁻¹g‖ <= σ1², "
          "independent of κ (for σ1 = 1 the 'estimate' is <= 1 while κ can be huge); it is not scale-invariant "
          "either, while κ is.  The estimator is the product ‖Ag‖‖A⁻¹g‖/‖g‖² — a lower bound on κ, "
          "≈ κ·|⟨ĝ,v1⟩||⟨ĝ,u_n⟩| ~ κ/n for Gaussian g (the randomness only enters through these two "
          "cosines).  Drawn g are arbitrary vectors (the deterministic bounds hold for every g)."),
)


# ----------------------------------------------------------------------------------
# 4.2 / 7.5 power iteration on AᵀA and inverse iteration: the rate
# ----------------------------------------------------------------------------------
#
# A = U diag(σ) V (exact, σ powers of two), so AᵀA = Vᵀ diag(σ²) V: its eigenvectors v_i are the rows
# of V and the coordinates of x in that basis are y = Vx.  From x0 = Σ c_i v_i, x_k ∝ Σ c_i σ_i^{2k} v_i:
#   tan θ_k = ‖(c_i σ_i^{2k})_{i>=2}‖/|c_1 σ1^{2k}| <= (σ2/σ1)^{2k} tan θ_0, with equality when x0 ∈ span(v1, v2);
#   ρ_k = ‖Ax_k‖²/‖x_k‖² = Σ σ_i² w_i (w_i = normalised weights), so σ1² − ρ_k = Σ_{i>=2} (σ1² − σ_i²) w_i
#   <= σ1² sin²θ_k <= σ1² (σ2/σ1)^{4k} tan²θ_0 — the σ estimate converges at (σ2/σ1)^{4k}, not ^k.
# Inverse iteration is the same on (AᵀA)⁻¹ (eigenvalues 1/σ_i², largest 1/σn²): with φ the angle to v_n,
#   tan φ_k <= (σn/σ_{n−1})^{2k} tan φ_0 and 1/σn² − ‖A⁻ᵀy_k‖²/‖y_k‖² <= σn⁻² (σn/σ_{n−1})^{4k} tan²φ_0.

def _power_inputs(d: Domain):
    nonzero = st.sampled_from((1, -1, 2, -3))

    @st.composite
    def build(draw):
        out = draw(_inv_inputs(d, max_dim=4).filter(lambda o: o["D"].n >= 2))
        n = out["D"].n
        mid = draw(st.lists(st.integers(-3, 3), min_size=n - 2, max_size=n - 2))
        c = [draw(nonzero), draw(nonzero)] + mid
        c[-1] = c[-1] if c[-1] != 0 else draw(nonzero)
        out["c"] = ArraySpec.column(c)  # the start's coordinates in the basis v_1, …, v_n
        out["K"] = draw(st.integers(1, 3))
        return out

    return build()


def _iterate(ops, A, x, K, inverse=False):
    At = ops.transpose(A)
    for _ in range(K):
        w = ops.solve(A, ops.solve(At, x)) if inverse else ops.matmul(At, ops.matmul(A, x))
        # any nonzero scalar leaves the direction (all that is judged) exact; 1/‖w‖ keeps it O(1)
        x = ops.scale(1.0 / float(ops.vnorm(w, 2).mid), w)
    return x


def _tan_to(ops, V, x, i):
    """tan of the angle between x and the eigenvector v_i = row i of V (coordinates y = Vx)."""
    y = ops.matmul(V, x)
    comps = [ops.entry(y, j, 0) for j in range(y.m)]
    return sqrt(vsum(t * t for j, t in enumerate(comps) if j != i)) / abs(comps[i])


def _start(ops, MV, c):
    return ops.matmul(ops.transpose(MV), ops.mat(ArraySpec.column(c)))


def _coords(c: ArraySpec) -> list[float]:
    return [r[0] for r in c.rows]


def _power_stated(ops, U, V, D, c, K):
    sig = diag_of(D)
    A, _ = _a_and_inverse(ops, U, V, D)
    MV = ops.mat(V)
    c = _coords(c)
    x0 = _start(ops, MV, [c[0], c[1]] + [0] * (len(sig) - 2))  # x0 ∈ span(v1, v2): the rate is observable exactly
    r = Val.exact(sig[1]) / Val.exact(sig[0])
    t0, tK = _tan_to(ops, MV, x0, 0), _tan_to(ops, MV, _iterate(ops, A, x0, K), 0)
    return eq(tK, r ** K * t0, f"tan θ_k == (σ2/σ1)^k tan θ_0 after k = {K} steps of x ← AᵀAx/‖AᵀAx‖")


def _power_corrected(ops, U, V, D, c, K):
    sig = diag_of(D)
    n = len(sig)
    A, _ = _a_and_inverse(ops, U, V, D)
    MV = ops.mat(V)
    s1, s2, sn, sn1 = (Val.exact(v) for v in (sig[0], sig[1], sig[-1], sig[-2]))
    r, q = s2 / s1, sn / sn1
    c = _coords(c)
    span = _start(ops, MV, [c[0], c[1]] + [0] * (n - 2))
    rels = [eq(_tan_to(ops, MV, _iterate(ops, A, span, K), 0), r ** (2 * K) * _tan_to(ops, MV, span, 0),
               f"x0 ∈ span(v1, v2): tan θ_k == (σ2/σ1)^(2k) tan θ_0 (k = {K})")]
    x0 = _start(ops, MV, list(c))
    t0 = _tan_to(ops, MV, x0, 0)
    xK = _iterate(ops, A, x0, K)
    rels.append(le(_tan_to(ops, MV, xK, 0), r ** (2 * K) * t0, "tan θ_k <= (σ2/σ1)^(2k) tan θ_0"))
    rho = (ops.vnorm(ops.matmul(A, xK), 2) / ops.vnorm(xK, 2)) ** 2
    rels += [le(rho, s1 * s1, "‖Ax_k‖²/‖x_k‖² <= σ1²"),
             le(s1 * s1 - rho, s1 * s1 * r ** (4 * K) * t0 * t0, "σ1² − ‖Ax_k‖²/‖x_k‖² <= σ1² (σ2/σ1)^(4k) tan²θ_0")]
    # inverse iteration for σn: two solves per step (Aᵀz = y, then Aw = z)
    f0 = _tan_to(ops, MV, x0, n - 1)
    yK = _iterate(ops, A, x0, K, inverse=True)
    mu = (ops.vnorm(ops.solve(ops.transpose(A), yK), 2) / ops.vnorm(yK, 2)) ** 2
    inv_sn2 = 1 / (sn * sn)
    rels += [le(_tan_to(ops, MV, yK, n - 1), q ** (2 * K) * f0, "inverse iteration: tan φ_k <= (σn/σ_{n−1})^(2k) tan φ_0"),
             le(mu, inv_sn2, "‖A⁻ᵀy_k‖²/‖y_k‖² <= 1/σn²"),
             le(inv_sn2 - mu, inv_sn2 * q ** (4 * K) * f0 * f0,
                "1/σn² − ‖A⁻ᵀy_k‖²/‖y_k‖² <= σn⁻² (σn/σ_{n−1})^(4k) tan²φ_0")]
    return rels


CLAIMS.add(
    id="conditioning.power_iteration_rate",
    note_reports_flaw=True,
    erratum="Power iteration on AᵀA contracts the angle by (σ₂/σ₁)² per step, not σ₂/σ₁ (σ = (1, ½), k = 1: tan θ = ¼).",
    expect=dict(NO_BF16_LINALG),
    provenance=src("4.2 The Spectral Norm (p = q = 2)",
                   "Approximate: power iteration x_{k+1} = AᵀA x_k/‖AᵀA x_k‖, converging as (σ2/σ1)^k"),
    stated=Form("x0 ∈ span(v1, v2): the angle to v1 after k steps has tan θ_k == (σ2/σ1)^k tan θ_0",
                _power_stated, _power_inputs,
                examples=[{"U": OrthogonalSpec(2, 0), "V": OrthogonalSpec(2, 0), "D": diag_spec(2, 2, [1.0, 0.5]),
                           "c": ArraySpec.column([1, 1]), "K": 1}]),
    repaired=Form("tan θ_k <= (σ2/σ1)^(2k) tan θ_0 (== on span(v1, v2)); σ1² − ‖Ax_k‖²/‖x_k‖² <= σ1²(σ2/σ1)^(4k) "
                  "tan²θ_0; inverse iteration: tan φ_k <= (σn/σ_{n−1})^(2k) tan φ_0, 1/σn² − ‖A⁻ᵀy_k‖²/‖y_k‖² <= "
                  "σn⁻²(σn/σ_{n−1})^(4k) tan²φ_0", _power_corrected, _power_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Judged quantity: the angle θ_k between the iterate and the top right singular vector v1.  Iterating "
          "on AᵀA multiplies each component by σ_i², so the angle contracts by (σ2/σ1)² per step: tan θ_k = "
          "(σ2/σ1)^(2k) tan θ_0 exactly for starts in span(v1, v2) (n = 2, σ = (1, 1/2), k = 1: 1/4, not 1/2), "
          "and <= in general.  (σ2/σ1)^k is a valid but loose upper bound, not the rate; it is the rate of power "
          "iteration on A itself for symmetric A.  The σ1 estimate ‖Ax_k‖/‖x_k‖ (Rayleigh quotient of AᵀA) "
          "converges faster still, relative error <= (σ2/σ1)^(4k) tan²θ_0.  §7.5's inverse iteration for σn "
          "(two solves per step) contracts by (σn/σ_{n−1})² per step, checked the same way.  A = U diag(σ) V "
          "with σ powers of two, so σ_i and v_i are exact; 2 <= n <= 4, k <= 3."),
)


CLAIMS.add(
    id="conditioning.power_iteration_estimates",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("7.5 Estimating Condition Numbers",
                   "Power method / Lanczos. Estimate σ1 by power iteration on AᵀA. Estimate σn by inverse power "
                   "iteration (more expensive, requires solving linear systems)."),
    stated=Form("power iteration on AᵀA converges to σ1 (angle factor (σ2/σ1)² per step) and inverse iteration (two "
                "solves per step) to σn (factor (σn/σ_{n−1})²)", _power_corrected, _power_inputs),
    recorded=Verdict.HOLDS,
    note=("§7.5 names the methods without a rate: both converge, at the rates decided in "
          "conditioning.power_iteration_rate (whose §4.2 rate (σ2/σ1)^k is misstated).  Same property as that claim's "
          "corrected form, a different statement: one claim per sentence."),
)


# ----------------------------------------------------------------------------------
# 000's Muon remark: "very high condition number. That is, they are almost low-rank matrices"
# ----------------------------------------------------------------------------------

def _kappa_rank_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 2, 6))
        mode = draw(st.sampled_from(("one_small", "geometric", "one_large", "arithmetic")))
        return {"A": MatrixSpec(m=n, n=n, mode=mode, log10_kappa=draw(st.integers(2, 6)), log10_scale=0,
                                seed=draw(SEEDS))}

    return build()


def _stable_rank(ops, M):
    return ops.norm(M, "fro") ** 2 / ops.norm(M, "2") ** 2


def _kappa_low_rank_stated(ops, A):
    M = ops.mat(A)
    n = A.n
    return le(_stable_rank(ops, M), n / 2, f"κ₂ = 1e{A.log10_kappa} (high) ⇒ almost low rank: stable rank "
                                           f"‖A‖_F²/‖A‖₂² <= n/2 = {n / 2:g} (a few directions dominate)")


def _kappa_low_rank_corrected(ops, A):
    M = ops.mat(A)
    n = A.n
    s = ops.svdvals(M)
    dist = ops.norm(ops.sub(M, ops.lowrank(M, n - 1)), "2")
    return [eq(dist, s[-1], "min over rank < n of ‖A − B‖₂ = σ_n (Eckart–Young)"),
            eq(_kappa(s), ops.norm(M, "2") / dist, "κ₂(A) == ‖A‖₂ / (distance to the nearest singular matrix)"),
            eq(_stable_rank(ops, M), vsum(x * x for x in s) / (s[0] * s[0]),
               "how many directions dominate is the stable rank Σσ_i²/σ₁², which κ does not fix")]


CLAIMS.add(
    id="conditioning.high_kappa_is_not_low_rank",
    note_reports_flaw=True,
    erratum="A very high κ does not make a matrix almost low rank: diag(1, 1, 10⁻³) has κ = 1000 and stable rank 2 of 3; κ measures the distance to rank n − 1.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("Muon remark",
                   "the updates ... typically have very high condition number. That is, they are almost low-rank "
                   "matrices, with the updates for all neurons being dominated by just a few directions.",
                   seed="000_e07863d955181072.txt"),
    stated=Form("κ₂(A) >= 100 ⇒ A is almost low rank: its stable rank ‖A‖_F²/‖A‖₂² is at most n/2", _kappa_low_rank_stated,
                _kappa_rank_inputs),
    repaired=Form("κ₂(A) = ‖A‖₂/min_{rank B < n}‖A − B‖₂: a high κ means close to a matrix of rank n − 1 (one direction "
                  "lost), while dominance by a few directions is the stable rank Σσ_i²/σ₁², independent of κ",
                  _kappa_low_rank_corrected, _kappa_rank_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("'That is' equates two different properties.  A high κ₂ = σ₁/σ_n says one direction is nearly lost: A is "
          "relatively close to a singular matrix (distance σ_n = ‖A‖₂/κ₂).  'Almost low rank, dominated by a few "
          "directions' needs many small singular values: a small stable rank Σσ_i²/σ₁².  Every σ but the last equal "
          "(mode one_small) gives any κ with stable rank ≈ n − 1; a low-rank-looking spectrum with κ = 100 is just as "
          "easy.  The measured half of the remark (do optimizer updates have high κ?) is "
          "linear_systems.muon_updates_low_rank."),
)
