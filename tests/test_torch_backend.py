"""torch backends against the oracle, judged on the exact input each backend received (as
tests/test_numpy_backend.py does for NumPy): every op's value must lie within its derived
radius of the oracle's value, ops torch cannot do in a dtype must be reported
`unsupported`, and planted wrong torch ops must be caught.  Skipped without torch."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from matspec.catalogue import get_claim  # noqa: E402
from matspec.implementations import default_backends, get_opset  # noqa: E402
from matspec.implementations.base import Domain, Mat, Unsupported  # noqa: E402
from matspec.implementations.numpy_backend import NumpyOps  # noqa: E402
from matspec.implementations.torch_backend import TorchOps  # noqa: E402
from matspec.inputs import ArraySpec, InputError, MatrixSpec  # noqa: E402
from matspec.reports.runner import check_form  # noqa: E402
from matspec.strategies import any_matrix, matrices  # noqa: E402
from matspec.values import Val  # noqa: E402

NORMS = [("1", None, None), ("2", None, None), ("inf", None, None), ("fro", None, None), ("nuc", None, None),
         ("max", None, None), ("schatten", 3, None), ("schatten", 1.5, None), ("kyfan", None, 1)]
# Norms torch computes without an SVD: the only ones bfloat16 and float16 have on CPU.
ENTRYWISE_NORMS = {"1", "inf", "fro", "max"}
LOW = ("bfloat16", "float16")
CPU_DTYPES = ["float64", "float32", "bfloat16", "float16"]
CUDA = [("float32", False), ("float32", True), ("bfloat16", False)]
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA not available to torch")


@pytest.fixture(scope="module")
def oracle():
    from matspec.oracles import OracleOps

    return OracleOps()


def _as_ref(oracle, T):
    """The oracle's view of exactly the entries a backend holds (every format embeds in float64)."""
    return oracle.mat(ArraySpec.of(T.detach().to("cpu", torch.float64).numpy().tolist()))


def _mat_dist(C: Mat, R: Mat):
    """‖C − R‖_F in mpmath (C a backend result, R the oracle's)."""
    with mpmath.workdps(60):
        X = mpmath.matrix(C.data.detach().to("cpu", torch.float64).numpy().tolist())
        return mpmath.mnorm(X - R.data, "f")


def _close(v: Val, t: Val, what: str):
    assert abs(v.mid - t.mid) <= v.rad + t.rad, f"{what}: {v} vs oracle {t}"


def _close_mat(C: Mat, R: Mat, what: str):
    assert C.shape == R.shape, f"{what}: shape {C.shape} vs oracle {R.shape}"
    d = _mat_dist(C, R)
    assert d <= mpmath.mpf(C.err) + R.err, f"{what}: ‖C − C*‖_F = {mpmath.nstr(d, 5)} > radius {C.err} + {R.err}"


def _try(ops, fn):
    """An op's result, or None when the backend reports the op unsupported in its dtype
    (which must then be on the declared list)."""
    try:
        return fn()
    except Unsupported as exc:
        assert ops.dtype in LOW, f"{ops.id} unexpectedly unsupported: {exc}"
        return None


def check_scalar_ops(ops, oracle, X):
    """Norms, svdvals, trace, induced and entry of the received matrix X against the oracle."""
    A = ops.mat(X)
    assert A.err == 0.0  # the backend's own tensor: nothing to round
    ref = _as_ref(oracle, X)
    for kind, p, k in NORMS:
        v = _try(ops, lambda: ops.norm(A, kind, p=p, k=k))
        if v is None:
            assert kind not in ENTRYWISE_NORMS
            continue
        _close(v, oracle.norm(ref, kind, p=p, k=k), f"{ops.id} norm {kind}")
    s = _try(ops, lambda: ops.svdvals(A))
    if s is not None:
        for i, (v, t) in enumerate(zip(s, oracle.svdvals(ref))):
            _close(v, t, f"{ops.id} σ_{i + 1}")
    if A.m == A.n:
        _close(ops.trace(A), oracle.trace(ref), f"{ops.id} trace")
    for p, q in (("1", "2"), ("2", "inf"), ("2", "2")):
        v = _try(ops, lambda: ops.induced(A, p, q))
        if v is not None:
            _close(v, oracle.induced(ref, p, q), f"{ops.id} induced {p}->{q}")


