"""``matspec report``: one folder with ``report.json`` (schema "report/1.0", docs/report-schema.md),
``report.md`` and a static ``index.html`` (plots embedded as base64 PNG: opens with no network).

The report joins two things: the claims / errata of a ``matspec run`` (its claims.json, read as
written — schema in docs/claims-schema.md) and the accuracy sweep (matspec.reports.accuracy).
Everything numeric lives in report.json; the Markdown and HTML are views of it.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import platform
import time
from pathlib import Path

SCHEMA = "report/1.0"
VERDICTS = ("holds", "refuted", "conditional", "misstated", "empirical", "undecided")


class ReportInputError(ValueError):
    """claims.json missing pieces the report needs: a clear message, never a silent empty section."""


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------

def _finite(x):
    """Strict JSON: non-finite floats as the strings 'inf' / '-inf' / 'nan' (as claims.json does)."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def _detail(c: dict) -> str:
    st = c.get("stated") or {}
    if st.get("measurement"):
        return st.get("message") or ""
    if st.get("counterexample_repr") and c.get("computed_verdict") != "holds":
        return f"{st['counterexample_repr']} — {(st.get('message') or '')[:300]}"
    return ""


def claims_section(doc: dict | None, source: str | None) -> dict:
    if doc is None:
        return {"available": False, "source": source, "claims_schema_version": None,
                "summary": {"claims": 0, "by_verdict": {}, "by_document": {}}, "entries": []}
    for key in ("schema_version", "claims", "seed"):
        if key not in doc:
            raise ReportInputError(f"{source or 'claims document'} has no {key!r}: not a claims.json from `matspec run`")
    entries, by_verdict, by_doc = [], {}, {}
    for c in doc["claims"]:
        try:
            prov, verdict = c["provenance"], c["computed_verdict"]
        except KeyError as exc:
            raise ReportInputError(f"claim entry {c.get('id', '?')!r} in {source} lacks {exc.args[0]!r}") from None
        st = c.get("stated") or {}
        m = st.get("measurement")
        entries.append({
            "id": c["id"], "topic": c.get("topic", ""),
            "document": prov["seed"], "section": prov["section"], "statement": prov["statement"],
            "also_stated_in": c.get("also_stated_in", []),
            "encoded": c.get("statement"),
            "recorded_verdict": c.get("recorded_verdict"), "computed_verdict": verdict,
            "agrees": c.get("agrees"),
            "examples": st.get("examples"),  # examples the stated form was checked on (reproducibility)
            "counterexample": st.get("counterexample"), "counterexample_repr": st.get("counterexample_repr"),
            "measurement": None if not m else {"value": m.get("value"), "setting": m.get("setting"),
                                               "document": m.get("document"), "agrees": m.get("agrees")},
            "detail": _detail(c),
            "corrected": c.get("repaired_statement"), "repair": c.get("repair"),
            "note": c.get("note", ""),
            "backends": {b: v.get("outcome") for b, v in (c.get("backends") or {}).items()},
            "replay": (c.get("replay") or {}).get("stated"),
        })
        by_verdict[verdict] = by_verdict.get(verdict, 0) + 1
        d = by_doc.setdefault(prov["seed"], {})
        d[verdict] = d.get(verdict, 0) + 1
    return {"available": True, "source": source, "claims_schema_version": doc["schema_version"],
            "seed": doc["seed"], "profile": doc.get("profile"), "backends": doc.get("backends", []),
            "summary": {"claims": len(entries), "by_verdict": dict(sorted(by_verdict.items())),
                        "by_document": {k: dict(sorted(v.items())) for k, v in sorted(by_doc.items())}},
            "entries": entries}


def _versions() -> dict:
    import mpmath
    import numpy as np

    from matspec import __version__

    out = {"matspec": __version__, "python": platform.python_version(), "numpy": np.__version__,
           "mpmath": mpmath.__version__}
    for mod in ("torch", "flint", "matplotlib", "jinja2"):
        try:
            out[mod] = __import__(mod).__version__
        except (ImportError, AttributeError):
            out[mod] = None
    return out


def _device() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return f"cuda: {torch.cuda.get_device_name(0)}"
    except ImportError:
        pass
    return f"cpu: {platform.processor() or platform.machine()}"


