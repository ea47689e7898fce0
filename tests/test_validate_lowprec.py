"""Low-precision truth (docs/validate.md, "The error model"): correct Newton–Schulz kernels of
four families pass their family's band in float32, bfloat16 and float16 compute; planted wrong
ones fail with a minimal input or a working range; allowances that swallow their property
make an example undecided; a run whose decided examples do not cover the contract does not
pass; the working range is located.

Default run: one dtype per family and per planted kernel; the families × dtypes × 5 seeds and
planted × {bfloat16, float16} matrix under ``--profile heavy``.
"""
import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

from matspec.validate import Validator, validate
from matspec.validate.bands import family_band
from matspec.validate.precision import Precision

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")

K = str(Path(__file__).resolve().parents[1] / "examples" / "kernels" / "lowprec.py")
README = Path(__file__).resolve().parents[1] / "README.md"
FLOOR, DIM = 0.01, 6
# family (for its band) -> kernel in examples/kernels/lowprec.py, and the dtype the default run uses
FAMILIES = {"muon_quintic": ("muon_quintic", "bfloat16"), "polar_express": ("polar_express", "float32"),
            "gram": ("gram_newton_schulz", "float16"), "cubic": ("cubic_to_convergence", "bfloat16")}
# planted kernel -> the dtype the default run uses
PLANTED = {"rows_permuted": "bfloat16", "negated": "float16", "transposed_square": "bfloat16",
           "too_few_steps": "bfloat16", "float16_cast_before_normalising": "float16", "eps_too_large": "float16",
           "tall_not_transposed_back": "bfloat16", "misaligned_10x": "bfloat16", "one_wrong_coefficient": "float16"}
HEAVY = ("heavy", "large")


def _run(kernel, compute, contract, seed=0, examples=8, **kw):
    return validate("msign", f"{K}:{kernel}", framework="torch", dtype="float32", compute_dtype=compute,
                    kernel_args={"compute": compute}, contract=contract, examples=examples, max_dim=DIM, seed=seed,
                    locate_range=kw.pop("locate_range", False), **kw)


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("compute", ["float32", "bfloat16", "float16"])
def test_correct_family_passes_its_band(family, compute, profile):
    kernel, default_dtype = FAMILIES[family]
    if profile not in HEAVY and compute != default_dtype:
        pytest.skip("one dtype per family by default; all under --profile heavy")
    band = family_band(family, FLOOR, DIM, compute, "float32")
    for seed in range(5) if profile in HEAVY else [0]:
        rep = _run(kernel, compute, band.contract(FLOOR), seed=seed)
        assert rep.verdict == "pass", band.describe() + "\n" + "\n".join(rep.summary_lines())
        lo, hi = rep.to_json()["summary"]["band_diag_range_all"]
        assert band.lo <= lo and hi <= band.hi
        assert rep.to_json()["precision"]["compute"] == compute


@pytest.mark.parametrize("kernel", list(PLANTED))
@pytest.mark.parametrize("compute", ["bfloat16", "float16"])
def test_planted_low_precision_kernel_fails(kernel, compute, profile):
    if profile not in HEAVY and compute != PLANTED[kernel]:
        pytest.skip("one dtype per planted kernel by default; both under --profile heavy")
    band = family_band("muon_quintic", FLOOR, DIM, compute, "float32")
    rep = _run(kernel, compute, band.contract(FLOOR))
    assert rep.verdict == "fail", "\n".join(rep.summary_lines())
    f = rep.failures[0]
    # a minimal input is named (a small spec, entries as received) with a replay command
    assert "Spec(" in f.inputs_repr and "--replay" in f.replay and "--compute-dtype" in f.replay
    assert ("outside the band" in f.reason or "not the input's" in f.reason or "NaN/Inf" in f.reason), f.reason


