"""`matspec compare`: kernels side by side on identical inputs — a correct kernel and a planted
slower-and-wrong one, through the API, the CLI and the pytest plugin."""
import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

from matspec.cli import main
from matspec.validate.compare import KernelEntry, compare, nominal_flops

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
pytest_plugins = ["pytester"]
K = str(Path(__file__).resolve().parents[1] / "examples" / "kernels" / "lowprec.py")
BAND = "band:0.55,1.3,floor=0.01"


def _entries():
    return [KernelEntry("muon", f"{K}:muon_quintic", {"compute": "bfloat16"}, "torch", "float32", None, "bfloat16",
                        "muon_quintic", 5),
            KernelEntry("slow_wrong", f"{K}:slow_and_two_steps", {"compute": "bfloat16"}, "torch", "float32", None,
                        "bfloat16", "muon_quintic", 2)]


def test_correct_and_planted_side_by_side(tmp_path):
    rep = compare("msign", _entries(), contract=BAND, examples=3, max_dim=5, locate_range=False)
    d = rep.to_json()
    k = {x["name"]: x for x in d["kernels"]}
    assert k["muon"]["verdict"] == "pass" and k["slow_wrong"]["verdict"] == "fail"
    assert "outside the band" in k["slow_wrong"]["first_failure"]["reason"] and "--replay" in k["slow_wrong"]["first_failure"]["replay"]
    lo, hi = k["muon"]["band_delivered"]
    assert 0.55 <= lo and hi <= 1.3
    # identical inputs: the same exact arrays (digests) in the same order for both kernels
    digests = [[c.input_sha256 for c in rep._all_cases(r)] for _, r in rep.results]
    assert digests[0] == digests[1] and len(digests[0]) >= 10
    # the slower kernel is measured slower at every shape both ran
    t = {name: {x["shape"]: x["median_seconds"] for x in k[name]["timing"]} for name in k}
    assert all(t["slow_wrong"][s] > t["muon"][s] for s in t["muon"] if s in t["slow_wrong"])
    assert any(x["tflops"] for x in k["muon"]["timing"])  # a declared schedule gives a nominal FLOP count
    jp, mp_, hp = rep.write(tmp_path)
    doc = json.loads(jp.read_text())
    assert doc["schema"] == "matspec-compare/1.0" and doc["curves"]["muon"]["transfer"][0]
    assert "| `slow_wrong` |" in mp_.read_text() and "<img" in hp.read_text()


def test_nominal_flops():
    assert nominal_flops("muon_quintic", 5, (8, 16)) == 5 * (4 * 8 * 8 * 16 + 2 * 8 ** 3)
    assert nominal_flops("muon_quintic", 5, (3, 16, 8)) == 3 * 5 * (4 * 8 * 8 * 16 + 2 * 8 ** 3)
    assert nominal_flops(None, None, (8, 8)) is None


def test_cli_and_kernels_file(tmp_path, capsys):
    kf = tmp_path / "kernels.toml"
    kf.write_text(textwrap.dedent(f"""
        [[kernel]]
        name = "muon"
        kernel = "{K}:muon_quintic"
        compute_dtype = "bfloat16"
        schedule = "muon_quintic"
        steps = 5
        [kernel.kernel_args]
        compute = "bfloat16"

        [[kernel]]
        name = "slow_wrong"
        kernel = "{K}:slow_and_two_steps"
        compute_dtype = "bfloat16"
        [kernel.kernel_args]
        compute = "bfloat16"
    """))
    code = main(["compare", "--op", "msign", "--kernels", str(kf), "--contract", BAND, "--examples", "2", "--max-dim", "4",
                 "--no-working-range", "--report", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 1 and "muon: PASS" in out and "slow_wrong: FAIL" in out
    assert (tmp_path / "r" / "compare.html").exists()
    for argv, msg in [([], "give kernels"), (["--kernels", str(tmp_path / "nope.toml")], "cannot read kernels file")]:
        assert main(["compare", "--op", "msign", *argv, "--report", str(tmp_path / "x")]) == 2
        assert msg in capsys.readouterr().err


def test_plugin_fixture(pytester):
    pytester.makepyfile(test_user=textwrap.dedent(f"""
        def test_side_by_side(matspec_compare):
            from matspec.validate.compare import KernelEntry
            kernels = {{"muon": KernelEntry("muon", "{K}:muon_quintic", {{"compute": "bfloat16"}}, compute_dtype="bfloat16"),
                       "slow_wrong": KernelEntry("x", "{K}:slow_and_two_steps", {{"compute": "bfloat16"}},
                                                 compute_dtype="bfloat16")}}
            rep = matspec_compare("msign", kernels, contract="{BAND}", examples=2, max_dim=4, locate_range=False,
                                  expect_fail={{"slow_wrong"}})
            assert [k["verdict"] for k in rep.to_json()["kernels"]] == ["pass", "fail"]
    """))
    res = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "-p", "no:xdist")
    res.assert_outcomes(passed=1)


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None and __import__("torch").cuda.is_available(),
                    reason="checks the no-CUDA error; on a CUDA machine benchmarks/gpu_check.py exercises the device")
def test_the_device_reaches_every_torch_kernel(tmp_path, capsys):
    # compare once had no device: gpu_check's "GPU" comparison ran every kernel on the CPU and named
    # the GPU in its report.  Asking for CUDA where there is none must now be a usage error, not a CPU run.
    with pytest.raises(Exception, match="CUDA") as info:
        compare("msign", _entries()[:1], contract=BAND, examples=1, max_dim=3, locate_range=False, device="cuda")
    assert type(info.value).__name__ == "UsageError" and "kernel muon" in str(info.value)
    code = main(["compare", "--op", "msign", "--kernel", f"m={K}:muon_quintic", "--device", "cuda", "--examples", "1",
                 "--no-working-range", "--report", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and "CUDA" in err and len(err.strip().splitlines()) == 1
