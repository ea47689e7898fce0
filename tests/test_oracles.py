"""Unit tests for the mpmath oracle (matspec.oracles): closed forms, certificates that
refuse, the cache, input validation, and the op set's agreement with NumPy's semantics."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from matspec.implementations.base import OpSet, OracleRefused, Unsupported
from matspec.implementations.numpy_backend import NumpyOps
from matspec.inputs import ArraySpec, InputError, MatrixSpec, MODES, OrthogonalSpec
from matspec.oracles import OracleOps
from matspec.oracles import mp as O
from matspec.values import Val, eq

DPS = O.working_dps(O.DEFAULT_DIGITS)


@pytest.fixture(autouse=True)
def _fresh_cache_and_precision():
    # The oracle sets its own precision; the tests' own reference values (sqrt(40), 3/5)
    # must be formed at the working precision too, not at mpmath's default 15 digits.
    O.cache_clear()
    with mpmath.workdps(DPS):
        yield
    O.cache_clear()


def test_results_do_not_depend_on_the_ambient_precision():
    A = MatrixSpec(4, 3, seed=9, log10_kappa=3).to_mp(DPS)
    with mpmath.workdps(15):
        U, S, Vt, b = O.svd(A)
        x, bx = O.solve([[4, 7], [2, 6]], [1, 2])
    O.cache_clear()
    U2, S2, Vt2, b2 = O.svd(A)
    assert S == S2 and b == b2 and U == U2
    assert O.solve([[4, 7], [2, 6]], [1, 2])[0] == x


def mpm(rows):
    return mpmath.matrix([[mpmath.mpf(x) for x in r] for r in rows])


def diag_rect(d, m, n):
    A = mpmath.zeros(m, n)
    for i, x in enumerate(d):
        A[i, i] = mpmath.mpf(x)
    return A


def close(x, y, bound):
    """|x − y| ≤ bound, evaluated at high precision."""
    with mpmath.workdps(DPS + 20):
        return abs(mpmath.mpf(x) - mpmath.mpf(y)) <= bound


# --------------------------------------------------------------------------------
# singular values against closed forms
# --------------------------------------------------------------------------------

@pytest.mark.parametrize("m,n", [(4, 4), (6, 4), (4, 6), (1, 1)])
def test_svd_diagonal_is_sorted_abs(m, n):
    d = [3.0, -7.5, 0.0, 1e-3, 2.0, -1.0][: min(m, n)]
    A = diag_rect(d, m, n)
    U, S, Vt, bound = O.svd(A)
    expect = sorted((abs(x) for x in d), reverse=True)
    assert len(S) == min(m, n)
    assert all(S[i] >= S[i + 1] for i in range(len(S) - 1))
    for s, e in zip(S, expect):
        assert close(s, e, bound)
    assert 0 < bound < mpmath.mpf(10) ** -55 * 8
    # A = U diag(S) Vt
    with mpmath.workdps(DPS):
        assert O._fro(A - O._scale_cols(U, S) * Vt) <= bound


def test_svd_zero_matrix_and_one_by_one():
    U, S, Vt, bound = O.svd(mpmath.zeros(3, 2))
    assert S == [0, 0] and bound == 0
    _, S, _, bound = O.svd(mpm([[-5]]))
    assert close(S[0], 5, bound)


def test_svd_orthogonal_matrix_has_unit_singular_values():
    Q = OrthogonalSpec(6, seed=4).to_mp(DPS)
    S, bound = O.svdvals(Q)
    assert len(S) == 6
    for s in S:
        assert close(s, 1, bound)


def test_svd_rank_one():
    x = [1.5, -2.0, 0.25, 3.0, 1.0]
    y = [2.0, 0.5, -1.0, 4.0]
    A = mpmath.matrix([[a * b for b in y] for a in x])
    S, bound = O.svdvals(A)
    with mpmath.workdps(DPS):
        expect = mpmath.sqrt(sum(mpmath.mpf(a) ** 2 for a in x)) * mpmath.sqrt(sum(mpmath.mpf(b) ** 2 for b in y))
    assert close(S[0], expect, bound)
    for s in S[1:]:
        assert close(s, 0, bound)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_svd_matrix_spec_modes(mode, shape):
    m, n = shape
    spec = MatrixSpec(m, n, mode=mode, log10_kappa=6, log10_scale=-3, seed=11,
                      rank=1 if mode == "rank_deficient" else None)
    A = spec.to_mp(DPS)
    S, bound = O.svdvals(A)
    with mpmath.workdps(DPS):
        expect = [s * mpmath.mpf(10) ** spec.log10_scale for s in spec.sigma_mp()]
        spec_err = mpmath.mpf(10) ** (-DPS + 5) * O._fro(A)  # materialisation (see OracleOps.mat)
    for s, e in zip(S, expect):
        assert close(s, e, bound + spec_err)
    with mpmath.workdps(DPS):
        assert bound <= mpmath.mpf(10) ** -O.DEFAULT_DIGITS * O._fro(A)


# Hilbert matrix κ₂ = σ₁/σ_n.  The brief listed 1.5513738639701e4, 1.4951058642e7,
# 4.7536735652e8 and 1.5257575567e10 for n = 4, 6, 7, 8: those are wrong from the 8th-10th
# significant digit.  Recomputed in mpmath at 50 and 80 digits three ways (SVD, eigsy of H,
# and λ_max(H)·λ_max(H⁻¹) with the exact integer inverse, ‖H·H⁻¹ − I‖ < 1e-70):
HILBERT_KAPPA = {
    4: "15513.738738932588223",
    5: "476607.25024256080938",  # the brief's 4.7660725024e5 agrees
    6: "14951058.640131216775",
    7: "475367354.98817899256",
    8: "15257575741.646942839",
}


@pytest.mark.parametrize("n", sorted(HILBERT_KAPPA))
def test_hilbert_condition_numbers(n):
    with mpmath.workdps(DPS):
        H = mpmath.matrix(n, n)
        for i in range(n):
            for j in range(n):
                H[i, j] = mpmath.mpf(1) / (i + j + 1)
    S, bound = O.svdvals(H)
    kappa = Val(S[0], bound) / Val(S[-1], bound)
    with mpmath.workdps(DPS):
        ref = mpmath.mpf(HILBERT_KAPPA[n])  # 20 significant digits
        # certified to far more than the 10 significant digits asked for
        assert kappa.rad < ref * mpmath.mpf(10) ** -20
        assert abs(kappa.mid - ref) <= ref * mpmath.mpf(10) ** -19
    assert abs(float(kappa.mid) / float(ref) - 1) < 1e-10


# --------------------------------------------------------------------------------
# norms
# --------------------------------------------------------------------------------

def test_induced_one_and_inf_norms():
    A = [[1, 2], [-3, 4]]
    v, b = O.norm(A, "1")
    assert v == 6 and b < 1e-55
    v, b = O.norm(A, "inf")
    assert v == 7 and b < 1e-55
    assert O.induced(A, "1", "1")[0] == 6
    assert O.induced(A, "inf", "inf")[0] == 7
    # ∞→1: max over sign vectors of ‖As‖₁; s = (1, −1) gives (−1, −7).
    assert O.induced(A, "inf", "1")[0] == 8
    # 2→1 = ‖Aᵀ‖_{∞→2}: s = (1, 1) gives (−2, 6).
    v, b = O.induced(A, "2", "1")
    assert close(v, mpmath.sqrt(40), b)
    v, b = O.induced(A, "1", "2")  # max column 2-norm
    assert close(v, mpmath.sqrt(20), b)
    v2, b2 = O.induced(A, "2", "2")
    n2, _ = O.norm(A, "2")
    assert v2 == n2


def test_induced_enumeration_is_capped():
    A = [[1.0] * (O.ORACLE_MAX_ENUM_DIM + 1)]
    with pytest.raises(Unsupported):
        O.induced(A, "inf", "1")
    O.induced([[1.0] * O.ORACLE_MAX_ENUM_DIM], "inf", "1")


def test_schatten_kyfan_nuclear_on_diagonal():
    A = diag_rect([3, -4, 1, 0], 4, 5)  # σ = 4, 3, 1, 0
    with mpmath.workdps(DPS):
        cases = {
            ("nuc", None, None): mpmath.mpf(8),
            ("2", None, None): mpmath.mpf(4),
            ("fro", None, None): mpmath.sqrt(26),
            ("max", None, None): mpmath.mpf(4),
            ("schatten", 1, None): mpmath.mpf(8),
            ("schatten", 2, None): mpmath.sqrt(26),
            ("schatten", 3, None): mpmath.cbrt(64 + 27 + 1),
            ("schatten", 1.5, None): (mpmath.mpf(8) + mpmath.mpf(27) ** 0.5 + 1) ** (mpmath.mpf(2) / 3),
            ("schatten", math.inf, None): mpmath.mpf(4),
            ("kyfan", None, 1): mpmath.mpf(4),
            ("kyfan", None, 2): mpmath.mpf(7),
            ("kyfan", None, 4): mpmath.mpf(8),
        }
    for (kind, p, k), expect in cases.items():
        v, b = O.norm(A, kind, p=p, k=k)
        assert close(v, expect, b), (kind, p, k, v, expect, b)
        assert b < 1e-54


def test_norm_argument_errors():
    with pytest.raises(ValueError):
        O.norm([[1.0]], "schatten", p=0.5)
    with pytest.raises(ValueError):
        O.norm([[1.0, 2.0]], "kyfan", k=2)
    with pytest.raises(ValueError):
        O.norm([[1.0]], "spectral")


def test_vnorm_all_p():
    x = [3, -4, 0]
    assert O.vnorm(x, 2)[0] == 5
    assert O.vnorm(x, 1)[0] == 7
    assert O.vnorm(x, math.inf)[0] == 4
    assert O.vnorm(x, "inf")[0] == 4
    v, b = O.vnorm([1, 1], 0.5)  # quasi-norm: (1 + 1)^2 = 4
    assert close(v, 4, b)
    v, b = O.vnorm(mpm([[1], [2], [2]]), 3)
    assert close(v, mpmath.cbrt(17), b)
    for bad in (0, -1, float("nan")):
        with pytest.raises(InputError):
            O.vnorm(x, bad)


# --------------------------------------------------------------------------------
# eigenvalues, inverse, solve, polar
# --------------------------------------------------------------------------------

def test_eigvalsh_known():
    vals, b = O.eigvalsh([[2, 1], [1, 2]])
    assert close(vals[0], 3, b) and close(vals[1], 1, b)
    D = diag_rect([5, -2, 0.5, 7], 4, 4)
    Q = OrthogonalSpec(4, seed=2).to_mp(DPS)
    with mpmath.workdps(DPS):
        A = Q * D * Q.T
        A = (A + A.T) / 2
    vals, b = O.eigvalsh(A)
    for v, e in zip(vals, [7, 5, 0.5, -2]):
        assert close(v, e, b + mpmath.mpf(10) ** (-DPS + 5) * 10)


def test_eig_rotation_and_triangular():
    vals, bnds = O.eig([[0, -1], [1, 0]])
    assert close(vals[0].imag, 1, bnds[0]) and close(vals[0].real, 0, bnds[0])
    assert close(vals[1].imag, -1, bnds[1]) and close(vals[1].real, 0, bnds[1])
    T = [[2, 1, 5, -1], [0, -3, 2, 2], [0, 0, 0.5, 7], [0, 0, 0, 4]]
    vals, bnds = O.eig(T)
    for v, b, e in zip(vals, bnds, [4, 2, 0.5, -3]):
        assert abs(v - e) <= b


def test_eig_of_1x1_is_the_entry():
    # mpmath.eig answers 1×1 input with a 3-tuple even without vectors; the oracle must not
    # mistake it for the eigenvalues.
    vals, bounds = O.eig([[-2.75]])
    assert vals == [mpmath.mpc(-2.75)] and bounds == [0]


def test_eig_refuses_a_defective_eigenvalue():
    # A = S J Sᵀ-like similarity with integer entries: S unit lower triangular (integer
    # inverse), J the nilpotent 6×6 Jordan block.  All eigenvalues are exactly 0, but a
    # backward error of 1e-60 moves them by ~1e-10: the two precisions disagree.
    n = 6
    S = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(i + 1):
            S[i, j] = 1
    Si = mpmath.inverse(S)
    J = mpmath.matrix(n, n)
    for i in range(n - 1):
        J[i, i + 1] = 1
    A = S * J * Si
    with pytest.raises(OracleRefused, match="eig"):
        O.eig(A)


def test_inv_and_solve():
    A = [[4, 7], [2, 6]]
    X, b = O.inv(A)
    expect = [[0.6, -0.7], [-0.2, 0.4]]
    with mpmath.workdps(DPS):
        err = O._fro(X - mpmath.matrix([[mpmath.mpf(6) / 10, mpmath.mpf(-7) / 10], [mpmath.mpf(-2) / 10, mpmath.mpf(4) / 10]]))
    assert err <= b < 1e-55
    assert np.allclose(np.array(X.tolist(), dtype=float), expect)
    x, b = O.solve(A, [1, 2])
    assert close(x[0], mpmath.mpf(-8) / 10, b) and close(x[1], mpmath.mpf(6) / 10, b)
    x2, _ = O.solve(A, [[1, 0], [2, 1]])
    assert x2.cols == 2 and close(x2[0, 1], mpmath.mpf(-7) / 10, 1e-50)
    with pytest.raises(OracleRefused):
        O.inv([[1, 2], [2, 4]])
    with pytest.raises(InputError):
        O.inv([[1, 2, 3], [4, 5, 6]])


def test_polar_of_signed_diagonal_is_sign_matrix():
    Q, b = O.polar(diag_rect([2, -3, 0.5], 3, 3))
    with mpmath.workdps(DPS):
        assert O._fro(Q - diag_rect([1, -1, 1], 3, 3)) <= b
    assert b < 1e-50
    # rectangular: the polar factor of [[3], [4]] is [[0.6], [0.8]]
    Q, b = O.polar([[3], [4]])
    assert close(Q[0, 0], mpmath.mpf(3) / 5, b) and close(Q[1, 0], mpmath.mpf(4) / 5, b)
    with pytest.raises(OracleRefused, match="rank deficient"):
        O.polar(diag_rect([1, 0], 2, 2))


# --------------------------------------------------------------------------------
# certificates refuse corrupted results
# --------------------------------------------------------------------------------

def test_corrupted_singular_values_are_refused(monkeypatch):
    real = mpmath.svd_r

    def perturbed(A, **kw):
        U, S, V = real(A, **kw)
        S = S.copy()
        S[0] = S[0] * (1 + mpmath.mpf(10) ** -25)
        return U, S, V

    monkeypatch.setitem(O._ROUTE, "route", "plain")  # the planted bug is in the plain route

    monkeypatch.setattr(mpmath, "svd_r", perturbed)
    with pytest.raises(OracleRefused, match="svd"):
        O.svd(MatrixSpec(4, 3, seed=5, log10_kappa=2).to_mp(DPS))


def test_small_corruption_is_covered_by_the_bound(monkeypatch):
    # A corruption below the refusal level must show up in the certificate, not vanish.
    real = mpmath.svd_r
    A = MatrixSpec(4, 3, seed=5, log10_kappa=2).to_mp(DPS)
    exact = O.svdvals(A)[0]
    O.cache_clear()

    def perturbed(M, **kw):
        U, S, V = real(M, **kw)
        S = S.copy()
        S[1] = S[1] * (1 + mpmath.mpf(10) ** -40)
        return U, S, V

    monkeypatch.setitem(O._ROUTE, "route", "plain")  # the planted bug is in the plain route

    monkeypatch.setattr(mpmath, "svd_r", perturbed)
    S, bound = O.svdvals(A)
    assert abs(S[1] - exact[1]) <= bound
    assert bound >= mpmath.mpf(10) ** -40 * exact[1] * mpmath.mpf("0.99")


def test_corrupted_singular_vectors_are_refused(monkeypatch):
    real = mpmath.svd_r

    def skewed(A, **kw):
        U, S, V = real(A, **kw)
        U = U.copy()
        U[0, 0] = U[0, 0] + mpmath.mpf(10) ** -28
        return U, S, V

    monkeypatch.setitem(O._ROUTE, "route", "plain")  # the planted bug is in the plain route

    monkeypatch.setattr(mpmath, "svd_r", skewed)
    with pytest.raises(OracleRefused):
        O.svd(MatrixSpec(4, 4, seed=6).to_mp(DPS))


def test_corrupted_eigenvalues_are_refused(monkeypatch):
    real = mpmath.eigsy

    def perturbed(A, **kw):
        E, Q = real(A, **kw)
        E = E.copy()
        E[0] = E[0] + mpmath.mpf(10) ** -20
        return E, Q

    monkeypatch.setitem(O._ROUTE, "route", "plain")  # the planted bug is in the plain route

    monkeypatch.setattr(mpmath, "eigsy", perturbed)
    with pytest.raises(OracleRefused, match="eigvalsh"):
        O.eigvalsh([[2, 1], [1, 3]])


def test_asymmetric_input_is_refused_by_eigvalsh():
    with pytest.raises(OracleRefused, match="symmetric"):
        O.eigvalsh([[2, 1], [1.5, 3]])


# --------------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------------

def test_cache_returns_the_same_object():
    A = MatrixSpec(5, 4, seed=3).to_mp(DPS)
    r1 = O.svd(A)
    r2 = O.svd(A.copy())  # keyed by entries, not identity
    assert r1 is r2
    assert O.svd(A, digits=20) is not r1
    e1 = O.eigvalsh([[2, 1], [1, 3]])
    assert O.eigvalsh(np.array([[2.0, 1.0], [1.0, 3.0]])) is e1
    g1 = O.eig([[0, 1], [-2, 3]])
    assert O.eig([[0, 1], [-2, 3]]) is g1
    info = O.cache_info()
    assert info["hits"] >= 3 and info["size"] == 4 and info["maxsize"] == 512


def test_cache_remembers_refusals(monkeypatch):
    A = [[1, 0], [0, 0]]
    real = mpmath.svd_r
    calls = []

    def bad(M, **kw):
        calls.append(1)
        U, S, V = real(M, **kw)
        S = S.copy()
        S[0] += mpmath.mpf(10) ** -10
        return U, S, V

    monkeypatch.setitem(O._ROUTE, "route", "plain")  # the planted bug is in the plain route

    monkeypatch.setattr(mpmath, "svd_r", bad)
    for _ in range(2):
        with pytest.raises(OracleRefused):
            O.svdvals(A)
    assert len(calls) == 1


# --------------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    np.array([[1.0, np.nan]]),
    np.array([[np.inf, 1.0]]),
    [[1.0, float("nan")]],
    np.zeros((0, 3)),
    [],
    [[]],
    np.array([1.0, 2.0]),
    [1.0, 2.0],
    np.zeros((2, 2, 2)),
    [[1.0, 2.0], [3.0]],
    np.array([[1 + 2j]]),
    "not a matrix",
])
def test_input_errors(bad):
    with pytest.raises(InputError):
        O.svdvals(bad)


def test_nan_in_mpmath_matrix_and_non_square_eig():
    with pytest.raises(InputError, match="NaN or Inf"):
        O.svd(mpmath.matrix([[1, mpmath.nan]]))
    with pytest.raises(InputError, match="square"):
        O.eigvalsh([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(InputError):
        O.svd([[1.0]], digits=0)


# --------------------------------------------------------------------------------
# the op set
# --------------------------------------------------------------------------------

def test_oracle_ops_is_a_complete_opset():
    ops = OracleOps()
    assert isinstance(ops, OpSet)
    assert (ops.id, ops.level, ops.dtype) == ("oracle", "math", "mpmath")
    assert ops.domain("default").max_dim == 8 and ops.domain("heavy").max_dim == 8 and ops.domain("large").max_dim == 24
    assert ops.domain("default").log10_scale == (-150, 150)


def test_oracle_ops_values_and_radii():
    ops = OracleOps()
    spec = MatrixSpec(5, 3, mode="geometric", log10_kappa=4, log10_scale=-120, seed=2)
    A = ops.mat(spec)
    assert 0 < A.err < 1e-170
    sv = ops.svdvals(A)
    with mpmath.workdps(DPS):
        for v, e in zip(sv, spec.sigma_mp()):
            assert abs(v.mid - e * mpmath.mpf(10) ** -120) <= v.rad
            assert 0 < v.rad < 1e-170
    # matmul/add/scale/transpose propagate err
    G = ops.matmul(ops.transpose(A), A)
    assert G.shape == (3, 3) and 0 < G.err < 1e-290
    ev = ops.eigvalsh(G)
    for v, s in zip(ev, sv):
        assert eq(v, s * s, "λ(AᵀA) = σ²").ok
    Z = ops.sub(A, A)
    assert ops.norm(Z, "fro").mid == 0
    assert eq(ops.norm(ops.scale(2.0, A), "2"), 2 * sv[0], "‖2A‖₂ = 2σ₁").ok
    # polar: orthonormal columns, finite radius (κ = 1e4)
    P = ops.polar(A)
    assert P.err < 1e-40
    assert eq(ops.norm(P, "2"), 1, "‖polar‖₂ = 1").ok
    # lowrank / svt
    L = ops.lowrank(A, 1)
    assert mpmath.isfinite(L.err)
    assert eq(ops.norm(L, "2"), sv[0], "σ₁(A₁) = σ₁").ok
    assert ops.lowrank(A, 0).err == 0 and ops.lowrank(A, 3).err == A.err
    lam = 0.5 * float(sv[1].mid)
    T = ops.svt(A, lam)
    sT = ops.svdvals(T)
    assert eq(sT[0], sv[0] - lam, "svt shifts σ₁").ok and eq(sT[1], sv[1] - lam, "and σ₂").ok
    assert eq(sT[2], 0, "and zeroes σ₃").ok
    # trace, inner, entry, vnorm (p < 1 too)
    assert eq(ops.trace(G), ops.inner(A, A), "tr(AᵀA) = <A, A>").ok
    assert ops.entry(A, 0, 0).rad == A.err
    x = ops.mat(ArraySpec.column([3.0, -4.0]))
    assert eq(ops.vnorm(x, 2), 5, "‖(3, −4)‖₂").ok
    assert eq(ops.vnorm(x, 0.5), (mpmath.sqrt(3) + 2) ** 2, "quasi-norm").ok
    assert eq(ops.induced(A, "2", "2"), sv[0], "2→2 = σ₁").ok


def test_oracle_ops_undecided_radii():
    ops = OracleOps()
    R = ops.mat(MatrixSpec(5, 4, mode="rank_deficient", rank=2, seed=1))
    assert ops.polar(R).err == mpmath.inf  # rank deficient: undecided, not refused
    Rep = ops.mat(MatrixSpec(5, 4, mode="repeated", log10_kappa=2, seed=1))
    assert ops.lowrank(Rep, 1).err == mpmath.inf  # σ₁ = σ₂: no gap
    assert mpmath.isfinite(ops.lowrank(Rep, 2).err)


@pytest.mark.parametrize("seed", [0, 1])
def test_oracle_agrees_with_numpy_float64(seed):
    """Same semantics: every scalar op's NumPy value lies within the two radii of the
    oracle's on the same float64 array."""
    X = np.random.default_rng(seed).standard_normal((4, 3))
    ora, npo = OracleOps(), NumpyOps("float64")
    A, B = ora.mat(X), npo.mat(X)
    S = X.T @ X
    As, Bs = ora.mat(S), npo.mat(S)
    v = X[:, :1].copy()
    pairs = [
        (ora.svdvals(A), npo.svdvals(B)),
        (ora.eigvalsh(As), npo.eigvalsh(Bs)),
        ([ora.trace(As)], [npo.trace(Bs)]),
        ([ora.inner(A, A)], [npo.inner(B, B)]),
        ([ora.entry(A, 1, 2)], [npo.entry(B, 1, 2)]),
        ([ora.vnorm(ora.mat(v), 0.7)], [npo.vnorm(npo.mat(v), 0.7)]),
    ]
    for kind, p, k in [("1", None, None), ("2", None, None), ("inf", None, None), ("fro", None, None),
                       ("nuc", None, None), ("max", None, None), ("schatten", 3, None), ("kyfan", None, 2)]:
        pairs.append(([ora.norm(A, kind, p, k)], [npo.norm(B, kind, p, k)]))
    for p in ("1", "2", "inf"):
        for q in ("1", "2", "inf"):
            pairs.append(([ora.induced(A, p, q)], [npo.induced(B, p, q)]))
    for lo, hi in pairs:
        assert len(lo) == len(hi)
        for a, b in zip(lo, hi):
            assert eq(a, b, "oracle vs numpy").ok, (a, b)
    # matrix-valued ops: the NumPy result is within both errs of the oracle's
    for fa, fb in [
        (ora.polar(A), npo.polar(B)),
        (ora.lowrank(A, 1), npo.lowrank(B, 1)),
        (ora.svt(A, 0.3), npo.svt(B, 0.3)),
        (ora.matmul(ora.transpose(A), A), npo.matmul(npo.transpose(B), B)),
    ]:
        diff = ora.norm(ora.sub(fa, ora.mat(fb.data)), "fro")
        assert diff.mid <= fa.err + fb.err + diff.rad


