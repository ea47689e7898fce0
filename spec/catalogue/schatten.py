"""Claims of 004 §5: Schatten p-norms, the nuclear norm and Ky Fan norms.

Sections: 5.1 The Schatten p-Norm Family · 5.2 The Nuclear Norm · 5.3 Computing the Nuclear
Norm and Proximal Operator · 5.4 Ky Fan Norms.

Matrices with a *known* SVD.  Several statements are about singular vectors (the subgradient
UVᵀ, the top-k singular frames, the direction of a kink), which no op returns.  For those
the inputs are A = U·D·V built in the op set from two exactly orthogonal factors
(OrthogonalSpec) and an explicit diagonal D with short dyadic entries (ArraySpec), so A's
singular vectors are the columns of U and the rows of V, exactly, and A + t·U E_ij V is
again such a product for dyadic t.

Not encoded:
* §5.2 "‖A‖_* = conv{rank(A) : ‖A‖₂ ≤ 1}" read literally (the convex envelope as a
  function): only its checkable consequences are encoded (schatten.nuclear_convex_envelope_of_rank);
  "tightest" would need a quantifier over all convex minorants.
* §5.3 "For AI: … ADMM … LoRA implicitly regularizes toward low nuclear norm": not a
  statement about the norms that an op set can evaluate.
"""
from __future__ import annotations

import dataclasses
import math

import mpmath
from hypothesis import strategies as st

from matspec.catalogue._common import NO_BF16_LINALG, Registry, named, src
from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import MODES, ArraySpec, MatrixSpec, OrthogonalSpec
from matspec.strategies import SEEDS, any_matrix, dims, half_scale, matrices, same_shape_pair
from matspec.values import RELATION_DPS, Val, eq, ge, gt, holds_that, le, lt, sqrt, vmax, vsum

CLAIMS = Registry()


INF = math.inf
# Schatten exponents checked everywhere: the canonical 1, 2, ∞ and a few in between.
P_LIST = (1, 1.5, 2, 3, 4, INF)
# Conjugate pairs 1/p + 1/q = 1, all exactly representable.
CONJUGATES = ((1, INF), (INF, 1), (2, 2), (1.5, 3), (3, 1.5), (1.25, 5), (5, 1.25))


# ----------------------------------------------------------------------------------
# helpers (also used by matspec.catalogue.unitarily_invariant)
# ----------------------------------------------------------------------------------

def pname(p) -> str:
    return "∞" if p == INF else f"{p:g}"


def lp(vals, p):
    """‖v‖_p of a list of Vals (the singular values), in Val arithmetic."""
    vals = [abs(v) for v in vals]
    if p == INF:
        return vmax(vals)
    if p == 1:
        return vsum(vals)
    with mpmath.workdps(RELATION_DPS):
        root = mpmath.mpf(1) / mpmath.mpf(p)  # the exact 1/p (a float 1/p is off by ~1e-17, which
        # a root of a tiny sum amplifies by |ln Σσ^p|)
    return vsum(v ** p for v in vals) ** root


def schatten(ops, M, p):
    return ops.norm(M, "schatten", p=p)


def diag_spec(m: int, n: int, d) -> ArraySpec:
    return ArraySpec(tuple(tuple(float(d[i]) if (i == j and i < len(d)) else 0.0 for j in range(n)) for i in range(m)))


def diag_of(D: ArraySpec) -> list[float]:
    return [D.rows[i][i] for i in range(min(D.m, D.n))]


def udv(ops, U, D, V):
    """A = U·D·V in the op set (U m×m, V n×n orthogonal specs, D an m×n ArraySpec)."""
    return ops.matmul(ops.matmul(ops.mat(U), ops.mat(D)), ops.mat(V))


def qlqt(ops, MQ, L):
    """A = Q·Λ·Qᵀ in the op set (MQ an orthogonal Mat, L a diagonal ArraySpec): symmetric, A q_i = λ_i q_i."""
    return ops.matmul(ops.matmul(MQ, ops.mat(L)), ops.transpose(MQ))


def frame(ops, Q, k: int):
    """The first k columns of an orthogonal matrix (a Mat), as Q·[I_k; 0]."""
    n = Q.shape[0]
    return ops.matmul(Q, ops.mat(ArraySpec(tuple(tuple(1.0 if i == j else 0.0 for j in range(k)) for i in range(n)))))


# Short dyadic singular values: sums and differences with dyadic steps stay exact.
SIGMAS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


def udv_inputs(d: Domain, max_dim: int = 4, min_dim: int = 1, values=SIGMAS, zeros: bool = False,
               repeat: bool = False, extra=None):
    """{"U", "D", "V"} with D = diag(σ) sorted descending.  zeros: allow σ = 0 entries;
    repeat: force a repeated (positive) value.  extra(draw, m, n) adds more inputs."""

    @st.composite
    def build(draw):
        m = draw(dims(d, min_dim, max_dim))
        n = draw(dims(d, min_dim, max_dim))
        p = min(m, n)
        pool = tuple(values) + ((0.0,) if zeros else ())
        sig = draw(st.lists(st.sampled_from(pool), min_size=p, max_size=p))
        if repeat and p >= 2 and len(set(sig)) == p:
            sig[1] = sig[0]
        sig = sorted(sig, reverse=True)
        out = {"U": OrthogonalSpec(m, draw(SEEDS)), "D": diag_spec(m, n, sig), "V": OrthogonalSpec(n, draw(SEEDS))}
        if extra is not None:
            out.update(extra(draw, m, n))
        return out

    return build()


def _rank_of(spec) -> int:
    return spec.exact_rank


# ----------------------------------------------------------------------------------
# 5.1 The Schatten p-Norm Family
# ----------------------------------------------------------------------------------

