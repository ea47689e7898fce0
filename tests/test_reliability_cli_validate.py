"""`matspec validate` and `matspec compare` under fuzzed command lines (issue 17 items 5/6 for the
two kernel-facing subcommands; tests/test_reliability_cli.py covers run / report / list / show /
replay).

Command lines are built from the real parser (every option of the two subparsers, valid and hostile
values) and run through ``matspec.cli.main`` in-process.  The work itself (``Validator.run`` /
``Validator.replay`` / ``compare``) is replaced by a sentinel that records "the arguments were
accepted": the kernel runs themselves are tested in tests/test_validate*.py and tests/test_compare.py.
Asserted: exit status 0/1/2 or the sentinel, never a traceback, a usage error is one line, and an
accepted command line really is well-formed (an op among the choices, a kernel given)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matspec import cli

K = Path(__file__).resolve().parents[1] / "examples" / "kernels"
GOOD = str(K / "good.py")
HOSTILE = ["", " ", "-", "--", "-1", "0", "1e999", "nan", "-inf", "9" * 40, "x", "..", "/", "\u2603", "a" * 3000,
           "{}", "[]", "[1,2]", '{"A":5}', "null", "*", "[", "?", "../../etc", "\t", "a=b=c", "=", "x:", ":f"]

VALID = {
    "kernel": [f"{GOOD}:msign", f"{GOOD}:svdvals", "numpy.linalg:svd", "nosuch.module:f", f"{GOOD}:nosuch"],
    "contract": ["exact", "band:0.6,1.25", "band:0.6,1.25,floor=0.01", "band:1.3,0.6", "band:", "band:a,b"],
    "param": ["kind=2", "k=1", "lo=0.5", "hi=2", "steps=3", "nope=1", "kind"],
    "kernel_arg": ["ord=2", "compute='float16'", "x=[1,", "=3"],
    "shape": ["8x8", "4x8x8", "0x3", "3x", "1x1x1x1", "99999999x99999999"],
    "scale_range": ["-3,3", "3,-3", "0", "1e400,2"],
    "device": ["cpu", "cuda", "cuda:7", "bogus"],
    "schedule": ["muon_quintic", "nosuch"],
    "replay": ['{"A":{"type":"matrix","m":2,"n":2}}', '{"A":5}', "[1,2]", '{"A":{"type":"matrix","m":-1,"n":2}}'],
    "kernels": ["nosuch.toml"],
}


class _Reached(Exception):
    """Raised where the real work would start: the command line was accepted."""


def _stub(*a, **k):
    raise _Reached


def _mostly(valid, hostile):
    return st.integers(0, 3).flatmap(lambda k: hostile if k == 0 else valid)


def _values(dest, action, report_dirs):
    hostile = st.sampled_from(HOSTILE)
    if action.choices:
        return _mostly(st.sampled_from([str(c) for c in action.choices]), hostile)
    if dest == "report":
        return st.sampled_from(report_dirs)
    if dest in VALID:
        return _mostly(st.sampled_from(VALID[dest]), hostile)
    if action.type is not None and action.type not in (str,):
        return _mostly(st.sampled_from(["1", "2", "3", "0.5"]),
                       st.one_of(st.integers(-3, 0).map(str), st.sampled_from(["2**32", "1.5", "inf"]), hostile))
    return hostile


def _subparsers():
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {n: action.choices[n] for n in ("validate", "compare")}


@st.composite
def argvs(draw, report_dirs):
    subs = _subparsers()
    name = draw(st.sampled_from(sorted(subs)))
    argv = [name]
    for action in subs[name]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not draw(st.integers(0, 9) if action.required else st.integers(0, 3).map(lambda k: k == 0)):
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        else:
            for _ in range(draw(st.integers(1, 2)) if isinstance(action, argparse._AppendAction) else 1):
                argv += [flag, draw(_values(action.dest, action, report_dirs))]
    return argv


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_validate_and_compare_fuzz(tmp_path_factory, monkeypatch, capsys, data):
    import matspec.validate.compare as C
    from matspec.validate.validator import Validator

    root = tmp_path_factory.mktemp("fz")
    afile = root / "a-file"
    afile.write_text("x")
    argv = data.draw(argvs([str(root / "rep"), str(afile), str(afile / "sub"), ""]), label="argv")
    monkeypatch.setattr(Validator, "run", _stub)
    monkeypatch.setattr(Validator, "replay", _stub)
    monkeypatch.setattr(C, "compare", _stub)
    saved = dict(os.environ)
    try:
        rc = cli.main(argv)
    except SystemExit as exc:  # argparse: usage errors (2)
        rc = exc.code if isinstance(exc.code, int) else 2
    except _Reached:
        rc = "accepted"
    finally:
        os.environ.clear()
        os.environ.update(saved)
    err = capsys.readouterr().err
    assert "Traceback" not in err, (argv, err[-3000:])
    assert rc in (0, 1, 2, "accepted"), (argv, rc, err[-2000:])
    if rc == 2 and "usage:" not in err:
        lines = [x for x in err.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"matspec {argv[0]}:"), (argv, err)
    if rc == "accepted":
        assert "--op" in argv and afile.read_text() == "x", argv
        if argv[0] == "validate":
            assert "--kernel" in argv, argv


@pytest.mark.parametrize("argv, needle", [
    (["validate", "--op", "msign", "--kernel", f"{GOOD}:msign", "--contract", "band:1.3,0.6"], "LO <= HI"),
    (["validate", "--op", "msign", "--kernel", f"{GOOD}:msign", "--param", "kind"], "--param"),
    (["validate", "--op", "msign", "--kernel", f"{GOOD}:msign", "--kernel-arg", "x=[1,"], "--kernel-arg"),
    (["validate", "--op", "msign", "--kernel", f"{GOOD}:msign", "--shape", "0x3"], "shape"),
    (["compare", "--op", "msign"], "give kernels"),
    (["compare", "--op", "msign", "--kernels", "nosuch.toml"], "nosuch.toml"),
])
def test_bad_validate_and_compare_lines_fail_before_work(tmp_path, monkeypatch, capsys, argv, needle):
    import matspec.validate.compare as C
    from matspec.validate.validator import Validator

    monkeypatch.setattr(Validator, "run", _stub)
    monkeypatch.setattr(C, "compare", _stub)
    rc = cli.main([*argv, "--report", str(tmp_path / "r")])
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.strip()]
    assert rc == 2 and len(lines) == 1 and needle in lines[0], (argv, rc, err)
