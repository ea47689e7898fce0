"""``matspec report``: one folder with ``report.json`` (schema "report/1.3", docs/report-schema.md),
``report.md`` and a static ``index.html`` (plots embedded as base64 PNG: opens with no network).

The report joins two things: the claims / errata of a ``matspec run`` (its claims.json, read as
written — schema in docs/claims-schema.md) and the accuracy sweep (matspec.reports.accuracy), plus,
with ``--sizes``, the accuracy-at-size section (matspec.reports.atsize).
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

SCHEMA = "report/1.3"  # 1.1: figures, ns_runs / mclip_versions, per-sample log10_scale; 1.2: summary, errata, kernels;
# 1.3: accuracy_at_size (null without --sizes)
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
                        "by_document": {k: dict(sorted(v.items())) for k, v in sorted(by_doc.items())},
                        "disagreements_with_record": list((doc.get("summary") or {}).get("disagreements_with_record", [])),
                        "backend_mismatches": dict((doc.get("summary") or {}).get("backend_mismatches", {}))},
            "entries": entries}


def errata_section(doc: dict | None) -> dict:
    """The errata of the run (matspec.reports.errata), in reading order, with counts per document."""
    from matspec.reports import errata

    if doc is None:
        return {"available": False, "by_document": {}, "entries": []}
    entries = errata.errata_entries(doc)
    return {"available": True, "by_document": errata.per_document(entries), "entries": entries}


def find_kernel_validations(out_dir: Path | None) -> list[dict]:
    """`matspec validate` results found beside the report (OUT/validate.json, OUT/*/validate.json)."""
    if out_dir is None:
        return []
    out = []
    for p in sorted([Path(out_dir) / "validate.json", *Path(out_dir).glob("*/validate.json")]):
        try:
            d = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(d, dict) and d.get("verdict"):
            out.append({"source": str(p), "op": d.get("op"), "kernel": d.get("kernel"), "verdict": d.get("verdict"),
                        "contract": d.get("contract"), "dtype": d.get("dtype"), "framework": d.get("framework")})
    return out


def summary_section(claims: dict, errata: dict, accuracy: dict, kernels: list[dict]) -> dict:
    """What the report leads with: claims checked, errata per document, backend violations, accuracy cells over
    their bound, kernels validated."""
    violations = []
    for e in claims.get("entries", []):
        for b, o in (e.get("backends") or {}).items():
            if o == "violates":
                violations.append({"claim": e["id"], "backend": b})
    cells = accuracy.get("cells", [])
    return {
        "claims_checked": claims["summary"]["claims"],
        "by_verdict": claims["summary"]["by_verdict"],
        "disagreements_with_record": claims["summary"].get("disagreements_with_record", []),
        "errata": len(errata["entries"]), "errata_by_document": errata["by_document"],
        "backend_violations": violations,
        "backend_mismatches": claims["summary"].get("backend_mismatches", {}),
        "accuracy_cells": len(cells),
        "accuracy_over_bound": sum(1 for c in cells if c["status"] in ("exceeds", "error")),
        "kernels_validated": kernels,
    }


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


def figure_measurements(seed: int, claims_doc: dict | None) -> dict:
    """The numbers the Newton–Schulz, mclip and HiPPO figures draw (matspec.reports.figdata)."""
    from matspec.reports import figdata

    hippo = {**figdata.hippo_eig_sensitivity(), "source": "measured by matspec report (reports/figdata.py)"}
    return {"hippo_eig_sensitivity": hippo, "ns_runs": figdata.ns_runs(seed), "mclip_versions": figdata.mclip_versions(seed)}


# id -> (title, caption, the report.json key whose numbers it draws)
FIGURES = {
    "accuracy_vs_kappa": ("Error / derived bound vs κ, per backend and dtype",
                          "Every accuracy sample: one panel per op, one colour per backend (its id names the dtype).",
                          "accuracy"),
    "ns_transfer": ("Newton–Schulz transfer curves per schedule",
                    "Exact scalar F = p_T ∘ … ∘ p_1 on σ ∈ [1e-3, 1] (float64, no data needed).", None),
    "ns_trajectories": ("Newton–Schulz scalar trajectories per schedule",
                        "Exact path of a singular value step by step (float64 scalar recursion).", None),
    "ns_bands": ("Newton–Schulz bands per schedule and dtype (real matrices)",
                 "Final σ against input σ after all steps of `iterate` (X₀ = A, σ geometric on [1e-3, 1]), read on the "
                 "input's singular vectors; one marker per dtype; black: the exact transfer F.", "measurements.ns_runs"),
    "ns_measured_trajectories": ("Newton–Schulz singular-value trajectories per schedule and dtype (real matrices)",
                                 "σ_i after each step on the input's singular vectors; colour: the start σ₀, line "
                                 "style and marker: the dtype; thick grey: the exact scalar path.",
                                 "measurements.ns_runs"),
    "mclip_versions": ("mclip error per version and dtype (bfloat16 hatched)",
                       "Median relative error of each printed mclip formula against U clip(Σ)Vᵀ (float64 SVD of the "
                       "input as received).", "measurements.mclip_versions"),
    "hippo_eig": ("HiPPO eigenvalue error vs n (float64 eig on QAQᵀ)",
                  "Measured max |λ̂ − λ| and the Bauer–Fike estimate κ₂(V)·u·‖A‖₂.",
                  "measurements.hippo_eig_sensitivity"),
}


# the accuracy-at-size section's figure: indexed only when the section was asked for (--sizes), so a report
# without it lists exactly the figures above; drawn inside its own section, not among the plots
SIZE_FIGURE = ("accuracy_at_size", "Error / u against n, per op and backend (log-log)",
               "Measured figures only, one colour per backend with its fitted slope; dashed: c·n (worst-case γ_n "
               "growth), dotted: c·√n.", "accuracy_at_size")


def _figure_index(accuracy: dict, measurements: dict, at_size: dict | None = None) -> list[dict]:
    def have(key):
        if key is None:
            return True
        if key == "accuracy":
            return bool(accuracy["ops"] and accuracy["backends"])
        return bool(measurements.get(key.split(".", 1)[1]))
    out = [{"id": k, "title": t, "caption": c, "data": d, "available": have(d)} for k, (t, c, d) in FIGURES.items()]
    if at_size is not None:
        k, t, c, d = SIZE_FIGURE
        out.append({"id": k, "title": t, "caption": c, "data": d,
                    "available": any(s["points"] for s in at_size.get("series", []))})
    return out


def build_report(*, accuracy: dict, claims_doc: dict | None, claims_source: str | None, seed: int,
                 oracle, wall_seconds: float, measurements: dict | None = None,
                 kernels: list[dict] | None = None, at_size: dict | None = None) -> dict:
    """``measurements``: from :func:`figure_measurements` (without it the figures have no data).
    ``kernels``: `matspec validate` results to list in the summary (:func:`find_kernel_validations`).
    ``at_size``: the accuracy-at-size section (:func:`matspec.reports.atsize.size_sweep`), None without --sizes."""
    claims = claims_section(claims_doc, claims_source)
    errata = errata_section(claims_doc)
    meas = {"hippo_eig_sensitivity": None, "ns_runs": None, "mclip_versions": None}
    meas.update(measurements or {})
    replay = f"matspec report --seed {seed} --accuracy-examples {accuracy['examples_per_cell']}"
    if at_size is not None:
        replay += (f" --sizes {','.join(str(n) for n in at_size['sizes'])}"
                   f" --size-examples {at_size['examples_per_size']}")
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
            "replay": replay,
        },
        "summary": summary_section(claims, errata, accuracy, kernels or []),
        "errata": errata,
        "accuracy": accuracy,
        "accuracy_at_size": at_size,
        "claims": claims,
        "measurements": meas,
        "figures": _figure_index(accuracy, meas, at_size),
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
    need(rep, ["schema", "created", "reproducibility", "summary", "errata", "accuracy", "claims", "measurements",
               "figures"], "report")
    need(rep["summary"], ["claims_checked", "errata_by_document", "backend_violations", "kernels_validated"], "summary")
    need(rep["errata"], ["available", "by_document", "entries"], "errata")
    if rep["schema"] != SCHEMA:
        raise ReportInputError(f"report.json does not match {SCHEMA}: schema is {rep['schema']!r}")
    need(rep["reproducibility"], ["seed", "versions", "device", "dtypes", "oracle", "wall_seconds"], "reproducibility")
    for c in rep["accuracy"]["cells"]:
        need(c, ["op", "backend", "dtype", "n", "kappa_bucket", "status", "ratio", "err_u", "worst", "samples"], "cell")
        for smp in c["samples"]:
            need(smp, ["log10_kappa", "log10_scale", "in_domain", "error", "bound", "ratio", "err_u"], "sample")
        if c["status"] not in ("ok", "exceeds", "unsupported", "undecided", "error"):
            raise ReportInputError(f"report.json does not match {SCHEMA}: bad cell status {c['status']!r}")
    for e in rep["claims"]["entries"]:
        need(e, ["id", "document", "computed_verdict", "detail"], "claim entry")
    need(rep, ["accuracy_at_size"], "report")
    sz = rep["accuracy_at_size"]
    if sz is not None:
        need(sz, _SIZE_KEYS, "accuracy_at_size")
        for c in sz["cells"]:
            need(c, _SIZE_CELL_KEYS, "accuracy_at_size cell")
            for smp in c["samples"]:
                need(smp, _SIZE_SAMPLE_KEYS, "accuracy_at_size sample")
            if c["status"] not in _SIZE_STATUSES or c["tier"] not in ("certified", "float64"):
                raise ReportInputError(f"report.json does not match {SCHEMA}: bad accuracy_at_size cell "
                                       f"status {c['status']!r} / tier {c['tier']!r}")
        for s in sz["series"]:
            need(s, _SIZE_SERIES_KEYS, "accuracy_at_size series")
    need(rep["measurements"], ["hippo_eig_sensitivity", "ns_runs", "mclip_versions"], "measurements")
    for f in rep["figures"]:
        need(f, ["id", "title", "caption", "data", "available"], "figure")