def _schatten_is_lp(ops, A):
    M = ops.mat(A)
    s = ops.svdvals(M)
    return [eq(schatten(ops, M, p), lp(s, p), f"‖A‖_S{pname(p)} = ‖σ(A)‖_{pname(p)}") for p in P_LIST + (7.5,)]


CLAIMS.add(
    id="schatten.is_lp_of_singular_values",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family", "‖A‖_{S_p} = ‖σ(A)‖_p = (Σ_{i=1}^r σ_i^p)^{1/p}"),
    stated=Form("‖A‖_{S_p} = (Σ σ_i^p)^{1/p} for p ∈ {1, 1.5, 2, 3, 4, 7.5, ∞}", _schatten_is_lp, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


def _canonical(ops, A):
    M = ops.mat(A)
    s = ops.svdvals(M)
    nuc, fro, spec = ops.norm(M, "nuc"), ops.norm(M, "fro"), ops.norm(M, "2")
    return [
        eq(schatten(ops, M, 1), nuc, "S_1 = nuclear"),
        eq(nuc, vsum(s), "‖A‖_* = Σσ_i"),
        eq(schatten(ops, M, 2), fro, "S_2 = Frobenius"),
        eq(fro, sqrt(ops.trace(ops.matmul(ops.transpose(M), M))), "‖A‖_F = sqrt(tr(AᵀA))"),
        eq(schatten(ops, M, INF), spec, "S_∞ = spectral"),
        eq(spec, s[0], "‖A‖₂ = max σ_i = σ1"),
    ]


CLAIMS.add(
    id="schatten.canonical_cases",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family",
                   "p = 1 Nuclear Σσ_i; p = 2 Frobenius sqrt(Σσ_i²) = sqrt(tr(AᵀA)); p = ∞ Spectral max σ_i = σ1"),
    stated=Form("S_1 = ‖·‖_* = Σσ; S_2 = ‖·‖_F = sqrt(tr AᵀA); S_∞ = ‖·‖₂ = σ1", _canonical,
                lambda d: st.fixed_dictionaries({"A": any_matrix(half_scale(d))})),
    recorded=Verdict.HOLDS,
    note="The p = 1 row's tr(sqrt(AᵀA)) is checked in schatten.nuclear_is_trace_of_abs.",
)


def _ordering(ops, A):
    M = ops.mat(A)
    n = {p: schatten(ops, M, p) for p in P_LIST}
    return [ge(n[p], n[q], f"‖A‖_S{pname(p)} >= ‖A‖_S{pname(q)}") for i, p in enumerate(P_LIST) for q in P_LIST[i + 1:]]


CLAIMS.add(
    id="schatten.ordering",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family", "Ordering. For p ≤ q: ‖A‖_{S_p} ≥ ‖A‖_{S_q}"),
    stated=Form("p <= q ⇒ ‖A‖_{S_p} >= ‖A‖_{S_q} (p, q ∈ {1, 1.5, 2, 3, 4, ∞})", _ordering, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


def _equal_sigma(d: Domain):
    """Full rank, all singular values equal (κ = 1: every mode gives σ = 1)."""
    return matrices(d, modes=("geometric",)).map(lambda s: dataclasses.replace(s, log10_kappa=0))


def _rank_one(d: Domain):
    @st.composite
    def build(draw):
        A = draw(matrices(d, modes=("geometric",)))
        return dataclasses.replace(A, mode="rank_deficient", rank=1) if A.p >= 2 else A

    return build()


def _chain(ops, M):
    two, fro, nuc = ops.norm(M, "2"), ops.norm(M, "fro"), ops.norm(M, "nuc")
    return two, fro, nuc, [le(two, fro, "‖A‖₂ <= ‖A‖_F"), le(fro, nuc, "‖A‖_F <= ‖A‖_*")]


def _chain_as_stated(ops, A, E):
    _, _, _, rels = _chain(ops, ops.mat(A))
    two, fro, nuc, more = _chain(ops, ops.mat(E))
    return rels + more + [
        eq(two, fro, "equal σ, full rank: ‖E‖₂ = ‖E‖_F ('sharp')"),
        eq(fro, nuc, "equal σ, full rank: ‖E‖_F = ‖E‖_* ('sharp')"),
    ]


def _chain_corrected(ops, A, E, R):
    two, fro, nuc, rels = _chain(ops, ops.mat(A))
    r = Val.exact(_rank_of(A))
    rels += [le(fro, sqrt(r) * two, "‖A‖_F <= √rank ‖A‖₂"), le(nuc, sqrt(r) * fro, "‖A‖_* <= √rank ‖A‖_F")]
    t2, tf, tn, _ = _chain(ops, ops.mat(R))
    rels += [eq(t2, tf, "rank one: ‖R‖₂ = ‖R‖_F"), eq(tf, tn, "rank one: ‖R‖_F = ‖R‖_*")]
    e2, ef, en, _ = _chain(ops, ops.mat(E))
    re_ = Val.exact(_rank_of(E))
    rels += [eq(ef, sqrt(re_) * e2, "equal σ: ‖E‖_F = √r ‖E‖₂"), eq(en, sqrt(re_) * ef, "equal σ: ‖E‖_* = √r ‖E‖_F")]
    if _rank_of(E) >= 2:
        rels += [lt(e2, ef, "equal σ, r >= 2: ‖E‖₂ < ‖E‖_F (strict)"), lt(ef, en, "equal σ, r >= 2: ‖E‖_F < ‖E‖_* (strict)")]
    return rels


CLAIMS.add(
    id="schatten.chain",
    note_reports_flaw=True,
    erratum="Equal singular values are where the chain is least sharp (I₂: 1 < √2 < 2); equality holds iff rank ≤ 1.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family",
                   "‖A‖₂ = ‖A‖_{S_∞} ≤ ‖A‖_F = ‖A‖_{S_2} ≤ ‖A‖_* = ‖A‖_{S_1} with inequalities sharp for full-rank matrices with equal singular values"),
    stated=Form("‖A‖₂ <= ‖A‖_F <= ‖A‖_*, with equality for full-rank E with equal singular values", _chain_as_stated,
                named(A=any_matrix, E=_equal_sigma)),
    repaired=Form("‖A‖₂ <= ‖A‖_F <= ‖A‖_*, equality iff rank <= 1; equal singular values attain the reverse bounds "
                  "‖A‖_F <= √r‖A‖₂ and ‖A‖_* <= √r‖A‖_F", _chain_corrected,
                  named(A=matrices, E=_equal_sigma, R=_rank_one)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("For E with r >= 2 equal singular values σ: ‖E‖₂ = σ < √r σ = ‖E‖_F < rσ = ‖E‖_* (I₂: 1 < √2 < 2). "
          "The chain is an equality exactly at rank <= 1; equal singular values are the equality case of the "
          "*reverse* bounds ‖A‖_F <= √r‖A‖₂, ‖A‖_* <= √r‖A‖_F (r = rank)."),
)


def _holder(ops, A, B, U, D, V):
    MA, MB = ops.mat(A), ops.mat(B)
    ip = ops.inner(MA, MB)
    nA = {p: schatten(ops, MA, p) for p in P_LIST + (1.25, 5)}
    nB = {p: schatten(ops, MB, p) for p in P_LIST + (1.25, 5)}
    rels = [le(ip, nA[p] * nB[q], f"⟨A,B⟩_F <= ‖A‖_S{pname(p)} ‖B‖_S{pname(q)}") for p, q in CONJUGATES]
    # (S_p)* = S_q: the bound is attained.  For C = U diag(σ) V the maximiser is
    # B* = U diag(σ^{p−1}) V (p = ∞: the top singular direction(s) only, here u1 v1ᵀ);
    # p ∈ {1, 2, 3, ∞} keeps σ^{p−1} exact for dyadic σ and q exactly conjugate.
    sig = diag_of(D)
    C = udv(ops, U, D, V)
    for p, q in ((1, INF), (2, 2), (3, 1.5), (INF, 1)):
        if p == INF:
            w = [1.0] + [0.0] * (len(sig) - 1)
        else:
            w = [t ** (p - 1) if t > 0 else 0.0 for t in sig]
        Bs = udv(ops, U, diag_spec(D.m, D.n, w), V)
        rels.append(eq(ops.inner(C, Bs), schatten(ops, C, p) * schatten(ops, Bs, q),
                       f"⟨C,B*⟩_F = ‖C‖_S{pname(p)} ‖B*‖_S{pname(q)} at B* = U diag(σ^(p−1)) V (dual pair attained)"))
    return rels


def _holder_inputs(d: Domain):
    @st.composite
    def build(draw):
        A, B = draw(same_shape_pair(half_scale(d)))
        out = draw(udv_inputs(d, max_dim=4))
        out.update(A=A, B=B)
        return out

    return build()


CLAIMS.add(
    id="schatten.holder_duality",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family",
                   "Schatten norms are dual in pairs: (S_p)* = S_q where 1/p + 1/q = 1. In particular: "
                   "⟨A, B⟩_F ≤ ‖A‖_{S_p}‖B‖_{S_q} (1/p + 1/q = 1). This is Holder's inequality for singular values."),
    stated=Form("⟨A,B⟩_F <= ‖A‖_{S_p}‖B‖_{S_q} for conjugate p, q (incl. 1, ∞), with equality at B* = U diag(σ^(p−1)) V",
                _holder, _holder_inputs),
    recorded=Verdict.HOLDS,
    note=("Inequality on drawn pairs for 7 conjugate pairs; attainment (the dual-norm statement) on C = U·D·V with a "
          "known SVD for (p, q) = (1, ∞), (2, 2), (3, 3/2), (∞, 1).  The nuclear/spectral case with B* = polar(A) "
          "is also schatten.nuclear_dual_of_spectral."),
)


def _rms_as_stated(ops, A):
    M = ops.mat(A)
    r = _rank_of(A)
    s = ops.svdvals(M)[:r]
    return eq(ops.norm(M, "fro"), sqrt(vsum(t * t for t in s) / r), "‖A‖_F = RMS of σ_1..σ_r = sqrt((1/r) Σσ_i²)")


def _rms_corrected(ops, A):
    M = ops.mat(A)
    r = _rank_of(A)
    s = ops.svdvals(M)[:r]
    rms = sqrt(vsum(t * t for t in s) / r)
    return eq(ops.norm(M, "fro"), sqrt(Val.exact(r)) * rms, "‖A‖_F = √r · RMS(σ) = sqrt(Σσ_i²) (root-sum-square)")


def _nonzero(d: Domain):
    return matrices(d).filter(lambda s: s.exact_rank >= 1)


CLAIMS.add(
    id="schatten.frobenius_is_rms_singular_value",
    note_reports_flaw=True,
    erratum="√(Σσᵢ²) is the root-sum-square; the RMS singular value is √r times smaller.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.1 The Schatten p-Norm Family",
                   "p = 2, Frobenius, sqrt(Σσ_i²) = sqrt(tr(AᵀA)), Interpretation: RMS singular value"),
    stated=Form("‖A‖_F is the RMS singular value sqrt((1/r)Σσ_i²), r = rank(A) >= 1", _rms_as_stated, named(A=_nonzero)),
    repaired=Form("‖A‖_F = sqrt(Σσ_i²) = √r × (RMS singular value): the root-sum-square", _rms_corrected, named(A=_nonzero)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("The table's interpretation column: sqrt(Σσ²) is the root-*sum*-square; the RMS is sqrt(Σσ²/r), smaller by "
          "√r (I₂: ‖I‖_F = √2, RMS σ = 1).  The formula column is right (schatten.canonical_cases)."),
)


# ----------------------------------------------------------------------------------
# 5.2 The Nuclear Norm
# ----------------------------------------------------------------------------------

def _trace_of_abs(ops, A):
    M = ops.mat(A)
    lam = ops.eigvalsh(ops.matmul(ops.transpose(M), M))
    nuc = ops.norm(M, "nuc")
    return [
        eq(nuc, vsum(ops.svdvals(M)), "‖A‖_* = Σσ_i"),
        eq(nuc, vsum(sqrt(t) for t in lam), "‖A‖_* = tr(sqrt(AᵀA)) = Σ sqrt(λ_i(AᵀA))"),
    ]


CLAIMS.add(
    id="schatten.nuclear_is_trace_of_abs",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.2 The Nuclear Norm", "‖A‖_* = Σ_{i=1}^r σ_i = tr(sqrt(AᵀA)) = tr(|A|)"),
    stated=Form("‖A‖_* = Σσ_i = tr(sqrt(AᵀA))", _trace_of_abs, lambda d: st.fixed_dictionaries({"A": any_matrix(half_scale(d))})),
    recorded=Verdict.HOLDS,
    note="tr(sqrt(AᵀA)) is evaluated as Σ sqrt(λ_i(AᵀA)) (eigvalsh of the PSD AᵀA; sqrt clips the rounding below 0).",
)


def _psd_trace(ops, B):
    MB = ops.mat(B)
    M = ops.matmul(ops.transpose(MB), MB)
    return eq(ops.norm(M, "nuc"), ops.trace(M), "PSD A = BᵀB: ‖A‖_* = tr(A)")


CLAIMS.add(
    id="schatten.nuclear_psd_is_trace",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.2 The Nuclear Norm", "For square PSD matrices, ‖A‖_* = tr(A) - hence \"trace norm.\""),
    stated=Form("A = BᵀB (PSD): ‖A‖_* = tr(A)", _psd_trace, lambda d: st.fixed_dictionaries({"B": any_matrix(half_scale(d))})),
    recorded=Verdict.HOLDS,
)


def _spectral_ball(d: Domain, **kw):
    """Specs with ‖A‖₂ = 10^scale <= 1 exactly (MatrixSpec: σ1 = 10^log10_scale)."""
    return matrices(d, **kw).map(lambda s: dataclasses.replace(s, log10_scale=-abs(s.log10_scale)))


def _partial_isometry(d: Domain):
    """All nonzero singular values equal to 1 (κ = 1, scale 1), any rank."""
    # every mode but 'clustered' (relative spread 1e-10 even at κ = 1) gives σ ∈ {0, 1} at κ = 1
    modes = tuple(md for md in MODES if md != "clustered")
    return matrices(d, modes=modes).map(lambda s: dataclasses.replace(s, log10_kappa=0, log10_scale=0))


def _envelope(ops, A, P):
    MA, MP = ops.mat(A), ops.mat(P)
    rp = _rank_of(P)
    return [
        le(ops.norm(MA, "2"), 1, "premise: ‖A‖₂ <= 1"),
        le(ops.norm(MA, "nuc"), _rank_of(A), "‖A‖_* <= rank(A) on the spectral unit ball"),
        eq(ops.norm(MP, "2"), 1 if rp else 0, "partial isometry: ‖P‖₂ = 1"),
        eq(ops.norm(MP, "nuc"), rp, "partial isometry: ‖P‖_* = rank(P) (the lower bound is attained)"),
    ]


CLAIMS.add(
    id="schatten.nuclear_convex_envelope_of_rank",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.2 The Nuclear Norm",
                   "on the set {A : ‖A‖₂ ≤ 1}, the nuclear norm is the tightest convex lower bound on rank"),
    stated=Form("‖A‖₂ <= 1 ⇒ ‖A‖_* <= rank(A); equality at partial isometries", _envelope,
                named(A=_spectral_ball, P=_partial_isometry)),
    recorded=Verdict.HOLDS,
    note=("The displayed formula '‖A‖_* = conv{rank(A) : ‖A‖₂ ≤ 1}' is notation abuse (a function equated to a "
          "set's hull); the sentence after it is what is meant.  Executable consequences: the lower bound, and "
          "its attainment at partial isometries (which are the extreme points where rank is convex-envelope "
          "tight).  'Tightest' itself quantifies over all convex minorants and is not encoded."),
)


