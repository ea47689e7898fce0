"""Claims of seed 003 (SVD, low rank, LoRA arithmetic, eigenvalues, the Hessian, Newton's step), and the
SVD parts of seed 002 not stated elsewhere (spectral theorem, Eckart–Young uniqueness, energy ratio R_r,
the randomized SVD formula; 002's SVD definition and Eckart–Young error are the same claims as
svd_definition and frobenius.eckart_young_*).

κ = σmax/σmin and its implication for Ax = b live in conditioning.kappa2_sigma_ratio and
linear_systems.error_amplification_rhs (003 is cited there); the GD 'narrow ravine' is
linear_systems.gd_iterations_vs_kappa.

"The Hessian is symmetric" is svd_facts.hessian_symmetric (conditional, math-only: Schwarz's theorem needs
C² — f = xy(x² − y²)/(x² + y²) has ∂_y∂_x f(0, 0) = −1 ≠ ∂_x∂_y f(0, 0) = 1 — checked by high-precision
nested differences).  "Local minima are rare, saddle points everywhere" is the GOE-model measurement
svd_facts.saddles_dominate_random_hessians.

Seed 002 §4.2's figures are measured (empirical): the 4096² SVD time (svd_facts.full_svd_4096_timing, no GPU
here: this CPU's time and the figure's plausibility) and randomized SVD at r = 50 (svd_facts.randomized_svd_speed_error);
'σ_min < 1e-8 goes to zero in bfloat16' is decided as arithmetic on bfloat16's grid (svd_facts.bf16_small_sigma_flush,
matspec.formats: it is not flushed).  Seed 002's other SVD statements: MᵀM 'positive definite' (gram_positive_definite),
symmetric matrices 'do not rotate' (symmetric_no_rotation), real matrices may have complex eigenvalues
(real_matrix_complex_eigenvalues), the block SVD merge (blockwise_svd_merge); every sentence of seed 002 is mapped in
spec/catalogue/inventory/002_9bcd222323c34815.toml.

Seed 003 §1–2's eigen/SVD basics: rotate–scale–rotate (svd_facts.rotate_scale_rotate: the factors may be
reflections), which square matrices have a real eigendecomposition (eigendecomposition_square), eigenvalues as
curvatures (hessian_eigen_curvature) and what a zero one means (zero_eigenvalue_flat); §4's "a matvec is memory
bound" (matvec_memory_bound, empirical: throughput); §5's Newton step per eigendirection and "Adam approximates
the Hessian diagonal" (adam_is_not_diagonal_newton: it does not).  Every sentence of seed 003 is mapped in
spec/catalogue/inventory/003_bf2a8a0195573cb6.toml.
"""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import mpmath
from hypothesis import strategies as st

from matspec.catalogue._common import Registry, named, src, src2
from matspec.catalogue.linear_systems import BF16_UNSUPPORTED, _vec
from matspec.catalogue.schatten import SIGMAS, diag_of, diag_spec, frame, qlqt, udv, udv_inputs
from matspec.claim import Empirical, EmpiricalKind, Form, Measurement, Outcome, Verdict
from matspec.formats import round_to_grid
from matspec.implementations.base import Domain
from matspec.inputs import ArraySpec, InputError, MatrixSpec, OrthogonalSpec
from matspec.strategies import SEEDS, any_matrix, dims, half_scale, matrices
from matspec.values import Val, eq, ge, gt, holds_that, le, lt, sqrt, vsum

CLAIMS = Registry()

SEED_003 = "003_bf2a8a0195573cb6.txt"
FULL_RANK_MODES = ("geometric", "arithmetic", "one_large", "one_small", "log_uniform", "clustered", "repeated")


def s003(section, statement):
    return src(section, statement, seed=SEED_003)


def _low(d: Domain, cap: int) -> Domain:
    return dataclasses.replace(d, max_log10_kappa=min(cap, d.max_log10_kappa))


def _modest(d: Domain) -> Domain:
    a, b = d.log10_scale
    return Domain(d.max_dim, (max(a, -6), min(b, 6)), d.max_log10_kappa)


# ----------------------------------------------------------------------------------
# 1. The Mathematical Definition
# ----------------------------------------------------------------------------------

def _svd_def(ops, A):
    M = ops.mat(A)
    s = ops.svdvals(M)
    m, n = M.shape
    G = ops.matmul(ops.transpose(M), M) if m >= n else ops.matmul(M, ops.transpose(M))
    ev = ops.eigvalsh(G)
    rels = [holds_that(len(s) == min(m, n), f"min(m, n) = {min(m, n)} singular values (got {len(s)})")]
    rels += [ge(x, 0, f"σ_{i + 1} >= 0") for i, x in enumerate(s)]
    rels += [le(s[i + 1], s[i], f"σ_{i + 2} <= σ_{i + 1}") for i in range(len(s) - 1)]
    # A = UΣVᵀ with U, V orthogonal ⇔ the σ_i² are the eigenvalues of AᵀA (or AAᵀ), in order
    rels += [eq(x * x, e, f"σ_{i + 1}² == λ_{i + 1}(AᵀA)") for i, (x, e) in enumerate(zip(s, ev))]
    rels.append(eq(s[0], ops.norm(M, "2"), "σ1 == ‖A‖₂ (the largest stretch)"))
    return rels


CLAIMS.add(
    id="svd_facts.svd_definition",
    note_reports_flaw=False,
    provenance=s003("1. The Mathematical Definition",
                    "For any real matrix A (m x n), A = U Σ Vᵀ: U (m x m) orthogonal, Σ (m x n) diagonal with non-negative "
                    "entries σ_1 >= σ_2 >= ... >= 0, Vᵀ (n x n) orthogonal."),
    also=(src2("1.2 核心公理与数学基础, 公理2：奇异值分解 (SVD)",
               "任意矩阵 M ∈ R^{n×m} 都可分解为 M = UΣVᵀ ... U：左奇异向量（MMᵀ 的特征向量）；V：右奇异向量（MᵀM 的"
               "特征向量）；Σ：非负对角矩阵，奇异值 σ1 ≥ σ2 ≥ ⋯ ≥ σr > 0"),),
    stated=Form("any A: min(m, n) singular values, σ_i >= 0, descending, σ_i² = λ_i(AᵀA), σ1 = ‖A‖₂",
                _svd_def, named(A=lambda d: any_matrix(half_scale(d)))),
    recorded=Verdict.HOLDS,
    note=("The op sets return singular values, not factors: orthogonality of U and V is checked through its "
          "consequence σ_i² = λ_i(AᵀA) (AᵀA = VΣᵀΣVᵀ needs VᵀV = I, and ‖A‖₂ = σ1 needs UᵀU = I).  "
          "Orthogonality of computed factors is exercised by the polar factor claims (msign)."),
)


# ----------------------------------------------------------------------------------
# 3. Low-rank approximation: memory k(m + n + 1)
# ----------------------------------------------------------------------------------

def _trunc_inputs(d: Domain):
    def extra(draw, m, n):
        return {"k": draw(st.integers(1, min(m, n)))}

    return udv_inputs(d, max_dim=6, values=SIGMAS, extra=extra)


def _trunc_memory(ops, U, D, V, k):
    sig = diag_of(D)
    m, n = D.m, D.n
    Uk = frame(ops, ops.mat(U), k)  # m×k
    Sk = ops.mat(ArraySpec(tuple(tuple(float(sig[j]) if i == j else 0.0 for j in range(k)) for i in range(k))))
    Vk = frame(ops, ops.transpose(ops.mat(V)), k)  # n×k (A = U D V: right singular vectors are columns of Vᵀ)
    stored = Uk.m * Uk.n + k + Vk.m * Vk.n  # Σ_k is diagonal: k numbers
    rels = [holds_that(stored == k * (m + n + 1), f"U_k, Σ_k, V_k hold k(m + n + 1) = {k * (m + n + 1)} floats "
                                                    f"(got {stored})"),
            holds_that((stored < m * n) == (Fraction(k) < Fraction(m * n, m + n + 1)),
                       "fewer than mn floats ⟺ k < mn/(m + n + 1)")]
    W = udv(ops, U, D, V)
    if k == min(m, n) or sig[k - 1] > sig[k]:
        R = ops.sub(ops.matmul(ops.matmul(Uk, Sk), ops.transpose(Vk)), ops.lowrank(W, k))
        rels.append(eq(ops.norm(R, "fro"), 0, "U_k Σ_k V_kᵀ == A_k (truncated SVD)"))
    return rels


CLAIMS.add(
    id="svd_facts.truncated_svd_memory",
    note_reports_flaw=False,
    provenance=s003("3. The \"Killer Feature\": Low-Rank Approximation",
                    "A ≈ A_k = U_k * Σ_k * V_k^T. Original Memory: m * n floats. Compressed Memory: k * (m + n + 1) floats."),
    stated=Form("U_k (m×k), Σ_k (k), V_k (n×k) hold k(m + n + 1) floats and reproduce A_k", _trunc_memory, _trunc_inputs),
    recorded=Verdict.HOLDS,
    note=("Counts Σ_k as its k diagonal entries.  Folding Σ_k into a factor saves k more: k(m + n) "
          "(ml_norms.lowrank_storage_and_compression_ratio, 004 §9.4)."),
)


# ----------------------------------------------------------------------------------
# 4. LoRA arithmetic: 4096², k = 100
# ----------------------------------------------------------------------------------

def _lora_inputs(d: Domain):
    @st.composite
    def build(draw):
        dd = draw(dims(d, 2, 6))
        sig = sorted(draw(st.lists(st.sampled_from(SIGMAS), min_size=dd, max_size=dd)), reverse=True)
        return {"U": OrthogonalSpec(dd, draw(SEEDS)), "D": diag_spec(dd, dd, sig), "V": OrthogonalSpec(dd, draw(SEEDS)),
                "k": draw(st.integers(1, dd - 1))}

    return build()


def _about(x, target, rel=Fraction(1, 10)):
    return abs(Fraction(x) - target) <= rel * abs(Fraction(target))


def _lora(ops, U, D, V, k):
    sig = diag_of(D)
    d = D.m
    # the document's figures, in exact integer arithmetic ('≈' = within 10%, stated before computing)
    W_params, AB_params = 4096 * 4096, 4096 * 100 * 2
    rels = [
        holds_that(_about(W_params, 16_000_000), f"4096² = {W_params:,} ≈ 16,000,000"),
        holds_that(_about(AB_params, 800_000), f"4096·100·2 = {AB_params:,} ≈ 800,000"),
        holds_that(_about(Fraction(W_params, AB_params), 20), f"16.8M/819k = {W_params / AB_params:.2f} ≈ 20×"),
    ]
    # the same construction at d×d: A = U_kΣ_k (d×k), B = V_kᵀ (k×d), y = (xA)B = x·W_k
    Uk = frame(ops, ops.mat(U), k)
    Sk = ops.mat(ArraySpec(tuple(tuple(float(sig[j]) if i == j else 0.0 for j in range(k)) for i in range(k))))
    A = ops.matmul(Uk, Sk)
    B = ops.transpose(frame(ops, ops.transpose(ops.mat(V)), k))
    rels.append(holds_that(A.m * A.n + B.m * B.n == 2 * d * k, f"A (d×k) and B (k×d) hold 2dk = {2 * d * k}"))
    W = udv(ops, U, D, V)
    if sig[k - 1] > sig[k]:
        rels.append(eq(ops.norm(ops.sub(ops.matmul(A, B), ops.lowrank(W, k)), "fro"), 0, "A·B == W_k"))
    rels.append(eq(ops.svdvals(ops.matmul(A, B))[k] if k < d else Val.exact(0), 0, "rank(A·B) <= k"))
    return rels


CLAIMS.add(
    id="svd_facts.lora_arithmetic",
    note_reports_flaw=False,
    provenance=s003("4. Why DevTechs Care (The \"LoRA\" Connection)",
                    "W 4096 x 4096 ... 16,000,000 parameters ... Keep only the top k=100 singular values ... A is size "
                    "4096 x 100. B is size 100 x 4096. Total parameters: 4096 * 100 * 2 ≈ 800,000. This is 20x smaller "
                    "than the original 16 million."),
    stated=Form("4096² ≈ 16M, 4096·100·2 ≈ 800k, ratio ≈ 20 (within 10%); A = U_kΣ_k, B = V_kᵀ give AB = W_k of "
                "rank <= k with 2dk parameters", _lora, _lora_inputs),
    recorded=Verdict.HOLDS,
    note=("Exact figures: 4096² = 16,777,216 (the '16 million' is 4.6% low), 4096·100·2 = 819,200, ratio 20.48.  "
          "The 2dk count folds Σ_k into a factor (with Σ_k kept separately it is k(2d + 1), "
          "svd_facts.truncated_svd_memory)."),
)


# ----------------------------------------------------------------------------------
# 5. The A + εI regularisation fix
# ----------------------------------------------------------------------------------

def _reg_inputs(psd: bool):
    def inputs(d: Domain):
        half = _low(half_scale(_modest(d)), 3)

        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 5))
            X = draw(matrices(half, m=n, n=n))
            kind = "XᵀX" if psd else draw(st.sampled_from(("X", "X+Xᵀ", "XᵀX")))
            base = 2 * X.log10_scale if kind == "XᵀX" else X.log10_scale
            return {"X": X, "kind": kind, "eps": 10.0 ** (base + draw(st.integers(-4, 1)))}

        return build()

    return inputs


def _reg(ops, X, kind, eps):
    M = ops.mat(X)
    A = {"X": lambda: M, "X+Xᵀ": lambda: ops.add(M, ops.transpose(M)),
         "XᵀX": lambda: ops.matmul(ops.transpose(M), M)}[kind]()
    B = ops.add(A, ops.scale(eps, ops.identity(X.n)))
    sa, sb = ops.svdvals(A), ops.svdvals(B)
    return [
        ge(sb[-1], sa[-1], f"σmin(A + εI) >= σmin(A) (ε = {eps:g})"),
        # κ(A + εI) <= κ(A), cross-multiplied (κ(A) may be infinite)
        le(sb[0] * sa[-1], sa[0] * sb[-1], "κ(A + εI) <= κ(A)"),
    ]


