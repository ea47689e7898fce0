"""Claims of 004 §6: unitarily invariant norms.

Sections: 6.1 Definition and Characterization · 6.2 Fan Dominance and Majorization ·
6.3 Weyl's Inequality (Preview of Perturbation Theory) · 6.4 The Role in Optimization.

Real matrices throughout: "unitary" is "orthogonal" (OrthogonalSpec, exactly orthogonal).

Not encoded: §6.4 "For AI: … transformer expressivity" (not a statement about norms).
"""
from __future__ import annotations

import dataclasses
import random

from hypothesis import strategies as st

from matspec.catalogue._common import NO_BF16_LINALG, Registry, src, src2
from matspec.catalogue.schatten import INF, SIGMAS, diag_of, diag_spec, lp, pname, udv
from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, MatrixSpec, OrthogonalSpec
from matspec.strategies import SEEDS, any_matrix, dims, matrices, same_shape_pair
from matspec.values import Val, eq, ge, gt, le, lt, vmax, vsum

CLAIMS = Registry()

SCHATTEN_P = (1, 1.5, 2, 3, 4, INF)


def ui_norms(ops, M):
    """Every unitarily invariant norm the op set evaluates: (name, value)."""
    out = [("‖·‖_F", ops.norm(M, "fro")), ("‖·‖₂", ops.norm(M, "2")), ("‖·‖_*", ops.norm(M, "nuc"))]
    out += [(f"‖·‖_({k})", ops.norm(M, "kyfan", k=k)) for k in range(1, min(M.shape) + 1)]
    out += [(f"‖·‖_S{pname(p)}", ops.norm(M, "schatten", p=p)) for p in (1.5, 3, 4)]
    return out


# ----------------------------------------------------------------------------------
# 6.1 Definition and Characterization
# ----------------------------------------------------------------------------------

def _invariance_inputs(d: Domain):
    @st.composite
    def build(draw):
        A = draw(any_matrix(d))
        return {"A": A, "U": OrthogonalSpec(A.m, draw(SEEDS)), "V": OrthogonalSpec(A.n, draw(SEEDS))}

    return build()


def _invariance(ops, A, U, V):
    M = ops.mat(A)
    B = ops.matmul(ops.matmul(ops.mat(U), M), ops.mat(V))
    return [eq(nb, na, f"{name}: ‖UAV‖ = ‖A‖") for (name, na), (_, nb) in zip(ui_norms(ops, M), ui_norms(ops, B))]


CLAIMS.add(
    id="unitarily_invariant.invariance",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.1 Definition and Characterization",
                   "‖UAV‖ = ‖A‖ for all unitary U, V … Examples: Frobenius, Spectral, Nuclear, Ky Fan k, Schatten p"),
    also=(src2("1.3 设计哲学", "数值稳定性：优先使用正交变换（保持范数不变）(read in the 2-norm family: Frobenius, spectral)"),
          src2("2.2 Eckart-Young定理证明, 步骤1：利用正交变换不变性", "‖M − X‖_F = ‖Uᵀ(M − X)V‖_F")),
    stated=Form("‖UAV‖ = ‖A‖ for orthogonal U, V: Frobenius, spectral, nuclear, every Ky Fan k, Schatten p",
                _invariance, _invariance_inputs),
    recorded=Verdict.HOLDS,
)

# Witnesses: orthogonal matrices that are not signed permutations (exactly orthogonal as
# reflector products; their entries are read in the property, the claim is about them).
_ROT = [OrthogonalSpec(2, 1), OrthogonalSpec(3, 3)]


