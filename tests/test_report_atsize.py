"""`matspec report --sizes` (issue 14, item 5): the accuracy-at-size section — its inputs, reference
tiers (certified / float64 a posteriori, judge64's rule), report.json keys, views, the growth slope,
planted backends caught, and bad input.

Default run: one `matspec report --sizes 4,16,80 --size-examples 1` on the default backends with a
one-cell κ sweep (~10 s on 2 cores): 4 and 16 are certified for every backend, 80 only for float64
backends; n = 260 (beyond every certified reference) on the NumPy backends.  ``--profile heavy``:
8,64,256,1024 on the default backends."""
from __future__ import annotations

import copy
import functools
import json
import math

import numpy as np
import pytest

from matspec.cli import main
from matspec.implementations.base import Mat
from matspec.implementations.numpy_backend import NumpyOps
from matspec.reports import atsize as AS
from matspec.reports import html as H
from matspec.reports.sizeref import References
from matspec.values import Val

SIZES = "4,16,80"


@pytest.fixture(scope="module")
def cli_report(tmp_path_factory):
    """The CLI end to end, with the κ sweep cut to one cell and no figure measurements (tested elsewhere)."""
    out = tmp_path_factory.mktemp("atsize")
    mp = pytest.MonkeyPatch()
    mp.setattr(H, "generate", functools.partial(H.generate, ops=("norm_fro",), sizes=(4,), buckets=(0,)))
    mp.setattr(H, "figure_measurements", lambda seed, doc: {})
    try:
        rc = main(["report", "--out", str(out), "--accuracy-examples", "1", "--sizes", SIZES, "--size-examples", "1"])
    finally:
        mp.undo()
    rep = json.loads((out / "report.json").read_text())
    return rc, rep, (out / "index.html").read_text(), (out / "report.md").read_text()


def _cell(sec, op, backend, n):
    (c,) = [c for c in sec["cells"] if (c["op"], c["backend"], c["n"]) == (op, backend, n)]
    return c


def test_section_exists_names_tiers_and_validates(cli_report):
    rc, rep, page, md = cli_report
    assert rc == 0  # the default backends honour their derived bounds at every judged size
    H.check_report(rep)
    sec = rep["accuracy_at_size"]
    assert sec["sizes"] == [4, 16, 80] and sec["examples_per_size"] == 1
    assert {o["id"] for o in sec["ops"]} == set(AS.SIZE_OPS)
    assert len(sec["cells"]) == len(AS.SIZE_OPS) * len(sec["backends"]) * 3
    # every cell names its tier: certified up to 64 for every backend, up to 256 for float64 ones, float64 beyond
    for c in sec["cells"]:
        f64 = c["u"] < 2.0 ** -30
        assert c["tier"] == ("certified" if c["n"] <= (256 if f64 else 64) else "float64"), c
        assert c["tier_name"].startswith(c["tier"])
    assert _cell(sec, "svdvals", "numpy-float32", 80)["tier"] == "float64"
    assert _cell(sec, "svdvals", "numpy-float64", 80)["tier"] == "certified"
    # certified samples carry a reference bound far below u; every certified figure is measured
    for c in sec["cells"]:
        if c["tier"] == "certified" and c["status"] not in ("unsupported", "error"):
            assert c["measured"] == c["examples"] and c["reference_u"] < 1e-6, c
    assert rep["reproducibility"]["replay"].endswith("--sizes 4,16,80 --size-examples 1")


def test_float64_beyond_the_certified_oracle_is_not_judged():
    """A float64 reference is as coarse as a float64 backend: at n = 260 (beyond CERTIFIED_MAX) no figure is
    given for float64 svdvals / norm('2') / polar — shown as not judged, never as a number — while float32 is
    measured by the same reference."""
    sec = AS.size_sweep([NumpyOps("float64"), NumpyOps("float32")], sizes=(16, 260), examples=1,
                        ops=("svdvals", "norm_2", "polar"))
    for op in ("svdvals", "norm_2", "polar"):
        assert _cell(sec, op, "numpy-float64", 16)["tier"] == "certified"
        c = _cell(sec, op, "numpy-float64", 260)
        assert c["tier"] == "float64" and c["status"] == "not_judged" and c["err_u"] is None and c["ratio"] is None, c
        assert all(s["err_u"] is None and s["error"] is None and s["err_u_upper"] is None for s in c["samples"])
        assert "reference not accurate enough" in c["message"]
        assert H.size_cell_text(c).startswith("not judged")
    c32 = _cell(sec, "svdvals", "numpy-float32", 260)
    assert c32["tier"] == "float64" and c32["measured"] == 1 and c32["err_u"]["max"] > 0
    assert c32["reference_u"] <= 0.01 * c32["err_u"]["max"]  # judge64's rule, applied to the figure itself
    rep = H.build_report(accuracy=_tiny_acc(), claims_doc=None, claims_source=None, seed=0, oracle=_oracle(),
                         wall_seconds=0.0, at_size=sec)
    H.check_report(rep)
    md = H.markdown(rep)
    row = next(r for r in md[md.index("## Accuracy at size"):].splitlines() if r.startswith("| numpy-float64 |"))
    assert "not judged" in row and "u · certified" in row  # the certified size of the same row shows its number
    assert _cell(sec, "polar", "numpy-float32", 260)["status"] == "undecided"  # measured, against an ∞ bound
    assert "(∞ bound)" in H.size_cell_text(_cell(sec, "polar", "numpy-float32", 260))


