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


# ---- cond, lstsq, tikhonov_solve, power_norm, hippo_legs ----------------------------------
# check_new_ops is shared with tests/test_torch_backend.py: it judges any backend's answers on
# the exact entries the backend holds against the oracle's.

import math  # noqa: E402

import mpmath  # noqa: E402

from matspec.implementations.base import COND_KINDS, Mat, Unsupported  # noqa: E402
from matspec.strategies import matrices  # noqa: E402
from matspec.values import Val  # noqa: E402


def _f64(X):
    if hasattr(X, "detach"):
        import torch

        return X.detach().to("cpu", torch.float64).numpy()
    return np.asarray(X, dtype=np.float64)


def _ref(oracle, X):
    return oracle.mat(ArraySpec.of(_f64(X).tolist()))


def _within(C, R, what):
    assert C.shape == R.shape, f"{what}: shape {C.shape} vs oracle {R.shape}"
    with mpmath.workdps(60):
        d = mpmath.mnorm(mpmath.matrix(_f64(C.data).tolist()) - R.data, "f")
    assert d <= mpmath.mpf(C.err) + R.err, f"{what}: distance {mpmath.nstr(d, 5)} > radius {C.err:.3g} + {mpmath.nstr(R.err, 3)}"


def _near(v, t, what):
    assert abs(v.mid - t.mid) <= v.rad + t.rad, f"{what}: {v} vs oracle {t}"


