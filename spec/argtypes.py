"""argparse value types shared by every ``matspec`` subcommand (run, report, validate, …).

Each raises ``argparse.ArgumentTypeError`` with a one-line message, which argparse turns into
a usage error (exit status 2).  A module of its own so that subcommand parsers living in
their own packages (``matspec.validate.cli``) and ``matspec.cli`` share them without
importing each other.
"""
from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """A whole number >= 1 (examples, jobs, dimensions)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def nonneg_int(text: str) -> int:
    """A whole number >= 0."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def seed(text: str) -> int:
    """A search seed: what Hypothesis and NumPy accept, [0, 2**32)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= v < 2**32:
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2**32), got {v}")
    return v


def positive_float(text: str) -> float:
    """A finite number > 0 (seconds)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return v
