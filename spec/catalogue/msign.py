"""msign, the matrix sign / polar factor (seed 002 §1.2, §2.3, §3.3).

msign(M) = U Vᵀ for M = UΣVᵀ (thin SVD); for full column rank it equals M(MᵀM)^{-1/2}, for full
row rank (MMᵀ)^{-1/2}M.  ``ops.polar`` is msign computed by an SVD; the Newton–Schulz schedules
are other implementations of it (``matspec.catalogue.newton_schulz``).
"""
from __future__ import annotations

import dataclasses

import mpmath
from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.implementations.base import Domain, Mat
from matspec.inputs import ArraySpec, OrthogonalSpec
from matspec.strategies import half_scale, matrices
from matspec.values import Val, eq, gt, le
from matspec.catalogue.schatten import udv

from ._common import NO_BF16_LINALG, Registry, src2

CLAIMS = Registry()


def _full_rank(d: Domain, max_kappa: int = 6, **kw):
    # half the scale range: the properties form MᵀM, which must not overflow
    h = half_scale(d)
    dd = Domain(max_dim=min(d.max_dim, 6), log10_scale=h.log10_scale, max_log10_kappa=min(max_kappa, d.max_log10_kappa))
    return matrices(dd, full_rank=True, **kw)


def _fro(ops, A):
    return ops.norm(A, "fro")


def _zero(ops, A, text):
    return eq(_fro(ops, A), 0, text)


# ----------------------------------------------------------------------------------
# definition: M(MᵀM)^{-1/2} and (MMᵀ)^{-1/2}M
# ----------------------------------------------------------------------------------

def _characterisation(ops, M):
    A = ops.mat(M)
    Q = ops.polar(A)
    T = ops.transpose
    if A.m >= A.n:
        # Q = M(MᵀM)^{-1/2}  ⟺  QᵀQ = I and H = QᵀM is the PSD square root of MᵀM
        H = ops.matmul(T(Q), A)
        side, I = "QᵀQ", ops.identity(A.n)
        G = ops.matmul(T(Q), Q)
        HH, target = ops.matmul(H, H), ops.matmul(T(A), A)
        recon = ops.matmul(Q, H)
    else:
        # Q = (MMᵀ)^{-1/2}M  ⟺  QQᵀ = I and H = MQᵀ is the PSD square root of MMᵀ
        H = ops.matmul(A, T(Q))
        side, I = "QQᵀ", ops.identity(A.m)
        G = ops.matmul(Q, T(Q))
        HH, target = ops.matmul(H, H), ops.matmul(A, T(A))
        recon = ops.matmul(H, Q)
    lam = ops.eigvalsh(ops.scale(0.5, ops.add(H, T(H))))
    return [
        _zero(ops, ops.sub(G, I), f"{side} = I"),
        _zero(ops, ops.sub(H, T(H)), "H is symmetric"),
        le(0, min(lam, key=lambda v: v.mid), "H is positive semidefinite (λ_min(H) >= 0)"),
        _zero(ops, ops.sub(HH, target), "H² = MᵀM (resp. MMᵀ): H is the PSD square root"),
        _zero(ops, ops.sub(recon, A), "M = QH (resp. HQ)"),
    ]


CLAIMS.add(
    id="msign.definition",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.3 Newton-Schulz迭代推导, 目标", "计算 msign(M) = M(MᵀM)^{-1/2}（最优正交近似）"),
    also=(src2("3.3 msign的\"完美对齐\"几何意义", "用 (MᵀM)^{-1/2} 校正（矩阵平方根逆）"),),
    stated=Form("for full-rank M, msign(M) = UVᵀ equals M(MᵀM)^{-1/2} (m >= n) and (MMᵀ)^{-1/2}M (m < n)",
                _characterisation, lambda d: st.fixed_dictionaries({"M": _full_rank(d)})),
    recorded=Verdict.HOLDS,
    note=("Checked without forming an inverse square root: Q = UVᵀ (ops.polar) is M(MᵀM)^{-1/2} iff QᵀQ = I and "
          "H = QᵀM is symmetric PSD with H² = MᵀM (the PSD square root is unique).  Only one of the two "
          "formulas is defined for a non-square M: (MMᵀ)^{-1/2} does not exist when m > n."),
)


# ----------------------------------------------------------------------------------
# orthogonality
# ----------------------------------------------------------------------------------

def _orth(ops, M):
    A = ops.mat(M)
    Q = ops.polar(A)
    return _zero(ops, ops.sub(ops.matmul(ops.transpose(Q), Q), ops.identity(A.n)), "msign(M)ᵀmsign(M) = I")


def _wide_or_any(d: Domain):
    # the document's own setting: M ∈ R^{n×m} with n < m (wide), full rank
    return st.fixed_dictionaries({"M": _full_rank(d)})


