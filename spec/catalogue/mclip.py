"""mclip, singular-value clipping (seed 002 §2.4, §3.6, §4.5).

mclip_{[α,β]}(M) = U clip(Σ, [α, β]) Vᵀ.  ``ops.mclip`` computes it from an SVD (the reference
every formula is judged against); the document's versions are built from msign (``ops.polar``)
and products, exactly as printed.
"""
from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from matspec.claim import Empirical, EmpiricalKind, Form, Measurement, Verdict
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, OrthogonalSpec
from matspec.strategies import matrices
from matspec.values import Val, eq, gt, holds_that, le, lt
from matspec.catalogue.schatten import diag_spec, udv

from ._common import NO_BF16_LINALG, Registry, src2

CLAIMS = Registry()


def _zero(ops, A, text):
    return eq(ops.norm(A, "fro"), 0, text)


def _sign(x):
    return (x > 0) - (x < 0)


# ----------------------------------------------------------------------------------
# the scalar identity
# ----------------------------------------------------------------------------------

_GRID = st.integers(-24, 24).map(lambda k: k / 8)


def clip_formula(lo, hi, x):
    """The document's right-hand side, exactly as printed."""
    return (lo + hi + (lo - x) * _sign(lo - x) - (hi - x) * _sign(hi - x)) / 2


def _scalar_clip(ops, lo, hi, x, formula=clip_formula):
    clip = min(max(x, lo), hi)
    rhs = formula(lo, hi, x)
    return eq(Val.exact(rhs), Val.exact(clip), f"(α+β+(α−x)sign(α−x)−(β−x)sign(β−x))/2 = clip(x) at α={lo}, β={hi}, x={x}")


def _interval_inputs(d):
    return st.tuples(_GRID, _GRID, _GRID).filter(lambda t: t[0] <= t[1]).map(
        lambda t: {"lo": t[0], "hi": t[1], "x": t[2]})


CLAIMS.add(
    id="mclip.scalar_identity",
    note_reports_flaw=False,
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 基础恒等式（标量）",
                    "clip_{[α,β]}(x) = (α + β + (α − x)sign(α − x) − (β − x)sign(β − x))/2"),
    stated=Form("clip_{[α,β]}(x) = (α + β + |α − x| − |β − x|)/2 for α <= β", _scalar_clip, _interval_inputs),
    recorded=Verdict.HOLDS,
    tags=("math-only",),
    note="(y)sign(y) = |y|: the identity is (α + β + |α − x| − |β − x|)/2, true for every α <= β (exact arithmetic).",
)


# ----------------------------------------------------------------------------------
# version 1: msign(αI − M)
# ----------------------------------------------------------------------------------

_INTERVALS = st.sampled_from([(-1.0, 1.0), (0.0, 1.0), (0.5, 2.5), (0.25, 0.75)])


def _with_interval(strategies: dict, intervals):
    """Inputs plus lo, hi drawn as a pair from ``intervals`` (flat keys: replayable JSON)."""
    return st.tuples(st.fixed_dictionaries(strategies), intervals).map(lambda t: {**t[0], "lo": t[1][0], "hi": t[1][1]})


def _sq_near_one(d: Domain, **kw):
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(0, 0), max_log10_kappa=3)
    return matrices(dd, full_rank=True, **kw)


def _v1(ops, A, lo, hi):
    n = A.n
    I = ops.identity(n)
    Sa = ops.sub(ops.scale(lo, I), A)
    Sb = ops.sub(ops.scale(hi, I), A)
    num = ops.add(ops.scale(lo + hi, I),
                  ops.sub(ops.matmul(Sa, ops.polar(Sa)), ops.matmul(Sb, ops.polar(Sb))))
    return ops.scale(0.5, num)


def _v1_stated(ops, M, lo, hi):
    A = ops.mat(M)
    if A.m != A.n:
        return holds_that(False, f"αI − M is undefined for a {A.m}×{A.n} M")
    return _zero(ops, ops.sub(_v1(ops, A, lo, hi), ops.mclip(A, lo, hi)), f"version 1 = U clip(Σ)Vᵀ on [{lo}, {hi}]")