def _dual_inputs(d: Domain):
    @st.composite
    def build(draw):
        m, n = draw(dims(d, 1)), draw(dims(d, 1))
        A = draw(matrices(d, m=m, n=n))
        B = draw(_spectral_ball(d, m=m, n=n))
        F = draw(matrices(d, full_rank=True))
        F = dataclasses.replace(F, log10_kappa=min(F.log10_kappa, 3))
        return {"A": A, "B": B, "F": F}

    return build()


def _nuclear_dual(ops, A, B, F):
    MA, MB, MF = ops.mat(A), ops.mat(B), ops.mat(F)
    Q = ops.polar(MF)
    return [
        eq(ops.trace(ops.matmul(ops.transpose(MA), MB)), ops.inner(MA, MB), "tr(AᵀB) = ⟨A,B⟩_F"),
        le(ops.inner(MA, MB), ops.norm(MA, "nuc"), "‖B‖₂ <= 1 ⇒ ⟨A,B⟩_F <= ‖A‖_*"),
        le(ops.norm(Q, "2"), 1, "B* = polar(F) is feasible: ‖B*‖₂ <= 1"),
        eq(ops.inner(MF, Q), ops.norm(MF, "nuc"), "⟨F, polar(F)⟩_F = ‖F‖_* (the max is attained)"),
    ]