# accuracy_at_size (schema 1.3): the keys a reader may rely on (docs/report-schema.md, "AtSize")
_SIZE_KEYS = ["sizes", "ops", "backends", "examples_per_size", "input", "newton_schulz_schedule", "rule", "seconds",
              "seconds_by_size", "cells", "series"]
_SIZE_CELL_KEYS = ["op", "backend", "dtype", "u", "n", "tier", "tier_name", "status", "examples", "measured", "bounded",
                   "not_judged", "exceeds", "err_u", "err_u_upper", "ratio", "reference_u", "message", "samples"]
_SIZE_SAMPLE_KEYS = ["input", "state", "why", "error", "bound", "reference_bound", "err_u", "err_u_upper", "reference_u",
                     "ratio", "exceeds"]
_SIZE_SERIES_KEYS = ["op", "backend", "dtype", "points", "fitted_sizes", "slope", "flag"]
_SIZE_STATUSES = ("ok", "exceeds", "undecided", "not_judged", "unsupported", "error")


def report_json_schema() -> dict:
    num = {"type": ["number", "string"]}  # strings: "inf" / "-inf" / "nan"
    stats = {"type": ["object", "null"], "required": ["median", "p99", "max"],
             "properties": {"median": num, "p99": num, "max": num}}
    cell = {"type": "object",
            "required": ["op", "backend", "dtype", "u", "n", "kappa_bucket", "status", "examples", "decided",
                         "undecided", "exceeds", "ratio", "err_u", "worst", "samples", "message", "out_of_domain",
                         "err_u_out_of_domain"],
            "properties": {
                "op": {"type": "string"}, "backend": {"type": "string"}, "dtype": {"type": "string"},
                "u": {"type": "number"}, "n": {"type": "integer"},
                "kappa_bucket": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                "status": {"enum": ["ok", "exceeds", "unsupported", "undecided", "error"]},
                "examples": {"type": "integer"}, "decided": {"type": "integer"}, "undecided": {"type": "integer"},
                "exceeds": {"type": "integer"}, "ratio": stats, "err_u": stats,
                "out_of_domain": {"type": "integer"}, "err_u_out_of_domain": stats,
                "worst": {"type": ["object", "null"], "required": ["ratio", "error", "bound", "err_u", "inputs"]},
                "samples": {"type": "array", "items": {"type": "object",
                                                       "required": ["log10_kappa", "log10_scale", "in_domain", "error",
                                                                    "bound", "ratio", "err_u"]}},
                "message": {"type": "string"}}}
    entry = {"type": "object",
             "required": ["id", "topic", "document", "section", "statement", "recorded_verdict", "computed_verdict",
                          "agrees", "examples", "counterexample", "measurement", "detail", "corrected", "backends", "replay"],
             "properties": {"computed_verdict": {"enum": list(VERDICTS)}, "id": {"type": "string"},
                            "backends": {"type": "object", "additionalProperties": {"type": ["string", "null"]}}}}
    size_cell = {"type": "object", "required": _SIZE_CELL_KEYS,
                 "properties": {"status": {"enum": list(_SIZE_STATUSES)}, "tier": {"enum": ["certified", "float64"]},
                                "n": {"type": "integer"}, "err_u": {"type": ["object", "null"], "required": ["median", "max"]},
                                "ratio": {"type": ["object", "null"], "required": ["median", "max"]},
                                "samples": {"type": "array", "items": {
                                    "type": "object", "required": _SIZE_SAMPLE_KEYS,
                                    "properties": {"state": {"enum": ["measured", "bounded", "not_judged"]}}}}}}
    at_size = {"type": ["object", "null"], "required": _SIZE_KEYS,
               "properties": {"cells": {"type": "array", "items": size_cell},
                              "sizes": {"type": "array", "items": {"type": "integer"}},
                              "series": {"type": "array", "items": {"type": "object", "required": _SIZE_SERIES_KEYS}}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["schema", "created", "reproducibility", "summary", "errata", "accuracy", "accuracy_at_size",
                     "claims", "measurements", "figures"],
        "properties": {
            "schema": {"const": SCHEMA},
            "summary": {"type": "object",
                        "required": ["claims_checked", "by_verdict", "disagreements_with_record", "errata",
                                     "errata_by_document", "backend_violations", "backend_mismatches",
                                     "accuracy_cells", "accuracy_over_bound", "kernels_validated"]},
            "errata": {"type": "object", "required": ["available", "by_document", "entries"],
                       "properties": {"entries": {"type": "array", "items": {
                           "type": "object",
                           "required": ["id", "document", "section", "line", "quote", "verdict", "wrong", "corrected",
                                        "counterexample", "entries", "measured", "replay"]}}}},
            "created": {"type": "string"},
            "reproducibility": {"type": "object",
                                "required": ["seed", "versions", "machine", "device", "dtypes", "backends",
                                             "accuracy_examples_per_cell", "oracle", "wall_seconds", "replay"],
                                "properties": {"seed": {"type": "integer"},
                                               "oracle": {"type": "object", "required": ["library", "digits", "working_dps"]}}},
            "accuracy": {"type": "object",
                         "required": ["ops", "backends", "kappa_buckets", "sizes", "examples_per_cell", "log10_scales",
                                      "seconds", "cells"],
                         "properties": {"cells": {"type": "array", "items": cell}}},
            "accuracy_at_size": at_size,
            "claims": {"type": "object", "required": ["available", "source", "summary", "entries"],
                       "properties": {"entries": {"type": "array", "items": entry},
                                      "summary": {"type": "object", "required": ["claims", "by_verdict", "by_document"]}}},
            "measurements": {"type": "object",
                             "required": ["hippo_eig_sensitivity", "ns_runs", "mclip_versions"],
                             "properties": {
                                 "ns_runs": {"type": ["object", "null"], "required": ["n", "seeds", "dtypes", "schedules"]},
                                 "mclip_versions": {"type": ["object", "null"],
                                                    "required": ["n", "seeds", "msign", "versions", "rel_err"]}}},
            "figures": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "caption", "data", "available"],
                "properties": {"id": {"enum": list(FIGURES) + [SIZE_FIGURE[0]]}, "available": {"type": "boolean"},
                               "data": {"type": ["string", "null"]}}}},
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
    out = c.get("err_u_out_of_domain")
    # samples at scales outside the backend's declared domain: measured, never judged
    tail = f" · outside domain {_g(out['max'])} u" if out else ""
    if c["ratio"] is None:
        head = f"undecided (∞ bound); {_g(eu)} u" if eu is not None else "undecided"
        return head + tail
    mark = " ✗" if c["status"] == "exceeds" else ""
    return f"{_g(c['ratio']['max'])}{mark} · {_g(eu)} u{tail}"


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