def _psd(ops, B):
    """M = (11/16)·BBᵀ: symmetric PSD.  The factor 11/16 keeps M's eigenvalues off the interval
    ends drawn here (B's σ are powers of 10 or rationals; (16/11)·end is neither a square of those),
    where αI − M would be singular and msign undefined."""
    Bm = ops.mat(B)
    return ops.scale(0.6875, ops.matmul(Bm, ops.transpose(Bm)))


def _v1_psd(ops, B, lo, hi):
    A = _psd(ops, B)
    return _zero(ops, ops.sub(_v1(ops, A, lo, hi), ops.mclip(A, lo, hi)),
                 f"version 1 = U clip(Σ)Vᵀ on [{lo}, {hi}] for symmetric PSD M = BBᵀ")


def _v1_inputs(d):
    return _with_interval({"M": _sq_near_one(d)}, _INTERVALS)


def _psd_inputs(d):
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(0, 0), max_log10_kappa=2)
    return _with_interval({"B": matrices(dd, square=True, full_rank=True)}, _INTERVALS)


CLAIMS.add(
    id="mclip.version1",
    note_reports_flaw=True,
    erratum="Version 1 is right only for symmetric PSD M: undefined for rectangular M, wrong for non-symmetric M.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤1：朴素推广（版本1）",
                    "mclip(M) = ((α+β)I + (αI − M)msign(αI − M) − (βI − M)msign(βI − M))/2"),
    stated=Form("version 1 equals U clip(Σ, [α, β]) Vᵀ", _v1_stated, _v1_inputs),
    repaired=Form("version 1 equals U clip(Σ, [α, β]) Vᵀ when M is symmetric positive semidefinite", _v1_psd,
                  _psd_inputs),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("(αI − M)msign(αI − M) is |αI − M| only when αI − M is symmetric; for a non-symmetric M it is not even "
          "symmetric, and for a rectangular M αI − M is undefined.  On symmetric PSD M (eigenvalues = singular "
          "values) the scalar identity lifts and version 1 is right.  (For symmetric indefinite M it clips "
          "eigenvalues, which equals singular-value clipping only for a symmetric interval α = −β.)"),
)


def _v1_sign_stated(ops, B, alpha):
    A = _psd(ops, B)
    S = ops.sub(ops.scale(alpha, ops.identity(A.n)), A)
    X = ops.polar(S)
    # stated: X = −V sign(α − Σ)Vᵀ, so X(αI − M) = −V|α − Σ|Vᵀ would be negative semidefinite
    XS = ops.matmul(X, S)
    lam = ops.eigvalsh(ops.scale(0.5, ops.add(XS, ops.transpose(XS))))
    return le(max(lam, key=lambda v: v.mid), 0, "msign(αI − M)(αI − M) = −V|α − Σ|Vᵀ is NSD (λ_max <= 0)")


def _v1_sign_corrected(ops, B, alpha):
    A = _psd(ops, B)
    S = ops.sub(ops.scale(alpha, ops.identity(A.n)), A)
    X = ops.polar(S)
    XS = ops.matmul(X, S)
    lam = ops.eigvalsh(ops.scale(0.5, ops.add(XS, ops.transpose(XS))))
    return [_zero(ops, ops.sub(X, ops.transpose(X)), "X = msign(αI − M) is symmetric"),
            _zero(ops, ops.sub(ops.matmul(X, X), ops.identity(A.n)), "X² = I"),
            le(0, min(lam, key=lambda v: v.mid), "X(αI − M) is PSD, so X = +V sign(α − Σ)Vᵀ")]


_ALPHA = st.sampled_from([0.0, 0.5, 1.0, 2.0, 0.125])


