"""Number formats as exact arithmetic: rounding a real number to bfloat16's grid.

bfloat16 is IEEE-754-style binary with p = 8 significant bits (7 stored + the implicit one) and
float32's exponent range: normal numbers 2^-126 <= |x| < 2^128, subnormals k·2^-133 below, largest
finite (2 − 2^-7)·2^127.  Rounding to nearest, ties to even, is a function of the real number, so a
statement such as "1e-9 becomes 0 in bfloat16" is decided by exact rational arithmetic here, not
measured.

Why not ``validate.dtypes.round_to_dtype``: it rounds float64 → float32 → bfloat16 (what a kernel
receives from a float32 tensor), which double-rounds: 1 + 2^-8 + 2^-30 goes to float32's 1 + 2^-8, a
bfloat16 tie, then to 1, while the nearest bfloat16 number is 1 + 2^-7.  The format's own rounding
of the real value is the direct one below.
"""
from __future__ import annotations

from fractions import Fraction

BF16_PRECISION = 8  # significant bits, the implicit leading one included
BF16_EMIN = -126  # smallest normal exponent: 2^-126
BF16_EMAX = 127
BF16_QUANTUM_SUBNORMAL = Fraction(1, 2 ** (-BF16_EMIN + BF16_PRECISION - 1))  # 2^-133, the smallest subnormal
BF16_MAX = (2 - Fraction(1, 2 ** (BF16_PRECISION - 1))) * 2 ** BF16_EMAX
BF16_U = Fraction(1, 2 ** BF16_PRECISION)  # unit roundoff 2^-8: |fl(x) − x| <= u|x| in the normal range


def _round_half_even(q: Fraction) -> int:
    n, r = divmod(q.numerator, q.denominator)  # q = n + r/den, 0 <= r < den
    twice = 2 * r
    if twice > q.denominator or (twice == q.denominator and n % 2 == 1):
        n += 1
    return n


def _exponent(x: Fraction) -> int:
    """e with 2^e <= x < 2^(e+1), for x > 0 (exact)."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    elif Fraction(2) ** (e + 1) <= x:
        e += 1
    return e


def round_to_grid(x, precision: int = BF16_PRECISION, emin: int = BF16_EMIN, emax: int = BF16_EMAX,
                  truncate: bool = False) -> Fraction:
    """x (int, float or Fraction, taken exactly) rounded to the binary format with ``precision`` significant
    bits and exponents emin..emax: to nearest, ties to even (``truncate``: toward zero); subnormals below
    2^emin; ±inf (raised as OverflowError) beyond the largest finite number.  The defaults are bfloat16."""
    x = Fraction(x)
    if x == 0:
        return Fraction(0)
    sign, ax = (1, x) if x > 0 else (-1, -x)
    e = max(_exponent(ax), emin)  # below 2^emin the spacing stays that of the subnormals
    quantum = Fraction(2) ** (e - precision + 1)
    k = int(ax / quantum) if truncate else _round_half_even(ax / quantum)
    r = k * quantum
    largest = (2 - Fraction(1, 2 ** (precision - 1))) * Fraction(2) ** emax
    if r > largest:
        raise OverflowError(f"{float(x)!r} rounds to infinity in the format")
    return sign * r


def round_bf16(x) -> float:
    """x rounded to bfloat16, as the float64 number holding it exactly (every bfloat16 number is one)."""
    return float(round_to_grid(x))