def check_matrix_ops(ops, oracle, X, Y):
    """matmul, add, scale, transpose, inner, polar, lowrank, svt, eigvalsh and vnorm on the
    received X (m×k) and Y (k×n) against the oracle."""
    A, B = ops.mat(X), ops.mat(Y)
    RA, RB = _as_ref(oracle, X), _as_ref(oracle, Y)
    _close_mat(ops.matmul(A, B), oracle.matmul(RA, RB), f"{ops.id} matmul")
    At = ops.transpose(A)
    _close_mat(At, oracle.transpose(RA), f"{ops.id} transpose")
    _close_mat(ops.add(A, A), oracle.add(RA, RA), f"{ops.id} add")
    _close_mat(ops.scale(0.1, A), oracle.scale(0.1, RA), f"{ops.id} scale")
    _close(ops.inner(A, A), oracle.inner(RA, RA), f"{ops.id} inner")
    P = _try(ops, lambda: ops.polar(A))
    if P is not None and math.isfinite(P.err):
        _close_mat(P, oracle.polar(RA), f"{ops.id} polar")
    L = _try(ops, lambda: ops.lowrank(A, 1))
    if L is not None and math.isfinite(L.err):
        _close_mat(L, oracle.lowrank(RA, 1), f"{ops.id} lowrank")
    lam = float(At.data.to(torch.float64).abs().max()) / 4
    S = _try(ops, lambda: ops.svt(A, lam))
    if S is not None:
        _close_mat(S, oracle.svt(RA, lam), f"{ops.id} svt")
    C = _try(ops, lambda: ops.mclip(A, 0.5 * lam, 2 * lam))
    if C is not None and math.isfinite(C.err):
        _close_mat(C, oracle.mclip(RA, 0.5 * lam, 2 * lam), f"{ops.id} mclip")
    # Newton–Schulz has no oracle op: NumPy float64 runs the same schedule, and both results
    # must lie within their radii of the one exact object U F(Σ/(s‖A‖_F)) Vᵀ.
    N = ops.newton_schulz(A, "muon_quintic")
    if math.isfinite(N.err):
        ref64 = NumpyOps("float64")
        R = ref64.newton_schulz(ref64.mat(X.detach().to("cpu", torch.float64).numpy()), "muon_quintic")
        d = float(np.linalg.norm(N.data.detach().to("cpu", torch.float64).numpy() - R.data))
        assert d <= N.err + R.err, f"{ops.id} newton_schulz: {d} > {N.err} + {R.err}"
    G = ops.matmul(At, A)  # symmetric up to rounding; both read the lower triangle
    w = _try(ops, lambda: ops.eigvalsh(G))
    if w is not None:
        RG = _as_ref(oracle, G.data)
        for v, t in zip(w, oracle.eigvalsh(RG)):
            _close(v, t, f"{ops.id} eigvalsh")
    x, rx = ops.mat(X[:, :1].contiguous()), _as_ref(oracle, X[:, :1])
    for p in (1, 2, 3, 0.5, math.inf):
        _close(ops.vnorm(x, p), oracle.vnorm(rx, p), f"{ops.id} vnorm p={p}")


def check_linear_ops(ops, oracle, X, Y):
    """solve, inv and eigvals of the received square X (and right-hand side Y) against the
    oracle; an infinite radius (singular to working precision, clustered eigenvalues) is
    undecided and compared no further."""
    A, b = ops.mat(X), ops.mat(Y)
    RA, Rb = _as_ref(oracle, X), _as_ref(oracle, Y)
    x = _try(ops, lambda: ops.solve(A, b))
    if x is not None and math.isfinite(x.err):
        _close_mat(x, oracle.solve(RA, Rb), f"{ops.id} solve")
    Xi = _try(ops, lambda: ops.inv(A))
    if Xi is not None and math.isfinite(Xi.err):
        _close_mat(Xi, oracle.inv(RA), f"{ops.id} inv")
    w = _try(ops, lambda: ops.eigvals(A))
    if w is not None:
        ref = oracle.eigvals(RA)
        for z in w:
            if not z.is_finite():
                continue
            # the disc holds exactly one eigenvalue: some oracle disc must meet it
            assert any(abs(complex(z.re, z.im) - complex(float(r.re), float(r.im))) <= z.rad + float(r.rad) * (1 + 1e-9)
                       for r in ref), f"{ops.id} eigvals: {z} meets no oracle eigenvalue {ref}"