def test_misalignment_is_judged_per_pair_class_against_reference_paths():
    """The planted kernel misaligned 10× a correct Muon kernel's own misalignment fails in the
    class of the large singular values, where every member of the family agrees; the correct
    kernel's worst class stays well inside its allowance."""
    band = family_band("muon_quintic", FLOOR, DIM, "bfloat16", "float32")
    good = _run("muon_quintic", "bfloat16", band.contract(FLOOR))
    ratios = [r["measured"] / r["allowed"] for c in good.cases for r in c.detail.get("misalignment_classes", [])
              if r["judged"] and r["allowed"] > 0]
    assert ratios and max(ratios) < 0.8
    bad = _run("misaligned_10x", "bfloat16", band.contract(FLOOR))
    f = bad.failures[0]
    assert "not the input's" in f.reason and "rounding paths of matspec's reference at bfloat16" in f.reason


def test_undeclared_compute_dtype_is_judged_at_the_declared_precision():
    """A kernel computing in bfloat16 but returning float32: judged at float32's u it fails
    (bfloat16 misalignment against float32 reference paths); declared, it passes."""
    band = family_band("muon_quintic", FLOOR, DIM, "bfloat16", "float32")
    rep = validate("msign", f"{K}:muon_quintic", framework="torch", dtype="float32", kernel_args={"compute": "bfloat16"},
                   contract=band.contract(FLOOR), examples=4, max_dim=DIM, locate_range=False)
    assert rep.verdict == "fail" and "not the input's" in rep.failures[0].reason
    rep = _run("muon_quintic", "bfloat16", band.contract(FLOOR), examples=4)
    assert rep.verdict == "pass"
    assert "compute bfloat16" in rep.summary_lines()[0]


def test_allowance_that_reaches_the_band_is_undecided():
    # LO = 1e-4 with a bfloat16 result: the output's own rounding (u·HI per direction) is wider than LO
    rep = validate("msign", f"{K}:muon_quintic", framework="torch", dtype="bfloat16", contract="band:0.0001,1.5",
                   examples=0, max_dim=DIM, locate_range=False)
    und = [c for c in rep.cases if c.state == "undecided"]
    assert und and all("reaches the band's distance to 0" in c.reason for c in und)
    assert rep.verdict != "pass"


def test_run_that_does_not_cover_the_contract_does_not_pass():
    """Only 1×1 inputs: every decided example judges σ = σ₁; nothing near the floor."""
    band = family_band("muon_quintic", FLOOR, DIM, "bfloat16", "float32")
    rep = validate("msign", f"{K}:muon_quintic", framework="torch", dtype="float32", compute_dtype="bfloat16",
                   kernel_args={"compute": "bfloat16"}, contract=band.contract(FLOOR), examples=3, max_dim=1,
                   gallery=False)
    assert rep.verdict == "undecided" and not rep.failures
    assert any("within a decade of the range's low end" in w for w in rep.not_covered())
    assert any(line.startswith("  NOT COVERED") for line in rep.summary_lines())


def test_working_range_is_located_to_a_tenth_of_a_decade():
    """eps = 1e-3 in the normalisation (and no pre-scaling): the input is divided by ‖A‖_F + 1e-3,
    so small inputs are under-normalised and, far enough below 1e-3, leave even the wide
    bfloat16 band; above ‖A‖_F ≈ 1.8e19 (√ of float32's max) the norm's square overflows."""
    band = family_band("muon_quintic", FLOOR, DIM, "bfloat16", "float32")
    rep = _run("eps_too_large", "bfloat16", band.contract(FLOOR), examples=0, locate_range=True)
    wr = rep.to_json()["working_range"]
    low, high = wr["low"], wr["high"]
    assert low["first_bad_log10_scale"] - low["last_ok_log10_scale"] <= 0.1 + 1e-9
    assert high["first_bad_log10_scale"] - high["last_ok_log10_scale"] <= 0.1 + 1e-9
    assert 1e-8 < low["fro_norm"] < 1e-3 and 1e18 < high["fro_norm"] < 1.9e19
    assert high["beyond"] == "output exactly 0"
    line = next(x for x in rep.summary_lines() if "working range" in x)
    assert "band holds for ‖A‖_F ∈ [" in line and "above: output exactly 0" in line
    assert any(c.label.startswith("working range: first failure") for c in rep.failures)


