"""`matspec report`: accuracy sweep, report.json schema, views, reproducibility, planted failures,
and a headless-browser render check (skipped where no Chromium is installed)."""
from __future__ import annotations

import copy
import importlib.util
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
# tiny sweep: n = 4, two κ buckets (well conditioned and beyond 1/u of float32); with one example the
# scale index is the bucket's (LOG10_SCALES cycled by example + bucket): 10^0 and 10^12
TINY = dict(sizes=(4,), buckets=(0, 6), examples=1)


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
    assert on_disk["schema"] == "report/1.3" and on_disk["accuracy_at_size"] is None  # no --sizes
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
    # every figure of the index is drawn (each has data here) and listed in report.md with its data key
    figs = on_disk["figures"]
    assert {f["id"] for f in figs} == set(H.FIGURES) and all(f["available"] for f in figs)
    assert page.count("data:image/png;base64,") == len(figs)
    for f in figs:
        assert f'id="fig-{f["id"]}"' in page and f["title"] in md
    assert 'id="ns-bands"' in page and 'id="mclip-versions"' in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch: opens offline
    # the run measured only one claim, so the HiPPO rows were measured by the report itself
    assert on_disk["measurements"]["hippo_eig_sensitivity"]["source"].startswith("measured by matspec report")


def test_same_seed_same_numbers_and_seed_matters(report, claims_json, tmp_path):
    rep, _ = report
    # the numbers only (plots are views of them): sweep + figure measurements, as generate() does
    doc = json.loads(claims_json.read_text())
    acc = accuracy_sweep([NumpyOps("float64"), NumpyOps("float32")], OracleOps(), seed=3, **TINY)
    again = H.build_report(accuracy=acc, claims_doc=doc, claims_source=str(claims_json), seed=3, oracle=OracleOps(),
                           wall_seconds=0.0, measurements=H.figure_measurements(3, doc))
    strip = _strip_timings(rep)
    assert _strip_timings(again) == strip and strip["measurements"]["ns_runs"] and strip["measurements"]["mclip_versions"]
    other = accuracy_sweep([NumpyOps("float64")], OracleOps(), seed=4, ops=("norm_fro",), **TINY)
    w3 = [c["worst"]["inputs"] for c in rep["accuracy"]["cells"] if c["op"] == "norm_fro" and c["worst"]]
    w4 = [c["worst"]["inputs"] for c in other["cells"] if c["worst"]]
    assert w3 and w4 and w3 != w4
    no_claims = H.build_report(accuracy=other, claims_doc=None, claims_source=None, seed=4, oracle=OracleOps(),
                               wall_seconds=0.0)
    assert no_claims["claims"]["available"] is False  # no claims.json: said so, not an empty pass


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
    # no figure data was measured: the index says so rather than promising a figure
    assert not [f for f in rep["figures"] if f["data"] and f["data"].startswith("measurements.") and f["available"]]
    md = H.markdown(rep)
    marker = {"exceeds": "✗", "error": "raised", "undecided": "undecided", "unsupported": "unsupported"}[status]
    assert marker in md


def test_schema_rejects_broken_reports(report, request):
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
    request.getfixturevalue("hide_jsonschema")
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
    keys |= set(schema["properties"]["measurements"]["required"])
    keys |= set(schema["properties"]["figures"]["items"]["required"])
    for m in ("ns_runs", "mclip_versions"):
        keys |= set(schema["properties"]["measurements"]["properties"][m]["required"])
    keys |= set(schema["properties"]["accuracy"]["properties"]["cells"]["items"]["properties"]["samples"]["items"]["required"])
    keys |= set(schema["properties"]["summary"]["required"]) | set(schema["properties"]["errata"]["required"])
    keys |= set(schema["properties"]["errata"]["properties"]["entries"]["items"]["required"])
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
    from matspec.reports import figdata, plots

    # the float transfer used for plotting agrees with the 50-digit one to plotting accuracy
    for name in ns.SCHEDULES:
        for x in (1e-3, 0.05, 0.7, 1.0):
            assert abs(figdata.float_transfer(name, np.array([x]))[0] - float(ns.transfer(name, x))) < 1e-9
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
    assert total == len(H.FIGURES) and shown == total  # every embedded figure decoded
    shot = tmp_path / "index.png"  # screenshot kept in tmp only, never in the tree
    subprocess.run(base + ["--window-size=1400,2400", f"--screenshot={shot}", url], capture_output=True, timeout=60)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_report_leads_with_summary_then_errata_and_navigates(report):
    """index.html: the summary first, then the errata, then accuracy tables and plots, then the claims; a
    navigation bar links every section; report.md leads the same way."""
    import re

    rep, paths = report
    page = paths["html"].read_text()
    order = [page.index(f'<section id="{sid}"') for sid in ("summary", "errata", "accuracy", "plots", "claims")]
    assert order == sorted(order), "sections out of order"
    nav = page.split('<nav id="nav">', 1)[1].split("</nav>", 1)[0]
    assert nav.index("#summary") < nav.index("#errata") < nav.index("#accuracy") < nav.index("#plots") < nav.index("#claims")
    for target in re.findall(r'href="#([^"]+)"', nav):
        assert f'id="{target}"' in page, f"navigation link #{target} has no target"
    assert page.index('<nav id="nav">') < order[0] and page.index('id="claim-filter"') > order[-1]
    # the summary's facts come from report.json, and the run's one misstated claim is the one erratum
    sm, er = rep["summary"], rep["errata"]
    assert sm["claims_checked"] == 1 and sm["errata"] == 1 and sm["errata_by_document"] == {"004_22c25d75eff01b16.txt": 1}
    (e,) = er["entries"]
    assert e["id"] == CID and e["verdict"] == "misstated" and e["wrong"] and e["corrected"] and e["replay"]
    assert e["counterexample"] == "n=2" and e["line"] == 118 and e["section"] == "2.1 Abstract Norm Definition"
    body = page[order[1]:order[2]]
    assert CID in body and "What is wrong:" in body and "Replay:" in body and e["wrong"][:40] in body
    assert sm["backend_violations"] == [] and sm["kernels_validated"] == []
    md = paths["md"].read_text()
    assert md.index("## Summary") < md.index("## Errata") < md.index("## Accuracy") < md.index("## Claims and errata")


