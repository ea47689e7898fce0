"""Claims of 004 §8: perturbation theory (first slice: the parts the op set can check).

Sections: 8.2 Weyl's Inequality for Singular Values · 8.3 Eigenvalue Perturbation: Bauer-Fike
(symmetric part only).

Homes elsewhere (one claim, one home):
* §8.2 "|σ̃_i − σ_i| ≤ ‖E‖₂ = σ1(E)" is unitarily_invariant.weyl_singular_values (§6.3 states it too).

Not encoded yet (need ops the op set lacks):
* §8.3 Bauer–Fike min_j |λ̃ − λ_j| ≤ κ₂(P)‖E‖₂ and the non-normal sensitivity remarks
  (general eigenvalues, eigenvectors and an inverse);
* §8.4 forward error ≤ κ(A) × backward error, GEPP backward stability (solve / LU).
"""
from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from matspec.catalogue._common import NO_BF16_LINALG, Registry, src
from matspec.catalogue.schatten import SIGMAS, diag_of, frame, udv, udv_inputs
from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import OrthogonalSpec
from matspec.strategies import SEEDS, dims, matrices, same_shape_pair
from matspec.values import Val, eq, ge, le, sqrt, vsum

CLAIMS = Registry()


# ----------------------------------------------------------------------------------
# 8.2 Weyl's Inequality for Singular Values — the ℓ2 (Mirsky) chain
# ----------------------------------------------------------------------------------

def _pert_inputs(d: Domain, square: bool = False):
    """(A, E) of one shape: free pairs; E many decades below A (the perturbation regime);
    E = 10^j·A exactly (Mirsky's bound attained: σ(A+E) − σ(A) = 10^j σ(A))."""
    lo, hi = d.log10_scale

    def free():
        if square:
            return dims(d, 1, 8).flatmap(
                lambda n: st.tuples(matrices(d, m=n, n=n), matrices(d, m=n, n=n)))
        return same_shape_pair(d)

    @st.composite
    def small(draw):
        A, B = draw(free())
        j = draw(st.integers(1, 10))
        return {"A": A, "E": dataclasses.replace(B, log10_scale=max(lo, A.log10_scale - j))}

    @st.composite
    def scaled(draw):
        A, _ = draw(free())
        s = draw(st.integers(max(lo, A.log10_scale - 3), min(hi, A.log10_scale + 1)))
        return {"A": A, "E": dataclasses.replace(A, log10_scale=s)}

    return st.one_of(free().map(lambda ab: {"A": ab[0], "E": ab[1]}), small(), scaled())


def _sigma_chain(ops, A, E):
    MA, ME = ops.mat(A), ops.mat(E)
    s, t = ops.svdvals(MA), ops.svdvals(ops.add(MA, ME))
    dist = sqrt(vsum(abs(ti - si) ** 2 for ti, si in zip(t, s)))
    fro, two = ops.norm(ME, "fro"), ops.norm(ME, "2")
    p = min(A.m, A.n)
    return [
        le(dist, fro, "‖σ(A+E) − σ(A)‖₂ <= ‖E‖_F"),
        le(fro, sqrt(Val.exact(p)) * two, f"‖E‖_F <= √p ‖E‖₂ (p = min(m, n) = {p})"),
    ]


CLAIMS.add(
    id="perturbation.sigma_lipschitz_chain",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("8.2 Weyl's Inequality for Singular Values",
                   "‖σ(A+E) − σ(A)‖₂ ≤ ‖E‖_F ≤ √p‖E‖₂"),
    also=(src("8.2 Weyl's Inequality for Singular Values",
              "Stronger form (Mirsky's theorem): ‖σ(A+E) − σ(A)‖_F ≤ ‖E‖_F. In Frobenius norm, the vector of "
              "singular values is also Lipschitz-1."),),
    stated=Form("‖σ(A+E) − σ(A)‖₂ <= ‖E‖_F <= √p ‖E‖₂, p = min(m, n)", _sigma_chain, _pert_inputs),
    recorded=Verdict.HOLDS,
    note=("Mirsky's statement writes ‖·‖_F on the vector σ(A+E) − σ(A): the Euclidean norm, i.e. the first "
          "inequality of the chain (Hoffman–Wielandt for singular values); both statements live here.  The "
          "second inequality is frobenius.le_sqrt_rank_spectral with rank <= p.  Inputs: free pairs, E 1–10 "
          "decades below A, and E = 10^j·A (the first inequality is then an equality)."),
)


# --- the proof sketch's variational formula ----------------------------------------

def _cf_inputs(d: Domain):
    def extra(draw, m, n):
        return {"Z": OrthogonalSpec(n, draw(SEEDS))}

    return udv_inputs(d, max_dim=5, min_dim=2, values=SIGMAS, extra=extra)


def _tail_norm(ops, M, Q, k):
    """max_{x ⊥ span(Q[:, :k])} ‖Mx‖/‖x‖ = ‖M (I − Q_k Q_kᵀ)‖₂ (k < n)."""
    n = M.n
    if k == 0:
        return ops.norm(M, "2")
    Qk = frame(ops, Q, k)
    P = ops.sub(ops.identity(n), ops.matmul(Qk, ops.transpose(Qk)))
    return ops.norm(ops.matmul(M, P), "2")