CLAIMS.add(
    id="schatten.nuclear_dual_of_spectral",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.2 The Nuclear Norm", "‖A‖_* = max_{‖B‖₂ ≤ 1} ⟨A, B⟩_F = max_{‖B‖₂ ≤ 1} tr(AᵀB)"),
    stated=Form("⟨A,B⟩_F = tr(AᵀB) <= ‖A‖_* whenever ‖B‖₂ <= 1, attained at B = polar(A)", _nuclear_dual, _dual_inputs),
    recorded=Verdict.HOLDS,
    note=("Attainment is checked on full-rank F (κ <= 1e3), where the polar factor is unique and has an error "
          "bound; for rank-deficient A any U Vᵀ + W with W on the null spaces attains (cf. schatten.nuclear_subdifferential)."),
)


# ----------------------------------------------------------------------------------
# 5.3 Computing the Nuclear Norm and Proximal Operator
# ----------------------------------------------------------------------------------
#
# Smoothness by finite differences, with a bound instead of a tolerance.  For A = U D V with
# σ_min(A) > 0 and a unit direction E (‖E‖₂ = ‖E‖_F = 1), g(t) = ‖A + tE‖_* is differentiable
# on |t| < σ_min with g'(t) = ⟨Q(A + tE), E⟩, Q the polar factor, and Q is Lipschitz:
# ‖Q(X) − Q(Y)‖_F <= 2‖X − Y‖_F / min(σ_min(X), σ_min(Y)) (Li & Sun; the NumPy backend uses
# the sharper √3).  Integrating, the symmetric second difference
#     Δ(h) = g(h) + g(−h) − 2 g(0)  satisfies  0 <= Δ(h) <= L h²,  L = 2 / (σ_min − h).
# A kink of width w (one-sided slopes differing by w) gives Δ(h) >= w·h instead.  At a
# rank-deficient A and E = u_{r+1} v_{r+1}ᵀ, g(t) = ‖A‖_* + |t| exactly: w = 2, Δ(h) = 2h.
# With h = σ_min / 8 (rounded down to a power of two so A ± hE stays exact), L h² <= 2h/7:
# a kink of width 2 would exceed the smooth bound seven-fold, far above rounding (the radii).
# Completeness: a convex f is differentiable at A iff ∂f(A) is a singleton; two distinct
# subgradients differ in some coordinate, so some basis direction U e_i e_jᵀ V has a kink.
# Checking all m·n basis directions therefore decides "is there a kink" at resolution h.