CLAIMS.add(
    id="msign.orthogonality",
    note_reports_flaw=True,
    erratum="msign(M)ᵀmsign(M) = I needs full column rank; the section's own wide M gives a rank-n projector.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("3.3 msign的\"完美对齐\"几何意义",
                    "给定长方形矩阵 M ∈ R^{n×m}（n < m）… 数学验证：msign(M)ᵀmsign(M) = (MᵀM)^{-1/2}MᵀM(MᵀM)^{-1/2} = I"),
    stated=Form("msign(M)ᵀmsign(M) = I for every (full-rank) M, including the section's wide n < m case", _orth,
                _wide_or_any),
    repaired=Form("msign(M)ᵀmsign(M) = I when M has full column rank (m >= n)", _orth,
                  lambda d: st.fixed_dictionaries({"M": _full_rank(d)}), assume=lambda M: M.m >= M.n),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("For the wide M the section itself chooses (n < m), MᵀM is m×m of rank n, (MᵀM)^{-1/2} does not exist, "
          "and msign(M)ᵀmsign(M) = VVᵀ is a rank-n projector, not I (msign(M)msign(M)ᵀ = I instead).  With a "
          "rank-deficient M (rank r), msign(M) = U_rV_rᵀ is a partial isometry: msign(M)ᵀmsign(M) is the projector "
          "onto the row space; matspec's polar op reports no forward bound there (the polar factor is not "
          "continuous at rank-deficient M), so such draws are undecided rather than passed."),
)


# ----------------------------------------------------------------------------------
# nearest semi-orthogonal matrix
# ----------------------------------------------------------------------------------

def _nearest(ops, M, B):
    A = ops.mat(M)
    Q = ops.polar(A)
    W = ops.polar(ops.mat(B))  # another matrix with orthonormal columns, same shape
    rels = []
    for kind, name in (("fro", "F"), ("2", "2")):
        rels.append(le(ops.norm(ops.sub(A, Q), kind), ops.norm(ops.sub(A, W), kind),
                       f"‖M − msign(M)‖_{name} <= ‖M − W‖_{name} for W with orthonormal columns"))
    return rels


def _nearest_inputs(d: Domain):
    @st.composite
    def build(draw):
        M = draw(_full_rank(d))
        if M.m < M.n:
            M = dataclasses.replace(M, m=M.n, n=M.m)
        B = draw(_full_rank(d, m=M.m, n=M.n))
        return {"M": M, "B": B}

    return build()


CLAIMS.add(
    id="msign.nearest_semi_orthogonal",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("3.3 msign的\"完美对齐\"几何意义",
                    "如何找到最接近它的正交矩阵？… 得到\"站直的塔\"（msign(M)，列正交）"),
    also=(src2("2.3 Newton-Schulz迭代推导, 目标", "msign(M) = M(MᵀM)^{-1/2}（最优正交近似）"),),
    stated=Form("msign(M) is the nearest matrix with orthonormal columns to M (full column rank), in ‖·‖_F and ‖·‖₂",
                _nearest, _nearest_inputs),
    recorded=Verdict.HOLDS,
    note=("Fan–Hoffman: the polar factor minimises ‖M − W‖ over W with WᵀW = I in every unitarily invariant norm.  "
          "The competitor W is the polar factor of an independent draw B (exactly orthonormal columns)."),
)


# ----------------------------------------------------------------------------------
# scale invariance
# ----------------------------------------------------------------------------------

def _scale_inv(ops, M, k):
    A = ops.mat(M)
    Q = ops.polar(A)
    c = 10.0 ** k
    Qc = ops.polar(ops.scale(c, A))
    Qn = ops.polar(ops.scale(-1.0, A))
    return [_zero(ops, ops.sub(Qc, Q), f"msign(cM) = msign(M), c = 1e{k}"),
            _zero(ops, ops.add(Qn, Q), "msign(−M) = −msign(M)")]


CLAIMS.add(
    id="msign.scale_invariance",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("4.3 方法2：Newton-Schulz迭代 - 批判性分析, 优化2：重归一化技巧",
                    "y, y2, y4 = y/n, y2/n**2, y4/n**4 (rescaling Y mid-iteration leaves the target msign unchanged)"),
    stated=Form("msign(cM) = msign(M) for c > 0 and msign(−M) = −msign(M)", _scale_inv,
                lambda d: st.fixed_dictionaries({"M": _full_rank(d, m=None), "k": st.integers(-3, 3)})),
    recorded=Verdict.HOLDS,
    note="What makes any normalisation (X₀ = M/‖M‖_F, the renormalisation trick) legitimate for msign.",
)


# ----------------------------------------------------------------------------------
# the Fréchet derivative (§1.2)
# ----------------------------------------------------------------------------------

