"""matspec.testing, used exactly as a user would: Hypothesis strategies of arrays with their specs
and assertion helpers applying matspec's error model — on the project's own reference kernels
(they pass) and on planted ones (caught, with the input named)."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matspec.testing import Undecided, arrays, assert_msign, assert_op, assert_svdvals

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "kernels"))
import bad  # noqa: E402
import good  # noqa: E402

HAS_TORCH = importlib.util.find_spec("torch") is not None
FAST = settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@FAST
@given(arrays(max_dim=5))
def test_reference_svdvals_meets_the_error_model(case):
    assert_svdvals(good.svdvals(case.array), case)


@FAST
@given(arrays(max_dim=5, dtype="float32", max_log10_kappa=4))
def test_reference_msign_meets_the_error_model(case):
    assert_msign(good.msign(case.array), case, undecided="skip")  # rank-deficient draws: not determined


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
@FAST
@given(arrays(shape=(24, 16), dtype="float32", framework="torch", max_log10_kappa=6))
def test_bfloat16_muon_kernel_meets_its_band(case):
    import lowprec

    assert_msign(lowprec.muon_quintic(case.array, "bfloat16"), case, contract="band:0.55,1.3,floor_fro=0.002",
                 compute_dtype="bfloat16")


def test_planted_kernels_are_caught_with_the_input_named():
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)
    @given(arrays(max_dim=5, log10_scale=(-3, 3)))
    def check(case):
        assert_svdvals(bad.svdvals_float32(case.array), case)

    with pytest.raises(AssertionError, match=r"svdvals: error exceeds .*MatrixSpec\("):
        check()


def test_batches_are_judged_member_by_member():
    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(arrays(batch=3, max_dim=4))
    def check(case):
        s = np.stack([np.linalg.svd(x, compute_uv=False) for x in case.array])
        assert_svdvals(s, case)
        s[1] = s[1][::-1].copy()  # one member in the wrong order
        if s.shape[-1] > 1 and not np.allclose(s[1], s[1][::-1]):
            with pytest.raises(AssertionError, match="batch member 1"):
                assert_svdvals(s, case)

    check()


def test_undecided_is_never_a_pass():
    A = np.zeros((3, 3))
    with pytest.raises(Undecided, match="not determined"):
        assert_msign(np.eye(3), A)  # the polar factor of 0 is not determined
    with pytest.raises(TypeError):
        assert_op("msign", np.eye(3), A, A)