def size_cell_text(c: dict | None) -> str:
    """An accuracy-at-size cell: max measured error in units of u·scale and the tier that measured it;
    '≤ … u' where the reference only bounds it; 'not judged' (no number) where it cannot judge."""
    if c is None:
        return "—"
    if c["status"] == "unsupported":
        return "unsupported"
    if c["status"] == "error":
        return "raised"
    tier = "certified" if c["tier"] == "certified" else "float64 ref."
    if c["status"] == "not_judged":
        return f"not judged ({tier}: reference not accurate enough)" if "refused" not in c["message"] else \
            "not judged (the certified oracle refused)"
    if c["err_u"]:
        text = f"{_g(c['err_u']['max'])} u" + (" ✗" if c["status"] == "exceeds" else "")
    elif c["err_u_upper"] is not None:
        text = f"≤ {_g(c['err_u_upper'])} u"
    else:
        text = "—"
    if c["status"] == "undecided":
        text += " (∞ bound)"
    extra = [f"{c['not_judged']} not judged"] if c["not_judged"] else []
    if c["err_u"] and c["bounded"]:
        extra.append(f"{c['bounded']} only bounded")
    return f"{text} · {tier}" + (f" ({', '.join(extra)})" if extra else "")


def size_summary(rep: dict) -> dict | None:
    """The accuracy-at-size section's findings for the report's summary (a view: counted from its cells)."""
    sz = rep.get("accuracy_at_size")
    if not sz:
        return None
    return {"cells": len(sz["cells"]), "over_bound": sum(c["status"] in ("exceeds", "error") for c in sz["cells"]),
            "not_judged": sum(c["status"] == "not_judged" for c in sz["cells"]),
            "flagged": sum(1 for s in sz["series"] if s["flag"])}


