"""The Newton–Schulz reference implementations (matspec.implementations.newton_schulz)."""
from __future__ import annotations


import mpmath
import numpy as np
import pytest

from matspec.catalogue import get_claim
from matspec.implementations import newton_schulz as ns
from matspec.implementations.numpy_backend import NumpyOps
from matspec.inputs import MatrixSpec
from matspec.oracles import OracleOps
from matspec.reports.runner import check_form


def test_published_schedules_are_transcribed():
    you = ns.SCHEDULES["youjiacheng"].float_coeffs()
    assert you[0] == (3955 / 1024, -8306 / 1024, 5008 / 1024) and you[-1] == (2172 / 1024, -1833 / 1024, 682 / 1024)
    assert ns.SCHEDULES["muon_quintic"].float_coeffs() == [(3.4445, -4.7750, 2.0315)] * 5
    with mpmath.workdps(40):
        pe = ns.SCHEDULES["polar_express"].mp_coeffs()
        assert abs(pe[0][0] * mpmath.mpf("1.01") - mpmath.mpf("8.28721201814563")) < mpmath.mpf(10) ** -30
    # the document's table, as printed (its rows do not sum to 1)
    doc = ns.SCHEDULES["doc_table"].float_coeffs()
    assert doc[0] == (4.140, -7.553, 3.571)
    assert round(sum(doc[0]), 3) == 0.158


def test_unknown_schedule_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown Newton–Schulz schedule"):
        ns.get_schedule("quintic5")


def test_transfer_band_encloses_the_attained_extremes():
    lo, hi, amin, amax, _ = ns.transfer_band("muon_quintic", pieces=40, tol="1e-4")
    assert lo <= amin <= amax <= hi
    assert amin - lo <= 1e-4 and hi - amax <= 1e-4
    # known figures of Muon's quintic on [1e-3, 1]: min ≈ 0.4705 at σ₀ = 1e-3, max ≈ 1.2024
    assert abs(float(amin) - 0.4705) < 1e-3 and abs(float(amax) - 1.2024) < 1e-3


@pytest.mark.parametrize("schedule", sorted(ns.SCHEDULES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numpy_iteration_within_its_forward_bound(schedule, dtype):
    oracle, ops = OracleOps(), NumpyOps(dtype)
    for seed in range(2):
        spec = MatrixSpec(5, 3, "geometric", 2, 0, seed)
        exact = oracle.newton_schulz(oracle.mat(spec), schedule)
        got = ops.newton_schulz(ops.mat(spec), schedule)
        with mpmath.workdps(60):
            diff = mpmath.sqrt(sum((mpmath.mpf(float(got.data[i, j])) - exact.data[i, j]) ** 2
                                   for i in range(5) for j in range(3)))
        assert diff <= got.err + exact.err, (schedule, dtype, float(diff), got.err)
        # the bound is not vacuous: well below the output's size
        assert got.err < 0.1 * np.linalg.norm(got.data)


def test_float32_iteration_passed_off_as_float64_is_caught():
    """A float64 backend whose iteration secretly runs in float32 violates its own bound."""
    import planted_extra_e

    form = get_claim("newton_schulz.schedules_act_through_transfer").stated
    res = check_form(form, planted_extra_e.NsFloat32(), profile="default", seed=3)
    assert res.status == "refuted", res.message


def test_zero_matrix_maps_to_zero():
    Z = np.zeros((3, 4))
    assert not np.any(ns.iterate(Z, "polar_express"))


def test_torch_bfloat16_iteration_runs_and_stays_bounded():
    torch = pytest.importorskip("torch")
    X, _ = MatrixSpec(16, 8, "geometric", 2, 0, 0).to_numpy()
    Y = ns.iterate(torch.tensor(X, dtype=torch.bfloat16), "youjiacheng")
    assert Y.dtype == torch.bfloat16 and Y.shape == (16, 8)
    s = torch.linalg.svdvals(Y.double())
    assert torch.all(torch.isfinite(s)) and float(s.max()) < 1.3
