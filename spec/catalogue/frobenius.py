"""Claims of 004 §3 (and the §1.2 picture): the Frobenius norm.

Directions on the unit sphere.  Several claims are about "amplification averaged over all
directions".  For x uniform on S^{n−1}, E[xxᵀ] = I/n (rotation invariance makes it a
multiple of I; its trace is E‖x‖² = 1).  For ANY orthonormal basis q_1..q_n,
(1/n)Σ_j q_j q_jᵀ = QQᵀ/n = I/n as well.  Since ‖Ax‖² = tr(AᵀA·xxᵀ) is linear in xxᵀ,
the average of ‖Aq_j‖² over the basis equals E‖Ax‖² over the sphere *exactly* (an
orthonormal basis is a spherical 2-design for this purpose).  The properties below draw a
Haar orthogonal Q, push each column through A with ``ops.matmul`` and measure ‖Aq_j‖₂ with
``ops.vnorm`` — they evaluate amplification, not the identity under test.
"""
from __future__ import annotations

import dataclasses

import mpmath
from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.catalogue._common import NO_BF16_LINALG, Registry, named, product_pairs, src, src2
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, MatrixSpec, OrthogonalSpec
from matspec.strategies import (
    SEEDS,
    any_matrix,
    dims,
    gallery_matrices,
    half_scale,
    matrices,
    orthogonals,
    same_shape_pair,
)
from matspec.values import RELATION_DPS, Val, eq, ge, holds_that, le, sqrt, vsum

CLAIMS = Registry()


def _columns(ops, Q):
    """The columns q_j = Q e_j of a materialised n×n matrix, as column vectors."""
    return [ops.matmul(Q, ops.mat(ArraySpec.basis(Q.n, j))) for j in range(Q.n)]


def _amplifications(ops, M, Q):
    """‖A q_j‖₂ for the columns of the orthogonal spec Q (and ‖q_j‖₂, which must be 1)."""
    qs = _columns(ops, ops.mat(Q))
    return [ops.vnorm(ops.matmul(M, q), 2) for q in qs], [ops.vnorm(q, 2) for q in qs]