def size_summary_lines(rep: dict) -> list[str]:
    ss = size_summary(rep)
    if ss is None:
        return []
    return [f"- **Accuracy at size:** {ss['over_bound']} of {ss['cells']} cells over their derived bound or raised, "
            f"{ss['flagged']} series growing faster than n, {ss['not_judged']} cells not judged"]


def size_tables(rep: dict) -> list[dict]:
    """The accuracy-at-size section as tables: one per op, rows backends, columns n, then the fitted slope."""
    sz = rep.get("accuracy_at_size")
    if not sz:
        return []
    index = {(c["op"], c["backend"], c["n"]): c for c in sz["cells"]}
    slopes = {(s["op"], s["backend"]): s for s in sz["series"]}
    out = []
    for op in sz["ops"]:
        rows = []
        for b in sz["backends"]:
            s = slopes.get((op["id"], b["id"])) or {}
            rows.append({"backend": b["id"], "cells": [index.get((op["id"], b["id"], n)) for n in sz["sizes"]],
                         "slope": s.get("slope"), "flag": s.get("flag"), "fitted_sizes": s.get("fitted_sizes", [])})
        out.append({"op": op["id"], "label": op["label"], "rows": rows})
    return out


def slope_text(row: dict) -> str:
    if row["slope"] is None:
        return "—"
    return f"{row['slope']:.2f}" + (" ⚠ faster than n" if row["flag"] else "")


