"""The errata sheet: per document and section, each statement that does not hold as written — the
sentence quoted, the verdict the run computed, what is wrong in one line, the minimal counterexample
(its entries, not only its spec) or the measured figure, the corrected statement, and the command that
replays it.  ``matspec run`` writes it as ``errata.md``; the HTML report leads with the same entries.

Input is a run's claims document (claims.json, docs/claims-schema.md); the sentence inventory
(:mod:`matspec.inventory`) gives each statement its line and the document's section heading, so a reader
can annotate their copy in one pass, in reading order.
"""
from __future__ import annotations

import json
from typing import Optional

# computed verdicts that say the statement as written is wrong
FLAWED = ("refuted", "misstated", "conditional")
VERDICT_TEXT = {
    "refuted": "refuted — false as stated",
    "misstated": "misstated — false as written; a corrected form holds",
    "conditional": "conditional — false without an extra hypothesis, true with it",
    "empirical": "empirical — the document's figure disagrees with the measurement",
}


def _inventory_lines() -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(seed, claim id) → every (line, section heading) of that seed the claim decides, in reading order."""
    try:
        from matspec import inventory
        invs = inventory.load_all()
    except Exception:  # noqa: BLE001 - the inventory only orders and locates; errata stand without it
        return {}
    out: dict = {}
    for inv in invs:
        for e in inv.entries:
            for cid in e.claims:
                out.setdefault((inv.seed, cid), []).append((e.first_line, e.section))
    return {k: sorted(v) for k, v in out.items()}


def _same_section(inventory_title: str, claim_section: str) -> bool:
    """Does an inventory heading name the section a claim's provenance cites?  Numbered headings compare by their
    number ("7.5 …"), others by the heading text (either contains the other's first words)."""
    a, b = inventory_title.strip().lower(), claim_section.strip().lower()
    na, nb = a.split(" ", 1)[0], b.split(" ", 1)[0]
    if na[:1].isdigit() and nb[:1].isdigit():
        return na.rstrip(".") == nb.rstrip(".")
    head = b.split(",")[0].split(" — ")[0][:40]
    return bool(head) and (head in a or a[:40] in b)


def _locate(where: list[tuple[int, str]], section: str) -> tuple:
    """The first line the claim decides inside the section its provenance names, else its first line anywhere."""
    for line, title in where:
        if _same_section(title, section):
            return line, title
    return where[0] if where else (None, None)


def is_erratum(c: dict) -> bool:
    """Does this claims.json entry say a statement of the documents is wrong (as computed by the run)?"""
    v = c.get("computed_verdict")
    if v in FLAWED:
        return True
    m = (c.get("stated") or {}).get("measurement")
    return v == "empirical" and bool(m) and m.get("agrees") is False


def _entries_text(entries: Optional[dict]) -> str:
    if not entries:
        return ""
    return "; ".join(f"{k} = {json.dumps(v)}" for k, v in entries.items())


def errata_entries(doc: dict) -> list[dict]:
    """One entry per (document, statement) that does not hold as written, in reading order."""
    where = _inventory_lines()
    out = []
    for c in doc.get("claims", []):
        if not is_erratum(c):
            continue
        st = c.get("stated") or {}
        m = st.get("measurement")
        base = {
            "id": c["id"], "verdict": c["computed_verdict"], "recorded_verdict": c.get("recorded_verdict"),
            "wrong": c.get("erratum") or "", "corrected": c.get("corrected_statement") or c.get("repaired_statement") or "",
            "counterexample": st.get("counterexample_repr"), "counterexample_json": st.get("counterexample"),
            "entries": st.get("counterexample_entries") or {},
            "measured": None if not m else {"value": m.get("value"), "setting": m.get("setting"),
                                            "document": m.get("document"), "rule": m.get("rule")},
            "replay": (c.get("replay") or {}).get("stated") or f"matspec run --claim {c['id']}",
            "failed": (st.get("message") or "")[:400],
        }
        places = [c["provenance"]] + list(c.get("also_stated_in") or [])
        seen = set()
        for p in places:
            if p["seed"] in seen:
                continue
            seen.add(p["seed"])
            line, section = _locate(where.get((p["seed"], c["id"]), []), p["section"])
            out.append({**base, "document": p["seed"], "section": section or p["section"], "line": line,
                        "quote": p["statement"]})
    out.sort(key=lambda e: (e["document"], e["line"] if e["line"] is not None else 10 ** 9, e["id"]))
    return out


def per_document(entries: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["document"]] = counts.get(e["document"], 0) + 1
    return dict(sorted(counts.items()))


def _cell(text) -> str:
    return str(text or "").replace("\n", " ").strip()


def markdown(doc: dict, entries: Optional[list[dict]] = None) -> str:
    entries = errata_entries(doc) if entries is None else entries
    counts = per_document(entries)
    L = ["# Errata — statements in the documents that do not hold as written", "",
         f"Computed by `matspec run` (seed {doc.get('seed')}, profile `{doc.get('profile')}`, {doc.get('created', '')}); "
         f"{len(entries)} statements in {len(counts)} documents: "
         + (", ".join(f"{d} {n}" for d, n in counts.items()) or "none") + ".", "",
         "Each entry quotes the statement (as the claim records it; *line* is where it starts in the document), "
         "the verdict the run computed, what is wrong, the minimal counterexample with its entries (or, for a "
         "figure, the measurement), the corrected statement, and the command that replays it.  A statement "
         "stated in several documents is listed under each.", ""]
    doc_name = section = None
    for e in entries:
        if e["document"] != doc_name:
            doc_name, section = e["document"], None
            L += [f"## {doc_name}", ""]
        if e["section"] != section:
            section = e["section"]
            L += [f"### § {section}", ""]
        at = f" (line {e['line']})" if e["line"] is not None else ""
        flag = "" if e["verdict"] == e["recorded_verdict"] else f" (recorded: {e['recorded_verdict']})"
        L.append(f"- **“{_cell(e['quote'])}”**{at} — *{VERDICT_TEXT.get(e['verdict'], e['verdict'])}*{flag} · "
                 f"`{e['id']}`")
        if e["wrong"]:
            L.append(f"  - **What is wrong:** {_cell(e['wrong'])}")
        if e["measured"]:
            ms = e["measured"]
            L.append(f"  - **Measured:** {ms['value']:.4g} ({_cell(ms['setting'])}); the document says "
                     f"“{_cell(ms['document'])}”; agreement rule: {_cell(ms['rule'])}")
        elif e["counterexample"]:
            ents = _entries_text(e["entries"])
            L.append(f"  - **Counterexample:** `{_cell(e['counterexample'])}`"
                     + (f"; entries: `{ents}`" if ents else ""))
            if e["failed"]:
                L.append(f"  - **Fails as:** {_cell(e['failed'])}")
        if e["corrected"]:
            L.append(f"  - **Corrected:** {_cell(e['corrected'])}")
        L.append(f"  - **Replay:** `{e['replay']}`")
        L.append("")
    if not entries:
        L += ["No statement of the claims run here fails as written.", ""]
    return "\n".join(L)


# ---------------------------------------------------------------------------------------------
# README's "What it has found": the errata, one line each, from the run or from the catalogue's records
# ---------------------------------------------------------------------------------------------

README_BEGIN = "<!-- findings:begin (generated by `python -m matspec.reports.errata --readme README.md`) -->"
README_END = "<!-- findings:end -->"


def catalogue_document(claims=None) -> dict:
    """A claims document as a run that agrees with every record would write it (computed = recorded).
    tests/test_catalogue.py holds every run to its records, so README built from this agrees with the run."""
    from matspec.catalogue import all_claims

    out = []
    for c in (all_claims() if claims is None else claims):
        m = None
        if c.empirical is not None:
            m = {"agrees": c.empirical.expect_agreement, "document": c.empirical.document_figure, "rule": c.empirical.rule,
                 "value": None, "setting": None}
        out.append({"id": c.id, "provenance": {"seed": c.provenance.seed, "section": c.provenance.section,
                                               "statement": c.provenance.statement},
                    "also_stated_in": [{"seed": a.seed, "section": a.section, "statement": a.statement} for a in c.also],
                    "recorded_verdict": c.recorded.value, "computed_verdict": c.recorded.value,
                    "erratum": c.erratum, "corrected_statement": c.corrected_statement or None,
                    "stated": {"measurement": m}, "replay": {}})
    return {"claims": out}


def findings_markdown(entries: list[dict]) -> str:
    """One line per erratum, grouped by document: '§ section — what is wrong (`id`, verdict)'."""
    counts = per_document(entries)
    L = [README_BEGIN, "",
         f"{len(entries)} statements that do not hold as written, in {len(counts)} documents "
         f"({', '.join(f'{d[:3]}: {n}' for d, n in counts.items())}).  `matspec run` writes them to "
         "`matspec-out/errata.md` with the quoted sentence, the minimal counterexample (entries), the corrected "
         "statement and the replay command; `matspec show <id>` prints one.", ""]
    doc_name = None
    for i, e in enumerate(entries):
        if e["document"] != doc_name:
            doc_name = e["document"]
            L += [f"**{doc_name}**", ""]
        L.append(f"- §{e['section']} — {_cell(e['wrong'])} (`{e['id']}`, {e['verdict']})")
        if i + 1 == len(entries) or entries[i + 1]["document"] != doc_name:
            L.append("")
    L.append(README_END)
    return "\n".join(L)


def replace_readme_section(text: str, block: str) -> str:
    if README_BEGIN not in text or README_END not in text:
        raise ValueError(f"README has no {README_BEGIN!r} … {README_END!r} block")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    return head + block + tail


def main(argv=None) -> int:
    import argparse
    from pathlib import Path

    p = argparse.ArgumentParser(prog="python -m matspec.reports.errata",
                                description="Rewrite README's 'What it has found' block from the errata.")
    p.add_argument("--readme", required=True, help="the README.md to update in place")
    p.add_argument("--from", dest="from_", default=None,
                   help="a run's claims.json (default: the catalogue's recorded verdicts, which every run must match)")
    args = p.parse_args(argv)
    doc = json.loads(Path(args.from_).read_text()) if args.from_ else catalogue_document()
    path = Path(args.readme)
    new = replace_readme_section(path.read_text(encoding="utf-8"), findings_markdown(errata_entries(doc)))
    from matspec.fileio import atomic_write_text

    atomic_write_text(path, new)
    print(f"updated {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