def test_summary_lists_validated_kernels_found_beside_the_report(tmp_path):
    (tmp_path / "k1").mkdir()
    (tmp_path / "k1" / "validate.json").write_text(json.dumps({"op": "msign", "kernel": "my.py:ns", "verdict": "fail",
                                                              "contract": "exact", "dtype": "float32",
                                                              "framework": "numpy"}))
    (tmp_path / "validate.json").write_text("not json")  # unreadable: skipped, not a crash
    (k,) = H.find_kernel_validations(tmp_path)
    assert (k["op"], k["kernel"], k["verdict"]) == ("msign", "my.py:ns", "fail")


@pytest.mark.skipif(not shutil.which("/usr/bin/chromium") and _chromium() is None,
                    reason="no headless Chromium installed (/usr/bin/chromium)")
def test_summary_is_visible_on_the_first_screen(report, tmp_path):
    _, paths = report
    exe = _chromium() or "/usr/bin/chromium"
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,800"]
    dom = subprocess.run(base + ["--dump-dom", paths["html"].resolve().as_uri()], capture_output=True, text=True,
                         timeout=60).stdout
    flag = dom.split('data-summary-first-screen="', 1)[1].split('"', 1)[0]
    assert flag == "yes", f"summary not on the first screen of a 1280×800 window: {flag}"


def test_scale_varies_is_recorded_and_errors_stay_in_units_of_u():
    """A σ₁ off by 1e-9 relative is 1e-9/u ≈ 9.0e6 u at every scale: err_u is relative, as the SVD bound
    |Δσ| ≤ c·u·‖A‖₂ prescribes, and a witness replays at its own scale."""
    from matspec.reports.accuracy import LOG10_SCALES

    acc = accuracy_sweep([_Planted("sigma-off")], OracleOps(), seed=0, ops=("svdvals",), sizes=(4,),
                         buckets=(0, 1, 2), examples=1)
    samples = [s for c in acc["cells"] for s in c["samples"]]
    assert acc["log10_scales"] == list(LOG10_SCALES)
    assert sorted({s["log10_scale"] for s in samples}) == sorted(LOG10_SCALES[:3])  # 0, 12, -30
    for s in samples:
        assert s["in_domain"] and s["err_u"] == pytest.approx(1e-9 / 2.0 ** -53, rel=1e-3)
    for c in acc["cells"]:  # the witness carries the scale it was drawn at
        assert c["worst"]["inputs"]["A"]["log10_scale"] == c["samples"][0]["log10_scale"]


def test_scales_outside_a_backends_domain_are_shown_never_judged():
    from matspec.reports.accuracy import _draw_spec

    be = NumpyOps("float32")
    lo, hi = be.domain("default").log10_scale
    acc = accuracy_sweep([be, NumpyOps("float64")], OracleOps(), seed=0, ops=("norm_fro",), sizes=(4,),
                         buckets=(2, 4), examples=1)
    scales = [_draw_spec(0, b, 4, 0).log10_scale for b in (2, 4)]
    assert all(not lo <= s <= hi for s in scales)  # ±30: inside float32's range, outside its declared domain
    for c in acc["cells"]:
        (smp,) = c["samples"]
        if c["backend"] == be.id:
            assert not smp["in_domain"] and smp["ratio"] is None and c["status"] == "undecided"
            assert c["out_of_domain"] == 1 and c["err_u_out_of_domain"]["max"] == smp["err_u"] and c["err_u"] is None
            assert "outside domain" in H.cell_text(H._finite(c))
        else:  # float64's domain (±150) covers them: judged as usual
            assert smp["in_domain"] and c["status"] == "ok" and c["out_of_domain"] == 0


