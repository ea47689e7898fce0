"""`matspec report`: accuracy sweep, report.json schema, views, reproducibility, planted failures,
and a headless-browser render check (skipped where no Chromium is installed)."""
from __future__ import annotations

import copy
import json
import math
import shutil
import subprocess

import numpy as np
import pytest

from matspec.cli import main
from matspec.implementations.base import Mat, Unsupported
from matspec.implementations.numpy_backend import NumpyOps
from matspec.inputs import spec_from_json
from matspec.oracles import OracleOps
from matspec.reports import html as H
from matspec.reports.accuracy import KAPPA_BUCKETS, OPS, accuracy_sweep
from matspec.values import Val

CID = "axioms.max_entry_not_submultiplicative_example"
# tiny sweep: n = 4, two κ buckets (well conditioned and beyond 1/u of float32)
TINY = dict(sizes=(4,), buckets=(0, 5), examples=1)


def _strip_timings(rep: dict) -> dict:
    rep = copy.deepcopy(rep)
    rep.pop("created")
    rep["reproducibility"].pop("wall_seconds")
    rep["accuracy"].pop("seconds")
    return rep


@pytest.fixture(scope="module")
def claims_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--claim", CID, "--profile", "smoke", "--out", str(out), "--no-report"]) == 0
    return out / "claims.json"


@pytest.fixture(scope="module")
def report(claims_json, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    rep, paths = H.generate(out_dir=out, claims_path=claims_json, seed=3,
                            backends=[NumpyOps("float64"), NumpyOps("float32")], **TINY)
    return rep, paths


def test_report_files_validate_and_show_claims(report, claims_json):
    rep, paths = report
    run_entry = json.loads(claims_json.read_text())["claims"][0]
    on_disk = json.loads(paths["json"].read_text())
    H.check_report(on_disk)  # jsonschema where installed (the test extra), else the hand check
    assert on_disk["schema"] == "report/1.0"
    cells = on_disk["accuracy"]["cells"]
    # every op × backend × n × bucket has a cell
    assert len(cells) == len(OPS) * 2 * 1 * 2
    assert {c["status"] for c in cells} <= {"ok", "undecided"}  # NumPy honours its own bounds
    ok = [c for c in cells if c["status"] == "ok"]
    assert ok and all(c["ratio"]["max"] <= 1 and c["worst"]["inputs"]["A"]["type"] == "matrix" for c in ok)
    # claims: the one claim, with provenance and verdict computed by the run (not restated here)
    cl = on_disk["claims"]
    assert cl["available"] and cl["summary"]["claims"] == 1
    (e,) = cl["entries"]
    assert e["id"] == CID and e["document"] == run_entry["provenance"]["seed"]
    assert e["computed_verdict"] == run_entry["computed_verdict"] and e["detail"]
    assert sum(sum(d.values()) for d in cl["summary"]["by_document"].values()) == 1
    md = paths["md"].read_text()
    assert "| numpy-float64 | 4 |" in md and CID in md and e["computed_verdict"] in md
    page = paths["html"].read_text()
    for anchor in ('id="accuracy-svdvals"', 'id="claims-table"', 'id="verdict-summary"', 'id="reproducibility"',
                   'id="claim-filter"'):
        assert anchor in page
    assert page.count("data:image/png;base64,") >= 3
    assert "http://" not in page and "https://" not in page  # nothing to fetch: opens offline


def test_same_seed_same_numbers_and_seed_matters(report, claims_json, tmp_path):
    rep, _ = report
    again, _ = H.generate(out_dir=tmp_path / "a", claims_path=claims_json, seed=3,
                          backends=[NumpyOps("float64"), NumpyOps("float32")], **TINY)
    assert _strip_timings(again) == _strip_timings(rep)
    other, _ = H.generate(out_dir=tmp_path / "b", claims_path=None, seed=4, backends=[NumpyOps("float64")],
                          ops=("norm_fro",), **TINY)
    w3 = [c["worst"]["inputs"] for c in rep["accuracy"]["cells"] if c["op"] == "norm_fro" and c["worst"]]
    w4 = [c["worst"]["inputs"] for c in other["accuracy"]["cells"] if c["worst"]]
    assert w3 and w4 and w3 != w4
    assert other["claims"]["available"] is False  # no claims.json: said so, not an empty pass


class _Planted(NumpyOps):
    """float64 NumPy with one op made wrong (planted), to show the tables catch it."""

    def __init__(self, how):
        super().__init__("float64")
        self.id = f"planted-{how}"
        self.how = how

    def svdvals(self, A):
        s = super().svdvals(A)
        if self.how == "sigma-off":  # σ₁ off by 1e-9 relative: ~1e7 u, far outside the derived radius
            return [Val(float(s[0].mid) * (1 + 1e-9), s[0].rad)] + s[1:]
        if self.how == "raises":
            raise FloatingPointError("kernel crashed")
        if self.how == "no-bound":
            return [Val(v.mid, math.inf) for v in s]
        return s

    def solve(self, A, b):
        if self.how == "unsupported":
            raise Unsupported("solve", self.id, "planted")
        if self.how == "sigma-off":  # an overconfident radius: exact-looking answer, claimed error 0
            x = super().solve(A, b)
            return Mat(x.data + 1e-12, 0.0, x.shape)
        return super().solve(A, b)


@pytest.mark.parametrize("how, op, status", [("sigma-off", "svdvals", "exceeds"), ("sigma-off", "solve", "exceeds"),
                                             ("raises", "svdvals", "error"), ("no-bound", "svdvals", "undecided"),
                                             ("unsupported", "solve", "unsupported")])
def test_planted_backends_are_marked(how, op, status):
    acc = accuracy_sweep([_Planted(how)], OracleOps(), seed=0, ops=(op,), **TINY)
    assert {c["status"] for c in acc["cells"]} == {status}
    if status == "exceeds":
        c = acc["cells"][0]
        assert c["exceeds"] == c["decided"] >= 1 and c["ratio"]["max"] > 1
        # the worst witness replays on its own: rebuilt from its JSON, the same violation again
        from matspec.reports.accuracy import _measure, _rhs_spec, _run_op

        A = spec_from_json(c["worst"]["inputs"]["A"])
        be, o = _Planted(how), OracleOps()
        got = _run_op(be, op, be.mat(A), be.mat(_rhs_spec(A)))
        smp = _measure(op, got, _run_op(o, op, o.mat(A), o.mat(_rhs_spec(A))))
        assert smp.error > smp.bound and smp.error == pytest.approx(c["worst"]["error"], rel=1e-12)
    # views say it too
    rep = H.build_report(accuracy=acc, claims_doc=None, claims_source=None, seed=0, oracle=OracleOps(), wall_seconds=0.0)
    H.check_report(rep)
    md = H.markdown(rep)
    marker = {"exceeds": "✗", "error": "raised", "undecided": "undecided", "unsupported": "unsupported"}[status]
    assert marker in md


def test_schema_rejects_broken_reports(report, monkeypatch):
    rep, _ = report
    bad = copy.deepcopy(rep)
    bad["accuracy"]["cells"][0]["status"] = "great"
    with pytest.raises(H.ReportInputError, match="status"):
        H.check_report(bad)
    missing = copy.deepcopy(rep)
    del missing["reproducibility"]["seed"]
    with pytest.raises(H.ReportInputError, match="seed"):
        H.check_report(missing)
    # the fallback without jsonschema catches the same
    import builtins

    real_import = builtins.__import__

    def no_jsonschema(name, *a, **k):
        if name == "jsonschema":
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_jsonschema)
    for broken in (bad, missing):
        with pytest.raises(H.ReportInputError):
            H.check_report(broken)
    H.check_report(rep)


