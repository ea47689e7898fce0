"""Specs, strategies and the gallery: exact objects, derived materialisation error,
shrinking to a readable minimal case, and clear errors on bad input."""
import json

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings

from matspec.claim import Form
from matspec.catalogue._common import named
from matspec.gallery import GallerySpec, gallery_kinds
from matspec.implementations.base import Domain
from matspec.implementations.numpy_backend import NumpyOps, check_array
from matspec.inputs import MODES, ArraySpec, InputError, MatrixSpec, OrthogonalSpec, spec_from_json
from matspec.reports.runner import check_form
from matspec.strategies import any_matrix, matrices
from matspec.values import le

DOMAIN = Domain(max_dim=6, log10_scale=(-150, 150))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kappa", [0, 6])
def test_prescribed_singular_values_and_kappa(mode, kappa):
    spec = MatrixSpec(m=5, n=3, mode=mode, log10_kappa=kappa, log10_scale=2, seed=3, rank=1 if mode == "rank_deficient" else None)
    sig = spec.sigma_mp()
    assert len(sig) == 3 and all(sig[i] >= sig[i + 1] for i in range(2))
    assert sig[0] == 1
    if mode != "rank_deficient":
        assert mpmath.almosteq(sig[0] / sig[-1], mpmath.mpf(10) ** kappa, rel_eps=mpmath.mpf(10) ** -9)
    X, err = spec.to_numpy()
    s = np.linalg.svd(X, compute_uv=False)
    expected = np.array([float(v) for v in sig]) * 100
    # float64 construction error is bounded by the derived err (Weyl: |σ̂ - σ| ≤ ‖Â - A‖)
    assert np.max(np.abs(s - expected)) <= err + 1e-15 * np.linalg.norm(X)


def test_mp_and_numpy_materialisations_agree_within_the_derived_bound():
    spec = MatrixSpec(m=4, n=6, mode="log_uniform", log10_kappa=10, log10_scale=-100, seed=9)
    X, err = spec.to_numpy()
    M = spec.to_mp(50)
    diff = mpmath.sqrt(sum((M[i, j] - mpmath.mpf(X[i, j])) ** 2 for i in range(4) for j in range(6)))
    assert diff <= err
    assert err < 1e-13 * np.linalg.norm(X)  # and the bound is not vacuous


def test_orthogonal_spec_is_orthogonal():
    Q = OrthogonalSpec(n=7, seed=5).to_mp(50)
    I = Q.T * Q
    assert mpmath.mnorm(I - mpmath.eye(7), "F") < mpmath.mpf(10) ** -45


def test_rank_deficient_is_exactly_rank_deficient_in_the_oracle_view():
    spec = MatrixSpec(m=4, n=4, mode="rank_deficient", rank=2, log10_kappa=3, seed=1)
    with mpmath.workdps(60):
        s = mpmath.svd_r(spec.to_mp(60), compute_uv=False)
    assert sorted(abs(x) for x in s)[:2] < [mpmath.mpf(10) ** -50] * 2


@pytest.mark.parametrize("kind", gallery_kinds())
def test_gallery_materialises(kind):
    g = GallerySpec(kind, n=5, seed=2)
    X, err = g.to_numpy()
    assert X.shape == (5, 5) and np.all(np.isfinite(X)) and err >= 0
    assert spec_from_json(json.loads(json.dumps(g.to_json()))) == g


def test_specs_round_trip_through_json():
    for s in (MatrixSpec(m=2, n=3, mode="rank_deficient", rank=1, seed=4), OrthogonalSpec(n=3, seed=2), ArraySpec.of([[1, 2], [3, 4]])):
        assert spec_from_json(json.loads(json.dumps(s.to_json()))) == s


@settings(max_examples=30, deadline=None)
@given(any_matrix(DOMAIN))
def test_strategy_draws_valid_specs(spec):
    X, err = spec.to_numpy()
    assert X.ndim == 2 and np.all(np.isfinite(X))


def test_false_property_shrinks_to_a_minimal_printed_example():
    """‖A‖₂ <= ‖A‖_max is false; shrinking must end at the smallest readable case."""

    def prop(ops, A):
        M = ops.mat(A)
        return le(ops.norm(M, "2"), ops.norm(M, "max"), "‖A‖₂ <= ‖A‖_max")

    r = check_form(Form("false on purpose", prop, named(A=matrices)), NumpyOps(), seed=0)
    assert r.status == "refuted"
    ce = r.counterexample["A"]
    assert ce["m"] * ce["n"] == 2  # 1×2 or 2×1: the smallest matrix where it fails
    assert ce["log10_kappa"] == 0 and ce["log10_scale"] == 0 and ce["seed"] == 0
    assert "MatrixSpec(m=" in r.counterexample_repr


@pytest.mark.parametrize("bad, msg", [
    (dict(m=0, n=2), "positive integers"),
    (dict(m=2, n=2, mode="nope"), "unknown mode"),
    (dict(m=3, n=3, mode="rank_deficient", rank=3), "rank_deficient"),
    (dict(m=2, n=2, log10_kappa=-1), "log10_kappa"),
])
def test_bad_specs_raise_clear_errors(bad, msg):
    with pytest.raises(InputError, match=msg):
        MatrixSpec(**bad)


@pytest.mark.parametrize("arr, msg", [
    (np.array([1.0, 2.0]), "2-D"),
    (np.zeros((0, 3)), "empty"),
    (np.array([[1.0, np.nan]]), "NaN or Inf"),
    (np.array([[1.0, np.inf]]), "NaN or Inf"),
    (np.array([[1, 2]]), "float64 or float32"),
    ([[1.0]], "numpy.ndarray"),
])
def test_bad_arrays_raise_clear_errors(arr, msg):
    with pytest.raises(InputError, match=msg):
        check_array(arr)


def test_bad_explicit_arrays():
    with pytest.raises(InputError, match="finite"):
        ArraySpec(((1.0, float("nan")),))
    with pytest.raises(InputError, match="equal length"):
        ArraySpec(((1.0, 2.0), (3.0,)))
    with pytest.raises(InputError, match="unknown input type"):
        spec_from_json({"type": "tensor"})


def test_float32_materialisation_refuses_out_of_range_scale():
    with pytest.raises(InputError, match="does not fit in float32"):
        MatrixSpec(m=2, n=2, log10_scale=60).to_numpy(np.float32)
