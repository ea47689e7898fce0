"""benchmarks/gpu_check.py, the one script a GPU session runs: its CPU flow end to end at toy sizes
(so a session with scarce device minutes does not discover a broken script there), the budget rule,
and index.json after every step."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "benchmarks" / "gpu_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cpu_flow_writes_every_step(tmp_path, monkeypatch):
    mod = _module()
    # the survey's kernels are not installed in the test environment: compare lists them as skipped,
    # which is exactly the path a GPU machine without them takes
    rc = mod.main(["--cpu", "--out", str(tmp_path), "--claim", "induced.identity_has_norm_one", "--shapes", "16x24",
                   "--speed-n", "16", "--jobs", "1", "--budget", "600"])
    idx = json.loads((tmp_path / "index.json").read_text())
    steps = {s["step"]: s for s in idx["steps"]}
    assert set(steps) == {"speed", "catalogue", "validate 16x24", "compare"}, steps
    assert rc == 0 and not [s for s in idx["steps"] if s["status"] == "error"], idx
    assert steps["speed"]["state"] == "ok" and steps["speed"]["shape"] == "16x16"
    assert steps["catalogue"]["claims"] == 1 and (tmp_path / "catalogue" / "claims.json").exists()
    runs = steps["validate 16x24"]["runs"]
    assert {r["kernel"] for r in runs} == {"torch_muon", "matspec_muon_quintic", "matspec_polar_express", "matspec_gram_ns"}
    assert all(r["verdict"] == "pass" for r in runs), runs  # correct kernels under the Muon band: no false alarm
    for r in runs:
        assert (tmp_path / r["report"] / "validate.json").exists()


def test_spent_budget_skips_steps_but_keeps_the_index(tmp_path):
    mod = _module()
    run = mod.Run(tmp_path, 0.0, "cpu", False)
    assert run.step("speed", lambda: {"never": "run"}) is None
    idx = json.loads((tmp_path / "index.json").read_text())
    assert idx["steps"] == [{"step": "speed", "status": "skipped", "why": "time budget spent (0 s)"}]


def test_a_failing_step_is_recorded_and_the_next_still_runs(tmp_path):
    mod = _module()
    run = mod.Run(tmp_path, 600.0, "cpu", False)

    def boom():
        raise RuntimeError("planted")

    run.step("first", boom)
    run.step("second", lambda: {"ok": 1})
    steps = json.loads((tmp_path / "index.json").read_text())["steps"]
    assert steps[0]["status"] == "error" and "planted" in steps[0]["error"] and steps[1]["status"] == "done"