def _matrix_and_basis(d, half_scale: bool = False):
    """A (any matrix) and a Haar orthogonal Q of A's column dimension.  half_scale keeps
    A's scale within half the Domain's decades, so that AᵀA stays inside the Domain."""
    mats = any_matrix(d)
    if half_scale:
        lo, hi = d.log10_scale
        mats = mats.map(lambda A: dataclasses.replace(A, log10_scale=min(max(A.log10_scale, -(-lo // 2)), hi // 2))
                        if isinstance(A, MatrixSpec) else A)
    return mats.flatmap(lambda A: st.fixed_dictionaries({"A": st.just(A), "Q": orthogonals(A.n)}))


# ----------------------------------------------------------------------------------
# 1.2 Geometric Picture: Amplification and Shrinkage
# ----------------------------------------------------------------------------------

_PIC = "1.2 Geometric Picture: Amplification and Shrinkage"


def _ellipsoid_inputs(d: Domain):
    from matspec.catalogue.schatten import udv_inputs

    return udv_inputs(d, max_dim=4, zeros=True, extra=lambda draw, m, n: {"P": OrthogonalSpec(n, draw(SEEDS))})


def _ellipsoid_parts(ops, U, D, V, P):
    """A = U·D·V (V's rows are the right singular vectors v_i, U's columns the left ones u_i).  For x on the unit
    sphere (a column of the orthogonal P), y = Ax: the ellipsoid coordinate Σ_{σ_i > 0}(u_iᵀy/σ_i)²."""
    from matspec.catalogue.schatten import diag_of

    sig = diag_of(D)
    m, n = D.m, D.n
    MU, MV, MP = ops.mat(U), ops.mat(V), ops.mat(P)
    A = ops.matmul(ops.matmul(MU, ops.mat(D)), MV)
    out = []
    for j in range(n):
        y = ops.matmul(A, ops.matmul(MP, ops.mat(ArraySpec.basis(n, j))))
        q = Val.exact(0)
        for i, sg in enumerate(sig):
            if sg > 0:
                c = ops.inner(ops.matmul(MU, ops.mat(ArraySpec.basis(m, i))), y) / Val.exact(sg)
                q = q + c * c
        out.append(q)
    return A, MU, MV, sig, out


def _ellipsoid_stated(ops, U, D, V, P):
    A, MU, MV, sig, qs = _ellipsoid_parts(ops, U, D, V, P)
    return [eq(q, 1, f"x = p_{j + 1} on the unit sphere: Ax lies on the ellipsoid Σ(u_iᵀy/σ_i)² = 1") for j, q in enumerate(qs)]


def _ellipsoid_full_rank(ops, U, D, V, P):
    A, MU, MV, sig, qs = _ellipsoid_parts(ops, U, D, V, P)
    m, n = D.m, D.n
    rels = _ellipsoid_stated(ops, U, D, V, P)
    for i, sg in enumerate(sig):  # the semi-axes: A v_i = σ_i u_i
        v = ops.matmul(ops.transpose(MV), ops.mat(ArraySpec.basis(n, i)))
        u = ops.matmul(MU, ops.mat(ArraySpec.basis(m, i)))
        rels.append(eq(ops.norm(ops.sub(ops.matmul(A, v), ops.scale(sg, u)), "fro"), 0,
                       f"semi-axis {i + 1}: A v_{i + 1} == σ_{i + 1} u_{i + 1}, length σ = {sg:g}"))
    return rels


def _full_column_rank_inputs(d: Domain):
    from matspec.catalogue.schatten import SIGMAS, diag_spec

    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 4))
        m = draw(dims(d, n, 4))
        sig = sorted(draw(st.lists(st.sampled_from(SIGMAS), min_size=n, max_size=n)), reverse=True)
        return {"U": OrthogonalSpec(m, draw(SEEDS)), "D": diag_spec(m, n, sig), "V": OrthogonalSpec(n, draw(SEEDS)),
                "P": OrthogonalSpec(n, draw(SEEDS))}

    return build()


CLAIMS.add(
    id="frobenius.sphere_to_ellipsoid",
    note_reports_flaw=True,
    erratum="The unit sphere maps onto the ellipsoid surface only when rank A = n; a rank-deficient or wide A fills its inside too (A = [1, 0] sends e₂ to 0).",
    provenance=src("1.2 Geometric Picture: Amplification and Shrinkage",
                   "Applied to the unit sphere {x : ‖x‖₂ = 1} in Rⁿ, it produces an ellipsoid in Rᵐ. ... The outcome: the "
                   "unit sphere maps to an ellipsoid whose semi-axes have lengths σ1 ≥ σ2 ≥ ⋯ ≥ σr > 0."),
    also=(src("7.1 Definition and Intuition",
              "Geometric intuition. The condition number measures the eccentricity of the ellipsoid {Ax : ‖x‖₂ ≤ 1}."),),
    stated=Form("A m×n of rank r: every x with ‖x‖₂ = 1 maps to the ellipsoid surface {y ∈ range A : Σ_{i<=r}(u_iᵀy/σ_i)² = 1}",
                _ellipsoid_stated, _ellipsoid_inputs,
                examples=[{"U": ArraySpec.of([[1.0]]), "D": ArraySpec.of([[1.0, 0.0]]), "V": ArraySpec.of([[1.0, 0.0], [0.0, 1.0]]),
                           "P": ArraySpec.of([[1.0, 0.0], [0.0, 1.0]])}]),
    repaired=Form("rank A = n (full column rank): the unit sphere maps onto that ellipsoid surface, with semi-axes A v_i = "
                  "σ_i u_i", _ellipsoid_full_rank, _full_column_rank_inputs),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("With A = UΣVᵀ, y = Ax has u_iᵀy = σ_i(v_iᵀx), so Σ_{i<=r}(u_iᵀy/σ_i)² = Σ_{i<=r}(v_iᵀx)², which is ‖x‖² = 1 "
          "exactly when the r right singular vectors span Rⁿ, i.e. r = n.  For r < n (rank-deficient, or wide: m < n) "
          "the unit sphere lands on the whole solid ellipsoid (every value in [0, 1]): A = [1, 0] maps e₂ to 0, the "
          "centre.  The solid picture {Ax : ‖x‖ <= 1} of §7.1 is right for every A.  The semi-axes σ_i u_i are "
          "checked with exact singular vectors (A = U·D·V, Householder factors)."),
)


def _spectral_longest_axis(ops, A, Q):
    M = ops.mat(A)
    n2 = ops.norm(M, "2")
    s1 = ops.svdvals(M)[0]
    # The image of the sphere is the ellipsoid {Ax}; its longest semi-axis is
    # max_{‖x‖=1} ‖Ax‖ = sqrt(λ_max(AᵀA)) (Rayleigh quotient of AᵀA).
    lam = ops.eigvalsh(ops.matmul(ops.transpose(M), M))[0]
    amps, _ = _amplifications(ops, M, Q)
    rels = [eq(n2, s1, "‖A‖₂ = σ1"), eq(n2 * n2, lam, "‖A‖₂² = λ_max(AᵀA) (longest semi-axis²)")]
    rels += [le(a, n2, f"‖A q_{j + 1}‖₂ <= ‖A‖₂ (no direction is amplified more)") for j, a in enumerate(amps)]
    return rels


CLAIMS.add(
    id="frobenius.picture_spectral_longest_axis",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_PIC, "Spectral norm ‖A‖₂ = σ1 = length of longest semi-axis; ‖A‖₂ = σ1: the worst-case "
                         "amplification - how long is the longest axis?"),
    stated=Form("‖A‖₂ = σ1 = sqrt(λ_max(AᵀA)), and ‖Aq‖₂ <= ‖A‖₂ for unit q (columns of a drawn orthogonal Q)",
                _spectral_longest_axis, lambda d: _matrix_and_basis(d, half_scale=True)),
    recorded=Verdict.HOLDS,
)


def _rms_amplification(ops, A, Q):
    M = ops.mat(A)
    amps, unit = _amplifications(ops, M, Q)
    rms = sqrt(vsum(a * a for a in amps) / Q.n)
    return M, rms, unit


def _rms_as_stated(ops, A, Q):
    M, rms, unit = _rms_amplification(ops, A, Q)
    return eq(rms, ops.norm(M, "fro"), "RMS_x ‖Ax‖₂ over the unit sphere = ‖A‖_F (as stated)")


def _rms_corrected(ops, A, Q):
    M, rms, unit = _rms_amplification(ops, A, Q)
    rels = [eq(u, 1, f"‖q_{j + 1}‖₂ = 1") for j, u in enumerate(unit)]
    rels.append(eq(rms, ops.norm(M, "fro") / sqrt(Val.exact(Q.n)), "RMS_x ‖Ax‖₂ over the unit sphere = ‖A‖_F/√n"))
    return rels


CLAIMS.add(
    id="frobenius.picture_fro_rms_amplification",
    note_reports_flaw=True,
    erratum="The RMS amplification over the unit sphere is ‖A‖_F/√n, not ‖A‖_F (off by √n).",
    provenance=src(_PIC, "‖A‖_F = sqrt(Σ_i σ_i²): root-mean-square amplification across all directions"),
    stated=Form("sqrt(E_{‖x‖₂=1} ‖Ax‖₂²) = ‖A‖_F", _rms_as_stated, _matrix_and_basis),
    repaired=Form("sqrt(E_{‖x‖₂=1} ‖Ax‖₂²) = ‖A‖_F/√n (A is m×n)", _rms_corrected, _matrix_and_basis),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note="E‖Ax‖² = ‖A‖_F²/n over the sphere (the document's own §3.1), so the RMS amplification is ‖A‖_F/√n, "
         "off by √n; it equals ‖A‖_F only for n = 1.  Reading 'across all directions' as the RMS of the r semi-axis "
         "lengths instead gives ‖A‖_F/√r — also not ‖A‖_F.  ‖A‖_F is the root-SUM-square of the semi-axes.  "
         "Evaluated with an exact 2-design (columns of a drawn orthogonal Q; see the module docstring).",
)


def _nuclear_sum_of_axes(ops, A):
    M = ops.mat(A)
    return eq(ops.norm(M, "nuc"), vsum(ops.svdvals(M)), "‖A‖_* = Σ σ_i")


CLAIMS.add(
    id="frobenius.picture_nuclear_sum_of_axes",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_PIC, "Nuclear norm ‖A‖_* = σ1+σ2+... = sum of all semi-axis lengths"),
    stated=Form("‖A‖_* = Σ σ_i", _nuclear_sum_of_axes, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


# ----------------------------------------------------------------------------------
# 3.1 Definition and Geometric Meaning
# ----------------------------------------------------------------------------------

_DEF = "3.1 Definition and Geometric Meaning"


def _fro_entrywise_trace(ops, A):
    M = ops.mat(A)
    f = ops.norm(M, "fro")
    entries = [ops.entry(M, i, j) for i in range(M.m) for j in range(M.n)]
    return [
        eq(f, sqrt(vsum(a * a for a in entries)), "‖A‖_F = sqrt(Σ a_ij²)"),
        eq(f, sqrt(ops.trace(ops.matmul(ops.transpose(M), M))), "‖A‖_F = sqrt(tr(AᵀA))"),
    ]


CLAIMS.add(
    id="frobenius.entrywise_and_trace",
    note_reports_flaw=False,
    provenance=src(_DEF, "‖A‖_F = sqrt(Σ_i Σ_j a_ij²) = sqrt(tr(AᵀA)); also 3.5: 'np.linalg.norm(A, 'fro') or "
                         "equivalently np.sqrt(np.sum(A**2))'"),
    stated=Form("‖A‖_F = sqrt(Σ a_ij²) = sqrt(tr(AᵀA))", _fro_entrywise_trace, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
    note="§3.5's 'np.linalg.norm(A, 'fro') or equivalently np.sqrt(np.sum(A**2))' is the first equality, checked "
         "here as ops.norm(A, 'fro') against the entries' exact sum of squares.  (Both NumPy expressions square "
         "entries without scaling, so both overflow for |a_ij| > ~1e154 in float64; the backend Domain stays inside.)",
)


def _inner_pairs(d):
    same = any_matrix(d).map(lambda A: (A, A))
    return st.one_of(same_shape_pair(d), same).map(lambda ab: {"A": ab[0], "B": ab[1]})


def _inner_trace_entrywise(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    ip = ops.inner(MA, MB)
    ents = vsum(ops.entry(MA, i, j) * ops.entry(MB, i, j) for i in range(MA.m) for j in range(MA.n))
    f = ops.norm(MA, "fro")
    return [
        eq(ip, ops.trace(ops.matmul(ops.transpose(MA), MB)), "⟨A,B⟩_F = tr(AᵀB)"),
        eq(ip, ents, "⟨A,B⟩_F = Σ a_ij b_ij"),
        eq(ops.inner(MA, MA), f * f, "⟨A,A⟩_F = ‖A‖_F² (the norm is induced by the inner product)"),
    ]


CLAIMS.add(
    id="frobenius.inner_product",
    note_reports_flaw=False,
    provenance=src(_DEF, "The Frobenius norm is induced by the inner product: ⟨A, B⟩_F = tr(AᵀB) = Σ_{i,j} a_ij b_ij"),
    stated=Form("⟨A,B⟩_F = tr(AᵀB) = Σ a_ij b_ij and ⟨A,A⟩_F = ‖A‖_F²", _inner_trace_entrywise, _inner_pairs),
    recorded=Verdict.HOLDS,
)


def _cauchy_schwarz(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    return le(abs(ops.inner(MA, MB)), ops.norm(MA, "fro") * ops.norm(MB, "fro"), "|⟨A,B⟩_F| <= ‖A‖_F ‖B‖_F")


CLAIMS.add(
    id="frobenius.cauchy_schwarz",
    note_reports_flaw=False,
    provenance=src(_DEF, "Cauchy-Schwarz holds: |⟨A, B⟩_F| ≤ ‖A‖_F ‖B‖_F"),
    stated=Form("|⟨A,B⟩_F| <= ‖A‖_F ‖B‖_F", _cauchy_schwarz, _inner_pairs),
    recorded=Verdict.HOLDS,
    note="Pairs are drawn independently and as B = A (the equality case).",
)


def _sphere_mean_square(ops, A, Q):
    M = ops.mat(A)
    amps, unit = _amplifications(ops, M, Q)
    f = ops.norm(M, "fro")
    rels = [eq(u, 1, f"‖q_{j + 1}‖₂ = 1") for j, u in enumerate(unit)]
    rels.append(eq(vsum(a * a for a in amps) / Q.n, f * f / Q.n, "E_{‖x‖₂=1} ‖Ax‖₂² = ‖A‖_F²/n"))
    return rels


CLAIMS.add(
    id="frobenius.sphere_mean_square",
    note_reports_flaw=False,
    provenance=src(_DEF, "if x is drawn uniformly from the unit sphere S^{n−1}, then E[‖Ax‖²] = ‖A‖_F²/n"),
    stated=Form("E_{x uniform on S^{n−1}} ‖Ax‖₂² = ‖A‖_F²/n", _sphere_mean_square, _matrix_and_basis),
    recorded=Verdict.HOLDS,
    note="The expectation is evaluated exactly as the mean over the columns of a drawn orthogonal Q "
         "(a spherical 2-design; see the module docstring).",
)


# ----------------------------------------------------------------------------------
# 3.2 SVD Relationship
# ----------------------------------------------------------------------------------

def _fro_is_l2_of_sigma(ops, A):
    M = ops.mat(A)
    return eq(ops.norm(M, "fro"), sqrt(vsum(s * s for s in ops.svdvals(M))), "‖A‖_F vs ‖σ(A)‖₂")


CLAIMS.add(
    id="frobenius.is_l2_of_singular_values",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("3.2 SVD Relationship", "‖A‖_F = sqrt(σ1² + σ2² + … + σr²) = ‖σ‖₂"),
    stated=Form("‖A‖_F == sqrt(Σ σ_i²)", _fro_is_l2_of_sigma, named(A=any_matrix)),
    also=(src("9.1 Weight Regularization: Frobenius vs Nuclear", "R(W) = ‖W‖_F² = Σ_i σ_i²"),),
    recorded=Verdict.HOLDS,
    note="Also stated in §1.2 ('Frobenius norm ||A||_F = √(σ1²+σ2²+...) = \"total energy\" of axes') and in §3.2's "
         "consequence '‖A‖_F² equals the sum of squared singular values'.",
)


def _fro_ge_spectral(ops, A):
    M = ops.mat(A)
    return ge(ops.norm(M, "fro"), ops.norm(M, "2"), "‖A‖_F >= ‖A‖₂")


CLAIMS.add(
    id="frobenius.ge_spectral",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("3.2 SVD Relationship", "‖A‖_F ≥ ‖A‖₂ = σ1 (Frobenius norm is at least as large as spectral norm)"),
    stated=Form("‖A‖_F >= ‖A‖₂", _fro_ge_spectral, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
    note="Also the left half of the §3.3 comparison table's Spectral row.",
)


def _fro_le_sqrt_rank_spectral(ops, A):
    M = ops.mat(A)
    r = A.exact_rank
    return le(ops.norm(M, "fro"), sqrt(Val.exact(r)) * ops.norm(M, "2"), f"‖A‖_F <= √r ‖A‖₂ (r = rank A = {r})")


CLAIMS.add(
    id="frobenius.le_sqrt_rank_spectral",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("3.2 SVD Relationship",
                   "‖A‖_F ≤ √r‖A‖₂ (Frobenius norm bounded by √rank times spectral norm); also 3.3 comparison "
                   "table, Spectral row: ‖A‖₂ ≤ ‖A‖_F ≤ √r‖A‖₂"),
    stated=Form("‖A‖_F <= √rank(A) ‖A‖₂", _fro_le_sqrt_rank_spectral, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
    note="r is the exact rank known from the input spec (rank-deficient modes included).",
)


@st.composite
def _rank_one(draw, d):
    """Exactly rank-1 matrices: rank_deficient randsvd specs with rank 1, vectors (1×n, m×1),
    and the gallery's outer products."""
    m, n = draw(dims(d)), draw(dims(d))
    if min(m, n) == 1:
        base = draw(matrices(d, m=m, n=n))
    else:
        base = MatrixSpec(m=m, n=n, mode="rank_deficient", rank=1, log10_kappa=0,
                          log10_scale=draw(st.integers(*d.log10_scale)) if draw(st.booleans()) else 0, seed=draw(SEEDS))
    return draw(st.one_of(st.just(base), gallery_matrices(d, kinds=("rank1", "ones_over_n"))))


def _rank_one_equalities(ops, A):
    M = ops.mat(A)
    n2 = ops.norm(M, "2")
    return [eq(ops.norm(M, "fro"), n2, "‖A‖_F = ‖A‖₂ (rank 1)"), eq(n2, ops.svdvals(M)[0], "‖A‖₂ = σ1")]


CLAIMS.add(
    id="frobenius.rank_one_fro_equals_spectral",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("3.2 SVD Relationship", "For rank-1 matrices: ‖A‖_F = ‖A‖₂ = σ1 (single singular value)"),
    stated=Form("rank(A) = 1 ⇒ ‖A‖_F = ‖A‖₂ = σ1", _rank_one_equalities, lambda d: st.fixed_dictionaries({"A": _rank_one(d)})),
    recorded=Verdict.HOLDS,
)


# ----------------------------------------------------------------------------------
# 3.3 Key Properties and Inequalities
# ----------------------------------------------------------------------------------

_KEY = "3.3 Key Properties and Inequalities"


def _submultiplicative_inputs(d):
    """Free product pairs (half scale, see product_pairs) and the tight family A rank one,
    B = Aᵀ, where ‖AAᵀ‖_F = ‖A‖_F² exactly and a kernel's excess error shows."""
    dp = half_scale(d)

    @st.composite
    def tight(draw):
        m, n = draw(dims(dp, 1, 8)), draw(dims(dp, 1, 8))
        A = draw(matrices(dp, m=m, n=n, modes=("geometric",)))
        if min(m, n) > 1:
            A = dataclasses.replace(A, mode="rank_deficient", rank=1)
        return {"A": A, "B": "transpose"}

    return st.one_of(product_pairs(max_dim=8)(d), tight())


def _submultiplicative(ops, A, B):
    MA = ops.mat(A)
    MB = ops.transpose(MA) if B == "transpose" else ops.mat(B)
    return le(ops.norm(ops.matmul(MA, MB), "fro"), ops.norm(MA, "fro") * ops.norm(MB, "fro"),
              "‖AB‖_F <= ‖A‖_F ‖B‖_F")


CLAIMS.add(
    id="frobenius.submultiplicative",
    note_reports_flaw=False,
    provenance=src(_KEY, "Submultiplicativity: ‖AB‖_F ≤ ‖A‖_F ‖B‖_F"),
    stated=Form("‖AB‖_F <= ‖A‖_F ‖B‖_F", _submultiplicative, _submultiplicative_inputs),
    also=(src("4.5 Submultiplicativity and Consistency", "The Frobenius norm is submultiplicative"),),
    recorded=Verdict.HOLDS,
    note=("Equality cases are drawn on purpose: inner dimension 1 (an outer product) and A rank one with "
          "B = Aᵀ (‖AAᵀ‖_F = ‖A‖_F²)."),
)


def _unitary_inputs(d):
    return any_matrix(d).flatmap(lambda A: st.fixed_dictionaries(
        {"A": st.just(A), "U": orthogonals(A.m), "V": orthogonals(A.n)}))


def _unitarily_invariant(ops, A, U, V):
    M = ops.mat(A)
    UAV = ops.matmul(ops.matmul(ops.mat(U), M), ops.mat(V))
    s, t = ops.svdvals(M), ops.svdvals(UAV)
    rels = [eq(ops.norm(UAV, "fro"), ops.norm(M, "fro"), "‖UAV‖_F = ‖A‖_F")]
    rels += [eq(b, a, f"σ{i + 1}(UAV) = σ{i + 1}(A)") for i, (a, b) in enumerate(zip(s, t))]
    return rels


CLAIMS.add(
    id="frobenius.unitarily_invariant",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_KEY, "Unitary invariance: ‖UAV‖_F = ‖A‖_F for unitary U, V. This follows from the SVD formula: "
                         "unitary transformations permute singular values but don't change them."),
    stated=Form("‖UAV‖_F = ‖A‖_F and σ(UAV) = σ(A) for orthogonal U, V", _unitarily_invariant, _unitary_inputs),
    recorded=Verdict.HOLDS,
    note="Real case (orthogonal U, V).  The justification's 'permute singular values' is loose wording: σ(UAV) = "
         "σ(A) as an ordered list (checked entry by entry), nothing is permuted.",
)


def _table_nuclear(ops, A):
    M = ops.mat(A)
    r = A.exact_rank
    return le(ops.norm(M, "nuc"), sqrt(Val.exact(r)) * ops.norm(M, "fro"), f"‖A‖_* <= √r ‖A‖_F (r = {r})")


CLAIMS.add(
    id="frobenius.table_nuclear",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_KEY, "Comparison with other norms, Nuclear row: ‖A‖_* ≤ √r‖A‖_F"),
    stated=Form("‖A‖_* <= √rank(A) ‖A‖_F", _table_nuclear, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
    note="Equality for equal nonzero singular values (κ = 1 randsvd matrices, drawn often).",
)


def _table_max_entry(ops, A):
    M = ops.mat(A)
    mx, f = ops.norm(M, "max"), ops.norm(M, "fro")
    return [le(mx, f, "‖A‖_max <= ‖A‖_F"), le(f, sqrt(Val.exact(M.m * M.n)) * mx, "‖A‖_F <= √(mn) ‖A‖_max")]


CLAIMS.add(
    id="frobenius.table_max_entry",
    note_reports_flaw=False,
    provenance=src(_KEY, "Comparison with other norms, Max entry row: ‖A‖_max ≤ ‖A‖_F ≤ √(mn)‖A‖_max"),
    stated=Form("‖A‖_max <= ‖A‖_F <= √(mn) ‖A‖_max", _table_max_entry, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


def _row_sum_as_stated(ops, A):
    M = ops.mat(A)
    rs, f = ops.norm(M, "inf"), ops.norm(M, "fro")
    return [le(rs, f, "‖A‖_{1,∞} <= ‖A‖_F"), le(f, sqrt(Val.exact(M.m)) * rs, "‖A‖_F <= √m ‖A‖_{1,∞}")]


def _row_sum_corrected(ops, A):
    M = ops.mat(A)
    rs, f = ops.norm(M, "inf"), ops.norm(M, "fro")
    return [le(rs / sqrt(Val.exact(M.n)), f, "‖A‖_∞/√n <= ‖A‖_F"), le(f, sqrt(Val.exact(M.m)) * rs, "‖A‖_F <= √m ‖A‖_∞")]


CLAIMS.add(
    id="frobenius.table_row_sum",
    note_reports_flaw=True,
    erratum="‖A‖_{1,∞} ≤ ‖A‖_F fails (a 1×n row of ones: n > √n); the left bound needs the factor 1/√n.",
    provenance=src(_KEY, "Comparison with other norms, Row-sum row: ‖A‖_{1,∞} ≤ ‖A‖_F ≤ √m‖A‖_{1,∞}"),
    stated=Form("‖A‖_{1,∞} <= ‖A‖_F <= √m ‖A‖_{1,∞}, ‖A‖_{1,∞} = max_i Σ_j |a_ij| (max absolute row sum)",
                _row_sum_as_stated, named(A=any_matrix)),
    repaired=Form("‖A‖_∞/√n <= ‖A‖_F <= √m ‖A‖_∞ (A is m×n, ‖A‖_∞ = max absolute row sum)",
                  _row_sum_corrected, named(A=any_matrix)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note="With 'row-sum' meaning the max absolute row sum (= induced ∞-norm), the left inequality is false: a "
         "1×n row of ones has row sum n > √n = ‖A‖_F.  The right one holds (‖row‖₂ ≤ ‖row‖₁).  Since "
         "‖row‖₁ ≤ √n‖row‖₂, the left bound needs the factor 1/√n, which is attained by a row of equal entries.  "
         "Other readings: the max row 2-norm max_i ‖a_i‖₂ (= ‖A‖_{2→∞}) satisfies both inequalities as printed; "
         "the mixed-norm reading (max column 1-norm = ‖A‖₁) fails on both sides (m×1 ones column on the left, "
         "1×n ones row on the right).",
)


# ----------------------------------------------------------------------------------
# 3.4 Best Low-Rank Approximation (Eckart–Young)
# ----------------------------------------------------------------------------------

_EY = "3.4 Best Low-Rank Approximation"


def _matrix_and_k(d, k_max_offset: int = 0):
    """A (any matrix) and k in 0..min(m, n) − k_max_offset."""
    return any_matrix(d).flatmap(lambda A: st.fixed_dictionaries(
        {"A": st.just(A), "k": st.integers(0, max(min(A.m, A.n) - k_max_offset, 0))}))


def _tail(sig, k):
    return sqrt(vsum(s * s for s in sig[k:]))


def _ey_fro_error(ops, A, k):
    M = ops.mat(A)
    sig = ops.svdvals(M)
    err = ops.norm(ops.sub(M, ops.lowrank(M, k)), "fro")
    return eq(err, _tail(sig, k), f"‖A − A_k‖_F = sqrt(Σ_{{i>k}} σ_i²) (k = {k})")


def _ey_spectral_error(ops, A, k):
    M = ops.mat(A)
    sig = ops.svdvals(M)
    err = ops.norm(ops.sub(M, ops.lowrank(M, k)), "2")
    return eq(err, sig[k] if k < len(sig) else Val.exact(0), f"‖A − A_k‖₂ = σ_(k+1) (k = {k}; 0 for k >= min(m,n))")


_EY_ALSO = " Also 1.1 Scenario 5: 'best rank-k approximation ... has error ‖A − A_k‖₂ = σ_{k+1} in spectral norm and " \
           "‖A − A_k‖_F = sqrt(Σ_{i>k} σ_i²) in Frobenius norm'."

CLAIMS.add(
    id="frobenius.eckart_young_fro_error",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_EY, "Theorem (Eckart-Young, 1936): ‖A − A_k‖_F = sqrt(σ_{k+1}² + ⋯ + σ_r²), A_k = Σ_{i≤k} σ_i u_i v_iᵀ."
                   + _EY_ALSO),
    stated=Form("‖A − A_k‖_F = sqrt(Σ_{i>k} σ_i²), A_k = truncated SVD (k = 0..min(m,n))", _ey_fro_error, _matrix_and_k),
    also=(src("9.4 Low-Rank Approximation and Model Compression", "‖W − W_k‖_F = sqrt(Σ_{i>k} σ_i²)"),
          src2("1.2 核心公理与数学基础, 公理3：Eckart-Young-Mirsky定理",
               "误差为 ‖M − M_r‖_F = √(Σ_{i=r+1}^{min(n,m)} σ_i²)")),
    recorded=Verdict.HOLDS,
    note="Examples where σ_k = σ_{k+1} (no gap) leave the truncation's forward error unbounded and count as undecided.",
)

CLAIMS.add(
    id="frobenius.eckart_young_spectral_error",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_EY, "Theorem (Eckart-Young, 1936): ‖A − A_k‖₂ = σ_{k+1}." + _EY_ALSO),
    stated=Form("‖A − A_k‖₂ = σ_(k+1) (0 when k >= min(m,n))", _ey_spectral_error, _matrix_and_k),
    also=(src("9.4 Low-Rank Approximation and Model Compression", "‖W − W_k‖₂ = σ_{k+1}"),
          src("2. Geometric Intuition (The \"Rotate-Scale-Rotate\" View)",
              "If σ_k is very close to 0, that dimension effectively disappears; it is \"noise\" or redundant "
              "information.", seed="003_bf2a8a0195573cb6.txt")),
    recorded=Verdict.HOLDS,
    note="Examples where σ_k = σ_{k+1} (no gap) leave the truncation's forward error unbounded and count as undecided.",
)


def _competitors(ops, M, A, k, E, Q, delta):
    """Rank-≤k competitors B: (i) the truncation of a perturbed A + t·E, t = δ‖A‖₂ (a
    near-optimal rank-k matrix whose subspaces are slightly off), (ii) A projected on the
    span of k columns of a drawn orthogonal Q: (A Q_k) Q_kᵀ.  Both have rank ≤ k exactly."""
    out = []
    if k == 0:
        return [ops.scale(0.0, M)]
    t = float(delta) * float(ops.norm(M, "2").mid)
    out.append(ops.lowrank(ops.add(M, ops.scale(t, ops.mat(E))), k))
    Qk = ops.matmul(ops.mat(Q), ops.mat(ArraySpec.of([[1.0 if i == j else 0.0 for j in range(k)] for i in range(Q.n)])))
    out.append(ops.matmul(ops.matmul(M, Qk), ops.transpose(Qk)))
    return out


def _ey_optimal_inputs(d):
    return _matrix_and_k(d, k_max_offset=1).flatmap(lambda ak: st.fixed_dictionaries({
        "A": st.just(ak["A"]), "k": st.just(ak["k"]),
        "E": SEEDS.map(lambda s: MatrixSpec(m=ak["A"].m, n=ak["A"].n, mode="geometric", seed=s)),
        "Q": orthogonals(ak["A"].n),
        "delta": st.sampled_from([1e-6, 1e-3, 1e-1, 1.0]),
    }))


def _ey_fro_optimal(ops, A, k, E, Q, delta):
    M = ops.mat(A)
    tail = _tail(ops.svdvals(M), k)
    return [ge(ops.norm(ops.sub(M, B), "fro"), tail, f"‖A − B‖_F >= sqrt(Σ_{{i>k}} σ_i²) for rank(B) <= k = {k}")
            for B in _competitors(ops, M, A, k, E, Q, delta)]


def _ey_spectral_optimal(ops, A, k, E, Q, delta):
    M = ops.mat(A)
    s = ops.svdvals(M)[k]
    return [ge(ops.norm(ops.sub(M, B), "2"), s, f"‖A − B‖₂ >= σ_(k+1) for rank(B) <= k = {k}")
            for B in _competitors(ops, M, A, k, E, Q, delta)]


CLAIMS.add(
    id="frobenius.eckart_young_fro_optimal",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_EY, "min_{rank(B) ≤ k} ‖A − B‖_F = ‖A − A_k‖_F: in both norms, the optimal rank-k "
                        "approximation is obtained by truncating the SVD"),
    also=(src2("1.2 核心公理与数学基础, 公理3：Eckart-Young-Mirsky定理",
               "M_r = argmin_{rank(X) ≤ r} ‖M − X‖_F = Σ_{i=1}^r σ_i u_i v_iᵀ"),),
    stated=Form("‖A − B‖_F >= sqrt(Σ_{i>k} σ_i²) for every B of rank <= k (competitors: truncation of a perturbed A, "
                "projection of A on k random directions)", _ey_fro_optimal, _ey_optimal_inputs),
    recorded=Verdict.HOLDS,
    note="Attainment by A_k is frobenius.eckart_young_fro_error.  E is a randsvd matrix with ‖E‖₂ = 1, "
         "δ ∈ {1e-6, 1e-3, 0.1, 1}.",
)

CLAIMS.add(
    id="frobenius.eckart_young_spectral_optimal",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(_EY, "min_{rank(B) ≤ k} ‖A − B‖₂ = ‖A − A_k‖₂ = σ_{k+1}: in both norms, the optimal rank-k "
                        "approximation is obtained by truncating the SVD"),
    stated=Form("‖A − B‖₂ >= σ_(k+1) for every B of rank <= k (competitors: truncation of a perturbed A, "
                "projection of A on k random directions)", _ey_spectral_optimal, _ey_optimal_inputs),
    recorded=Verdict.HOLDS,
    note="Attainment by A_k is frobenius.eckart_young_spectral_error.",
)


# ----------------------------------------------------------------------------------
# 3.5 Computing and Differentiating the Frobenius Norm
# ----------------------------------------------------------------------------------

# Directional derivatives by one-sided differences in mpmath, the discipline of svd_facts.hessian_fd:
# a step far below every scale of the input, high working precision, and an allowance made of
# * rounding: a *bound* (b(0) + b(±t))/t from the error bounds b the evaluator returns with each value;
# * truncation: for φ C² on the side of the step, D(t) = φ'(0±) + tφ''/2 + O(t²) and D(2t) = φ'(0±) + tφ'' + O(t²),
#   so |D(t) − D(2t)| ≈ t|φ''|/2 is D(t)'s leading truncation error; 4|D(t) − D(2t)| (Richardson, ×4 for the
#   O(t²) rest) is an *estimate*, not a bound, as in svd_facts.hessian_fd.  At t = 2^-100 it is ~1e-30·|φ''|,
#   against the O(1) gap between the one-sided derivatives at a kink (where φ is piecewise linear near 0 and
#   the estimate is pure rounding).
# One-sided rather than central: a central difference of |t| is exactly 0 and would hide the kink in question.
FD_PREC = 600  # bits (≈ 180 digits)
FD_STEP = 2.0 ** -100


def stored(x):
    """Val keeps its midpoint at RELATION_DPS digits: the rounding of storing x (one unit in the last place)."""
    return mpmath.mpf(10) ** (1 - RELATION_DPS) * abs(x)


def one_sided_derivatives(phi, t=FD_STEP):
    """(D+, D−) = (φ'(0+), φ'(0−)) of φ(s) (which returns (value, error bound)) as Vals with the allowance above."""
    with mpmath.workprec(FD_PREC):
        t = mpmath.mpf(t)
        f0, b0 = phi(mpmath.mpf(0))
        out = []
        for sgn in (1, -1):
            (f1, b1), (f2, b2) = phi(sgn * t), phi(sgn * 2 * t)
            d1 = sgn * (f1 - f0) / t
            d2 = sgn * (f2 - f0) / (2 * t)
            # d2's own rounding (b0 + b2)/(2t) could shrink the estimate |d1 − d2|: added back, ×4 like it
            rounding = (b0 + b1) / t + 4 * (b0 + b2) / (2 * t) + mpmath.eps * abs(d1) + stored(d1)
            out.append(Val(d1, 4 * abs(d1 - d2) + rounding))
        return out[0], out[1]


def _fro_of(A, E):
    """φ(s) = ‖A + sE‖_F for mpmath matrices whose entries are taken as exact, with its rounding bound:
    N entries a + se (one rounding each), N squares, fsum, sqrt — relative error <= (N + 4)·eps."""
    N = A.rows * A.cols

    def phi(s):
        v = mpmath.sqrt(mpmath.fsum((A[i, j] + s * E[i, j]) ** 2 for i in range(A.rows) for j in range(A.cols)))
        return v, (N + 4) * mpmath.eps * v

    return phi


def _fro_grad_doc(A):
    """∂‖A‖_F/∂A = A/‖A‖_F as the document writes it (None where it is 0/0)."""
    f = mpmath.sqrt(mpmath.fsum(A[i, j] ** 2 for i in range(A.rows) for j in range(A.cols)))
    return None if f == 0 else A / f


def _fro_norm_gradient(ops, A, E, gradient=_fro_grad_doc):
    if ops.level != "math":
        from matspec.implementations.base import Unsupported

        raise Unsupported("fd-directional-derivative", ops.id, "one-sided differences at t = 2^-100 need the oracle's "
                          "precision")
    # Â, Ê: the materialised entries, taken as exact — the derivative and the formula are both evaluated at Â
    # along Ê, so the specs' construction error does not enter.
    MA, ME = ops.mat(A).data, ops.mat(E).data
    Dp, Dm = one_sided_derivatives(_fro_of(MA, ME))
    rels = [eq(Dp, Dm, "the one-sided derivatives of ‖A + tE‖_F at t = 0 agree (differentiable along E)")]
    with mpmath.workprec(FD_PREC):
        G = gradient(MA)
        if G is None:
            return rels + [holds_that(False, "A = 0: the gradient A/‖A‖_F is 0/0 (‖tE‖_F = |t|·‖E‖_F has a kink)")]
        N = MA.rows * MA.cols
        # ⟨G, Ê⟩ with |⟨G, Ê⟩| <= ‖G‖_F‖Ê‖_F: (2N + 6) roundings relative to ‖G‖_F‖Ê‖_F bound it
        g = mpmath.fsum(G[i, j] * ME[i, j] for i in range(MA.rows) for j in range(MA.cols))
        gnorm = mpmath.sqrt(mpmath.fsum(G[i, j] ** 2 for i in range(G.rows) for j in range(G.cols)))
        enorm = mpmath.sqrt(mpmath.fsum(ME[i, j] ** 2 for i in range(ME.rows) for j in range(ME.cols)))
        gE = Val(g, (2 * N + 6) * mpmath.eps * gnorm * enorm + stored(g))
    return rels + [eq(Dp, gE, "D+ == ⟨A/‖A‖_F, E⟩"), eq(Dm, gE, "D− == ⟨A/‖A‖_F, E⟩")]


def _nonzero(A):
    # rank 0 of a rank-deficient draw is the zero matrix, which the hypothesis A ≠ 0 excludes
    return dataclasses.replace(A, mode="geometric", rank=None) if A.mode == "rank_deficient" and A.rank == 0 else A


def _fro_grad_inputs(nonzero: bool):
    def inputs(d):
        dd = dataclasses.replace(d, log10_scale=(-3, 3))

        @st.composite
        def build(draw):
            A = draw(matrices(dd))
            if nonzero:
                A = _nonzero(A)
            return {"A": A, "E": draw(matrices(dd, m=A.m, n=A.n, full_rank=True))}

        return build()

    return inputs


_ZERO_1x1 = {"A": ArraySpec.of([[0.0]]), "E": ArraySpec.of([[1.0]])}

CLAIMS.add(
    id="frobenius.norm_gradient",
    note_reports_flaw=True,
    erratum="‖·‖_F is not differentiable at A = 0 (one-sided derivatives ±‖E‖_F); A/‖A‖_F needs A ≠ 0.",
    provenance=src("3.5 Computing and Differentiating the Frobenius Norm",
                   "The Frobenius norm is differentiable everywhere. Its gradient with respect to A is: "
                   "∂‖A‖_F²/∂A = 2A, ∂‖A‖_F/∂A = A/‖A‖_F"),
    stated=Form("‖·‖_F is differentiable at every A, with ∂‖A‖_F/∂A = A/‖A‖_F (one-sided directional derivatives "
                "along drawn E both equal ⟨A/‖A‖_F, E⟩)", _fro_norm_gradient, _fro_grad_inputs(nonzero=False),
                examples=[_ZERO_1x1]),
    repaired=Form("A ≠ 0: ‖·‖_F is differentiable at A with gradient A/‖A‖_F", _fro_norm_gradient,
                  _fro_grad_inputs(nonzero=True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    tags=("math-only",),
    note=("'Differentiable everywhere' fails at A = 0 — the one point where the stated gradient A/‖A‖_F is 0/0: "
          "‖0 + tE‖_F = |t|·‖E‖_F, whose one-sided derivatives are +‖E‖_F and −‖E‖_F (minimal case A = [0], "
          "E = [1]).  Every A ≠ 0 is fine: one-sided differences at t = 2^-100 in 600-bit arithmetic (rounding "
          "bound + Richardson truncation estimate, as in svd_facts.hessian_symmetric) agree with ⟨A/‖A‖_F, E⟩.  "
          "Conditional rather than misstated: the formula is right wherever it is defined; only the domain "
          "'everywhere' needs the hypothesis A ≠ 0.  The squared norm is differentiable everywhere with gradient "
          "2A: that half is ml_norms.frobenius_penalty_gradient (exact quadratic expansion)."),
)