def test_ns_figure_data_follows_the_exact_transfer_and_catches_a_short_schedule(report, monkeypatch):
    from matspec.reports import figdata

    runs = report[0]["measurements"]["ns_runs"]
    # float64: a run's deviation from F is its forward error (≲ ∏|a_t|·n·u ≈ 1e3·32·1.1e-16 ≈ 4e-12 for the
    # largest first-step slopes here) plus the read-out on float64 singular vectors (≈ n·u/gap, gap ≥ 0.2 σ):
    # 1e-8 is far above both and far below any schedule error
    for name, per in runs["schedules"].items():
        assert per["numpy-float64"]["band"]["max_abs_dev_from_exact"] < 1e-8, name
    # planted: one step too few (the last step replaced by the identity step x ↦ x)
    real = figdata._one_step

    def short(name, k):
        s = real(name, k)
        last = k == figdata.ns.get_schedule(name).steps - 1
        return figdata.ns.Schedule(s.name, (("1", "0", "0"),), s.source, s.safety) if last else s

    monkeypatch.setattr(figdata, "_one_step", short)
    monkeypatch.setattr(figdata, "dtypes", lambda: [("numpy-float64", lambda X: np.asarray(X, dtype=np.float64))])
    bad = figdata.ns_runs(3)
    devs = {n: per["numpy-float64"]["band"]["max_abs_dev_from_exact"] for n, per in bad["schedules"].items()}
    assert min(devs.values()) > 1e-3, devs


def test_mclip_figure_data_separates_wrong_formulas_from_right_ones(report):
    m = report[0]["measurements"]["mclip_versions"]
    assert [v for v, _ in m["versions"]] == ["v1_psd", "v1_general", "v2_printed", "v2_corrected", "v3",
                                             "general_printed", "general_shifted"]
    for dt, e in m["rel_err"].items():
        right = max(e["v1_psd"], e["v2_corrected"], e["v3"], e["general_shifted"])
        wrong = min(e["v1_general"], e["v2_printed"], e["general_printed"])
        # a wrong formula is off by O(1); a right one only by its msign's band (≈ 1e-2 for Polar Express + 1
        # step) in float64/float32, plus ≈ 1e-1 of bfloat16 rounding through three nested msigns
        assert wrong > (10 if dt.endswith(("float64", "float32")) else 1) * right, (dt, e)
    if "torch-cpu-bfloat16" in m["rel_err"]:
        assert m["rel_err"]["torch-cpu-bfloat16"]["v3"] > m["rel_err"]["numpy-float64"]["v3"]


def test_run_exits_nonzero_when_an_accuracy_cell_exceeds_its_bound(tmp_path, monkeypatch, capsys):
    import functools

    import matspec.implementations as impl

    # a small sweep and no figures: this test is about the exit status
    monkeypatch.setattr(H, "generate", functools.partial(H.generate, ops=("svdvals",), sizes=(4,), buckets=(0,)))
    monkeypatch.setattr(H, "figure_measurements", lambda seed, doc: {})
    monkeypatch.setattr(H, "make_plots", lambda rep: {})
    argv = ["run", "--claim", CID, "--profile", "smoke", "--no-backends", "--out"]
    monkeypatch.setattr(impl, "default_backends", lambda: [_Planted("sigma-off")])
    assert main(argv + [str(tmp_path / "bad")]) == 1
    err = capsys.readouterr().err
    assert "exceed their derived bound" in err and "disagree" not in err  # the claim itself agrees
    assert json.loads((tmp_path / "bad" / "report.json").read_text())["accuracy"]["cells"][0]["status"] == "exceeds"
    assert main(argv + [str(tmp_path / "skip"), "--no-report"]) == 0  # no sweep: the claims decide
    monkeypatch.setattr(impl, "default_backends", lambda: [NumpyOps("float64")])
    assert main(argv + [str(tmp_path / "good")]) == 0


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_inputs_a_format_cannot_hold_are_undecided_not_a_kernel_error():
    """float16 holds 6e-8 … 65504: an input at scale 1e12 cannot even be materialised.  Outside the
    declared domain that is 'not judged' with the reason; inside it (scale 1) a raising op is still
    an error (the "raises" planted backend above)."""
    from matspec.implementations.torch_backend import TorchOps
    from matspec.reports.accuracy import _draw_spec

    be = TorchOps("float16")
    scales = [_draw_spec(0, b, 4, 0).log10_scale for b in (0, 2, 4)]
    acc = accuracy_sweep([be], OracleOps(), seed=0, ops=("norm_fro",), sizes=(4,), buckets=(0, 2, 4), examples=1)
    by_scale = {s: c for s, c in zip(scales, acc["cells"])}
    assert 0 in by_scale and by_scale[0]["status"] == "ok"
    # 1e30 overflows float16 when materialised: not representable, not judged, not an error
    assert by_scale[30]["status"] == "undecided" and "not representable" in by_scale[30]["message"]
    # 1e-30 flushes to zero: materialised and measured, shown outside the domain, never judged
    assert by_scale[-30]["status"] == "undecided" and by_scale[-30]["out_of_domain"] == 1
