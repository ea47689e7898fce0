"""Math-only claims (checked by the oracle alone: finite differences at 1e-20, exact moments,
exact arithmetic) must also be shown able to fail.  Their "implementation" is either an oracle op
(planted as an OracleOps subclass) or the formula the property evaluates (planted as a mutated
formula, the way a transcription slip would break it)."""
from __future__ import annotations

import mpmath
import numpy as np
import pytest

from matspec.catalogue import all_claims, get_claim
from matspec.catalogue import formats, frobenius, hippo, linear_systems, mclip, ml_norms, svd_facts
from matspec.catalogue.svd_facts import _hessian_cost
from matspec.claim import Form, Verdict
from matspec.implementations.base import Mat
from matspec.oracles import OracleOps
from matspec.reports.runner import check_form


class _OraclePolarWrongOrder(OracleOps):
    """The oracle's polar factor assembled as V Uᵀ (factor-order slip), square inputs."""

    def polar(self, A):
        good = super().polar(A)
        with mpmath.workdps(self.dps):
            return Mat(good.data.T, good.err, good.shape)


def _wrong_moment(n, p):
    # off by one in the Beta integral: (p + n)! instead of (p + n + 1)!
    from math import factorial
    if p < n:
        return mpmath.mpf(0)
    return mpmath.mpf(factorial(p) ** 2) / (factorial(p - n) * factorial(p + n))


def _swapped_bounds(lo, hi, x):
    return mclip.clip_formula(hi, lo, x)


def _bf16_truncate(x):
    # a bfloat16 conversion that drops the low 16 bits of the float32 pattern (bits & 0xFFFF0000): round toward 0
    from matspec.formats import round_to_grid
    return round_to_grid(x, truncate=True)


def _bf16_seven_bits(x):
    # the significand's implicit leading bit forgotten: 7 significant bits instead of 8
    from matspec.formats import round_to_grid
    return round_to_grid(x, precision=7)


