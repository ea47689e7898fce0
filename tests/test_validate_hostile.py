"""The hostile-kernel collection (examples/kernels/hostile.py) through the CLI and through the
pytest plugin, as module functions and as closures: each fails with its reason (or, for
behaviour that is not wrong in itself, passes with the finding named), nothing hangs, and no
process is left behind.

Default run: one representative of each kind of misbehaviour; the whole matrix (every kernel
× {module function via the CLI, closure via the plugin}) under ``--profile heavy``.
"""
import json
import sys
import textwrap
from pathlib import Path

import pytest

from matspec.cli import main

pytest_plugins = ["pytester"]

K = Path(__file__).resolve().parents[1] / "examples" / "kernels"
sys.path.insert(0, str(K))
import hostile  # noqa: E402  (examples/kernels/hostile.py)

HOSTILE = hostile.HOSTILE
# one representative of each kind: raises, bad output, process death (exit 0, signal),
# hang with an escaping child, leftover child, input mutation, damaged input, output flood,
# non-determinism, wrong on one shape only
DEFAULT_CLI = ["raises", "wrong_shape", "exits", "segfaults", "hangs_with_children", "forks_children",
               "mutates_input", "zeroes_input", "prints_megabytes", "nondeterministic", "wrong_on_1x1"]
DEFAULT_PLUGIN = ["exits", "zeroes_input", "aborts", "hangs"]
FAST = ["--timeout", "1", "--warmup-timeout", "10"]


def _selected(names, profile):
    return list(HOSTILE) if profile in ("heavy", "large") else names


def _python_procs_running(marker: str) -> list[str]:
    """Command lines of live processes containing `marker` (Linux /proc)."""
    out = []
    for pid in Path("/proc").iterdir():
        if not pid.name.isdigit():
            continue
        try:
            cmd = (pid / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd:
            out.append(cmd)
    return out


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_module_function_via_cli(name, tmp_path, capsys, profile):
    if name not in _selected(DEFAULT_CLI, profile):
        pytest.skip("heavy profile only (one representative of each kind runs by default)")
    text, fails = HOSTILE[name]
    code = main(["validate", "--op", "msign", "--kernel", f"{K / 'hostile.py'}:{name}", "--examples", "0", *FAST,
                 "--report", str(tmp_path)])
    out = capsys.readouterr()
    doc = json.loads((tmp_path / "validate.json").read_text())
    said = " | ".join([f["reason"] for f in doc["failures"]] + out.out.splitlines())
    assert text in said, said
    assert code == (1 if fails else 0), said
    assert doc["verdict"] == ("fail" if fails else "pass")
    assert "xxxxxxxxxx" not in out.out + out.err and "precision may be lost" not in out.err  # captured, not leaked


def test_hostile_children_do_not_survive(tmp_path):
    """A kernel whose child escapes the process group (setsid) and then hangs: after the
    timeout, neither the worker nor the child is alive (a marker of this test's own, so
    concurrent tests' kernels are not counted)."""
    marker = f"survivor-{tmp_path.name}"
    (tmp_path / "k.py").write_text(
        "import subprocess, sys, time\n"
        "def f(A):\n"
        f"    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)  # {marker}'], start_new_session=True)\n"
        "    time.sleep(3600)\n")
    code = main(["validate", "--op", "msign", "--kernel", f"{tmp_path / 'k.py'}:f", "--examples", "0",
                 "--timeout", "0.5", "--warmup-timeout", "5", "--report", str(tmp_path / "r")])
    assert code == 1
    doc = json.loads((tmp_path / "r" / "validate.json").read_text())
    assert doc["stopped"] and "consecutive" in doc["stopped"]  # a kernel that hangs everywhere stops the run early
    assert not _python_procs_running(marker)
    assert not _python_procs_running(f"{tmp_path / 'k.py'}")


PLUGIN_SUITE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {kdir!r})
    import hostile
    import pytest

    @pytest.mark.parametrize("name", {names!r})
    def test_closure(matspec_validate, name):
        fn = getattr(hostile, name)
        kernel = lambda A: fn(A)  # a closure: shipped by value to the isolated worker
        matspec_validate("msign", kernel, examples=0, timeout=1, warmup_timeout=10)

    @pytest.mark.parametrize("name", {module_names!r})
    def test_module_function(matspec_validate, name):
        matspec_validate("msign", getattr(hostile, name), examples=0, timeout=1, warmup_timeout=10)

    def test_after():
        pass  # must still run: no kernel can end the session
""")


def test_hostile_closures_via_plugin_never_end_a_run_green(pytester, profile):
    """The high-severity case of the issue: a closure calling os._exit(0) used to end a plain
    `pytest` run with exit 0 and no output.  Run in a real subprocess, so the exit status is
    pytest's own.  Closures and module-level function objects both go through the plugin."""
    names = _selected(DEFAULT_PLUGIN, profile)
    # module functions through the plugin: every kernel under heavy, one by default
    module_names = list(HOSTILE) if profile in ("heavy", "large") else ["exits"]
    pytester.makepyfile(test_user=PLUGIN_SUITE.format(kdir=str(K), names=names, module_names=module_names))
    res = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:xdist", timeout=900)
    fails = [n for n in names if HOSTILE[n][1]] + [n for n in module_names if HOSTILE[n][1]]
    total = len(names) + len(module_names)
    res.assert_outcomes(passed=1 + total - len(fails), failed=len(fails))
    assert res.ret == 1
    out = res.stdout.str()
    for n in fails:
        assert HOSTILE[n][0] in out, n
