"""`matspec validate`: reference kernels pass, planted wrong kernels fail with a readable
counterexample, misbehaving kernels fail with the reason, exit codes, a kernel file outside
the repository, torch's own Muon Newton–Schulz under a band contract."""
import importlib.util
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from matspec.cli import main
from matspec.validate import UsageError, Validator, parse_contract, round_to_dtype, validate

K = Path(__file__).resolve().parents[1] / "examples" / "kernels"
GOOD, BAD, HOSTILE = (str(K / f) for f in ("good.py", "bad.py", "hostile.py"))
HAS_TORCH = importlib.util.find_spec("torch") is not None

# op, op params, reference kernel
REFERENCES = [
    ("svdvals", {}, "svdvals"),
    ("norm", {"kind": "fro"}, "norm"),
    ("norm", {"kind": "nuc"}, "norm"),
    ("msign", {}, "msign"),
    ("lowrank", {"k": 1}, "lowrank"),
    ("matmul", {}, "matmul"),
    ("solve", {}, "solve"),
    ("mclip", {"lo": 0.5, "hi": 2.0}, "mclip"),
    ("newton_schulz", {"schedule": "youjiacheng"}, "newton_schulz"),
    ("cond", {"kind": "2"}, "cond"),
    ("cond", {"kind": "1"}, "cond"),
    ("lstsq", {}, "lstsq"),
    ("tikhonov_solve", {"lam": 0.1}, "tikhonov_solve"),
    ("eigvalsh", {}, "eigvalsh"),
]


def _seeds(profile, base_seed):
    return [base_seed + i for i in range(6 if profile in ("heavy", "large") else 2)]


@pytest.mark.parametrize("op, params, fn", REFERENCES, ids=[f"{r[0]}-{r[2]}-{json.dumps(r[1])}" for r in REFERENCES])
def test_reference_kernel_passes(op, params, fn, profile, base_seed):
    for i, seed in enumerate(_seeds(profile, base_seed)):
        # the adversarial gallery does not depend on the seed: evaluated once
        rep = validate(op, f"{GOOD}:{fn}", params=params, seed=seed, examples=40 if profile in ("heavy", "large") else 6,
                       max_dim=6, gallery=i == 0)
        assert rep.verdict == "pass", "\n".join(rep.summary_lines())
        assert rep.decided > 0


def test_reference_float32_and_newton_schulz_pass(base_seed):
    rep = validate("svdvals", f"{GOOD}:svdvals", dtype="float32", seed=base_seed, examples=6, max_dim=6)
    assert rep.passed, "\n".join(rep.summary_lines())
    rep = validate("msign", f"{GOOD}:msign_newton_schulz", seed=base_seed, examples=6, max_dim=6)
    assert rep.passed, "\n".join(rep.summary_lines())


