"""The isolated kernel runner's guarantees (docs/validate.md, "Robustness"), each shown on a
kernel that would break it, plus the regression tests of issue 12's bugs."""
import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from matspec.cli import main
from matspec.inputs import MatrixSpec
from matspec.validate import UsageError, Validator, validate

K = Path(__file__).resolve().parents[1] / "examples" / "kernels"
GOOD, BAD = str(K / "good.py"), str(K / "bad.py")
HAS_TORCH = importlib.util.find_spec("torch") is not None
REPO = Path(__file__).resolve().parents[1]


def _write(tmp_path, name, src) -> str:
    p = tmp_path / name
    p.write_text(textwrap.dedent(src))
    return str(p)


# -- judged on an untouched copy ------------------------------------------------------------

def test_closure_that_damages_its_input_is_judged_against_the_original():
    """Regression (issue 12): on the old in-process runner a closure that zeroed its input and
    returned zeros PASSED svdvals, and one that pre-scaled its input in place passed as a
    lambda.  The oracle's view is fixed before the kernel runs; the worker gets a copy."""
    def zeroes(A):
        A[...] = 0
        return np.zeros(min(A.shape))

    rep = validate("svdvals", zeroes, examples=2, max_dim=3)
    assert rep.verdict == "fail" and "error exceeds the" in rep.failures[0].reason
    assert rep.findings()["input_mutation"]["modifies_input"]

    def prescale(A):
        A /= np.max(np.abs(A))
        return np.linalg.svd(A, compute_uv=False)

    rep = validate("svdvals", lambda A: prescale(A), examples=2, max_dim=3)
    assert rep.verdict == "fail"
    assert any("modifies its input in place" in line for line in rep.summary_lines())


def test_input_mutation_policy():
    def scale_then_polar(A):
        A *= 2.0  # msign is scale invariant: the output is right, the input is damaged
        U, _, Vt = np.linalg.svd(A, full_matrices=False)
        return U @ Vt

    cr = Validator("msign", scale_then_polar, examples=0).replay({"A": MatrixSpec(3, 3, log10_kappa=1)})
    assert cr.state == "ok" and cr.mutation["A"]["entries_changed"] == 9
    cr = Validator("msign", scale_then_polar, examples=0, input_mutation="fail").replay({"A": MatrixSpec(3, 3, log10_kappa=1)})
    assert cr.state == "fail" and "modifies its input in place" in cr.reason
    rep = Validator("msign", scale_then_polar, examples=0, input_mutation="allow").run()
    assert rep.passed and not any("in place" in line for line in rep.summary_lines())


def test_layouts_reach_the_kernel_as_intended():
    """A kernel that reads its raw buffer assuming C order is right on contiguous inputs and
    wrong on the transposed (Fortran-order) and strided views the worker builds."""
    def c_order_only(A):
        B = np.frombuffer(np.asarray(A).data if A.flags.c_contiguous else A.tobytes(order="A"), dtype=A.dtype)
        B = B.reshape(A.shape)
        return np.linalg.svd(B, compute_uv=False)

    rep = validate("svdvals", c_order_only, examples=0)
    failed = {c.label for c in rep.failures}
    assert "transposed view (Fortran order)" in failed
    ok = {c.label for c in rep.cases if c.state == "ok"}
    assert {"tall", "wide"} <= ok  # contiguous inputs are fine
    cr = Validator("svdvals", c_order_only, examples=0).replay({"A": MatrixSpec(3, 2, seed=4), "layout": "transposed"})
    assert cr.state == "fail" and '"layout":"transposed"' in cr.replay


# -- crashes, hangs, children, orphans --------------------------------------------------------

def test_callable_that_cannot_be_shipped_is_a_usage_error():
    lock = threading.Lock()

    def holds_a_lock(A):
        with lock:
            return A

    with pytest.raises(UsageError, match="cannot ship kernel .* module-level function"):
        Validator("msign", holds_a_lock, examples=0)


