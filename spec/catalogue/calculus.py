"""Matrix calculus (seed 002 §5.1.3, §4.2): the vec–Kronecker identity, the derivative of tr(AX), and where
the SVD's singular vectors stop being differentiable.

The identities are checked through the op set on small matrices with short dyadic entries (exact in every
format; float64 and float32 form the products exactly, bfloat16 carries its derived rounding radius), so each is
a statement about the mathematics on the oracle and a check of matmul / trace / inner on every backend.  The
Kronecker product is assembled entry by entry from those exact entries.
"""
from __future__ import annotations

from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, OrthogonalSpec
from matspec.values import Val, eq, ge, le, sqrt
from matspec.catalogue.schatten import diag_spec

from ._common import NO_BF16_LINALG, Registry, src2

CLAIMS = Registry()

_S513 = "5.1.3 矩阵微积分"

# Entries k/4, |k| <= 8: short dyadics, exact in every format (bfloat16 included); sizes <= 3.
_ENTRY = st.integers(-8, 8).map(lambda k: k / 4)


def _dyadic(m: int, n: int):
    return st.lists(st.lists(_ENTRY, min_size=n, max_size=n), min_size=m, max_size=m).map(ArraySpec.of)


# ----------------------------------------------------------------------------------
# vec(AXB) = (Bᵀ ⊗ A) vec(X)
# ----------------------------------------------------------------------------------

def kron_bt_a(A: ArraySpec, B: ArraySpec) -> ArraySpec:
    """Bᵀ ⊗ A: block (i, j) is B[j][i]·A (B p×q, A m×n → (qm)×(pn))."""
    m, n, p, q = A.m, A.n, B.m, B.n
    return ArraySpec.of([[B.rows[jb][ib] * A.rows[ia][ja] for jb in range(p) for ja in range(n)]
                         for ib in range(q) for ia in range(m)])


def _vec(X: ArraySpec) -> ArraySpec:
    """Columns stacked: vec(X)[i + m·j] = X[i][j]."""
    return ArraySpec.column([X.rows[i][j] for j in range(X.n) for i in range(X.m)])


def _vec_kron(ops, A, X, B, kron=kron_bt_a):
    lhs = ops.matmul(ops.mat(kron(A, B)), ops.mat(_vec(X)))
    AXB = ops.matmul(ops.matmul(ops.mat(A), ops.mat(X)), ops.mat(B))
    m = A.m
    return [eq(ops.entry(lhs, i + m * j, 0), ops.entry(AXB, i, j), f"((Bᵀ ⊗ A)vec X)[{i + m * j}] == (AXB)[{i}, {j}]")
            for j in range(B.n) for i in range(m)]


def _vec_kron_inputs(d: Domain):
    @st.composite
    def build(draw):
        m, n, p, q = (draw(st.integers(1, 3)) for _ in range(4))
        return {"A": draw(_dyadic(m, n)), "X": draw(_dyadic(n, p)), "B": draw(_dyadic(p, q))}

    return build()


CLAIMS.add(
    id="calculus.vec_kronecker",
    note_reports_flaw=False,
    provenance=src2(_S513, "Kronecker积与向量化：vec(AXB) = (Bᵀ ⊗ A)vec(X)"),
    stated=Form("vec(AXB) = (Bᵀ ⊗ A)vec(X) for A m×n, X n×p, B p×q (vec stacks columns)", _vec_kron,
                _vec_kron_inputs),
    recorded=Verdict.HOLDS,
    note=("(AXB)_ij = Σ_kl A_ik X_kl B_lj = Σ_kl (B_lj A_ik) X_kl, and B_lj A_ik is the entry of Bᵀ ⊗ A in row "
          "i + m·j, column k + n·l — the column-stacking convention.  With row stacking the identity would read "
          "(A ⊗ Bᵀ)vec_r(X); B instead of Bᵀ is the classic slip (caught whenever B is not symmetric)."),
)


# ----------------------------------------------------------------------------------
# ∂tr(AX)/∂X = Aᵀ
# ----------------------------------------------------------------------------------

