"""matspec: executable, property-based specifications of matrix-numerics claims,
checked against mpmath oracles and floating-point implementations.

The package root is the spec language (claims, forms, relations, strategies, tolerance
model); ``matspec.oracles``, ``matspec.implementations`` and ``matspec.reports`` are the
other folders of the repository, mapped into this namespace by pyproject.toml.
"""
__version__ = "0.1.0"

from matspec.claim import Claim, Form, Outcome, Provenance, Verdict  # noqa: E402,F401
from matspec.values import Val, eq, ge, gt, holds_that, le, lt  # noqa: E402,F401