def test_schema_doc_names_every_required_key():
    doc = (__import__("pathlib").Path(__file__).parent.parent / "docs" / "report-schema.md").read_text()
    schema = H.report_json_schema()
    keys = set(schema["required"])
    for sect in ("reproducibility", "accuracy", "claims"):
        keys |= set(schema["properties"][sect]["required"])
    keys |= set(schema["properties"]["accuracy"]["properties"]["cells"]["items"]["required"])
    keys |= set(schema["properties"]["claims"]["properties"]["entries"]["items"]["required"])
    assert H.SCHEMA in doc
    assert not [k for k in sorted(keys) if f'"{k}"' not in doc]


def test_bad_claims_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "claims.json"
    bad.write_text("{}")
    with pytest.raises(H.ReportInputError, match="schema_version"):
        H.claims_section(json.loads(bad.read_text()), str(bad))
    bad.write_text("{not json")
    assert main(["report", "--from", str(bad), "--out", str(tmp_path / "o"), "--accuracy-examples", "1"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["report", "--from", str(tmp_path / "absent.json"), "--out", str(tmp_path / "o")]) == 2


def test_bucket_grid_reaches_beyond_float64():
    assert KAPPA_BUCKETS[0] == (0, 2) and KAPPA_BUCKETS[-1][1] >= 16  # 1/u(float64) ≈ 9e15


def test_plots_follow_the_math():
    from matspec.implementations import newton_schulz as ns
    from matspec.reports import plots

    # the float transfer used for plotting agrees with the 50-digit one to plotting accuracy
    for name in ns.SCHEDULES:
        for x in (1e-3, 0.05, 0.7, 1.0):
            assert abs(plots._float_transfer(name, np.array([x]))[0] - float(ns.transfer(name, x))) < 1e-9
    png = plots.hippo_eig_error([{"n": 4, "max_abs_error": 1e-14, "bauer_fike_bound_u_normA": 1e-12},
                                 {"n": 8, "max_abs_error": 1e-9, "bauer_fike_bound_u_normA": 1e-7}])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert plots.hippo_eig_error([]) is None  # no measurement: no figure, not a blank one


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed (chromium / google-chrome)")
def test_index_html_renders_in_headless_chromium(report, tmp_path):
    _, paths = report
    exe = _chromium()
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
            f"--user-data-dir={tmp_path / 'profile'}"]
    url = paths["html"].resolve().as_uri()
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=60).stdout
    for anchor in ('id="accuracy-svdvals"', 'id="claims-table"', 'id="verdict-summary"'):
        assert anchor in dom
    decoded = dom.split('data-images-decoded="', 1)[1].split('"', 1)[0]
    shown, total = map(int, decoded.split("/"))
    assert total >= 3 and shown == total  # every embedded figure decoded
    shot = tmp_path / "index.png"  # screenshot kept in tmp only, never in the tree
    subprocess.run(base + ["--window-size=1400,2400", f"--screenshot={shot}", url], capture_output=True, timeout=60)
    assert shot.exists() and shot.stat().st_size > 10_000