def test_views_show_section_plot_and_slope_column(cli_report):
    _, rep, page, md = cli_report
    sec = rep["accuracy_at_size"]
    order = [page.index(f'<section id="{s}"') for s in ("summary", "errata", "accuracy", "accuracy-at-size", "plots",
                                                          "claims")]
    assert order == sorted(order)
    assert 'href="#accuracy-at-size"' in page
    body = page[order[3]:order[4]]
    for op in AS.SIZE_OPS:
        assert f'id="size-{op}"' in body
    assert "<th>slope</th>" in body and "certified" in body and "float64 ref." in body
    assert 'id="fig-accuracy_at_size"' in body and "data:image/png;base64," in body  # the plot, in its section
    assert page.count('id="fig-accuracy_at_size"') == 1  # not repeated among the plots
    fig = [f for f in rep["figures"] if f["id"] == "accuracy_at_size"]
    assert fig and fig[0]["available"] and fig[0]["data"] == "accuracy_at_size"
    assert md.index("## Accuracy") < md.index("## Accuracy at size") < md.index("## Claims and errata")
    assert "| slope |" in md and "float64 ref." in md
    # every series has a slope entry; a slope needs sizes with a measured figure >= 1 u spanning a factor 4
    for s in sec["series"]:
        assert set(s) >= {"slope", "points", "fitted_sizes", "flag"}
        fs = s["fitted_sizes"]
        assert (s["slope"] is None) == (len(fs) < 2 or fs[-1] < 4 * fs[0])
        assert all(e >= 1 for n, e in s["points"] if n in fs)


def test_report_without_sizes_is_unchanged(tmp_path):
    from matspec.oracles import OracleOps
    from matspec.reports.accuracy import accuracy_sweep

    acc = accuracy_sweep([NumpyOps("float64")], OracleOps(), ops=("norm_fro",), sizes=(4,), buckets=(0,), examples=1)
    rep = H.build_report(accuracy=acc, claims_doc=None, claims_source=None, seed=0, oracle=OracleOps(), wall_seconds=0.0)
    H.check_report(rep)
    assert rep["accuracy_at_size"] is None and "--sizes" not in rep["reproducibility"]["replay"]
    assert {f["id"] for f in rep["figures"]} == set(H.FIGURES)
    page = H.render_html(rep, {})
    assert "accuracy-at-size" not in page and "## Accuracy at size" not in H.markdown(rep)


# ------------------------------------------------------------------------------------------------
# planted backends
# ------------------------------------------------------------------------------------------------

class _QuadraticNorm2(NumpyOps):
    """float64 NumPy whose 2-norm models a power iteration stopped at the relative tolerance n²·u (n·n
    where n was meant): σ₁ short by n²·u·σ₁.  Inside its derived bound (which is itself ∝ n²·u) at every
    size here — only its growth gives it away."""

    def __init__(self):
        super().__init__("float64")
        self.id = "planted-n2-norm2"

    def norm(self, A, kind, p=None, k=None):
        v = super().norm(A, kind, p, k)
        if kind != "2":
            return v
        n = max(A.shape)
        return Val(float(v.mid) * (1 - n * n * self.u), v.rad)


