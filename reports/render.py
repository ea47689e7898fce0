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

SCHEMA_VERSION = "1.2"  # 1.2: note_reports_flaw, erratum, corrected_statement, empirical_kind; partial


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


def run_document(results: list[ClaimResult], *, seed: int, profile: str, backends: list[str], seconds: float,
                 partial: dict | None = None) -> dict:
    """claims.json's document.  ``partial``: None for a complete run, else why and how far it got
    (an interrupted run: reason, claims_requested, claims_done, not_evaluated) — docs/claims-schema.md."""
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
        "partial": partial,
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
    part = doc.get("partial")
    if part:
        lines += [f"**Partial run ({part['reason']}): {part['claims_done']} of {part['claims_requested']} claims "
                  f"evaluated; not evaluated: {', '.join(part['not_evaluated']) or 'none'}.**", ""]
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
    lines += not_encoded_markdown()
    replays = [(c["id"], c["replay"]["stated"]) for c in doc["claims"] if c["replay"]["stated"]]
    if replays:
        lines += ["## Replaying counterexamples", ""]
        for cid, cmd in replays:
            lines += [f"- `{cid}`: `{cmd}`"]
        lines.append("")
    return "\n".join(lines)


def write_reports(doc: dict, out_dir: Path) -> tuple[Path, Path]:
    """claims.json and claims.md, each written atomically (a kill leaves the old file or the new one)."""
    from matspec.fileio import atomic_write_text

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jp, mp_ = out_dir / "claims.json", out_dir / "claims.md"
    atomic_write_text(jp, json.dumps(doc, indent=2, allow_nan=False) + "\n")
    atomic_write_text(mp_, markdown(doc))
    return jp, mp_


class ClaimsFileError(ValueError):
    """A claims.json that cannot be used: unreadable, empty, not JSON, or not the shape `matspec run`
    writes (one line, for an exit-2 message)."""


def _shape_problem(doc) -> str | None:
    """What keeps `doc` from being a claims.json as written by :func:`run_document` (the parts that
    `matspec show` and `matspec report` read), or None."""
    if not isinstance(doc, dict):
        return f"the top level is a {type(doc).__name__}, not an object"
    for key, typ in (("schema_version", str), ("seed", int), ("claims", list)):
        if not isinstance(doc.get(key), typ):
            return f"{key!r} is missing or not a {typ.__name__}"
    for i, c in enumerate(doc["claims"]):
        where = f"claims[{i}]"
        if not isinstance(c, dict):
            return f"{where} is not an object"
        if not isinstance(c.get("id"), str) or not isinstance(c.get("computed_verdict"), str):
            return f"{where} lacks a string 'id' or 'computed_verdict'"
        prov = c.get("provenance")
        if not (isinstance(prov, dict) and all(isinstance(prov.get(k), str) for k in ("seed", "section", "statement"))):
            return f"{where} ({c['id']}) has no provenance seed/section/statement"
        st = c.get("stated")
        if not (isinstance(st, dict) and isinstance(st.get("counterexample_repr"), (str, type(None)))
                and isinstance(st.get("message"), str)):
            return f"{where} ({c['id']}) has no 'stated' result"
        if not (isinstance(c.get("replay"), dict) and isinstance(c["replay"].get("stated"), (str, type(None)))):
            return f"{where} ({c['id']}) has no 'replay'"
        bk = c.get("backends")
        if not (isinstance(bk, dict) and all(isinstance(v, dict) and isinstance(v.get("outcome"), str) for v in bk.values())):
            return f"{where} ({c['id']}) has malformed 'backends'"
    return None


def read_claims(path) -> dict:
    """A claims.json read back and checked (:class:`ClaimsFileError` with one line otherwise)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsFileError(f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from None
    if not text.strip():
        raise ClaimsFileError(f"{p} is empty; `matspec run` writes it again")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ClaimsFileError(f"{p} is not valid JSON ({exc})") from None
    problem = _shape_problem(doc)
    if problem:
        raise ClaimsFileError(f"{p} is not a claims.json written by `matspec run`: {problem}")
    return doc


def write_errata(doc: dict, out_dir: Path) -> Path:
    """``errata.md`` beside claims.json (matspec.reports.errata): what a reader of the documents corrects."""
    from matspec.fileio import atomic_write_text
    from matspec.reports.errata import markdown as errata_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    ep = out_dir / "errata.md"
    atomic_write_text(ep, errata_markdown(doc))
    return ep


def not_encoded_markdown() -> list[str]:
    """claims.md's "not encoded" table, rendered from the sentence inventory (matspec.inventory)."""
    from matspec import inventory

    try:
        rows = inventory.not_encoded()
    except inventory.InventoryError as exc:
        return ["## Not encoded", "", f"(sentence inventory unreadable: {exc})", ""]
    lines = ["## Not encoded", "",
             "Sentences of the documents that assert something but no claim decides, with the reason "
             "(spec/catalogue/inventory/, docs/inventory.md).  `pending`: checkable, no claim yet.", "",
             "| document | § | line | sentence | reason | why |", "|---|---|---|---|---|---|"]
    for e in rows:
        quote = e.quote if e.quote is not None else f"lines {e.lines[0]}–{e.lines[1]}"
        lines.append(f"| {_cell(e.seed)} | {_cell(e.section)} | {e.first_line} | {_cell(quote)[:300]} | "
                     f"{e.reason} | {_cell(e.why)} |")
    lines.append("")
    return lines

