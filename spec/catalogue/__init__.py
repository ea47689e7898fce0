"""The claim catalogue: one module per topic, each exposing ``CLAIMS``.

Later topics (conditioning, perturbation, low rank, msign, mclip, HiPPO) add a module
here and a line in ``TOPIC_MODULES``.  A claim lives once, in its topic's module; when
several documents state it, its provenance says so.
"""
from __future__ import annotations

import importlib

from matspec.claim import Claim

TOPIC_MODULES = ("axioms", "frobenius", "induced", "schatten", "unitarily_invariant", "perturbation", "ml_norms",
                 "conditioning", "linear_systems", "svd_facts", "msign", "newton_schulz", "mclip", "hippo",
                 "calculus", "formats")


def all_claims() -> list[Claim]:
    claims: list[Claim] = []
    seen: set[str] = set()
    for name in TOPIC_MODULES:
        mod = importlib.import_module(f"matspec.catalogue.{name}")
        for c in mod.CLAIMS:
            if c.id in seen:
                raise ValueError(f"duplicate claim id {c.id}")
            seen.add(c.id)
            claims.append(c)
    return claims


def get_claim(claim_id: str) -> Claim:
    for c in all_claims():
        if c.id == claim_id:
            return c
    known = ", ".join(sorted(c.id for c in all_claims()))
    raise KeyError(f"no claim {claim_id!r}. Known claims: {known}")
