"""The band a Newton–Schulz family earns: its certified exact-arithmetic band on the range a
contract judges, widened by a margin derived from the compute dtype's unit roundoff.

What to put in ``--contract band:LO,HI,floor=F`` for a kernel of a known family, and what the
project's own tests hold correct kernels to (no tuned number anywhere):

* **The judged range.**  A Frobenius-normalising kernel sees x = σ/(s‖A‖_F), s its safety
  factor.  With input singular values ≥ F·σ₁ judged, the smallest x it meets is the floor's
  worst case — one σ at F·σ₁ beside r − 1 at σ₁: x_min = F/(s·√(r − 1 + F²)) — and the
  largest is 1/s (r = 1).  So the exact outputs lie in the certified enclosure of
  {F(x) : x ∈ [x_min, 1/s]} (``newton_schulz.transfer_band``: interval arithmetic).
* **The margin.**  Rounding moves the delivered σ off the exact transfer.  Relative errors pass
  almost unchanged through the growth steps (p(x)·x has relative condition ≈ 1 for small x) and
  are damped by the converging last steps, except what the *last* step itself commits: it forms
  a·X, B·X (‖B‖₂ ≤ |b|·HI² + |c|·HI⁴ on the band) and their sum — three roundings, each of a
  matrix entrywise, so each moves the output by at most u_c times that term's Frobenius norm,
  ≤ u_c·S·HI·√r with S = |a| + |b|·HI² + |c|·HI⁴ — plus u_out·HI·√r for storing the result.  By
  Weyl, each output σ moves by at most that: margin = (3·u_c·S + u_out)·HI·√r, HI the exact
  band's upper end, r = min(m, n) of the largest input.  (Measured: bfloat16 Muon quintic at
  r = 6 lands in [0.661, 1.194] against the exact [0.682, 1.194], a margin of 0.50 — the worst
  case is far from tight; cubic Newton–Schulz's bfloat16 fixed points sit up to 0.034 below 1,
  inside its margin 0.067.)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from matspec.tolerance import unit_roundoff

FAMILIES = ("muon_quintic", "polar_express", "cubic", "gram")


@dataclass(frozen=True)
class FamilyBand:
    family: str
    lo: float
    hi: float
    exact: tuple  # certified enclosure of the exact transfer on the judged range
    margin: float
    x_range: tuple

    def contract(self, floor: float) -> str:
        return f"band:{self.lo!r},{self.hi!r},floor={floor!r}"

    def describe(self) -> str:
        return (f"{self.family}: exact transfer on x ∈ [{self.x_range[0]:.3g}, {self.x_range[1]:.3g}] lies in "
                f"[{self.exact[0]:.4g}, {self.exact[1]:.4g}]; margin {self.margin:.3g} → band [{self.lo:.4g}, {self.hi:.4g}]")


def _schedule(family: str):
    from matspec.implementations import newton_schulz as ns

    if family == "polar_express":
        return ns.polar_express_extended(3)  # 8 steps: the published 5 and 3 of its limit polynomial
    if family in ("muon_quintic", "gram"):
        return ns.get_schedule("muon_quintic")
    if family == "cubic":
        return None
    raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")


def family_band(family: str, floor: float, max_dim: int, compute: str, output: str | None = None) -> FamilyBand:
    from matspec.implementations import newton_schulz as ns

    u_c, u_out = unit_roundoff(compute), unit_roundoff(output or compute)
    r = max(1, max_dim)
    sch = _schedule(family)
    if sch is None:
        # cubic iterated to convergence: every x in (0, √3) is driven to 1 (repelling 0, attracting
        # 1), so the exact band is [1, 1]; the last step is p(x) = 1.5x − 0.5x³
        exact, last, safety = (1.0, 1.0), (1.5, -0.5, 0.0), 1.0
        x_range = (floor / math.sqrt(r - 1 + floor * floor), 1.0)
    else:
        safety = float(Fraction(sch.safety))
        x_range = (floor / (safety * math.sqrt(r - 1 + floor * floor)), 1.0 / safety)
        enc_lo, enc_hi, *_ = ns.transfer_band(sch, lo=repr(x_range[0]), hi=repr(x_range[1]))
        exact = (float(enc_lo), float(enc_hi))
        last = sch.float_coeffs()[-1]
    a, b, c = (abs(t) for t in last)
    hi = exact[1]
    S = a + b * hi ** 2 + c * hi ** 4
    margin = (3 * u_c * S + u_out) * hi * math.sqrt(r)
    return FamilyBand(family, max(exact[0] - margin, 0.0), exact[1] + margin, exact, margin, x_range)