def test_oracle_cond_lstsq_tikhonov_power_hippo_known_values():
    """Closed forms: κ of a diagonal, least squares on a 2×1 and 1×2 system, Tikhonov on a scalar,
    power iteration on a diagonal (whose exact iterates are known), HiPPO-LegS entries."""
    ops = OracleOps()
    D = ops.mat(ArraySpec.of([[2.0, 0.0], [0.0, -2.0 ** -10]]))
    for p in ("2", "1", "inf"):
        assert eq(ops.cond(D, p), 2048, f"κ_{p}(diag(2, −2⁻¹⁰))").ok and ops.cond(D, p).rad < 1e-40
    with mpmath.workdps(60):
        assert eq(ops.cond(D, "fro"), mpmath.sqrt(4 + mpmath.mpf(2) ** -20) * mpmath.sqrt(mpmath.mpf(0.25) + 2 ** 20), "κ_F").ok
    T = ops.mat(ArraySpec.of([[1.0], [1.0]]))  # tall: x = mean of b
    x = ops.lstsq(T, ops.mat(ArraySpec.column([1.0, 3.0])))
    assert eq(ops.entry(x, 0, 0), 2, "LS mean").ok and x.err < 1e-40
    W = ops.mat(ArraySpec.of([[3.0, 4.0]]))  # wide: minimum-norm x = Aᵀ(AAᵀ)⁻¹b
    x = ops.lstsq(W, ops.mat(ArraySpec.column([25.0])))
    assert eq(ops.entry(x, 0, 0), 3, "min-norm x₁").ok and eq(ops.entry(x, 1, 0), 4, "min-norm x₂").ok
    t = ops.tikhonov_solve(ops.mat(ArraySpec.of([[2.0]])), ops.mat(ArraySpec.column([3.0])), 0.5)
    assert eq(ops.entry(t, 0, 0), mpmath.mpf(6) / mpmath.mpf(4.5), "(a² + λ)⁻¹ab").ok
    # diag(3, 1): v_t ∝ (9^t g₁, g₂); estimate ‖Av_T‖ from the same start vector
    from matspec.implementations.power_iteration import start_vector

    g = start_vector(2, 7)
    for iters in (1, 4):
        with mpmath.workdps(60):
            v = [mpmath.mpf(9) ** iters * g[0], mpmath.mpf(g[1])]
            want = mpmath.sqrt((3 * v[0]) ** 2 + v[1] ** 2) / mpmath.sqrt(v[0] ** 2 + v[1] ** 2)
        got = ops.power_norm(ops.mat(ArraySpec.of([[3.0, 0.0], [0.0, 1.0]])), iters, seed=7)
        assert eq(got, want, f"power estimate after {iters}").ok and got.rad < 1e-40
    assert not eq(ops.power_norm(ops.mat(ArraySpec.of([[3.0, 0.0], [0.0, 1.0]])), 1, seed=7), 3, "not σ₁").ok
    A, B = ops.hippo_legs(3)
    with mpmath.workdps(60):
        assert eq(ops.entry(A, 2, 0), -mpmath.sqrt(5), "A₂₀").ok and eq(ops.entry(A, 1, 1), -2, "A₁₁").ok
        assert ops.entry(A, 0, 2).mid == 0 and eq(ops.entry(B, 2, 0), mpmath.sqrt(10), "B₂").ok


def test_oracle_new_ops_undecided_when_singular():
    ops = OracleOps()
    R = ops.mat(MatrixSpec(4, 4, mode="rank_deficient", rank=2, seed=1))
    for p in ("2", "1", "inf", "fro"):
        v = ops.cond(R, p)
        assert v.rad == mpmath.inf and mpmath.isfinite(v.mid)
    b = ops.mat(ArraySpec.column([1.0, 2.0, 3.0, 4.0]))
    assert ops.lstsq(R, b).err == mpmath.inf
    assert mpmath.isfinite(ops.tikhonov_solve(R, b, 0.25).err)