def _pow2_below(x: float) -> float:
    return 2.0 ** math.floor(math.log2(x))


def _plus(D: ArraySpec, i: int, j: int, t: float) -> ArraySpec:
    return ArraySpec(tuple(tuple(x + (t if (a, b) == (i, j) else 0.0) for b, x in enumerate(r)) for a, r in enumerate(D.rows)))


def _second_difference(ops, U, D, V, i, j, h, f0):
    fp = ops.norm(udv(ops, U, _plus(D, i, j, h), V), "nuc")
    fm = ops.norm(udv(ops, U, _plus(D, i, j, -h), V), "nuc")
    return fp + fm - 2 * f0


def _kink_data(U, D, V):
    s = diag_of(D)
    smin = min(s)
    h = _pow2_below(smin / 8)
    return smin, h, Val.exact(2) / (Val.exact(smin) - h) * h * h


def _kink_at_repeated(ops, U, D, V):
    _, h, smooth = _kink_data(U, D, V)
    f0 = ops.norm(udv(ops, U, D, V), "nuc")
    deltas = [_second_difference(ops, U, D, V, i, j, h, f0) for i in range(D.m) for j in range(D.n)]
    return gt(vmax(deltas), smooth, f"repeated σ: some direction U e_i e_jᵀ V has a kink, Δ(h) > L h² (h = {h:g})")


def _kink_where_rank_deficient(ops, U, D, V, z):
    _, h, smooth = _kink_data(U, D, V)
    f0 = ops.norm(udv(ops, U, D, V), "nuc")
    rels = [le(_second_difference(ops, U, D, V, i, j, h, f0), smooth,
               f"full rank: no kink along U e_{i + 1}e_{j + 1}ᵀ V, Δ(h) <= L h² (h = {h:g})")
            for i in range(D.m) for j in range(D.n)]
    s = diag_of(D)
    r = len(s) - z  # zero the trailing z singular values
    R = diag_spec(D.m, D.n, s[:r] + [0.0] * z)
    g0 = ops.norm(udv(ops, U, R, V), "nuc")
    for hh in (h, h / 2):
        rels.append(eq(_second_difference(ops, U, R, V, r, r, hh, g0), 2 * hh,
                       f"rank {r}: kink along u_{r + 1}v_{r + 1}ᵀ, Δ(h) = 2h (h = {hh:g})"))
    return rels


def _kink_inputs(repeat):
    def f(d: Domain):
        extra = (lambda draw, m, n: {"z": draw(st.integers(1, min(m, n)))}) if not repeat else None
        return udv_inputs(d, max_dim=3, min_dim=2 if repeat else 1, repeat=repeat, extra=extra)

    return f


CLAIMS.add(
    id="schatten.nuclear_nonsmooth_where",
    note_reports_flaw=True,
    erratum="‖·‖_* is smooth at every full-rank A, repeated σ or not; its kinks are at rank-deficient A.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.3 Computing the Nuclear Norm and Proximal Operator",
                   "The nuclear norm is convex but non-smooth (when A has repeated singular values)."),
    stated=Form("at a full-rank A with a repeated singular value ‖·‖_* has a kink in some direction",
                _kink_at_repeated, _kink_inputs(repeat=True)),
    repaired=Form("‖·‖_* is smooth at every full-rank A (repeated σ or not) and has a kink at every "
                  "rank-deficient A (‖A + tE‖_* = ‖A‖_* + |t| along a null direction)",
                  _kink_where_rank_deficient, _kink_inputs(repeat=False)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Repeated singular values are harmless for Σσ_i: at full rank its gradient is the polar factor UVᵀ, "
          "unique even when σ repeats (e.g. at A = I, ‖I + tE‖_* = n + t·tr(E) + O(t²)).  The kinks sit at "
          "rank-deficient A — where σ = 0, repeated or not.  (Repeated σ1 is where the *spectral* norm, §3.5, "
          "is non-smooth.)  Method and the choice of h: see the comment above the properties."),
)


