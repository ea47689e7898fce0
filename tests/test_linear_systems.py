"""The solve / inv / eigvals ops (NumPy radii against the oracle), the decimal input spec, the
document's analyze_matrix under test, and the torch-less Muon measurement."""
from __future__ import annotations

import json
import sys

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matspec.implementations.base import Domain
from matspec.implementations.numpy_backend import NumpyOps
from matspec.inputs import ArraySpec, MatrixSpec, spec_from_json
from matspec.strategies import matrices, vectors


@pytest.fixture(scope="module")
def oracle():
    from matspec.oracles import OracleOps

    return OracleOps()


def _dist(ops_mat, oracle_mat):
    X = np.asarray(ops_mat.data, dtype=np.float64)
    with mpmath.workdps(60):
        return float(mpmath.sqrt(mpmath.fsum((mpmath.mpf(float(X[i, j])) - oracle_mat.data[i, j]) ** 2
                                             for i in range(X.shape[0]) for j in range(X.shape[1]))))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@settings(max_examples=15, deadline=None, database=None)
@given(data=st.data())
def test_solve_and_inv_radius_covers_the_true_error(oracle, dtype, data):
    ops = NumpyOps(dtype)
    d = Domain(6, (-20, 20), 16 if dtype == "float64" else 7)
    n = data.draw(st.integers(1, 6))
    A = data.draw(matrices(d, m=n, n=n, full_rank=True))
    b = data.draw(vectors(d, n=n))
    # judged on the exact input the backend received (after its rounding)
    MA, Mb = ops.mat(A), ops.mat(b)
    exactA = ArraySpec.of(np.asarray(MA.data, dtype=np.float64).tolist())
    exactb = ArraySpec.of(np.asarray(Mb.data, dtype=np.float64).tolist())
    x = ops.solve(ops.mat(exactA), ops.mat(exactb))
    X = ops.inv(ops.mat(exactA))
    ox = oracle.solve(oracle.mat(exactA), oracle.mat(exactb))
    oX = oracle.inv(oracle.mat(exactA))
    assert _dist(x, ox) <= x.err + float(ox.err), (A, b)
    assert _dist(X, oX) <= X.err + float(oX.err), A


def test_solve_radius_on_hard_matrices(oracle):
    ops = NumpyOps("float64")
    from matspec.gallery import GallerySpec

    for kind, n in (("hilbert", 8), ("kahan", 10), ("grcar", 8)):
        A = GallerySpec(kind=kind, n=n)
        X, _ = A.to_numpy()
        exactA = ArraySpec.of(X.tolist())
        b = ArraySpec.column([1.0] * n)
        x = ops.solve(ops.mat(exactA), ops.mat(b))
        ox = oracle.solve(oracle.mat(exactA), oracle.mat(b))
        assert np.isfinite(x.err) and _dist(x, ox) <= x.err + float(ox.err), kind


def test_singular_solve_is_undecided_not_nan():
    ops = NumpyOps("float64")
    x = ops.solve(ops.mat(ArraySpec.of([[1.0, 2.0], [2.0, 4.0]])), ops.mat(ArraySpec.column([1.0, 1.0])))
    assert x.err == float("inf") and np.all(np.isfinite(x.data))


def test_eigvals_discs_hold_the_oracle_eigenvalues(oracle):
    A = ArraySpec.of([[2.0, 1.0, 0.0], [0.5, -1.0, 3.0], [0.0, -2.0, 0.25]])  # complex pair + a real one
    for dtype in ("float64", "float32"):
        ops = NumpyOps(dtype)
        got = ops.eigvals(ops.mat(A))
        want = oracle.eigvals(oracle.mat(A))
        assert all(np.isfinite(c.rad) for c in got)
        for w in want:
            z = complex(float(w.re), float(w.im))
            assert min(float(c.dist(z).mid) - float(c.rad) for c in got) <= float(w.rad), (dtype, z)
    # a Jordan block: eigenvalues not separable, radius infinite (undecided), never a pass
    J = NumpyOps("float64").eigvals(NumpyOps("float64").mat(ArraySpec.of([[0.5, 1.0], [0.0, 0.5]])))
    assert all(not c.is_finite() for c in J)


def test_decimal_spec_round_trip_and_exactness(oracle):
    from matspec.catalogue.linear_systems import DecimalSpec

    D = DecimalSpec.of([["1", "1"], ["1", "1.0001"]])
    again = spec_from_json(json.loads(json.dumps(D.to_json())))
    assert again == D
    M = oracle.mat(D)
    with mpmath.workdps(60):
        assert M.data[1, 1] - mpmath.mpf("1.0001") == 0
    X, err = D.to_numpy(np.float32)
    assert X.dtype == np.float32 and err > 0
    with pytest.raises(Exception):
        DecimalSpec.of([["1", "nan"]])


def test_document_analyze_matrix_findings():
    from matspec.implementations.doc_analyze_matrix import run_doc, run_fixed

    ill = run_doc(np.array([[1.0, 1.0], [1.0, 1.000001]]))
    # the seed's printed figures
    assert (ill.rank, ill.sigma_max, ill.sigma_min, ill.cond, ill.conclusion) == (2, 2.000001, 0.0, 4000002.0, "ill")
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert run_doc(sing).cond == float("inf") and run_doc(sing).conclusion == "ill"  # the unreachable branch
    assert run_fixed(sing).conclusion == "singular"
    tiny = 1e-16 * np.eye(2)
    assert run_doc(tiny).conclusion == "ill" and run_fixed(tiny).conclusion == "well"


def test_muon_claim_is_undecided_without_torch(monkeypatch):
    from matspec.catalogue import get_claim
    from matspec.claim import Verdict
    from matspec.reports.runner import evaluate_claim

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch → ImportError
    r = evaluate_claim(get_claim("linear_systems.muon_updates_low_rank"), None)
    assert r.computed == Verdict.UNDECIDED and "torch" in r.stated.message


def test_bauer_fike_numpy_radius_is_honest_on_a_drawn_case(oracle):
    """The claim's numpy outcome rests on eigvals radii: check one non-normal case end to end."""
    A = MatrixSpec(m=4, n=4, mode="geometric", log10_kappa=2, log10_scale=0, seed=5)
    X, _ = A.to_numpy()
    exact = ArraySpec.of(X.tolist())
    got = NumpyOps("float64").eigvals(NumpyOps("float64").mat(exact))
    want = oracle.eigvals(oracle.mat(exact))
    for w in want:
        z = complex(float(w.re), float(w.im))
        near = [c for c in got if np.isfinite(c.rad)]
        assert not near or min(float(c.dist(z).mid) - float(c.rad) for c in near) <= float(w.rad)