def test_validate_killed_leaves_no_worker(tmp_path):
    """kill -9 of `matspec validate` while its worker runs a hanging kernel: the worker and the
    kernel's child exit with it (PR_SET_PDEATHSIG + watchdog; the worker kills its tree)."""
    marker = f"orphan-marker-{tmp_path.name}"
    k = _write(tmp_path, "hangk.py", f"""
        import subprocess, sys, time
        def f(A):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)  # {marker}"])
            time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-m", "matspec.cli", "validate", "--op", "msign", "--kernel", f"{k}:f",
                             "--examples", "0", "--timeout", "300", "--report", str(tmp_path / "r")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = f"matspec.validate.worker"

    def ours():  # this validate's worker: one of its last arguments is the parent's pid
        return [w for w in _procs(worker) if str(proc.pid) in w.split()[-2:]]

    try:
        deadline = time.time() + 60
        while time.time() < deadline and not _procs(marker):
            time.sleep(0.2)
        assert _procs(marker), "the kernel never started"
        assert ours()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and (ours() or _procs(marker)):
        time.sleep(0.2)
    assert not ours(), "the worker outlived validate"
    assert not _procs(marker), "the kernel's child outlived validate"


def _procs(marker: str) -> list[str]:
    out = []
    me = str(os.getpid())
    for pid in Path("/proc").iterdir():
        if not pid.name.isdigit() or pid.name == me:
            continue
        try:
            cmd = (pid / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (pid / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            out.append(cmd)
    return out


def test_module_hanging_at_import_gets_the_warmup_limit(tmp_path, capsys):
    k = _write(tmp_path, "slowimport.py", "import time\ntime.sleep(120)\ndef f(A):\n    return A\n")
    t0 = time.time()
    code = main(["validate", "--op", "msign", "--kernel", f"{k}:f", "--timeout", "0.5", "--warmup-timeout", "2",
                 "--report", str(tmp_path / "r")])
    assert code == 2 and time.time() - t0 < 30
    assert "did not load within the 2 s warm-up limit" in capsys.readouterr().err


def test_first_call_per_shape_is_warmup_not_timed(tmp_path):
    """A kernel whose first call per shape is slow (as torch.compile's is) passes a per-call
    timeout it would fail if compilation counted; the report says so."""
    k = _write(tmp_path, "compiled.py", """
        import time
        import numpy as np
        _seen = set()
        def f(A):
            if (A.shape, A.dtype, A.flags.c_contiguous) not in _seen:
                _seen.add((A.shape, A.dtype, A.flags.c_contiguous))
                time.sleep(1.5)  # "compiling"
            return np.linalg.svd(A, compute_uv=False)
    """)
    rep = validate("svdvals", f"{k}:f", examples=2, max_dim=3, timeout=1.0, warmup_timeout=20)
    assert rep.passed, "\n".join(rep.summary_lines())
    doc = rep.to_json()
    assert doc["warmup_timeout_s"] == 20 and "not the 1 s per-call timeout" in doc["warmup_note"]


def test_compile_error_in_warmup_is_named_with_a_hint(tmp_path):
    k = _write(tmp_path, "recompile.py", """
        def f(A):
            raise RuntimeError("torch._dynamo hit config.recompile_limit (8)")
    """)
    cr = Validator("msign", f"{k}:f", examples=0).replay({"A": MatrixSpec(2, 2)})
    assert cr.state == "fail" and "compilation failed in the warm-up call" in cr.reason and "dynamic=True" in cr.reason


def test_first_call_that_raises_only_once_is_a_stateful_failure(tmp_path):
    k = _write(tmp_path, "once.py", """
        import numpy as np
        _n = [0]
        def f(A):
            _n[0] += 1
            if _n[0] == 1:
                raise RuntimeError("lazy init failed")
            return np.linalg.svd(A, compute_uv=False)
    """)
    cr = Validator("svdvals", f"{k}:f", examples=0).replay({"A": MatrixSpec(2, 2)})
    assert cr.state == "fail" and "warm-up call) raised RuntimeError: lazy init failed" in cr.reason


def test_nondeterminism_is_a_finding_not_a_verdict():
    def noisy(A):
        s = np.linalg.svd(A, compute_uv=False)
        return s * (1 + np.random.default_rng().uniform(-1, 1, s.shape) * 1e-16)

    rep = validate("svdvals", noisy, examples=2, max_dim=3)
    assert rep.passed
    f = rep.findings()["nondeterministic"]
    assert f["differs_between_calls"] and 0 < f["max_relative_difference"] < 1e-15
    rep = validate("svdvals", noisy, examples=2, max_dim=3, repeat=1)
    assert not rep.findings()["nondeterministic"]["differs_between_calls"]


def test_flaky_kernel_is_labelled_not_reproducible(tmp_path):
    """A kernel that fails once: Hypothesis's replay passes; the failure stays, labelled."""
    k = _write(tmp_path, "flaky.py", """
        import numpy as np
        _n = [0]
        def f(A):
            _n[0] += 1
            if _n[0] == 8:
                return np.zeros(min(A.shape))
            return np.linalg.svd(A, compute_uv=False)
    """)
    rep = validate("svdvals", f"{k}:f", examples=20, max_dim=3, gallery=False, seed=1)
    assert rep.verdict == "fail"
    reason = rep.failures[0].reason
    assert "FlakyFailure" not in reason and "not reproducible" in reason, reason


def test_deterministic_hang_stops_shrinking_without_a_flaky_label(tmp_path):
    k = _write(tmp_path, "hang3.py", """
        import time
        import numpy as np
        def f(A):
            if min(A.shape) >= 2:
                time.sleep(600)
            return np.linalg.svd(A, compute_uv=False)
    """)
    t0 = time.time()
    rep = validate("svdvals", f"{k}:f", examples=10, max_dim=3, gallery=False, timeout=0.5, warmup_timeout=5)
    assert rep.verdict == "fail" and time.time() - t0 < 120
    assert "Flaky" not in rep.failures[0].reason
    assert rep.to_json()["summary"]["drawn_examples"] >= 1  # the failing drawn input is counted


# -- parameters: op parameters vs kernel arguments ------------------------------------------

def test_kernel_args_and_op_params_are_separate(tmp_path, capsys):
    # a shipped example keeps working: its signature names the op parameter
    assert main(["validate", "--op", "norm", "--param", "kind=fro", "--kernel", f"{GOOD}:norm", "--examples", "2",
                 "--max-dim", "3", "--report", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    # a kernel argument the signature does not accept: one usage error, exit 2
    assert main(["validate", "--op", "svdvals", "--kernel", f"{GOOD}:svdvals", "--kernel-arg", "eps=1e-7",
                 "--report", str(tmp_path / "b")]) == 2
    assert "does not accept the call" in capsys.readouterr().err
    # a kernel argument passed as an op parameter: a usage error that names --kernel-arg
    assert main(["validate", "--op", "msign", "--kernel", f"{GOOD}:msign", "--param", "eps=1e-7",
                 "--report", str(tmp_path / "c")]) == 2
    assert "--kernel-arg" in capsys.readouterr().err


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
def test_library_routine_without_a_wrapper(tmp_path):
    """`torch.linalg.matrix_norm` has no readable signature: `kind` is not forwarded, and
    --kernel-arg gives it what it needs."""
    code = main(["validate", "--op", "norm", "--param", "kind=2", "--framework", "torch", "--kernel",
                 "torch.linalg:matrix_norm", "--kernel-arg", "ord=2", "--examples", "3", "--max-dim", "4",
                 "--report", str(tmp_path)])
    doc = json.loads((tmp_path / "validate.json").read_text())
    assert code == 0 and doc["verdict"] == "pass" and doc["op_params_forwarded"] == []
    assert doc["kernel_args"] == {"ord": 2}


# -- issue 12's bugs ---------------------------------------------------------------------------

def test_gallery_replay_from_the_docs_works(capsys):
    """The replay example in docs/validate.md (a gallery input) used to exit 2 with
    "unknown input type 'gallery'"."""
    doc = (REPO / "docs" / "validate.md").read_text()
    line = next(x for x in doc.splitlines() if "--replay" in x and '"gallery"' in x)
    raw = line.split("--replay ", 1)[1].strip().strip("'")
    code = main(["validate", "--op", "msign", "--kernel", f"{BAD}:msign_ns_one_step_short", "--contract", "exact",
                 "--replay", raw])
    out = capsys.readouterr().out
    assert code == 1 and "GallerySpec" in out and ": fail" in out


def test_scale_range_anywhere_inside_the_dtype(tmp_path, capsys):
    assert main(["validate", "--op", "svdvals", "--kernel", f"{GOOD}:svdvals", "--scale-range=17,21", "--examples", "3",
                 "--max-dim", "3", "--report", str(tmp_path / "a")]) == 0
    doc = json.loads((tmp_path / "a" / "validate.json").read_text())
    assert doc["scale_range_log10"] == [17.0, 21.0]
    assert main(["validate", "--op", "svdvals", "--kernel", f"{GOOD}:svdvals", "--scale-range=17.5,17.9", "--examples", "2",
                 "--max-dim", "3", "--report", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    for window in ("-400,400", "30,40"):  # 30,40 is outside float32's range
        assert main(["validate", "--op", "svdvals", "--kernel", f"{GOOD}:svdvals", f"--scale-range={window}",
                     "--dtype", "float32", "--report", str(tmp_path / "c")]) == 2
        err = capsys.readouterr().err
        assert "outside float32's range" in err and "Traceback" not in err


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
def test_newton_schulz_exact_in_bfloat16_is_undecided_not_a_kernel_failure(tmp_path):
    k = _write(tmp_path, "nsk.py", """
        import torch
        from matspec.implementations import newton_schulz as ns
        def f(A, schedule, steps=None):
            X = ns.iterate(A.double().numpy(), schedule, steps=steps)
            return torch.from_numpy(X).to(A.dtype)
    """)
    cr = Validator("newton_schulz", f"{k}:f", framework="torch", dtype="bfloat16", params={"schedule": "polar_express"},
                   examples=0).replay({"A": MatrixSpec(4, 4, log10_kappa=1)})
    assert cr.state == "undecided" and "bound vacuous" in cr.reason
    assert "OverflowError" not in cr.reason


def test_bad_inputs_are_usage_errors(tmp_path, capsys):
    existing = tmp_path / "afile"
    existing.write_text("x")
    cases = [
        (["--op", "msign", "--kernel", f"{GOOD}:msign", "--replay", '{"A":5}'], "must be a spec object"),
        (["--op", "msign", "--kernel", f"{GOOD}:msign", "--replay", "[1,2]"], "expected a JSON object"),
        (["--op", "msign", "--kernel", f"{GOOD}:msign", "--replay", '{"A":{"type":"matrix","m":-1,"n":2}}'], "bad --replay"),
        (["--op", "msign", "--kernel", f"{GOOD}:msign", "--replay", '{"A":{"type":"matrix","m":2,"n":2},"layout":"diagonal"}'],
         "unknown layout"),
        (["--op", "msign", "--kernel", f"{GOOD}:msign", "--report", str(existing)], "exists and is not a folder"),
    ]
    if HAS_TORCH:
        cases.append((["--op", "msign", "--framework", "torch", "--kernel", f"{GOOD}:msign", "--device", "bogus",
                       "--report", str(tmp_path / "r")], "unknown torch device 'bogus'"))
    for argv, msg in cases:
        t0 = time.time()
        assert main(["validate", *argv]) == 2, argv
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err
    assert existing.read_text() == "x"


def test_summary_counts_the_failing_drawn_input(tmp_path):
    rep = validate("svdvals", f"{BAD}:svdvals_float32", examples=5, max_dim=4, gallery=False)
    assert rep.verdict == "fail" and rep.shrunk is not None
    head = rep.summary_lines()[0]
    assert "0 gallery + 0 drawn" not in head and rep.to_json()["summary"]["drawn_examples"] >= 1


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    r = subprocess.run(f"{sys.executable} -m matspec.cli validate --op svdvals --kernel {GOOD}:svdvals --examples 2 "
                       f"--max-dim 3 --report {tmp_path} | head -c 10", shell=True, capture_output=True, text=True,
                       timeout=300)
    assert "Traceback" not in r.stderr and "BrokenPipeError" not in r.stderr, r.stderr


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
def test_real_torch_compile_kernel_is_warmed_up(tmp_path, profile):
    """A real torch.compile'd Newton–Schulz (inductor, C++ on the CPU): compilation per shape
    takes seconds to minutes here, far past the 2 s per-call timeout, and must not count.
    Heavy profile only (slow)."""
    if profile not in ("heavy", "large"):
        pytest.skip("heavy profile only: inductor compiles for minutes on 2 cores")
    k = _write(tmp_path, "compiled_ns.py", """
        import torch

        @torch.compile(dynamic=True)
        def _ns(X):
            X = X / (X.norm() + 1e-7)
            for _ in range(5):
                A = X @ X.T
                X = 3.4445 * X + (-4.775 * A + 2.0315 * A @ A) @ X
            return X

        def f(A):
            return _ns(A)
    """)
    rep = validate("msign", f"{k}:f", framework="torch", dtype="float32", contract="band:0.6,1.25,floor=0.01",
                   examples=3, max_dim=4, gallery=False, timeout=2, warmup_timeout=600, scale_range=(-3, 3))
    assert rep.verdict == "pass", "\n".join(rep.summary_lines())
    assert not any("warm-up" in c.reason for c in rep.failures)