def build_report(*, accuracy: dict, claims_doc: dict | None, claims_source: str | None, seed: int,
                 oracle, wall_seconds: float) -> dict:
    claims = claims_section(claims_doc, claims_source)
    hippo = None
    for e in claims["entries"]:
        if e["id"] == "hippo.eig_sensitivity":
            for c in claims_doc["claims"]:
                if c["id"] == e["id"]:
                    hippo = ((c.get("stated") or {}).get("measurement") or {}).get("details")
    return _finite({
        "schema": SCHEMA,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "reproducibility": {
            "seed": seed,
            "versions": _versions(),
            "machine": platform.machine(), "platform": platform.platform(), "device": _device(),
            "dtypes": sorted({b["dtype"] for b in accuracy["backends"]}),
            "backends": accuracy["backends"],
            "accuracy_examples_per_cell": accuracy["examples_per_cell"],
            "claims_examples": {"profile": claims.get("profile"), "seed": claims.get("seed")},
            "oracle": {"library": "mpmath", "digits": oracle.digits, "working_dps": oracle.dps},
            "wall_seconds": {"accuracy": accuracy["seconds"], "total": round(wall_seconds, 2)},
            "replay": f"matspec report --seed {seed} --accuracy-examples {accuracy['examples_per_cell']}",
        },
        "accuracy": accuracy,
        "claims": claims,
        "measurements": {"hippo_eig_sensitivity": hippo},
    })


def check_report(rep: dict) -> None:
    """Validate against :func:`report_json_schema` (jsonschema when installed, else the key rules by hand)."""
    schema = report_json_schema()
    try:
        import jsonschema
    except ImportError:
        _check_by_hand(rep)
        return
    try:
        jsonschema.validate(rep, schema)
    except jsonschema.ValidationError as exc:
        raise ReportInputError(f"report.json does not match {SCHEMA}: {exc.message} at {list(exc.absolute_path)}") from None


def _check_by_hand(rep: dict) -> None:
    def need(d, keys, where):
        for k in keys:
            if k not in d:
                raise ReportInputError(f"report.json does not match {SCHEMA}: {where} lacks {k!r}")
    need(rep, ["schema", "created", "reproducibility", "accuracy", "claims", "measurements"], "report")
    if rep["schema"] != SCHEMA:
        raise ReportInputError(f"report.json does not match {SCHEMA}: schema is {rep['schema']!r}")
    need(rep["reproducibility"], ["seed", "versions", "device", "dtypes", "oracle", "wall_seconds"], "reproducibility")
    for c in rep["accuracy"]["cells"]:
        need(c, ["op", "backend", "dtype", "n", "kappa_bucket", "status", "ratio", "err_u", "worst", "samples"], "cell")
        if c["status"] not in ("ok", "exceeds", "unsupported", "undecided", "error"):
            raise ReportInputError(f"report.json does not match {SCHEMA}: bad cell status {c['status']!r}")
    for e in rep["claims"]["entries"]:
        need(e, ["id", "document", "computed_verdict", "detail"], "claim entry")