def _not_invariant(ops, U):
    n = U.n
    I = ops.identity(n)
    Q = ops.matmul(ops.mat(U), I)  # U·I·I
    QT = ops.transpose(Q)
    e = [ops.mat(ArraySpec.column([1.0 if i == j else 0.0 for i in range(n)])) for j in range(n)]
    col1 = vmax(ops.vnorm(ops.matmul(Q, x), 1) for x in e)
    row1 = vmax(ops.vnorm(ops.matmul(QT, x), 1) for x in e)
    amax = vmax(abs(ops.entry(Q, i, j)) for i in range(n) for j in range(n))
    return [
        eq(ops.norm(Q, "1"), col1, "‖UI‖₁ = max column sum of |U|"),
        eq(ops.norm(Q, "inf"), row1, "‖UI‖_∞ = max row sum of |U|"),
        eq(ops.norm(Q, "max"), amax, "‖UI‖_max = max |u_ij|"),
        gt(ops.norm(Q, "1"), ops.norm(I, "1"), "‖UI‖₁ > ‖I‖₁ = 1"),
        gt(ops.norm(Q, "inf"), ops.norm(I, "inf"), "‖UI‖_∞ > ‖I‖_∞ = 1"),
        lt(ops.norm(Q, "max"), ops.norm(I, "max"), "‖UI‖_max < ‖I‖_max = 1"),
        eq(ops.norm(Q, "2"), ops.norm(I, "2"), "(contrast) ‖UI‖₂ = ‖I‖₂"),
    ]


CLAIMS.add(
    id="unitarily_invariant.not_invariant_1_inf_max",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.1 Definition and Characterization",
                   "Non-unitarily-invariant norms: Matrix 1-norm ‖A‖₁ (depends on column structure); Matrix ∞-norm "
                   "‖A‖_∞ (depends on row structure); Entry-max norm ‖A‖_max"),
    stated=Form("witness A = I, U orthogonal (not a signed permutation): ‖UA‖₁ ≠ ‖A‖₁, ‖UA‖_∞ ≠ ‖A‖_∞, ‖UA‖_max ≠ ‖A‖_max",
                _not_invariant, examples=[{"U": u} for u in _ROT]),
    recorded=Verdict.HOLDS,
    note=("Existential.  For orthogonal U, ‖U‖₁ = ‖U‖_∞ = 1 and ‖U‖_max = 1 exactly when U is a signed permutation; "
          "any other U (here 2×2 and 3×3 reflector products) is a witness for all three norms."),
)


# --- symmetric gauge functions on vectors ----------------------------------------

# Short dyadic entries: x + y, c·x, a permutation and an entrywise shrink are all exact.
_ENTRIES = st.sampled_from((-4.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0))
_FRACTIONS = st.sampled_from((0.0, 0.25, 0.5, 1.0))


def _gauge_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 6))
        x = draw(st.lists(_ENTRIES, min_size=n, max_size=n))
        y = draw(st.lists(_ENTRIES, min_size=n, max_size=n))
        t = draw(st.lists(_FRACTIONS, min_size=n, max_size=n))
        sg = draw(st.lists(st.sampled_from((1.0, -1.0)), min_size=n, max_size=n))
        return {
            "x": ArraySpec.column(x),
            "y": ArraySpec.column(y),
            "shrunk": ArraySpec.column([s * xi * ti for s, xi, ti in zip(sg, x, t)]),  # |shrunk_i| <= |x_i|
            "c": draw(st.sampled_from((-2.0, -0.5, 0.0, 0.25, 3.0))),
            "perm_seed": draw(st.integers(0, 2**16)),
        }

    return build()


def _gauges(ops, n):
    """The document's example gauges g: R^n → R, each evaluated by the op set: ℓ_p via vnorm,
    the top-k sum σ1 + … + σk as the Ky Fan k-norm of diag(x)."""
    gs = [(f"ℓ{pname(p)}", (lambda p: lambda X, x: ops.vnorm(X, p))(p)) for p in (1, 2, INF, 1.5, 3)]
    for k in range(1, n + 1):
        gs.append((f"top-{k} sum", (lambda k: lambda X, x: ops.norm(ops.mat(diag_spec(n, n, [r[0] for r in x.rows])), "kyfan", k=k))(k)))
    return gs


