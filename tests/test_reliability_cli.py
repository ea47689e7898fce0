"""Every bad input of run / report / list / show / replay is a clean usage error (issue 17, items 5 and
6; docs/reliability.md "Exit codes", "Where files go").

The fuzz test builds argv from the real parser (matspec.cli.build_parser, introspected: every
option of every subcommand in SUBCOMMANDS, its choices, flags and value types) filled with valid and
hostile values, runs it through ``matspec.cli.main`` in-process in a fresh working directory and
HOME, and asserts: exit status in {0, 1, 2}, no traceback, a usage error is one line, and nothing
is written outside the folders the command was given and matspec's cache dir.

How it stays cheap (it must not start real catalogue runs): ``run`` always gets ``--claim
<FAST_CLAIM> --no-report --no-backends --examples 1`` appended, and the fuzzed ``--claim`` values are
unknown ids or globs that match nothing, so at most that one claim is evaluated (and ``-j`` never
spawns workers for one claim); ``report``'s accuracy sweep is replaced by a stub once its pre-work
validation has passed (the sweep itself is tested in tests/test_report.py).  ``validate`` and
``compare`` (kernel-facing, their work runs in worker processes) are fuzzed in
tests/test_reliability_cli_validate.py with the work stubbed out."""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matspec import cli

SUBCOMMANDS = ("run", "report", "list", "show", "replay")
FAST_CLAIM = "induced.identity_has_norm_one"
CHEAP = {"run": ["--claim", FAST_CLAIM, "--no-report", "--no-backends", "--examples", "1"]}

HOSTILE = ["", " ", "-", "--", "-1", "0", "1e999", "nan", "-inf", "9" * 40, "x", "..", "/", "\u2603", "a" * 3000,
           "{}", "[]", "[1,2]", '{"A":5}', "null", "*", "[", "?", "../../etc", "\t"]

GOOD_INPUT = {"A": {"type": "matrix", "m": 2, "n": 3, "mode": "geometric", "log10_kappa": 1.0, "log10_scale": 0,
                    "seed": 0, "rank": None},
              "B": {"type": "matrix", "m": 2, "n": 3, "seed": 1}}


def _bad_inputs():
    a = GOOD_INPUT["A"]
    return [GOOD_INPUT, {"A": a}, {"A": a, "B": a, "C": a}, {"A": 5, "B": a}, {"A": a, "B": "x"},
            {"A": {**a, "m": -1}, "B": a}, {"A": {**a, "m": 10**9}, "B": a}, {"A": {**a, "seed": -1}, "B": a},
            {"A": {**a, "log10_scale": 1e9}, "B": a}, {"A": {**a, "mode": "nope"}, "B": a},
            {"A": {**a, "extra": 1}, "B": a}, {"A": {"type": "array", "rows": [[1, "x"]]}, "B": a},
            {"A": {"type": "array", "rows": "ab"}, "B": a}, {"A": {"type": "array"}, "B": a},
            {"A": {"type": "gallery", "name": "hilbert", "n": 2}, "B": a}, {"A": {"type": "nope"}, "B": a},
            {"A": float("nan"), "B": a}, [1, 2], 5, "A", None]


def _claims_files(root: Path) -> dict[str, Path]:
    """claims.json-ish files: valid, empty, malformed, wrong shapes, a folder, binary."""
    from matspec.reports.render import run_document

    out = {}
    for name, content in {
        "valid": json.dumps(run_document([], seed=0, profile="smoke", backends=[], seconds=0.0)),
        "empty": "", "malformed": "{not json", "list": "[1, 2]", "claims5": '{"schema_version": "1", "seed": 0, "claims": 5}',
        "entry": '{"schema_version": "1", "seed": 0, "claims": [{"id": 3}]}', "deep": "[" * 100000,
    }.items():
        d = root / f"claims-{name}"
        d.mkdir(parents=True)
        (d / "claims.json").write_text(content)
        out[name] = d
    d = root / "claims-folder"
    (d / "claims.json").mkdir(parents=True)
    out["folder"] = d
    d = root / "claims-binary"
    d.mkdir()
    (d / "claims.json").write_bytes(b"\xff\xfe\x00garbage")
    out["binary"] = d
    return out