def _trace_grad(ops, A, X, E):
    MA, MX, ME = ops.mat(A), ops.mat(X), ops.mat(E)
    t = 0.25  # tr(AX) is linear in X: the difference quotient is exact at any t (a power of two keeps it exact)
    d = (ops.trace(ops.matmul(MA, ops.add(MX, ops.scale(t, ME)))) - ops.trace(ops.matmul(MA, MX))) / Val.exact(t)
    return [eq(d, ops.inner(ops.transpose(MA), ME), "(tr(A(X + tE)) − tr(AX))/t == ⟨Aᵀ, E⟩_F: ∂tr(AX)/∂X = Aᵀ"),
            eq(ops.trace(ops.matmul(MA, ME)), ops.inner(ops.transpose(MA), ME), "tr(AE) == ⟨Aᵀ, E⟩_F")]


def _trace_inputs(d: Domain):
    @st.composite
    def build(draw):
        m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        return {"A": draw(_dyadic(m, n)), "X": draw(_dyadic(n, m)), "E": draw(_dyadic(n, m))}

    return build()


CLAIMS.add(
    id="calculus.trace_derivative",
    note_reports_flaw=False,
    provenance=src2(_S513, "矩阵导数：∂tr(AX)/∂X = Aᵀ"),
    stated=Form("∂tr(AX)/∂X = Aᵀ: the directional derivative of tr(AX) along E is ⟨Aᵀ, E⟩_F (A m×n, X, E n×m)",
                _trace_grad, _trace_inputs),
    recorded=Verdict.HOLDS,
    note=("tr(AX) = Σ_ij A_ij X_ji is linear in X, with ∂/∂X_ji = A_ij, i.e. the gradient (in the Frobenius inner "
          "product) is Aᵀ.  The difference quotient of a linear function is exact, so the check is an identity, not "
          "a limit."),
)


# ----------------------------------------------------------------------------------
# §4.2 defect 1: the singular vectors are not continuous where σ_i = σ_j
# ----------------------------------------------------------------------------------

def _sv_jump(ops, U, V, n, k):
    t = 2.0 ** -k
    MU, MV = ops.mat(U), ops.mat(V)

    def at(first, second):
        D = diag_spec(n, n, [first, second] + [0.5] * (n - 2))
        return ops.matmul(ops.matmul(MU, ops.mat(D)), MV)

    Mt, Nt = at(1 + t, 1.0), at(1.0, 1 + t)  # σ1 = σ2 = 1 at t = 0; the larger one swaps position
    # Exactly M_t − N_t = U diag(t, −t, 0…) V, so ‖M_t − N_t‖_F = √2·t (t = 2⁻ᵏ); the bound is that value in Val
    # arithmetic (100 digits), no slack beyond the op set's radius on the left.
    return [le(ops.norm(ops.sub(Mt, Nt), "fro"), sqrt(Val.exact(2)) * Val.exact(t),
               f"‖M_t − N_t‖_F = √2·t (t = 2^-{k}): the two matrices meet at σ1 = σ2 = 1"),
            ge(ops.norm(ops.sub(ops.lowrank(Mt, 1), ops.lowrank(Nt, 1)), "fro"), 1,
               "yet their leading singular triples σ1u1v1ᵀ differ by >= 1: u1 (so U) jumps")]


def _sv_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(st.integers(2, 3))
        return {"U": OrthogonalSpec(n, draw(st.integers(0, 20))), "V": OrthogonalSpec(n, draw(st.integers(0, 20))),
                "n": n, "k": draw(st.integers(4, 14))}

    return build()


CLAIMS.add(
    id="calculus.singular_vectors_discontinuous",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("4.2 方法1：精确SVD - 批判性分析, 缺陷1：不可微分",
                    "奇异值分解的梯度在重复奇异值处不连续；∂U/∂M 在 σ_i = σ_j 时无定义"),
    stated=Form("at a repeated singular value σ1 = σ2 the singular vectors are not continuous (so ∂U/∂M does not "
                "exist): M_t = U diag(1 + t, 1, …)Vᵀ and N_t = U diag(1, 1 + t, …)Vᵀ are √2·t apart while their "
                "leading triples σ1u1v1ᵀ stay >= 1 apart", _sv_jump, _sv_inputs),
    recorded=Verdict.HOLDS,
    note=("u1 of M_t is U e1 and of N_t is U e2 for every t > 0, while both tend to U diag(1, 1, …)Vᵀ: no choice of "
          "U(M) is continuous there, so ∂U/∂M is undefined.  (The singular values themselves stay Lipschitz — Weyl — "
          "and msign = UVᵀ stays differentiable at repeated σ: msign.differentiable_at_repeated_sigma.)  t >= 2^-14 "
          "keeps the gap far above float32's resolution, so every backend's truncated SVD is decided."),
)