MATH_ONLY_PLANTED = {
    "svd_facts.hessian_memory_and_cost": ("bytes counted as bits, inverse as 2n²", lambda form: check_form(
        Form(form.text, lambda ops, n: _hessian_cost(ops, n, figures=_hessian_bits_not_bytes), form.inputs,
             examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    "msign.frechet_derivative": ("oracle polar factor as VUᵀ", lambda form: check_form(
        form, _OraclePolarWrongOrder(), profile="smoke", seed=7)),
    "mclip.scalar_identity": ("α and β swapped in the formula", lambda form: check_form(
        Form(form.text, lambda ops, lo, hi, x: mclip._scalar_clip(ops, lo, hi, x, formula=_swapped_bounds),
             form.inputs), OracleOps(), profile="smoke", seed=7)),
    "hippo.legendre_projection": ("off-by-one Legendre moment", lambda form: check_form(
        Form(form.text, lambda ops, d, p: _legendre_with(d, p), form.inputs), OracleOps(), profile="smoke", seed=7)),
    "svd_facts.hessian_symmetric": ("ε forgotten in the regularised ratio xy(x² − y²)/(x² + y² + ε²)",
                                    lambda form: check_form(
        Form(form.text, lambda ops, f, c, x: svd_facts._hessian_symmetric(ops, f, c, x, gallery=_EPS_FORGOTTEN),
             form.inputs, examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    "frobenius.norm_gradient": ("∂‖A‖_F/∂A written A/‖A‖_F² (the squared norm's denominator)", lambda form: check_form(
        Form(form.text, lambda ops, A, E: frobenius._fro_norm_gradient(ops, A, E, gradient=_fro_grad_squared),
             form.inputs), OracleOps(), profile="smoke", seed=7)),
    "svd_facts.adam_is_not_diagonal_newton": ("Adam's denominator taken as v instead of √v", lambda form: check_form(
        Form(form.text, lambda ops, h, w: svd_facts._adam_corrected(ops, h, w, denominator=lambda g: g * g),
             form.inputs), OracleOps(), profile="smoke", seed=7)),
    "ml_norms.layer_lipschitz_is_spectral_norm": ("the two one-sided slopes added instead of maximised",
                                                  lambda form: check_form(
        Form(form.text, lambda ops, w: ml_norms._layer_lip_corrected(ops, w, lip=_relu_lip_added), form.inputs),
        OracleOps(), profile="smoke", seed=7)),
    "ml_norms.lipschitz_activation_networks": ("the activation applied as 2·tanh (not 1-Lipschitz)", lambda form: check_form(
        Form(form.text, lambda ops, **kw: ml_norms._lip_network(ops, **kw, phi=lambda z: 2 * mpmath.tanh(z)),
             form.inputs, examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    "linear_systems.gepp_backward_stable": ("the triangular solves run in float32", lambda form: check_form(
        Form(form.text, lambda ops, **kw: linear_systems._gepp_componentwise(
            ops, **kw, solver=lambda A, b: linear_systems.gepp(A, b, trisolve_dtype=np.float32)),
            form.inputs, examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    # seed 002 (issue 16 part B)
    "svd_facts.bf16_small_sigma_flush": ("bfloat16 conversion truncating instead of rounding", lambda form: check_form(
        Form(form.text, lambda ops, A: svd_facts._flush_corrected(ops, A, rounding=_bf16_truncate), form.inputs,
             examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    "formats.bf16_significant_bits": ("bfloat16 rounding with 7 significant bits (implicit bit forgotten)",
                                      lambda form: check_form(
        Form(form.text, lambda ops, x, k: formats._significant_bits(ops, x, k, rounding=_bf16_seven_bits), form.inputs,
             examples=form.examples), OracleOps(), profile="smoke", seed=7)),
    "msign.differentiable_at_repeated_sigma": ("oracle polar factor as VUᵀ", lambda form: check_form(
        form, _OraclePolarWrongOrder(), profile="smoke", seed=7)),
    "hippo.approximation_error_rate": ("off-by-one Legendre moment", lambda form: check_form(
        Form(form.text, lambda ops, d, p, t: hippo._rate_corrected(ops, d, p, t, moment=_wrong_moment), form.inputs),
        OracleOps(), profile="smoke", seed=7)),
    "hippo.resolution_decreases_with_t": ("off-by-one Legendre moment", lambda form: check_form(
        Form(form.text, lambda ops, d, p, t: hippo._resolution(ops, d, p, t, moment=_wrong_moment), form.inputs),
        OracleOps(), profile="smoke", seed=7)),
    "ml_norms.spectral_norm_gradient": ("v1 taken as the first column of V instead of its first row (A = U·diag(σ)·V)",
                                        lambda form: check_form(
        Form(form.text, lambda ops, U, D, V, E: ml_norms._spectral_gradient(ops, U, D, V, E, hypothesis=True,
                                                                           v1_of=_v1_column), form.inputs),
        OracleOps(), profile="smoke", seed=7)),
}


def _relu_lip_added(w):
    pos = mpmath.sqrt(mpmath.fsum(mpmath.mpf(v) ** 2 for v in w if v > 0))
    neg = mpmath.sqrt(mpmath.fsum(mpmath.mpf(v) ** 2 for v in w if v < 0))
    return pos + neg


def _fro_grad_squared(A):
    f2 = mpmath.fsum(A[i, j] ** 2 for i in range(A.rows) for j in range(A.cols))
    return None if f2 == 0 else A / f2


def _v1_column(ops, MV):
    return ml_norms.frame(ops, MV, 1)

# The smooth gallery with the ε of the regularised ratio dropped: it becomes Schwarz's counterexample,
# which the C²-restricted form evaluates at the origin.
_EPS_FORGOTTEN = {**svd_facts.HESSIAN_GALLERY, "ratio_eps": svd_facts.HESSIAN_GALLERY["schwarz"]}


def _legendre_with(d, p):
    r = hippo._ode_residual(d, p, lambda n: mpmath.sqrt(2 * (2 * n + 1)), lambda n: mpmath.sqrt(2 * (2 * n + 1)),
                            moment=_wrong_moment)
    from matspec.values import Val, eq
    return eq(Val(r, mpmath.mpf(10) ** -45), 0, "ODE residual with the planted moment")


def _hessian_bits_not_bytes(n, bytes_per_entry=4):
    # a units slip: counting bits as bytes
    from matspec.catalogue.svd_facts import hessian_figures

    f = hessian_figures(n, bytes_per_entry)
    return {**f, "bytes": f["bytes"] // 8, "sym_bytes": f["sym_bytes"] // 8, "inverse_flops": 2 * n ** 2}


def _true_form(c):
    return {Verdict.HOLDS: c.stated, Verdict.CONDITIONAL: c.repaired, Verdict.MISSTATED: c.repaired}.get(c.recorded)


def test_every_math_only_claim_with_a_true_form_has_a_planted_check():
    missing = [c.id for c in all_claims() if "math-only" in c.tags and _true_form(c) is not None
               and c.id not in MATH_ONLY_PLANTED]
    assert not missing, f"math-only claims without a planted check: {missing}"


@pytest.mark.parametrize("claim_id", sorted(MATH_ONLY_PLANTED))
def test_math_only_planted_is_caught(claim_id):
    c = get_claim(claim_id)
    form = _true_form(c)
    what, run = MATH_ONLY_PLANTED[claim_id]
    res = run(form)
    assert res.status == "refuted", f"{claim_id}: planted {what!r} not caught ({res.status}: {res.message})"
    honest = check_form(form, OracleOps(), profile="smoke", seed=7)
    assert honest.status == "holds", f"{claim_id}: the honest oracle did not hold: {honest.message}"