def _subparsers(parser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: p for name, p in action.choices.items() if name in SUBCOMMANDS}


def _mostly(valid, hostile):
    """A valid value three times in four, a hostile one otherwise (so most command lines get past
    argparse and reach the subcommands' own checks and work)."""
    return st.integers(0, 3).flatmap(lambda k: hostile if k == 0 else valid)


def _values(dest: str, action, env: dict):
    """Valid and hostile values for one option, by what it is (choices, type, name)."""
    from matspec.catalogue import all_claims

    hostile = st.sampled_from(HOSTILE)
    outs = st.sampled_from(env["outs"])
    if action.choices:
        return _mostly(st.sampled_from(list(action.choices)), hostile)
    if action.type is not None and action.type not in (str,):  # ints: examples, jobs, seeds
        return _mostly(st.sampled_from(["1", "2", "3", "7", "4294967295"]),
                       st.one_of(st.integers(-3, 0).map(str), st.sampled_from(["2**32", "4294967296", "1.5"]), hostile))
    claim_ids = sorted(c.id for c in all_claims())[:40:7]
    good_input = json.dumps(GOOD_INPUT)
    by_dest = {
        "out": outs,
        "from_": st.one_of(st.sampled_from([str(d / "claims.json") for d in env["claims"].values()]), outs),
        "claim": st.sampled_from(["nosuch.claim", "nosuch.*", "[", "frobenius.ge_spectral.x", FAST_CLAIM]),
        "id": _mostly(st.sampled_from(claim_ids + ["axioms.n3_triangle"] * 6 + ["nosuch.claim"]), hostile),
        "topic": _mostly(st.sampled_from(["axioms", "frobenius", "nosuchtopic"]), hostile),
        "on": _mostly(st.sampled_from(["oracle", "numpy-float64", "numpy-float32", "bogus"]), hostile),
        "input": _mostly(st.one_of(st.just(good_input),
                                   st.sampled_from(_bad_inputs()).map(lambda v: json.dumps(v, allow_nan=True))), hostile),
    }
    return by_dest.get(dest, hostile)


@st.composite
def argvs(draw, env):
    subs = _subparsers(cli.build_parser())
    name = draw(st.sampled_from(sorted(subs)))
    argv = [name]
    for action in subs[name]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:  # a positional: (almost) always given
            if draw(st.integers(0, 9)):
                argv.append(draw(_values(action.dest, action, env)))
            continue
        if not draw(st.integers(0, 9) if action.required else st.booleans()):  # required ones: 9 in 10
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:  # store_true
            argv.append(flag)
        else:
            for _ in range(draw(st.integers(1, 2)) if isinstance(action, argparse._AppendAction) else 1):
                argv += [flag, draw(_values(action.dest, action, env))]
    if draw(st.integers(0, 19)) == 0:
        argv.append(draw(st.sampled_from(HOSTILE)))  # a stray extra argument
    return argv + CHEAP.get(name, [])


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")} if root.exists() else set()


def _stub_report(out, claims_path, *, seed, examples, claims_doc=None, **_):
    assert Path(out).is_dir()  # reached only after the pre-work checks passed
    return {"accuracy": {"cells": []}}


def _call(argv, capsys) -> tuple[int, str]:
    try:
        rc = cli.main(argv)
    except SystemExit as exc:  # argparse's usage errors (2) and --help (0)
        rc = exc.code if isinstance(exc.code, int) else 2
    return rc, capsys.readouterr().err


# function-scoped fixtures are fine here (each example makes its own folders); `run` nests a @given
_FUZZ = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=50, **_FUZZ)
@given(data=st.data())
def test_cli_fuzz(tmp_path_factory, monkeypatch, capsys, data):
    _fuzz_once(tmp_path_factory, monkeypatch, capsys, data)


