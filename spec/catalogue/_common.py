"""Helpers shared by the catalogue modules (provenance, registration, input shapes)."""
from __future__ import annotations

from hypothesis import strategies as st

from matspec.claim import Claim, Outcome, Provenance

SEED_004 = "004_22c25d75eff01b16.txt"
SEED_002 = "002_9bcd222323c34815.txt"

# torch 2.13 has no CPU bfloat16 or float16 kernel for SVD, eigh or LU ("linalg_svd_cpu" not
# implemented for 'BFloat16' / 'Half'; matrix_norm 2/nuc: "Low precision dtypes not supported"),
# and matspec never upcasts behind a backend's back: claims using svdvals, the 2/nuclear/
# Schatten/Ky Fan norms, eigvalsh, polar, lowrank or svt are `unsupported` on both, recorded per
# claim (a strict record: the test fails if torch gains the kernel).  Measured, not guessed:
# tests/test_torch_backend.py::test_bfloat16_cpu_unsupported_ops_are_reported_not_upcast.
NO_BF16_LINALG = {"torch-cpu-bfloat16": Outcome.UNSUPPORTED, "torch-cpu-float16": Outcome.UNSUPPORTED}


def src(section: str, statement: str, seed: str = SEED_004) -> Provenance:
    return Provenance(seed, section, statement)


def src2(section: str, statement: str) -> Provenance:
    """Provenance in seed 002 (msign, Newton–Schulz, mclip, HiPPO)."""
    return Provenance(SEED_002, section, statement)


class Registry(list):
    """A module's CLAIMS list; ``claims.add(...)`` builds and appends a Claim."""

    def add(self, **kw) -> Claim:
        c = Claim(**kw)
        self.append(c)
        return c


def named(**strategies_by_domain):
    """inputs=named(A=lambda d: matrices(d)) → a function Domain → strategy of dicts."""
    return lambda d: st.fixed_dictionaries({k: f(d) for k, f in strategies_by_domain.items()})


def product_pairs(max_dim=None):
    """inputs {A: m×k, B: k×n} drawn at half scale so that AB stays inside the Domain."""
    from matspec.strategies import pairs_for_product

    return lambda d: pairs_for_product(d, max_dim=max_dim).map(lambda ab: {"A": ab[0], "B": ab[1]})