def size_markdown(rep: dict) -> list[str]:
    sz = rep.get("accuracy_at_size")
    if not sz:
        return []
    ru, inp = sz["rule"], sz["input"]
    L = ["", "## Accuracy at size", "",
         f"Square inputs `SizedSpec(n, n, mode, log10_kappa={inp['log10_kappa']:g}, log10_scale={inp['log10_scale']})`, "
         f"{sz['examples_per_size']} example(s) per size (modes {', '.join(inp['modes'])}), the same input for every "
         "backend and op.  Each cell: the max error in units of u·scale against a reference on the entries the "
         "backend received, and the tier that measured it: **certified** (mpmath / python-flint oracle; Newton–Schulz "
         f"in Arb ball arithmetic) up to n = {ru['certified_max']} (float64 backends: n = {ru['certified_max_float64']}), "
         "else a **float64 reference** bounded a posteriori, used only where its bound is ≤ "
         f"{ru['reference_share']:g} of what it judges: `≤ … u` = the reference bounds the error below the backend's "
         "derived bound but cannot give the figure; `not judged` = it can do neither (no number is shown).  ✗ = "
         "the error exceeds the backend's derived bound; `(∞ bound)` = the backend's bound is infinite there.  "
         "**slope**: least-squares slope of log(error/u) against log n over the measured figures ≥ 1 u, "
         "where those sizes span a factor 4 "
         f"(worst-case γ_n growth: 1, random rounding: ½); above {ru['slope_flag']:g} it is flagged ⚠.  "
         f"Cost: {sz['seconds']} s (" + ", ".join(f"n = {k}: {v} s" for k, v in sz["seconds_by_size"].items()) + ").",
         ""]
    for t in size_tables(rep):
        L += [f"### {t['label']}", "", "| backend | " + " | ".join(f"n = {n}" for n in sz["sizes"]) + " | slope |",
              "|---|" + "---|" * (len(sz["sizes"]) + 1)]
        for row in t["rows"]:
            L.append(f"| {row['backend']} | " + " | ".join(size_cell_text(c) for c in row["cells"]) +
                     f" | {slope_text(row)} |")
        L.append("")
    flagged = [s for s in sz["series"] if s["flag"]]
    bad = [c for c in sz["cells"] if c["status"] in ("exceeds", "error")]
    L += ["### Flags", ""]
    for s in flagged:
        L.append(f"- {s['op']} on {s['backend']}: {s['flag']}")
    for c in bad:
        w = next((x for x in c["samples"] if x["exceeds"]), c["samples"][0] if c["samples"] else None)
        L.append(f"- {c['op']} on {c['backend']}, n = {c['n']}: {c['status']} {c['message']}"
                 + (f" input `{json.dumps(w['input'])}`" if w else ""))
    if not flagged and not bad:
        L.append("None: no series grows faster than n, and every judged error is within its backend's derived bound.")
    return L