CLAIMS.add(
    id="mclip.msign_shift_identity",
    note_reports_flaw=True,
    erratum="Sign error: msign(αI − M) = +V sign(α − Σ)Vᵀ (1×1: M = 0.25, α = 1 gives +1).",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤2：去嵌套（版本2）",
                    "利用 msign(αI − M) = −V diag(sign(α − σᵢ)) Vᵀ（需SVD）"),
    stated=Form("msign(αI − M) = −V diag(sign(α − σᵢ)) Vᵀ (M = VΣVᵀ symmetric PSD)", _v1_sign_stated,
                lambda d: st.fixed_dictionaries({"B": _psd_inputs(d).map(lambda x: x["B"]), "alpha": _ALPHA}),
                examples=[{"B": ArraySpec.of([[0.5]]), "alpha": 1.0}]),
    repaired=Form("msign(αI − M) = +V diag(sign(α − σᵢ)) Vᵀ for symmetric PSD M = VΣVᵀ (α ≠ σᵢ)", _v1_sign_corrected,
                  lambda d: st.fixed_dictionaries({"B": _psd_inputs(d).map(lambda x: x["B"]), "alpha": _ALPHA})),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Sign error: αI − M = V(αI − Σ)Vᵀ, whose msign is V sign(α − Σ)Vᵀ with a plus sign (1×1: M = 0.25, α = 1 "
          "gives msign(0.75) = +1).  It also needs M symmetric PSD: for a general M = UΣVᵀ the eigenvectors of "
          "αI − M are not V.  Minimal counterexample: 1×1 M = 0.171875 (B = 0.5), α = 1: msign(0.828125) = +1, the "
          "stated formula gives −1."),
)


# ----------------------------------------------------------------------------------
# version 2
# ----------------------------------------------------------------------------------

def _v2_stated(ops, M, lo, hi):
    A = ops.mat(M)
    Q = ops.polar(A)
    H = ops.matmul(ops.transpose(Q), A)  # VΣVᵀ
    right = ops.mclip(H, lo, hi)          # V clip(Σ) Vᵀ
    if right.shape != A.shape:
        return holds_that(False, f"V diag(clip σ)Vᵀ is {right.m}×{right.n}, M is {A.m}×{A.n}")
    return _zero(ops, ops.sub(right, ops.mclip(A, lo, hi)), "V diag(clip σᵢ) Vᵀ = U clip(Σ) Vᵀ")


def _v2_corrected(ops, M, lo, hi):
    A = ops.mat(M)
    Q = ops.polar(A)
    H = ops.matmul(ops.transpose(Q), A)
    return _zero(ops, ops.sub(ops.matmul(Q, ops.mclip(H, lo, hi)), ops.mclip(A, lo, hi)),
                 "msign(M)·V diag(clip σᵢ) Vᵀ = U clip(Σ) Vᵀ")


def _v2_inputs(d):
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(0, 0), max_log10_kappa=3)
    tall = matrices(dd, full_rank=True).map(lambda M: M if M.m >= M.n else dataclasses.replace(M, m=M.n, n=M.m))
    return _with_interval({"M": tall}, _INTERVALS)


CLAIMS.add(
    id="mclip.version2",
    note_reports_flaw=True,
    erratum="The left factor U is missing: V diag(clip σ)Vᵀ equals mclip(M) only when U = V.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤2：去嵌套（版本2）",
                    "改写为：mclip(M) = V diag(clip_{[α,β]}(σᵢ)) Vᵀ"),
    stated=Form("mclip(M) = V diag(clip(σᵢ)) Vᵀ", _v2_stated, _v2_inputs),
    repaired=Form("mclip(M) = U diag(clip(σᵢ)) Vᵀ = msign(M)·V diag(clip(σᵢ)) Vᵀ (full column rank)", _v2_corrected,
                  _v2_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("The left factor U is missing: V diag(clip σ)Vᵀ is symmetric (m×m for M n×m) and equals mclip(M) only when "
          "U = V (M symmetric PSD).  The corrected form is checked through an independent route: the polar "
          "decomposition M = QH, H = VΣVᵀ, so U clip(Σ)Vᵀ = Q·(V clip(Σ)Vᵀ)."),
)


# ----------------------------------------------------------------------------------
# version 3 (α = −1, β = 1)
# ----------------------------------------------------------------------------------

def _v3(ops, A):
    Q = ops.polar(A)
    G = ops.matmul(ops.transpose(A), A)
    I = ops.identity(A.n)
    Sp = ops.polar(ops.add(G, I))
    Sm = ops.polar(ops.sub(G, I))
    return ops.scale(0.5, ops.add(ops.matmul(ops.add(Q, A), Sp), ops.matmul(ops.sub(Q, A), Sm)))