def test_error_growing_like_n_squared_is_flagged():
    sec = AS.size_sweep([_QuadraticNorm2(), NumpyOps("float64")], sizes=(4, 16, 80), examples=1, ops=("norm_2",))
    cells = [c for c in sec["cells"] if c["backend"] == "planted-n2-norm2"]
    assert all(c["status"] == "ok" for c in cells)  # the bound alone does not catch it
    (s,) = [s for s in sec["series"] if s["backend"] == "planted-n2-norm2"]
    assert s["fitted_sizes"] == [4, 16, 80] and 1.9 < s["slope"] < 2.1 and "faster than n" in s["flag"]
    rep = H.build_report(accuracy=_tiny_acc(), claims_doc=None, claims_source=None, seed=0, oracle=_oracle(),
                         wall_seconds=0.0, at_size=sec)
    H.check_report(rep)
    md = H.markdown(rep)
    assert "⚠ faster than n" in next(r for r in md.splitlines() if r.startswith("| planted-n2-norm2 |"))
    assert "norm_2 on planted-n2-norm2: grows faster than n" in md
    from matspec.reports import plots

    page = H.render_html(rep, {"accuracy_at_size": plots.accuracy_at_size(sec)})
    assert "⚠ faster than n" in page and 'id="fig-accuracy_at_size"' in page


class _Ascending(NumpyOps):
    """svdvals in ascending order (an eigvalsh habit); polar transposed (Vᵀ U where U Vᵀ was meant)."""

    def __init__(self, dtype):
        super().__init__(dtype)
        self.id = f"planted-{dtype}"

    def svdvals(self, A):
        return super().svdvals(A)[::-1]

    def polar(self, A):
        Q = super().polar(A)
        return Mat(Q.data.T.copy(), Q.err, Q.shape)


def test_planted_errors_exceed_in_both_tiers_and_fail_the_command(tmp_path, monkeypatch):
    sec = AS.size_sweep([_Ascending("float32")], sizes=(4, 80), examples=1, ops=("svdvals", "polar"))
    for n, tier in ((4, "certified"), (80, "float64")):
        c = _cell(sec, "svdvals", "planted-float32", n)
        assert c["tier"] == tier and c["status"] == "exceeds" and c["exceeds"] == 1 and c["ratio"]["max"] > 1
    # the transposed polar factor is caught where the backend's bound is finite (certified n = 4); at n = 80
    # its bound is infinite (σ_min below the float32 SVD's backward error): measured, shown, undecided
    assert _cell(sec, "polar", "planted-float32", 4)["status"] == "exceeds"
    c80 = _cell(sec, "polar", "planted-float32", 80)
    assert c80["status"] == "undecided" and c80["err_u"]["max"] > 1e5
    # the command's exit status: 1 when an at-size cell exceeds its bound
    import matspec.implementations as impl

    monkeypatch.setattr(H, "generate", functools.partial(H.generate, ops=("norm_fro",), sizes=(4,), buckets=(0,)))
    monkeypatch.setattr(H, "figure_measurements", lambda seed, doc: {})
    monkeypatch.setattr(H, "make_plots", lambda rep: {})
    monkeypatch.setattr(impl, "default_backends", lambda: [_Ascending("float64")])
    argv = ["report", "--out", str(tmp_path / "o"), "--accuracy-examples", "1", "--size-examples", "1", "--sizes"]
    assert main(argv + ["4"]) == 1
    monkeypatch.setattr(impl, "default_backends", lambda: [NumpyOps("float64")])
    assert main(argv + ["4"]) == 0


class _Garbage(NumpyOps):
    """σ₁ returned as NaN; a polar factor of the wrong shape."""

    def __init__(self):
        super().__init__("float32")
        self.id = "planted-garbage"

    def svdvals(self, A):
        s = super().svdvals(A)
        return [Val(math.nan, s[0].rad)] + s[1:]

    def polar(self, A):
        Q = super().polar(A)
        return Mat(Q.data[:, :-1].copy(), Q.err, (Q.shape[0], Q.shape[1] - 1))


def test_nan_and_wrong_shapes_fail_never_pass():
    sec = AS.size_sweep([_Garbage()], sizes=(4, 80), examples=1, ops=("svdvals", "polar"))
    for n in (4, 80):
        c = _cell(sec, "svdvals", "planted-garbage", n)
        assert c["status"] == "exceeds" and c["err_u"]["max"] == math.inf, c
        p = _cell(sec, "polar", "planted-garbage", n)
        assert p["status"] == "error" and "not comparable" in p["message"], p
    rep = H.build_report(accuracy=_tiny_acc(), claims_doc=None, claims_source=None, seed=0, oracle=_oracle(),
                         wall_seconds=0.0, at_size=sec)
    H.check_report(rep)
    json.dumps(rep, allow_nan=False)  # strict JSON: the infinite error is written as "inf"
    assert "raised" in H.markdown(rep) and "inf u ✗" in H.markdown(rep)


# ------------------------------------------------------------------------------------------------
# the references
# ------------------------------------------------------------------------------------------------

def _oracle():
    from matspec.oracles import OracleOps

    return OracleOps()