def _subgrad_inputs(d: Domain):
    def extra(draw, m, n):
        p = min(m, n)
        w = draw(st.lists(st.sampled_from((-1.0, -0.5, 0.0, 0.25, 1.0)), min_size=p, max_size=p))
        return {
            "W": ArraySpec.column(w),
            "E": MatrixSpec(m, n, draw(st.sampled_from(("geometric", "one_large", "arithmetic"))),
                            draw(st.integers(0, 3)), draw(st.integers(-2, 2)), draw(SEEDS)),
            "Z": MatrixSpec(m, n, "geometric", draw(st.integers(0, 2)), 0, draw(SEEDS)),
        }

    return udv_inputs(d, max_dim=4, zeros=True, extra=extra)


def _subdifferential(ops, U, D, V, W, E, Z):
    s = diag_of(D)
    w = [r[0] for r in W.rows]
    A = udv(ops, U, D, V)
    fA = ops.norm(A, "nuc")
    ME = ops.mat(E)
    fAE = ops.norm(ops.add(A, ME), "nuc")
    uv = udv(ops, U, diag_spec(D.m, D.n, [1.0 if t > 0 else 0.0 for t in s]), V)
    G = udv(ops, U, diag_spec(D.m, D.n, [1.0 if t > 0 else w[i] for i, t in enumerate(s)]), V)
    rels = [
        ge(fAE, fA + ops.inner(uv, ME), "‖A + E‖_* >= ‖A‖_* + ⟨UVᵀ, E⟩ (UVᵀ is a subgradient)"),
        ge(fAE, fA + ops.inner(G, ME), "‖A + E‖_* >= ‖A‖_* + ⟨UVᵀ + W, E⟩ (W on the null spaces, ‖W‖₂ <= 1)"),
    ]
    if min(s) > 0:
        # Uniqueness: G' = UVᵀ + Δ (Δ ≠ 0, ‖Δ‖₂ = 1) fails the subgradient inequality at E = tΔ:
        # ‖A + tΔ‖_* <= ‖A‖_* + t⟨UVᵀ, Δ⟩ + (L t²/2)‖Δ‖_F² with L = 2/(σ_min − t) (see the
        # comment above), and t = σ_min/8 makes L t/2 <= 1/7 < 1.
        t = _pow2_below(min(s) / 8)
        Dl = ops.mat(Z)
        rels.append(lt(ops.norm(ops.add(A, ops.scale(t, Dl)), "nuc"), fA + t * ops.inner(ops.add(uv, Dl), Dl),
                       f"full rank: UVᵀ + Δ is not a subgradient (fails at E = tΔ, t = {t:g})"))
    return rels


CLAIMS.add(
    id="schatten.nuclear_subdifferential",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.3 Computing the Nuclear Norm and Proximal Operator",
                   "∂‖A‖_* = {UVᵀ + W : ‖W‖₂ ≤ 1, UᵀW = 0, WV = 0}. For strictly positive singular values, UVᵀ is the unique subgradient."),
    stated=Form("UVᵀ + W (W on the null spaces, ‖W‖₂ <= 1) is a subgradient; at full rank UVᵀ is the only one",
                _subdifferential, _subgrad_inputs),
    recorded=Verdict.HOLDS,
    note=("Checked: every UVᵀ + W of the stated form satisfies the subgradient inequality for drawn E (W diagonal "
          "in the singular frame); at full rank, drawn G = UVᵀ + Δ are *not* subgradients.  The inclusion "
          "∂‖A‖_* ⊆ {…} for rank-deficient A (no other subgradients) is not sampled.  U, V are the compact SVD's "
          "(r = rank columns; with the full U, V the conditions UᵀW = 0, WV = 0 would force W = 0).  'Strictly "
          "positive singular values' is read as full rank (all min(m, n) of them)."),
)


def _top_inputs(d: Domain):
    @st.composite
    def build(draw):
        m, n = draw(dims(d, 2, 4)), draw(dims(d, 2, 4))
        p = min(m, n)
        sig = sorted(draw(st.lists(st.sampled_from(SIGMAS), min_size=p, max_size=p)), reverse=True)
        return {"U": OrthogonalSpec(m, draw(SEEDS)), "D": diag_spec(m, n, sig), "V": OrthogonalSpec(n, draw(SEEDS)),
                "k": draw(st.integers(1, p - 1))}

    return build()


def _top_frames(ops, U, D, V, k):
    A = udv(ops, U, D, V)
    G = ops.matmul(frame(ops, ops.mat(U), k), ops.transpose(frame(ops, ops.transpose(ops.mat(V)), k)))
    return A, G


def _top_stated(ops, U, D, V, k):
    """A subgradient G of a norm at A has dual norm <= 1 and ⟨G, A⟩ = ‖A‖ — for ‖·‖_*, ‖G‖₂ <= 1 and ⟨G, A⟩ = Σσ."""
    A, G = _top_frames(ops, U, D, V, k)
    return [le(ops.norm(G, "2"), 1, f"‖U_kV_kᵀ‖₂ <= 1 (k = {k})"),
            eq(ops.inner(G, A), ops.norm(A, "nuc"), f"⟨U_kV_kᵀ, A⟩ == ‖A‖_* for the top k = {k} singular vectors")]