# planted bug, op, options, the text the failure must show
PLANTED = [
    ("svdvals_via_gram", "svdvals", {}, "error exceeds the"),
    ("svdvals_float32", "svdvals", {}, "error exceeds the"),
    ("norm_fro_naive", "norm", {"params": {"kind": "fro"}}, "NaN/Inf"),
    ("norm_swapped", "norm", {"params": {"kind": "2"}}, "error exceeds the"),
    ("norm_transposed", "norm", {"params": {"kind": "inf"}}, "error exceeds the"),
    ("msign_transposed", "msign", {}, "error exceeds the"),
    ("msign_ns_one_step_short", "msign", {}, "error exceeds the"),
    ("msign_float32", "msign", {}, "error exceeds the"),
    ("msign_ns_unnormalised", "msign", {}, "NaN/Inf"),
    ("muon_quintic_4_steps", "msign", {"contract": "band:0.6,1.2,floor=0.005"}, "outside the band"),
    ("msign_transposed", "msign", {"contract": "band:0.5,1.5"}, "singular vectors are not the input's"),
    ("lowrank_off_by_one", "lowrank", {"params": {"k": 1}}, "error exceeds the"),
    ("matmul_float32", "matmul", {}, "error exceeds the"),
    ("solve_float32", "solve", {}, "NaN/Inf"),  # float32 overflows on the 1e±306 gallery cases
    ("solve_float32", "solve", {"scale_range": (-3, 3)}, "error exceeds the"),
    ("mclip_forgets_lower", "mclip", {"params": {"lo": 0.5, "hi": 2.0}}, "error exceeds the"),
    ("mclip_version1", "mclip", {"params": {"lo": 0.25, "hi": 0.75}}, "error exceeds the"),
    ("ns_one_step_short", "newton_schulz", {"params": {"schedule": "youjiacheng"}}, "error exceeds the"),
    ("ns_doc_table_coeffs", "newton_schulz", {"params": {"schedule": "youjiacheng"}}, "error exceeds the"),
    ("ns_float32_gram", "newton_schulz", {"params": {"schedule": "muon_quintic"}}, "error exceeds the"),
    ("ns_one_step_short", "newton_schulz", {"params": {"schedule": "youjiacheng"}, "contract": "band:0.8,1.05,floor=0.005"},
     "outside the band"),
    ("cond_wrong_index", "cond", {"params": {"kind": "2"}}, "error exceeds the"),
    ("cond_fro_for_2", "cond", {"params": {"kind": "2"}}, "error exceeds the"),
    ("lstsq_normal_equations_float32", "lstsq", {"scale_range": (-3, 3)}, "error exceeds the"),
    ("tikhonov_forgets_lambda", "tikhonov_solve", {"params": {"lam": 0.1}}, "error exceeds the"),
    ("tikhonov_lambda_squared", "tikhonov_solve", {"params": {"lam": 0.1}}, "error exceeds the"),
    ("eigvalsh_descending", "eigvalsh", {}, "error exceeds the"),
    ("eigvalsh_abs", "eigvalsh", {}, "error exceeds the"),
]


@pytest.mark.parametrize("bug, op, kw, text", PLANTED, ids=[f"{p[0]}-{p[2].get('contract', 'exact')}-{len(p[2])}" for p in PLANTED])
def test_planted_wrong_kernel_fails_with_counterexample(bug, op, kw, text, base_seed):
    rep = validate(op, f"{BAD}:{bug}", seed=base_seed, examples=6, max_dim=6, **kw)
    assert rep.verdict == "fail"
    reasons = " | ".join(f.reason for f in rep.failures)
    assert text in reasons
    f = rep.failures[0]
    # readable: the counterexample is a small spec, with measured vs allowed and a replay command
    assert "Spec(" in f.inputs_repr and "--replay" in f.replay and bug in f.replay
    if f.measured is not None and f.allowed is not None:
        assert f.measured > f.allowed
    # the drawn counterexample (if any) was shrunk to a small matrix
    if rep.shrunk is not None:
        A = rep.shrunk.inputs["A"]
        assert max(A.get("m", A.get("n", 1)), A.get("n", 1)) <= 4


def test_declared_out_dtype_is_accepted_and_judged_at_the_coarser_u():
    from matspec.inputs import MatrixSpec

    v = Validator("msign", f"{HOSTILE}:wrong_dtype", out_dtype="float32", examples=0)
    try:
        cr = v.evaluate({"A": MatrixSpec(3, 3, log10_kappa=1)}, "t")
    finally:
        v.runner.close()
    assert cr.state == "ok" and cr.allowed > 1e-7  # float32's u enters the bound


def test_contract_parsing():
    c = parse_contract("band:0.7,1.2,floor=1e-3", "msign")
    assert (c.lo, c.hi, c.floor) == (0.7, 1.2, 1e-3) and "exempt" in c.describe("msign")
    for bad, op in [("band:1.2,0.7", "msign"), ("band:0.7", "msign"), ("band:0.7,1.2", "svdvals"),
                    ("band:0.7,1.2,floor=2", "msign"), ("loose", "msign"), ("band:0.7,1.2,fudge=3", "msign")]:
        with pytest.raises(UsageError):
            parse_contract(bad, op)


def test_bfloat16_rounding_is_round_to_nearest_even():
    import numpy as np

    x = np.array([1.0, 1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-9])
    y = round_to_dtype(x, "bfloat16")
    assert list(y) == [1.0, 1.0, 1 + 4 * 2**-8, 1.0]


