import math

import mpmath
import pytest

from matspec.values import Val, as_relations, eq, ge, gt, holds_that, le, lt, sqrt, vmax, vsum


def test_radius_propagation_bounds_the_truth():
    # a in [0.875, 1.125], b in [1.75, 2.25] (dyadic: exact): every combination must lie inside
    a, b = Val(1.0, 0.125), Val(2.0, 0.25)
    for op in (lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y):
        r = op(a, b)
        for x in (0.875, 1.0, 1.125):
            for y in (1.75, 2.0, 2.25):
                with mpmath.workdps(100):  # the reference itself must not round
                    assert r.lo <= op(mpmath.mpf(x), mpmath.mpf(y)) <= r.hi


def test_sqrt_and_pow_are_enclosures():
    v = Val(4.0, 0.5)
    s = sqrt(v)
    p = v ** 3
    with mpmath.workdps(100):
        assert s.lo <= mpmath.sqrt(3.5) and mpmath.sqrt(4.5) <= s.hi
        assert p.lo <= 3.5 ** 3 and 4.5 ** 3 <= p.hi


def test_division_by_interval_containing_zero_is_unbounded():
    assert not (Val(1.0) / Val(0.0, 1e-3)).is_finite()


def test_relations_use_radii_not_chosen_tolerances():
    assert le(Val(1.0 + 2.0 ** -40, 2.0 ** -39), 1.0, "x").ok  # within the radius
    assert not le(Val(1.0 + 1e-9, 1e-12), 1.0, "x").ok  # definitely above
    assert eq(Val(2.0, 1e-15), Val(2.0 + 1e-15, 0), "x").ok
    assert not eq(Val(2.0, 1e-16), Val(2.0 + 1e-15, 0), "x").ok
    assert ge(3, 2, "x").ok and not ge(2, 3, "x").ok


def test_strict_relations_need_a_definite_margin():
    assert lt(Val(1.0), Val(2.0), "x").ok
    assert not lt(Val(1.0, 0.6), Val(2.0, 0.6), "x").ok  # overlap: not definitely less
    assert gt(Val(2.0), 1.0, "x").ok


def test_nan_is_a_violation_and_unbounded_radius_is_undecided():
    assert le(Val(math.nan), 1.0, "x").ok is False
    assert eq(Val(1.0, math.inf), 1.0, "x").ok is None


def test_property_returning_nothing_is_rejected():
    with pytest.raises(ValueError, match="assert nothing"):
        as_relations([])
    with pytest.raises(TypeError):
        as_relations([True])
    assert holds_that(True, "t").ok and not holds_that(False, "f").ok


def test_vmax_vsum():
    assert vmax([Val(1, 0.1), Val(2, 0.1)]).mid == 2
    assert vsum([Val(1, 0.1), Val(2, 0.2)]).rad == pytest.approx(0.3)


def test_unary_ops_keep_full_precision():
    """-v and |v| must not round the midpoint to the ambient 53-bit precision."""
    import mpmath

    with mpmath.workdps(60):
        x = mpmath.mpf(1) / 3
        v = Val(x, mpmath.mpf(10) ** -58)
    ws = (-v, abs(-v))
    lo = v.lo
    with mpmath.workdps(100):
        for w in ws:
            assert abs(abs(w.mid) - x) < mpmath.mpf(10) ** -58
        assert abs(lo - (x - mpmath.mpf(10) ** -58)) < mpmath.mpf(10) ** -90
