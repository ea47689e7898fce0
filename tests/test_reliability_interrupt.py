"""Interruption and orphans (issue 17, items 2 and 3; docs/reliability.md "Interruption").

Ctrl-C (SIGINT) stops ``matspec run -j N`` within a second or two, prints one line saying how far
it got (no traceback), writes what it finished as a claims.json marked ``partial`` and exits 130;
any subcommand interrupted prints one line and exits 130.  ``kill -9`` of the parent leaves no
worker (nor the resource tracker, which lives as long as the workers hold its pipe) behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matspec.procutil import descendants, is_zombie

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# first two quick (so something is finished), then claims that keep the workers busy far longer
# than the test waits
CLAIMS = ["induced.identity_has_norm_one", "msign.scale_invariance", "frobenius.ge_spectral",
          "schatten.chain", "perturbation.weyl_proof_courant_fischer", "schatten.nuclear_nonsmooth_where"]


def _start(tmp_path: Path, jobs: int) -> subprocess.Popen:
    argv = [sys.executable, "-m", "matspec.cli", "run", "-j", str(jobs), "--no-report", "--examples", "400",
            "--out", str(tmp_path / "out")]
    for c in CLAIMS:
        argv += ["--claim", c]
    env = dict(os.environ, MATSPEC_CACHE_DIR=str(tmp_path / "cache"), MATSPEC_NO_DISK_CACHE="1")
    # its own session: the test signals the parent alone (a terminal's Ctrl-C reaches the whole
    # group; the workers ignore SIGINT, so that case reduces to this one) and can clean up the group
    return subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_children(p: subprocess.Popen, n: int, out: Path, timeout: float = 90) -> list[int]:
    """Until the run has passed its argument checks (it has created its --out folder) and started
    n child processes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = descendants(p.pid)
        if out.is_dir() and len(kids) >= n:
            return kids
        assert p.poll() is None, p.communicate()[1][-2000:]
        time.sleep(0.1)
    pytest.fail(f"matspec run did not start {n} processes in {timeout} s")


def _alive(pids) -> list[int]:
    return [q for q in pids if os.path.exists(f"/proc/{q}") and not is_zombie(q)]


def _cleanup(p: subprocess.Popen, pids):
    for q in _alive(list(pids) + [p.pid]):
        try:
            os.kill(q, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if p.poll() is None:
        p.kill()
        p.wait()


def _interrupt(tmp_path, jobs: int, children: int):
    p = _start(tmp_path, jobs)
    kids = []
    try:
        kids = _wait_for_children(p, children, tmp_path / "out")
        time.sleep(4)  # the quick claims finish (on an idle machine); the others run on
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        return p.returncode, time.monotonic() - t0, out, err, kids
    finally:
        _cleanup(p, kids)


def _check_partial(tmp_path, rc, seconds, err):
    assert rc == 130, err[-2000:]
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("matspec run: interrupted after "), err
    doc = json.loads((tmp_path / "out" / "claims.json").read_text())
    part = doc["partial"]
    done = [c["id"] for c in doc["claims"]]
    assert part["reason"] == "interrupted" and part["claims_requested"] == len(CLAIMS)
    assert part["claims_done"] == len(done) < len(CLAIMS)  # possibly 0 on a loaded machine: still a valid file
    assert sorted(done + part["not_evaluated"]) == sorted(CLAIMS)
    assert f"interrupted after {len(done)} of {len(CLAIMS)} claims" in lines[0]
    assert "Partial run" in (tmp_path / "out" / "claims.md").read_text()
    return done


def test_ctrl_c_stops_parallel_run_at_once_and_writes_a_partial_report(tmp_path):
    rc, seconds, out, err, kids = _interrupt(tmp_path, jobs=2, children=3)  # 2 workers + resource tracker
    _check_partial(tmp_path, rc, seconds, err)
    end = time.monotonic() + 5
    while _alive(kids) and time.monotonic() < end:
        time.sleep(0.1)
    assert not _alive(kids), "workers left running after the interrupt"


def test_ctrl_c_stops_sequential_run_and_writes_a_partial_report(tmp_path):
    # -j 1 has no children: _wait_for_children(…, 0) waits for its --out folder
    rc, seconds, out, err, _ = _interrupt(tmp_path, jobs=1, children=0)
    done = _check_partial(tmp_path, rc, seconds, err)
    assert done == CLAIMS[:len(done)]  # -j 1 finishes claims in order: the partial report is a prefix


def test_kill_9_of_the_parent_leaves_no_worker(tmp_path):
    p = _start(tmp_path, jobs=2)
    kids = []
    try:
        kids = _wait_for_children(p, 3, tmp_path / "out")
        time.sleep(1)
        kids = descendants(p.pid)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        end = time.monotonic() + 10
        while _alive(kids) and time.monotonic() < end:
            time.sleep(0.1)
        assert not _alive(kids), f"still running after the parent died: {_alive(kids)}"
    finally:
        _cleanup(p, kids)


@pytest.mark.parametrize("argv", [["list"], ["show", "frobenius.ge_spectral"], ["run", "--claim", "frobenius.ge_spectral"],
                                  ["report"], ["replay", "axioms.n3_triangle", "--input", "{}"]])
def test_sigint_anywhere_is_one_line_and_exit_130(argv, monkeypatch, capsys, tmp_path):
    """Whichever subcommand is running when SIGINT arrives (here: right at its start)."""
    from matspec import cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_steer_third_party_caches", interrupted)
    assert cli.main(argv) == 130
    err = capsys.readouterr().err
    assert err.strip() == f"matspec {argv[0]}: interrupted"
