"""The catalogue as tests: for every claim the run's *computed* verdict must equal the
recorded one, and every backend's outcome must equal the expected one (default
`conforms`).  Like a strict xfail: a claim that starts or stops holding fails CI.

Profile: `pytest --profile heavy` (10x examples) and `--profile large` (also larger matrices) are opt-in.
"""
from __future__ import annotations

import pytest

from matspec.catalogue import all_claims
from matspec.claim import Verdict
from matspec.implementations import default_backends
from matspec.reports.runner import evaluate_claim

CLAIMS = all_claims()


@pytest.fixture(scope="session")
def oracle():
    from matspec.oracles import OracleOps

    return OracleOps()


@pytest.fixture(scope="session")
def backends():
    return default_backends()


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim(claim, oracle, backends, profile, base_seed):
    if "needs-torch" in claim.tags:
        pytest.importorskip("torch")
    r = evaluate_claim(claim, oracle, backends, profile=profile, seed=base_seed)
    detail = r.stated.message or ""
    if r.repaired:
        detail += f" | repaired: {r.repaired.status} {r.repaired.message}"
    assert r.computed == claim.recorded, (
        f"{claim.id}: computed {r.computed.value}, recorded {claim.recorded.value}: {detail}")
    if claim.recorded in (Verdict.REFUTED, Verdict.MISSTATED, Verdict.CONDITIONAL):
        # a refutation must come with a minimal counterexample and a replay command
        assert r.stated.counterexample is not None
        assert r.replay_command("stated").startswith(f"matspec replay {claim.id} ")
    assert not r.backend_mismatches(), f"{claim.id}: " + "; ".join(
        m + f" ({r.backends[m.split(':')[0]][1].message})" for m in r.backend_mismatches())


def test_every_claim_has_provenance():
    for c in CLAIMS:
        assert c.provenance.seed.endswith(".txt") and c.provenance.section and c.provenance.statement, c.id


# Claims whose note reports a flaw in part of the quoted statement while the verdict is `holds`: the flawed
# sentence still has to become its own claim (issue 16, "notes that contradict the verdict").  The ONE place
# such a contradiction is tolerated; an entry leaves when its claim is split.  002's belong to part B.
FLAW_NOTE_PENDING: set[str] = set()


def test_every_empirical_claim_says_why_it_is_not_mathematics():
    """`empirical` is for typical behaviour over a distribution of inputs, a timing or a hardware throughput —
    the record says which (a statement true or false as mathematics is decided as mathematics)."""
    from matspec.claim import EmpiricalKind

    for c in CLAIMS:
        if c.recorded == Verdict.EMPIRICAL:
            assert isinstance(c.empirical.kind, EmpiricalKind), c.id
            assert c.empirical.kind.value in ("typical", "timing", "throughput"), c.id


def test_note_flaw_flag_agrees_with_the_verdict():
    """note_reports_flaw is mandatory; a note that reports a flaw goes with refuted / misstated / conditional
    (or an empirical figure expected to disagree), never with `holds`, and a flawed verdict says what is wrong."""
    from matspec.claim import flaw_disagreement

    bad = {c.id: flaw_disagreement(c) for c in CLAIMS if flaw_disagreement(c)}
    assert set(bad) - FLAW_NOTE_PENDING == set(), "\n".join(v for k, v in bad.items() if k not in FLAW_NOTE_PENDING)
    stale = FLAW_NOTE_PENDING - set(bad)
    assert not stale, f"FLAW_NOTE_PENDING lists claims that no longer contradict their verdict: {sorted(stale)}"
    for c in CLAIMS:
        assert isinstance(c.note_reports_flaw, bool), c.id
        if c.note_reports_flaw:
            assert c.erratum.strip() and "\n" not in c.erratum and len(c.erratum) <= 200, c.id
            assert c.corrected_statement.strip(), c.id
