"""Number formats (seed 002 §4.3): what bfloat16 is, decided as arithmetic on its grid.

A fact about a format ("8 significant bits", "1e-9 becomes 0") is true or false as mathematics: the rounding
is exact rational arithmetic (``matspec.formats``), so these claims are math-only — no backend has anything to
compute.  What bfloat16 *does to a matrix's singular values* is svd_facts.bf16_small_sigma_flush.
"""
from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from matspec.claim import Form, Verdict
from matspec.formats import BF16_U, round_to_grid
from matspec.values import holds_that

from ._common import Registry, src2

CLAIMS = Registry()


def _significant_bits(ops, x, k, rounding=round_to_grid):
    """x: any float64 in bfloat16's normal range; k·2^e: a number with at most 8 significant bits."""
    fx = Fraction(x)
    r = Fraction(rounding(x))
    y = Fraction(k) * Fraction(2) ** -7  # k ∈ [128, 255]: 8 significant bits, in [1, 2)
    one = Fraction(1)
    return [holds_that(abs(r - fx) <= BF16_U * abs(fx), f"|bf16({x!r}) − x| <= 2⁻⁸|x| (u = 2⁻⁸: 8 significant bits)"),
            holds_that(Fraction(rounding(y)) == y, f"{float(y)!r} = {k}·2⁻⁷ (8 significant bits) is exact"),
            holds_that(Fraction(rounding(one + Fraction(1, 2 ** 8))) == one,
                       "1 + 2⁻⁸ (a 9th bit) is not representable: it rounds (tie to even) to 1")]


def _bits_inputs(d):
    # x = ±j·2^e with j up to 2^24 (any float32-like significand) and e well inside the normal range
    x = st.tuples(st.integers(1, 2 ** 24), st.integers(-100, 100), st.booleans()).map(
        lambda t: (-1 if t[2] else 1) * float(Fraction(t[0]) * Fraction(2) ** t[1]))
    return st.fixed_dictionaries({"x": x, "k": st.integers(128, 255)})


CLAIMS.add(
    id="formats.bf16_significant_bits",
    note_reports_flaw=False,
    provenance=src2("4.3 方法2：Newton-Schulz迭代 - 批判性分析, 缺陷3：bfloat16精度瓶颈",
                    "问题：16位浮点数只有8位有效位"),
    stated=Form("bfloat16 has 8 significant bits: every number with 8 significant bits is exact, a 9th is lost, and "
                "rounding to nearest errs by at most u = 2⁻⁸ relative", _significant_bits, _bits_inputs,
                examples=[{"x": 1 + 2 ** -7 - 2 ** -20, "k": 129}]),
    recorded=Verdict.HOLDS,
    tags=("math-only",),
    note=("bfloat16 stores 1 sign, 8 exponent and 7 fraction bits; with the implicit leading bit that is p = 8 "
          "significant bits, unit roundoff u = 2⁻⁸ ≈ 3.9e-3 (about 2.4 decimal digits).  Checked on the format's "
          "grid in exact rational arithmetic (matspec.formats, agreeing with torch's float32 → bfloat16 conversion "
          "bit for bit).  The example 1 + 2⁻⁷ − 2⁻²⁰ is where truncation instead of rounding errs by ≈ 2⁻⁷."),
)
