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