CLAIMS.add(
    id="svd_facts.regularize_eps_identity",
    note_reports_flaw=True,
    erratum="Adding εI can lower σmin and raise κ for a non-PSD A (diag(1, −1) + ½I has κ = 3): it works for symmetric PSD A.",
    provenance=s003("5. Numerical Stability (Condition Number)",
                    "DevTech Fix: You often add a small value to the diagonal (Regularization: A + εI) to increase σ_min "
                    "and lower the condition number."),
    stated=Form("ε > 0, A square: σmin(A + εI) >= σmin(A) and κ(A + εI) <= κ(A)", _reg, _reg_inputs(False),
                examples=[{"X": ArraySpec.of([[1.0, 0.0], [0.0, -1.0]]), "kind": "X", "eps": 0.5}]),
    repaired=Form("A symmetric positive semidefinite (e.g. AᵀA, a covariance, a convex Hessian), ε > 0: "
                  "σmin(A + εI) = λmin + ε >= σmin(A) and κ(A + εI) <= κ(A)", _reg, _reg_inputs(True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("For a general square A adding εI can *lower* σmin and *raise* κ: A = diag(1, −1) has κ = 1, "
          "A + ½I = diag(3/2, −1/2) has σmin = ½ and κ = 3.  It works when A is symmetric PSD (the eigenvalues "
          "shift by ε; the Tikhonov case AᵀA + λI, conditioning.tikhonov_kappa)."),
)


# ----------------------------------------------------------------------------------
# Eigenvalues: λ > 1 stretches, λ < 1 shrinks, λ < 0 flips
# ----------------------------------------------------------------------------------

_LAMS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0)


def _eig_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 4))
        lam = draw(st.lists(st.sampled_from(_LAMS), min_size=n, max_size=n))
        return {"Q": OrthogonalSpec(n, draw(SEEDS)), "L": diag_spec(n, n, lam)}

    return build()


def _eig_parts(ops, Q, L):
    lam = diag_of(L)
    n = len(lam)
    MQ = ops.mat(Q)
    A = qlqt(ops, MQ, L)  # A = Q Λ Qᵀ, A q_i = λ_i q_i
    ev = ops.eigvalsh(A)
    rels = [eq(e, x, f"λ_{i + 1}(A) == {x:g}") for i, (e, x) in enumerate(zip(ev, sorted(lam, reverse=True)))]
    out = []
    for i, x in enumerate(lam):
        v = ops.matmul(MQ, ops.mat(ArraySpec.basis(n, i)))
        Av = ops.matmul(A, v)
        out.append((x, ops.vnorm(Av, 2), ops.vnorm(v, 2), ops.inner(Av, v)))
    return rels, out


def _eig_stated(ops, Q, L):
    rels, out = _eig_parts(ops, Q, L)
    for x, nav, nv, ip in out:
        if x > 1:
            rels.append(gt(nav, nv, f"λ = {x:g} > 1: ‖Av‖ > ‖v‖ (stretches)"))
        if x < 1:
            rels.append(lt(nav, nv, f"λ = {x:g} < 1: ‖Av‖ < ‖v‖ (shrinks)"))
        if x < 0:
            rels.append(lt(ip, 0, f"λ = {x:g} < 0: ⟨Av, v⟩ < 0 (flips)"))
    return rels


def _eig_repaired(ops, Q, L):
    rels, out = _eig_parts(ops, Q, L)
    for x, nav, nv, ip in out:
        if abs(x) > 1:
            rels.append(gt(nav, nv, f"|λ| = {abs(x):g} > 1: ‖Av‖ > ‖v‖ (stretches)"))
        if abs(x) < 1:
            rels.append(lt(nav, nv, f"|λ| = {abs(x):g} < 1: ‖Av‖ < ‖v‖ (shrinks)"))
        if x < 0:
            rels.append(lt(ip, 0, f"λ = {x:g} < 0: ⟨Av, v⟩ < 0 (flips)"))
        rels.append(eq(nav, Val.exact(abs(x)) * nv, f"‖Av‖ == |λ|·‖v‖ (λ = {x:g})"))
    return rels


CLAIMS.add(
    id="svd_facts.eigenvalue_stretch_flip",
    note_reports_flaw=True,
    erratum="'λ < 1 shrinks' fails for λ ≤ −1 (λ = −2 flips and doubles): stretching is decided by |λ|.",
    provenance=s003("Eigenvalues, Eigenvectors & The Hessian Matrix — 1. The Mathematical Definition",
                    "A v = λ v ... If λ > 1: Expands/Stretches. If λ < 1: Shrinks/Contracts. If λ < 0: Flips direction "
                    "(and scales)."),
    stated=Form("Av = λv: λ > 1 ⇒ ‖Av‖ > ‖v‖; λ < 1 ⇒ ‖Av‖ < ‖v‖; λ < 0 ⇒ Av points against v",
                _eig_stated, _eig_inputs,
                examples=[{"Q": OrthogonalSpec(1, 0), "L": diag_spec(1, 1, [-2.0])}]),
    repaired=Form("Av = λv: ‖Av‖ = |λ|‖v‖, so |λ| > 1 stretches, |λ| < 1 shrinks; λ < 0 flips", _eig_repaired,
                  _eig_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("'λ < 1 shrinks' is wrong for λ <= −1: λ = −2 flips *and doubles* (the third bullet even says 'and "
          "scales').  Stretching is decided by |λ|.  Checked on symmetric A = QΛQᵀ with exact eigenvectors Qe_i."),
)


# ----------------------------------------------------------------------------------
# 4. "Multiplying a vector by W is slow because you load the parameters; GPUs are limited by memory"
# ----------------------------------------------------------------------------------

# Datasheet figures (dense FP32, no sparsity): the ridge point of a roofline is peak FLOP/s ÷ memory bandwidth.
GPU_SPECS = {"A100-SXM4-80GB": (19.5e12, 2.039e12), "H100-SXM5": (67e12, 3.35e12)}
MATVEC_FLOPS_PER_BYTE = 2 / 4  # y = Wx in float32: 2 flops (multiply, add) per 4-byte weight, each read once


def _measure_matvec():
    import numpy as np

    n, k = 4096, 64
    rng = np.random.default_rng(5)
    W = rng.random((n, n), dtype=np.float32)
    x = rng.random(n, dtype=np.float32)
    X = rng.random((n, k), dtype=np.float32)
    with _one_blas_thread():
        t_mv = _best_time(lambda: W @ x, 5)
        t_mm = _best_time(lambda: W @ X, 2)
        t_copy = _best_time(lambda: W.copy(), 2)
    mv_rate, mm_rate = 2 * n * n / t_mv, 2 * n * n * k / t_mm
    ridges = {name: peak / bw for name, (peak, bw) in GPU_SPECS.items()}
    return Measurement(mv_rate / mm_rate,
                       ("float32 W (4096×4096, 64 MiB) on this CPU with one BLAS thread: matvec Wx vs matmul W·X "
                        "(X 4096×64) FLOP rates (value: their ratio, reported, not judged); arithmetic intensity of a "
                        "matvec 0.5 flop/byte vs the ridge point (peak FLOP/s ÷ bandwidth) of datasheet GPUs"),
                       {"matvec_gflops": mv_rate / 1e9, "matmul_gflops": mm_rate / 1e9,
                        "matvec_effective_gbytes_per_s": 4 * n * n / t_mv / 1e9,
                        "copy_gbytes_per_s": 2 * 4 * n * n / t_copy / 1e9,
                        "matvec_flops_per_byte": MATVEC_FLOPS_PER_BYTE, "ridge_flops_per_byte": ridges,
                        "parameters": n * n})


CLAIMS.add(
    id="svd_facts.matvec_memory_bound",
    note_reports_flaw=False,
    provenance=s003("4. Why DevTechs Care (The \"LoRA\" Connection)",
                    "Model Compression: If a Weight Matrix W in a Linear Layer is massive (e.g., 4096 x 4096), "
                    "multiplying a vector x by it is slow because you have to load 16,000,000 parameters from memory. "
                    "Bandwidth Bottleneck: GPUs are usually limited by how fast they can read memory, not how fast they "
                    "can do math."),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    empirical=Empirical(
        kind=EmpiricalKind.THROUGHPUT,
        document_figure="a 4096×4096 matvec is limited by memory traffic, not arithmetic (GPUs are bandwidth-bound)",
        measure=_measure_matvec,
        agrees=lambda m: all(m.details["matvec_flops_per_byte"] < r for r in m.details["ridge_flops_per_byte"].values()),
        rule=("agree iff a float32 matvec's arithmetic intensity (0.5 flop per byte of weights) is below the ridge point "
              "(peak FP32 FLOP/s ÷ memory bandwidth, datasheet) of an A100 and an H100, i.e. the roofline puts it on the "
              "bandwidth side; the CPU timings are reported, never judged (no verdict depends on a timing)"),
        expect_agreement=True,
    ),
    note=("A matvec reads each weight once and does 2 flops with it: 0.5 flop/byte in float32, 25–40× below the "
          "ridge points of current GPUs (A100 ≈ 9.6, H100 ≈ 20 flop/byte), so its time is the weight traffic (64 MiB "
          "for 4096² float32; the '16,000,000' is 16,777,216, svd_facts.lora_arithmetic).  The measurement on this CPU "
          "shows the same on a small scale: the matvec runs at a fraction of the matmul's FLOP rate.  No GPU was timed."),
)


# ----------------------------------------------------------------------------------
# 2. Geometric intuition: "rotate – scale – rotate" (003 §2; 004 §1.2 says the same)
# ----------------------------------------------------------------------------------

# The module marks every claim unsupported on torch's bfloat16 (below: SVD, eigh, LU); claims built from matmul
# and entries alone do run there and say so.
BF16_RUNS = {"torch-cpu-bfloat16": Outcome.CONFORMS, "torch-cpu-float16": Outcome.CONFORMS}


def det_small(ops, M) -> Val:
    """det M for n <= 3 from the entries (Leibniz; the radii propagate through Val arithmetic)."""
    n = M.m
    e = lambda i, j: ops.entry(M, i, j)
    if n == 1:
        return e(0, 0)
    if n == 2:
        return e(0, 0) * e(1, 1) - e(0, 1) * e(1, 0)
    if n == 3:
        return (e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1)) - e(0, 1) * (e(1, 0) * e(2, 2) - e(1, 2) * e(2, 0))
                + e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0)))
    raise ValueError("det_small: n <= 3")


def _rsr_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 3))
        sig = sorted(draw(st.lists(st.sampled_from(SIGMAS), min_size=n, max_size=n)), reverse=True)
        vec = st.lists(st.sampled_from((-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0)), min_size=n, max_size=n)
        return {"U": OrthogonalSpec(n, draw(SEEDS)), "D": diag_spec(n, n, sig), "V": OrthogonalSpec(n, draw(SEEDS)),
                "x": ArraySpec.column(draw(vec))}

    return build()


def _rsr_stated(ops, U, D, V, x):
    """As stated: A = (rotation)·(non-negative scaling)·(rotation).  det of a rotation is +1 and of Σ is Πσ >= 0, so
    such a factorisation exists only when det A >= 0: checked on A = U·D·V."""
    A = udv(ops, U, D, V)
    return ge(det_small(ops, A), 0, "A = (rotation)(Σ >= 0)(rotation) needs det A = det Σ >= 0")


def _rsr_corrected(ops, U, D, V, x):
    MU, MD, MV, X = ops.mat(U), ops.mat(D), ops.mat(V), ops.mat(x)
    A = ops.matmul(ops.matmul(MU, MD), MV)
    VX = ops.matmul(MV, X)
    SVX = ops.matmul(MD, VX)
    dU, dV = det_small(ops, MU), det_small(ops, MV)
    sig = diag_of(D)
    prod = Val.exact(1)
    for sg in sig:
        prod = prod * Val.exact(sg)
    return [eq(ops.vnorm(VX, 2), ops.vnorm(X, 2), "Vᵀ (here V) preserves length: a rotation or a reflection"),
            eq(ops.vnorm(ops.matmul(MU, SVX), 2), ops.vnorm(SVX, 2), "U preserves length: a rotation or a reflection"),
            eq(ops.norm(ops.sub(ops.matmul(A, X), ops.matmul(MU, SVX)), "fro"), 0, "Ax == U(Σ(Vᵀx))"),
            eq(abs(dU), 1, "|det U| == 1"), eq(abs(dV), 1, "|det V| == 1"),
            eq(det_small(ops, A), dU * prod * dV, "det A == det U · Πσ_i · det V: det A < 0 forces a reflection")]


