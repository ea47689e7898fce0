"""validate and compare run one sequence of cases (Validator.run_cases): a failure found only by
the working-range scan, a kernel that hangs, and a range that ends at an undecided point give the
same verdicts through both.  Also: λ counts the entries of the user's shapes, and matspec.testing
judges an output exactly as validate does."""
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

from matspec.testing import Undecided, assert_op
from matspec.tolerance import lambda_for
from matspec.validate.compare import KernelEntry, compare
from matspec.validate.validator import STOP_AFTER_HANGS, CaseResult, Validator, validate
from matspec.validate.working_range import locate

KERNELS = Path(__file__).resolve().parents[1] / "examples" / "kernels"
GOOD, GOOD_MSIGN = f"{KERNELS / 'good.py'}:svdvals", f"{KERNELS / 'good.py'}:msign"

# A planted float64 svdvals: right everywhere except for max|a_ij| in (1e100, 1e200), where it
# returns σ·1.01 — between the gallery's probe points (scale ≈ 1, 1e-305, 1e306), so only the
# working-range scan (float64 grid: every 16 decades) meets it.
MID_SCALE_WRONG = textwrap.dedent("""
    import time
    import numpy as np

    def svdvals_mid_scale_wrong(A):
        s = np.linalg.svd(A, compute_uv=False)
        big = float(np.max(np.abs(A))) if A.size else 0.0
        return s * 1.01 if 1e100 < big < 1e200 else s

    def svdvals_hangs(A):
        time.sleep(60)
        return np.linalg.svd(A, compute_uv=False)
""")


@pytest.fixture
def kfile(tmp_path):
    p = tmp_path / "planted.py"
    p.write_text(MID_SCALE_WRONG)
    return str(p)


def test_a_failure_only_in_the_working_range_scan_fails_compare_as_it_fails_validate(kfile):
    ref = f"{kfile}:svdvals_mid_scale_wrong"
    rep = validate("svdvals", ref, examples=3, max_dim=4)
    assert rep.verdict == "fail"
    # only the range scan found it: every gallery and drawn input passed
    assert [c.label for c in rep.failures] == ["working range: first failure above (square)"]
    c = compare("svdvals", [KernelEntry("mid", ref, framework="numpy", dtype="float64")], examples=3, max_dim=4)
    k = c.to_json()["kernels"][0]
    assert k["verdict"] == rep.verdict == "fail"
    assert k["first_failure"]["label"] == "working range: first failure above (square)"
    assert "--replay" in k["first_failure"]["replay"]


def test_compare_stops_a_hanging_kernel_after_consecutive_timeouts_as_validate_does(kfile):
    c = compare("svdvals", [KernelEntry("hang", f"{kfile}:svdvals_hangs", framework="numpy", dtype="float64")],
                examples=2, max_dim=4, timeout=0.2, warmup_timeout=4.0)  # loading the kernel fits in 4 s
    (_, rep), = c.results
    assert rep.v.stopped and "consecutive inputs without a result" in rep.v.stopped
    assert len(rep.cases) == STOP_AFTER_HANGS and rep.drawn_cases == []  # no drawn input, no range scan
    assert c.to_json()["kernels"][0]["verdict"] == "fail"
    assert any(rep.v.stopped in line for line in c.summary_lines())


# -- a working range that ends at an undecided point ------------------------------------------

def _planted_range(s: float, fam: str) -> CaseResult:
    """ok for log10 scale in [-20, 10]; undecided in (10, 14] (the judge cannot decide there);
    failing beyond 14 and below -20."""
    st = "ok" if -20 <= s <= 10 else ("undecided" if 10 < s <= 14 else "fail")
    return CaseResult(label=f"scale 1e{s:g}", inputs={}, inputs_repr="", state=st,
                      reason={"ok": "", "undecided": "oracle refused: planted", "fail": "error exceeds the bound"}[st])


def _locate_planted():
    return locate(_planted_range, ["square"], "float32", None, lambda s, fam: (10.0 ** s, 10.0 ** s))


def test_an_undecided_end_of_the_range_is_not_called_a_failure():
    rng = _locate_planted()
    assert rng.high.bad_case.state == "undecided" and not rng.high.failed
    assert rng.low.bad_case.state == "fail" and rng.low.failed
    labels = {c.label: c.state for c in rng.edge_cases()}
    assert labels == {"working range ends: undecided above (square)": "undecided",
                      "working range: first failure below (square)": "fail"}
    text = rng.summary()
    assert "above: undecided (oracle refused: planted) (square; the range ends there, no failure seen)" in text
    assert "below: error exceeds the bound (square fails first)" in text
    assert rng.to_json()["high"]["beyond"].startswith("undecided")


def test_validate_keeps_an_undecided_range_end_out_of_its_failures(monkeypatch):
    monkeypatch.setattr(Validator, "_locate_scale_range", lambda self: _locate_planted())
    rep = validate("svdvals", GOOD, examples=0, max_dim=4)
    assert [c.label for c in rep.failures] == ["working range: first failure below (square)"]
    assert "working range ends: undecided above (square)" in [c.label for c in rep.undecided]
    assert not any(c.label.startswith("working range: first failure above") for c in rep.all_cases())


# -- λ at the user's shapes ------------------------------------------------------------------

def test_lambda_counts_the_entries_of_the_largest_shape_and_batch():
    v = Validator("msign", GOOD_MSIGN, examples=10, shapes=["300x1000"], batch=4)
    # the largest tile neighbour is 4 × 301 × 1001: ≤ 4 · 1001² output entries per input
    assert v.lam == pytest.approx(lambda_for((4 * 10 + 64) * 2 * 4 * 1001 ** 2 * 8, 1e-3))
    small = Validator("msign", GOOD_MSIGN, examples=10)
    assert small.lam == pytest.approx(lambda_for((4 * 10 + 64) * 2 * 8 ** 2 * 8, 1e-3))
    assert v.lam > small.lam
    v.runner.close()
    small.runner.close()


# -- matspec.testing judges as validate does -------------------------------------------------

def test_assert_op_judges_a_cond_of_infinity_instead_of_rejecting_it():
    """validate's output check lets κ = +∞ through to the judge (a singular input's true value);
    assert_op does the same: the judge says undecided here (σ_min cannot be bounded away from 0),
    never 'output has NaN/Inf', and never a pass."""
    A = np.diag([1.0, 2.0, 0.0])
    with pytest.raises(Undecided, match="κ = ∞"):
        assert_op("cond", np.asarray(math.inf), A, params={"kind": "2"})
    with pytest.raises(AssertionError, match="NaN/Inf"):
        assert_op("cond", np.asarray(math.nan), A, params={"kind": "2"})