def bucket_label(k) -> str:
    return f"1e{k[0]}–1e{k[1]}"


def markdown(rep: dict) -> str:
    r, acc, cl = rep["reproducibility"], rep["accuracy"], rep["claims"]
    L = ["# matspec report", "",
         f"Schema `{rep['schema']}` · seed {r['seed']} · {r['device']} · matspec {r['versions']['matspec']}, "
         f"numpy {r['versions']['numpy']}, torch {r['versions']['torch'] or 'not installed'}, mpmath "
         f"{r['versions']['mpmath']} · oracle {r['oracle']['digits']} digits (working {r['oracle']['working_dps']}) · "
         f"{acc['examples_per_cell']} example(s) per cell · accuracy sweep {r['wall_seconds']['accuracy']} s.",
         "", f"Reproduce: `{r['replay']}`", ""]
    L += summary_markdown(rep)
    L += ["## Accuracy", "",
         "Each cell: **max error / derived bound** (the backend's own radius; > 1 marked ✗ = the bound is "
         "violated) · max error in units of u·scale (scale = ‖A‖₂ for σ's and norm('2'), ‖A‖_F for norm('fro'), "
         "‖exact result‖_F for polar, solve and Newton–Schulz).  `undecided` = the backend's bound is infinite there "
         "(κ beyond what its precision can certify).  Inputs have ‖A‖₂ = 10^s, s cycled over "
         f"{', '.join(str(x) for x in acc.get('log10_scales', [0]))}; `outside domain … u` = the error measured at a "
         "scale outside the backend's declared domain (float32/bfloat16: |s| > 15), shown but never judged.", ""]
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
    L += size_markdown(rep)
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
    L += ["", "## Plots", "", "Embedded in index.html; the numbers each one draws are in report.json.", ""]
    for f in rep["figures"]:
        where = f" (`{f['data']}`)" if f["data"] else ""
        L.append(f"- **{f['title']}**{where}: {f['caption']}" + ("" if f["available"] else " — *not drawn: no data*"))
    bands = band_rows(rep)
    if bands:
        L += ["", "### Newton–Schulz bands on real matrices", "",
              "Final σ range over the inputs (σ geometric on [1e-3, 1], X₀ = A) vs the exact F over the same σ, and "
              "the largest deviation from F.", "",
              "| schedule | dtype | measured band | exact F band | max \\|σ_T − F(σ₀)\\| |", "|---|---|---|---|---|"]
        for b in bands:
            L.append(f"| {b['schedule']} | {b['dtype']} | [{_g(b['final_min'], 4)}, {_g(b['final_max'], 4)}] | "
                     f"[{_g(b['exact_min'], 4)}, {_g(b['exact_max'], 4)}] | {_g(b['max_abs_dev_from_exact'], 2)} |")
    mc = mclip_rows(rep)
    if mc:
        L += ["", "### mclip error per version (median relative error)", "",
              "| version | " + " | ".join(mc["dtypes"]) + " |", "|---|" + "---|" * len(mc["dtypes"])]
        for row in mc["rows"]:
            L.append(f"| {row['label']} | " + " | ".join(_g(x, 2) for x in row["values"]) + " |")
    L.append("")
    return "\n".join(L)