CLAIMS.add(
    id="svd_facts.rotate_scale_rotate",
    note_reports_flaw=True,
    erratum="Vᵀ and U are orthogonal, not always rotations: when det A < 0 (A = [−1], diag(1, −1)) one of them must be a reflection.",
    expect=dict(BF16_RUNS),  # matmul and entries only: torch has them in bfloat16
    provenance=s003("2. Geometric Intuition (The \"Rotate-Scale-Rotate\" View)",
                    "Multiplication by any matrix A can be seen as a sequence of three simpler transformations: 1. V^T "
                    "(Rotation): Rotates the input vector (aligns it with the principal axes). 2. Σ (Scaling): Stretches "
                    "or shrinks the vector along the coordinate axes by the amounts σ_i. 3. U (Rotation): Rotates the "
                    "result to the final output orientation."),
    also=(src("1.2 Geometric Picture: Amplification and Shrinkage",
              "A = UΣVᵀ ⇒ Ax = U(Σ(Vᵀx)). Vᵀ rotates the sphere (orthogonal maps preserve spheres). Σ stretches along "
              "coordinate axes by factors σ1, …, σr (with σi > 0). U rotates the result."),
          src2("1.2 核心公理与数学基础, 公理2：奇异值分解 (SVD)", "几何解释：任何线性变换 = 旋转（Vᵀ）→ 拉伸（Σ）→ 旋转（U）"),
          src2("3.1 SVD的\"三重旋转\"类比",
               "第一次旋转（Vᵀ）… 拉伸（Σ）… 第二次旋转（U）… 任何复杂的线性变换都可分解为旋转 → 拉伸 → 旋转")),
    stated=Form("every square A = UΣVᵀ with U, Vᵀ rotations (det = +1) and Σ >= 0 diagonal", _rsr_stated, _rsr_inputs,
                examples=[{"U": ArraySpec.of([[-1.0]]), "D": ArraySpec.of([[1.0]]), "V": ArraySpec.of([[1.0]]),
                           "x": ArraySpec.column([1.0])}]),
    repaired=Form("Ax = U(Σ(Vᵀx)) with U, V orthogonal — rotations or reflections (|det| = 1) — and det A = det U·Πσ·det V",
                  _rsr_corrected, _rsr_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("The factors of an SVD are orthogonal, and an orthogonal matrix is a rotation (det +1) or a reflection "
          "(det −1).  Since Σ >= 0, det A = det U · Πσ_i · det Vᵀ: for a square A with det A < 0 no SVD has both "
          "factors rotations (A = [−1]: U = [−1], Σ = [1], V = [1]; A = diag(1, −1) in 2-D).  The picture is right "
          "with 'rotation' read as 'rotation or reflection' (both preserve lengths, which is what the geometry uses).  "
          "A = U·D·V with exact orthogonal factors (Householder products), det from the entries (n <= 3)."),
)


# ----------------------------------------------------------------------------------
# Eigen-decomposition "works on square matrices" (003 §1 Key Difference)
# ----------------------------------------------------------------------------------

def _eigdec_inputs(symmetric: bool):
    def inputs(d: Domain):
        dd = _low(_modest(d), 2)

        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 4))
            return {"X": draw(matrices(dd, m=n, n=n, modes=FULL_RANK_MODES)), "sym": symmetric}

        return build()

    return inputs


def _eigdec(ops, X, sym):
    """A = X (+ Xᵀ if sym).  An eigendecomposition A = PΛP⁻¹ in the real basis the section describes needs real
    eigenvalues; for the symmetric case also an orthonormal eigenbasis, checked through ‖A‖_F² = Σλ² (true iff A
    is normal with real spectrum)."""
    M = ops.mat(X)
    A = ops.add(M, ops.transpose(M)) if sym else M
    ev = ops.eigvals(A)
    rels = [le(abs(Val(e.im, e.rad)), 0, f"λ_{i + 1} = {float(e.re):.4g}{float(e.im):+.3g}i is real") for i, e in
            enumerate(ev)]
    if sym:
        lam = ops.eigvalsh(A)
        rels.append(eq(ops.norm(A, "fro") ** 2, vsum(x * x for x in lam), "‖A‖_F² == Σλ_i² (orthonormal eigenbasis)"))
    return rels


CLAIMS.add(
    id="svd_facts.eigendecomposition_square",
    note_reports_flaw=True,
    erratum="Not every real square matrix has a real eigendecomposition: a rotation has eigenvalues ±i, a Jordan block too few eigenvectors.",
    expect=dict(BF16_UNSUPPORTED),
    provenance=s003("Eigenvalues, Eigenvectors & The Hessian Matrix — 1. The Mathematical Definition",
                    "Key Difference from SVD: SVD works on any matrix (rectangular). It uses two different bases (U and "
                    "V). Eigen-decomposition works only on square matrices. It uses the same basis for input and "
                    "output."),
    stated=Form("every real square A has an eigendecomposition A = PΛP⁻¹ in a real basis (real eigenvalues)", _eigdec,
                _eigdec_inputs(False),
                examples=[{"X": ArraySpec.of([[0.0, -1.0], [1.0, 0.0]]), "sym": False}]),
    repaired=Form("real symmetric A: real eigenvalues and an orthonormal eigenbasis, A = QΛQᵀ", _eigdec,
                  _eigdec_inputs(True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("'Works only on square matrices' is right as a necessary condition, but read as 'works on every square "
          "matrix' (the contrast with 'SVD works on any matrix') it fails twice: a rotation [[0, −1], [1, 0]] has no "
          "real eigenvector at all (λ = ±i), and a Jordan block [[0, 1], [0, 0]] has one eigenvector for a double "
          "eigenvalue (not diagonalisable even over ℂ).  Real symmetric matrices always have A = QΛQᵀ (the spectral "
          "theorem); general ones need complex arithmetic and may not diagonalise.  Checked: real spectrum via eigvals "
          "on drawn square matrices (the rotation as a fixed example); the symmetric case also by ‖A‖_F² = Σλ²."),
)


# ----------------------------------------------------------------------------------
# The Hessian's eigenvalues as curvatures (003 §2)
# ----------------------------------------------------------------------------------

_CURV_LAMS = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0)


def _curv_inputs(with_zero: bool):
    def inputs(d: Domain):
        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 4))
            pool = _CURV_LAMS + ((0.0,) if with_zero else ())
            lam = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
            if with_zero and 0.0 not in lam:
                lam[draw(st.integers(0, n - 1))] = 0.0
            c3 = draw(st.lists(st.sampled_from((-1.0, 0.0, 1.0)), min_size=n, max_size=n))
            c4 = draw(st.lists(st.sampled_from((-1.0, 0.0, 0.5, 1.0)), min_size=n, max_size=n))
            if with_zero and all(c3[i] == 0 and c4[i] == 0 for i in range(n) if lam[i] == 0):
                c4[lam.index(0.0)] = 1.0  # the w⁴ case: zero curvature, not flat
            return {"Q": OrthogonalSpec(n, draw(SEEDS)), "L": diag_spec(n, n, lam), "c3": diag_spec(n, n, c3),
                    "c4": diag_spec(n, n, c4), "t": draw(st.sampled_from((0.5, 0.25, -0.5)))}

        return build()

    return inputs


def _loss(ops, MQ, lam, c3, c4, W):
    """L(w) = Σ_i ½λ_i z_i² + c3_i z_i³ + c4_i z_i⁴ with z = Qᵀw: critical at 0 with Hessian H = QΛQᵀ."""
    z = ops.matmul(ops.transpose(MQ), W)
    out = Val.exact(0)
    for i, (l, a, b) in enumerate(zip(lam, c3, c4)):
        zi = ops.entry(z, i, 0)
        out = out + Val.exact(l / 2) * zi * zi + Val.exact(a) * zi * zi * zi + Val.exact(b) * zi * zi * zi * zi
    return out


def _curvature(ops, Q, L, c3, c4, t):
    """The second directional derivative of L at 0 along q_i equals λ_i(H): the symmetric second difference
    (L(tq) + L(−tq) − 2L(0))/t² is exactly λ_i + 2·c4_i·t² (odd terms cancel), so λ_i is the limit t → 0 and the
    difference itself decides the sign 'curves up / down' for small |t| relative to |λ_i|."""
    lam, a3, a4 = diag_of(L), diag_of(c3), diag_of(c4)
    n = len(lam)
    MQ = ops.mat(Q)
    H = qlqt(ops, MQ, L)
    ev = ops.eigvalsh(H)
    rels = [eq(e, x, f"λ_{i + 1}(H) == {x:g}") for i, (e, x) in enumerate(zip(ev, sorted(lam, reverse=True)))]
    for i in range(n):
        q = ops.matmul(MQ, ops.mat(ArraySpec.basis(n, i)))
        d2 = (_loss(ops, MQ, lam, a3, a4, ops.scale(t, q)) + _loss(ops, MQ, lam, a3, a4, ops.scale(-t, q))) / (t * t)
        curv = ops.inner(q, ops.matmul(H, q))
        rels.append(eq(curv, lam[i], f"qᵢᵀHqᵢ == λ = {lam[i]:g}: the curvature along eigenvector q_{i + 1}"))
        rels.append(eq(d2 - Val.exact(2 * a4[i] * t * t), lam[i],
                       f"(L(tq) + L(−tq) − 2L(0))/t² − 2c₄t² == λ = {lam[i]:g} (curves up iff λ > 0, down iff λ < 0)"))
    return rels


CLAIMS.add(
    id="svd_facts.hessian_eigen_curvature",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=s003("2. The Hessian Matrix (The \"Curvature\" of AI)",
                    "The eigenvalues of the Hessian (λ_1, λ_2, ...) describe the geometry of the error surface (the Loss "
                    "Landscape) around a point. Positive λ: The surface curves upward (like a bowl). Negative λ: The "
                    "surface curves downward (like a hill)."),
    stated=Form("at a critical point, the second directional derivative of L along the unit eigenvector q_i of H is λ_i: "
                "positive λ curves up, negative down", _curvature, _curv_inputs(False)),
    recorded=Verdict.HOLDS,
    note=("Taylor: L(w + tq) = L(w) + t∇L·q + ½t² qᵀHq + O(t³), and qᵀHq = λ_i for a unit eigenvector.  Losses "
          "L = Σ ½λ_i z_i² + c₃z_i³ + c₄z_i⁴ (z = Qᵀw, H(0) = QΛQᵀ exactly); the symmetric second difference cancels "
          "the cubic term exactly and leaves 2c₄t².  'Convex'/'Concave' label the curvature along that direction only "
          "(a saddle has both)."),
)


def _zero_eigenvalues(lam):
    """Indices i with λ_i = 0.  _curv_inputs(True) always puts one in: inputs without it (a replay, a changed
    strategy) are refused, since the properties below would then assert nothing."""
    zeros = [i for i, x in enumerate(lam) if x == 0]
    if not zeros:
        raise InputError(f"zero_eigenvalue_flat needs a zero eigenvalue in L, got λ = {list(lam)}")
    return zeros


def _flat_stated(ops, Q, L, c3, c4, t):
    lam, a3, a4 = diag_of(L), diag_of(c3), diag_of(c4)
    n = len(lam)
    MQ = ops.mat(Q)
    rels = []
    for i in _zero_eigenvalues(lam):
        q = ops.matmul(MQ, ops.mat(ArraySpec.basis(n, i)))
        rels.append(eq(_loss(ops, MQ, lam, a3, a4, ops.scale(t, q)), 0,
                       f"λ_{i + 1} = 0 ⇒ the surface is flat along q_{i + 1}: L(t·q) == L(0) at t = {t}"))
    return rels


def _flat_corrected(ops, Q, L, c3, c4, t):
    lam, a3, a4 = diag_of(L), diag_of(c3), diag_of(c4)
    n = len(lam)
    MQ = ops.mat(Q)
    rels = []
    for i in _zero_eigenvalues(lam):
        q = ops.matmul(MQ, ops.mat(ArraySpec.basis(n, i)))
        v = _loss(ops, MQ, lam, a3, a4, ops.scale(t, q))
        rels.append(le(abs(v), Val.exact((abs(a3[i]) + abs(a4[i])) * abs(t) ** 3),
                       f"λ_{i + 1} = 0 ⇒ |L(t·q) − L(0)| <= (|c₃| + |c₄|)|t|³: flat to second order only"))
        rels.append(eq(v, Val.exact(a3[i] * t ** 3 + a4[i] * t ** 4), "L(t·q) == c₃t³ + c₄t⁴ (the higher terms decide)"))
    return rels


CLAIMS.add(
    id="svd_facts.zero_eigenvalue_flat",
    note_reports_flaw=True,
    erratum="A zero Hessian eigenvalue means flat to second order only: w⁴ (a minimum), −w⁴ (a maximum) and w³ all have H = [0].",
    expect=dict(BF16_RUNS),  # matmul and entries only: torch has them in bfloat16
    provenance=s003("2. The Hessian Matrix (The \"Curvature\" of AI)", "Zero λ: The surface is flat."),
    stated=Form("λ_i(H) = 0 at a critical point ⇒ L is constant along q_i near it", _flat_stated, _curv_inputs(True),
                examples=[{"Q": OrthogonalSpec(1, 0), "L": diag_spec(1, 1, [0.0]), "c3": diag_spec(1, 1, [0.0]),
                           "c4": diag_spec(1, 1, [1.0]), "t": 0.5}]),
    repaired=Form("λ_i(H) = 0 ⇒ L(w + t·q_i) = L(w) + O(t³): flat to second order; the cubic and quartic terms decide",
                  _flat_corrected, _curv_inputs(True)),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("A zero eigenvalue says the second derivative along q_i vanishes, not that L is constant there: L(w) = w⁴ has "
          "H = [0] and a strict minimum, −w⁴ a maximum, w³ an inflection (the same family as "
          "svd_facts.critical_point_classification).  Exact arithmetic on L = Σ ½λ_i z_i² + c₃z_i³ + c₄z_i⁴."),
)


# ----------------------------------------------------------------------------------
# 5. Newton's step per eigendirection; Adam's diagonal scaling
# ----------------------------------------------------------------------------------

def _newton_dir_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 4))
        lam = draw(st.lists(st.sampled_from((0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)), min_size=n, max_size=n))
        g = draw(st.lists(st.sampled_from((-2.0, -1.0, 0.5, 1.0, 3.0)), min_size=n, max_size=n))
        return {"Q": OrthogonalSpec(n, draw(SEEDS)), "L": diag_spec(n, n, lam), "g": ArraySpec.column(g)}

    return build()


def _newton_dir(ops, Q, L, g):
    """H = QΛQᵀ SPD: the Newton step s = H⁻¹g has q_iᵀs = (q_iᵀg)/λ_i — the gradient divided by the curvature,
    direction by direction: a small step where λ is large, a large one where λ is small."""
    lam = diag_of(L)
    n = len(lam)
    MQ = ops.mat(Q)
    H = qlqt(ops, MQ, L)
    G = ops.mat(g)
    step = ops.solve(H, G)
    rels = []
    for i in range(n):
        q = ops.matmul(MQ, ops.mat(ArraySpec.basis(n, i)))
        rels.append(eq(ops.inner(q, step) * Val.exact(lam[i]), ops.inner(q, G),
                       f"q_{i + 1}ᵀ(H⁻¹g) == q_{i + 1}ᵀg / λ_{i + 1} (λ = {lam[i]:g})"))
    return rels