def _gauge_examples(ops, x, y, shrunk, c, perm_seed):
    n = x.m
    xs, ys = [r[0] for r in x.rows], [r[0] for r in y.rows]
    order = list(range(n))
    random.Random(perm_seed).shuffle(order)
    specs = {
        "x": x, "y": y, "shrunk": shrunk,
        "x+y": ArraySpec.column([a + b for a, b in zip(xs, ys)]),
        "cx": ArraySpec.column([c * a for a in xs]),
        "πx": ArraySpec.column([xs[i] for i in order]),
    }
    mats = {k: ops.mat(v) for k, v in specs.items()}
    rels = []
    for name, g in _gauges(ops, n):
        v = {k: g(mats[k], specs[k]) for k in specs}
        if any(xs):
            rels.append(gt(v["x"], 0, f"{name}: g(x) > 0 for x ≠ 0"))
        else:
            rels.append(eq(v["x"], 0, f"{name}: g(0) = 0"))
        rels += [
            eq(v["cx"], abs(Val.exact(c)) * v["x"], f"{name}: g(cx) = |c| g(x)"),
            le(v["x+y"], v["x"] + v["y"], f"{name}: g(x + y) <= g(x) + g(y)"),
            eq(v["πx"], v["x"], f"{name}: g(πx) = g(x) (symmetric)"),
            ge(v["x"], v["shrunk"], f"{name}: |x_i| >= |x'_i| ⇒ g(x) >= g(x') (monotone)"),
        ]
    return rels


CLAIMS.add(
    id="unitarily_invariant.gauge_examples_are_symmetric_gauges",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.1 Definition and Characterization",
                   "g is a symmetric gauge function - a norm on R^r that is: 1. A norm … 2. Symmetric … 3. Monotone … "
                   "Examples: ℓ2, ℓ∞, ℓ1, σ1 + ⋯ + σk, ℓp on singular values"),
    stated=Form("ℓ1, ℓ2, ℓ∞, ℓp and the top-k sum are norms, permutation-symmetric and monotone in |x_i|",
                _gauge_examples, _gauge_inputs),
    recorded=Verdict.HOLDS,
    note=("The top-k sum is evaluated as the Ky Fan k-norm of diag(x) (= sum of the k largest |x_i|).  That each "
          "named matrix norm *is* its gauge of σ is checked in frobenius.is_l2_of_singular_values, "
          "schatten.is_lp_of_singular_values, schatten.canonical_cases and schatten.kyfan_special_cases."),
)


def _gauges_of_sigma(r):
    """Symmetric gauges applied to a list of singular values (Vals) in Val arithmetic.
    The top-k sum takes the first k entries: svdvals returns σ in descending order."""
    gs = [(f"ℓ{pname(p)}(σ)", (lambda p: lambda s: lp(s, p))(p)) for p in (1, 2, INF, 1.5, 3)]
    gs += [(f"(σ1+…+σ{k})", (lambda k: lambda s: vsum(s[:k]))(k)) for k in range(1, r + 1)]
    return gs


def _vn_inputs(d: Domain):
    @st.composite
    def build(draw):
        A, B = draw(same_shape_pair(d, max_dim=6))
        return {"A": A, "B": B, "U": OrthogonalSpec(A.m, draw(SEEDS)), "V": OrthogonalSpec(A.n, draw(SEEDS))}

    return build()


def _von_neumann(ops, A, B, U, V):
    MA, MB = ops.mat(A), ops.mat(B)
    sA, sB, sAB = ops.svdvals(MA), ops.svdvals(MB), ops.svdvals(ops.add(MA, MB))
    sUAV = ops.svdvals(ops.matmul(ops.matmul(ops.mat(U), MA), ops.mat(V)))
    rels = []
    for name, g in _gauges_of_sigma(min(MA.shape)):
        rels.append(le(g(sAB), g(sA) + g(sB), f"N = {name}: N(A + B) <= N(A) + N(B)"))
        rels.append(eq(g(sUAV), g(sA), f"N = {name}: N(UAV) = N(A)"))
    return rels


