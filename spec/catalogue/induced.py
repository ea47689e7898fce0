"""Claims of 004 §4: induced (operator) norms ‖A‖_{p→q} for p, q ∈ {1, 2, ∞}.

Sections: 4.1 The General Definition · 4.2 The Spectral Norm · 4.3 The Matrix 1-Norm and
∞-Norm · 4.4 The 2->1 and 1->2 Norms (NP-Hard) · 4.5 Submultiplicativity and Consistency.

Not encoded (not executable with this op set, or not a claim about matrices):
* §4.2 "power iteration … converging as (σ2/σ1)^k": a convergence-rate statement, it belongs
  to the power-iteration issue (an empirical claim there), not to this module.
* §4.2 "For AI: … network Lipschitz constant is ∏‖W_l‖₂" (an upper bound, and only for
  1-Lipschitz activations; no op set models a network).
* §4.4 "NP-hard" / "No polynomial-time algorithm is known" / "SDP … up to an O(log n)
  factor": complexity statements are not executable.  What *is* executable about the 1→2
  half is encoded in ``induced.one_to_two_is_np_hard`` (it has an O(mn) closed form).
  The opening "The nuclear norm is the induced 2→1 norm's dual... actually, let's be
  precise" is retracted by the text itself, and would be false: the nuclear norm is dual to
  the spectral norm (§5.2), duality is an involution, and ‖·‖₂ ≠ ‖·‖_{2→1} (‖I_n‖₂ = 1,
  ‖I_n‖_{2→1} = √n).
  (For the record: the SDP relaxation of the ∞→2 / 2→1 problem is within the constant
  factor √(π/2) (Nesterov 1998), not merely O(log n).)

Input scales.  The op sets' domains keep a *single* matrix inside the range where squares
of entries stay normal.  Properties that multiply two drawn matrices, or a matrix by a
vector with entries up to 1e3 in dimension ≤ 16 (a factor ≤ 10^4.3), draw from a domain
shrunk accordingly (``strategies.half_scale``, ``_vector_domain``), so an overflow in ‖AB‖_F or
‖Ax‖₂ is not blamed on the claim.
"""
from __future__ import annotations

import dataclasses
import itertools
import math

import mpmath
from hypothesis import strategies as st

from matspec.catalogue._common import NO_BF16_LINALG, Registry, named, product_pairs, src
from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, MatrixSpec
from matspec.strategies import any_matrix, half_scale, vector_top, vectors
from matspec.values import Val, eq, gt, le, lt, sqrt, vmax

CLAIMS = Registry()

PQ = ("1", "2", "inf")
_QN = {"1": 1, "2": 2, "inf": math.inf}
_SYM = {"1": "1", "2": "2", "inf": "∞"}


# ----------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------

def _vn(ops, x, p: str):
    return ops.vnorm(x, _QN[p])


def _col(ops, M, j):
    """A e_j, computed in the op set."""
    return ops.matmul(M, ops.mat(ArraySpec.basis(M.n, j)))


def _pq(p, q):
    return f"{_SYM[p]}→{_SYM[q]}"


def _best(vals):
    """Index of the largest midpoint (a *choice* of candidate; relations use the radii)."""
    return max(range(len(vals)), key=lambda i: vals[i].mid)


def _shrunk(d: Domain, margin: int = 0, max_dim: int | None = None) -> Domain:
    """d with the scale range narrowed by `margin` decades at each end, and a smaller max_dim."""
    lo, hi = d.log10_scale
    if lo + margin > hi - margin:  # a window too narrow to shrink (float16's 1e±2) collapses to its middle
        lo = hi = (lo + hi) / 2
        margin = 0
    return dataclasses.replace(
        d,
        log10_scale=(lo + margin, hi - margin),
        max_dim=d.max_dim if max_dim is None else min(d.max_dim, max_dim),
    )


def _vector_domain(d: Domain) -> Domain:
    # x has entries up to vector_top(d) (1e3 on the wide formats) and length ≤ 32: Ax is at
    # most 32·vector_top larger than A (10^4.6 → a 5-decade margin; float16: 10^1.6 → 2).
    return _shrunk(d, margin=math.ceil(math.log10(32 * vector_top(d))))