CLAIMS.add(
    id="svd_facts.newton_step_per_direction",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=s003("5. Second-Order Optimization (Newton's Method)",
                    "Concept: It divides the gradient by the curvature. In steep directions (large λ), it takes small "
                    "steps. In flat directions (small λ), it takes huge steps."),
    stated=Form("H SPD: in H's eigenbasis the Newton step H⁻¹g has components (q_iᵀg)/λ_i", _newton_dir,
                _newton_dir_inputs),
    recorded=Verdict.HOLDS,
    note=("H⁻¹ = QΛ⁻¹Qᵀ: along each eigenvector the gradient component is divided by its curvature λ_i.  Exact "
          "eigenvectors (H = QΛQᵀ, λ powers of two); the step from ops.solve."),
)


def _adam_inputs(d: Domain):
    @st.composite
    def build(draw):
        n = draw(dims(d, 2, 4))
        h = draw(st.lists(st.sampled_from((0.5, 1.0, 2.0, 4.0)), min_size=n, max_size=n))
        w = draw(st.lists(st.sampled_from((-2.0, -1.0, 0.5, 1.0, 3.0)), min_size=n, max_size=n))
        return {"h": diag_spec(n, n, h), "w": ArraySpec.column(w)}

    return build()


def _adam_parts(ops, h, w):
    """Diagonal quadratic L = ½Σh_i w_i² (the case most favourable to a diagonal approximation), minimum at 0:
    g = Hw.  RMSProp/Adam divide by √v with v the running mean of g² — for a steady gradient v = g², √v = |g|."""
    hv = diag_of(h)
    G = ops.matmul(ops.mat(h), ops.mat(w))
    g = [ops.entry(G, i, 0) for i in range(len(hv))]
    return hv, g


def _adam_stated(ops, h, w):
    hv, g = _adam_parts(ops, h, w)
    # 'approximates the diagonal of the Hessian': √v_i ∝ h_i, i.e. √v_i/h_i the same for every i
    return [eq(abs(g[i]) / Val.exact(hv[i]), abs(g[0]) / Val.exact(hv[0]),
               f"√v_{i + 1}/h_{i + 1} == √v_1/h_1 (Adam's scale ∝ the Hessian diagonal)") for i in range(1, len(hv))]


def adam_denominator(g: Val) -> Val:
    """RMSProp/Adam's per-coordinate denominator for a steady gradient g: √v with v = (running mean of g²) = g²."""
    return sqrt(g * g)


def _adam_corrected(ops, h, w, denominator=adam_denominator):
    hv, g = _adam_parts(ops, h, w)
    rels = []
    for i in range(len(hv)):
        d = denominator(g[i])
        rels.append(eq(d, Val.exact(hv[i]) * abs(ops.entry(ops.mat(w), i, 0)), f"√v_{i + 1} == h_{i + 1}|w_{i + 1}|"))
        rels.append(eq(g[i] / d, 1 if g[i].mid > 0 else -1,
                       f"Adam/RMSProp step g_{i + 1}/√v_{i + 1} == sign(g_{i + 1}): curvature-free"))
    return rels


CLAIMS.add(
    id="svd_facts.adam_is_not_diagonal_newton",
    note_reports_flaw=True,
    erratum="Adam/RMSProp divide by √(mean g²), not by the Hessian diagonal: on ½Σhᵢwᵢ² their step is η·sign(g), whatever the curvature.",
    # exact arithmetic on given numbers (math-only: no backend to judge); the module default is overridden
    expect={"torch-cpu-bfloat16": Outcome.NOT_APPLICABLE, "torch-cpu-float16": Outcome.NOT_APPLICABLE},
    tags=("math-only",),
    provenance=s003("5. Second-Order Optimization (Newton's Method)",
                    "Approximations: Optimizers like Adam or RMSProp approximate the diagonal of the Hessian (scaling "
                    "learning rates individually) to handle this \"Condition Number\" problem without full matrix math."),
    also=(src("1.3 Why Matrix Norms Matter for AI",
              "Condition number in Adam: κ = σ1/σn of curvature — Diagonal preconditioning approximates H⁻¹"),),
    stated=Form("Adam's per-coordinate scale √v (v = running mean of g²) is proportional to the Hessian diagonal, "
                "on a diagonal quadratic ½Σh_i w_i²", _adam_stated, _adam_inputs,
                examples=[{"h": diag_spec(2, 2, [1.0, 1.0]), "w": ArraySpec.column([1.0, 2.0])}]),
    repaired=Form("on ½Σh_i w_i²: √v_i = h_i|w_i| and the Adam/RMSProp step g_i/√v_i = sign(g_i) — it normalises "
                  "gradient magnitudes, independently of the curvature", _adam_corrected, _adam_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("Adam's second moment v is a running mean of g², the diagonal of the gradients' second moment (the "
          "empirical Fisher), not of the Hessian, and Adam divides by its square root.  On the most favourable "
          "problem, a diagonal quadratic ½Σh_i w_i² with a steady gradient, √v_i = h_i|w_i|: proportional to h_i only "
          "if every |w_i| is equal (h = (1, 1), w = (1, 2) gives √v = (1, 2)), and the update η·g_i/√v_i = η·sign(g_i) "
          "does not divide by the curvature at all (a diagonal Newton step would be g_i/h_i = w_i).  Exact arithmetic "
          "with steady gradients (β₂ averaging of a constant g² is g²; ε = 0)."),
)


# ----------------------------------------------------------------------------------
# Hessian: critical points, κ(H) = |λmax|/|λmin|
# ----------------------------------------------------------------------------------

_A_VALUES = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0)


def _cp_inputs(nondegenerate: bool):
    def inputs(d: Domain):
        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 4))
            pool = _A_VALUES if nondegenerate else _A_VALUES + (0.0,)
            a = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
            b = draw(st.lists(st.sampled_from((-1.0, 0.0, 1.0)), min_size=n, max_size=n))
            return {"Q": OrthogonalSpec(n, draw(SEEDS)), "a": diag_spec(n, n, a), "b": diag_spec(n, n, b)}

        return build()

    return inputs


def _true_kind(a, b) -> str:
    """L(w) = Σ a_i z_i² + b_i z_i⁴ with z = Qᵀw: separable, so w = 0 is a local min iff every
    coordinate has a local min at 0 (a > 0, or a = 0 and b >= 0), a max iff every one has a max,
    otherwise a saddle (some direction goes up, some down)."""
    mins = [ai > 0 or (ai == 0 and bi >= 0) for ai, bi in zip(a, b)]
    maxs = [ai < 0 or (ai == 0 and bi <= 0) for ai, bi in zip(a, b)]
    if all(mins):
        return "minimum"
    if all(maxs):
        return "maximum"
    return "saddle"


def _critical(ops, Q, a, b):
    av, bv = diag_of(a), diag_of(b)
    n = len(av)
    MQ = ops.mat(Q)
    H = ops.matmul(ops.matmul(MQ, ops.mat(diag_spec(n, n, [2 * x for x in av]))), ops.transpose(MQ))  # ∇²L(0)
    ev = ops.eigvalsh(H)
    pos = [e.lo > 0 for e in ev]
    neg = [e.hi < 0 for e in ev]
    if all(pos):
        rule = "minimum"
    elif all(neg):
        rule = "maximum"
    elif any(pos) and any(neg):
        rule = "saddle"
    else:
        rule = None  # a zero eigenvalue (to the op set's precision), no sign mix: the rule is silent
    truth = _true_kind(av, bv)
    return holds_that(rule == truth, f"eigenvalue signs of H = {[float(e.mid) for e in ev]} → "
                                     f"{rule or 'no class'}; the critical point w = 0 is a {truth}")


CLAIMS.add(
    id="svd_facts.critical_point_classification",
    note_reports_flaw=True,
    erratum="The eigenvalue test is silent at a degenerate critical point: w⁴ has a minimum with H = [0].",
    provenance=s003("3. Classifying Critical Points (Minima vs. Saddle Points)",
                    "When the Gradient is zero, we look at the Eigenvalues of H to know what kind: Local Minimum: All "
                    "λ > 0. Local Maximum: All λ < 0. Saddle Point: Some λ > 0, some λ < 0."),
    stated=Form("at a critical point, the signs of H's eigenvalues classify it: all > 0 min, all < 0 max, mixed saddle",
                _critical, _cp_inputs(False),
                examples=[{"Q": OrthogonalSpec(1, 0), "a": diag_spec(1, 1, [0.0]), "b": diag_spec(1, 1, [1.0])}]),
    repaired=Form("at a nondegenerate critical point (H nonsingular) the eigenvalue signs classify it",
                  _critical, _cp_inputs(True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("The second-derivative test is silent when H is singular: L(w) = w⁴ has a minimum at 0 with H = [0] "
          "(not 'all λ > 0'), L = −w⁴ a maximum, L = w³ neither.  Losses L(w) = Σ a_i z_i² + b_i z_i⁴ (z = Qᵀw) "
          "have a known type at 0 and Hessian Q diag(2a) Qᵀ."),
)


def _hk_inputs(d: Domain):
    half = _low(half_scale(_modest(d)), 3)

    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 5))
        return {"X": draw(matrices(half, m=n, n=n, modes=FULL_RANK_MODES, full_rank=True)),
                "kind": draw(st.sampled_from(("X+Xᵀ", "XᵀX", "−XᵀX")))}

    return build()


def _hk(ops, X, kind):
    M = ops.mat(X)
    if kind == "X+Xᵀ":
        H = ops.add(M, ops.transpose(M))
    else:
        H = ops.matmul(ops.transpose(M), M)
        if kind == "−XᵀX":
            H = ops.scale(-1.0, H)
    ev = ops.eigvalsh(H)
    s = ops.svdvals(H)
    absv = sorted((abs(e) for e in ev), key=lambda v: v.mid, reverse=True)
    return eq(s[0] / s[-1], absv[0] / absv[-1], "κ₂(H) == |λ|max/|λ|min")


CLAIMS.add(
    id="svd_facts.hessian_kappa_abs",
    note_reports_flaw=False,
    provenance=s003("4. Conditioning & Optimization Speed",
                    "κ(H) = |λ_max| / |λ_min| — λ_max: the sharpest curvature (steepest cliff); λ_min: the flattest "
                    "curvature (widest valley)."),
    stated=Form("H symmetric nonsingular: κ₂(H) == max|λ|/min|λ| (λ by curvature magnitude)", _hk, _hk_inputs),
    recorded=Verdict.HOLDS,
    note=("Read with the document's own glosses (sharpest/flattest curvature): the eigenvalues of largest and "
          "smallest magnitude.  With λmax/λmin as the algebraically largest/smallest (004 §7.2) it fails for "
          "indefinite H (linear_systems.hessian_kappa_eig_ratio)."),
)


# ----------------------------------------------------------------------------------
# 5. Newton's method
# ----------------------------------------------------------------------------------

def _newton_inputs(d: Domain):
    half = _low(half_scale(_modest(d)), 2)

    @st.composite
    def build(draw):
        n = draw(dims(d, 1, 5))
        return {"X": draw(matrices(half, m=n, n=n, modes=FULL_RANK_MODES, full_rank=True)),
                "g": draw(_vec(d, n)), "w": draw(_vec(d, n))}

    return build()


def _newton(ops, X, g, w):
    M = ops.mat(X)
    H = ops.matmul(ops.transpose(M), M)  # SPD: a convex quadratic L(w) = ½wᵀHw − gᵀw
    G, W = ops.mat(g), ops.mat(w)
    grad = ops.sub(ops.matmul(H, W), G)
    w1 = ops.sub(W, ops.solve(H, grad))  # w_new = w − H⁻¹∇L
    grad1 = ops.sub(ops.matmul(H, w1), G)
    wstar = ops.solve(H, G)
    return [
        eq(ops.vnorm(grad1, 2), 0, "∇L(w_new) == 0: one Newton step reaches the minimiser of a quadratic bowl"),
        eq(ops.vnorm(ops.sub(w1, wstar), 2), 0, "w_new == H⁻¹g (the bottom of the bowl)"),
    ]


CLAIMS.add(
    id="svd_facts.newton_step_quadratic",
    note_reports_flaw=False,
    provenance=s003("5. Second-Order Optimization (Newton's Method)",
                    "Newton's Method uses the Hessian to jump straight to the bottom of the bowl: w_new = w − H⁻¹∇L."),
    stated=Form("L = ½wᵀHw − gᵀw, H SPD: w − H⁻¹∇L(w) = argmin L from any w", _newton, _newton_inputs),
    recorded=Verdict.HOLDS,
    note=("Exact for quadratics (the bowl); for a general loss it is one step of a locally quadratically convergent "
          "iteration, and at an indefinite H it jumps to a saddle or maximum.  The memory and inversion cost of H are "
          "svd_facts.hessian_memory_and_cost."),
)


# ----------------------------------------------------------------------------------
# "Local minima are rare; saddle points are everywhere" — under a random-Hessian model
# ----------------------------------------------------------------------------------

def _measure_saddles():
    """Critical points with Hessians drawn from the Gaussian orthogonal ensemble (H = (G + Gᵀ)/2,
    G Gaussian): the fraction whose eigenvalues are all positive, against the dimension n."""
    import numpy as np

    rng = np.random.default_rng(31)
    frac = {}
    for n in (1, 2, 4, 6, 8, 10):
        trials = 20000
        G = rng.standard_normal((trials, n, n))
        H = (G + np.transpose(G, (0, 2, 1))) / 2
        lam = np.linalg.eigvalsh(H)
        frac[n] = float(np.mean(np.all(lam > 0, axis=1)))
    return Measurement(frac[10], ("numpy float64, 20000 GOE matrices per n (H = (G + Gᵀ)/2), n = 1…10; metric: "
                                  "fraction with all eigenvalues > 0 (a minimum) at n = 10"),
                       {f"fraction_minima_n{n}": f for n, f in frac.items()})