def test_band_contract_references_pass():
    rep = validate("msign", f"{GOOD}:msign", contract="band:0.9,1.1", examples=5, max_dim=5)
    assert rep.passed, "\n".join(rep.summary_lines())
    assert "band" in rep.to_json()["contract_text"]
    rep = validate("msign", f"{GOOD}:muon_quintic", contract="band:0.6,1.2,floor=0.005", examples=5, max_dim=5)
    assert rep.passed, "\n".join(rep.summary_lines())


def test_newton_schulz_band_and_other_schedules_pass(base_seed):
    """Certified band of YouJiacheng's 6 steps on [1e-3, 1] is [0.866, 0.999] (newton_schulz.transfer_band);
    with σ < 0.005·σ₁ exempt (x = σ/‖A‖_F >= 0.005/√6 > 1e-3 at n <= 6) the output lies in [0.8, 1.05].
    Misalignment is judged against matspec's own YouJiacheng kernel on four rounding paths."""
    rep = validate("newton_schulz", f"{GOOD}:newton_schulz", params={"schedule": "youjiacheng"},
                   contract="band:0.8,1.05,floor=0.005", seed=base_seed, examples=6, max_dim=6)
    assert rep.passed, "\n".join(rep.summary_lines())
    assert rep.to_json()["contract"] == "band:0.8,1.05,floor=0.005"
    for params, dtype in (({"schedule": "polar_express"}, "float64"), ({"schedule": "muon_quintic", "steps": 3}, "float32")):
        rep = validate("newton_schulz", f"{GOOD}:newton_schulz", params=params, dtype=dtype, seed=base_seed,
                       examples=4, max_dim=5, gallery=False)
        assert rep.passed and rep.decided > 0, "\n".join(rep.summary_lines())


def test_mclip_and_newton_schulz_parameter_errors():
    for op, params, contract, msg in [
        ("mclip", {"lo": 2.0, "hi": 1.0}, "exact", "lo <= hi"),
        ("mclip", {"lo": 0.5}, "exact", "lo <= hi"),
        ("mclip", {"lo": 0.5, "hi": 1.0}, "band:0.5,1", "band' is defined for msign and newton_schulz only"),
        ("newton_schulz", {"schedule": "muon"}, "exact", "schedule=NAME"),
        ("newton_schulz", {"schedule": "muon_quintic", "steps": 6}, "exact", r"in \[1, 5\]"),
    ]:
        with pytest.raises(UsageError, match=msg):
            Validator(op, f"{GOOD}:mclip", params=params, contract=contract, examples=0)


def test_mclip_undecided_where_clipping_lifts_undetermined_directions():
    rep = validate("mclip", f"{GOOD}:mclip", params={"lo": 0.5, "hi": 2.0}, examples=0)
    cases = {c.label: c for c in rep.cases}
    assert cases["zero matrix"].state == "undecided" and "not unique" in cases["zero matrix"].reason
    assert cases["sigma across [lo, hi]"].state == "ok"
    # lo <= 0 never lifts: the zero matrix is decided (output exactly 0)
    rep = validate("mclip", f"{GOOD}:mclip", params={"lo": 0.0, "hi": 2.0}, examples=0)
    assert next(c for c in rep.cases if c.label == "zero matrix").state == "ok"


def test_exact_contract_is_undecided_on_rank_deficient_input():
    rep = validate("msign", f"{GOOD}:msign", examples=0)
    zero = next(c for c in rep.cases if c.label == "zero matrix")
    assert zero.state == "undecided" and "not determined" in zero.reason


# -- CLI: exit codes, reports, replay, a kernel file outside the repository ----------------

