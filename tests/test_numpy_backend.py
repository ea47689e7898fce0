"""Accuracy of the NumPy backend against the oracle, judged on the exact input the backend
received (input rounding is not blamed on the op): every op's value must lie within its
derived radius of the oracle's value.  This is what keeps the tolerance model honest in
the other direction — radii that are too small fail here."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matspec.implementations.base import Domain
from matspec.implementations.numpy_backend import NumpyOps
from matspec.inputs import ArraySpec, InputError
from matspec.strategies import any_matrix

NORMS = [("1", None, None), ("2", None, None), ("inf", None, None), ("fro", None, None), ("nuc", None, None),
         ("max", None, None), ("schatten", 3, None), ("schatten", 1.5, None), ("kyfan", None, 1)]


@pytest.fixture(scope="module")
def oracle():
    from matspec.oracles import OracleOps

    return OracleOps()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@settings(max_examples=15, deadline=None, database=None)
@given(data=st.data())
def test_norms_and_svdvals_within_radius_of_oracle(oracle, dtype, data):
    ops = NumpyOps(dtype)
    spec = data.draw(any_matrix(Domain(max_dim=6, log10_scale=ops.domain("default").log10_scale)))
    X = ops.mat(spec).data  # what the backend computes on
    A = ops.mat(X)
    assert A.err == 0.0
    ref = oracle.mat(ArraySpec.of(X.astype(np.float64).tolist()))
    for kind, p, k in NORMS:
        v, t = ops.norm(A, kind, p=p, k=k), oracle.norm(ref, kind, p=p, k=k)
        assert abs(v.mid - t.mid) <= v.rad + t.rad, f"{kind}: {v} vs oracle {t}"
    for v, t in zip(ops.svdvals(A), oracle.svdvals(ref)):
        assert abs(v.mid - t.mid) <= v.rad + t.rad


def test_radii_are_not_vacuous():
    """The derived radii must stay far below the quantities they bound."""
    ops = NumpyOps("float32")
    A = ops.mat(np.random.default_rng(0).standard_normal((16, 16)).astype(np.float32))
    for kind, p, k in NORMS:
        v = ops.norm(A, kind, p=p, k=k)
        assert v.rad < 1e-3 * v.mid, f"{kind} radius {v.rad} vs value {v.mid}"


@pytest.mark.parametrize("bad, msg", [
    (np.ones(3), "2-D"), (np.ones((2, 0)), "empty"), (np.array([[np.nan]]), "NaN"), (np.ones((2, 2), dtype=int), "float64 or float32"),
])
def test_backend_rejects_bad_arrays(bad, msg):
    with pytest.raises(InputError, match=msg):
        NumpyOps().mat(bad)


def test_backend_rejects_bad_op_arguments():
    ops = NumpyOps()
    A = ops.mat(np.eye(3))
    with pytest.raises(ValueError, match="p >= 1"):
        ops.norm(A, "schatten", p=0.5)
    with pytest.raises(ValueError, match="Ky Fan"):
        ops.norm(A, "kyfan", k=4)
    with pytest.raises(ValueError, match="unknown norm kind"):
        ops.norm(A, "spectral")
    with pytest.raises(InputError, match="shape mismatch"):
        ops.matmul(A, ops.mat(np.ones((2, 2))))
    with pytest.raises(ValueError, match="supports float64 and float32"):
        NumpyOps("float16")