def test_torch_muon_working_range_is_the_one_in_readme():
    """torch.optim's Muon NS in bfloat16 under band:0.6,1.25,floor=0.01: README states the working
    range matspec reports (both ends, to 0.1 decade), and the kernel passes inside it."""
    args = dict(framework="torch", dtype="bfloat16", contract="band:0.6,1.25,floor=0.01", max_dim=DIM,
                kernel_args={"ns_coefficients": (3.4445, -4.775, 2.0315), "ns_steps": 5, "eps": 1e-7})
    rep = validate("msign", "torch.optim._muon:_zeropower_via_newtonschulz", examples=0, **args)
    wr = rep.to_json()["working_range"]
    lo, hi = wr["low"]["fro_norm"], wr["high"]["fro_norm"]
    text = README.read_text()
    m = re.search(r"torch\.optim['’]s Muon.*?‖G‖_F ∈ \[([0-9.e+-]+), ([0-9.e+-]+)\]", text, re.S)
    assert m, "README must state torch Muon's working range"
    assert abs(math.log10(float(m.group(1))) - math.log10(lo)) <= 0.1 + 1e-9
    assert abs(math.log10(float(m.group(2))) - math.log10(hi)) <= 0.1 + 1e-9
    inside = (wr["low"]["last_ok_log10_scale"] + 0.1, wr["high"]["last_ok_log10_scale"] - 0.1)
    rep = validate("msign", "torch.optim._muon:_zeropower_via_newtonschulz", examples=8, scale_range=inside,
                   locate_range=False, **args)
    assert rep.verdict == "pass", "\n".join(rep.summary_lines())


# -- the precision model and the emulated reference -----------------------------------------

def test_precision_defaults_and_accumulation():
    p = Precision.of("float32", compute="bfloat16")
    assert (p.compute, p.accumulate, p.u_c, p.u_acc) == ("bfloat16", "float32", 2.0 ** -8, 2.0 ** -24)
    assert Precision.of("bfloat16", device="cuda").accumulate == "float32-truncating"
    assert Precision.of("bfloat16", device="cuda").u_acc == 2.0 ** -23
    assert Precision.of("float16", "float32").compute == "float16"  # the coarser of input and result
    # wider accumulation: one rounding to the compute dtype plus γ_k(u_acc), not γ_k(u_c)
    k = 4096
    assert p.gamma(k) < 0.01 and math.isinf(Precision.of("bfloat16", accumulate="same").gamma(k))
    assert p.gamma_prob(k, 7.5) <= p.gamma(k)


def test_emulated_arithmetic_matches_torch_bfloat16():
    """The reference kernels' emulation (operands in bfloat16, float32 accumulation, one rounding)
    is what torch's CPU bfloat16 matmul computes, bit for bit."""
    import torch

    from matspec.validate.reference import Emulated

    rng = np.random.default_rng(0)
    E = Emulated(Precision.of("bfloat16"))
    for n in (3, 8, 33):
        A = E.r(rng.normal(size=(n, n)))
        B = E.r(rng.normal(size=(n, n)))
        ours = np.asarray(E.mm(A, B), dtype=np.float64)
        theirs = (torch.from_numpy(np.asarray(A, dtype=np.float32)).bfloat16()
                  @ torch.from_numpy(np.asarray(B, dtype=np.float32)).bfloat16()).double().numpy()
        assert np.array_equal(ours, theirs), n


def test_float16_kernel_through_numpy():
    rep = validate("matmul", f"{Path(K).parent / 'good.py'}:matmul", dtype="float16", examples=4, max_dim=4)
    assert rep.verdict == "pass", "\n".join(rep.summary_lines())
    assert rep.to_json()["precision"]["u_compute"] == 2.0 ** -11