@pytest.mark.parametrize("dtype", CPU_DTYPES)
@settings(max_examples=6, deadline=None, database=None)
@given(data=st.data())
def test_cpu_linear_ops_within_radius_of_oracle(oracle, dtype, data):
    ops = TorchOps(dtype)
    lo, hi = ops.domain("default").log10_scale
    d = Domain(max_dim=5, log10_scale=(lo // 2, hi // 2))
    n = data.draw(st.integers(1, 5))
    X = ops.mat(data.draw(matrices(d, m=n, n=n, max_dim=5))).data
    Y = ops.mat(data.draw(matrices(d, m=n, n=data.draw(st.integers(1, 2))))).data
    check_linear_ops(ops, oracle, X, Y)


@pytest.mark.parametrize("dtype", CPU_DTYPES)
@settings(max_examples=12, deadline=None, database=None)
@given(data=st.data())
def test_cpu_scalar_ops_within_radius_of_oracle(oracle, dtype, data):
    ops = TorchOps(dtype)
    spec = data.draw(any_matrix(Domain(max_dim=6, log10_scale=ops.domain("default").log10_scale)))
    check_scalar_ops(ops, oracle, ops.mat(spec).data)


@pytest.mark.parametrize("dtype", CPU_DTYPES)
@settings(max_examples=8, deadline=None, database=None)
@given(data=st.data())
def test_cpu_matrix_ops_within_radius_of_oracle(oracle, dtype, data):
    ops = TorchOps(dtype)
    lo, hi = ops.domain("default").log10_scale
    d = Domain(max_dim=5, log10_scale=(lo // 2, hi // 2))  # products stay in range
    m, k, n = (data.draw(st.integers(1, 5)) for _ in range(3))
    X = ops.mat(data.draw(matrices(d, m=m, n=k))).data
    Y = ops.mat(data.draw(matrices(d, m=k, n=n))).data
    check_matrix_ops(ops, oracle, X, Y)


def test_radii_are_not_vacuous():
    """Derived radii stay far below the quantities they bound (bfloat16: u = 2⁻⁸, so a few
    percent at n = 16 is what the model allows)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 16))
    for dtype, frac in (("float64", 1e-12), ("float32", 1e-3), ("bfloat16", 0.1), ("float16", 0.02)):
        ops = TorchOps(dtype)
        A = ops.mat(X)
        for kind, p, k in NORMS:
            if dtype in LOW and kind not in ENTRYWISE_NORMS:
                continue
            v = ops.norm(A, kind, p=p, k=k)
            assert v.rad < frac * v.mid, f"{dtype} {kind} radius {v.rad} vs value {v.mid}"
        C = ops.matmul(A, A)
        assert C.err < frac * float(np.linalg.norm(X @ X))
        if dtype not in LOW:
            _assert_solve_radius_tight(ops, A, frac)


def _assert_solve_radius_tight(ops, A, frac):
    """solve's radius is a-posteriori (residual / σ_min): a wrong answer gets a large radius
    rather than a violation, so tightness on a well-conditioned system is what catches it."""
    b = ops.mat(np.ones((A.m, 1)))
    x = ops.solve(A, b)
    assert x.err < frac * 1e3 * _fro(x.data), f"{ops.id} solve radius {x.err} vs ‖x‖ {_fro(x.data)}"


def _fro(T):
    return float(np.linalg.norm(T.detach().to("cpu", torch.float64).numpy()))


def test_cpu_bfloat16_accumulates_in_float32():
    """The measurement behind acc_u = 2⁻²⁴ for bfloat16 on CPU: 1 + 256·2⁻⁹ = 1.5 exactly.
    Accumulating in bfloat16 loses every 2⁻⁹ (1 + 2⁻⁹ rounds to 1) and gives 1; float32
    accumulation then one rounding gives 1.5.  If a torch release changes this, the tighter
    bound is no longer derived and this fails first."""
    bf = torch.bfloat16
    v = torch.full((257,), 2.0 ** -9, dtype=bf)
    v[0] = 1.0
    ones = torch.ones(257, dtype=bf)
    assert float(v.sum()) == 1.5
    assert float(v[None, :] @ ones[:, None]) == 1.5
    big = v[None, :].repeat(64, 1) @ ones[:, None].repeat(1, 64)  # blocked GEMM path
    assert float(big[5, 7]) == 1.5
    assert float(torch.sum(v * ones)) == 1.5
    assert float(torch.linalg.matrix_norm(v[:, None], 1)) == 1.5
    assert float(torch.linalg.matrix_norm(v[None, :], math.inf)) == 1.5
    assert float(torch.trace(torch.diag(v))) == 1.5
    w = torch.full((257,), 2.0 ** -5, dtype=bf)  # Σ w² = 1 + 256·2⁻¹⁰ = 1.25
    w[0] = 1.0
    assert float(torch.linalg.vector_norm(w, 2)) == float(torch.tensor(1.25 ** 0.5, dtype=bf))
    assert float(torch.linalg.matrix_norm(w[:, None], "fro")) == float(torch.tensor(1.25 ** 0.5, dtype=bf))


def test_cpu_float16_accumulates_in_float32():
    """The same measurement for float16 (acc_u = 2⁻²⁴ on CPU): 1 + 2048·2⁻¹² = 1.5.  In float16
    1 + 2⁻¹² rounds to 1 (u = 2⁻¹¹), so float16 accumulation would give 1."""
    h = torch.float16
    v = torch.full((2049,), 2.0 ** -12, dtype=h)
    v[0] = 1.0
    ones = torch.ones(2049, dtype=h)
    assert float(torch.tensor(1.0, dtype=h) + torch.tensor(2.0 ** -12, dtype=h)) == 1.0
    assert float(v.sum()) == 1.5
    assert float(v[None, :] @ ones[:, None]) == 1.5
    big = v[None, :].repeat(64, 1) @ ones[:, None].repeat(1, 64)  # blocked GEMM path
    assert float(big[5, 7]) == 1.5
    assert float(torch.sum(v * ones)) == 1.5
    assert float(torch.linalg.matrix_norm(v[:, None], 1)) == 1.5
    assert float(torch.linalg.matrix_norm(v[None, :], math.inf)) == 1.5


# Ops torch 2.13 has no CPU bfloat16 kernel for (found by calling them: "linalg_svd_cpu" /
# "linalg_eigh_cpu" not implemented for 'BFloat16', "Low precision dtypes not supported").
BF16_UNSUPPORTED = {
    "svdvals": lambda o, A: o.svdvals(A),
    "norm(2)": lambda o, A: o.norm(A, "2"),
    "norm(nuc)": lambda o, A: o.norm(A, "nuc"),
    "norm(schatten)": lambda o, A: o.norm(A, "schatten", p=3),
    "norm(kyfan)": lambda o, A: o.norm(A, "kyfan", k=1),
    "induced(2,2)": lambda o, A: o.induced(A, "2", "2"),
    "eigvalsh": lambda o, A: o.eigvalsh(A),
    "polar": lambda o, A: o.polar(A),
    "lowrank": lambda o, A: o.lowrank(A, 1),
    "svt": lambda o, A: o.svt(A, 0.5),
    "solve": lambda o, A: o.solve(A, A),
    "inv": lambda o, A: o.inv(A),
    "eigvals": lambda o, A: o.eigvals(A),
    "mclip": lambda o, A: o.mclip(A, 0.5, 1.0),
    "cond(2)": lambda o, A: o.cond(A, "2"),
    "cond(1)": lambda o, A: o.cond(A, "1"),
    "cond(fro)": lambda o, A: o.cond(A, "fro"),
    "lstsq": lambda o, A: o.lstsq(A, A),
    "tikhonov_solve": lambda o, A: o.tikhonov_solve(A, A, 0.5),
}


@pytest.mark.parametrize("op", sorted(BF16_UNSUPPORTED))
@pytest.mark.parametrize("dtype", LOW)
def test_16bit_cpu_unsupported_ops_are_reported_not_upcast(op, dtype):
    ops = TorchOps(dtype)
    A = ops.mat(np.eye(3) + 0.25)
    with pytest.raises(Unsupported) as info:
        BF16_UNSUPPORTED[op](ops, A)
    assert info.value.opset == f"torch-cpu-{dtype}"
    assert any(t in info.value.reason for t in ("BFloat16", "Half", "Low precision", "types other than float and double"))
    # the same op in float32 answers: the refusal is the dtype's, not a broken op
    f32 = TorchOps("float32")
    BF16_UNSUPPORTED[op](f32, f32.mat(np.eye(3) + 0.25))


def test_unsupported_reaches_the_runner_as_unsupported():
    form = get_claim("frobenius.ge_spectral").stated
    res = check_form(form, TorchOps("bfloat16"), max_examples=3)
    assert res.status == "unsupported" and "BFloat16" in res.message


def test_bfloat16_materialisation_adds_the_rounding_error():
    ops = TorchOps("bfloat16")
    spec = MatrixSpec(m=3, n=2, mode="geometric", log10_kappa=2, log10_scale=0, seed=3)
    X64, err64 = spec.to_numpy(np.float64)
    A = ops.mat(spec)
    assert A.data.dtype == torch.bfloat16
    d = float(np.linalg.norm(X64 - A.data.to(torch.float64).numpy()))
    assert d > 0  # these entries are not bfloat16 numbers
    assert err64 + d <= A.err <= err64 + 2 ** -8 * float(np.linalg.norm(X64)) * (1 + 1e-12)
    # and the received matrix is within that radius of the exact object, per the oracle
    from matspec.oracles import OracleOps

    orc = OracleOps()
    exact = orc.mat(spec)
    assert _mat_dist(A, exact) <= A.err


def test_backend_rejects_bad_input():
    ops = TorchOps("float32")
    for bad, msg in [(torch.ones(3), "2-D"), (torch.ones(2, 0), "empty"), (torch.tensor([[float("nan")]]), "NaN"),
                     (torch.ones(2, 2, dtype=torch.int64), "float64, float32, bfloat16 or float16"), ([[1.0]], "cannot materialise"),
                     (np.ones((2, 2), dtype=int), "float64 or float32")]:
        with pytest.raises(InputError, match=msg):
            ops.mat(bad)
    with pytest.raises(InputError, match="does not fit in bfloat16"):
        TorchOps("bfloat16").mat(np.array([[1e39]]))
    with pytest.raises(InputError, match="shape mismatch"):
        ops.matmul(ops.mat(np.eye(3)), ops.mat(np.ones((2, 2))))
    with pytest.raises(InputError, match="does not fit in float16"):
        TorchOps("float16").mat(np.array([[1e5]]))
    with pytest.raises(ValueError, match="supports float64, float32, bfloat16, float16"):
        TorchOps("float8")
    with pytest.raises(ValueError, match="TF32"):
        TorchOps("float32", "cpu", tf32=True)


def test_registry_knows_torch_backends():
    ids = [b.id for b in default_backends()]
    assert {"torch-cpu-float64", "torch-cpu-float32", "torch-cpu-bfloat16"} <= set(ids)
    assert get_opset("torch-cpu-bfloat16").u == 2.0 ** -8
    if not torch.cuda.is_available():
        assert not any(i.startswith("torch-cuda") for i in ids)
        with pytest.raises(KeyError, match="needs CUDA"):
            get_opset("torch-cuda-bfloat16")


# ---- planted wrong torch ops -------------------------------------------------------

class FroFloat32Accumulation(TorchOps):
    """A float64 Frobenius norm whose sum of squares runs in float32 (a mixed-precision
    kernel bug); radius unchanged, as the buggy kernel would claim."""

    def __init__(self):
        super().__init__("float64")
        self.id = "planted:torch_fro_float32_accumulation"

    def norm(self, A, kind, p=None, k=None):
        good = super().norm(A, kind, p, k)
        if kind == "fro":
            return Val(float(torch.linalg.matrix_norm(A.data.to(torch.float32), "fro")), good.rad)
        return good


class TransposeMissing(TorchOps):
    """transpose returns a view's storage unchanged: a square matrix comes back as itself."""

    def __init__(self):
        super().__init__("float64")
        self.id = "planted:torch_transpose_missing"

    def transpose(self, A):
        return Mat(A.data.reshape(A.n, A.m).clone(), A.err, (A.n, A.m))


class SolveTransposed(TorchOps):
    """solve(A, b) that solves Aᵀx = b (a row/column-major mix-up in a LAPACK call)."""

    def __init__(self):
        super().__init__("float64")
        self.id = "planted:torch_solve_transposed"

    def solve(self, A, b):
        X = torch.linalg.solve(A.data.T, b.data)
        return self._solved(A, X, b.data.numpy(), b.err, b.shape)  # honest radius for this X


def test_planted_transposed_solve_is_caught_by_radius_tightness():
    A = np.random.default_rng(3).standard_normal((6, 6)) + 3 * np.eye(6)
    good = TorchOps("float64")
    _assert_solve_radius_tight(good, good.mat(A), 1e-12)
    bad = SolveTransposed()
    with pytest.raises(AssertionError, match="solve radius"):
        _assert_solve_radius_tight(bad, bad.mat(A), 1e-12)


def test_planted_float32_accumulation_is_caught_by_the_accuracy_check(oracle):
    X = torch.from_numpy(np.random.default_rng(1).standard_normal((5, 4)))
    check_scalar_ops(TorchOps("float64"), oracle, X)  # the honest backend passes
    with pytest.raises(AssertionError, match="norm fro"):
        check_scalar_ops(FroFloat32Accumulation(), oracle, X)


def test_planted_missing_transpose_is_caught(oracle):
    X = torch.from_numpy(np.random.default_rng(2).standard_normal((3, 3)))
    with pytest.raises(AssertionError, match="transpose"):
        check_matrix_ops(TransposeMissing(), oracle, X, X)
    # and by the catalogue: ⟨A,B⟩_F = tr(AᵀB) fails on it, holds on the honest backend
    form = get_claim("frobenius.inner_product").stated
    assert check_form(form, TransposeMissing(), seed=5).status == "refuted"
    assert check_form(form, TorchOps("float64"), seed=5).status == "holds"


# ---- CUDA (skipped without a GPU) ----------------------------------------------------

@pytest.mark.gpu
@needs_cuda
@pytest.mark.parametrize("dtype, tf32", CUDA)
@settings(max_examples=10, deadline=None, database=None)
@given(data=st.data())
def test_cuda_ops_within_radius_of_oracle(oracle, dtype, tf32, data):
    ops = TorchOps(dtype, "cuda", tf32=tf32)
    lo, hi = ops.domain("default").log10_scale
    d = Domain(max_dim=6, log10_scale=(lo // 2, hi // 2))
    X = ops.mat(data.draw(any_matrix(d))).data
    check_scalar_ops(ops, oracle, X)
    Y = ops.mat(data.draw(matrices(d, m=X.shape[1], n=data.draw(st.integers(1, 6))))).data
    check_matrix_ops(ops, oracle, X, Y)
    if X.shape[0] == X.shape[1]:
        check_linear_ops(ops, oracle, X, Y)
    from test_numpy_backend import check_new_ops

    b = ops.mat(data.draw(matrices(d, m=X.shape[0], n=1))).data
    check_new_ops(ops, oracle, ops.mat(X), ops.mat(b), allow_unsupported=True)  # CUDA lstsq: tall only


@pytest.mark.gpu
@needs_cuda
def test_cuda_backends_registered():
    ids = {b.id for b in default_backends()}
    assert {"torch-cuda-float32", "torch-cuda-tf32", "torch-cuda-bfloat16"} <= ids


def test_without_torch_only_numpy_is_registered(monkeypatch):
    """A NumPy-only install: no torch backend appears and asking for one says what to install."""
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    ids = [b.id for b in default_backends()]
    assert "numpy-float64" in ids and not any(i.startswith("torch") for i in ids)
    with pytest.raises(KeyError, match=r"needs torch: pip install 'matspec\[torch\]'"):
        get_opset("torch-cpu-float32")


# ---- cond, lstsq, tikhonov_solve, power_norm, hippo_legs (checker and planted bugs shared
# with tests/test_numpy_backend.py) --------------------------------------------------------

from test_numpy_backend import PLANTED_NEW_OPS, assert_planted_new_op_caught, check_new_ops  # noqa: E402


@pytest.mark.parametrize("dtype", CPU_DTYPES)
@settings(max_examples=6, deadline=None, database=None)
@given(data=st.data())
def test_cpu_cond_lstsq_tikhonov_power_hippo_within_radius_of_oracle(oracle, dtype, data):
    ops = TorchOps(dtype)
    lo, hi = ops.domain("default").log10_scale
    d = Domain(max_dim=5, log10_scale=(lo // 2, hi // 2))
    A = ops.mat(ops.mat(data.draw(any_matrix(d))).data)
    b = ops.mat(ops.mat(data.draw(matrices(d, m=A.m, n=data.draw(st.integers(1, 2))))).data)
    check_new_ops(ops, oracle, A, b, allow_unsupported=dtype in LOW)


@pytest.mark.parametrize("dtype", LOW)
def test_16bit_power_norm_and_hippo_are_supported_and_decided(oracle, dtype):
    """bfloat16 and float16 have matmul and sqrt on the CPU: power iteration and the HiPPO
    construction run in the 16-bit format (never upcast) and a few steps stay decided under
    its bound."""
    ops = TorchOps(dtype)
    rng = np.random.default_rng(5)
    A, b = ops.mat(rng.standard_normal((4, 3))), ops.mat(rng.standard_normal((4, 1)))
    assert ops.power_norm(A, 2).is_finite()
    assert ops.hippo_legs(8)[0].data.dtype == ops.tdtype
    assert check_new_ops(ops, oracle, A, b, allow_unsupported=True) >= 3


@pytest.mark.parametrize("bug, needle", PLANTED_NEW_OPS, ids=[p[0].__name__ for p in PLANTED_NEW_OPS])
def test_planted_new_op_is_caught_on_torch(oracle, bug, needle):
    assert_planted_new_op_caught(TorchOps, "float32", oracle, bug, needle)


def test_float16_overflow_of_the_format_is_undecided_and_a_wrong_inf_is_a_violation(monkeypatch):
    """⟨A,A⟩ = 4·300² = 360000 > 65504: float16 must give inf, so the example says nothing about the
    implementation (infinite radius → undecided).  An inf the format does not force — planted in
    torch's own ops — is still a violation: the CPU sums in float32, so a partial sum cannot
    overflow (a cancelling sum of 40000s), and a matmul is judged entry by entry (a small entry
    beside a large one)."""
    from matspec.values import eq

    ops = TorchOps("float16")
    A = ops.mat(ArraySpec.of([[300.0, 300.0], [300.0, 300.0]]))
    for v in (ops.inner(A, A), ops.trace(ops.matmul(ops.transpose(A), A))):
        assert v.rad == math.inf and math.isfinite(float(v.mid))
        assert eq(v, Val.exact(360000.0), "⟨A,A⟩ = tr(AᵀA)").ok is None  # undecided, not a pass
    small = ops.mat(ArraySpec.of([[2.0, 2.0], [2.0, 2.0]]))
    assert ops.inner(small, small).rad < math.inf

    # planted: torch.sum overflows on Σ ab = 0 although every |a_i b_i| = 40000 < 65504
    X = ops.mat(ArraySpec.of([[200.0, 200.0], [200.0, 200.0]]))
    Y = ops.mat(ArraySpec.of([[200.0, -200.0], [200.0, -200.0]]))
    real_sum = torch.sum
    monkeypatch.setattr(torch, "sum", lambda t, *a, **k: torch.full_like(real_sum(t, *a, **k), math.inf))
    assert eq(ops.inner(X, Y), Val.exact(0.0), "⟨X,Y⟩").ok is False
    monkeypatch.setattr(torch, "sum", real_sum)

    # planted: matmul puts inf in an entry whose exact value is 0 or 1, beside (|A||B|)₀₀ = 80000
    P = ops.mat(ArraySpec.of([[200.0, 200.0], [1.0, 1.0]]))
    Q = ops.mat(ArraySpec.of([[200.0, 0.0], [-200.0, 1.0]]))
    real_mm = torch.Tensor.__matmul__
    for i, j in ((0, 0), (1, 1)):
        def planted(a, b, i=i, j=j):
            c = real_mm(a, b).clone()
            c[i, j] = math.inf
            return c
        monkeypatch.setattr(torch.Tensor, "__matmul__", planted)
        C = ops.matmul(P, Q)
        assert C.err < math.inf and not bool(torch.isfinite(C.data).all())
        assert eq(ops.trace(C), Val.exact(1.0), "tr(PQ)").ok is False
    monkeypatch.setattr(torch.Tensor, "__matmul__", real_mm)