_T = 2.0 ** -66  # ≈ 1.4e-20: a power of two, so M ± tH is formed exactly scaled


def _fd_derivative(ops, A, E):
    """Central difference (Q(M + tE) − Q(M − tE))/2t at t = 2^-66 in the oracle's precision.

    The O(t²) truncation is *estimated* (not bounded) by Richardson: with D_t and D_{2t},
    D − D_t ≈ (D_t − D_{2t})/3; we add 4‖D_t − D_{2t}‖_F to the radius.  At t ≈ 1e-20 this
    is ~1e-40 relative, against O(1) discrepancies for a wrong formula."""
    if ops.level != "math":
        from matspec.implementations.base import Unsupported

        raise Unsupported("frechet-fd", ops.id, "finite differences at t = 1e-20 need the oracle's precision")

    def central(t):
        Qp = ops.polar(ops.add(A, ops.scale(t, E)))
        Qm = ops.polar(ops.sub(A, ops.scale(t, E)))
        return ops.scale(1.0 / (2 * t), ops.sub(Qp, Qm))

    D1, D2 = central(_T), central(2 * _T)
    with mpmath.workdps(60):
        trunc = 4 * mpmath.mpf(ops.norm(ops.sub(D1, D2), "fro").mid)
        return Mat(D1.data, D1.err + trunc, D1.shape)


def _frechet_stated(ops, M, E):
    A, H = ops.mat(M), ops.mat(E)
    D = _fd_derivative(ops, A, H)
    Q = ops.polar(A)
    # msign(MᵀM) for the SPD MᵀM is I: the printed formula reduces to H·msign(M)
    S = ops.polar(ops.matmul(ops.transpose(A), A))
    formula = ops.matmul(ops.matmul(S, H), Q)  # msign(MᵀM)^{-1} = msign(MᵀM) (an involution here)
    return _zero(ops, ops.sub(D, formula), "D msign[M][H] = msign(MᵀM)^{-1} H msign(M)")


def _frechet_corrected(ops, M, E):
    return _frechet_corrected_at(ops, ops.mat(M), ops.mat(E))


def _frechet_corrected_at(ops, A, H):
    D = _fd_derivative(ops, A, H)
    Q = ops.polar(A)
    T = ops.transpose
    P = ops.matmul(T(Q), A)  # the symmetric PD polar factor
    Om = ops.matmul(T(Q), D)
    rhs = ops.sub(ops.matmul(T(Q), H), ops.matmul(T(H), Q))
    return [_zero(ops, ops.add(Om, T(Om)), "Ω = QᵀD is skew-symmetric"),
            _zero(ops, ops.sub(ops.add(ops.matmul(P, Om), ops.matmul(Om, P)), rhs), "PΩ + ΩP = QᵀH − HᵀQ")]


def _square_pair(d: Domain):
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(0, 0), max_log10_kappa=3)

    @st.composite
    def build(draw):
        M = draw(matrices(dd, square=True, full_rank=True))
        E = draw(matrices(dd, m=M.m, n=M.n))
        return {"M": M, "E": E}

    return build()


CLAIMS.add(
    id="msign.frechet_derivative",
    note_reports_flaw=True,
    erratum="msign(MᵀM) = I, so the printed formula says D = H·msign(M); the derivative is QΩ with PΩ + ΩP = QᵀH − HᵀQ.",
    provenance=src2("1.2 核心公理与数学基础, 公理4：矩阵函数的Fréchet导数",
                    "msign算子的导数（关键性质）：D(msign)[M][H] = msign(MᵀM)^{-1} H msign(M)"),
    stated=Form("D msign[M][H] = msign(MᵀM)^{-1} H msign(M) (square nonsingular M)", _frechet_stated, _square_pair),
    repaired=Form("D msign[M][H] = QΩ with Ω skew-symmetric solving PΩ + ΩP = QᵀH − HᵀQ (M = QP polar, square "
                  "nonsingular)", _frechet_corrected, _square_pair),
    repair="correction",
    recorded=Verdict.MISSTATED,
    tags=("math-only",),
    note=("msign(MᵀM) = I for any nonsingular M (MᵀM is SPD), so the printed formula says D = H·msign(M): "
          "for 1×1 M = [m] it gives h·sign(m) while sign is locally constant (derivative 0); the shapes do not even "
          "chain for non-square M.  Differentiating QᵀQ = I and M = QP gives the correct form: D = QΩ, Ω skew with "
          "PΩ + ΩP = QᵀH − HᵀQ (in SVD terms Ω_ij = (V ᵀ(QᵀH − HᵀQ)V)_ij/(σ_i + σ_j) rotated back).  Checked "
          "against central differences at t = 2^-66 with the oracle's 60-digit polar factor (math only)."),
)