def _v3_prop(ops, M):
    A = ops.mat(M)
    return _zero(ops, ops.sub(_v3(ops, A), ops.mclip(A, -1.0, 1.0)),
                 "((msign(M) + M)msign(MᵀM + I) + (msign(M) − M)msign(MᵀM − I))/2 = U min(Σ, 1) Vᵀ")


def _v3_inputs(d):
    # σ on both sides of 1 (scale 10^±1, κ up to 1e3); σ = 1 exactly makes msign(MᵀM − I) undefined
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(-1, 1), max_log10_kappa=3)
    return st.fixed_dictionaries({"M": matrices(dd, full_rank=True)})


CLAIMS.add(
    id="mclip.version3",
    note_reports_flaw=False,
    expect=dict(NO_BF16_LINALG),
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤3：误差抵消版本（版本3，最优）",
                    "mclip(M) = ((msign(M) + M)msign(MᵀM + I) + (msign(M) − M)msign(MᵀM − I))/2"),
    stated=Form("version 3 equals U clip(Σ, [−1, 1]) Vᵀ for full-rank M (no singular value exactly 1)", _v3_prop,
                _v3_inputs, assume=lambda M: M.log10_scale != 0),
    recorded=Verdict.HOLDS,
    note=("Right for every shape: with M = UΣVᵀ, MᵀM ± I = V(Σ² ± 1)Vᵀ, so the bracket is "
          "U[(1 + σ) + (1 − σ)sign(σ² − 1)]Vᵀ/2 = U min(σ, 1)Vᵀ.  The text proves it for a diagonal M (signed "
          "entries: clip to [−1, 1]); the general case follows because every term is equivariant under M ↦ UMVᵀ.  "
          "That msign(MᵀM + I) = I always — so §4.5's 'three msign calls' are two — is mclip.three_msign_calls."),
)


# ----------------------------------------------------------------------------------
# what version 3's msign(MᵀM ± I) do (§2.4 error cancellation, §3.6 springs, §4.5 cost)
# ----------------------------------------------------------------------------------

def _gram_pm(ops, A):
    G = ops.matmul(ops.transpose(A), A)
    I = ops.identity(A.n)
    return ops.add(G, I), ops.sub(G, I)


def _three_calls_stated(ops, M):
    A = ops.mat(M)
    Gp, _ = _gram_pm(ops, A)
    return gt(ops.norm(ops.sub(ops.polar(Gp), ops.identity(A.n)), "fro"), 0,
              "msign(MᵀM + I) depends on M (is not I): computing it is a third msign call")


def _two_calls(ops, M):
    A = ops.mat(M)
    Gp, Gm = _gram_pm(ops, A)
    Q = ops.polar(A)
    v3_two = ops.scale(0.5, ops.add(ops.add(Q, A), ops.matmul(ops.sub(Q, A), ops.polar(Gm))))
    return [_zero(ops, ops.sub(ops.polar(Gp), ops.identity(A.n)), "msign(MᵀM + I) == I (MᵀM + I is SPD)"),
            _zero(ops, ops.sub(v3_two, ops.mclip(A, -1.0, 1.0)),
                  "((msign(M) + M) + (msign(M) − M)msign(MᵀM − I))/2 == U min(Σ, 1)Vᵀ: two msign calls")]


CLAIMS.add(
    id="mclip.three_msign_calls",
    note_reports_flaw=True,
    erratum="msign(MᵀM + I) = I for every M (MᵀM + I is SPD): version 3 needs two msign calls, not three.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("4.5 方法4：mclip - 批判性分析, 缺陷3：计算开销",
                    "成本：需计算3次msign（M, MᵀM + I, MᵀM − I）"),
    stated=Form("version 3 needs three msign calls: msign(MᵀM + I) depends on M", _three_calls_stated, _v3_inputs),
    repaired=Form("msign(MᵀM + I) = I for every M, so version 3 = ((msign(M) + M) + (msign(M) − M)msign(MᵀM − I))/2: "
                  "two msign calls", _two_calls, _v3_inputs, assume=lambda M: M.log10_scale != 0),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("MᵀM + I = V(Σ² + 1)Vᵀ is symmetric positive definite, and the polar factor of an SPD matrix is I, whatever "
          "M is.  So the middle call is the identity and can be dropped (an iterative msign of it only adds its own "
          "error).  The cost is two msign calls — one of them on the n×n MᵀM − I — against one SVD."),
)