CLAIMS.add(
    id="unitarily_invariant.von_neumann_gauge_of_sigma_is_ui_norm",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.1 Definition and Characterization",
                   "Von Neumann's characterization. A norm is unitarily invariant if and only if it is a symmetric gauge "
                   "function applied to the vector of singular values: ‖A‖ = g(σ1(A), …, σr(A))"),
    stated=Form("for each example gauge g, N(A) = g(σ(A)) is a unitarily invariant norm (triangle inequality, N(UAV) = N(A))",
                _von_neumann, _vn_inputs),
    recorded=Verdict.HOLDS,
    note=("The 'if' direction, whose content is the triangle inequality for g∘σ (via Ky Fan dominance), checked "
          "for the document's gauges with N computed from svdvals, not from ops.norm.  The 'only if' direction "
          "(a UI norm depends on σ alone) is unitarily_invariant.invariance."),
)


# ----------------------------------------------------------------------------------
# 6.2 Fan Dominance and Majorization
# ----------------------------------------------------------------------------------

_FAN_A = ArraySpec.of([[1, 0], [0, 0]])
_FAN_B = ArraySpec.of([[2, 0], [0, 0]])


def _scaled_pair(d: Domain):
    """(A, B = 10·A) exactly: the same MatrixSpec one decade up."""
    lo, hi = d.log10_scale
    dd = dataclasses.replace(d, log10_scale=(lo, hi - 1))
    return matrices(dd, max_dim=6).map(lambda A: {"A": A, "B": dataclasses.replace(A, log10_scale=A.log10_scale + 1)})


def _fan_as_stated(ops, A, B):
    MA, MB = ops.mat(A), ops.mat(B)
    rels = [le(na, nb, f"premise {name}: ‖A‖ <= ‖B‖") for (name, na), (_, nb) in zip(ui_norms(ops, MA), ui_norms(ops, MB))]
    sA, sB = ops.svdvals(MA), ops.svdvals(MB)
    r = len(sA)
    rels += [le(vsum(sA[:k]), vsum(sB[:k]), f"Σ_(i<={k}) σ_i(A) <= Σ_(i<={k}) σ_i(B)") for k in range(1, r)]
    rels.append(eq(vsum(sA), vsum(sB), "σ(B) majorizes σ(A): equal totals Σσ_i(A) = Σσ_i(B)"))
    return rels


def _weak_major_inputs(d: Domain):
    """A = U1 diag(a) V1, B = U2 diag(b) V2 with σ(B) weakly majorizing σ(A): b is built from a
    by transfers from smaller to larger entries (which majorize) and non-negative increments
    (which weakly majorize); sorting keeps every partial sum of b >= that of a."""

    @st.composite
    def build(draw):
        m, n = draw(dims(d, 1, 5)), draw(dims(d, 1, 5))
        p = min(m, n)
        a = sorted(draw(st.lists(st.sampled_from((0.0,) + SIGMAS), min_size=p, max_size=p)), reverse=True)
        b = list(a)
        for _ in range(draw(st.integers(0, 3)) if p > 1 else 0):
            i, j = sorted((draw(st.integers(0, p - 1)), draw(st.integers(0, p - 1))))
            if i == j:
                i, j = 0, p - 1  # the largest receives from the smallest
            t = min(draw(st.sampled_from((0.5, 1.0, 4.0))), b[j])  # move t from the smaller b_j to the larger b_i
            b[i], b[j] = b[i] + t, b[j] - t
            b = sorted(b, reverse=True)
        if draw(st.booleans()):
            inc = draw(st.lists(st.sampled_from((0.0, 0.5, 1.0)), min_size=p, max_size=p))
            b = sorted((x + y for x, y in zip(b, inc)), reverse=True)
        return {
            "U1": OrthogonalSpec(m, draw(SEEDS)), "Da": diag_spec(m, n, a), "V1": OrthogonalSpec(n, draw(SEEDS)),
            "U2": OrthogonalSpec(m, draw(SEEDS)), "Db": diag_spec(m, n, b), "V2": OrthogonalSpec(n, draw(SEEDS)),
        }

    return build()