CLAIMS.add(
    id="svd_facts.saddles_dominate_random_hessians",
    note_reports_flaw=False,
    provenance=s003("3. Classifying Critical Points — The Deep Learning Reality",
                    "In high-dimensional Neural Networks, Local Minima are rare; Saddle Points are everywhere. Why? To be "
                    "a minimum, you need all 1 billion directions to curve up."),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    empirical=Empirical(
        kind=EmpiricalKind.TYPICAL,
        document_figure="minima rare, saddles everywhere (all n directions must curve up)",
        measure=_measure_saddles,
        agrees=lambda ms: ms.value < 0.01,
        rule="agree iff under the random-Hessian model fewer than 1% of critical points at n = 10 are minima",
        expect_agreement=True,
    ),
    note=("Only a model: for GOE Hessians P(all λ > 0) decays like exp(−c n²) (n = 1: 1/2, n = 2: 14%, n = 4: 0.2%, "
          "n >= 6: none in 20000).  Real loss landscapes are not GOE — low-loss critical points are mostly minima "
          "(Dauphin et al. 2014); the document's argument is the independence heuristic this measures."),
)


for _c in CLAIMS:
    if _c.stated is not None:
        _c.expect = {**BF16_UNSUPPORTED, **_c.expect}


# ----------------------------------------------------------------------------------
# 8. Why Newton's method is not used: Hessian memory and inversion cost
# ----------------------------------------------------------------------------------

def hessian_figures(n: int, bytes_per_entry: int = 4) -> dict:
    """Exact integer figures for a dense n×n Hessian: entries, bytes (fp32), entries and bytes with
    symmetric storage n(n+1)/2, and the flops of an explicit inverse by Gauss–Jordan (2n³, leading
    term) — the document's "O(n³)"."""
    sym = n * (n + 1) // 2
    return {"entries": n * n, "bytes": n * n * bytes_per_entry, "sym_entries": sym,
            "sym_bytes": sym * bytes_per_entry, "inverse_flops": 2 * n ** 3}


def _hessian_cost(ops, n, figures=hessian_figures):
    f = figures(n)
    EB = 10 ** 18
    rels = []
    if n == 10 ** 9:
        rels += [holds_that(f["entries"] == 10 ** 18, f"1B parameters: H has n² = {f['entries']:.3e} entries = 10^18"),
                 holds_that(f["bytes"] >= EB and f["sym_bytes"] >= EB,
                            f"fp32: {f['bytes'] / EB:.0f} EB dense, {f['sym_bytes'] / EB:.0f} EB symmetric (exabytes)"),
                 holds_that(f["inverse_flops"] >= 10 ** 27, f"explicit inverse ≈ 2n³ = {f['inverse_flops']:.1e} flops")]
    else:
        # the same counting on a Hessian the op set holds: H of L(w) = ½‖w‖² is I (n×n)
        H = ops.identity(n)
        rels += [holds_that(H.m * H.n == f["entries"], f"a {n}-parameter Hessian has n² = {f['entries']} entries"),
                 holds_that(f["sym_entries"] * 2 - n == f["entries"], "symmetric storage n(n+1)/2 covers all n² entries"),
                 holds_that(f["inverse_flops"] * (2 ** 3) == figures(2 * n)["inverse_flops"],
                            "doubling n multiplies the inversion cost by 8 (cubic)")]
    return rels


CLAIMS.add(
    id="svd_facts.hessian_memory_and_cost",
    note_reports_flaw=False,
    provenance=s003("5. Second-Order Optimization (Newton's Method)", "Computing H for a 1B parameter model requires 10^18 entries (Exabytes of memory). "
                                          "Inverting H is O(n^3)."),
    stated=Form("n = 10⁹: H has 10¹⁸ entries (exabytes in fp32, even stored symmetric) and an explicit inverse costs "
                "≈ 2n³ flops; the counting scales as n² and n³", _hessian_cost,
                lambda d: st.fixed_dictionaries({"n": st.integers(1, 64)}), examples=[{"n": 10 ** 9}]),
    recorded=Verdict.HOLDS,
    tags=("math-only",),
    note=("10^18 entries is 4 EB in fp32 (2 EB in bf16); symmetric storage halves it and is still exabytes.  The "
          "inverse is 2n³ ≈ 2e27 flops with Gauss–Jordan (n³ for a Cholesky-based solve): O(n³) either way."),
)


# ----------------------------------------------------------------------------------
# 2. The Hessian is symmetric (Schwarz's theorem needs C²)
# ----------------------------------------------------------------------------------
#
# H_ij is computed as the *iterated* limit the definition names, ∂_i(∂_j f): nested central differences,
# the inner step t_in far below the outer t_out, so that the inner limit is (numerically) taken first —
# a simultaneous two-step formula (as in mpmath.diff's mixed partials) would average the two orders and
# hide exactly the asymmetry in question.  Evaluated at 600 bits (≈ 180 digits):
# * rounding: the four f values carry relative error <= 10·2^-600 each (mpmath's elementary functions are
#   accurate to a few ulps); the divisions by 2t_in and 2t_out amplify it by 1/(t_in·t_out) = 2^210 —
#   a bound, added in full;
# * truncation: O(t_out²) + O(t_in²/t_out) for C⁴ f, *estimated* (not bounded) by Richardson as in
#   msign.frechet_derivative: 4(|D(t_out, t_in) − D(2t_out, t_in)| + |D(t_out, t_in) − D(t_out, 2t_in)|).
#   At t_out = 2^-70 this is ~1e-40, against the O(1) asymmetry of a non-C² function.
_HESS_PREC = 600
_T_OUT, _T_IN = 2.0 ** -70, 2.0 ** -140
_MONOMIALS = [(a, b, c) for a in range(4) for b in range(4) for c in range(4) if a + b + c <= 3]  # 20


def _poly(c, x):
    return mpmath.fsum(ck * x[0] ** a * x[1] ** b * x[2] ** e for ck, (a, b, e) in zip(c, _MONOMIALS) if ck)


def _softplus(t):
    return mpmath.log1p(mpmath.exp(t))


def _schwarz(c, x):
    # the classical counterexample: C¹ with continuous-but-not-C² behaviour at the origin
    r2 = x[0] ** 2 + x[1] ** 2
    return x[0] * x[1] * (x[0] ** 2 - x[1] ** 2) / r2 if r2 else mpmath.mpf(0)


# f(c, x) for x ∈ R³ (mpf); c is a coefficient vector (only the polynomial families read it).
HESSIAN_GALLERY = {
    "poly": _poly,
    "exp_poly": lambda c, x: mpmath.exp(_poly(c, x) / 8),
    "sin_poly": lambda c, x: mpmath.sin(_poly(c, x)),
    "log1p_sq": lambda c, x: mpmath.log1p(_poly(c, x) ** 2),
    # a smooth two-sample network loss (softplus units, squared error): w = (w0, w1, w2)
    "softplus_net": lambda c, x: (x[2] * _softplus(x[0] - 2 * x[1]) - 1) ** 2 + (x[2] * _softplus(x[0] + x[1])) ** 2,
    # ε-regularised ratio (ε² = 1/4): real-analytic everywhere
    "ratio_eps": lambda c, x: x[0] * x[1] * (x[0] ** 2 - x[1] ** 2) / (x[0] ** 2 + x[1] ** 2 + mpmath.mpf(1) / 4),
    "schwarz": _schwarz,
}
SMOOTH = ("poly", "exp_poly", "sin_poly", "log1p_sq", "softplus_net", "ratio_eps")


def _mixed(fun, x, i, j, t_out, t_in):
    """∂_i(∂_j f)(x) by nested central differences (inner in j, outer in i)."""
    def shifted(y, k, t):
        z = list(y)
        z[k] += t
        return z

    def inner(y):
        return (fun(shifted(y, j, t_in)) - fun(shifted(y, j, -t_in))) / (2 * t_in)

    return (inner(shifted(x, i, t_out)) - inner(shifted(x, i, -t_out))) / (2 * t_out)


def hessian_fd(fun, x) -> list[list[Val]]:
    """H_ij = ∂_i ∂_j f(x), each entry with the allowance described above."""
    n = len(x)
    with mpmath.workprec(_HESS_PREC):
        xs = [mpmath.mpf(v) for v in x]
        to, ti = mpmath.mpf(_T_OUT), mpmath.mpf(_T_IN)
        fmax = max(abs(fun(xs)), mpmath.mpf(1))
        H = []
        for i in range(n):
            row = []
            for j in range(n):
                d = _mixed(fun, xs, i, j, to, ti)
                trunc = 4 * (abs(d - _mixed(fun, xs, i, j, 2 * to, ti)) + abs(d - _mixed(fun, xs, i, j, to, 2 * ti)))
                # rounding: 4 evaluations, each within 10 ulps of |f| <~ 2·fmax near x
                rounding = 4 * 10 * mpmath.ldexp(1, -_HESS_PREC) * 2 * fmax / (4 * to * ti)
                row.append(Val(d, trunc + rounding))
            H.append(row)
        return H


def _exact_poly_hessian(c, x):
    """The exact Hessian of Σ c_k x^{α_k} at a dyadic x (rational arithmetic)."""
    xf = [Fraction(v) for v in x]

    def d2(alpha, i, j):
        e = list(alpha)
        coef = Fraction(1)
        for k in (j, i):
            if e[k] == 0:
                return Fraction(0)
            coef *= e[k]
            e[k] -= 1
        return coef * xf[0] ** e[0] * xf[1] ** e[1] * xf[2] ** e[2]

    return [[sum((ck * d2(al, i, j) for ck, al in zip(c, _MONOMIALS)), Fraction(0)) for j in range(3)]
            for i in range(3)]


def _hessian_symmetric(ops, f, c, x, gallery=None):
    if ops.level != "math":
        from matspec.implementations.base import Unsupported

        raise Unsupported("hessian-fd", ops.id, "nested differences at t = 2^-140 need the oracle's precision")
    gal = gallery or HESSIAN_GALLERY
    if f not in gal:
        raise ValueError(f"unknown function {f!r}; the gallery has: {', '.join(sorted(gal))}")
    if len(x.rows) != 3 or len(x.rows[0]) != 1 or len(c.rows) != len(_MONOMIALS) or len(c.rows[0]) != 1:
        raise ValueError(f"x must be a 3-vector and c a {len(_MONOMIALS)}-vector of coefficients (columns), got "
                         f"{len(x.rows)}×{len(x.rows[0])} and {len(c.rows)}×{len(c.rows[0])}")
    fun = gal[f]
    cv = [int(r[0]) for r in c.rows]
    xv = [r[0] for r in x.rows]
    H = hessian_fd(lambda y: fun(cv, y), xv)
    n = len(H)
    rels = [holds_that(all(len(r) == n for r in H), f"H is square ({n}×{n} for {n} parameters)")]
    rels += [eq(H[i][j], H[j][i], f"{f} at {tuple(xv)}: ∂_{i}∂_{j}f == ∂_{j}∂_{i}f")
             for i in range(n) for j in range(i + 1, n)]
    if f == "poly":  # the difference scheme itself, against the exact Hessian
        E = _exact_poly_hessian(cv, xv)
        rels += [eq(H[i][j], Val.exact(mpmath.mpf(E[i][j].numerator) / E[i][j].denominator),
                    f"poly: FD H_{i}{j} == exact") for i in range(n) for j in range(n)]
    return rels


_QUARTERS = st.integers(-8, 8).map(lambda k: k / 4)


def _hess_inputs(kinds, c2_only: bool):
    def inputs(d: Domain):
        @st.composite
        def build(draw):
            f = draw(st.sampled_from(kinds))
            x = [draw(_QUARTERS) for _ in range(3)]
            if c2_only and f == "schwarz" and x[0] == x[1] == 0:
                x[0] = 0.25  # the C² restriction: schwarz is C^∞ away from the origin only
            c = draw(st.lists(st.integers(-3, 3), min_size=len(_MONOMIALS), max_size=len(_MONOMIALS)))
            return {"f": f, "c": ArraySpec.column(c), "x": ArraySpec.column(x)}

        return build()

    return inputs


_ZERO_C = ArraySpec.column([0] * len(_MONOMIALS))
_ORIGIN = ArraySpec.column([0.0, 0.0, 0.0])

CLAIMS.add(
    id="svd_facts.hessian_symmetric",
    note_reports_flaw=True,
    erratum="The Hessian is symmetric for C² losses only: xy(x² − y²)/(x² + y²) has ∂y∂x f(0) = −1 ≠ +1 = ∂x∂y f(0).",
    provenance=s003("2. The Hessian Matrix (The \"Curvature\" of AI)",
                    "H_ij = ∂²L / (∂w_i * ∂w_j). The Hessian H is a symmetric square matrix (n x n, where n is number "
                    "of parameters)."),
    stated=Form("H_ij = ∂_i∂_j f(x) (iterated) is square and symmetric, for any twice-differentiable-looking f",
                _hessian_symmetric, _hess_inputs(tuple(HESSIAN_GALLERY), c2_only=False),
                examples=[{"f": "schwarz", "c": _ZERO_C, "x": _ORIGIN}]),
    repaired=Form("f C² near x (Schwarz): H is square and symmetric", _hessian_symmetric,
                  # schwarz only away from the origin, where it is C^∞; the ε-regularised ratio at the origin
                  _hess_inputs(SMOOTH + ("schwarz",), c2_only=True),
                  examples=[{"f": "ratio_eps", "c": _ZERO_C, "x": _ORIGIN}]),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    tags=("math-only",),
    note=("Schwarz/Clairaut: ∂_i∂_j f = ∂_j∂_i f where f is C² (continuous second partials) near x.  Without it the "
          "statement fails: f = xy(x² − y²)/(x² + y²), f(0, 0) = 0, is C¹ with both mixed partials existing at the "
          "origin, but f_x(0, y) = −y and f_y(x, 0) = x give ∂_y∂_x f(0, 0) = −1 and ∂_x∂_y f(0, 0) = +1.  Checked "
          "by nested central differences at 600 bits (t_out = 2^-70, t_in = 2^-140; Richardson allowance plus a "
          "rounding bound; on polynomials also against the exact Hessian) over random cubic polynomials in 3 "
          "variables, exp/sin/log1p compositions, a softplus-network loss, the ε-regularised ratio (at the origin "
          "too) and the counterexample away from the origin.  Not included: a ReLU-network loss at a kink — there "
          "the first partials jump, so the Hessian does not exist and 'symmetric' is vacuous (autodiff returns "
          "the Hessian of one smooth piece, symmetric by construction).  Deep-learning losses with smooth "
          "activations (softplus, GELU, tanh) are C^∞, where the statement holds."),
)


