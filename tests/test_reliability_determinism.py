"""Same seed, same bytes (issue 17, item 4; docs/reliability.md "Determinism").

claims.json (and report.json) of two runs with the same seed are byte-identical apart from the
documented timing fields (matspec.reports.timings), whatever ``-j`` and whatever else the process
imported.  Two causes were removed: Hypothesis drawing constants from every imported local module
(matspec.hypothesis_env.configure turns that off) and BLAS / torch thread counts that differed
between a ``-j 1`` process and ``-j N`` workers (matspec.reports.runner.single_threaded_math).

Default profile: a few claims with backends, run as ``-j 1``, and as ``-j 2`` from a process that
imported a module full of constants and matspec's other modules.  ``--profile heavy``: the whole smoke
catalogue and the accuracy report the same way."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from matspec.reports.timings import BLANK, timed_claims, without_timings

# cheap on the smoke profile, with backends; one conditional claim (a repaired form is checked)
SUBSET = ["msign.scale_invariance", "induced.identity_has_norm_one", "conditioning.tikhonov_kappa"]

CONSTANTS_MODULE = "\n".join(f"C{i} = {v!r}" for i, v in enumerate(
    [150, -150, 300, -300, 1000, 4096, 65536, 123456, 10**6, 2**31 - 1, 0.001, 1e-8, 1e8, 1e16, 0.1, 0.9, 2.5,
     "geometric", "clustered", "rank_deficient", "one_small"])) + "\n"


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.update(MATSPEC_CACHE_DIR=str(tmp_path / "cache"), MATSPEC_NO_DISK_CACHE="1", HOME=str(tmp_path / "home"))
    env.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)  # the run must place it itself
    env.pop("MPLCONFIGDIR", None)
    return env


def _run(tmp_path: Path, name: str, argv: list[str], extra_imports: bool = False) -> Path:
    """`matspec <argv> --out <tmp>/out` in a fresh working directory, the folder then renamed to <name>
    (the same --out for every run: report.json records where it read claims.json); with
    extra_imports, after importing a local module of constants and matspec's validate / report
    modules (what a -j 1 parent or a user's session may have loaded)."""
    cwd = tmp_path / f"cwd-{name}"
    cwd.mkdir()
    (cwd / "lots_of_constants.py").write_text(CONSTANTS_MODULE)
    pre = ("import lots_of_constants, matspec.validate, matspec.reports.html, matspec.reports.plots\n"
           if extra_imports else "")
    code = pre + textwrap.dedent(f"""
        import sys
        from matspec.cli import main
        sys.exit(main({argv + ['--out', str(tmp_path / 'out')]!r}))
    """)
    env = _env(tmp_path)
    env["PYTHONPATH"] = str(cwd) + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    assert p.returncode in (0, 1), p.stderr[-3000:]
    assert "Traceback" not in p.stderr
    # nothing in the working directory but what the test put there (no .hypothesis/, no caches); nothing in
    # HOME either — unless the test itself imported matplotlib before matspec could steer it (reliability.md)
    assert sorted(x.name for x in cwd.iterdir() if x.name != "__pycache__") == ["lots_of_constants.py"]
    assert extra_imports or not (tmp_path / "home").exists()
    return (tmp_path / "out").rename(tmp_path / name)


def _canonical(path: Path) -> str:
    doc = json.loads(path.read_text())
    claims = path.parent / "claims.json"  # a report.json's timed claims come from its claims.json
    timed = timed_claims(json.loads(claims.read_text())) if path.name == "report.json" and claims.exists() else None
    return json.dumps(without_timings(doc, timed), sort_keys=True, indent=1)


def _assert_same(a: Path, b: Path):
    ta, tb = _canonical(a), _canonical(b)
    if ta != tb:
        import difflib

        diff = "\n".join(list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), str(a), str(b), lineterm=""))[:60])
        pytest.fail(f"{a} and {b} differ outside the timing fields:\n{diff}")


def test_same_seed_same_claims_json_whatever_jobs_and_imports(tmp_path):
    argv = ["run", "--profile", "smoke", "--seed", "5", "--no-report"]
    for c in SUBSET:
        argv += ["--claim", c]
    # both causes at once (each is isolated below): -j 1 with nothing extra loaded against -j 2
    # whose parent imported a module of constants and matspec's other modules
    one = _run(tmp_path, "j1", argv + ["-j", "1"])
    two = _run(tmp_path, "j2-imports", argv + ["-j", "2"], extra_imports=True)
    doc = json.loads((one / "claims.json").read_text())
    assert [c["id"] for c in doc["claims"]] == SUBSET and doc["partial"] is None
    _assert_same(one / "claims.json", two / "claims.json")