# ----------------------------------------------------------------------------------
# §4.2 defect 1's consequence: is an exact-SVD orthogonalisation (msign = UVᵀ) differentiable at repeated σ?
# ----------------------------------------------------------------------------------

def _one_sided_quotients(ops, A, H):
    """(Q(M + tH) − Q(M))/t and (Q(M) − Q(M − tH))/t at t = 2^-66 in the oracle's precision: at a kink they differ
    by O(1), where Q is differentiable by O(t)·‖Q''‖ ≈ 1e-20."""
    if ops.level != "math":
        from matspec.implementations.base import Unsupported

        raise Unsupported("frechet-fd", ops.id, "difference quotients at t = 1e-20 need the oracle's precision")
    Q = ops.polar(A)
    fwd = ops.scale(1.0 / _T, ops.sub(ops.polar(ops.add(A, ops.scale(_T, H))), Q))
    bwd = ops.scale(1.0 / _T, ops.sub(Q, ops.polar(ops.sub(A, ops.scale(_T, H)))))
    return fwd, bwd


def _kink_stated(ops, U, D, V, E):
    A = udv(ops, U, D, V)
    fwd, bwd = _one_sided_quotients(ops, A, ops.mat(E))
    return gt(ops.norm(ops.sub(fwd, bwd), "fro"), Val.exact("1e-10"),
              "msign is not differentiable at M (σ_i = σ_j): its one-sided difference quotients differ")


def _repeated_corrected(ops, U, D, V, E):
    A = udv(ops, U, D, V)
    return _frechet_corrected_at(ops, A, ops.mat(E))


def _repeated_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(st.integers(2, 4))
        levels = draw(st.lists(st.sampled_from((0.5, 1.0, 2.0)), min_size=n - 1, max_size=n - 1))
        sig = sorted(levels + [levels[0]], reverse=True)  # at least one singular value repeated
        E = draw(matrices(Domain(max_dim=n, log10_scale=(0, 0), max_log10_kappa=3), m=n, n=n))
        return {"U": OrthogonalSpec(n, draw(st.integers(0, 20))), "D": ArraySpec.of(
            [[sig[i] if i == j else 0.0 for j in range(n)] for i in range(n)]),
            "V": OrthogonalSpec(n, draw(st.integers(0, 20))), "E": E}

    return build()


_I2 = ArraySpec.of([[1.0, 0.0], [0.0, 1.0]])

CLAIMS.add(
    id="msign.differentiable_at_repeated_sigma",
    note_reports_flaw=True,
    erratum="msign = UVᵀ is differentiable at repeated singular values (only U and V are not): an exact-SVD orthogonalisation layer can be trained through.",
    provenance=src2("4.2 方法1：精确SVD - 批判性分析, 缺陷1：不可微分",
                    "影响：无法用于端到端训练（如正交化层）"),
    also=(src2("4.1 矩阵分解方法对比", "| 精确SVD | O(nm²) | 机器精度 | ❌ 不可微 | ❌ 慢，不支持反向传播 | …"),
          src2("2.4 mclip（奇异值裁剪）推导, 步骤2：去嵌套（版本2）", "问题：仍需精确SVD，不可微。")),
    stated=Form("an orthogonalisation layer computed by an exact SVD, msign(M) = UVᵀ, is not differentiable where "
                "singular values repeat (square nonsingular M)", _kink_stated, _repeated_inputs,
                examples=[{"U": OrthogonalSpec(2, 0), "D": _I2, "V": OrthogonalSpec(2, 0),
                           "E": ArraySpec.of([[0.0, 1.0], [0.0, 0.0]])}]),
    repaired=Form("msign is Fréchet differentiable at every nonsingular M, repeated singular values included: "
                  "D msign[M][H] = QΩ, Ω skew-symmetric with PΩ + ΩP = QᵀH − HᵀQ (M = QP)",
                  _repeated_corrected, _repeated_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    tags=("math-only",),
    note=("What fails at σ_i = σ_j is the *factors* U and V (calculus.singular_vectors_discontinuous), not msign: "
          "UVᵀ = M(MᵀM)^{-1/2} is a smooth (analytic) function of every nonsingular M, and its derivative solves "
          "PΩ + ΩP = QᵀH − HᵀQ, whose denominators are σ_i + σ_j > 0 — never σ_i − σ_j.  At M = I₂ it is "
          "D msign[I][H] = (H − Hᵀ)/2.  So an orthogonalisation layer built on an exact SVD can be differentiated "
          "(autograd frameworks do it through the polar factor); the real obstacles are the cost and the "
          "1/(σ_i − σ_j) terms of naive SVD backward passes, which cancel in UVᵀ.  Checked with one-sided and central "
          "differences at t = 2^-66 on the oracle's 60-digit polar factor (math only)."),
)