# ----------------------------------------------------------------------------------
# Seed 002's SVD parts (§1.2 axioms 1 and 3, §3.2, §4.2)
# ----------------------------------------------------------------------------------

def _sym_inputs(d: Domain):
    half = _low(half_scale(_modest(d)), 3)
    return dims(d, 1, 6).flatmap(lambda n: matrices(half, m=n, n=n)).map(lambda X: {"X": X})


def _spectral_theorem(ops, X):
    M = ops.mat(X)
    A = ops.add(M, ops.transpose(M))  # any real symmetric matrix is X + Xᵀ for some X
    lam = ops.eigvalsh(A)
    n = X.n
    rels = [holds_that(len(lam) == n, f"n = {n} real eigenvalues (got {len(lam)})")]
    rels += [le(lam[i + 1], lam[i], f"λ_{i + 2} <= λ_{i + 1}") for i in range(n - 1)]
    # A = QΛQᵀ with Q orthogonal ⇔ these unitarily invariant consequences (a non-normal matrix breaks the
    # second: ‖A‖_F² > Σ|λ_i|²)
    rels += [eq(ops.trace(A), vsum(lam), "tr A == Σλ_i (trace of QΛQᵀ)"),
             eq(ops.norm(A, "fro") ** 2, vsum(x * x for x in lam), "‖A‖_F² == Σλ_i² (Q orthogonal)"),
             eq(ops.norm(A, "2"), max(abs(lam[0]), abs(lam[-1]), key=lambda v: v.mid), "‖A‖₂ == max|λ_i|")]
    return rels


CLAIMS.add(
    id="svd_facts.spectral_theorem",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("1.2 核心公理与数学基础, 公理1：谱定理 (Spectral Theorem)",
                    "任意实对称矩阵 A ∈ R^{n×n} 可正交对角化：A = QΛQᵀ ... Q 是正交矩阵：QᵀQ = I；Λ 是对角矩阵，"
                    "对角元素为实特征值 λ1 ≥ λ2 ≥ ⋯ ≥ λn"),
    stated=Form("A = X + Xᵀ: n real eigenvalues, descending, with tr A = Σλ, ‖A‖_F² = Σλ², ‖A‖₂ = max|λ|",
                _spectral_theorem, _sym_inputs),
    recorded=Verdict.HOLDS,
    note=("The op sets return eigenvalues, not Q: orthogonal diagonalisability is checked through what it implies "
          "and a non-normal matrix would violate (‖A‖_F² = Σλ², ‖A‖₂ = max|λ|).  The SVD's definition (axiom 2) is "
          "svd_facts.svd_definition."),
)


_POW2_SIGMAS = (0.25, 0.5, 1.0, 2.0, 4.0)  # 1/σ exact, so u_i = Mv_i/σ_i is an exact object


def _construction_inputs(d: Domain):
    return udv_inputs(d, max_dim=5, values=_POW2_SIGMAS, zeros=True)


def _svd_construction(ops, U, D, V):
    sig = list(diag_of(D))
    n = D.n
    r = sum(1 for s in sig if s > 0)
    MU, MV = ops.mat(U), ops.mat(V)
    M = ops.matmul(ops.matmul(MU, ops.mat(D)), MV)
    G = ops.matmul(ops.transpose(M), M)  # step 1: MᵀM (n×n), eigenvectors v_i = rows of V
    lam = ops.eigvalsh(G)
    full = sig + [0.0] * (n - len(sig))  # MᵀM has n − min(m, n) further zero eigenvalues
    rels = [eq(ops.norm(ops.sub(G, ops.transpose(G)), "fro"), 0, "MᵀM is symmetric")]
    rels += [ge(x, 0, f"λ_{i + 1}(MᵀM) >= 0 (semidefinite)") for i, x in enumerate(lam)]
    rels += [eq(x, Val.exact(s) ** 2, f"step 2: σ_{i + 1} = √λ_{i + 1}") for i, (x, s) in enumerate(zip(lam, full))]
    if r == 0:
        return rels + [eq(ops.norm(M, "fro"), 0, "rank 0: M = 0")]
    Vr = frame(ops, ops.transpose(MV), r)  # v_1 … v_r (n×r)
    inv_s = ops.mat(diag_spec(r, r, [1.0 / s for s in sig[:r]]))
    W = ops.matmul(ops.matmul(M, Vr), inv_s)  # step 3: u_i = M v_i / σ_i
    Sr = ops.mat(diag_spec(r, r, sig[:r]))
    rels += [eq(ops.norm(ops.sub(ops.matmul(ops.transpose(W), W), ops.identity(r)), "fro"), 0,
                f"step 3: u_iᵀu_j = δ_ij (i, j <= r = {r})"),
             eq(ops.norm(ops.sub(W, frame(ops, MU, r)), "fro"), 0, "u_i = Mv_i/σ_i are M's left singular vectors"),
             eq(ops.norm(ops.sub(M, ops.matmul(ops.matmul(W, Sr), ops.transpose(Vr))), "fro"), 0,
                "step 4: M = Σ_{i<=r} σ_i u_i v_iᵀ (= UΣVᵀ once U is completed)")]
    return rels


CLAIMS.add(
    id="svd_facts.svd_construction",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("2.1 SVD完整推导",
                    "考虑 MᵀM，它是对称半正定的 ... MᵀM = VΛVᵀ, λ_i ≥ 0; 令 σ_i = √λ_i ... u_i = Mv_i/σ_i; "
                    "u_iᵀu_j = δ_ij ... M = UΣVᵀ"),
    also=(src2("1.2 核心公理与数学基础, 公理2：奇异值分解 (SVD)",
               "任意矩阵 M 都可分解为 M = UΣVᵀ ... U：左奇异向量（MMᵀ 的特征向量）；V：右奇异向量（MᵀM 的特征向量）；"
               "σ1 ≥ σ2 ≥ ⋯ ≥ σr > 0"),),
    stated=Form("any M: MᵀM symmetric PSD with eigenvalues σ_i²; u_i = Mv_i/σ_i (i <= rank) are orthonormal and "
                "M = Σ σ_i u_i v_iᵀ", _svd_construction, _construction_inputs),
    recorded=Verdict.HOLDS,
    note=("The derivation is right: MᵀM is symmetric positive *semi*definite, singular whenever rank M < n (drawn "
          "here: σ = 0 entries, wide M), which is why u_i is only defined for i <= r and the rest is completed by "
          "Gram–Schmidt.  (The step-1 heading's 'positive definite' is its own statement: "
          "svd_facts.gram_positive_definite.)  M = U D V with σ in {1/4, …, 4} ∪ {0}: v_i (rows of V) and 1/σ_i are "
          "exact."),
)


def _gram_min_eig(ops, U, D, V):
    M = udv(ops, U, D, V)
    return ops.eigvalsh(ops.matmul(ops.transpose(M), M)), M


def _gram_pd_stated(ops, U, D, V):
    lam, _ = _gram_min_eig(ops, U, D, V)
    return gt(lam[-1], 0, "λ_min(MᵀM) > 0: MᵀM is positive definite")


def _gram_pd_full_rank(ops, U, D, V):
    lam, M = _gram_min_eig(ops, U, D, V)
    s = ops.svdvals(M)
    n = D.n  # full column rank: σ_n(M) is the smallest of the n singular values
    return [eq(lam[-1], s[n - 1] ** 2, "λ_min(MᵀM) == σ_n(M)² (the eigenvalues of MᵀM are the σ_i²)"),
            gt(lam[-1], 0, "λ_min(MᵀM) > 0 (rank M = n)")]


def _gram_pd_inputs(d: Domain):
    return udv_inputs(d, max_dim=4, values=_POW2_SIGMAS).filter(lambda o: o["D"].m >= o["D"].n)


CLAIMS.add(
    id="svd_facts.gram_positive_definite",
    note_reports_flaw=True,
    erratum="MᵀM is positive semidefinite, not definite: it is singular whenever rank M < n (M = [1, 0] gives diag(1, 0)).",
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("2.1 SVD完整推导, 步骤1：构造对称正定矩阵", "步骤1：构造对称正定矩阵 … 考虑 MᵀM ∈ R^{m×m}"),
    stated=Form("for every M, MᵀM is symmetric positive definite (λ_min(MᵀM) > 0)", _gram_pd_stated,
                _construction_inputs,
                examples=[{"U": OrthogonalSpec(1, 0), "D": diag_spec(1, 2, [1.0]), "V": OrthogonalSpec(2, 0)}]),
    repaired=Form("MᵀM is positive definite when M has full column rank (rank M = n): λ_min(MᵀM) = σ_n(M)² > 0",
                  _gram_pd_full_rank, _gram_pd_inputs),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("The heading of step 1 says 构造对称正定矩阵 (positive *definite*); the text under it correctly says "
          "半正定 (semidefinite).  xᵀMᵀMx = ‖Mx‖² vanishes for x in the null space of M, so MᵀM is singular whenever "
          "rank M < n — every wide M (M = [1, 0]: MᵀM = diag(1, 0)) and every rank-deficient one.  It is definite "
          "exactly when M has full column rank, with λ_min = σ_n(M)²."),
)


def _ey_inputs(gap: bool):
    def inputs(d: Domain):
        def extra(draw, m, n):
            return {"r": draw(st.integers(1, min(m, n) - 1))}

        return udv_inputs(d, max_dim=4, min_dim=2, values=SIGMAS, repeat=not gap, extra=extra).filter(
            lambda o: (not gap) or diag_of(o["D"])[o["r"] - 1] > diag_of(o["D"])[o["r"]])

    return inputs


def _ey_unique(ops, U, D, V, r):
    sig = list(diag_of(D))
    m, n = D.m, D.n
    MU, MV = ops.mat(U), ops.mat(V)

    def udv(values):
        return ops.matmul(ops.matmul(MU, ops.mat(diag_spec(m, n, values))), MV)

    A = udv(sig)
    Mr = udv(sig[:r] + [0.0] * (len(sig) - r))
    # the other candidate: σ_{r+1}u_{r+1}v_{r+1}ᵀ kept instead of σ_r u_r v_rᵀ (rank r as well)
    alt = sig[:r - 1] + [0.0, sig[r]] + [0.0] * (len(sig) - r - 1)
    X = udv(alt)
    err = sqrt(vsum(Val.exact(s) ** 2 for s in sig[r:]))
    rels = [eq(ops.norm(ops.sub(A, Mr), "fro"), err, "‖M − M_r‖_F == √(Σ_{i>r} σ_i²)"),
            lt(ops.norm(ops.sub(A, Mr), "fro"), ops.norm(ops.sub(A, X), "fro"),
               f"the rank-{r} X with σ_{r + 1}'s triple instead of σ_{r}'s is strictly worse (M_r unique)")]
    if sig[r - 1] > sig[r]:
        rels.append(eq(ops.norm(ops.sub(ops.lowrank(A, r), Mr), "fro"), 0, "the truncated SVD (lowrank) == M_r"))
    return rels