def _springs_inputs(d):
    # one weak (σ < 1) and one strong (σ > 1) spring at least: diagonal σ from a dyadic grid, random frames
    @st.composite
    def build(draw):
        n = draw(st.integers(2, 4))
        weak = draw(st.lists(st.sampled_from((0.25, 0.5, 0.75)), min_size=1, max_size=n - 1))
        strong = draw(st.lists(st.sampled_from((1.5, 2.0, 4.0)), min_size=n - len(weak), max_size=n - len(weak)))
        sig = sorted(weak + strong, reverse=True)
        return {"U": OrthogonalSpec(n, draw(st.integers(0, 20))),
                "D": diag_spec(n, n, sig),
                "V": OrthogonalSpec(n, draw(st.integers(0, 20)))}

    return build()


def _springs(ops, U, D, V):
    A = udv(ops, U, D, V)
    Gp, Gm = _gram_pm(ops, A)
    return A, [s for s in (D.rows[i][i] for i in range(D.n))], ops.eigvalsh(Gp), ops.eigvalsh(Gm)


def _springs_stated(ops, U, D, V):
    _, sig, lp, lm = _springs(ops, U, D, V)
    return [lt(lp[-1], 1, "a weak spring (σ < 1) puts an eigenvalue of MᵀM + I near 0 (below 1)"),
            *[lt(abs(x), 1, f"the strong spring σ = {s} puts an eigenvalue of MᵀM − I near 0 (|σ² − 1| < 1)")
              for s, x in zip(sig, lm) if s > 1]]


def _springs_corrected(ops, U, D, V):
    _, sig, lp, lm = _springs(ops, U, D, V)
    return [*[eq(x, Val.exact(s * s + 1), f"λ_{i + 1}(MᵀM + I) == σ_{i + 1}² + 1 >= 1") for i, (x, s) in
              enumerate(zip(lp, sig))],
            *[eq(x, Val.exact(s * s - 1), f"λ_{i + 1}(MᵀM − I) == σ_{i + 1}² − 1 (near 0 iff σ ≈ 1)") for i, (x, s) in
              enumerate(zip(lm, sig))]]


CLAIMS.add(
    id="mclip.spring_sensitivity",
    note_reports_flaw=True,
    erratum="MᵀM + I has eigenvalues σ² + 1 ≥ 1, never near 0; MᵀM − I is near-singular only along σ ≈ 1, not along strong springs.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("3.6 mclip的\"弹簧裁剪\"类比",
                    "误差抵消机制：MᵀM + I：对弱弹簧敏感（靠近0）；MᵀM − I：对强弹簧敏感（靠近0）"),
    stated=Form("MᵀM + I is near 0 (an eigenvalue below 1) along weak springs σ < 1, and MᵀM − I near 0 "
                "(|σ² − 1| < 1) along strong springs σ > 1", _springs_stated, _springs_inputs),
    repaired=Form("the eigenvalues of MᵀM ± I are σ_i² ± 1: MᵀM + I ⪰ I (msign(MᵀM + I) = I, sensitive to no "
                  "spring), and MᵀM − I is near-singular exactly along σ_i ≈ 1, the clipping threshold",
                  _springs_corrected, _springs_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("MᵀM ± I = V(Σ² ± I)Vᵀ.  Along a weak spring σ < 1, MᵀM + I has the eigenvalue 1 + σ² ∈ [1, 2): never near "
          "0, and its msign is I whatever the springs.  Along a strong spring σ = 2, MᵀM − I has the eigenvalue 3.  "
          "What is near 0 is σ² − 1 for σ ≈ 1 — the springs at the threshold, weak or strong — where msign(MᵀM − I) "
          "is ill-conditioned (its sign flips there), which is where any iterative msign errs most."),
)