def _top_corrected(ops, U, D, V, k):
    r = sum(1 for x in diag_of(D) if x > 0)
    A, G = _top_frames(ops, U, D, V, r)
    return [eq(ops.norm(G, "2"), 1, f"‖U_rV_rᵀ‖₂ == 1"),
            eq(ops.inner(G, A), ops.norm(A, "nuc"), f"⟨U_rV_rᵀ, A⟩ == ‖A‖_* with all r = {r} nonzero singular pairs")]


CLAIMS.add(
    id="schatten.nuclear_subgradient_top_vectors",
    note_reports_flaw=True,
    erratum="The nuclear norm's subgradient UVᵀ takes every nonzero singular pair, not the top ones: U_kV_kᵀ with k < rank misses ⟨G, A⟩ = ‖A‖_*.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("9.1 Weight Regularization: Frobenius vs Nuclear", "Nuclear norm: R(W) = ‖W‖_* = Σ_i σ_i • Subgradient: "
                                                                      "UVᵀ (top singular vectors)"),
    stated=Form("U_kV_kᵀ built from the top k < rank singular vectors is a subgradient of ‖·‖_* at A", _top_stated,
                _top_inputs),
    repaired=Form("U_rV_rᵀ with all r = rank A nonzero singular pairs is a subgradient: ‖G‖₂ = 1 and ⟨G, A⟩ = ‖A‖_*",
                  _top_corrected, _top_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("G is a subgradient of a norm at A iff its dual norm is <= 1 and ⟨G, A⟩ = ‖A‖.  For U_kV_kᵀ, ⟨G, A⟩ = σ1 + … + σk "
          "< ‖A‖_* as soon as σ_{k+1} > 0, so the 'top singular vectors' of §9.1 are not enough (the spectral norm's "
          "subgradient u1v1ᵀ really is built from the top pair alone: ml_norms.spectral_subgradient).  The full "
          "subdifferential is schatten.nuclear_subdifferential.  A = U·D·V with exact factors; D has positive σ."),
)


def _prox_inputs(d: Domain):
    @st.composite
    def build(draw):
        A = draw(matrices(d))
        return {
            "A": A,
            "frac": draw(st.sampled_from((0.0, 0.125, 0.5, 1.0, 2.0))),
            "Z": MatrixSpec(A.m, A.n, "geometric", draw(st.integers(0, 2)), 0, draw(SEEDS)),
        }

    return build()


def _svt_prox(ops, A, frac, Z):
    M = ops.mat(A)
    lam = frac * float(ops.norm(M, "2").mid)  # λ relative to σ1 (any λ >= 0 would do)
    X = ops.svt(M, lam)

    def f(Y):
        r = ops.norm(ops.sub(Y, M), "fro")
        return r * r / 2 + lam * ops.norm(Y, "nuc")

    fX = f(X)
    s1 = float(ops.norm(M, "2").mid)
    cands = {
        "Y = 0": ops.scale(0.0, M),
        "Y = A": M,
        "Y = (7/8)X": ops.scale(0.875, X),
        "Y = (9/8)X": ops.scale(1.125, X),
        "Y = X + (σ1/16)Z": ops.add(X, ops.scale(s1 / 16, ops.mat(Z))),
    }
    rels = []
    for name, Y in cands.items():
        d = ops.norm(ops.sub(Y, X), "fro")
        rels.append(ge(f(Y), fX + d * d / 2, f"{name}: f(Y) >= f(X) + ½‖Y − X‖_F² (X = svt(A, λ) minimises f)"))
    return rels


CLAIMS.add(
    id="schatten.svt_is_prox",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.3 Computing the Nuclear Norm and Proximal Operator",
                   "prox_{λ‖·‖_*}(A) = U diag(max(σ_i − λ, 0)) Vᵀ"),
    stated=Form("X = svt(A, λ) minimises f(Y) = ½‖Y − A‖_F² + λ‖Y‖_*: f(Y) >= f(X) + ½‖Y − X‖_F² for all Y",
                _svt_prox, lambda d: _prox_inputs(half_scale(d))),
    also=(src("9.1 Weight Regularization: Frobenius vs Nuclear", "Nuclear norm: Proximal step: singular value soft-thresholding"),),
    recorded=Verdict.HOLDS,
    note=("f is 1-strongly convex, so at its minimiser f(Y) >= f(X) + ½‖Y − X‖_F² for every Y; the candidates "
          "Y = 0, A, X scaled by 7/8 and 9/8, and a nearby perturbation catch hard thresholding (Y = 0 beats it by "
          "λ‖X‖_*) and a wrong threshold."),
)


# ----------------------------------------------------------------------------------
# 5.4 Ky Fan Norms
# ----------------------------------------------------------------------------------

def _kyfan_cases(ops, A):
    M = ops.mat(A)
    s = ops.svdvals(M)
    r = min(M.shape)
    rels = [eq(ops.norm(M, "kyfan", k=k), vsum(s[:k]), f"‖A‖_({k}) = σ1 + … + σ{k}") for k in range(1, r + 1)]
    rels.append(eq(ops.norm(M, "kyfan", k=1), ops.norm(M, "2"), "‖A‖_(1) = ‖A‖₂"))
    rk = _rank_of(A)
    for k in sorted({r, rk} - {0}):
        rels.append(eq(ops.norm(M, "kyfan", k=k), ops.norm(M, "nuc"), f"‖A‖_({k}) = ‖A‖_* (k = {'rank' if k == rk else 'min(m,n)'})"))
    return rels