def summary_markdown(rep: dict) -> list[str]:
    """The report's lead: the summary, then the errata (the same entries as errata.md)."""
    sm, er = rep["summary"], rep["errata"]
    L = ["## Summary", "",
         f"- **Claims checked:** {sm['claims_checked']} ("
         + (", ".join(f"{k} {v}" for k, v in sm["by_verdict"].items()) or "no claims.json") + ")"
         + (f"; computed ≠ recorded for {', '.join(sm['disagreements_with_record'])}" if sm["disagreements_with_record"]
            else ""),
         f"- **Errata:** {sm['errata']} statements that do not hold as written — "
         + (", ".join(f"{d}: {n}" for d, n in sm["errata_by_document"].items()) or "none"),
         f"- **Backend violations:** {len(sm['backend_violations'])} claim × backend"
         + ("" if not sm["backend_violations"] else " (" + ", ".join(f"{v['claim']} on {v['backend']}"
                                                                   for v in sm["backend_violations"]) + ")")
         + (f"; {len(sm['backend_mismatches'])} differ from the recorded outcome" if sm["backend_mismatches"] else ""),
         f"- **Accuracy cells over their derived bound:** {sm['accuracy_over_bound']} of {sm['accuracy_cells']}",
         *size_summary_lines(rep),
         "- **Kernels validated:** " + ("; ".join(f"{k['op']} `{k['kernel']}` {k['verdict']}" for k in sm["kernels_validated"])
                                        or "none in this folder (`matspec validate --out` here to list them)"), "",
         "## Errata", ""]
    if not er["available"]:
        L += ["No claims.json: run `matspec run` first.", ""]
    for e in er["entries"]:
        at = f", line {e['line']}" if e["line"] is not None else ""
        L.append(f"- {_md(e['document'])} § {_md(e['section'])}{at}: “{_md(e['quote'])}” — **{e['verdict']}** "
                 f"(`{e['id']}`). {_md(e['wrong'])}" + (f" Corrected: {_md(e['corrected'])}" if e["corrected"] else ""))
    L.append("")
    return L


def band_rows(rep: dict) -> list[dict]:
    runs = (rep.get("measurements") or {}).get("ns_runs") or {}
    return [{"schedule": name, "dtype": dt, **r["band"]}
            for name, per in (runs.get("schedules") or {}).items() for dt, r in per.items()]


def mclip_rows(rep: dict) -> dict | None:
    data = (rep.get("measurements") or {}).get("mclip_versions")
    if not data:
        return None
    dts = list(data["rel_err"])
    return {"dtypes": dts, "rows": [{"id": v, "label": lbl, "values": [data["rel_err"][d][v] for d in dts]}
                                    for v, lbl in data["versions"]]}


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
    env.filters["size_cell"] = size_cell_text
    figs = [{"id": f["id"], "title": f["title"], "caption": f["caption"], "data": f["data"],
             "src": "data:image/png;base64," + base64.b64encode(plots[f["id"]]).decode("ascii")}
            for f in rep["figures"] if plots.get(f["id"])]
    missing = [f for f in rep["figures"] if not plots.get(f["id"])]
    # the accuracy-at-size figure is shown in its own section, not among the plots
    size_fig = next((f for f in figs if f["id"] == SIZE_FIGURE[0]), None)
    figs = [f for f in figs if f["id"] != SIZE_FIGURE[0]]
    missing = [f for f in missing if f["id"] != SIZE_FIGURE[0]]
    return env.get_template("report.html.j2").render(rep=rep, tables=accuracy_tables(rep), figures=figs,
                                                      missing_figures=missing, verdicts=VERDICTS,
                                                      bands=band_rows(rep), mclip=mclip_rows(rep),
                                                      size_tables=size_tables(rep), size_figure=size_fig,
                                                      size_summary=size_summary(rep))