@pytest.mark.heavy
def test_whole_smoke_catalogue_and_report_are_reproducible(tmp_path, profile):
    if profile not in ("heavy", "large"):
        pytest.skip("the whole smoke catalogue and its report, twice: --profile heavy")
    argv = ["run", "--profile", "smoke", "--accuracy-examples", "1"]
    one = _run(tmp_path, "j1", argv + ["-j", "1"])
    two = _run(tmp_path, "j2", argv + ["-j", "2"], extra_imports=True)
    _assert_same(one / "claims.json", two / "claims.json")
    _assert_same(one / "report.json", two / "report.json")


# --------------------------------------------------------------------------------
# the two causes, each on its own
# --------------------------------------------------------------------------------

_DRAWS = textwrap.dedent("""
    import json, sys
    if sys.argv[1] == "configure":
        from matspec.hypothesis_env import configure
        configure()
    if sys.argv[2] == "import":
        import lots_of_constants  # noqa: F401 - a local module full of constants
    from hypothesis import given, seed, settings, strategies as st
    out = []

    @settings(max_examples=300, database=None, derandomize=False)
    @seed(1234)
    @given(st.integers(0, 10**7), st.floats(-1e20, 1e20), st.sampled_from(["a", "b"]))
    def draw(i, x, s):
        out.append([i, x, s])

    draw()
    print(json.dumps(out))
""")


def _draws(tmp_path, configured: bool, imported: bool) -> list:
    (tmp_path / "lots_of_constants.py").write_text(CONSTANTS_MODULE)
    env = _env(tmp_path)
    env["PYTHONPATH"] = str(tmp_path) + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run([sys.executable, "-c", _DRAWS, "configure" if configured else "plain",
                        "import" if imported else "none"], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout)


def test_draws_do_not_depend_on_imported_modules(tmp_path):
    """With configure(), a seeded search draws the same examples whether or not a module full of
    constants was imported; without it they differ (so this test can fail: Hypothesis mixes local
    modules' constants into its draws)."""
    assert _draws(tmp_path, True, False) == _draws(tmp_path, True, True)
    assert _draws(tmp_path, False, False) != _draws(tmp_path, False, True)


def test_configure_is_idempotent_and_keeps_storage_out_of_the_cwd(tmp_path, monkeypatch):
    from hypothesis.configuration import storage_directory

    from matspec import hypothesis_env

    hypothesis_env.configure()
    hypothesis_env.configure()
    assert hypothesis_env.local_constants_disabled()
    assert Path.cwd() / ".hypothesis" != storage_directory(intent_to_write=False).path
    assert os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] == str(storage_directory(intent_to_write=False).path)


def test_arithmetic_runs_on_one_thread_in_every_mode():
    """-j 1 and -j N evaluate claims inside single_threaded_math(): one BLAS / OpenMP thread and one
    torch thread (the -j 1 vs -j 2 last-ulp difference came from BLAS thread counts)."""
    from threadpoolctl import threadpool_info

    from matspec.reports.runner import single_threaded_math

    torch = pytest.importorskip("torch") if "torch" in sys.modules else None
    before = torch.get_num_threads() if torch else None
    with single_threaded_math():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info())
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
        if torch:
            assert torch.get_num_threads() == 1
    if torch:
        assert torch.get_num_threads() == before


def test_timing_fields_are_the_documented_ones():
    """without_timings blanks exactly the documented fields (matspec.reports.timings) and nothing else."""
    doc = {"created": "t", "seconds": 1.0, "seed": 0, "claims": [
        {"id": "svd_facts.full_svd_4096_timing", "stated": {"seconds": 2.0, "message": "measured 87 s",
                                                              "measurement": {"value": 87.0, "details": {"seconds_by_n": {}, "n": 3}}}},
        {"id": "x.y", "stated": {"seconds": 2.0, "message": "keep", "measurement": {
            "value": 0.5, "details": {"speedup": 11.0, "full_seconds": 0.1, "gflops_at_1024": 17.0, "rel_err": 0.001,
                                      "i^-1": {"randomized_seconds": 0.01, "rel_err": 0.1}}}}},
        {"id": "a.new_timing", "empirical_kind": "timing", "stated": {"message": "took 3 s",
                                                                      "measurement": {"value": 3.0, "details": {}}}}]}
    out = without_timings(doc)
    assert out["created"] == out["seconds"] == BLANK and out["seed"] == 0
    timed, other, kind = out["claims"]
    assert kind["stated"]["measurement"]["value"] == kind["stated"]["message"] == BLANK
    assert timed["stated"]["measurement"]["value"] == timed["stated"]["message"] == BLANK
    assert timed["stated"]["measurement"]["details"] == {"seconds_by_n": BLANK, "n": 3}
    assert other["stated"]["message"] == "keep" and other["stated"]["measurement"]["value"] == 0.5
    assert other["stated"]["measurement"]["details"] == {
        "speedup": BLANK, "full_seconds": BLANK, "gflops_at_1024": BLANK, "rel_err": 0.001,
        "i^-1": {"randomized_seconds": BLANK, "rel_err": 0.1}}
    assert doc["created"] == "t"  # a copy: the document itself is untouched