def test_cli_kernel_outside_repo_pass_fail_replay_and_usage_errors(tmp_path, capsys):
    kdir = tmp_path / "userkernels"
    kdir.mkdir()
    (kdir / "mine.py").write_text(textwrap.dedent("""
        import numpy as np

        def svdvals(A):
            return np.linalg.svd(A, compute_uv=False)

        def svdvals_ascending(A):
            return np.sort(np.linalg.svd(A, compute_uv=False))
    """))
    rep = tmp_path / "rep"
    assert main(["validate", "--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:svdvals", "--examples", "5",
                 "--max-dim", "5", "--report", str(rep)]) == 0
    doc = json.loads((rep / "validate.json").read_text())
    assert doc["verdict"] == "pass" and doc["contract"] == "exact" and doc["summary"]["drawn_examples"] >= 1
    assert "PASS" in (rep / "validate.md").read_text()
    capsys.readouterr()
    assert main(["validate", "--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:svdvals_ascending", "--examples", "5",
                 "--max-dim", "5", "--report", str(rep)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "replay:" in out
    doc = json.loads((rep / "validate.json").read_text())
    f = doc["failures"][0]
    assert f["measured"] > f["allowed"] and "## Failures" in (rep / "validate.md").read_text()
    raw = f["replay"].split("--replay ", 1)[1].strip("'")
    assert main(["validate", "--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:svdvals_ascending", "--replay", raw]) == 1
    assert main(["validate", "--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:svdvals", "--replay", raw]) == 0
    capsys.readouterr()
    # usage errors: exit 2 with a clear message
    for argv, msg in [
        (["--op", "svdvals", "--kernel", f"{kdir / 'nope.py'}:f"], "does not exist"),
        (["--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:missing"], "no attribute"),
        (["--op", "svdvals", "--kernel", "mine"], "pkg.module:function"),
        (["--op", "norm", "--kernel", f"{kdir / 'mine.py'}:svdvals"], "kind=K"),
        (["--op", "msign", "--kernel", f"{kdir / 'mine.py'}:svdvals", "--contract", "band:2,1"], "LO <= HI"),
        (["--op", "msign", "--kernel", f"{kdir / 'mine.py'}:svdvals", "--dtype", "bfloat16"], "NumPy has no bfloat16"),
        (["--op", "svdvals", "--kernel", f"{kdir / 'mine.py'}:svdvals", "--replay", "{bad"], "bad --replay"),
    ]:
        assert main(["validate", *argv]) == 2, argv
        assert msg in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--op", "qr", "--kernel", "x:y"])
    assert exc.value.code == 2


def test_console_script_from_outside_the_repo(tmp_path):
    """The installed `matspec` command, run from an unrelated folder (as a user would)."""
    import subprocess
    import sys

    exe = shutil.which("matspec", path=str(Path(sys.executable).parent)) or shutil.which("matspec")
    if exe is None:
        pytest.skip("matspec console script not installed")
    (tmp_path / "k.py").write_text("import numpy as np\ndef f(A, B):\n    return A @ B\n")
    r = subprocess.run([exe, "validate", "--op", "matmul", "--kernel", "k.py:f", "--examples", "3", "--max-dim", "4"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "matspec-out" / "validate-matmul" / "validate.json").exists()


# -- torch's own Muon Newton–Schulz ------------------------------------------------------

MUON = ["--kernel", "torch.optim._muon:_zeropower_via_newtonschulz", "--kernel-arg", "ns_coefficients=(3.4445,-4.775,2.0315)",
        "--kernel-arg", "ns_steps=5", "--kernel-arg", "eps=1e-7"]


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
def test_torch_muon_newton_schulz_under_band_contract(tmp_path):
    """What matspec reports for torch.optim's Muon Newton–Schulz in bfloat16 (docs/validate.md)."""
    import torch.optim._muon  # noqa: F401 - torch >= 2.9 ships it

    from matspec.inputs import MatrixSpec
    from matspec.validate import KernelRunner, parse_assignment

    kargs = dict(parse_assignment(p) for p in MUON[3::2])
    runner = KernelRunner(MUON[1], "torch", "cpu", 10.0)  # one torch worker (importing torch is the slow part)
    try:
        # 1. Full scale range, no exemption (gallery only): fails at the zero matrix (output
        #    0), at 1e36 and 1e-35 (the bfloat16 Frobenius norm overflows / underflows:
        #    output 0 or ~1e-26), and at the rank-deficient input (rounding-level σ stay far
        #    below the band).  The CLI equivalent is in docs/validate.md.
        rep = Validator("msign", MUON[1], framework="torch", dtype="bfloat16", kernel_args=kargs, runner=runner,
                        contract="band:0.6,1.2", examples=0).run()
        rep.write(tmp_path / "b")
        doc = json.loads((tmp_path / "b" / "validate.json").read_text())
        assert doc["verdict"] == "fail" and doc["contract"] == "band:0.6,1.2"
        assert "no input singular value is exempt" in doc["contract_text"]
        failed = {f["label"] for f in doc["failures"]}
        assert {"zero matrix", "huge scale", "tiny scale", "rank deficient"} <= failed
        huge = next(f for f in doc["failures"] if f["label"] == "huge scale")
        assert huge["detail"]["diag_range"][1] == 0.0  # the output is exactly zero
        # 2. With the user-stated exemption of σ < 0.005·σ₁ and scales narrowed to 1e-6..1e10
        #    (a ‖G‖_F below Muon's eps = 1e-7 is divided by 1e-7, not by ‖G‖_F) it meets the band.
        rep = Validator("msign", MUON[1], framework="torch", dtype="bfloat16", kernel_args=kargs, runner=runner,
                        contract="band:0.6,1.2,floor=0.005", scale_range=(-6, 10), examples=5, max_dim=6).run()
        assert rep.passed, "\n".join(rep.summary_lines())
        lo, hi = rep.to_json()["summary"]["band_diag_range_all"]
        assert 0.6 <= lo and hi <= 1.2
        # torch's Muon NS divides its bfloat16 input in place (`grad.bfloat16()` makes no copy of
        # a bfloat16 tensor, then `div_`): reported as a finding, not hidden
        f = rep.findings()["input_mutation"]
        assert f["modifies_input"] and any("modifies its input in place" in x for x in rep.summary_lines())
        # 3. Declared float32 in, undeclared bfloat16 out: a named dtype failure.
        v = Validator("msign", MUON[1], framework="torch", dtype="float32", contract="band:0.6,1.2", examples=0,
                      kernel_args=kargs, runner=runner)
        cr = v.evaluate({"A": MatrixSpec(3, 3, log10_kappa=1)})
        assert cr.state == "fail" and "returned dtype bfloat16, expected float32 (undeclared dtype change" in cr.reason
    finally:
        runner.close()


def test_lowrank_with_k_at_least_the_rank_is_judged_both_ways(base_seed):
    """k ≥ rank(A): A_k = A.  A correct truncated-SVD kernel rebuilds A from its SVD and must pass
    (the old allowance u‖A‖_F false-alarmed at 2×1); dropping a term there must still fail."""
    good = validate("lowrank", f"{GOOD}:lowrank", params={"k": 3}, seed=base_seed, examples=6, max_dim=3)
    assert good.verdict == "pass", "\n".join(good.summary_lines())
    bad = validate("lowrank", f"{BAD}:lowrank_off_by_one", params={"k": 1}, seed=base_seed, examples=6, max_dim=6)
    assert any(c.label == "1x1" for c in bad.failures), "\n".join(bad.summary_lines())


def test_signed_permutations_by_indexing_equal_the_dense_products():
    # the rounding paths apply P·A·Q and Pᵀ·Y·Qᵀ by indexing (O(n²), not 2n³); a wrong index map
    # would hand every path a different matrix and judge kernels against unrelated references
    import numpy as np

    from matspec.validate.reference import SignedPerm, _signed_perm

    rng = np.random.default_rng(0)
    for m, n in [(5, 7), (1, 1), (6, 3)]:
        A = rng.standard_normal((m, n))
        P, Q = SignedPerm(m, np.random.default_rng(3)), SignedPerm(n, np.random.default_rng(4))
        Pd, Qd = _signed_perm(m, np.random.default_rng(3)), _signed_perm(n, np.random.default_rng(4))
        assert sorted(map(tuple, np.abs(Pd))) == sorted(map(tuple, np.eye(m)))  # a signed permutation
        for X in (A, A.astype(np.float32)):
            assert np.array_equal(P.left(X), Pd @ X) and np.array_equal(P.left_t(X), Pd.T @ X)
            assert np.array_equal(Q.right(X), X @ Qd) and np.array_equal(Q.right_t(X), X @ Qd.T)
            assert np.array_equal(Q.right_t(P.left_t(Q.right(P.left(X)))), X)