def _ns_errors(ops, M, schedule):
    A = ops.mat(M)
    Gp, Gm = _gram_pm(ops, A)
    Sp, Sm = ops.newton_schulz(Gp, schedule), ops.newton_schulz(Gm, schedule)
    sig = [M.rows[i][i] for i in range(M.n)]
    out = []
    for i, s in enumerate(sig):
        e_plus = ops.entry(Sp, i, i) - 1
        e_minus = ops.entry(Sm, i, i) - _sign(s * s - 1)
        out.append((s, e_plus, e_minus))
    return out


def _cancel_stated(ops, M, schedule):
    return [le(ep * em, 0, f"σ = {s}: the errors of msign(MᵀM + I) ({float(ep.mid):.3g}) and msign(MᵀM − I) "
                           f"({float(em.mid):.3g}) point in opposite directions ({schedule})")
            for s, ep, em in _ns_errors(ops, M, schedule)]


def _cancel_inputs(d):
    @st.composite
    def build(draw):
        n = draw(st.integers(1, 3))
        sig = sorted(draw(st.lists(st.sampled_from((0.25, 0.5, 2.0, 4.0)), min_size=n, max_size=n)), reverse=True)
        return {"M": diag_spec(n, n, sig),
                "schedule": draw(st.sampled_from(("youjiacheng", "polar_express", "muon_quintic")))}

    return build()


CLAIMS.add(
    id="mclip.error_cancellation",
    note_reports_flaw=True,
    erratum="The two msign errors point the same way along every σ > 1 (M = [2]: both F(1) − 1 < 0), and msign(MᵀM + I) = I has nothing to cancel.",
    corrected="With a Newton–Schulz msign the errors of msign(MᵀM ± I) have opposite signs only along σ < 1; along σ > 1 they have the same sign; an exact msign(MᵀM + I) is I, error-free",
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤3：误差抵消版本（版本3，最优）",
                    "误差抵消机制：msign(MᵀM + I) 和 msign(MᵀM − I) 的误差方向相反，相互抵消，最终误差 ~0.5。"),
    also=(src2("3.6 mclip的\"弹簧裁剪\"类比", "两者误差方向相反，组合后相互抵消"),),
    stated=Form("with a Newton–Schulz msign (a published 5–6-step schedule, exact arithmetic), the errors of "
                "msign(MᵀM + I) and msign(MᵀM − I) point in opposite directions along every singular direction",
                _cancel_stated, _cancel_inputs, examples=[{"M": ArraySpec.of([[2.0]]), "schedule": "youjiacheng"}]),
    recorded=Verdict.REFUTED,
    note=("Read with the error a Newton–Schulz msign makes in exact arithmetic — its systematic part; rounding errors "
          "have no fixed direction.  Both matrices are V(Σ² ± 1)Vᵀ, so the iteration acts on each eigenvalue through "
          "the schedule's transfer function F, which ends below 1 for these schedules: msign(MᵀM + I)'s error "
          "F(·) − 1 is negative, and msign(MᵀM − I)'s is sign(σ² − 1)(F(·) − 1) — opposite for σ < 1, the *same* for "
          "σ > 1 (M = [2]: both F(1) − 1).  With an exact msign, msign(MᵀM + I) = I carries no error at all "
          "(mclip.three_msign_calls).  The '~0.5' figure is mclip.bf16_error_figures."),
)


# ----------------------------------------------------------------------------------
# the general interval (§4.5)
# ----------------------------------------------------------------------------------

def _general_stated(ops, M, lo, hi):
    A = ops.mat(M)
    inner = ops.mclip(ops.scale(2.0 / (hi - lo), A), -1.0, 1.0)
    out = ops.add(ops.scale((lo + hi) / 2, ops.polar(A)), ops.scale((hi - lo) / 2, inner))
    return _zero(ops, ops.sub(out, ops.mclip(A, lo, hi)),
                 f"(α+β)/2·msign(M) + (β−α)/2·mclip_{{-1,1}}(2M/(β−α)) = mclip_{{α,β}}(M), [{lo}, {hi}]")