def _mat_and_vec(max_dim=None, squares=False):
    """(A, x) with x ∈ R^n for an m×n A.  squares=True: the property also forms A·(a vector
    built from A), of scale ‖A‖², so A is drawn from the product domain."""

    def f(d: Domain):
        dv = _shrunk(_vector_domain(half_scale(d) if squares else d), max_dim=max_dim)

        @st.composite
        def build(draw):
            A = draw(any_matrix(dv, max_dim=dv.max_dim))
            x = draw(vectors(dv, n=A.n))
            return {"A": A, "x": x}

        return build()

    return f


def _top_multiplicity(spec) -> int:
    """How many singular values equal σ1 (a choice of test vector, not a verdict).

    MatrixSpec: exactly, from the prescribed σ.  Other specs (gallery matrices, small
    and exact): from an mpmath SVD at 40 digits, counting σ_i within 1e-25 of σ1 — e.g.
    grcar(2) = √2·(orthogonal) has σ1 = σ2."""
    if isinstance(spec, MatrixSpec):
        with mpmath.workdps(50):
            s = spec.sigma_mp()
            return sum(1 for t in s if t == s[0])
    with mpmath.workdps(40):
        s = mpmath.svd_r(spec.to_mp(40), compute_uv=False)
        s = sorted((abs(s[i]) for i in range(len(s))), reverse=True)
        return sum(1 for t in s if t >= s[0] * (1 - mpmath.mpf("1e-25")))


# ----------------------------------------------------------------------------------
# 4.1 The General Definition
# ----------------------------------------------------------------------------------

def _maximizers(ops, M):
    """For each (p, q): a vector x built from A at which ‖Ax‖_q = ‖A‖_{p→q}‖x‖_p.

    * 1→q: the extreme points of the ℓ1 ball are ±e_j, so the best column e_j;
    * 2→∞: x = a_iᵀ (the row with the largest 2-norm): |a_i·x| = ‖a_i‖₂‖x‖₂;
    * ∞→∞: x = sign(a_i) for the row with the largest 1-norm;
    * ∞→1, ∞→2: a convex function on the cube peaks at a vertex: the best sign vector s,
      found here by enumerating ‖As‖_q in the op set (s₁ = +1; ±s give the same value);
    * 2→1: ‖A‖_{2→1} = max_s ‖Aᵀs‖₂ over sign vectors, and x = Aᵀs* attains it, since
      ‖Ax‖₁ ≥ s*ᵀAx = ‖Aᵀs*‖₂²;
    * 2→2: a row of the truncated SVD A_k, k = multiplicity of σ1, lies in the top right
      singular subspace (the document's x = v1).
    """
    m, n = M.shape
    out = {}
    for q in PQ:
        cols = [_col(ops, M, j) for j in range(n)]
        norms = [_vn(ops, c, q) for c in cols]
        out[("1", q)] = ops.mat(ArraySpec.basis(n, _best(norms)))
    MT = ops.transpose(M)
    rows = [_col(ops, MT, i) for i in range(m)]
    i2 = _best([_vn(ops, r, "2") for r in rows])
    out[("2", "inf")] = rows[i2]
    i1 = _best([_vn(ops, r, "1") for r in rows])
    signs = [1.0 if ops.entry(M, i1, j).mid >= 0 else -1.0 for j in range(n)]
    out[("inf", "inf")] = ops.mat(ArraySpec.column(signs))
    cube_n = [ops.mat(ArraySpec.column((1.0,) + t)) for t in itertools.product((1.0, -1.0), repeat=n - 1)]
    for q in ("1", "2"):
        vals = [_vn(ops, ops.matmul(M, s), q) for s in cube_n]
        out[("inf", q)] = cube_n[_best(vals)]
    cube_m = [ops.mat(ArraySpec.column((1.0,) + t)) for t in itertools.product((1.0, -1.0), repeat=m - 1)]
    ATs = [ops.matmul(MT, s) for s in cube_m]
    out[("2", "1")] = ATs[_best([_vn(ops, v, "2") for v in ATs])]
    return out


