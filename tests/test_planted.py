"""Every claim's true form must catch a planted wrong implementation: a property that
cannot fail is a defect.  PLANTED_FOR maps each claim to the realistic bug (tests/planted*.py)
that its property must expose on NumPy float64."""
from __future__ import annotations

import pytest

from matspec.catalogue import all_claims
from matspec.claim import Verdict
from matspec.reports.runner import check_form

import planted
import planted_extra_a  # noqa: F401 - registers more _Planted subclasses
import planted_extra_b  # noqa: F401 - registers more _Planted subclasses (004 §4–6)
import planted_extra_c  # noqa: F401 - registers more _Planted subclasses (004 §8–9)
import planted_extra_d  # noqa: F401 - registers more _Planted subclasses (seeds 000/001/003, 004 §7.2–8.4)
import planted_extra_e  # noqa: F401 - registers more _Planted subclasses (seed 002: msign, Newton–Schulz, mclip)
import planted_extra_f  # noqa: F401 - registers more _Planted subclasses (004 §7.3 norm dependence)
import planted_map_a
import planted_map_b
import planted_map_c
import planted_map_d
import planted_map_e
import planted_map_f
import planted_map_g
import planted_map_h
import planted_map_i

PLANTED_FOR = {**planted_map_a.PLANTED_FOR, **planted_map_b.PLANTED_FOR, **planted_map_c.PLANTED_FOR,
               **planted_map_d.PLANTED_FOR, **planted_map_e.PLANTED_FOR, **planted_map_f.PLANTED_FOR,
               **planted_map_g.PLANTED_FOR, **planted_map_h.PLANTED_FOR, **planted_map_i.PLANTED_FOR}


def _all_planted():
    out, todo = {}, list(planted._Planted.__subclasses__())
    while todo:
        cls = todo.pop()
        out[cls.bug] = cls
        todo.extend(cls.__subclasses__())
    return out


PLANTED = _all_planted()
CLAIMS = {c.id: c for c in all_claims()}


def _true_form(c):
    if c.recorded == Verdict.HOLDS:
        return c.stated
    if c.recorded in (Verdict.CONDITIONAL, Verdict.MISSTATED):
        return c.repaired
    return None


def test_every_claim_with_a_true_form_has_a_planted_bug():
    # math-only claims (no backend can run them) are covered by tests/test_planted_math.py
    missing = [cid for cid, c in CLAIMS.items() if _true_form(c) is not None and cid not in PLANTED_FOR
               and "math-only" not in c.tags]
    assert not missing, f"claims without a planted-bug test: {missing}"
    unknown = {cid: b for cid, b in PLANTED_FOR.items() if b not in PLANTED}
    assert not unknown, f"unknown planted bugs: {unknown}"
    stale = [cid for cid in PLANTED_FOR if cid not in CLAIMS]
    assert not stale, f"PLANTED_FOR names claims that do not exist: {stale}"


@pytest.mark.parametrize("claim_id", sorted(PLANTED_FOR))
def test_planted_bug_is_caught(claim_id):
    c = CLAIMS[claim_id]
    form = _true_form(c)
    bug = PLANTED[PLANTED_FOR[claim_id]]()
    res = check_form(form, bug, profile="default", seed=12345)
    assert res.status == "refuted", (
        f"{claim_id}: planted bug {bug.bug!r} was not caught ({res.status}: {res.message})")
    # ...and the honest float64 backend passes the same form with the same budget.
    from matspec.implementations.numpy_backend import NumpyOps
    honest = check_form(form, NumpyOps("float64"), profile="default", seed=12345)
    assert honest.status == "holds", f"{claim_id}: honest numpy-float64 did not conform: {honest.message}"


@pytest.mark.parametrize("claim_id", sorted(planted_map_h.PLANTED_ALSO))
def test_second_planted_bug_is_caught_by_the_named_relation(claim_id):
    bug_name, fragment = planted_map_h.PLANTED_ALSO[claim_id]
    res = check_form(_true_form(CLAIMS[claim_id]), PLANTED[bug_name](), profile="default", seed=12345)
    assert res.status == "refuted", f"{claim_id}: planted bug {bug_name!r} was not caught ({res.status}: {res.message})"
    violated = [r["text"] for r in res.relations if r["ok"] is False]
    assert any(fragment in t for t in violated), (
        f"{claim_id}: {bug_name!r} was caught, but by none of the relations naming {fragment!r}: {violated}")