def _fan_weak(ops, U1, Da, V1, U2, Db, V2):
    a = diag_of(Da)
    MA, MB = udv(ops, U1, Da, V1), udv(ops, U2, Db, V2)
    sA, sB = ops.svdvals(MA), ops.svdvals(MB)
    rels = [le(vsum(sA[:k]), vsum(sB[:k]), f"σ(A) ≺_w σ(B): partial sum k = {k}") for k in range(1, len(a) + 1)]
    rels += [le(na, nb, f"{name}: ‖A‖ <= ‖B‖") for (name, na), (_, nb) in zip(ui_norms(ops, MA), ui_norms(ops, MB))]
    rels += [le(ops.norm(MA, "schatten", p=p), ops.norm(MB, "schatten", p=p), f"S{pname(p)}: ‖A‖ <= ‖B‖") for p in (1.25, 7.5)]
    return rels


CLAIMS.add(
    id="unitarily_invariant.fan_dominance",
    note_reports_flaw=True,
    erratum="With majorization's equal sums the 'only if' fails (diag(1, 0) vs diag(2, 0)): weak majorization is the condition.",
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.2 Fan Dominance and Majorization",
                   "‖A‖ ≤ ‖B‖ for ALL unitarily invariant norms if and only if σ(B) majorizes σ(A): "
                   "Σ_{i=1}^k σ_i(A) ≤ Σ_{i=1}^k σ_i(B) for all k  [majorization defined above with "
                   "Σ_{i=1}^n x_[i] = Σ_{i=1}^n y_[i]]"),
    stated=Form("‖A‖ <= ‖B‖ in every UI norm ⇒ σ(B) majorizes σ(A) (partial sums <=, equal totals)",
                _fan_as_stated, _scaled_pair, examples=[{"A": _FAN_A, "B": _FAN_B}]),
    repaired=Form("‖A‖ <= ‖B‖ in every UI norm ⟺ σ(A) ≺_w σ(B) (weak majorization: partial sums <=, no equality); "
                  "checked: weak majorization ⇒ ‖A‖ <= ‖B‖ in Ky Fan, Schatten, Frobenius, spectral, nuclear",
                  _fan_weak, _weak_major_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("With majorization as defined in the same section (equal total sums), 'only if' fails: A = diag(1, 0), "
          "B = diag(2, 0) (or any B = cA, c > 1) has ‖A‖ <= ‖B‖ in every norm, but Σσ(A) ≠ Σσ(B).  Fan's "
          "theorem needs weak (sub)majorization — the displayed partial-sum condition without the equality.  "
          "The 'only if' of the corrected form is immediate (Ky Fan norms are UI); the 'if' is checked here."),
)


# ----------------------------------------------------------------------------------
# 6.3 Weyl's Inequality
# ----------------------------------------------------------------------------------

def _weyl_inputs(d: Domain):
    @st.composite
    def scaled(draw):
        # E = 10^j·A exactly: |σ_i(A+E) − σ_i(A)| = 10^j σ_i(A), equality at i = 1.
        A = draw(matrices(d))
        lo, hi = d.log10_scale
        s = draw(st.integers(max(lo, A.log10_scale - 2), min(hi, A.log10_scale + 1)))
        return {"A": A, "E": dataclasses.replace(A, log10_scale=s)}

    free = same_shape_pair(d).map(lambda ab: {"A": ab[0], "E": ab[1]})
    return st.one_of(free, scaled())


def _weyl(ops, A, E):
    MA, ME = ops.mat(A), ops.mat(E)
    s, t = ops.svdvals(MA), ops.svdvals(ops.add(MA, ME))
    e2 = ops.norm(ME, "2")
    return [le(abs(t[i] - s[i]), e2, f"|σ_{i + 1}(A+E) − σ_{i + 1}(A)| <= ‖E‖₂") for i in range(len(s))]