def _max_attained(ops, A):
    M = ops.mat(A)
    xs = _maximizers(ops, M)
    rels = []
    for (p, q), x in xs.items():
        rels.append(eq(_vn(ops, ops.matmul(M, x), q), ops.induced(M, p, q) * _vn(ops, x, p),
                       f"‖Ax*‖_{_SYM[q]} = ‖A‖_{_pq(p, q)}‖x*‖_{_SYM[p]} at the maximiser x*"))
    # 2→2 separately: the truncated SVD's error bound needs a gap after σ_k.
    k = _top_multiplicity(A)
    Ak = ops.lowrank(M, k)
    AkT = ops.transpose(Ak)
    rows = [_col(ops, AkT, i) for i in range(M.m)]
    v = rows[_best([_vn(ops, r, "2") for r in rows])]
    rels.append(eq(_vn(ops, ops.matmul(M, v), "2"), ops.induced(M, "2", "2") * _vn(ops, v, "2"),
                   "‖Av‖₂ = ‖A‖_{2→2}‖v‖₂ for v in the top right singular subspace"))
    return rels


def _small_any(max_dim, squares=False):
    return lambda d: any_matrix(half_scale(d) if squares else d, max_dim=max_dim)


CLAIMS.add(
    id="induced.definition_max_attained",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(
        "4.1 The General Definition",
        "‖A‖_{p→q} = max_{x≠0} ‖Ax‖_q/‖x‖_p = max_{‖x‖_p=1} ‖Ax‖_q",
    ),
    stated=Form(
        "for every p, q ∈ {1, 2, ∞} the maximum is attained: some x has ‖Ax‖_q = ‖A‖_{p→q}‖x‖_p",
        _max_attained, named(A=_small_any(5, squares=True)),
    ),
    recorded=Verdict.HOLDS,
    note=("The 'max' is checked in two halves: no x exceeds the value (induced.consistent) and a "
          "maximiser built from A reaches it (here; the maximisers are listed in _maximizers). "
          "For ∞→1, ∞→2 and 2→1 the maximiser is found by enumerating sign vectors in the op "
          "set, independently of ops.induced; dimensions ≤ 5 keep that cheap."),
)


