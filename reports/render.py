"""Write a run's results: ``claims.json`` (schema in docs/claims-schema.md, versioned) and
``claims.md`` (the verdict table: the documents' errata with counterexamples)."""
from __future__ import annotations

import datetime as _dt
import json
import platform
from pathlib import Path

import mpmath
import numpy as np

from matspec.reports.runner import ClaimResult

SCHEMA_VERSION = "1.1"


def unavailable_backends(present: list[str]) -> dict[str, str]:
    """Every backend matspec knows that is absent from this run, with the reason — so a
    report never hides a combination by leaving its column out (e.g. CUDA on a CPU machine)."""
    from matspec.implementations import TORCH_IDS

    out = {}
    try:
        import torch
        cuda = bool(torch.cuda.is_available())
        have_torch = True
    except ImportError:
        have_torch = cuda = False
    for bid in ("numpy-float64", "numpy-float32") + TORCH_IDS:
        if bid in present:
            continue
        if not present:
            out[bid] = "not run (--no-backends: mathematics only)"
        elif bid.startswith("torch") and not have_torch:
            out[bid] = "torch is not installed (pip install 'matspec[torch]')"
        elif bid.startswith("torch-cuda") and not cuda:
            out[bid] = "no CUDA device visible to torch on this machine"
        else:
            out[bid] = "not part of this run"
    return out


def backend_coverage(results: list[ClaimResult]) -> dict[str, dict]:
    """Per backend: outcome counts over the claims, and each unsupported claim with the reason
    the backend gave (e.g. torch has no bfloat16 SVD)."""
    cov: dict[str, dict] = {}
    for r in results:
        for bid, (outcome, fr) in r.backends.items():
            c = cov.setdefault(bid, {"outcomes": {}, "unsupported": {}})
            c["outcomes"][outcome.value] = c["outcomes"].get(outcome.value, 0) + 1
            if outcome.value == "unsupported":
                c["unsupported"][r.claim.id] = (fr.message if fr and fr.message else "unsupported")
    return cov


def run_document(results: list[ClaimResult], *, seed: int, profile: str, backends: list[str], seconds: float) -> dict:
    from matspec import __version__

    counts: dict[str, int] = {}
    for r in results:
        counts[r.computed.value] = counts.get(r.computed.value, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "matspec_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "profile": profile,
        "oracle": {"library": "mpmath", "version": mpmath.__version__},
        "backends": backends,
        "environment": {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine()},
        "seconds": round(seconds, 2),
        "summary": {
            "claims": len(results),
            "verdicts": counts,
            "disagreements_with_record": [r.claim.id for r in results if not r.agrees and not r.skipped],
            "skipped": {r.claim.id: r.skipped for r in results if r.skipped},
            "backend_mismatches": {r.claim.id: r.backend_mismatches() for r in results if r.backend_mismatches()},
            "backend_coverage": backend_coverage(results),
            "backends_unavailable": unavailable_backends(list(backends)),
        },
        "claims": [r.to_json() for r in results],
    }


def _cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown(doc: dict) -> str:
    lines = [
        "# matspec — claim verdicts",
        "",
        f"seed {doc['seed']}, profile `{doc['profile']}`, oracle mpmath {doc['oracle']['version']}, "
        f"backends: {', '.join(doc['backends']) or 'none'}; {doc['summary']['claims']} claims in {doc['seconds']} s.",
        "",
        "Verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(doc["summary"]["verdicts"].items())),
        "",
    ]
    bad = doc["summary"]["disagreements_with_record"]
    if bad:
        lines += [f"**Computed verdict differs from the recorded one for:** {', '.join(bad)}", ""]
    lines += [
        "| id | provenance | verdict | counterexample / note | backends |",
        "|---|---|---|---|---|",
    ]
    for c in doc["claims"]:
        prov = c["provenance"]
        verdict = c["computed_verdict"] + ("" if c["agrees"] else f" (recorded: {c['recorded_verdict']})")
        ce = c["stated"]["counterexample_repr"]
        detail = ""
        if ce and c["computed_verdict"] != "holds":
            detail = f"`{ce}` — {c['stated']['message'][:300]}"
            small = {k: v for k, v in (c["stated"].get("counterexample_entries") or {}).items() if len(v) * len(v[0]) <= 9}
            if small:
                detail += " Entries: " + "; ".join(f"{k} = {v}" for k, v in small.items())
        if c["stated"].get("measurement"):
            detail = c["stated"]["message"]
        if c["repaired_statement"] and c["computed_verdict"] in ("misstated", "conditional"):
            detail += f" **Repaired:** {c['repaired_statement']}"
        if c["note"]:
            detail += f" _{c['note']}_"
        backs = ", ".join(f"{b}: {v['outcome']}" for b, v in c["backends"].items())
        lines.append(
            f"| `{c['id']}` | {_cell(prov['seed'])} § {_cell(prov['section'])}: “{_cell(prov['statement'])}” "
            f"| **{verdict}** | {_cell(detail)} | {_cell(backs)} |"
        )
    lines.append("")
    cov = doc["summary"].get("backend_coverage") or {}
    missing = doc["summary"].get("backends_unavailable") or {}
    if cov or missing:
        kinds = ["conforms", "violates", "undecided", "unsupported", "n/a"]
        lines += ["## Backends", "", "Claims per outcome on each backend of this run; unsupported combinations are "
                  "listed below with the backend's reason (never silently upcast or skipped).", "",
                  "| backend | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
        for bid, c in cov.items():
            lines.append(f"| {bid} | " + " | ".join(str(c["outcomes"].get(k, 0)) for k in kinds) + " |")
        lines.append("")
        for bid, c in cov.items():
            if c["unsupported"]:
                lines += [f"**Unsupported on {bid}** ({len(c['unsupported'])}):", ""]
                lines += [f"- `{cid}`: {_cell(why)[:200]}" for cid, why in c["unsupported"].items()]
                lines.append("")
        if missing:
            lines += ["**Not in this run:** " + "; ".join(f"{b} ({why})" for b, why in missing.items()), ""]
    replays = [(c["id"], c["replay"]["stated"]) for c in doc["claims"] if c["replay"]["stated"]]
    if replays:
        lines += ["## Replaying counterexamples", ""]
        for cid, cmd in replays:
            lines += [f"- `{cid}`: `{cmd}`"]
        lines.append("")
    return "\n".join(lines)


def write_reports(doc: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    jp, mp_ = out_dir / "claims.json", out_dir / "claims.md"
    jp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n")
    mp_.write_text(markdown(doc))
    return jp, mp_