def _tiny_acc():
    from matspec.reports.accuracy import accuracy_sweep

    return accuracy_sweep([NumpyOps("float64")], _oracle(), ops=("norm_fro",), sizes=(4,), buckets=(0,), examples=1)


def test_arb_newton_schulz_agrees_with_the_oracles_iteration():
    from matspec.reports.accuracy import NS_SCHEDULE, _run_op

    X, _ = AS.size_spec(0, 8, 0).to_numpy()
    be = NumpyOps("float32")
    got = _run_op(be, "newton_schulz", be.mat(X), None)
    m = References(X.astype(np.float32).astype(np.float64), "certified").measure("newton_schulz", got)
    o = _oracle()
    Xr = X.astype(np.float32).astype(np.float64)
    res = o.newton_schulz(o.mat(Xr), NS_SCHEDULE)
    from matspec.reports.accuracy import _fro_diff

    err_oracle = float(_fro_diff(got[1].data, res.data)[0])
    # the balls are ~1e-60 wide: what is left is the float64 measurement's own rounding, relative to the error
    assert m.reference_bound < 1e-12 * m.error and abs(m.error - err_oracle) <= m.reference_bound + float(res.err)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float64_tier_bounds_hold_against_the_certified_tier(dtype):
    """On the same received input, the float64 tier's measured error is within its own stated bound of the
    certified one, op by op — the a-posteriori bounds are not violated — and for float32 it is tight enough
    that every figure is measured (reference bound ≤ 1/100 of the error)."""
    from matspec.reports.accuracy import _run_op

    be = NumpyOps(dtype)
    for ex in range(2):
        spec = AS.size_spec(7, 48, ex)
        A = be.mat(spec)
        X = np.asarray(A.data, dtype=np.float64)
        cert, f64 = References(X, "certified"), References(X, "float64")
        for op in AS.SIZE_OPS:
            got = _run_op(be, op, A, None)
            mc, mf = cert.measure(op, got), f64.measure(op, got)
            assert abs(mf.error - mc.error) <= mf.reference_bound + mc.reference_bound, (op, ex, mf, mc)
            if dtype == "float32" and op != "norm_2":  # σ₁ = 1 exactly: float32 norm('2') may be exact
                assert AS.classify("float64", mf, 0.01)[0] == "measured", (op, mf)


def test_float64_polar_reference_bound_catches_a_wrong_reference(monkeypatch):
    """The float64 polar reference's bound is a real bound: a reference made wrong by 1e-6 (far above its
    bound) is told apart from the certified one."""
    from matspec.reports.accuracy import _run_op

    be = NumpyOps("float32")
    A = be.mat(AS.size_spec(1, 40, 0))
    X = np.asarray(A.data, dtype=np.float64)
    got = _run_op(be, "polar", A, None)
    f64 = References(X, "float64")
    Q, e = f64._polar_ref()
    f64._cache["polar64"] = (Q + 1e-6 / Q.shape[0], e)
    mf, mc = f64.measure("polar", got), References(X, "certified").measure("polar", got)
    assert abs(mf.error - mc.error) > mf.reference_bound + mc.reference_bound


# ------------------------------------------------------------------------------------------------
# inputs, parsing, determinism, schema
# ------------------------------------------------------------------------------------------------

def test_fit_slope_floor_and_span():
    slope, used = AS.fit_slope([(4, 16.0), (16, 256.0), (64, 4096.0)])
    assert used == [4, 16, 64] and slope == pytest.approx(2.0)
    slope, used = AS.fit_slope([(4, 0.5), (16, 2.0), (64, 8.0)])  # 0.5 u: the result's own rounding, left out
    assert used == [16, 64] and slope == pytest.approx(1.0)
    assert AS.fit_slope([(64, 2.0), (128, 4.0)])[0] is None  # one octave: too narrow to tell n from √n
    assert AS.fit_slope([(8, 3.0), (64, math.inf)]) == (None, [8])


def test_parse_sizes():
    assert AS.parse_sizes("8,64,256,1024") == (8, 64, 256, 1024)
    assert AS.parse_sizes(" 64, 8 ,8") == (8, 64)
    for bad in ("", "8,,16", "8,x", "1", "0", "-4", "4097", "1e3", "8;16", ","):
        with pytest.raises(ValueError):
            AS.parse_sizes(bad)


@pytest.mark.parametrize("argv, needle", [(["--sizes", "0,8"], "outside"), (["--sizes", "8,x"], "not a whole number"),
                                          (["--sizes", ""], "comma-separated"), (["--sizes", "99999"], "outside"),
                                          (["--size-examples", "2"], "needs --sizes")])
