"""The timing fields of claims.json and report.json: the only fields allowed to differ between two
runs with the same seed (docs/reliability.md, "Determinism").

Everything else is byte-identical for the same seed and profile on the same machine and
installation, whatever ``-j`` and whatever else the process imported
(tests/test_reliability_determinism.py).  :func:`without_timings` blanks exactly these fields, so
that comparison is a plain equality and the list below is the documented one:

claims.json
  * ``created``; every key named ``seconds`` (the run's and each form result's);
  * inside an empirical claim's ``measurement.details``, at any depth, every key matching
    :data:`TIMING_DETAIL_KEY` (``seconds``, ``*_seconds``, ``seconds_by_*``, ``speedup``, ``*gflops*``,
    ``*_per_s``): timings and rates a measurement reports beside its figure;
  * for claims whose measured figure *is* a time or a rate (``empirical_kind`` "timing" or
    "throughput", or listed in :data:`TIMED_CLAIMS`), the figure itself
    (``stated.measurement.value``) and the message quoting it (``stated.message``).

report.json
  * ``created``, ``accuracy.seconds``, ``reproducibility.wall_seconds``; with ``--sizes``,
    ``accuracy_at_size.seconds`` and ``accuracy_at_size.seconds_by_size``;
  * in ``claims.entries`` (copied from claims.json), for the same timed claims, ``measurement.value``
    and ``detail`` (report.json does not carry ``empirical_kind``: pass :func:`timed_claims` of the
    claims.json it was built from, else :data:`TIMED_CLAIMS` is used).

report.md and index.html print the same timings (and index.html embeds report.json's numbers), so
they are compared through report.json.
"""
from __future__ import annotations

import copy
import re

BLANK = "<timing>"

# Keys of a measurement's details that hold timings (or ratios of timings)
TIMING_DETAIL_KEY = re.compile(r"(^|_)seconds($|_)|^speedup$|gflops|_per_s$")

# Empirical claims whose measured figure is a wall-clock time or a rate (value, and the message quoting
# it): those claims.json marks empirical_kind "timing" or "throughput" (schema 1.2), and these ids (for
# entries that do not carry the kind: report.json's, older claims.json)
TIMING_KINDS = frozenset({"timing", "throughput"})
TIMED_CLAIMS = frozenset({"svd_facts.full_svd_4096_timing", "svd_facts.matvec_memory_bound"})


def timed_claims(claims_doc: dict) -> frozenset:
    """The ids of a claims.json's claims whose measured figure is a time or a rate."""
    return TIMED_CLAIMS | {c.get("id") for c in claims_doc.get("claims", []) if c.get("empirical_kind") in TIMING_KINDS}


def _timed(entry: dict, timed: frozenset = TIMED_CLAIMS) -> bool:
    return entry.get("id") in timed or entry.get("empirical_kind") in TIMING_KINDS


def _blank_details(d):
    if isinstance(d, dict):
        return {k: (BLANK if TIMING_DETAIL_KEY.search(str(k)) else _blank_details(v)) for k, v in d.items()}
    if isinstance(d, list):
        return [_blank_details(v) for v in d]
    return d


def _blank_seconds(d):
    if isinstance(d, dict):
        return {k: (BLANK if k == "seconds" else _blank_seconds(v)) for k, v in d.items()}
    if isinstance(d, list):
        return [_blank_seconds(v) for v in d]
    return d


def _claims_json(doc: dict) -> dict:
    doc = _blank_seconds(doc)  # rebuilds every dict and list: the caller's doc is not touched
    doc["created"] = BLANK
    for c in doc.get("claims", []):
        st = c.get("stated") or {}
        m = st.get("measurement")
        if isinstance(m, dict):
            m["details"] = _blank_details(m.get("details"))
            if _timed(c):
                m["value"] = BLANK
                st["message"] = BLANK
    return doc


def _report_json(rep: dict, timed: frozenset) -> dict:
    rep = copy.deepcopy(rep)
    rep["created"] = BLANK
    rep.setdefault("accuracy", {})["seconds"] = BLANK
    rep.setdefault("reproducibility", {})["wall_seconds"] = BLANK
    if isinstance(rep.get("accuracy_at_size"), dict):
        rep["accuracy_at_size"]["seconds"] = BLANK
        rep["accuracy_at_size"]["seconds_by_size"] = BLANK
    for e in (rep.get("claims") or {}).get("entries", []):
        if _timed(e, timed):
            if isinstance(e.get("measurement"), dict):
                e["measurement"]["value"] = BLANK
            e["detail"] = BLANK
    return rep


def without_timings(doc: dict, timed: frozenset | None = None) -> dict:
    """A copy of a claims.json or report.json document with its timing fields (module docstring)
    replaced by ``"<timing>"``; ``timed``: for a report.json, :func:`timed_claims` of its claims.json."""
    if "schema" in doc and str(doc["schema"]).startswith("report/"):
        return _report_json(doc, TIMED_CLAIMS if timed is None else frozenset(timed))
    return _claims_json(doc)