def _cf(ops, U, D, V, Z, dim_shift):
    """σ_i = min over subspaces S of dimension i − dim_shift of max_{x ⊥ S} ‖Ax‖/‖x‖: checked as
    (a) every drawn S gives at least σ_i, and (b) S = the top singular directions attains σ_i."""
    sig = diag_of(D)
    M = udv(ops, U, D, V)
    right = ops.transpose(ops.mat(V))  # A = U D V: right singular vectors are the columns of Vᵀ
    rand = ops.mat(Z)
    rels = []
    for i in range(1, len(sig) + 1):
        k = i - dim_shift
        if not (0 <= k < M.n):
            continue
        s_i = Val.exact(sig[i - 1])
        rels.append(ge(_tail_norm(ops, M, rand, k), s_i, f"random S, dim {k}: max_(x⊥S) ‖Ax‖/‖x‖ >= σ_{i}"))
        rels.append(ge(_tail_norm(ops, M, right, k), s_i, f"S = span(v_1..v_{k}): max_(x⊥S) ‖Ax‖/‖x‖ >= σ_{i}"))
        rels.append(eq(_tail_norm(ops, M, right, k), s_i, f"S = span(v_1..v_{k}) attains σ_{i}"))
    if not rels:
        rels.append(eq(0, 0, "no index i with 0 <= dim S < n"))
    return rels


CLAIMS.add(
    id="perturbation.weyl_proof_courant_fischer",
    note_reports_flaw=True,
    erratum="Off by one: the min–max runs over subspaces of dimension i − 1, not i (dimension i gives σ_{i+1}).",
    expect=dict(NO_BF16_LINALG),
    provenance=src("8.2 Weyl's Inequality for Singular Values",
                   "Proof sketch. By the variational formula for singular values (Courant-Fischer), "
                   "σ_i(A) = min_{dim U = i} max_{x ⊥ U} ‖Ax‖/‖x‖"),
    stated=Form("σ_i(A) = min over subspaces U of dimension i of max_{x ⊥ U} ‖Ax‖/‖x‖",
                lambda ops, U, D, V, Z: _cf(ops, U, D, V, Z, 0), _cf_inputs),
    repaired=Form("σ_i(A) = min over subspaces U of dimension i − 1 of max_{x ⊥ U} ‖Ax‖/‖x‖ "
                  "(attained at U = span(v_1, …, v_{i−1}))",
                  lambda ops, U, D, V, Z: _cf(ops, U, D, V, Z, 1), _cf_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Off by one in the subspace dimension: with dim U = i, U = span(v_1, …, v_i) leaves max_{x⊥U} "
          "‖Ax‖/‖x‖ = σ_{i+1}, so the min is σ_{i+1} (< σ_i when they differ; for i = n there is no x ⊥ U at "
          "all).  The Courant–Fischer min–max takes dim U = i − 1.  Weyl's inequality itself holds "
          "(unitarily_invariant.weyl_singular_values).  A = U·diag(σ)·V with dyadic σ, so σ_i is exact."),
)


# ----------------------------------------------------------------------------------
# 8.3 Eigenvalue Perturbation (symmetric part)
# ----------------------------------------------------------------------------------

def _sym_inputs(d: Domain):
    half = dataclasses.replace(d, log10_scale=(-(-d.log10_scale[0] // 2), d.log10_scale[1] // 2))

    @st.composite
    def build(draw):
        kind_a = draw(st.sampled_from(("X+Xᵀ", "XᵀX")))
        kind_e = draw(st.sampled_from(("X+Xᵀ", "XᵀX")))
        # XᵀX squares the scale: draw its factors in half the range.
        pair = draw(_pert_inputs(half, square=True))
        return {"X": pair["A"], "Y": pair["E"], "kind_a": kind_a, "kind_e": kind_e}

    return build()


def _sym(ops, X, kind):
    M = ops.mat(X)
    if kind == "X+Xᵀ":
        return ops.add(M, ops.transpose(M))
    return ops.matmul(ops.transpose(M), M)


def _sym_weyl(ops, X, Y, kind_a, kind_e):
    A, E = _sym(ops, X, kind_a), _sym(ops, Y, kind_e)
    lam, mu = ops.eigvalsh(A), ops.eigvalsh(ops.add(A, E))
    e2 = ops.norm(E, "2")
    return [le(abs(m - l), e2, f"|λ_{i + 1}(A+E) − λ_{i + 1}(A)| <= ‖E‖₂") for i, (l, m) in enumerate(zip(lam, mu))]


CLAIMS.add(
    id="perturbation.symmetric_weyl_eigenvalues",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("8.3 Eigenvalue Perturbation: Bauer-Fike",
                   "For symmetric matrices A with eigenvalues λ_i, the analog of Weyl is: |λ̃_i − λ_i| ≤ ‖E‖₂"),
    stated=Form("A, E symmetric, eigenvalues in descending order: |λ_i(A+E) − λ_i(A)| <= ‖E‖₂",
                _sym_weyl, _sym_inputs),
    recorded=Verdict.HOLDS,
    note=("A and E built as X + Xᵀ (indefinite) or XᵀX (PSD) from randsvd X; E free, many decades below A, "
          "or the same construction on 10^j·X (then λ(A+E) − λ(A) is a multiple of λ(A) and the bound is "
          "attained when E = 10^j(X + Xᵀ)).  E is symmetric: the hypothesis 'E symmetric' is implicit in "
          "the text (for non-symmetric E, A + E has no real ordered spectrum in general)."),
)