@pytest.mark.heavy
@settings(max_examples=1500, **_FUZZ)
@given(data=st.data())
def test_cli_fuzz_heavy(tmp_path_factory, monkeypatch, capsys, profile, data):
    if profile not in ("heavy", "large"):
        pytest.skip("1500 fuzzed command lines: --profile heavy")
    _fuzz_once(tmp_path_factory, monkeypatch, capsys, data)


def _fuzz_once(tmp_path_factory, monkeypatch, capsys, data):
    root = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    cwd, home, cache = root / "cwd", root / "home", root / "cache"
    for d in (cwd, home):
        d.mkdir()
    afile = root / "a-file"
    afile.write_text("x")
    env = {"outs": [str(root / "out-new"), str(root / "out" / "nested"), str(afile), str(afile / "sub"), "",
                    "out-relative", str(home)],
           "claims": _claims_files(root / "given")}
    argv = data.draw(argvs(env), label="argv")
    saved_env = dict(os.environ)
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("MATSPEC_CACHE_DIR", str(cache))
    monkeypatch.setattr(cli, "_write_report", _stub_report)
    before = {"cwd": _tree(cwd), "home": _tree(home), "root": _tree(root)}
    try:
        rc, err = _call(argv, capsys)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    assert rc in (0, 1, 2), (argv, rc, err[-2000:])
    assert "Traceback" not in err, (argv, err[-3000:])
    if rc == 2 and "usage:" not in err:
        assert len([x for x in err.splitlines() if x.strip()]) == 1, (argv, err)
    # nothing written outside the given output folders and matspec's cache dir
    given_outs = [(cwd / "matspec-out").resolve()] if "--out" not in argv else []  # the documented default
    for i, a in enumerate(argv[:-1]):
        if a == "--out":
            given_outs.append((cwd / argv[i + 1]).resolve())
    allowed = given_outs + [cache.resolve()]
    for where, old in before.items():
        new = _tree({"cwd": cwd, "home": home, "root": root}[where]) - old
        stray = [p for p in new if not any(p.resolve() == a or a in p.resolve().parents  # inside a given folder
                                           or (p.is_dir() and p.resolve() in a.parents)  # or on the way to it
                                           for a in allowed)]
        assert not stray, (argv, sorted(map(str, stray))[:5])


# --------------------------------------------------------------------------------
# the cases, each checked to fail before any work
# --------------------------------------------------------------------------------