def check_new_ops(ops, oracle, A, b, allow_unsupported=False) -> int:
    """cond (every kind), lstsq, tikhonov_solve, power_norm and hippo_legs of the received A (m×n)
    and b (m×k) against the oracle; returns how many results had a finite radius (decided)."""
    RA, Rb = _ref(oracle, A.data), _ref(oracle, b.data)
    decided = 0

    def attempt(fn):
        try:
            return fn()
        except Unsupported:
            if not allow_unsupported:
                raise
            return None

    for p in COND_KINDS:
        if p != "2" and A.m != A.n:
            continue
        v = attempt(lambda: ops.cond(A, p))
        if v is not None and v.is_finite():
            _near(v, oracle.cond(RA, p), f"{ops.id} cond {p}")
            decided += 1
    x = attempt(lambda: ops.lstsq(A, b))
    if x is not None and math.isfinite(x.err):
        _within(x, oracle.lstsq(RA, Rb), f"{ops.id} lstsq")
        decided += 1
    fa = float(np.linalg.norm(_f64(A.data)))
    lam = fa * fa / 9 if fa > 0 else 0.5
    x = attempt(lambda: ops.tikhonov_solve(A, b, lam))
    if x is not None and math.isfinite(x.err):
        _within(x, oracle.tikhonov_solve(RA, Rb, lam), f"{ops.id} tikhonov_solve")
        decided += 1
    for iters in (2, 6):
        v = attempt(lambda: ops.power_norm(A, iters, seed=3))
        if v is not None and v.is_finite():
            _near(v, oracle.power_norm(RA, iters, seed=3), f"{ops.id} power_norm iters={iters}")
            decided += 1
    H = attempt(lambda: ops.hippo_legs(A.n))
    if H is not None:
        RH = oracle.hippo_legs(A.n)
        _within(H[0], RH[0], f"{ops.id} hippo_legs A")
        _within(H[1], RH[1], f"{ops.id} hippo_legs B")
        decided += 1
    return decided


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@settings(max_examples=8, deadline=None, database=None)
@given(data=st.data())
def test_cond_lstsq_tikhonov_power_hippo_within_radius_of_oracle(oracle, dtype, data):
    ops = NumpyOps(dtype)
    lo, hi = ops.domain("default").log10_scale
    d = Domain(max_dim=5, log10_scale=(lo // 2, hi // 2))
    A = ops.mat(ops.mat(data.draw(any_matrix(d))).data)
    b = ops.mat(ops.mat(data.draw(matrices(d, m=A.m, n=data.draw(st.integers(1, 2))))).data)
    check_new_ops(ops, oracle, A, b)


def test_new_ops_radii_are_not_vacuous():
    rng = np.random.default_rng(4)
    for dtype, frac in (("float64", 1e-10), ("float32", 1e-2)):
        ops = NumpyOps(dtype)
        A = ops.mat(rng.standard_normal((8, 5)).astype(dtype))
        S = ops.mat(rng.standard_normal((6, 6)).astype(dtype))
        b = ops.mat(rng.standard_normal((8, 1)).astype(dtype))
        for p in COND_KINDS:
            v = ops.cond(S, p)
            assert v.rad < frac * v.mid, f"{dtype} cond {p}: {v}"
        for X in (ops.lstsq(A, b), ops.tikhonov_solve(A, b, 0.5)):
            assert X.err < frac * float(np.linalg.norm(X.data))
        v = ops.power_norm(A, 10, seed=1)
        assert v.rad < frac * v.mid
        H, B = ops.hippo_legs(16)
        assert H.err < frac * float(np.linalg.norm(H.data)) and B.err < frac * float(np.linalg.norm(B.data))


def test_new_ops_singular_and_bad_arguments():
    ops = NumpyOps()
    Z = ops.mat(np.array([[1.0, 2.0], [2.0, 4.0]]))
    for p in COND_KINDS:
        v = ops.cond(Z, p)
        assert not v.is_finite() and math.isfinite(v.mid), f"singular A: cond {p} must be undecided, got {v}"
    assert not math.isfinite(ops.lstsq(Z, ops.mat(np.ones((2, 1)))).err)  # A⁺ is discontinuous there
    assert math.isfinite(ops.tikhonov_solve(Z, ops.mat(np.ones((2, 1))), 0.1).err)  # λ > 0 regularises
    zero = ops.power_norm(ops.mat(np.zeros((3, 2))), 3)
    assert zero.mid == 0 and zero.rad == 0
    with pytest.raises(ValueError, match="cond needs p"):
        ops.cond(Z, "nuc")
    with pytest.raises(InputError, match="square"):
        ops.cond(ops.mat(np.ones((2, 3))), "1")
    with pytest.raises(ValueError, match="lambda > 0"):
        ops.tikhonov_solve(Z, Z, 0.0)
    with pytest.raises(ValueError, match="iters >= 1"):
        ops.power_norm(Z, 0)
    with pytest.raises(ValueError, match="n >= 1"):
        ops.hippo_legs(0)
    with pytest.raises(InputError, match="shape mismatch"):
        ops.lstsq(Z, ops.mat(np.ones((3, 1))))


# Planted wrong versions, written as mixins over any backend (NumPy here, torch in
# tests/test_torch_backend.py): each keeps the honest op's radius, as the buggy kernel would claim.

class CondSwappedNorm:
    """κ₁ computed with the ∞-norm and vice versa (a swapped norm)."""

    def cond(self, A, p="2"):
        good = super().cond(A, p)
        return Val(super().cond(A, {"1": "inf", "inf": "1"}.get(p, p)).mid, good.rad)


class LstsqBasicSolution:
    """A wide system solved on its first m columns only (a basic, not the minimum-norm, solution)."""

    def lstsq(self, A, b):
        good = super().lstsq(A, b)
        if A.m >= A.n:
            return good
        xs = self.solve(Mat(A.data[:, : A.m], A.err, (A.m, A.m)), b)
        X = good.data * 0
        X[: A.m] = xs.data
        return Mat(X, good.err, good.shape)


class TikhonovLambdaNotRooted:
    """[A; λI] instead of [A; √λ I]: solves with λ² (the square root forgotten)."""

    def tikhonov_solve(self, A, b, lam):
        good = super().tikhonov_solve(A, b, lam)
        return Mat(super().tikhonov_solve(A, b, lam * lam).data, good.err, good.shape)


class PowerOneStepShort:
    """Returns the estimate of one power step fewer than asked."""

    def power_norm(self, A, iters, seed=0):
        good = super().power_norm(A, iters, seed)
        return Val(super().power_norm(A, max(iters - 1, 1), seed).mid, good.rad)


class HippoDiagonalOffByOne:
    """A's diagonal −i instead of −(i + 1) (0-based index off by one)."""

    def hippo_legs(self, n):
        A, B = super().hippo_legs(n)
        X = A.data.clone() if hasattr(A.data, "clone") else A.data.copy()
        for i in range(n):
            X[i, i] = -i
        return Mat(X, A.err, A.shape), B


PLANTED_NEW_OPS = [(CondSwappedNorm, "cond 1"), (LstsqBasicSolution, "lstsq"),
                   (TikhonovLambdaNotRooted, "tikhonov_solve"), (PowerOneStepShort, "power_norm iters=2"),
                   (HippoDiagonalOffByOne, "hippo_legs A")]


def planted_inputs(ops):
    """A wide 3×5 and a square nonsymmetric 4×4 (κ₁ ≠ κ∞), with right-hand sides."""
    rng = np.random.default_rng(11)
    W = rng.standard_normal((3, 5)) * 2
    S = rng.standard_normal((4, 4)) * 2 + np.diag([6.0, 0, 0, 0])
    return [(ops.mat(W), ops.mat(rng.standard_normal((3, 1)))), (ops.mat(S), ops.mat(rng.standard_normal((4, 2))))]


def assert_planted_new_op_caught(backend_cls, dtype, oracle, bug, needle):
    """The honest backend passes check_new_ops on planted_inputs; the same backend with the
    planted mixin (overriding one op) fails it with ``needle`` in the message."""
    honest = backend_cls(dtype)
    for A, b in planted_inputs(honest):
        assert check_new_ops(honest, oracle, A, b) > 0
    bad = type(f"Planted{bug.__name__}", (bug, backend_cls), {})(dtype)
    with pytest.raises(AssertionError, match=needle):
        for A, b in planted_inputs(bad):
            check_new_ops(bad, oracle, A, b)


@pytest.mark.parametrize("bug, needle", PLANTED_NEW_OPS, ids=[p[0].__name__ for p in PLANTED_NEW_OPS])
def test_planted_new_op_is_caught(oracle, bug, needle):
    assert_planted_new_op_caught(NumpyOps, "float64", oracle, bug, needle)