def _general_corrected(ops, M, lo, hi):
    A = ops.mat(M)
    Q = ops.polar(A)
    shifted = ops.scale(1.0 / (hi - lo), ops.sub(ops.scale(2.0, A), ops.scale(lo + hi, Q)))
    inner = ops.mclip(shifted, -1.0, 1.0)
    out = ops.add(ops.scale((lo + hi) / 2, Q), ops.scale((hi - lo) / 2, inner))
    return _zero(ops, ops.sub(out, ops.mclip(A, lo, hi)),
                 f"(α+β)/2·msign(M) + (β−α)/2·mclip_{{-1,1}}((2M − (α+β)msign(M))/(β−α)) = mclip_{{α,β}}(M), "
                 f"[{lo}, {hi}]")


_POS_INTERVALS = st.sampled_from([(0.0, 1.0), (0.5, 2.5), (0.25, 0.75), (1.0, 3.0)])  # dyadic widths: exact scalings


def _general_inputs(d):
    dd = Domain(max_dim=min(d.max_dim, 5), log10_scale=(0, 0), max_log10_kappa=3)
    return _with_interval({"M": matrices(dd, full_rank=True)}, _POS_INTERVALS)


CLAIMS.add(
    id="mclip.general_interval",
    note_reports_flaw=True,
    erratum="The formula scales but forgets to shift (σ = 0.125 on [0, 1] gives 0.5625); the shifted form holds.",
    expect=dict(NO_BF16_LINALG),
    provenance=src2("4.5 方法4：mclip - 批判性分析, 优化1：通用区间mclip",
                    "mclip_{α,β}(M) = (α+β)/2·msign(M) + (β−α)/2·mclip_{−1,1}(2M/(β−α))；原理：先缩放到 [−1,1]，再平移"),
    also=(src2("4.5 方法4：mclip - 批判性分析, 缺陷2",
               "版本3的误差抵消技巧依赖于对称性；无法推广到一般 [α, β]（如 [0, 1]）"),),
    stated=Form("mclip_{α,β}(M) = (α+β)/2·msign(M) + (β−α)/2·mclip_{−1,1}(2M/(β−α)) (0 <= α < β)", _general_stated,
                _general_inputs, examples=[{"M": ArraySpec.of([[0.125]]), "lo": 0.0, "hi": 1.0}]),
    repaired=Form("mclip_{α,β}(M) = (α+β)/2·msign(M) + (β−α)/2·mclip_{−1,1}((2M − (α+β)msign(M))/(β−α)) "
                  "(0 <= α < β, full-rank M)", _general_corrected, _general_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("The formula scales but forgets to shift: on a singular value it gives (α+β)/2 + (β−α)/2·clip(2σ/(β−α)), "
          "e.g. 0.5625 instead of 0.125 for σ = 0.125 on [0, 1].  Shifting inside (M − c·msign(M) = U(Σ − c)Vᵀ "
          "with c = (α+β)/2) makes it right, so the general interval *does* reduce to the [−1, 1] case — contrary to "
          "§4.5 defect 2.  With α > 0, zero singular values are sent to 0, not α (msign(M) is 0 there): full rank "
          "is assumed."),
)


# ----------------------------------------------------------------------------------
# §2.4/§4.5 error figures in bfloat16 (measured with torch on the CPU)
# ----------------------------------------------------------------------------------

def _measure_bf16_versions():
    import numpy as np
    import torch

    from matspec.implementations import newton_schulz as ns
    from matspec.inputs import MatrixSpec

    sched = ns.polar_express_extended(1)

    def msign(X):
        return ns.iterate(X, sched)

    def v1(M, lo, hi):
        n = M.shape[0]
        I = torch.eye(n, dtype=M.dtype)
        Sa, Sb = lo * I - M, hi * I - M
        return ((lo + hi) * I + Sa @ msign(Sa) - Sb @ msign(Sb)) / 2

    def v3(M):
        n = M.shape[1]
        I = torch.eye(n, dtype=M.dtype)
        Q = msign(M)
        G = M.T @ M
        return ((Q + M) @ msign(G + I) + (Q - M) @ msign(G - I)) / 2

    out = {}
    for dtype in ("float64", "float32", "bfloat16"):
        e1, e1g, e3 = [], [], []
        for seed in range(3):
            # σ log-uniform in [0.1, 10] (κ = 100 at scale 10): half the spectrum is clipped
            X, _ = MatrixSpec(64, 64, "log_uniform", 2, 1, seed).to_numpy()
            U, s, Vt = np.linalg.svd(X)
            exact3 = (U * np.minimum(s, 1.0)) @ Vt
            Msym = (Vt.T * s) @ Vt  # symmetric PSD, same σ: where version 1 is valid
            exact1 = (Vt.T * np.minimum(s, 1.0)) @ Vt
            T = getattr(torch, dtype)
            r1 = v1(torch.tensor(Msym, dtype=T), -1.0, 1.0).double().numpy()
            r3 = v3(torch.tensor(X, dtype=T)).double().numpy()
            e1.append(np.linalg.norm(r1 - exact1) / np.linalg.norm(exact1))
            e3.append(np.linalg.norm(r3 - exact3) / np.linalg.norm(exact3))
            r1g = v1(torch.tensor(X, dtype=T), -1.0, 1.0).double().numpy()  # outside its validity
            e1g.append(np.linalg.norm(r1g - exact3) / np.linalg.norm(exact3))
        out[dtype] = {"v1_rel_err_median": float(np.median(e1)), "v3_rel_err_median": float(np.median(e3)),
                      "v1_on_nonsymmetric_M_rel_err_median": float(np.median(e1g))}
    return Measurement(out["bfloat16"]["v1_rel_err_median"],
                       (f"torch {torch.__version__} CPU; msign = Polar Express (5 published steps + 1 limit step, "
                        "Frobenius normalisation ×1.01); M 64×64 with σ log-uniform in [0.1, 10], 3 seeds; version 1 "
                        "on the symmetric PSD matrix with the same σ (where it is valid), version 3 on M; metric "
                        "‖mclip_impl − U min(Σ, 1)Vᵀ‖_F / ‖U min(Σ, 1)Vᵀ‖_F against float64 LAPACK; value = version 1 "
                        "in bfloat16"), out)


def _agrees_bf16_versions(m) -> bool:
    b = m.details["bfloat16"]
    return 2 <= b["v1_rel_err_median"] <= 200 and 0.05 <= b["v3_rel_err_median"] <= 5


CLAIMS.add(
    id="mclip.bf16_error_figures",
    note_reports_flaw=True,
    erratum="In bfloat16 with a Newton–Schulz msign, version 1 ≈ 0.04 and version 3 ≈ 0.05 relative error — not 20 and 0.5.",
    corrected="Median relative error in bfloat16: ≈ 0.04 (version 1, symmetric PSD M) and ≈ 0.05 (version 3); ≈ 0.006 in float32/float64",
    provenance=src2("2.4 mclip（奇异值裁剪）推导, 步骤1 问题 / 步骤3",
                    "嵌套的msign误差累积，bfloat16下相对误差 ~20 … 最终误差 ~0.5"),
    also=(src2("4.5 方法4：mclip - 批判性分析, 缺陷1", "3层嵌套 → 总误差 ≈ 3ε ≈ 0.03"),),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    tags=("needs-torch",),
    empirical=Empirical(
        kind=EmpiricalKind.TYPICAL,
        document_figure="relative error ≈ 20 for version 1 and ≈ 0.5 for version 3 in bfloat16",
        measure=_measure_bf16_versions,
        agrees=_agrees_bf16_versions,
        rule=("agree iff in bfloat16 the median relative Frobenius error of version 1 is within 10× of 20 and that "
              "of version 3 within 10× of 0.5"),
        expect_agreement=False,
    ),
    note=("Measured (bfloat16, medians): version 1 ≈ 0.04 on symmetric PSD inputs, version 3 ≈ 0.05 — far below "
          "20 and 0.5; float64/float32 give ≈ 0.006–0.007, the error of the 6-step Newton–Schulz msign itself.  "
          "Version 1 applied to a non-symmetric M (outside its validity, see mclip.version1) is wrong by O(1) in "
          "every dtype — the likely source of a large figure.  Per-dtype figures are in the measurement."),
)