CLAIMS.add(
    id="unitarily_invariant.weyl_singular_values",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.3 Weyl's Inequality (Preview of Perturbation Theory)",
                   "If A, E ∈ R^{m×n}, then for all i: |σ_i(A + E) − σ_i(A)| ≤ σ1(E) = ‖E‖₂"),
    also=(src("8.2 Weyl's Inequality for Singular Values", "For any i: |σ̃_i − σ_i| ≤ ‖E‖₂ = σ1(E)"),),
    stated=Form("|σ_i(A+E) − σ_i(A)| <= ‖E‖₂ for all i", _weyl, _weyl_inputs),
    recorded=Verdict.HOLDS,
    note="Drawn pairs include E = 10^j·A, where the bound is attained at i = 1.",
)


# ----------------------------------------------------------------------------------
# 6.4 The Role in Optimization (Mirsky)
# ----------------------------------------------------------------------------------

_GAP_MODES = ("geometric", "arithmetic", "log_uniform", "rank_deficient")


def _mirsky_inputs(d: Domain):
    @st.composite
    def build(draw):
        # σ_k > σ_{k+1} with a gap far above rounding (κ <= 1e8, no clusters or ties), so the
        # truncated SVD has a forward error bound; k < min(m, n).
        A = draw(matrices(d, min_dim=2, max_dim=6, modes=_GAP_MODES))
        A = dataclasses.replace(A, log10_kappa=min(max(A.log10_kappa, 1), 8))
        if A.mode == "rank_deficient" and A.rank == 0:
            A = dataclasses.replace(A, mode="geometric", rank=None)
        k = A.rank if A.mode == "rank_deficient" else draw(st.integers(1, A.p - 1))
        B = MatrixSpec(A.m, A.n, "rank_deficient", draw(st.integers(0, 4)), A.log10_scale + draw(st.integers(-1, 0)),
                       draw(SEEDS), rank=k)
        return {"A": A, "k": k, "B": B, "Z": OrthogonalSpec(A.n, draw(SEEDS)), "W": OrthogonalSpec(A.m, draw(SEEDS))}

    return build()


def _mirsky(ops, A, k, B, Z, W):
    M = ops.mat(A)
    Ak = ops.lowrank(M, k)
    # Competitors of rank <= k: a drawn rank-k matrix, and A_k moved by small rotations of its
    # row and column spaces, A_k(I + Z/8) and (I + W/8)A_k (near-optimal: the loss is O(1/64)).
    comps = {
        "drawn rank-k B": ops.mat(B),
        "B = A_k(I + Z/8)": ops.matmul(Ak, ops.add(ops.identity(A.n), ops.scale(0.125, ops.mat(Z)))),
        "B = (I + W/8)A_k": ops.matmul(ops.add(ops.identity(A.m), ops.scale(0.125, ops.mat(W))), Ak),
    }
    R = ops.sub(M, Ak)
    rels = [eq(ops.svdvals(Ak)[k], 0, f"rank(A_k) <= k: σ_{k + 1}(A_k) = 0")]
    base = ui_norms(ops, R)
    for cname, Bm in comps.items():
        other = ui_norms(ops, ops.sub(M, Bm))
        rels += [le(a, b, f"{name}: ‖A − A_k‖ <= ‖A − B‖ ({cname})") for (name, a), (_, b) in zip(base, other)]
    return rels


CLAIMS.add(
    id="unitarily_invariant.mirsky_best_rank_k",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src("6.4 The Role in Optimization",
                   "The Mirsky theorem states that for unitarily invariant norms, the best rank-k approximation (in ANY "
                   "unitarily invariant norm) is the truncated SVD"),
    stated=Form("‖A − A_k‖ <= ‖A − B‖ for every B of rank <= k, in every UI norm (Frobenius, spectral, nuclear, Ky Fan, Schatten)",
                _mirsky, _mirsky_inputs),
    recorded=Verdict.HOLDS,
    note=("A_k = ops.lowrank(A, k), checked to have rank <= k.  Inputs keep a gap σ_k > σ_{k+1} (else A_k is not "
          "unique and has no forward error bound: such examples would be undecided).  The theorem's name: the "
          "all-UI-norms statement is Mirsky (1960); Eckart–Young (1936) is the Frobenius case."),
)