def _submult(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    AB = ops.matmul(MA, MB)
    nA = {(p, q): ops.induced(MA, p, q) for p in PQ for q in PQ}
    nB = {(p, q): ops.induced(MB, p, q) for p in PQ for q in PQ}
    nAB = {(p, q): ops.induced(AB, p, q) for p in PQ for q in PQ}
    return [
        le(nAB[(p, q)], nA[(r, q)] * nB[(p, r)], f"‖AB‖_{_pq(p, q)} <= ‖A‖_{_pq(r, q)} ‖B‖_{_pq(p, r)}")
        for p in PQ for q in PQ for r in PQ
    ]


CLAIMS.add(
    id="induced.submultiplicative",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("4.1 The General Definition",
                   "Submultiplicativity is automatic. Any induced norm satisfies ‖AB‖_{p→q} ≤ ‖A‖_{r→q}‖B‖_{p→r}"),
    also=(src("4.5 Submultiplicativity and Consistency", "Submultiplicative: ‖AB‖ ≤ ‖A‖‖B‖ (all induced norms satisfy this)"),),
    stated=Form("‖AB‖_{p→q} <= ‖A‖_{r→q} ‖B‖_{p→r} for all p, q, r ∈ {1, 2, ∞}", _submult, product_pairs(5)),
    recorded=Verdict.HOLDS,
    note=("All 27 (p, q, r) at once; r = p = q is §4.5's ‖AB‖ ≤ ‖A‖‖B‖.  Dimensions ≤ 5 (sign enumeration).  'Any "
          "induced norm' is checked for the norms the op set decides, p, q, r ∈ {1, 2, ∞}; p → p for other p is NP-hard "
          "in general and not in the op set (the proof, ‖ABx‖_q <= ‖A‖‖Bx‖_r <= ‖A‖‖B‖‖x‖_p, is norm-independent)."),
)


def _consistent(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    AX = ops.matmul(M, X)
    return [
        le(_vn(ops, AX, q), ops.induced(M, p, q) * _vn(ops, X, p), f"‖Ax‖_{_SYM[q]} <= ‖A‖_{_pq(p, q)} ‖x‖_{_SYM[p]}")
        for p in PQ for q in PQ
    ]


CLAIMS.add(
    id="induced.consistent",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(
        "4.5 Submultiplicativity and Consistency",
        "Consistent with vector norm ‖·‖_v: ‖Ax‖_v ≤ ‖A‖‖x‖_v (induced norms satisfy this by construction)",
    ),
    stated=Form("‖Ax‖_q <= ‖A‖_{p→q} ‖x‖_p for all p, q ∈ {1, 2, ∞}", _consistent, _mat_and_vec(6)),
    recorded=Verdict.HOLDS,
    note=("Also the 'no x exceeds the maximum' half of §4.1's definition (the other half: "
          "induced.definition_max_attained).  Checked for p, q ∈ {1, 2, ∞}, the induced norms the op set decides."),
)


# ----------------------------------------------------------------------------------
# 4.2 The Spectral Norm
# ----------------------------------------------------------------------------------

def _spectral_is_sigma1(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    s1 = ops.svdvals(M)[0]
    rels = [
        eq(ops.norm(M, "2"), s1, "‖A‖₂ = σ1"),
        eq(ops.induced(M, "2", "2"), s1, "‖A‖_{2→2} = σ1"),
        le(_vn(ops, ops.matmul(M, X), "2"), s1 * _vn(ops, X, "2"), "‖Ax‖₂ <= σ1‖x‖₂"),
    ]
    k = _top_multiplicity(A)
    AkT = ops.transpose(ops.lowrank(M, k))
    rows = [_col(ops, AkT, i) for i in range(M.m)]
    v = rows[_best([_vn(ops, r, "2") for r in rows])]
    rels.append(eq(_vn(ops, ops.matmul(M, v), "2"), ops.norm(M, "2") * _vn(ops, v, "2"),
                   "‖Av‖₂ = ‖A‖₂‖v‖₂ at v in the top right singular subspace (x = v1)"))
    return rels


CLAIMS.add(
    id="induced.spectral_is_sigma1",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src(
        "4.2 The Spectral Norm (p=q=2p = q = 2)",
        "‖A‖₂ = ‖A‖_{2→2} = max_{‖x‖₂=1} ‖Ax‖₂ = σ1(A) … The maximizer is x = v1 (the top right singular vector)",
    ),
    stated=Form("‖A‖₂ = ‖A‖_{2→2} = σ1; ‖Ax‖₂ <= σ1‖x‖₂; equality at v1", _spectral_is_sigma1, _mat_and_vec(squares=True)),
    recorded=Verdict.HOLDS,
    note=("v1 is not an op; a row of the truncated SVD A_k (k = exact multiplicity of σ1, read from the "
          "spec) lies in the top right singular subspace.  Where σ1 has a tight but inexact cluster the "
          "truncation has no error bound and the example counts as undecided."),
)


def _psd_lambda_max(ops, B):
    MB = ops.mat(B)
    M = ops.matmul(ops.transpose(MB), MB)
    lmax = ops.eigvalsh(M)[0]
    return [
        eq(ops.norm(M, "2"), lmax, "‖BᵀB‖₂ = λ_max(BᵀB)"),
        eq(ops.induced(M, "2", "2"), lmax, "‖BᵀB‖_{2→2} = λ_max(BᵀB)"),
    ]


CLAIMS.add(
    id="induced.spectral_psd_lambda_max",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("4.2 The Spectral Norm (p=q=2p = q = 2)", "For symmetric PSD matrices: ‖A‖₂ = λ_max(A)"),
    stated=Form("A = BᵀB (symmetric PSD): ‖A‖₂ = λ_max(A)", _psd_lambda_max,
                lambda d: st.fixed_dictionaries({"B": any_matrix(half_scale(d))})),
    recorded=Verdict.HOLDS,
)


# ----------------------------------------------------------------------------------
# 4.3 The Matrix 1-Norm and ∞-Norm
# ----------------------------------------------------------------------------------

def _one_norm(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    N1 = ops.norm(M, "1")
    colsums = [_vn(ops, _col(ops, M, j), "1") for j in range(M.n)]
    return [
        eq(N1, vmax(colsums), "‖A‖₁ = max_j Σ_i |a_ij| (max absolute column sum, attained at e_j)"),
        eq(N1, ops.induced(M, "1", "1"), "‖A‖₁ = ‖A‖_{1→1}"),
        le(_vn(ops, ops.matmul(M, X), "1"), N1 * _vn(ops, X, "1"), "‖Ax‖₁ <= ‖A‖₁‖x‖₁"),
    ]


CLAIMS.add(
    id="induced.one_norm_max_column_sum",
    note_reports_flaw=False,
    provenance=src("4.3 The Matrix 1-Norm and \\infty-Norm",
                   "‖A‖₁ = max_j Σ_i |a_ij| = maximum absolute column sum … put all weight (x_j = 1) on the column with maximum ℓ1 norm"),
    stated=Form("‖A‖₁ (p = q = 1) = max absolute column sum: no x exceeds it, e_j attains it", _one_norm, _mat_and_vec()),
    recorded=Verdict.HOLDS,
)


def _inf_norm(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    Ni = ops.norm(M, "inf")
    MT = ops.transpose(M)
    rowsums = [_vn(ops, _col(ops, MT, i), "1") for i in range(M.m)]
    i = _best(rowsums)
    s = ops.mat(ArraySpec.column([1.0 if ops.entry(M, i, j).mid >= 0 else -1.0 for j in range(M.n)]))
    return [
        eq(Ni, vmax(rowsums), "‖A‖_∞ = max_i Σ_j |a_ij| (max absolute row sum)"),
        eq(Ni, ops.induced(M, "inf", "inf"), "‖A‖_∞ = ‖A‖_{∞→∞}"),
        le(_vn(ops, ops.matmul(M, X), "inf"), Ni * _vn(ops, X, "inf"), "‖Ax‖_∞ <= ‖A‖_∞‖x‖_∞"),
        eq(_vn(ops, ops.matmul(M, s), "inf"), Ni, "‖As‖_∞ = ‖A‖_∞ at s = sign(row i*), ‖s‖_∞ = 1"),
    ]


CLAIMS.add(
    id="induced.inf_norm_max_row_sum",
    note_reports_flaw=False,
    provenance=src("4.3 The Matrix 1-Norm and \\infty-Norm", "‖A‖_∞ = max_i Σ_j |a_ij| = maximum absolute row sum"),
    stated=Form("‖A‖_∞ (p = q = ∞) = max absolute row sum: no x exceeds it, sign(row) attains it", _inf_norm, _mat_and_vec()),
    recorded=Verdict.HOLDS,
)

_WORKED = ArraySpec.of([[1, 2], [-3, 4]])


def _worked_example(ops, A):
    M = ops.mat(A)
    MT = ops.transpose(M)
    return [
        eq(_vn(ops, _col(ops, M, 0), "1"), 4, "column sum |1| + |-3| = 4"),
        eq(_vn(ops, _col(ops, M, 1), "1"), 6, "column sum |2| + |4| = 6"),
        eq(ops.norm(M, "1"), 6, "‖A‖₁ = 6"),
        eq(ops.induced(M, "1", "1"), 6, "‖A‖_{1→1} = 6"),
        eq(_vn(ops, _col(ops, MT, 0), "1"), 3, "row sum |1| + |2| = 3"),
        eq(_vn(ops, _col(ops, MT, 1), "1"), 7, "row sum |-3| + |4| = 7"),
        eq(ops.norm(M, "inf"), 7, "‖A‖_∞ = 7"),
        eq(ops.induced(M, "inf", "inf"), 7, "‖A‖_{∞→∞} = 7"),
    ]


CLAIMS.add(
    id="induced.one_inf_worked_example",
    note_reports_flaw=False,
    provenance=src("4.3 The Matrix 1-Norm and \\infty-Norm",
                   "For A = [[1, 2], [-3, 4]]: column sums 4, 6, so ‖A‖₁ = 6; row sums 3, 7, so ‖A‖_∞ = 7"),
    stated=Form("A = [[1, 2], [-3, 4]]: column sums 4, 6, ‖A‖₁ = 6; row sums 3, 7, ‖A‖_∞ = 7",
                _worked_example, examples=[{"A": _WORKED}]),
    recorded=Verdict.HOLDS,
)


def _inf_is_transpose_one(ops, A):
    M = ops.mat(A)
    MT = ops.transpose(M)
    return [
        eq(ops.norm(M, "inf"), ops.norm(MT, "1"), "‖A‖_∞ = ‖Aᵀ‖₁"),
        eq(ops.norm(M, "1"), ops.norm(MT, "inf"), "‖A‖₁ = ‖Aᵀ‖_∞"),
    ]


CLAIMS.add(
    id="induced.inf_is_transpose_one",
    note_reports_flaw=False,
    provenance=src("4.3 The Matrix 1-Norm and \\infty-Norm", "Duality. ‖A‖_∞ = ‖Aᵀ‖₁. These two norms are transposes of each other."),
    stated=Form("‖A‖_∞ = ‖Aᵀ‖₁ (and ‖A‖₁ = ‖Aᵀ‖_∞)", _inf_is_transpose_one, named(A=any_matrix)),
    recorded=Verdict.HOLDS,
)


# ----------------------------------------------------------------------------------
# 4.4 The 2->1 and 1->2 Norms
# ----------------------------------------------------------------------------------

def _col_max_2(ops, M):
    return vmax(_vn(ops, _col(ops, M, j), "2") for j in range(M.n))


def _one_to_two_hard_as_stated(ops, A):
    M = ops.mat(A)
    return lt(_col_max_2(ops, M), ops.induced(M, "1", "2"),
              "the O(mn) column formula max_j ‖a_j‖₂ falls short of ‖A‖_{1→2}")


def _one_to_two_closed_form(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    cm = _col_max_2(ops, M)
    return [
        le(_vn(ops, ops.matmul(M, X), "2"), cm * _vn(ops, X, "1"), "‖Ax‖₂ <= (max_j ‖a_j‖₂)‖x‖₁"),
        eq(cm, ops.induced(M, "1", "2"), "‖A‖_{1→2} = max_j ‖a_j‖₂ (attained at e_j)"),
    ]


CLAIMS.add(
    id="induced.one_to_two_is_np_hard",
    note_reports_flaw=True,
    erratum="‖A‖_{1→2} is the largest column 2-norm, O(mn); ∞→1, ∞→2 and 2→1 are the hard ones.",
    provenance=src("4.4 The 2->1 and 1->2 Norms (NP-Hard)",
                   "computing ‖A‖_{1→2} and ‖A‖_{2→1} is NP-hard in general"),
    stated=Form("‖A‖_{1→2} is hard: the column formula max_j ‖a_j‖₂ does not give it (falls strictly short)",
                _one_to_two_hard_as_stated, named(A=_small_any(6))),
    repaired=Form("‖A‖_{1→2} = max_j ‖a_j‖₂, an O(mn) closed form: no x exceeds it and e_j attains it",
                  _one_to_two_closed_form, _mat_and_vec(6)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("NP-hardness is not executable; its executable consequence is.  Were ‖·‖_{1→2} NP-hard, the "
          "O(mn) formula max_j ‖a_j‖₂ (which never exceeds it: ‖Ae_j‖₂ ≤ ‖A‖_{1→2}) would have to fall "
          "strictly short somewhere.  It never does: x ↦ ‖Ax‖₂ is convex, so on the ℓ1 ball it peaks at an "
          "extreme point ±e_j.  The stated form ('falls short') is refuted on the first input; the corrected "
          "form checks the closed form as a genuine maximum (upper bound on drawn x, attained at e_j) "
          "independently of ops.induced.  The hard ones are ∞→1, ∞→2 and 2→1 = ‖Aᵀ‖_{∞→2} (the document's "
          "2→1 half is right).  The stated form is checked on all inputs (a universal 'falls short'); its "
          "existential reading is refuted by the corrected form holding for all A."),
)


def _two_to_one_fro_bounds(ops, A):
    M = ops.mat(A)
    n21, fro = ops.induced(M, "2", "1"), ops.norm(M, "fro")
    return [
        le(fro / sqrt(Val.exact(M.n)), n21, "(1/√n)‖A‖_F <= ‖A‖_{2→1}"),
        le(n21, sqrt(Val.exact(M.m)) * fro, "‖A‖_{2→1} <= √m‖A‖_F"),
    ]


CLAIMS.add(
    id="induced.two_to_one_fro_bounds",
    note_reports_flaw=False,
    provenance=src("4.4 The 2->1 and 1->2 Norms (NP-Hard)", "(1/√n)‖A‖_F ≤ ‖A‖_{2→1} ≤ √m‖A‖_F"),
    stated=Form("(1/√n)‖A‖_F <= ‖A‖_{2→1} <= √m‖A‖_F (A m×n)", _two_to_one_fro_bounds, named(A=_small_any(6))),
    recorded=Verdict.HOLDS,
    note=("True: ‖A‖_{2→1} ≥ ‖A‖₂ ≥ ‖A‖_F/√rank and ‖Ax‖₁ ≤ √m‖Ax‖₂.  The upper bound is loose: "
          "‖A‖_{2→1} ≤ √m‖A‖₂ is tighter.  ‖A‖_{2→1} is evaluated by exhaustive sign enumeration "
          "(2^(m-1) vectors), so dimensions ≤ 6."),
)


# ----------------------------------------------------------------------------------
# 4.5 Submultiplicativity and Consistency
# ----------------------------------------------------------------------------------

def _identity_all_pq(ops, n):
    I = ops.identity(n)
    return [eq(ops.induced(I, p, q), 1, f"‖I‖_{_pq(p, q)} = 1") for p in PQ for q in PQ]


def _identity_same_p(ops, n):
    I = ops.identity(n)
    rels = [eq(ops.induced(I, p, p), 1, f"‖I‖_{_pq(p, p)} = 1") for p in PQ]
    rels += [eq(ops.norm(I, k), 1, f"‖I‖_{_SYM[k]} = 1") for k in PQ]
    return rels


def _sizes(lo, hi=None):
    return lambda d: st.fixed_dictionaries({"n": st.integers(lo, d.max_dim if hi is None else min(hi, d.max_dim))})


CLAIMS.add(
    id="induced.identity_has_norm_one",
    note_reports_flaw=True,
    erratum="‖I‖ = 1 needs the same norm on input and output: ‖I_n‖_{∞→1} = n.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("4.5 Submultiplicativity and Consistency", "Every induced norm must satisfy ‖I‖ = 1"),
    stated=Form("‖I_n‖_{p→q} = 1 for every induced norm (p, q ∈ {1, 2, ∞})", _identity_all_pq, _sizes(1, 8)),
    repaired=Form("‖I_n‖_{p→p} = 1 when input and output carry the same norm (p = q)", _identity_same_p, _sizes(1)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("§4.1 defines induced norms ‖·‖_{p→q} with possibly different norms on input and output; for "
          "those ‖I‖_{p→q} = max(1, n^{1/q − 1/p}): ‖I‖_{∞→1} = n, ‖I‖_{2→1} = ‖I‖_{∞→2} = √n.  ‖I‖ = 1 needs "
          "p = q (or p ≤ q)."),
)


def _fro_not_induced(ops, n):
    I = ops.identity(n)
    fro = ops.norm(I, "fro")
    return [
        eq(fro, sqrt(Val.exact(n)), "‖I_n‖_F = √n"),
        gt(fro, ops.induced(I, "2", "2"), "‖I_n‖_F > 1 = ‖I_n‖_{p→p} (so ‖·‖_F is no p→p induced norm)"),
    ]


CLAIMS.add(
    id="induced.frobenius_not_induced",
    note_reports_flaw=True,
    erratum="For n = 1 the Frobenius norm is induced (|a|): 'not induced' needs n ≥ 2.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("4.5 Submultiplicativity and Consistency",
                   "The Frobenius norm is submultiplicative but NOT induced. Every induced norm must satisfy ‖I‖ = 1, but ‖I‖_F = √n."),
    stated=Form("‖I_n‖_F = √n ≠ 1: the Frobenius norm on n×n matrices is not induced", _fro_not_induced, _sizes(1)),
    repaired=Form("n ≥ 2: ‖I_n‖_F = √n > 1: the Frobenius norm is not induced", _fro_not_induced, _sizes(2)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("For n = 1 ‖a‖_F = |a| is the induced norm.  For n ≥ 2 the ‖I‖ = 1 argument only excludes "
          "p→p norms (‖I‖_{2→1} = √n = ‖I‖_F!); the complete argument uses rank one: an induced norm "
          "α→β has ‖xyᵀ‖ = β(x)α*(y), which equals ‖x‖₂‖y‖₂ only if α, β are multiples of ‖·‖₂, "
          "forcing ‖·‖₂, and ‖I‖_F > ‖I‖₂ — the relation checked here."),
)


def _fro_compatible_inputs(d: Domain):
    dv = _shrunk(_vector_domain(d), max_dim=8)

    @st.composite
    def build(draw):
        A = draw(any_matrix(dv, max_dim=dv.max_dim))
        return {"A": A, "x": draw(vectors(dv, n=A.n))}

    return build()


def _fro_compatible(ops, A, x):
    M, X = ops.mat(A), ops.mat(x)
    return le(_vn(ops, ops.matmul(M, X), "2"), ops.norm(M, "fro") * _vn(ops, X, "2"), "‖Ax‖₂ <= ‖A‖_F‖x‖₂")


CLAIMS.add(
    id="induced.frobenius_compatible",
    note_reports_flaw=False,
    provenance=src("4.5 Submultiplicativity and Consistency",
                   "The Frobenius norm is sometimes called a \"compatible\" norm because ‖Ax‖₂ ≤ ‖A‖_F‖x‖₂"),
    stated=Form("‖Ax‖₂ <= ‖A‖_F‖x‖₂", _fro_compatible, _fro_compatible_inputs),
    recorded=Verdict.HOLDS,
)

_ONES = ArraySpec.of([[1, 1], [1, 1]])
_MINUS_ONES = ArraySpec.of([[-1, -1], [-1, -1]])


def _max_not_submult(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    nAB, nA, nB = ops.norm(ops.matmul(MA, MB), "max"), ops.norm(MA, "max"), ops.norm(MB, "max")
    return [
        eq(nA, 1, "‖A‖_max = 1"),
        eq(nB, 1, "‖B‖_max = 1"),
        eq(nAB, 2, "‖AB‖_max = 2 (AB = −2·11ᵀ)"),
        gt(nAB, nA * nB, "‖AB‖_max > ‖A‖_max‖B‖_max"),
    ]


CLAIMS.add(
    id="induced.max_entry_not_submultiplicative",
    note_reports_flaw=False,
    provenance=src("4.5 Submultiplicativity and Consistency",
                   "The max-entry norm … is NOT submultiplicative: ‖AB‖_max can exceed ‖A‖_max‖B‖_max"),
    stated=Form("witness A = 11ᵀ (2×2), B = −11ᵀ: ‖AB‖_max = 2 > 1 = ‖A‖_max‖B‖_max",
                _max_not_submult, examples=[{"A": _ONES, "B": _MINUS_ONES}]),
    recorded=Verdict.HOLDS,
    note="Existential: one witness suffices.  (§2.1's worked example of the same fact is axioms.max_entry_not_submultiplicative_example.)",
)
