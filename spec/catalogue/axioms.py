"""Claims of 004 §2: norm axioms, submultiplicativity, vector norms, equivalence
constants, Hölder and dual norms.

Vectors are column matrices (``ArraySpec.column``): ``ops.vnorm(x, p)`` is the vector
p-norm, ``ops.inner(x, y)`` the Euclidean inner product.  Exponents travel as JSON-safe
tokens (``1``, ``1.5``, ``"inf"``) so a counterexample prints and replays as it was drawn.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.catalogue._common import NO_BF16_LINALG, Registry, src
from matspec.gallery import GallerySpec
from matspec.inputs import ArraySpec
from matspec.strategies import any_matrix, dims, matrices, same_shape_pair, vector_entries, vectors
from matspec.values import RELATION_DPS, Val, eq, gt, holds_that, le, sqrt, vmax

CLAIMS = Registry()


INF = math.inf


def _p(tok) -> float:
    """An exponent token (int, float or 'inf') as a number."""
    return INF if tok == "inf" else float(tok)


def _ptxt(tok) -> str:
    return "∞" if tok == "inf" else f"{_p(tok):g}"


def _conjugate(tok):
    """Hölder conjugate q of p (1/p + 1/q = 1), as a token; exact for the tokens used."""
    p = _p(tok)
    if p == 1:
        return "inf"
    if p == INF:
        return 1
    return p / (p - 1)  # 1.5 -> 3.0, 2 -> 2.0, 3 -> 1.5: exact in binary


# Exponents drawn for the vector-norm claims: the ends (1, ∞), the self-dual 2, and a
# non-integer pair (1.5, 3) whose arithmetic is exact in binary.
P_TOKENS = (1, 1.5, 2, 3, "inf")


# ----------------------------------------------------------------------------------
# 2.1 Abstract Norm Definition: N1–N3 for every matrix norm the op set offers
# ----------------------------------------------------------------------------------

# Schatten exponents checked on every example (p ≥ 1 only: p < 1 is not a norm).
SCHATTEN_PS = (1, 1.5, 2, 3, INF)


def _matrix_norms(shape):
    """(label, kind, p, k) for every norm kind of the op set on an m×n matrix:
    the induced 1, 2, ∞ norms, Frobenius, nuclear, max-entry, Schatten p for a spread of
    p ≥ 1, and Ky Fan k for every k = 1..min(m, n)."""
    out = [("‖·‖₁", "1", None, None), ("‖·‖₂", "2", None, None), ("‖·‖_∞", "inf", None, None),
           ("‖·‖_F", "fro", None, None), ("‖·‖_*", "nuc", None, None), ("‖·‖_max", "max", None, None)]
    out += [(f"‖·‖_S{'∞' if p == INF else f'{p:g}'}", "schatten", p, None) for p in SCHATTEN_PS]
    out += [(f"‖·‖_({k})", "kyfan", None, k) for k in range(1, min(shape) + 1)]
    return out


def _n1_positive_definite(ops, A):
    M = ops.mat(A)
    Z = ops.scale(0.0, M)  # the zero matrix of A's shape (0·x is exactly 0)
    rels = []
    for label, kind, p, k in _matrix_norms(M.shape):
        v = ops.norm(M, kind, p=p, k=k)
        if A.exact_rank == 0:
            rels.append(eq(v, 0, f"{label}(A) = 0 for A = 0"))
        else:
            rels.append(gt(v, 0, f"{label}(A) > 0 for A ≠ 0"))
        rels.append(eq(ops.norm(Z, kind, p=p, k=k), 0, f"{label}(0) = 0"))
    return rels


# α: small integers and general floats with 1/8 <= |α| <= 8 (shrinks toward 0 and ±1).
# |α| is kept within a factor 8 of 1 so that αA stays inside the op set's Domain (a
# subnormal α would take a float32 matrix out of the range its tolerance model covers).
ALPHAS = st.one_of(
    st.integers(-4, 4).map(float),
    st.tuples(st.sampled_from([1.0, -1.0]), st.floats(min_value=0.125, max_value=8, width=32)).map(lambda t: t[0] * float(t[1])),
)


def _n2_homogeneous(ops, A, alpha):
    M = ops.mat(A)
    aM = ops.scale(alpha, M)
    rels = []
    for label, kind, p, k in _matrix_norms(M.shape):
        rels.append(eq(ops.norm(aM, kind, p=p, k=k), abs(Val.exact(alpha)) * ops.norm(M, kind, p=p, k=k),
                       f"{label}(αA) = |α|·{label}(A)"))
    return rels


def _pairs_with_tight(d):
    """(A, B) of one shape: independent draws, and the tight case B = A (‖A+A‖ = 2‖A‖),
    where a norm that is slightly wrong is caught first."""
    same = any_matrix(d).map(lambda A: (A, A))
    return st.one_of(same_shape_pair(d), same).map(lambda ab: {"A": ab[0], "B": ab[1]})


def _n3_triangle(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    S = ops.add(MA, MB)
    rels = []
    for label, kind, p, k in _matrix_norms(MA.shape):
        rels.append(le(ops.norm(S, kind, p=p, k=k), ops.norm(MA, kind, p=p, k=k) + ops.norm(MB, kind, p=p, k=k),
                       f"{label}(A+B) <= {label}(A) + {label}(B)"))
    return rels


_NORM_LIST = "‖·‖₁, ‖·‖₂, ‖·‖_∞, ‖·‖_F, ‖·‖_*, ‖·‖_max, Schatten p ∈ {1, 1.5, 2, 3, ∞}, Ky Fan k = 1..min(m,n)"

CLAIMS.add(
    id="axioms.n1_positive_definite",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("2.1 Abstract Norm Definition",
                   "N1: ‖v‖ ≥ 0 and ‖v‖ = 0 ⇔ v = 0 (Positive definiteness) — for the matrix norms of the document"),
    stated=Form(f"‖A‖ > 0 for A ≠ 0 and ‖0‖ = 0, for {_NORM_LIST}", _n1_positive_definite,
                lambda d: st.fixed_dictionaries({"A": st.one_of(any_matrix(d), matrices(d, modes=("rank_deficient",), min_dim=2))})),
    recorded=Verdict.HOLDS,
    note="Zero matrices are drawn as rank_deficient specs with rank 0; every other drawn matrix is exactly nonzero "
         "(its exact rank is known from the spec).  The semi-norm remark (N1 without the zero condition) is a "
         "definition, not a checkable claim.",
)

CLAIMS.add(
    id="axioms.n2_homogeneous",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("2.1 Abstract Norm Definition", "N2: ‖αv‖ = |α|‖v‖ (Homogeneity) — for the matrix norms of the document"),
    stated=Form(f"‖αA‖ = |α|‖A‖ for {_NORM_LIST}", _n2_homogeneous,
                lambda d: st.fixed_dictionaries({"A": any_matrix(d), "alpha": ALPHAS})),
    recorded=Verdict.HOLDS,
)

CLAIMS.add(
    id="axioms.n3_triangle",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("2.1 Abstract Norm Definition", "N3: ‖u + v‖ ≤ ‖u‖ + ‖v‖ (Triangle inequality) — for the matrix norms of the document"),
    stated=Form(f"‖A + B‖ <= ‖A‖ + ‖B‖ for {_NORM_LIST}", _n3_triangle, _pairs_with_tight),
    recorded=Verdict.HOLDS,
    note="Pairs are drawn independently and also as B = A, the equality case of the triangle inequality.",
)


def _ones_over_n_squared(ops, n):
    J = ops.mat(GallerySpec("ones_over_n", n=n))
    return J, ops.matmul(J, J)


def _max_example_as_stated(ops, n):
    J, JJ = _ones_over_n_squared(ops, n)
    return [
        eq(ops.norm(J, "max"), Val.exact(1) / n, "‖A‖_max = 1/n"),
        eq(ops.norm(JJ, "max"), 1, "‖AB‖_max = 1 (as stated)"),
    ]


def _max_example_corrected(ops, n):
    J, JJ = _ones_over_n_squared(ops, n)
    mx = ops.norm(J, "max")
    return [
        eq(mx, Val.exact(1) / n, "‖A‖_max = 1/n"),
        eq(ops.norm(JJ, "max"), Val.exact(1) / n, "‖AB‖_max = 1/n (J² = J)"),
        gt(ops.norm(JJ, "max"), mx * mx, "‖AB‖_max > ‖A‖_max ‖B‖_max = 1/n²"),
    ]


def _sizes_from_two(d):
    return st.fixed_dictionaries({"n": st.integers(2, d.max_dim)})


CLAIMS.add(
    id="axioms.max_entry_not_submultiplicative_example",
    note_reports_flaw=True,
    erratum="(11ᵀ/n)² = 11ᵀ/n, so ‖AB‖_max = 1/n, not 1 (the conclusion still holds for n ≥ 2).",
    provenance=src(
        "2.1 Abstract Norm Definition",
        "For A = B = 11ᵀ/n: ‖A‖_max = 1/n, ‖AB‖_max = 1, so ‖AB‖_max = 1 > 1/n² = ‖A‖_max‖B‖_max",
    ),
    stated=Form("A = B = 11ᵀ/n: ‖A‖_max = 1/n and ‖AB‖_max = 1", _max_example_as_stated, _sizes_from_two),
    repaired=Form("A = B = 11ᵀ/n, n ≥ 2: ‖AB‖_max = 1/n, which still exceeds 1/n²", _max_example_corrected, _sizes_from_two),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note="(11ᵀ/n)² = 11ᵀ/n, so ‖AB‖_max = 1/n, not 1; the conclusion (not submultiplicative) survives for n ≥ 2.",
)


# ----------------------------------------------------------------------------------
# 2.2 Standard Vector Norms
# ----------------------------------------------------------------------------------

# Vector entries and vectors: matspec.strategies.vector_entries / vectors (small integers and
# float32 magnitudes in [10^(lo/4), vector_top]: powers up to 3 and products of two entries stay
# normal and finite in every format the backends compute in, float16 included).
_entries = vector_entries


def _vectors(d, n=None, allow_zero: bool = True):
    return vectors(d, n=n, allow_zero=allow_zero)


def _col(values) -> ArraySpec:
    return ArraySpec.column(values)


def _vector_pair(d, with_p: bool = True):
    """x, y of one length n (and an exponent p from P_TOKENS)."""

    @st.composite
    def build(draw):
        n = draw(dims(d))
        out = {"x": draw(_vectors(d, n=n)), "y": draw(_vectors(d, n=n))}
        if with_p:
            out["p"] = draw(st.sampled_from(P_TOKENS))
        return out

    return build()


def _smallest_p(d) -> float:
    """The witness value ‖e1 + e2‖_p = 2^{1/p} must be representable: values up to the square
    of the Domain's largest scale (10^(2·hi), the product convention of half_scale) are, so
    1/p ≤ 2·hi·log2(10).  float16 (hi = 2): p ≥ 0.075, where p = 1/16 gave 2^16 > 65504 = inf;
    the wide formats keep p ≥ 0.05."""
    return max(0.05, 1 / (2 * d.log10_scale[1] * math.log2(10)))


def _p_lt_1_not_a_norm(ops, p):
    # Witness: e1, e2 in R².  ‖e1 + e2‖_p = 2^{1/p} > 2 = ‖e1‖_p + ‖e2‖_p for every p < 1,
    # and the midpoint (e1 + e2)/2 of two unit vectors has ‖·‖_p = 2^{1/p − 1} > 1: the
    # "unit ball" is not convex.
    e1, e2 = ops.mat(ArraySpec.basis(2, 0)), ops.mat(ArraySpec.basis(2, 1))
    s = ops.mat(_col([1.0, 1.0]))
    mid = ops.mat(_col([0.5, 0.5]))
    return [
        gt(ops.vnorm(s, p), ops.vnorm(e1, p) + ops.vnorm(e2, p), f"‖e1 + e2‖_{p:g} > ‖e1‖_{p:g} + ‖e2‖_{p:g}"),
        gt(ops.vnorm(mid, p), 1, f"‖(e1 + e2)/2‖_{p:g} > 1 although ‖e1‖_{p:g} = ‖e2‖_{p:g} = 1 (ball not convex)"),
    ]


CLAIMS.add(
    id="axioms.vector_p_lt_1_not_a_norm",
    note_reports_flaw=False,
    provenance=src("2.2 Standard Vector Norms",
                   "p < 1: concave, violates triangle inequality -> NOT a norm (p = 1/2: star, 'not a norm!')"),
    stated=Form("for every p in (0, 1): x = e1, y = e2 give ‖x + y‖_p > ‖x‖_p + ‖y‖_p, and the unit ball is not convex",
                _p_lt_1_not_a_norm,
                lambda d: st.fixed_dictionaries({"p": st.floats(min_value=_smallest_p(d), max_value=0.95)}),
                examples=[{"p": 0.5}]),
    recorded=Verdict.HOLDS,
    note="Existential over x, y (fixed witness e1, e2), universal over p < 1: ‖e1 + e2‖_{1/2} = 4 > 2.",
)


def _vector_formula(ops, x, p):
    X = ops.mat(x)
    pv = _p(p)
    ents = [abs(ops.entry(X, i, 0)) for i in range(X.m)]
    if pv == INF:
        ref = vmax(ents)
    else:
        with mpmath.workdps(RELATION_DPS):  # 1/p to the relation precision, not to 53 bits
            inv_p = 1 / mpmath.mpf(pv)
        ref = sum((e ** pv for e in ents), Val.exact(0)) ** inv_p
    return eq(ops.vnorm(X, pv), ref, f"‖x‖_{_ptxt(p)} = (Σ|x_i|^p)^(1/p)" if pv != INF else "‖x‖_∞ = max|x_i|")


def _vector_formula_inputs(d):
    return st.fixed_dictionaries({"x": _vectors(d), "p": st.sampled_from(P_TOKENS)})


CLAIMS.add(
    id="axioms.vector_p_norm_formula",
    note_reports_flaw=False,
    provenance=src("2.2 Standard Vector Norms",
                   "‖x‖₁ = Σ|x_i|, ‖x‖₂ = sqrt(Σ x_i²), ‖x‖_∞ = max_i |x_i|, ‖x‖_p = (Σ|x_i|^p)^{1/p} (p ≥ 1)"),
    stated=Form("vnorm(x, p) = (Σ|x_i|^p)^(1/p), and max|x_i| for p = ∞", _vector_formula, _vector_formula_inputs),
    recorded=Verdict.HOLDS,
    note="A definition; checked as the implementation's agreement with it (entries read exactly, formula in "
         "interval arithmetic).",
)


def _p_ge_1_is_a_norm(ops, x, y, p, alpha):
    X, Y = ops.mat(x), ops.mat(y)
    pv, t = _p(p), _ptxt(p)
    nx = ops.vnorm(X, pv)
    zero = all(r[0] == 0 for r in x.rows)
    return [
        eq(nx, 0, f"‖0‖_{t} = 0") if zero else gt(nx, 0, f"‖x‖_{t} > 0 for x ≠ 0"),
        eq(ops.vnorm(ops.scale(alpha, X), pv), abs(Val.exact(alpha)) * nx, f"‖αx‖_{t} = |α|‖x‖_{t}"),
        le(ops.vnorm(ops.add(X, Y), pv), nx + ops.vnorm(Y, pv), f"‖x + y‖_{t} <= ‖x‖_{t} + ‖y‖_{t}"),
    ]


def _p_ge_1_inputs(d):
    @st.composite
    def build(draw):
        n = draw(dims(d))
        x = draw(_vectors(d, n=n))
        # y: independent, or a positive multiple of x (the equality case of N3)
        y = draw(st.one_of(_vectors(d, n=n), st.sampled_from([1.0, 2.0, 0.5]).map(lambda c: _col([c * r[0] for r in x.rows]))))
        return {"x": x, "y": y, "p": draw(st.sampled_from(P_TOKENS)), "alpha": draw(ALPHAS)}

    return build()


CLAIMS.add(
    id="axioms.vector_p_ge_1_is_a_norm",
    note_reports_flaw=False,
    provenance=src("2.2 Standard Vector Norms", "p ≥ 1: convex, satisfies all axioms -> valid norm"),
    stated=Form("for p ∈ {1, 1.5, 2, 3, ∞}: ‖x‖_p > 0 for x ≠ 0, ‖αx‖_p = |α|‖x‖_p, ‖x + y‖_p <= ‖x‖_p + ‖y‖_p",
                _p_ge_1_is_a_norm, _p_ge_1_inputs),
    recorded=Verdict.HOLDS,
    note="y is drawn independently of x and also as a positive multiple of x (equality in N3).",
)


def _holder(ops, x, y, p):
    X, Y = ops.mat(x), ops.mat(y)
    q = _conjugate(p)
    return le(abs(ops.inner(X, Y)), ops.vnorm(X, _p(p)) * ops.vnorm(Y, _p(q)),
              f"|⟨x,y⟩| <= ‖x‖_{_ptxt(p)} ‖y‖_{_ptxt(q)}")


CLAIMS.add(
    id="axioms.holder",
    note_reports_flaw=False,
    provenance=src("2.2 Standard Vector Norms",
                   "Hölder's inequality: for conjugate exponents 1/p + 1/q = 1 (with p = 1 ⇔ q = ∞): "
                   "|⟨x,y⟩| = |Σ x_i y_i| ≤ ‖x‖_p‖y‖_q (generalizes Cauchy–Schwarz, p = q = 2)"),
    stated=Form("|⟨x,y⟩| <= ‖x‖_p ‖y‖_q, 1/p + 1/q = 1, p ∈ {1, 1.5, 2, 3, ∞}", _holder, _vector_pair),
    recorded=Verdict.HOLDS,
)


# ----------------------------------------------------------------------------------
# 2.3 Equivalence of Norms in Finite Dimensions: the table, inequalities and tight cases
# ----------------------------------------------------------------------------------

def _equiv_inputs(d):
    return st.fixed_dictionaries({"x": _vectors(d)})


def _norms_of(ops, x):
    X = ops.mat(x)
    return X.m, ops.vnorm(X, 1), ops.vnorm(X, 2), ops.vnorm(X, INF)


def _eq_row1(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return le(n2, n1, "‖x‖₂ <= ‖x‖₁")


def _eq_row2(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return le(n1, sqrt(Val.exact(n)) * n2, "‖x‖₁ <= √n ‖x‖₂")


def _eq_row3(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return [le(ninf, n2, "‖x‖_∞ <= ‖x‖₂"), le(n2, sqrt(Val.exact(n)) * ninf, "‖x‖₂ <= √n ‖x‖_∞")]


def _eq_row4(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return [le(ninf, n1, "‖x‖_∞ <= ‖x‖₁"), le(n1, Val.exact(n) * ninf, "‖x‖₁ <= n ‖x‖_∞")]


# Entries of the tight-case vectors: as in _vectors(), never 0 so that "one nonzero entry"
# is what is drawn.
def _nonzero(d):
    return _entries(d).filter(bool)


def _one_nonzero(d):
    @st.composite
    def build(draw):
        n = draw(dims(d))
        j = draw(st.integers(0, n - 1))
        c = draw(_nonzero(d))
        return {"x": _col([c if i == j else 0.0 for i in range(n)])}

    return build()


def _all_equal(d):
    @st.composite
    def build(draw):
        n = draw(dims(d))
        return {"x": _col([draw(_nonzero(d))] * n)}

    return build()


def _tight_row1(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return eq(n2, n1, "‖x‖₂ = ‖x‖₁ (one nonzero entry)")


def _tight_row2(ops, x):
    n, n1, n2, ninf = _norms_of(ops, x)
    return eq(n1, sqrt(Val.exact(n)) * n2, "‖x‖₁ = √n ‖x‖₂ (all entries equal)")


def _tight_row3(ops, x_one, x_eq):
    _, _, n2, ninf = _norms_of(ops, x_one)
    n, _, m2, minf = _norms_of(ops, x_eq)
    return [eq(ninf, n2, "‖x‖_∞ = ‖x‖₂ (one nonzero entry)"),
            eq(m2, sqrt(Val.exact(n)) * minf, "‖x‖₂ = √n ‖x‖_∞ (all entries equal)")]


def _tight_row4(ops, x_one, x_eq):
    _, n1, _, ninf = _norms_of(ops, x_one)
    n, m1, _, minf = _norms_of(ops, x_eq)
    return [eq(ninf, n1, "‖x‖_∞ = ‖x‖₁ (one nonzero entry)"),
            eq(m1, Val.exact(n) * minf, "‖x‖₁ = n ‖x‖_∞ (all entries equal)")]


def _one_and_equal(d):
    return st.tuples(_one_nonzero(d), _all_equal(d)).map(lambda t: {"x_one": t[0]["x"], "x_eq": t[1]["x"]})


_EQ_SEC = "2.3 Equivalence of Norms in Finite Dimensions"

CLAIMS.add(
    id="axioms.equiv_l2_le_l1",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row: ‖x‖₂ ≤ ‖x‖₁, factor 1"),
    stated=Form("‖x‖₂ <= ‖x‖₁", _eq_row1, _equiv_inputs),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_l2_le_l1_tight",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row ‖x‖₂ ≤ ‖x‖₁: tight when x has one nonzero entry"),
    stated=Form("‖x‖₂ = ‖x‖₁ when x has one nonzero entry", _tight_row1, _one_nonzero),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_l1_le_sqrtn_l2",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row: ‖x‖₁ ≤ √n‖x‖₂, factor √n"),
    stated=Form("‖x‖₁ <= √n ‖x‖₂", _eq_row2, _equiv_inputs),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_l1_le_sqrtn_l2_tight",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row ‖x‖₁ ≤ √n‖x‖₂: tight when all entries equal"),
    stated=Form("‖x‖₁ = √n ‖x‖₂ when all entries are equal", _tight_row2, _all_equal),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_linf_l2",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row: ‖x‖_∞ ≤ ‖x‖₂ ≤ √n‖x‖_∞, factor √n"),
    stated=Form("‖x‖_∞ <= ‖x‖₂ <= √n ‖x‖_∞", _eq_row3, _equiv_inputs),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_linf_l2_tight",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row ‖x‖_∞ ≤ ‖x‖₂ ≤ √n‖x‖_∞: tight when one / all entries equal"),
    stated=Form("‖x‖_∞ = ‖x‖₂ for one nonzero entry; ‖x‖₂ = √n ‖x‖_∞ for all entries equal", _tight_row3, _one_and_equal),
    recorded=Verdict.HOLDS,
    note="'one / all entries equal' read as: left bound tight for one nonzero entry, right bound for all entries equal.",
)
CLAIMS.add(
    id="axioms.equiv_linf_l1",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row: ‖x‖_∞ ≤ ‖x‖₁ ≤ n‖x‖_∞, factor n"),
    stated=Form("‖x‖_∞ <= ‖x‖₁ <= n ‖x‖_∞", _eq_row4, _equiv_inputs),
    recorded=Verdict.HOLDS,
)
CLAIMS.add(
    id="axioms.equiv_linf_l1_tight",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "table row ‖x‖_∞ ≤ ‖x‖₁ ≤ n‖x‖_∞: tight when one / all entries equal"),
    stated=Form("‖x‖_∞ = ‖x‖₁ for one nonzero entry; ‖x‖₁ = n ‖x‖_∞ for all entries equal", _tight_row4, _one_and_equal),
    recorded=Verdict.HOLDS,
    note="'one / all entries equal' read as: left bound tight for one nonzero entry, right bound for all entries equal.",
)


def _inf_dim_inputs(d):
    return st.fixed_dictionaries({"C": st.sampled_from((1.5, 2.0, 3.5, 6.0, 10.0)), "k": st.integers(1, 3)})


def _no_equivalence(ops, C, k):
    """Finite sections of ℓ² vs ℓ^∞ and of L²[0, 1] vs L^∞[0, 1]: for the constant C, n = 4⌈C²⌉ defeats it by a
    factor 2 (a margin every backend's precision resolves).
    Sequences: x = (1, …, 1, 0, …) with n ones has ‖x‖₂ = √n > C = C‖x‖_∞.  Functions: f = 1_[0, 1/n] sampled
    on a grid of N = n·k cells of width 1/N (exact for a step function): ‖f‖_{L²}² = k/N = 1/n and
    ‖f‖_{L^∞} = 1, so ‖f‖_∞ > C‖f‖_{L²}: no constant bounds either ratio as the dimension grows."""
    n = 4 * math.ceil(C * C)
    x = ops.mat(ArraySpec.column([1.0] * n))
    N = n * k
    f = ops.mat(ArraySpec.column([1.0] * k + [0.0] * (N - k)))
    l2_sq = ops.vnorm(f, 2) ** 2 / N  # ∫|f|² as a Riemann sum on cells of width 1/N
    return [gt(ops.vnorm(x, 2), Val.exact(C) * ops.vnorm(x, math.inf),
               f"x = ones({n}): ‖x‖₂ > C‖x‖_∞ for C = {C:g} (ℓ² vs ℓ^∞: no C works for every n)"),
            gt(ops.vnorm(f, math.inf) ** 2, Val.exact(C * C) * l2_sq,
               f"f = 1_[0, 1/{n}]: ‖f‖_∞² > C²‖f‖_L²² (L^∞ vs L²: no C works for every n)")]


CLAIMS.add(
    id="axioms.no_equivalence_in_infinite_dimensions",
    note_reports_flaw=False,
    provenance=src(_EQ_SEC, "Warning: Norm equivalence fails in infinite dimensions. In L^p function spaces, L² ≄ L^∞ - this "
                            "distinction is crucial in functional analysis and infinite-width neural network theory."),
    stated=Form("for every C there is a finite section where ‖x‖₂ > C‖x‖_∞ (ℓ² vs ℓ^∞) and ‖f‖_∞ > C‖f‖_L² (indicator "
                "functions on [0, 1])", _no_equivalence, _inf_dim_inputs),
    recorded=Verdict.HOLDS,
    note=("Decided through finite sections: the equivalence constants between ℓ² and ℓ^∞ on Rⁿ are 1 and √n (the "
          "tight rows axioms.equiv_linf_l2*), unbounded in n; in L²[0, 1] vs L^∞[0, 1] the indicators of [0, 1/n] have "
          "‖f‖_∞/‖f‖₂ = √n.  (In L²[0, 1] the L^∞ norm is not even finite on every function: the spaces differ, as the "
          "sentence says.)  'Crucial in … infinite-width network theory' is not encoded."),
)


# ----------------------------------------------------------------------------------
# 2.4 Dual Norms
# ----------------------------------------------------------------------------------

def _dual_l1_linf(ops, x, y):
    # max over the ℓ1 ball of the linear map x ↦ ⟨x, y⟩: the ball is the convex hull of
    # ±e_j, and a linear function on a polytope peaks at a vertex — so the max is the
    # largest of the 2n values ⟨±e_j, y⟩, and every other x in the ball stays below it.
    Y = ops.mat(y)
    n = Y.m
    ny = ops.vnorm(Y, INF)
    at_vertices = vmax(ops.inner(ops.mat(ArraySpec.basis(n, j, s)), Y) for j in range(n) for s in (1.0, -1.0))
    X = ops.mat(x)
    return [
        eq(at_vertices, ny, "max_{±e_j} ⟨x, y⟩ = ‖y‖_∞"),
        le(ops.inner(X, Y) / ops.vnorm(X, 1), ny, "⟨x, y⟩/‖x‖₁ <= ‖y‖_∞"),
    ]


def _dual_inputs(d):
    @st.composite
    def build(draw):
        n = draw(dims(d))
        return {"x": draw(_vectors(d, n=n, allow_zero=False)), "y": draw(_vectors(d, n=n))}

    return build()


CLAIMS.add(
    id="axioms.dual_l1_linf",
    note_reports_flaw=False,
    provenance=src("2.4 Dual Norms", "‖·‖₁ and ‖·‖_∞ are dual: ‖y‖_∞ = max_{‖x‖₁ ≤ 1} ⟨x, y⟩"),
    stated=Form("max over the ℓ1 unit ball of ⟨x, y⟩ (attained at ±e_j) = ‖y‖_∞; no drawn x exceeds it",
                _dual_l1_linf, _dual_inputs),
    recorded=Verdict.HOLDS,
)


def _dual_l2_self(ops, x, y):
    X, Y = ops.mat(x), ops.mat(y)
    ny = ops.vnorm(Y, 2)
    rels = [le(ops.inner(X, Y) / ops.vnorm(X, 2), ny, "⟨x, y⟩/‖x‖₂ <= ‖y‖₂")]
    if any(r[0] != 0 for r in y.rows):
        # attained at x = y/‖y‖₂ (equality in Cauchy–Schwarz): ⟨y, y⟩/‖y‖₂ = ‖y‖₂
        rels.append(eq(ops.inner(Y, Y) / ny, ny, "⟨y, y⟩/‖y‖₂ = ‖y‖₂ (x = y/‖y‖₂ attains the max)"))
    return rels


CLAIMS.add(
    id="axioms.dual_l2_self",
    note_reports_flaw=False,
    provenance=src("2.4 Dual Norms",
                   "‖·‖₂ is self-dual: ‖y‖₂ = max_{‖x‖₂ ≤ 1} ⟨x, y⟩ (Cauchy–Schwarz with equality)"),
    stated=Form("⟨x, y⟩ <= ‖x‖₂‖y‖₂ for drawn x, with equality at x = y/‖y‖₂", _dual_l2_self, _dual_inputs),
    recorded=Verdict.HOLDS,
)

# (p, q) pairs whose Hölder-equality maximiser x* is an exact float vector for the drawn y
# (entries are float32-representable: y·|y| has ≤ 48 significant bits, exact in float64).
DUAL_PAIRS = ((1, "inf"), (1.5, 3), (2, 2), ("inf", 1))


def _maximiser(y_vals, q):
    """x* with ⟨x*, y⟩ = ‖x*‖_p ‖y‖_q (Hölder equality), x*_i = sign(y_i)|y_i|^{q−1};
    for q = ∞ all weight on one largest |y_j|."""
    qv = _p(q)
    if qv == INF:
        j = max(range(len(y_vals)), key=lambda i: abs(y_vals[i]))
        return [math.copysign(1.0, y_vals[j]) if i == j else 0.0 for i in range(len(y_vals))]
    if qv == 1:
        return [0.0 if t == 0 else math.copysign(1.0, t) for t in y_vals]
    if qv == 2:
        return list(y_vals)
    if qv == 3:
        return [t * abs(t) for t in y_vals]
    raise ValueError(q)


def _dual_pq(ops, x, y, pair):
    p, q = DUAL_PAIRS[pair]
    pv, qv, tp, tq = _p(p), _p(q), _ptxt(p), _ptxt(q)
    X, Y = ops.mat(x), ops.mat(y)
    ny = ops.vnorm(Y, qv)
    y_vals = [r[0] for r in y.rows]
    xs = _maximiser(y_vals, q)
    exact = all(Fraction(a) == Fraction(b) * abs(Fraction(b)) for a, b in zip(xs, y_vals)) if qv == 3 else True
    Xs = ops.mat(_col(xs))
    return [
        le(ops.inner(X, Y), ops.vnorm(X, pv) * ny, f"⟨x, y⟩ <= ‖x‖_{tp} ‖y‖_{tq}"),
        holds_that(exact, "the maximiser x* is an exact float vector"),
        eq(ops.inner(Xs, Y), ops.vnorm(Xs, pv) * ny, f"⟨x*, y⟩ = ‖x*‖_{tp} ‖y‖_{tq} (the max over the ‖·‖_{tp} ball is attained)"),
    ]


def _dual_pq_inputs(d):
    @st.composite
    def build(draw):
        n = draw(dims(d))
        return {"x": draw(_vectors(d, n=n)), "y": draw(_vectors(d, n=n)), "pair": draw(st.integers(0, len(DUAL_PAIRS) - 1))}

    return build()


CLAIMS.add(
    id="axioms.dual_pq",
    note_reports_flaw=False,
    provenance=src("2.4 Dual Norms", "‖·‖_p and ‖·‖_q are dual when 1/p + 1/q = 1 (Hölder conjugates)"),
    stated=Form("‖y‖_q = max_{‖x‖_p <= 1} ⟨x, y⟩ for (p, q) ∈ {(1, ∞), (1.5, 3), (2, 2), (∞, 1)}: drawn x never "
                "exceed it, x*_i = sign(y_i)|y_i|^{q−1} attains it", _dual_pq, _dual_pq_inputs),
    recorded=Verdict.HOLDS,
    note="pair indexes (p, q) in ((1, ∞), (1.5, 3), (2, 2), (∞, 1)).  The matrix duality ‖A‖_* = max_{‖B‖₂≤1} "
         "tr(AᵀB) is encoded with §5 (nuclear norm).",
)
