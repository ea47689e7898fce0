"""Math-only claims (checked by the oracle alone: finite differences at 1e-20, exact moments,
exact arithmetic) must also be shown able to fail.  Their "implementation" is either an oracle op
(planted as an OracleOps subclass) or the formula the property evaluates (planted as a mutated
formula, the way a transcription slip would break it)."""
from __future__ import annotations

import mpmath
import pytest

from matspec.catalogue import all_claims, get_claim
from matspec.catalogue import frobenius, hippo, mclip, ml_norms, svd_facts
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
    "ml_norms.spectral_norm_gradient": ("v1 taken as the first column of V instead of its first row (A = U·diag(σ)·V)",
                                        lambda form: check_form(
        Form(form.text, lambda ops, U, D, V, E: ml_norms._spectral_gradient(ops, U, D, V, E, hypothesis=True,
                                                                           v1_of=_v1_column), form.inputs),
        OracleOps(), profile="smoke", seed=7)),
}


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