def make_plots(rep: dict) -> dict[str, bytes | None]:
    from matspec.reports import plots

    meas = rep["measurements"] or {}
    hippo = meas.get("hippo_eig_sensitivity") or {}
    return {"accuracy_vs_kappa": plots.accuracy_vs_kappa(rep["accuracy"]),
            "ns_transfer": plots.ns_transfer_curves(),
            "ns_trajectories": plots.ns_trajectories(),
            "ns_bands": plots.ns_bands(meas.get("ns_runs")),
            "ns_measured_trajectories": plots.ns_measured_trajectories(meas.get("ns_runs")),
            "mclip_versions": plots.mclip_version_errors(meas.get("mclip_versions")),
            "hippo_eig": plots.hippo_eig_error(hippo.get("rows", [])) if isinstance(hippo, dict) else None,
            **({SIZE_FIGURE[0]: plots.accuracy_at_size(rep["accuracy_at_size"])} if rep.get("accuracy_at_size") else {})}


def write_report(rep: dict, out_dir: Path) -> dict[str, Path]:
    check_report(rep)
    t0 = time.perf_counter()
    plots = make_plots(rep)
    rep["reproducibility"]["wall_seconds"]["plots"] = round(time.perf_counter() - t0, 2)
    from matspec.fileio import atomic_write_text

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "index.html"}
    # each file atomically: a kill leaves the old file or the new one, never a truncated one
    atomic_write_text(paths["json"], json.dumps(rep, indent=1, allow_nan=False) + "\n")
    atomic_write_text(paths["md"], markdown(rep))
    atomic_write_text(paths["html"], render_html(rep, plots))
    return paths


def load_claims(claims_path: Path | None) -> dict | None:
    """The claims.json a report joins (None when there is none), checked before any work:
    ReportInputError (one line) for an unreadable, empty, non-JSON or wrongly shaped file."""
    from matspec.reports.render import ClaimsFileError, read_claims

    if claims_path is None or not Path(claims_path).exists():
        return None
    try:
        doc = read_claims(claims_path)
    except ClaimsFileError as exc:
        raise ReportInputError(str(exc)) from None
    claims_section(doc, str(claims_path))  # what the report reads of it
    return doc


def generate(*, out_dir: Path, claims_path: Path | None, seed: int, examples: int, backends=None,
             oracle=None, progress=None, claims_doc: dict | None = None, at_sizes=None, size_examples: int | None = None,
             **sweep_kw) -> tuple[dict, dict[str, Path]]:
    """The whole `matspec report`: sweep, join with claims.json, write the three files.  ``claims_doc``:
    claims_path's document already read by :func:`load_claims` (else it is read here, before the sweep).
    ``at_sizes``: the sizes of the accuracy-at-size section (`--sizes`; matspec.reports.atsize), None for none;
    ``size_examples`` its inputs per size.  ``sweep_kw`` go to the accuracy sweep."""
    from matspec.implementations import default_backends
    from matspec.oracles import OracleOps
    from matspec.reports.accuracy import accuracy_sweep

    t0 = time.perf_counter()
    if claims_doc is None:
        claims_doc = load_claims(claims_path)
    oracle = oracle or OracleOps()
    backends = default_backends() if backends is None else backends
    kernels = find_kernel_validations(out_dir)
    acc = accuracy_sweep(backends, oracle, seed=seed, examples=examples, progress=progress, **sweep_kw)
    at_size = None
    if at_sizes is not None:
        from matspec.reports.atsize import DEFAULT_SIZE_EXAMPLES, size_sweep

        at_size = size_sweep(backends, sizes=tuple(at_sizes), seed=seed, oracle=oracle, progress=progress,
                             examples=size_examples or DEFAULT_SIZE_EXAMPLES)
    t1 = time.perf_counter()
    meas = figure_measurements(seed, claims_doc)
    acc_fig_seconds = round(time.perf_counter() - t1, 2)
    rep = build_report(accuracy=acc, claims_doc=claims_doc, claims_source=str(claims_path) if claims_path else None,
                       seed=seed, oracle=oracle, wall_seconds=time.perf_counter() - t0, measurements=meas,
                       kernels=kernels, at_size=at_size)
    rep["reproducibility"]["wall_seconds"]["figure_measurements"] = acc_fig_seconds
    if at_size is not None:
        rep["reproducibility"]["wall_seconds"]["accuracy_at_size"] = at_size["seconds"]
    return rep, write_report(rep, out_dir)
