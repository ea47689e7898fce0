"""Hypothesis strategies that draw *parameters* (shape, mode, κ, scale, seed), never raw
entries, so that shrinking ends at a small readable spec such as
``MatrixSpec(m=2, n=1, mode='geometric', log10_kappa=0, log10_scale=0, seed=0)``.

Every strategy takes the evaluator's :class:`~matspec.implementations.base.Domain`, so the
same claim draws scales inside float32's range for a float32 backend and up to 1e±150 for
the oracle and float64.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from matspec.implementations.base import Domain
from matspec.inputs import MODES, ArraySpec, MatrixSpec, OrthogonalSpec
from matspec.gallery import GallerySpec, gallery_kinds

SEEDS = st.integers(min_value=0, max_value=2**16)


def dims(domain: Domain, lo: int = 1, hi: int | None = None):
    hi = domain.max_dim if hi is None else min(hi, domain.max_dim)
    return st.integers(min_value=lo, max_value=max(lo, hi))


def log10_kappas(domain: Domain, continuous: bool = False):
    """Whole decades, shrinking to 0 (κ = 1) — or, with `continuous`, any value in hundredths of a
    decade (still shrinking to 0): kernels whose failure lives between whole decades (a
    Newton–Schulz run with too few steps fails at κ = 10^1.5) need those draws."""
    if continuous:
        return st.integers(min_value=0, max_value=100 * domain.max_log10_kappa).map(lambda k: k / 100)
    return st.integers(min_value=0, max_value=domain.max_log10_kappa)


def log10_scales(domain: Domain):
    """Whole decades inside the Domain's window, shrinking toward the decade nearest 0 (scale 1),
    plus the window's two edges on purpose.  The window may be any (fractional) interval, e.g.
    a user's ``--scale-range=17.5,21``: a window holding no whole decade draws its edges only."""
    lo, hi = domain.log10_scale
    ilo, ihi = math.ceil(lo), math.floor(hi)
    edges = st.sampled_from(sorted({lo, hi}))
    if ilo > ihi:
        return edges
    near0 = min(max(0, ilo), ihi)  # the whole decade of the window closest to scale 1
    return st.one_of(st.integers(min_value=max(ilo, min(-3, near0)), max_value=min(ihi, max(3, near0))),
                     edges, st.integers(ilo, ihi))


@st.composite
def matrices(draw, domain: Domain, m=None, n=None, min_dim: int = 1, max_dim: int | None = None,
             modes=MODES, square: bool = False, full_rank: bool = False, continuous_kappa: bool = False):
    """randsvd-style matrices with prescribed singular values (xLATMS modes)."""
    mm = m if m is not None else draw(dims(domain, min_dim, max_dim))
    nn = n if n is not None else (mm if square else draw(dims(domain, min_dim, max_dim)))
    usable = [md for md in modes if not (full_rank and md == "rank_deficient")]
    if min(mm, nn) == 1:
        usable = [md for md in usable if md != "rank_deficient"] or ["geometric"]
    mode = draw(st.sampled_from(usable))
    rank = draw(st.integers(0, min(mm, nn) - 1)) if mode == "rank_deficient" else None
    return MatrixSpec(
        m=mm, n=nn, mode=mode,
        log10_kappa=draw(log10_kappas(domain, continuous_kappa)),
        log10_scale=draw(log10_scales(domain)),
        seed=draw(SEEDS),
        rank=rank,
    )


@st.composite
def gallery_matrices(draw, domain: Domain, n=None, kinds=None, max_dim: int | None = None):
    kinds = tuple(kinds) if kinds else gallery_kinds()
    kind = draw(st.sampled_from(kinds))
    size = n if n is not None else draw(dims(domain, 1, max_dim))
    return GallerySpec(kind=kind, n=size, seed=draw(st.integers(0, 2**10)))


def any_matrix(domain: Domain, **kw):
    """Either a randsvd matrix (any shape) or a square gallery matrix."""
    square_kw = {k: v for k, v in kw.items() if k == "max_dim"}
    return st.one_of(matrices(domain, **kw), gallery_matrices(domain, **square_kw))


def orthogonals(n: int):
    return SEEDS.map(lambda s: OrthogonalSpec(n=n, seed=s))


def vector_top(domain: Domain) -> float:
    """Largest magnitude vector_entries draws: 1e3, or 10^(hi/4) with hi the Domain's largest
    scale exponent when that is smaller (float16, whose window is 1e±2).  The quarter keeps
    |x_i|^p (p ≤ 4) and Σ x_i y_i over 16 entries finite in the format: float16 overflowed
    at 65504 on ⟨x, y⟩ with entries near 300 before this bound."""
    return min(1e3, float(np.float32(10.0 ** (domain.log10_scale[1] / 4))))


def vector_entries(domain: Domain):
    """Vector entries: small integers (shrink to 0/±1) or float32-representable magnitudes
    in [10^(lo/4), vector_top(domain)] with lo the Domain's smallest scale exponent.  The
    quarter keeps |x_i|^p for the exponents the catalogue uses (p ≤ 4) inside the normal
    range, and no subnormals are drawn (both found by the axioms claims on float32)."""
    lo = float(np.float32(10.0 ** (domain.log10_scale[0] / 4)))
    top = vector_top(domain)
    mag = st.floats(min_value=min(lo, top), max_value=top, width=32, allow_subnormal=False).map(float)
    return st.one_of(st.integers(-4, 4).map(float),
                     st.tuples(st.sampled_from([1.0, -1.0]), mag).map(lambda t: t[0] * t[1]))


def vectors(domain: Domain, n=None, max_dim: int | None = None, allow_zero: bool = True):
    """Column vectors with explicit entries (see vector_entries)."""

    @st.composite
    def build(draw):
        size = n if n is not None else draw(dims(domain, 1, max_dim))
        vals = draw(st.lists(vector_entries(domain), min_size=size, max_size=size))
        if not allow_zero and all(v == 0 for v in vals):
            vals[0] = 1.0
        return ArraySpec.column(vals)

    return build()


def half_scale(domain: Domain) -> Domain:
    """The Domain with half the scale range: products of two such matrices stay inside."""
    lo, hi = domain.log10_scale
    return Domain(domain.max_dim, (-(-lo // 2), hi // 2), domain.max_log10_kappa)


def pairs_for_product(domain: Domain, max_dim: int | None = None):
    """(A, B) with A m×k and B k×n."""

    half = half_scale(domain)  # AB must not overflow where A and B alone do not

    @st.composite
    def build(draw):
        m, k, n = (draw(dims(domain, 1, max_dim)) for _ in range(3))
        return draw(matrices(half, m=m, n=k)), draw(matrices(half, m=k, n=n))

    return build()


def same_shape_pair(domain: Domain, max_dim: int | None = None, **kw):
    @st.composite
    def build(draw):
        m, n = draw(dims(domain, 1, max_dim)), draw(dims(domain, 1, max_dim))
        return draw(matrices(domain, m=m, n=n, **kw)), draw(matrices(domain, m=m, n=n, **kw))

    return build()