CLAIMS.add(
    id="svd_facts.eckart_young_unique",
    note_reports_flaw=True,
    erratum="Uniqueness needs σ_r > σ_{r+1}: for M = I₂, r = 1, every uuᵀ with ‖u‖ = 1 is optimal.",
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("1.2 核心公理与数学基础, 公理3：Eckart-Young-Mirsky定理",
                    "M_r = argmin_{rank(X) ≤ r} ‖M − X‖_F = Σ_{i=1}^r σ_i u_i v_iᵀ 这是唯一的全局最优解（在Frobenius范数下），"
                    "误差为 ‖M − M_r‖_F = √(Σ_{i=r+1}^{min(n,m)} σ_i²)"),
    also=(src2("2.2 Eckart-Young定理证明", "最优秩-r逼近是截断SVD ... M_r = U X̃ Vᵀ = Σ_{i=1}^r σ_i u_i v_iᵀ"),),
    stated=Form("M_r = Σ_{i<=r} σ_i u_i v_iᵀ is the unique minimiser of ‖M − X‖_F over rank(X) <= r, with error "
                "√(Σ_{i>r} σ_i²)", _ey_unique, _ey_inputs(gap=False),
                examples=[{"U": OrthogonalSpec(2, 0), "D": diag_spec(2, 2, [1.0, 1.0]), "V": OrthogonalSpec(2, 0),
                           "r": 1}]),
    repaired=Form("σ_r > σ_{r+1}: M_r is the unique minimiser (error √(Σ_{i>r} σ_i²))", _ey_unique,
                  _ey_inputs(gap=True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("Uniqueness needs a gap σ_r > σ_{r+1}: for M = I₂, r = 1, both e1e1ᵀ and e2e2ᵀ (and every uuᵀ, ‖u‖ = 1) "
          "reach the minimum 1 — 'Σ σ_i u_i v_iᵀ' is not even well defined there.  With the gap, swapping in any "
          "later triple costs σ_r² − σ_{r+1}² > 0 (checked), and the op set's truncated SVD equals M_r.  Optimality "
          "and the error formula over all X are frobenius.eckart_young_fro_optimal / _fro_error (004 §3.4; 002 "
          "states the same)."),
)


def _energy(ops, U, D, V, r):
    sig = list(diag_of(D))
    A = udv(ops, U, D, V)
    total = ops.norm(A, "fro") ** 2
    R = vsum(Val.exact(s) ** 2 for s in sig[:r]) / vsum(Val.exact(s) ** 2 for s in sig)
    rels = [eq(R, 1 - ops.norm(ops.sub(A, ops.lowrank(A, r)), "fro") ** 2 / total,
               "R_r == 1 − ‖M − M_r‖_F²/‖M‖_F²"),
            eq(R, ops.norm(ops.lowrank(A, r), "fro") ** 2 / total, "R_r == ‖M_r‖_F²/‖M‖_F²"),
            le(R, 1, "R_r <= 1")]
    return rels


def _energy_inputs(d: Domain):
    def extra(draw, m, n):
        return {"r": draw(st.integers(1, min(m, n)))}

    # lowrank needs σ_r > σ_{r+1} to be certified (else undecided)
    return udv_inputs(d, max_dim=5, values=SIGMAS, extra=extra).filter(
        lambda o: o["r"] == len(diag_of(o["D"])) or diag_of(o["D"])[o["r"] - 1] > diag_of(o["D"])[o["r"]])


CLAIMS.add(
    id="svd_facts.energy_ratio",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("3.2 低秩逼近的\"信息压缩\"类比",
                    "能量保留率 R_r = Σ_{i=1}^r σ_i² / Σ_{i=1}^{min(n,m)} σ_i²; r = 10, R_10 = 0.95：10个\"关键情节\"覆盖95%的信息"),
    stated=Form("R_r = Σ_{i<=r}σ_i²/Σσ_i² == ‖M_r‖_F²/‖M‖_F² == 1 − ‖M − M_r‖_F²/‖M‖_F² (the share of ‖M‖_F² the "
                "truncated SVD keeps)", _energy, _energy_inputs),
    recorded=Verdict.HOLDS,
    note=("A definition; what is checked is that it is the share of ‖M‖_F² kept by the truncated SVD, so "
          "1 − R_r is the squared relative Eckart–Young error.  'R_10 = 0.95' is an illustration (it depends on "
          "the spectrum), not a checkable figure."),
)


def _rsvd_inputs(d: Domain):
    dd = Domain(min(d.max_dim, 5), (-2, 2), 1)

    @st.composite
    def build(draw):
        m, n = draw(dims(dd, 1, 5)), draw(dims(dd, 1, 5))
        p = min(m, n)
        r = draw(st.integers(1, p))
        # rank(M) >= r keeps ΩᵀMᵀMΩ (r×r, rank min(rank M, r)) nonsingular; rank(M) = r is the exact case
        rank = draw(st.integers(r, p))
        mode = "rank_deficient" if rank < p else draw(st.sampled_from(("geometric", "arithmetic")))
        M = MatrixSpec(m, n, mode, draw(st.integers(0, 1)), draw(st.integers(-2, 2)), draw(SEEDS),
                       rank=rank if rank < p else None)
        Om = MatrixSpec(n, r, "geometric", 0, 0, draw(SEEDS))  # orthonormal columns (a Gaussian Ω's Q factor)
        return {"M": M, "Omega": Om}

    return build()


def _rsvd_parts(ops, M, Omega):
    A, Om = ops.mat(M), ops.mat(Omega)
    Y = ops.matmul(A, Om)  # MΩ
    G = ops.matmul(ops.transpose(Y), Y)  # ΩᵀMᵀMΩ
    return A, Y, G


def _rsvd_stated(ops, M, Omega):
    A, Y, G = _rsvd_parts(ops, M, Omega)
    F = ops.matmul(Y, ops.solve(G, ops.transpose(Y)))  # MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ, as written
    rels = [holds_that(F.shape == A.shape, f"the formula is {F.shape[0]}×{F.shape[1]}, M is {A.m}×{A.n}")]
    if F.shape == A.shape and M.exact_rank <= Omega.n:
        rels.append(eq(ops.norm(ops.sub(A, F), "fro"), 0, "rank(M) <= r: M == MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ"))
    return rels


def _rsvd_corrected(ops, M, Omega):
    A, Y, G = _rsvd_parts(ops, M, Omega)
    PM = ops.matmul(Y, ops.solve(G, ops.matmul(ops.transpose(Y), A)))  # MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ·M = P_{range(MΩ)} M
    r = Omega.n
    s = ops.svdvals(A)
    rels = [ge(ops.norm(ops.sub(A, PM), "fro"), sqrt(vsum(x * x for x in s[r:])),
               "‖M − PM‖_F >= √(Σ_{i>r} σ_i²) (PM has rank <= r: Eckart–Young)")]
    if M.exact_rank <= r:
        rels.append(eq(ops.norm(ops.sub(A, PM), "fro"), 0, "rank(M) <= r: M == MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀM"))
    return rels


CLAIMS.add(
    id="svd_facts.randomized_svd_formula",
    note_reports_flaw=True,
    erratum="MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ is the projector onto range(MΩ): the trailing M is missing (M = [−10], Ω = [1] gives [1]).",
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("4.2 方法1：精确SVD - 批判性分析, 优化1：随机化SVD",
                    "M ≈ MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ ... 随机投影到低维子空间，复杂度 O(nmr)"),
    stated=Form("M ≈ MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ (exact when rank(M) <= r)", _rsvd_stated, _rsvd_inputs,
                examples=[{"M": MatrixSpec(1, 1, "geometric", 0, 1, 0), "Omega": MatrixSpec(1, 1, "geometric", 0, 0, 0)}]),
    repaired=Form("M ≈ P M with P = MΩ(ΩᵀMᵀMΩ)⁻¹ΩᵀMᵀ the projector onto range(MΩ): exact when rank(M) <= r, and "
                  "never better than Eckart–Young", _rsvd_corrected, _rsvd_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    note=("As written the formula is Y(YᵀY)⁻¹Yᵀ with Y = MΩ: the orthogonal projector onto range(MΩ), an n×n matrix "
          "— it cannot approximate an n×m M (shapes differ for m ≠ n), and for square M it equals M only when M is "
          "itself that projector (M = [±10], Ω = [±1] gives [1]).  The trailing M is missing: PM = QQᵀM (Q = orth(MΩ)) "
          "reproduces every M of rank <= r exactly (for Ω with ΩᵀMᵀMΩ nonsingular) and is the randomized "
          "range-finder approximation (Halko–Martinsson–Tropp).  '10× faster at r = 50, error < 1%' is measured in "
          "svd_facts.randomized_svd_speed_error."),
)


# ----------------------------------------------------------------------------------
# Seed 002 §4.2's figures: timing, randomized SVD, bfloat16 (empirical)
# ----------------------------------------------------------------------------------

_S42 = "4.2 方法1：精确SVD - 批判性分析"


def _one_blas_thread():
    # On a shared 2-core machine a multi-threaded BLAS under load times contention, not the SVD (measured here:
    # 256² in 2.2 s with default threads vs 0.027 s with one); one thread makes the figures comparable.
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _best_time(f, repeats):
    import time

    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


# Golub & Van Loan (4th ed., Fig. 8.6.1): the Golub–Reinsch SVD of an n×n matrix with U, Σ and V costs ≈ 21n³
# flops; n³ scaling extrapolates a measured time to n = 4096 (cache effects make it a rough figure, said so).
SVD_FLOPS_PER_N3 = 21
# NVIDIA A100 datasheet peak rates (dense, no sparsity): FP64 9.7 TFLOP/s (19.5 with FP64 tensor cores),
# FP32 19.5 TFLOP/s.  The largest is the ceiling any 4096² SVD time on that card must respect.
A100_PEAK_FLOPS = 19.5e12


def _measure_full_svd_time():
    import numpy as np

    rng = np.random.default_rng(0)
    times = {}
    with _one_blas_thread():
        for n in (256, 512, 1024):
            A = rng.standard_normal((n, n))
            times[n] = _best_time(lambda: np.linalg.svd(A), 3 if n < 1024 else 1)
    extrap = times[1024] * (4096 / 1024) ** 3
    implied = SVD_FLOPS_PER_N3 * 4096 ** 3 / 0.5
    return Measurement(extrap, ("NumPy LAPACK (gesdd) full SVD with U and V, float64, Gaussian n×n, one BLAS thread, "
                                "best of 3 (1 at n = 1024), on this CPU — no GPU was available; value = the n = 1024 time "
                                "× 64 (n³ extrapolation to 4096²), seconds"),
                       {"seconds_by_n": {str(k): v for k, v in times.items()},
                        "gflops_at_1024": SVD_FLOPS_PER_N3 * 1024 ** 3 / times[1024] / 1e9,
                        "document_implied_tflops": implied / 1e12, "a100_peak_tflops": A100_PEAK_FLOPS / 1e12})


CLAIMS.add(
    id="svd_facts.full_svd_4096_timing",
    note_reports_flaw=False,
    provenance=src2(_S42 + ", 缺陷2：计算瓶颈", "实例：Transformer权重 4096 × 4096，单次SVD需0.5秒（A100）"),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    empirical=Empirical(
        kind=EmpiricalKind.TIMING,
        document_figure="0.5 s for one SVD of a 4096×4096 matrix on an A100",
        measure=_measure_full_svd_time,
        agrees=lambda m: m.details["document_implied_tflops"] <= m.details["a100_peak_tflops"],
        rule=("timings are reported, never judged (no A100 here): agree iff the document's figure is physically "
              "possible, i.e. 21·4096³ flops (Golub–Van Loan, U, Σ, V) in 0.5 s does not exceed the A100's peak "
              "19.5 TFLOP/s"),
        expect_agreement=True,
    ),
    note=("The document's 0.5 s implies ≈ 2.9 TFLOP/s — possible on an A100 (15% of the FP32 peak), though GPU SVDs "
          "(cuSOLVER gesvd/gesvdj) usually reach far less than their GEMM rate; it could not be timed here.  This "
          "CPU (one BLAS thread, float64) took 0.026 / 0.18 / 1.36 s at n = 256 / 512 / 1024, so ≈ 87 s "
          "extrapolated to 4096² (≈ 17 GFLOP/s).  The 'bottleneck when called every step' point stands either way: ≈ 1.4e12 flops per "
          "4096² SVD against ≈ 1.4e11 for one 4096² matmul."),
)


def randomized_svd(M, r, oversample=10, power_iters=1, rng=None):
    """Halko–Martinsson–Tropp (2011) Alg. 4.4 + 5.1: Gaussian sketch with `oversample` extra columns, `power_iters`
    re-orthonormalised power iterations, then the SVD of the small QᵀM; returns the rank-r factors."""
    import numpy as np

    rng = np.random.default_rng(0) if rng is None else rng
    Y = M @ rng.standard_normal((M.shape[1], r + oversample))
    for _ in range(power_iters):
        Y, _ = np.linalg.qr(Y)
        Y = M @ (M.T @ Y)
    Q, _ = np.linalg.qr(Y)
    Ub, s, Vt = np.linalg.svd(Q.T @ M, full_matrices=False)
    return Q @ Ub[:, :r], s[:r], Vt[:r]


def _measure_rsvd():
    import numpy as np

    n, r = 512, 50
    rng = np.random.default_rng(1)
    out = {}
    with _one_blas_thread():
        Q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
        Q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
        for name, sig in (("i^-2", 1.0 / np.arange(1, n + 1) ** 2), ("i^-1", 1.0 / np.arange(1, n + 1))):
            M = (Q1 * sig) @ Q2.T
            t_full = _best_time(lambda: np.linalg.svd(M, full_matrices=False), 2)
            t_rand = _best_time(lambda: randomized_svd(M, r), 2)
            U, s, Vt = randomized_svd(M, r)
            err = np.linalg.norm(M - (U * s) @ Vt) / np.linalg.norm(M)
            best = np.sqrt(np.sum(sig[r:] ** 2)) / np.linalg.norm(sig)  # Eckart–Young: the least any rank-r has
            out[name] = {"rel_err": float(err), "eckart_young_rel_err": float(best), "speedup": t_full / t_rand,
                         "full_seconds": t_full, "randomized_seconds": t_rand}
    return Measurement(out["i^-2"]["rel_err"],
                       (f"NumPy float64, n = {n} square, r = {r}, Halko–Martinsson–Tropp with 10 oversampling columns and "
                        "1 power iteration vs full gesdd (thin), one BLAS thread, best of 2; spectra σ_i = i⁻² (value) and "
                        "σ_i = i⁻¹; metric ‖M − M̃_r‖_F/‖M‖_F"), out)


CLAIMS.add(
    id="svd_facts.randomized_svd_speed_error",
    note_reports_flaw=False,
    provenance=src2(_S42 + ", 优化1：随机化SVD", "随机投影到低维子空间，复杂度 O(nmr) ... 效果：r = 50 时加速10倍，误差 < 1%"),
    also=(src2("4.6 应用场景对比", "推荐系统 | 随机SVD | 截断SVD | 百万级用户，低秩假设强，随机化快10倍"),),
    stated=None,
    recorded=Verdict.EMPIRICAL,
    empirical=Empirical(
        kind=EmpiricalKind.TYPICAL,
        document_figure="at r = 50: 10× faster, error < 1%",
        measure=_measure_rsvd,
        agrees=lambda m: m.value < 0.01,
        rule=("agree iff the randomized rank-50 approximation's relative Frobenius error is < 1% on the σ_i = i⁻² "
              "spectrum (the speed-up is reported, never judged)"),
        expect_agreement=True,
    ),
    note=("The error is the spectrum's, not the method's: with one power iteration the randomized error is within "
          "≈ 1% of Eckart–Young's optimum — 0.16% for σ_i = i⁻², but ≈ 11% for σ_i = i⁻¹, where no rank-50 matrix "
          "gets under 1%.  'Error < 1%' needs a fast-decaying spectrum.  Speed-up measured at n = 512 on one CPU "
          "thread: ≈ 11× for both spectra (0.17 s vs 0.016 s; it grows with n/r).  The formula printed above the "
          "figures is svd_facts.randomized_svd_formula (misstated)."),
)


def _flush_inputs(d: Domain):
    """A with σ_min < 1e-8, as explicit float64 entries (the exact numbers bfloat16 rounds): σ1 = 1 with
    κ = 1e9…1e12 (geometric, n >= 2), or every σ = 1e-9…1e-12 (a tiny, perfectly conditioned matrix)."""

    @st.composite
    def build(draw):
        m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        lk = draw(st.integers(9, 12))
        ill = min(m, n) >= 2 and draw(st.booleans())
        spec = MatrixSpec(m, n, "geometric", lk, 0, draw(SEEDS)) if ill else MatrixSpec(m, n, "geometric", 0, -lk,
                                                                                         draw(SEEDS))
        return {"A": ArraySpec.of(spec.to_numpy()[0])}

    return build()


def _rounded(A: ArraySpec, rounding) -> ArraySpec:
    return ArraySpec.of([[float(rounding(x)) for x in row] for row in A.rows])


def _flush_stated(ops, A):
    s_b = ops.svdvals(ops.mat(_rounded(A, round_to_grid)))
    return eq(s_b[-1], 0, "σ_min(A) < 1e-8, so σ_min(bf16(A)) == 0 (flushed)")


def _flush_corrected(ops, A, rounding=round_to_grid):
    """Entry by entry |fl(a) − a| <= u|a| with u = 2⁻⁸ and fl(a) ≠ 0 for a ≠ 0 (bfloat16 has float32's exponent range:
    only |a| <= 2^-134 rounds to 0), so ‖bf16(A) − A‖₂ <= ‖bf16(A) − A‖_F <= u‖A‖_F and, by Weyl,
    |σ_i(bf16(A)) − σ_i(A)| <= u‖A‖_F."""
    from fractions import Fraction

    from matspec.formats import BF16_U

    rels = []
    for row in A.rows:
        for a in row:
            r = Fraction(rounding(a))
            rels.append(holds_that(abs(r - Fraction(a)) <= BF16_U * abs(Fraction(a)) and (r != 0 or a == 0),
                                   f"bf16({a!r}) = {float(r)!r}: |fl(a) − a| <= 2⁻⁸|a| and nonzero"))
    M, Mb = ops.mat(A), ops.mat(_rounded(A, rounding))
    s, s_b = ops.svdvals(M), ops.svdvals(Mb)
    bound = Val.exact(float(BF16_U)) * ops.norm(M, "fro")
    rels += [le(abs(x - y), bound, f"|σ_{i + 1}(bf16(A)) − σ_{i + 1}(A)| <= 2⁻⁸‖A‖_F (Weyl)")
             for i, (x, y) in enumerate(zip(s_b, s))]
    return rels


CLAIMS.add(
    id="svd_facts.bf16_small_sigma_flush",
    note_reports_flaw=True,
    erratum="Nothing is flushed to zero in bfloat16 (float32's exponent range): A = [1e-9] rounds to 9.97e-10, and σ = 1e-9 beside σ₁ = 1 becomes rounding noise, not 0.",
    provenance=src2(_S42 + ", 缺陷3：数值不稳定",
                    "问题：病态矩阵（条件数大）下，小奇异值精度损失严重 ... 表现：σ_min < 10^-8 时，bfloat16下直接归零"),
    stated=Form("if σ_min(A) < 1e-8, rounding A's entries to bfloat16 sends σ_min to 0", _flush_stated,
                _flush_inputs, examples=[{"A": ArraySpec.of([[1e-9]])}]),
    repaired=Form("rounding A's entries to bfloat16 moves every σ_i by at most u‖A‖_F (u = 2⁻⁸) and zeroes no nonzero "
                  "entry above 2^-134: σ below ≈ u‖A‖_F are lost in rounding noise, not flushed",
                  _flush_corrected, _flush_inputs),
    repair="correction",
    recorded=Verdict.MISSTATED,
    tags=("math-only",),
    note=("Decided as arithmetic on bfloat16's grid (matspec.formats: 8 significant bits, round to nearest even, "
          "float32's exponent range with subnormals down to 2^-133), not measured: bfloat16(1e-9) = 9.968e-10, so "
          "A = [1e-9] (or 1e-9·Q, every σ = 1e-9) keeps σ_min ≈ 1e-9.  What is true is the first half, 'small σ lose "
          "accuracy badly': rounding the entries is a perturbation of size <= u‖A‖_F (u = 2⁻⁸ ≈ 3.9e-3), so every σ "
          "below about u‖A‖_F is noise — σ_min = 1e-9 beside σ1 = 1 comes out near 1e-6 for a dense 64×64 A (measured "
          "by an earlier version of this claim), 1000× too *large*, not zero.  The threshold is relative (u‖A‖), not "
          "an absolute 1e-8.  (torch has no bfloat16 SVD on the CPU; the singular values here are the oracle's of the "
          "exact bfloat16 values, the best any bfloat16-stored matrix allows.)"),
)


# ----------------------------------------------------------------------------------
# Seed 002 §1.2 (symmetric matrices), §4.1 (eigendecomposition row), §4.2 (block SVD)
# ----------------------------------------------------------------------------------

_SYM_LAMBDAS = (-4.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 4.0)  # nonzero: msign(A) is defined


def _sym_eig_inputs(positive: bool):
    values = tuple(v for v in _SYM_LAMBDAS if v > 0) if positive else _SYM_LAMBDAS

    def inputs(d: Domain):
        @st.composite
        def build(draw):
            n = draw(dims(d, 1, 4))
            lam = sorted(draw(st.lists(st.sampled_from(values), min_size=n, max_size=n)), reverse=True)
            return {"Q": OrthogonalSpec(n, draw(SEEDS)), "L": diag_spec(n, n, lam)}

        return build()

    return inputs


def _sym(ops, Q, L):
    MQ = ops.mat(Q)
    return qlqt(ops, MQ, L)  # A = QΛQᵀ, symmetric


def _no_rotation_stated(ops, Q, L):
    A = _sym(ops, Q, L)
    return eq(ops.norm(ops.sub(ops.polar(A), ops.identity(L.n)), "fro"), 0,
              "A = QΛQᵀ only stretches or compresses: its orthogonal polar factor msign(A) is I")


def _no_rotation_pd(ops, Q, L):
    A = _sym(ops, Q, L)
    lam = ops.eigvalsh(A)
    return [eq(ops.norm(ops.sub(ops.polar(A), ops.identity(L.n)), "fro"), 0, "msign(A) == I: A = I·P is a pure stretch"),
            *[eq(x, Val.exact(v), f"λ_{i + 1}(A) == {v} (the stretch factor along the {i + 1}-th eigenvector)")
              for i, (x, v) in enumerate(zip(lam, diag_of(L)))]]


CLAIMS.add(
    id="svd_facts.symmetric_no_rotation",
    note_reports_flaw=True,
    erratum="A negative eigenvalue flips its direction: msign(QΛQᵀ) = Q sign(Λ)Qᵀ ≠ I (−I₂ is a rotation by π); 'no rotation' needs A positive definite.",
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("1.2 核心公理与数学基础, 公理1：谱定理 (Spectral Theorem)",
                    "几何意义：对称矩阵对应的线性变换只在特征方向上进行拉伸/压缩，无旋转。"),
    stated=Form("a symmetric A = QΛQᵀ (nonsingular) acts by stretching/compressing along its eigenvectors, with no "
                "rotation: msign(A) = I", _no_rotation_stated, _sym_eig_inputs(positive=False),
                examples=[{"Q": OrthogonalSpec(2, 0), "L": diag_spec(2, 2, [-1.0, -1.0])}]),
    repaired=Form("a symmetric positive definite A = QΛQᵀ is a pure stretch: msign(A) = I and A scales its i-th "
                  "eigenvector by λ_i > 0", _no_rotation_pd, _sym_eig_inputs(positive=True)),
    repair="hypothesis",
    recorded=Verdict.CONDITIONAL,
    note=("A = QΛQᵀ = (Q sign(Λ)Qᵀ)(Q|Λ|Qᵀ) is its polar decomposition: the stretch is Q|Λ|Qᵀ and the orthogonal "
          "factor msign(A) = Q sign(Λ)Qᵀ is I only when every λ_i > 0.  A negative eigenvalue flips its eigenvector, "
          "and two flips make a rotation: −I₂ is the rotation by π (diag(1, −1) is a reflection).  'Stretching and "
          "compressing along the eigen-directions' is right for positive definite A, or with 'stretch by a negative "
          "factor' allowed — then it is a statement about reflections and rotations by π, not 'no rotation'."),
)


_ROTATION = ArraySpec.of([[0.0, -1.0], [1.0, 0.0]])


def _complex_eigs(ops, A):
    lam = ops.eigvals(ops.mat(A))
    im = max((Val(abs(z.im), z.rad) for z in lam), key=lambda v: v.mid)
    return gt(im, 0, "some eigenvalue of the real matrix A has a nonzero imaginary part")


def _complex_eig_inputs(d: Domain):
    # a rotation-scaling block r·[[0.6, −0.8], [0.8, 0.6]] (eigenvalues r(0.6 ± 0.8i)) beside a real diagonal tail
    @st.composite
    def build(draw):
        r = draw(st.sampled_from((0.5, 1.0, 2.0)))
        tail = draw(st.lists(st.sampled_from((-1.0, 0.5, 3.0)), max_size=2))
        n = 2 + len(tail)
        rows = [[0.0] * n for _ in range(n)]
        rows[0][0], rows[0][1], rows[1][0], rows[1][1] = 0.6 * r, -0.8 * r, 0.8 * r, 0.6 * r
        for k, t in enumerate(tail):
            rows[2 + k][2 + k] = t
        return {"A": ArraySpec.of(rows)}

    return build()


CLAIMS.add(
    id="svd_facts.real_matrix_complex_eigenvalues",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2("4.1 矩阵分解方法对比",
                    "| Eigendecomposition | O(n³) | 机器精度 | ❌ | ❌ 仅限方阵 ❌ 实矩阵可能有复特征值 | ✅ 对称化处理 ✅ Schur分解 |"),
    stated=Form("a real square matrix may have complex eigenvalues (witnesses: rotations, r·[[c, −s], [s, c]] with "
                "s ≠ 0, beside real entries)", _complex_eigs, _complex_eig_inputs, examples=[{"A": _ROTATION}]),
    recorded=Verdict.HOLDS,
    note=("An existential statement, checked on witnesses: the rotation by π/2 has eigenvalues ±i, and "
          "r·[[0.6, −0.8], [0.8, 0.6]] has r(0.6 ± 0.8i).  Its negation — 'every real square matrix has a real "
          "eigendecomposition' — is seed 003's svd_facts.eigendecomposition_square (conditional)."),
)


def _stack(ops, A1, A2):
    """[A1; A2] = E1·A1 + E2·A2 with exact selection matrices E1 = [I; 0], E2 = [0; I]."""
    m1, m2 = A1.shape[0], A2.shape[0]
    m = m1 + m2
    E1 = ArraySpec.of([[1.0 if (i == j) else 0.0 for j in range(m1)] for i in range(m)])
    E2 = ArraySpec.of([[1.0 if (i == j + m1) else 0.0 for j in range(m2)] for i in range(m)])
    return ops.add(ops.matmul(ops.mat(E1), A1), ops.matmul(ops.mat(E2), A2))


def _block_svd(ops, A1, A2):
    M1, M2 = ops.mat(A1), ops.mat(A2)
    # each block's SVD factor Σ_iV_iᵀ, up to the orthogonal U_i, is H_i = msign(A_i)ᵀA_i = V_iΣ_iV_iᵀ
    H1 = ops.matmul(ops.transpose(ops.polar(M1)), M1)
    H2 = ops.matmul(ops.transpose(ops.polar(M2)), M2)
    s = ops.svdvals(_stack(ops, M1, M2))
    s_merged = ops.svdvals(_stack(ops, H1, H2))
    return [eq(x, y, f"σ_{i + 1}([A1; A2]) == σ_{i + 1}([Σ1V1ᵀ; Σ2V2ᵀ]) (merged from the blocks' SVDs)")
            for i, (x, y) in enumerate(zip(s, s_merged))]


def _block_inputs(d: Domain):
    dd = Domain(max_dim=min(d.max_dim, 4), log10_scale=(-2, 2), max_log10_kappa=3)

    @st.composite
    def build(draw):
        n = draw(dims(dd, 1, 3))
        # tall blocks of full column rank: each block's polar factor is then determined
        A1 = draw(matrices(dd, m=draw(st.integers(n, 4)), n=n, full_rank=True))
        A2 = draw(matrices(dd, m=draw(st.integers(n, 4)), n=n, full_rank=True))
        return {"A1": A1, "A2": A2}

    return build()


CLAIMS.add(
    id="svd_facts.blockwise_svd_merge",
    note_reports_flaw=False,
    expect=dict(BF16_UNSUPPORTED),
    provenance=src2(_S42 + ", 优化2：分块SVD（分布式计算）",
                    "将矩阵分块，并行计算每块的SVD；用递归合并（类似归并排序）得到全局SVD"),
    stated=Form("the SVD of a row-blocked A = [A1; A2] is recovered from the blocks' SVDs A_i = U_iΣ_iV_iᵀ: "
                "σ(A) = σ([Σ1V1ᵀ; Σ2V2ᵀ]) (one small SVD merges two; recursively, a tree of them)",
                _block_svd, _block_inputs),
    recorded=Verdict.HOLDS,
    note=("[A1; A2] = diag(U1, U2)·[Σ1V1ᵀ; Σ2V2ᵀ] and diag(U1, U2) has orthonormal columns, so the stacked "
          "Σ_iV_iᵀ (n×n each) have A's singular values and right singular vectors; A's left ones are diag(U1, U2) "
          "times the merged SVD's.  Merging pairs recursively is the tree (TSQR-like) block SVD.  Σ_iV_iᵀ is taken "
          "as H_i = msign(A_i)ᵀA_i = V_iΣ_iV_iᵀ (the op set returns polar factors, not U_i): the same up to the "
          "orthogonal V_i, which does not change the singular values."),
)