CLAIMS.add(
    id="schatten.kyfan_special_cases",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.4 Ky Fan Norms",
                   "‖A‖_(k) = Σ_{i=1}^k σ_i; k = 1: ‖A‖_(1) = σ1 = ‖A‖₂; k = r: ‖A‖_(r) = Σσ_i = ‖A‖_*"),
    stated=Form("‖A‖_(k) = σ1 + … + σk; ‖A‖_(1) = ‖A‖₂; ‖A‖_(r) = ‖A‖_*", _kyfan_cases, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


def _kyfan_chain(ops, A):
    M = ops.mat(A)
    r = min(M.shape)
    ks = [ops.norm(M, "kyfan", k=k) for k in range(1, r + 1)]
    return [le(ks[k - 1], ks[k], f"‖A‖_({k}) <= ‖A‖_({k + 1})") for k in range(1, r)] or [
        eq(ks[0], ops.norm(M, "2"), "r = 1: the chain is ‖A‖_(1) alone")]


CLAIMS.add(
    id="schatten.kyfan_chain",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.4 Ky Fan Norms", "Ky Fan norms form a chain: ‖A‖_(1) ≤ ‖A‖_(2) ≤ ⋯ ≤ ‖A‖_(r)"),
    stated=Form("‖A‖_(1) <= ‖A‖_(2) <= … <= ‖A‖_(r)", _kyfan_chain, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)

_KF_A = ArraySpec.of([[2, 0], [0, 0]])
_KF_B = ArraySpec.of([[1.5, 0], [0, 1.5]])


def _kyfan_not_ordering(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    a1, a2 = ops.norm(MA, "kyfan", k=1), ops.norm(MA, "kyfan", k=2)
    b1, b2 = ops.norm(MB, "kyfan", k=1), ops.norm(MB, "kyfan", k=2)
    return [
        eq(a1, 2, "‖A‖_(1) = 2"), eq(a2, 2, "‖A‖_(2) = 2"), eq(b1, 1.5, "‖B‖_(1) = 1.5"), eq(b2, 3, "‖B‖_(2) = 3"),
        gt(a1, b1, "‖A‖_(1) > ‖B‖_(1)"),
        lt(a2, b2, "‖A‖_(2) < ‖B‖_(2)"),
    ]


CLAIMS.add(
    id="schatten.kyfan_not_norm_ordering",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.4 Ky Fan Norms",
                   "a matrix can have larger ‖A‖_(1) than another while having smaller ‖A‖_(k) for larger k"),
    stated=Form("witness A = diag(2, 0), B = diag(1.5, 1.5): ‖A‖_(1) > ‖B‖_(1) but ‖A‖_(2) < ‖B‖_(2)",
                _kyfan_not_ordering, examples=[{"A": _KF_A, "B": _KF_B}]),
    recorded=Verdict.HOLDS,
)


def _variational_inputs(d: Domain):
    return udv_inputs(d, max_dim=5, zeros=True,
                      extra=lambda draw, m, n: {"P": OrthogonalSpec(m, draw(SEEDS)), "Q": OrthogonalSpec(n, draw(SEEDS))})


def _kyfan_variational(ops, U, D, V, P, Q):
    A = udv(ops, U, D, V)
    MU, MVt, MP, MQ = ops.mat(U), ops.transpose(ops.mat(V)), ops.mat(P), ops.mat(Q)
    rels = []
    for k in range(1, min(D.m, D.n) + 1):
        kf = ops.norm(A, "kyfan", k=k)

        def tr(Uk, Vk):
            return ops.trace(ops.matmul(ops.matmul(ops.transpose(Uk), A), Vk))

        rels.append(le(tr(frame(ops, MP, k), frame(ops, MQ, k)), kf, f"tr(U_kᵀ A V_k) <= ‖A‖_({k}) for drawn orthonormal U_k, V_k"))
        rels.append(eq(tr(frame(ops, MU, k), frame(ops, MVt, k)), kf, f"tr(U_kᵀ A V_k) = ‖A‖_({k}) at the top-{k} singular frames"))
    return rels


def _kyfan_variational_stated(ops, U, D, V, P, Q):
    """As printed: both U_k and V_k are n×k (A m×n).  tr(U_kᵀ A V_k) needs U_k with m rows: for m ≠ n the
    stated maximisation is over matrices that do not multiply A."""
    if D.m != D.n:
        return holds_that(False, f"U_k is n×k = {D.n}×k, but U_kᵀA needs {D.m} rows (A is {D.m}×{D.n})")
    return _kyfan_variational(ops, U, D, V, P, Q)


CLAIMS.add(
    id="schatten.kyfan_variational",
    note_reports_flaw=True,
    erratum="Typo: for an m×n A, U_k is m×k (the text says both U_k and V_k are n×k, which do not multiply A).",
    expect=dict(NO_BF16_LINALG),
    provenance=src("5.4 Ky Fan Norms",
                   "‖A‖_(k) = max_{U_k, V_k orthonormal} tr(U_kᵀ A V_k) where the max is over n × k orthonormal matrices "
                   "U_k, V_k. The optimal choice is U_k = [u1|⋯|uk] and V_k = [v1|⋯|vk]."),
    stated=Form("‖A‖_(k) = max tr(U_kᵀ A V_k) over n×k orthonormal U_k and V_k (A m×n), attained at the top-k singular "
                "vectors", _kyfan_variational_stated, _variational_inputs),
    repaired=Form("‖A‖_(k) = max tr(U_kᵀ A V_k) over orthonormal U_k (m×k), V_k (n×k), attained at the top-k singular "
                  "vectors", _kyfan_variational, _variational_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Typo: for an m×n A, U_k is m×k (the document says both are n×k; for m ≠ n U_kᵀA is undefined — minimal "
          "case a 1×2 A).  The characterisation itself is right.  Inputs A = U·D·V with a known SVD, so the optimal "
          "frames are available exactly; drawn frames are the first k columns of Haar orthogonal matrices."),
)