def test_bad_sizes_are_one_line_usage_errors_before_any_work(tmp_path, capsys, monkeypatch, argv, needle):
    def boom(*a, **k):
        raise AssertionError("work started before --sizes was validated")

    monkeypatch.setattr(H, "generate", boom)
    monkeypatch.setattr(H, "load_claims", boom)
    assert main(["report", "--out", str(tmp_path / "o")] + argv) == 2
    err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(err) == 1 and err[0].startswith("matspec report:") and needle in err[0], err
    assert not (tmp_path / "o").exists()


def test_inputs_are_seeded_sized_specs_with_the_stated_spectrum():
    s = AS.size_spec(3, 64, 1)
    assert (s.m, s.n, s.mode, s.log10_kappa, s.log10_scale) == (64, 64, "arithmetic", 2.0, 0)
    assert AS.size_spec(3, 64, 1) == s and AS.size_spec(4, 64, 1).seed != s.seed
    sv = np.linalg.svd(s.to_numpy()[0], compute_uv=False)
    assert sv[0] == pytest.approx(1.0, rel=1e-12) and sv[0] / sv[-1] == pytest.approx(100.0, rel=1e-10)


def test_same_seed_same_section_apart_from_timings():
    from matspec.reports.timings import without_timings

    be = [NumpyOps("float64"), NumpyOps("float32")]
    a = AS.size_sweep(be, sizes=(4, 70), examples=1, seed=5, ops=("svdvals", "newton_schulz"))
    b = AS.size_sweep(be, sizes=(4, 70), examples=1, seed=5, ops=("svdvals", "newton_schulz"))
    rep = {"schema": H.SCHEMA, "accuracy_at_size": a}
    assert without_timings(rep)["accuracy_at_size"]["seconds"] == "<timing>"
    for sec in (a, b):
        sec.pop("seconds"), sec.pop("seconds_by_size")
    assert json.dumps(H._finite(a), sort_keys=True) == json.dumps(H._finite(b), sort_keys=True)


def test_schema_doc_names_every_size_key_and_the_schema_rejects_a_broken_section(cli_report, request):
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "report-schema.md").read_text()
    for k in H._SIZE_KEYS + H._SIZE_CELL_KEYS + H._SIZE_SAMPLE_KEYS + H._SIZE_SERIES_KEYS + ["accuracy_at_size"]:
        assert f'"{k}"' in doc, k
    assert H.SCHEMA == "report/1.3" and H.SCHEMA in doc
    _, rep, _, _ = cli_report
    bad = copy.deepcopy(rep)
    bad["accuracy_at_size"]["cells"][0]["status"] = "fine"
    with pytest.raises(H.ReportInputError, match="status"):
        H.check_report(bad)
    missing = copy.deepcopy(rep)
    del missing["accuracy_at_size"]["cells"][0]["tier"]
    with pytest.raises(H.ReportInputError, match="tier"):
        H.check_report(missing)
    request.getfixturevalue("hide_jsonschema")
    for broken in (bad, missing):
        with pytest.raises(H.ReportInputError):
            H.check_report(broken)


@pytest.mark.heavy
def test_heavy_sizes_8_64_256_1024(tmp_path, profile, monkeypatch):
    """The issue's command on the default backends, one example per size (a few minutes on 2 cores)."""
    if profile not in ("heavy", "large"):
        pytest.skip("matspec report --sizes 8,64,256,1024: --profile heavy")
    monkeypatch.setattr(H, "generate", functools.partial(H.generate, ops=("norm_fro",), sizes=(4,), buckets=(0,)))
    monkeypatch.setattr(H, "figure_measurements", lambda seed, doc: {})
    rc = main(["report", "--out", str(tmp_path), "--accuracy-examples", "1", "--sizes", "8,64,256,1024",
               "--size-examples", "1"])
    rep = json.loads((tmp_path / "report.json").read_text())
    H.check_report(rep)
    sec = rep["accuracy_at_size"]
    assert rc == 0 and not [c for c in sec["cells"] if c["status"] in ("exceeds", "error")]
    assert _cell(sec, "svdvals", "numpy-float64", 256)["tier"] == "certified"
    # beyond 256 a float64 backend never gets a figure: not judged, or only bounded below its derived bound
    for op in ("svdvals", "norm_2", "polar", "newton_schulz"):
        c = _cell(sec, op, "numpy-float64", 1024)
        assert c["tier"] == "float64" and c["measured"] == 0 and c["err_u"] is None, c
    c = _cell(sec, "newton_schulz", "numpy-float32", 1024)
    assert c["tier"] == "float64" and c["measured"] == 1 and math.isfinite(c["err_u"]["max"])