@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a claim or the accuracy sweep is evaluated."""
    import matspec.reports.html as H
    import matspec.reports.runner as R

    def boom(*a, **k):
        raise AssertionError("work started before the arguments were validated")

    monkeypatch.setattr(R, "evaluate_claims", boom)
    monkeypatch.setattr(H, "generate", boom)


def _usage_error(argv, capsys, *needles):
    rc, err = _call(argv, capsys)
    lines = [x for x in err.splitlines() if x.strip()]
    assert rc == 2 and len(lines) == 1 and "Traceback" not in err, (argv, rc, err)
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def test_outputs_are_checked_before_any_work(tmp_path, capsys, no_work):
    afile = tmp_path / "a-file"
    afile.write_text("x")
    for out in (str(afile), str(afile / "sub"), ""):
        _usage_error(["run", "--claim", FAST_CLAIM, "--out", out], capsys, "matspec run:")
        _usage_error(["report", "--out", out, "--from", str(afile)], capsys, "matspec report:")
    _usage_error(["run", "--claim", "nosuch.claim", "--out", str(tmp_path / "o")], capsys, "nosuch.claim")
    assert not (tmp_path / "o").exists()
    _usage_error(["run", "-j", "100000", "--out", str(tmp_path / "o")], capsys, "worker processes")


@pytest.mark.parametrize("content,needle", [("", "is empty"), ("{not json", "not valid JSON"), ("[1, 2]", "not an object"),
                                             ('{"schema_version": "1", "seed": 0, "claims": 5}', "'claims'"),
                                             ('{"schema_version": "1", "seed": 0, "claims": [{"id": "x"}]}', "claims[0]")])
def test_malformed_claims_json(tmp_path, capsys, no_work, content, needle):
    (tmp_path / "claims.json").write_text(content)
    _usage_error(["show", "frobenius.ge_spectral", "--out", str(tmp_path)], capsys, "matspec show:", needle)
    _usage_error(["report", "--from", str(tmp_path / "claims.json"), "--out", str(tmp_path / "o")], capsys,
                 "matspec report:", needle)
    assert capsys.readouterr().out == ""  # nothing printed before the error


def test_list_unknown_topic_lists_the_topics(capsys):
    line = _usage_error(["list", "--topic", "nosuchtopic"], capsys, "unknown topic 'nosuchtopic'")
    assert "frobenius" in line and "axioms" in line


@pytest.mark.parametrize("value", _bad_inputs()[1:], ids=lambda v: json.dumps(v)[:40])
def test_replay_bad_input_is_a_usage_error_not_a_violation(capsys, value):
    _usage_error(["replay", "axioms.n3_triangle", "--input", json.dumps(value)], capsys, "bad --input")


def test_replay_good_input_and_bad_op_set(capsys):
    rc, err = _call(["replay", "axioms.n3_triangle", "--input", json.dumps(GOOD_INPUT)], capsys)
    assert rc == 0, err
    _usage_error(["replay", "axioms.n3_triangle", "--on", "bogus", "--input", json.dumps(GOOD_INPUT)], capsys,
                 "cannot replay on 'bogus'")


def test_replay_of_every_printed_counterexample_form_is_accepted(capsys):
    """What claims.json prints as a replay input passes the checks (they must not reject real ones)."""
    from matspec.catalogue import get_claim
    from matspec.oracles import OracleOps
    from matspec.reports.runner import check_form, check_replay_inputs, _inputs_json

    for cid in ("frobenius.table_row_sum", "axioms.max_entry_not_submultiplicative_example"):
        c = get_claim(cid)
        r = check_form(c.stated, OracleOps(), "smoke")
        assert r.status == "refuted" and r.counterexample
        inputs = check_replay_inputs(c.stated, OracleOps(), json.loads(json.dumps(r.counterexample)))
        assert _inputs_json(inputs) == r.counterexample


def test_run_writes_nothing_in_the_working_directory(tmp_path, monkeypatch, capsys):
    """`.hypothesis/` and matplotlib's cache go to matspec's cache dir, not the cwd or HOME."""
    for d in ("cwd", "home"):
        (tmp_path / d).mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    saved = dict(os.environ)
    try:
        rc, err = _call(["run", "--claim", "frobenius.ge_spectral", "--profile", "smoke", "--no-report",
                         "--out", str(tmp_path / "out")], capsys)
        assert os.environ["MPLCONFIGDIR"].startswith(str(Path(os.environ["MATSPEC_CACHE_DIR"])))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert rc == 0, err
    assert list((tmp_path / "cwd").iterdir()) == [] and list((tmp_path / "home").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) >= ["claims.json", "claims.md"]


def test_an_interrupted_write_keeps_the_previous_claims_json(tmp_path, monkeypatch):
    """Writes are atomic: a failure (or kill) while writing leaves the previous file whole."""
    from matspec.reports import render

    doc = render.run_document([], seed=0, profile="smoke", backends=[], seconds=0.0)
    render.write_reports(doc, tmp_path)
    before = (tmp_path / "claims.json").read_bytes()

    def dies(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", dies)
    with pytest.raises(KeyboardInterrupt):
        render.write_reports({**doc, "seed": 1}, tmp_path)
    assert (tmp_path / "claims.json").read_bytes() == before
    assert render.read_claims(tmp_path / "claims.json")["seed"] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
