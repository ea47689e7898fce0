"""Values with error radii, and the relations a claim's property returns.

Every scalar an op set produces is a :class:`Val`: a midpoint and an absolute error
radius (a bound on |computed - exact|).  For the mpmath oracle the radius comes from the
oracle's residual certificate (~1e-30 relative); for a floating-point backend it comes from
the tolerance model (unit roundoff, dimension, conditioning).  Arithmetic on Vals
propagates radii to first order *and* the second-order terms, so a relation's slack is
always derived, never chosen.

A property returns relations (``le``, ``eq``, ``lt``, ``holds_that``) rather than booleans:
the runner decides from the radii whether a relation is *definitely violated*.  All of this
arithmetic runs in mpmath at ``RELATION_DPS`` digits, so the check itself adds no rounding
that matters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import mpmath
from mpmath import libmp

# Digits for relation arithmetic: above every oracle precision in use (oracle work
# precision is <= 80 digits), so combining Vals never loses what the oracle certified.
RELATION_DPS = 100

_mp = mpmath.mp
# Val arithmetic calls mpmath's libmp kernels directly at this precision with round-to-nearest:
# the same operations `with workdps(RELATION_DPS)` performs, bit for bit, without entering a
# context per operation (that, and re-validating every result, was ~40% of the heavy profile).
_PREC = libmp.dps_to_prec(RELATION_DPS)
_RND = libmp.round_nearest
_make = _mp.make_mpf
_ZERO = _make(libmp.fzero)


def _to_mpf(x) -> mpmath.mpf:
    """Exact conversion: a Python/NumPy float is a dyadic rational, an int an integer; mpf holds
    both exactly (ints through from_int without a precision: ``mpf(int)`` would round to the
    ambient 53 bits)."""
    if isinstance(x, mpmath.mpf):
        return x
    if isinstance(x, float):
        return _make(libmp.from_float(x))  # 53 bits: exact
    if isinstance(x, int):
        return _make(libmp.from_int(int(x)))
    try:  # numpy scalars
        if not hasattr(x, "dtype") or x.dtype.kind == "f":
            return mpmath.mpf(float(x))
        return _make(libmp.from_int(int(x)))
    except TypeError as exc:  # pragma: no cover - defensive
        raise TypeError(f"cannot use {type(x).__name__} as an exact number") from exc


def _val(mid: mpmath.mpf, rad: mpmath.mpf) -> "Val":
    """A Val from an mpf midpoint and a non-negative mpf radius, skipping __post_init__."""
    v = object.__new__(Val)
    object.__setattr__(v, "mid", mid)
    object.__setattr__(v, "rad", rad)
    return v


@dataclass(frozen=True)
class Val:
    """A real number known to lie in [mid - rad, mid + rad]."""

    mid: mpmath.mpf
    rad: mpmath.mpf = field(default_factory=lambda: mpmath.mpf(0))

    def __post_init__(self):
        object.__setattr__(self, "mid", _to_mpf(self.mid))
        object.__setattr__(self, "rad", _make(libmp.mpf_abs(_to_mpf(self.rad)._mpf_, _PREC, _RND)))

    # -- construction -------------------------------------------------------------
    @staticmethod
    def exact(x) -> "Val":
        return _val(_to_mpf(x), _ZERO)

    @staticmethod
    def of(x) -> "Val":
        return x if isinstance(x, Val) else Val.exact(x)

    # -- inspection ---------------------------------------------------------------
    @property
    def lo(self):
        with mpmath.workdps(RELATION_DPS):
            return self.mid - self.rad

    @property
    def hi(self):
        with mpmath.workdps(RELATION_DPS):
            return self.mid + self.rad

    def is_finite(self) -> bool:
        return bool(mpmath.isfinite(self.mid) and mpmath.isfinite(self.rad))

    def __float__(self) -> float:
        return float(self.mid)

    def __repr__(self) -> str:
        return f"{mpmath.nstr(self.mid, 17)} ± {mpmath.nstr(self.rad, 3)}"

    # -- arithmetic (radius propagation is exact for +, -, and bounds the rest) ----
    def __add__(self, other):
        o = other if isinstance(other, Val) else Val.exact(other)
        return _val(_make(libmp.mpf_add(self.mid._mpf_, o.mid._mpf_, _PREC, _RND)),
                    _make(libmp.mpf_add(self.rad._mpf_, o.rad._mpf_, _PREC, _RND)))

    __radd__ = __add__

    def __neg__(self):
        # every operation on midpoints runs at RELATION_DPS (_PREC bits): at the ambient 53
        # bits mpmath would destroy a certified 1e-55 radius
        return _val(_make(libmp.mpf_neg(self.mid._mpf_, _PREC, _RND)), self.rad)

    def __sub__(self, other):
        return self + (-Val.of(other))

    def __rsub__(self, other):
        return Val.of(other) - self

    def __mul__(self, other):
        o = other if isinstance(other, Val) else Val.exact(other)
        a, b, ra, rb = self.mid._mpf_, o.mid._mpf_, self.rad._mpf_, o.rad._mpf_
        P, R, mul, add, fabs = _PREC, _RND, libmp.mpf_mul, libmp.mpf_add, libmp.mpf_abs
        # |ab - a'b'| <= |a| rb + |b| ra + ra rb  (exact bound, not first order)
        rad = add(add(mul(fabs(a, P, R), rb, P, R), mul(fabs(b, P, R), ra, P, R), P, R), mul(ra, rb, P, R), P, R)
        return _val(_make(mul(a, b, P, R)), _make(rad))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = Val.of(other)
        with mpmath.workdps(RELATION_DPS):
            if abs(o.mid) <= o.rad:
                # The divisor's interval contains zero: the quotient is unbounded.
                return Val(mpmath.mpf(0), mpmath.inf)
            q = self.mid / o.mid
            # |a/b - a'/b'| <= (|a| rb + |b| ra) / (|b| (|b| - rb))
            r = (abs(self.mid) * o.rad + abs(o.mid) * self.rad) / (abs(o.mid) * (abs(o.mid) - o.rad))
            return Val(q, r)

    def __rtruediv__(self, other):
        return Val.of(other) / self

    def __abs__(self):
        return _val(_make(libmp.mpf_abs(self.mid._mpf_, _PREC, _RND)), self.rad)

    def __pow__(self, p):
        """x**p for a real constant p, on x >= 0 (norms, singular values)."""
        return monotone(lambda t: t ** _to_mpf(p) if t > 0 else (mpmath.mpf(0) if p > 0 else mpmath.inf), self, nonneg=True)


def monotone(f, x: Val, nonneg: bool = False) -> Val:
    """Apply a monotone function f to an interval; the image interval is [f(lo), f(hi)]."""
    with mpmath.workdps(RELATION_DPS):
        lo, hi = x.lo, x.hi
        if nonneg:
            lo = max(lo, mpmath.mpf(0))
            hi = max(hi, mpmath.mpf(0))
        a, b, m = f(lo), f(hi), f(max(x.mid, mpmath.mpf(0)) if nonneg else x.mid)
        lo_f, hi_f = min(a, b), max(a, b)
        return Val(m, max(hi_f - m, m - lo_f))


def sqrt(x: Val) -> Val:
    return monotone(mpmath.sqrt, x, nonneg=True)


def vmax(vals: Iterable[Val]) -> Val:
    vals = [Val.of(v) for v in vals]
    with mpmath.workdps(RELATION_DPS):
        lo = max(v.lo for v in vals)
        hi = max(v.hi for v in vals)
        mid = max(v.mid for v in vals)
        return Val(mid, max(hi - mid, mid - lo))


def vsum(vals: Iterable[Val]) -> Val:
    total = Val.exact(0)
    for v in vals:
        total = total + v
    return total


# ----------------------------------------------------------------------------------
# Relations
# ----------------------------------------------------------------------------------

@dataclass
class Relation:
    """One comparison produced by a property.

    ``ok`` is decided from the radii: a relation fails only when it is *definitely*
    false (``le``/``eq``) or not definitely true (``lt``, ``holds_that``).
    """

    kind: str  # "le", "eq", "lt", "pred"
    lhs: Val | None
    rhs: Val | None
    text: str
    ok: bool | None  # None: undecided (an unbounded radius)
    gap: object = None  # how far past the relation the values are (>0 means violated)
    slack: object = None  # the allowed slack: sum of the radii

    def describe(self) -> str:
        if self.kind == "pred":
            return f"{self.text}: {'true' if self.ok else 'false'}"
        if self.ok is None:
            return f"{self.text}: undecided (lhs = {self.lhs!r}, rhs = {self.rhs!r})"
        op = {"le": "<=", "eq": "==", "lt": "<"}[self.kind]
        return (
            f"{self.text}:  lhs = {self.lhs!r}  {op}  rhs = {self.rhs!r}  "
            f"[gap {mpmath.nstr(self.gap, 4)}, slack {mpmath.nstr(self.slack, 4)}]"
        )

    def to_json(self) -> dict:
        d = {"relation": self.kind, "text": self.text, "ok": self.ok}
        if self.kind != "pred" and self.ok is not None:
            d.update(
                lhs=json_number(self.lhs.mid), lhs_radius=json_number(self.lhs.rad),
                rhs=json_number(self.rhs.mid), rhs_radius=json_number(self.rhs.rad),
                gap=json_number(self.gap), slack=json_number(self.slack),
            )
        return d


def json_number(x):
    """A float for JSON; non-finite values as the strings 'inf', '-inf', 'nan' (strict JSON)."""
    f = float(x)
    if f != f:
        return "nan"
    if f in (float("inf"), float("-inf")):
        return "inf" if f > 0 else "-inf"
    return f


def _finite_or_fail(kind, a, b, text):
    """A NaN/Inf *value* is a violation.  A finite value with an unbounded radius (an op
    that could not bound its error, e.g. a truncated SVD with no spectral gap) makes the
    relation *undecided* (ok = None): counted and reported, never taken as a pass."""
    if not (mpmath.isfinite(a.mid) and mpmath.isfinite(b.mid)):
        return Relation(kind, a, b, text + " (non-finite value)", False, mpmath.inf, mpmath.inf)
    if not (mpmath.isfinite(a.rad) and mpmath.isfinite(b.rad)):
        return Relation(kind, a, b, text + " (error bound unavailable)", None, mpmath.nan, mpmath.inf)
    return None


def le(a, b, text: str) -> Relation:
    """a <= b, violated when a - b exceeds the sum of the radii."""
    a, b = Val.of(a), Val.of(b)
    bad = _finite_or_fail("le", a, b, text)
    if bad:
        return bad
    with mpmath.workdps(RELATION_DPS):
        gap, slack = a.mid - b.mid, a.rad + b.rad
        return Relation("le", a, b, text, bool(gap <= slack), gap, slack)


def ge(a, b, text: str) -> Relation:
    """a >= b, written as b <= a (messages show the <= form)."""
    return le(b, a, text)


def eq(a, b, text: str) -> Relation:
    """a == b within the radii."""
    a, b = Val.of(a), Val.of(b)
    bad = _finite_or_fail("eq", a, b, text)
    if bad:
        return bad
    with mpmath.workdps(RELATION_DPS):
        gap, slack = abs(a.mid - b.mid), a.rad + b.rad
        return Relation("eq", a, b, text, bool(gap <= slack), gap, slack)


def lt(a, b, text: str) -> Relation:
    """a < b *definitely*: b - a must exceed the radii (used for strict/existential claims)."""
    a, b = Val.of(a), Val.of(b)
    bad = _finite_or_fail("lt", a, b, text)
    if bad:
        return bad
    with mpmath.workdps(RELATION_DPS):
        gap, slack = a.mid - b.mid, a.rad + b.rad
        return Relation("lt", a, b, text, bool(-gap > slack), gap, slack)


def gt(a, b, text: str) -> Relation:
    return lt(b, a, text)


def holds_that(cond: bool, text: str) -> Relation:
    """An exact predicate (shapes, signs known exactly)."""
    return Relation("pred", None, None, text, bool(cond))


def as_relations(result) -> list[Relation]:
    if isinstance(result, Relation):
        return [result]
    rels = list(result)
    if not rels:
        raise ValueError("a property returned no relation: it would assert nothing")
    for r in rels:
        if not isinstance(r, Relation):
            raise TypeError(f"a property must return Relation objects, got {type(r).__name__}")
    return rels


def all_ok(rels: Sequence[Relation]) -> bool:
    return all(r.ok is True for r in rels)


def log10_or_none(x: float) -> float | None:
    return math.log10(x) if x > 0 else None
