"""The float64 tier's engine (spec/validate/device64.py): torch on the kernel's device gives the same
judgements as NumPy.  Without a GPU the torch code runs on the CPU ($MATSPEC_FLOAT64_ENGINE=torch),
which is the same code a CUDA device runs; a correct kernel passes and planted ones fail on both."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from matspec.validate import UsageError, validate
from matspec.validate import device64 as dev

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
LOWPREC = str(Path(__file__).resolve().parents[1] / "examples" / "kernels" / "lowprec.py")
BAND = "band:0.55,1.3,floor_fro=0.002"


def test_engine_choice(monkeypatch):
    monkeypatch.delenv(dev.ENGINE_VARIABLE, raising=False)
    assert dev.engine_for("cpu") is None and dev.engine_for("cuda:1") == "cuda:1"
    monkeypatch.setenv(dev.ENGINE_VARIABLE, "numpy")
    assert dev.engine_for("cuda") is None
    monkeypatch.setenv(dev.ENGINE_VARIABLE, "sometimes")
    with pytest.raises(UsageError, match="auto, numpy or torch"):
        dev.engine_for("cpu")
    if HAS_TORCH:
        monkeypatch.setenv(dev.ENGINE_VARIABLE, "torch")
        assert dev.engine_for("cpu") == "cpu"


@needs_torch
@pytest.mark.parametrize("fmt", ["bfloat16", "float16", "float32"])
def test_torch_rounding_is_reference_rounding(fmt):
    # ties, overflow (float16 above 65520, bfloat16 near float32's max), subnormals and signs
    from matspec.validate.reference import _round32

    rng = np.random.default_rng(1)
    x = np.concatenate([rng.standard_normal(4000) * 10.0 ** rng.integers(-9, 9, 4000),
                        [1 + 2.0 ** -8, 1 + 3 * 2.0 ** -9, 65519.0, 65520.0, 7e4, -3e38, 6e-8, -2.0 ** -149, 0.0]])
    x = x.astype(np.float32)
    got = dev.get(dev.round_like(dev.put(x, "cpu"), fmt))
    with np.errstate(over="ignore"):
        want = _round32(x, fmt)
    assert got.dtype == np.float32 and np.array_equal(got, want, equal_nan=True)


@needs_torch
def test_svd_and_band_measures_agree_between_engines():
    from matspec.sized import SizedSpec
    from matspec.validate.judge64 import SVD64, band_values, pair_buckets

    A = SizedSpec(96, 160, mode="geometric", log10_kappa=2, seed=1).to_numpy()[0]
    a, b = SVD64(A), SVD64(A, "cpu")
    assert type(b.U).__module__.startswith("torch") and isinstance(b.s, np.ndarray)
    # two LAPACK SVDs of one matrix: σ within a few ulps of σ₁, and each bound covers the other's
    assert np.max(np.abs(a.s - b.s)) <= min(a.e_sigma, b.e_sigma)
    assert 0.5 <= b.e_sigma / a.e_sigma <= 2
    C = list(range(80))
    Y = A / np.linalg.norm(A)
    assert np.allclose(band_values(a, C, Y), band_values(b, C, Y), rtol=0, atol=1e-12)
    pa, pb = pair_buckets(a.U, a.s, a.Vt, C, Y), pair_buckets(b.U, b.s, b.Vt, C, Y)
    assert pa.keys() == pb.keys()


@needs_torch
def test_reference_paths_on_torch_are_legitimate_roundings_of_the_same_schedule():
    # float32 products in another order round differently now and then, and a differently rounded
    # entry feeds the next of the ~15 products: paths may differ by a few bfloat16 units in an entry
    # (2.75 measured), far below the spread between paths that the allowance is made of.  That
    # closeness alone would also admit an iteration that forgot to round (float32 throughout stays
    # within it), so every entry must be a bfloat16 number, as each stored iterate is.
    from matspec.sized import SizedSpec
    from matspec.validate.precision import Precision
    from matspec.validate.reference import reference_outputs, round_to

    A = SizedSpec(96, 160, mode="geometric", log10_kappa=2, seed=1).to_numpy()[0]
    prec = Precision.of("float32", compute="bfloat16")
    for hint in (None, ("muon_quintic", 5)):
        r0 = reference_outputs("msign", {}, [A], prec, "band", schedule_hint=hint, large=True)
        r1 = reference_outputs("msign", {}, [A], prec, "band", schedule_hint=hint, large=True, engine="cpu")
        assert len(r0) == len(r1) and all(x.dtype == np.float64 for x in r1)
        for x, y in zip(r0, r1):
            assert np.array_equal(round_to(y, "bfloat16"), y)
            assert np.max(np.abs(x - y)) <= 8 * 2.0 ** -8  # a few units of bfloat16's last place at |x| ≤ 1


@needs_torch
@pytest.mark.parametrize("kernel, shape, verdict", [("muon_quintic", "96x80", "pass"),
                                                    ("drops_last_partial_tile", "128x128", "fail"),
                                                    ("wrong_path_above_256", "64x300", "fail")])
def test_validate_on_the_torch_engine_passes_correct_and_catches_planted(monkeypatch, kernel, shape, verdict):
    monkeypatch.setenv(dev.ENGINE_VARIABLE, "torch")
    rep = validate("msign", f"{LOWPREC}:{kernel}", framework="torch", dtype="float32", compute_dtype="bfloat16",
                   kernel_args={"compute": "bfloat16"}, contract=BAND, locate_range=False, examples=0, shapes=[shape])
    assert rep.verdict == verdict, "\n".join(rep.summary_lines())
    assert any("float64 a posteriori" in c.reference_tier for c in rep.cases if c.state in ("ok", "fail"))


@needs_torch
def test_orthogonality_defect_on_either_engine():
    from matspec.validate.validator import _orthogonality_defect

    rng = np.random.default_rng(2)
    Q = np.linalg.qr(rng.standard_normal((40, 40)))[0][:, :30]
    for Y in (Q, Q.T, 1.01 * Q):
        a, b = _orthogonality_defect(Y), _orthogonality_defect(Y, "cpu")
        assert abs(a - b) <= 1e-13
    assert abs(_orthogonality_defect(1.01 * Q, "cpu") - (1.01 ** 2 - 1) * np.sqrt(30)) <= 1e-12


def test_the_float64_svd_is_computed_once_per_input_and_engine():
    from matspec.validate import judge64

    rng = np.random.default_rng(5)
    A = rng.standard_normal((70, 90))
    judge64._svds.clear()
    a = judge64.svd64(A)
    assert judge64.svd64(A.copy()) is a  # the same bytes: kept
    B = A.copy()
    B[3, 4] = np.nextafter(B[3, 4], 1.0)  # one ulp elsewhere: another input
    assert judge64.svd64(B) is not a
    if HAS_TORCH:
        t = judge64.svd64(A, "cpu")
        assert t is not a and judge64.svd64(A, "cpu") is t


@needs_torch
def test_reference_products_switch_tf32_off_and_restore_the_setting():
    # the flags exist in CPU builds too: what a CUDA engine would do to them is checked here
    import torch

    m = torch.backends.cuda.matmul
    attr, on, off = ("fp32_precision", "tf32", "ieee") if hasattr(m, "fp32_precision") else ("allow_tf32", True, False)
    before = getattr(m, attr)
    try:
        setattr(m, attr, on)
        with dev.exact_float32_products("cuda"):
            assert getattr(m, attr) == off
        assert getattr(m, attr) == on
        with dev.exact_float32_products(None):  # NumPy: nothing touched
            assert getattr(m, attr) == on
    finally:
        setattr(m, attr, before)