def report_json_schema() -> dict:
    num = {"type": ["number", "string"]}  # strings: "inf" / "-inf" / "nan"
    stats = {"type": ["object", "null"], "required": ["median", "p99", "max"],
             "properties": {"median": num, "p99": num, "max": num}}
    cell = {"type": "object",
            "required": ["op", "backend", "dtype", "u", "n", "kappa_bucket", "status", "examples", "decided",
                         "undecided", "exceeds", "ratio", "err_u", "worst", "samples", "message"],
            "properties": {
                "op": {"type": "string"}, "backend": {"type": "string"}, "dtype": {"type": "string"},
                "u": {"type": "number"}, "n": {"type": "integer"},
                "kappa_bucket": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                "status": {"enum": ["ok", "exceeds", "unsupported", "undecided", "error"]},
                "examples": {"type": "integer"}, "decided": {"type": "integer"}, "undecided": {"type": "integer"},
                "exceeds": {"type": "integer"}, "ratio": stats, "err_u": stats,
                "worst": {"type": ["object", "null"], "required": ["ratio", "error", "bound", "err_u", "inputs"]},
                "samples": {"type": "array", "items": {"type": "object",
                                                       "required": ["log10_kappa", "error", "bound", "ratio", "err_u"]}},
                "message": {"type": "string"}}}
    entry = {"type": "object",
             "required": ["id", "topic", "document", "section", "statement", "recorded_verdict", "computed_verdict",
                          "agrees", "examples", "counterexample", "measurement", "detail", "corrected", "backends", "replay"],
             "properties": {"computed_verdict": {"enum": list(VERDICTS)}, "id": {"type": "string"},
                            "backends": {"type": "object", "additionalProperties": {"type": ["string", "null"]}}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["schema", "created", "reproducibility", "accuracy", "claims", "measurements"],
        "properties": {
            "schema": {"const": SCHEMA},
            "created": {"type": "string"},
            "reproducibility": {"type": "object",
                                "required": ["seed", "versions", "machine", "device", "dtypes", "backends",
                                             "accuracy_examples_per_cell", "oracle", "wall_seconds", "replay"],
                                "properties": {"seed": {"type": "integer"},
                                               "oracle": {"type": "object", "required": ["library", "digits", "working_dps"]}}},
            "accuracy": {"type": "object",
                         "required": ["ops", "backends", "kappa_buckets", "sizes", "examples_per_cell", "seconds", "cells"],
                         "properties": {"cells": {"type": "array", "items": cell}}},
            "claims": {"type": "object", "required": ["available", "source", "summary", "entries"],
                       "properties": {"entries": {"type": "array", "items": entry},
                                      "summary": {"type": "object", "required": ["claims", "by_verdict", "by_document"]}}},
            "measurements": {"type": "object"},
        },
    }


# ---------------------------------------------------------------------------------------------
# views
# ---------------------------------------------------------------------------------------------

def _g(x, digits=3) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def cell_text(c: dict) -> str:
    """Table text: max error/bound, then max error in units of u (both 'nan-free')."""
    if c["status"] == "unsupported":
        return "unsupported"
    if c["status"] == "error":
        return "raised"
    eu = c["err_u"]["max"] if c["err_u"] else None
    if c["ratio"] is None:
        return f"undecided (∞ bound); {_g(eu)} u" if eu is not None else "undecided"
    mark = " ✗" if c["status"] == "exceeds" else ""
    return f"{_g(c['ratio']['max'])}{mark} · {_g(eu)} u"


def accuracy_tables(rep: dict) -> list[dict]:
    """One table per op: rows backend × n, columns κ buckets."""
    acc = rep["accuracy"]
    index = {(c["op"], c["backend"], c["n"], tuple(c["kappa_bucket"])): c for c in acc["cells"]}
    out = []
    for op in acc["ops"]:
        rows = []
        for b in acc["backends"]:
            for n in acc["sizes"]:
                cells = [index.get((op["id"], b["id"], n, tuple(k))) for k in acc["kappa_buckets"]]
                rows.append({"backend": b["id"], "n": n, "cells": cells})
        out.append({"op": op["id"], "label": op["label"], "rows": rows})
    return out


def bucket_label(k) -> str:
    return f"1e{k[0]}–1e{k[1]}"


def markdown(rep: dict) -> str:
    r, acc, cl = rep["reproducibility"], rep["accuracy"], rep["claims"]
    L = ["# matspec accuracy report", "",
         f"Schema `{rep['schema']}` · seed {r['seed']} · {r['device']} · matspec {r['versions']['matspec']}, "
         f"numpy {r['versions']['numpy']}, torch {r['versions']['torch'] or 'not installed'}, mpmath "
         f"{r['versions']['mpmath']} · oracle {r['oracle']['digits']} digits (working {r['oracle']['working_dps']}) · "
         f"{acc['examples_per_cell']} example(s) per cell · accuracy sweep {r['wall_seconds']['accuracy']} s.",
         "", f"Reproduce: `{r['replay']}`", "", "## Accuracy", "",
         "Each cell: **max error / derived bound** (the backend's own radius; > 1 marked ✗ = the bound is "
         "violated) · max error in units of u·scale (scale = ‖A‖₂ for σ's and norm('2'), ‖A‖_F for norm('fro'), "
         "‖exact result‖_F for polar, solve and Newton–Schulz).  `undecided` = the backend's bound is infinite there "
         "(κ beyond what its precision can certify).", ""]
    for t in accuracy_tables(rep):
        L += [f"### {t['label']}", "", "| backend | n | " + " | ".join(f"κ {bucket_label(k)}" for k in acc["kappa_buckets"]) + " |",
              "|---|---|" + "---|" * len(acc["kappa_buckets"])]
        for row in t["rows"]:
            L.append(f"| {row['backend']} | {row['n']} | " + " | ".join(cell_text(c) if c else "—" for c in row["cells"]) + " |")
        L.append("")
    bad = [c for c in acc["cells"] if c["status"] in ("exceeds", "error")]
    L += ["### Cells where the error exceeds the bound", ""]
    if bad:
        for c in bad:
            w = c["worst"]
            L.append(f"- {c['op']} on {c['backend']}, n={c['n']}, κ {bucket_label(c['kappa_bucket'])}: "
                     f"{c['status']} {c['message']} worst witness `{json.dumps(w['inputs']) if w else '—'}`")
    else:
        L.append("None: every measured error is within the backend's derived bound.")
    L += ["", "## Claims and errata", ""]
    if not cl["available"]:
        L += [f"No claims.json found ({cl['source']}); run `matspec run` first.", ""]
    else:
        s = cl["summary"]
        L += [f"{s['claims']} claims from `{cl['source']}` (profile {cl.get('profile')}, seed {cl.get('seed')}). "
              "By verdict: " + ", ".join(f"{k} {v}" for k, v in s["by_verdict"].items()), "",
              "| document | " + " | ".join(VERDICTS) + " |", "|---|" + "---|" * len(VERDICTS)]
        for d, counts in s["by_document"].items():
            L.append(f"| {d} | " + " | ".join(str(counts.get(v, 0)) for v in VERDICTS) + " |")
        L += ["", "| id | source | verdict | counterexample / measured figure | corrected form |", "|---|---|---|---|---|"]
        for e in cl["entries"]:
            v = e["computed_verdict"] + ("" if e["agrees"] in (True, None) else f" (recorded {e['recorded_verdict']})")
            L.append(f"| `{e['id']}` | {_md(e['document'])} § {_md(e['section'])}: “{_md(e['statement'])}” | **{v}** | "
                     f"{_md(e['detail'])} | {_md(e['corrected'] or '')} |")
    L += ["", "## Plots", "", "See index.html (embedded figures).", ""]
    return "\n".join(L)


def _md(text) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def render_html(rep: dict, plots: dict[str, bytes | None]) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("matspec.reports", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    env.filters["g"] = _g
    env.filters["bucket"] = bucket_label
    env.filters["cell"] = cell_text
    env.filters["tojson_compact"] = lambda x: json.dumps(x, separators=(",", ":"))
    figs = [{"id": k, "title": t, "src": "data:image/png;base64," + base64.b64encode(plots[k]).decode("ascii")}
            for k, t in PLOT_TITLES.items() if plots.get(k)]
    return env.get_template("report.html.j2").render(rep=rep, tables=accuracy_tables(rep), figures=figs,
                                                      verdicts=VERDICTS)


PLOT_TITLES = {
    "accuracy_vs_kappa": "Error / derived bound vs κ, per backend and dtype",
    "ns_transfer": "Newton–Schulz transfer curves per schedule",
    "ns_trajectories": "Newton–Schulz singular-value trajectories",
    "hippo_eig": "HiPPO eigenvalue error vs n (from claims.json)",
}


def make_plots(rep: dict) -> dict[str, bytes | None]:
    from matspec.reports import plots

    hippo = (rep["measurements"] or {}).get("hippo_eig_sensitivity") or {}
    return {"accuracy_vs_kappa": plots.accuracy_vs_kappa(rep["accuracy"]),
            "ns_transfer": plots.ns_transfer_curves(),
            "ns_trajectories": plots.ns_trajectories(),
            "hippo_eig": plots.hippo_eig_error(hippo.get("rows", [])) if isinstance(hippo, dict) else None}


def write_report(rep: dict, out_dir: Path) -> dict[str, Path]:
    check_report(rep)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "index.html"}
    paths["json"].write_text(json.dumps(rep, indent=1, allow_nan=False) + "\n")
    paths["md"].write_text(markdown(rep))
    paths["html"].write_text(render_html(rep, make_plots(rep)))
    return paths


def generate(*, out_dir: Path, claims_path: Path | None, seed: int, examples: int, backends=None,
             oracle=None, progress=None, **sweep_kw) -> tuple[dict, dict[str, Path]]:
    """The whole `matspec report`: sweep, join with claims.json, write the three files."""
    from matspec.implementations import default_backends
    from matspec.oracles import OracleOps
    from matspec.reports.accuracy import accuracy_sweep

    t0 = time.perf_counter()
    claims_doc = None
    if claims_path is not None and Path(claims_path).exists():
        try:
            claims_doc = json.loads(Path(claims_path).read_text())
        except json.JSONDecodeError as exc:
            raise ReportInputError(f"{claims_path} is not valid JSON: {exc}") from None
    oracle = oracle or OracleOps()
    backends = default_backends() if backends is None else backends
    acc = accuracy_sweep(backends, oracle, seed=seed, examples=examples, progress=progress, **sweep_kw)
    rep = build_report(accuracy=acc, claims_doc=claims_doc, claims_source=str(claims_path) if claims_path else None,
                       seed=seed, oracle=oracle, wall_seconds=time.perf_counter() - t0)
    return rep, write_report(rep, out_dir)
