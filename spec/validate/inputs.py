"""The inputs validate judges a kernel on: the adversarial gallery (always evaluated, in a
fixed order) and the Hypothesis strategy of drawn inputs (shrunk to a minimal one on failure).

An input is a dict of exact specs, one per op argument (``{"A": MatrixSpec(...)}``), plus the
memory *layout* in which the worker hands the arrays to the kernel: ``contiguous`` (C order),
``transposed`` (a transposed view of a C-ordered buffer, i.e. Fortran order) or ``strided``
(every other column of a buffer twice as wide: neither C- nor F-contiguous).  Kernels that
reshape or take raw pointers assuming C order are caught by the last two.  The layout is part
of the input's JSON (``"layout": "strided"``), so a replay reproduces it.
"""
from __future__ import annotations

import math
from typing import Optional

from matspec.validate.contracts import Contract
from matspec.validate.dtypes import default_log10_scale_range, edge_scales, kappa_edge

LAYOUTS = ("contiguous", "transposed", "strided")


def layouts():
    """The layout of a drawn input: shrinks to ``contiguous``."""
    from hypothesis import strategies as st

    return st.sampled_from(LAYOUTS)


def judged_low(contract: Optional[Contract], max_dim: int, u_c: Optional[float]) -> float:
    """The low end of the σ/σ₁ range a band contract judges: just above the user's floor, or —
    with no floor — 20× above where directions stop being knowable at the compute precision
    (σ ≈ u_c‖A‖_F ≤ u_c√r·σ₁)."""
    fl = contract.floor if contract is not None and contract.floor else None
    return fl * 1.01 if fl else max(20 * (u_c or 2.0 ** -53) * math.sqrt(max(2, max_dim)), 1e-6)


def adversarial_cases(op: str, params: dict, dtype: str, scale_range: Optional[tuple[float, float]],
                      contract: Optional[Contract] = None, max_dim: int = 8, u_c: Optional[float] = None) -> list[tuple[str, dict]]:
    """(label, inputs) always evaluated before the drawn ones."""
    from matspec.inputs import ArraySpec, MatrixSpec

    lo_e, hi_e = edge_scales(dtype)
    if scale_range is not None:  # the user narrowed the scales: the report says so
        lo_e, hi_e = max(lo_e, scale_range[0]), min(hi_e, scale_range[1])
    kap = kappa_edge(dtype)
    M = MatrixSpec
    if op in ("matmul", "solve"):
        if op == "matmul":
            h_hi, h_lo = hi_e // 2 - 1, -(-lo_e // 2) + 1  # each factor at half the edge: the product reaches it
            cases = [
                ("zero matrix", {"A": ArraySpec.of([[0.0] * 3] * 3), "B": M(3, 3, log10_kappa=1, seed=1)}),
                ("1x1", {"A": M(1, 1, log10_scale=-1), "B": M(1, 1, log10_scale=1, seed=2)}),
                ("rank deficient", {"A": M(4, 4, mode="rank_deficient", rank=2, log10_kappa=1), "B": M(4, 3, log10_kappa=1, seed=3)}),
                ("huge scale", {"A": M(3, 3, log10_kappa=1, log10_scale=h_hi), "B": M(3, 3, log10_kappa=1, log10_scale=h_hi, seed=4)}),
                ("tiny scale", {"A": M(3, 3, log10_kappa=1, log10_scale=h_lo), "B": M(3, 3, log10_kappa=1, log10_scale=h_lo, seed=5)}),
                ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap), "B": M(4, 4, log10_kappa=kap, seed=6)}),
                ("tall x wide", {"A": M(6, 2, log10_kappa=1), "B": M(2, 6, log10_kappa=1, seed=7)}),
                ("wide x tall", {"A": M(2, 6, log10_kappa=1), "B": M(6, 2, log10_kappa=1, seed=8)}),
            ]
        else:
            b = ArraySpec.column([1.0, -2.0, 0.5, 3.0])
            cases = [
                ("1x1", {"A": M(1, 1, log10_scale=-1), "b": ArraySpec.column([3.0])}),
                ("huge scale", {"A": M(4, 4, log10_kappa=1, log10_scale=hi_e), "b": b}),
                ("tiny scale", {"A": M(4, 4, log10_kappa=1, log10_scale=lo_e), "b": b}),
                ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap), "b": b}),
            ]
        return cases
    if op in ("lstsq", "tikhonov_solve"):
        b4, b6 = ArraySpec.column([1.0, -2.0, 0.5, 3.0]), ArraySpec.column([1.0, -2.0, 0.5, 3.0, -1.0, 0.25])
        cases = [
            ("1x1", {"A": M(1, 1, log10_scale=-1), "b": ArraySpec.column([3.0])}),
            ("square", {"A": M(4, 4, log10_kappa=1), "b": b4}),
            ("tall", {"A": M(6, 2, log10_kappa=1), "b": b6}),
            ("huge scale", {"A": M(6, 3, log10_kappa=1, log10_scale=hi_e), "b": b6}),
            ("tiny scale", {"A": M(6, 3, log10_kappa=1, log10_scale=lo_e), "b": b6}),
            ("kappa near 1/u", {"A": M(6, 4, log10_kappa=kap), "b": b6}),
            ("rank deficient", {"A": M(6, 4, mode="rank_deficient", rank=2, log10_kappa=1), "b": b6}),
        ]
        if op == "lstsq":
            cases.append(("wide (minimum norm)", {"A": M(2, 4, log10_kappa=1), "b": ArraySpec.column([1.0, -1.0])}))
        return cases
    if op in ("cond", "eigvalsh"):
        # square inputs (eigvalsh: their symmetric part); cond(2) is defined for any shape but
        # the others are not, and κ of a rank-deficient input is ∞ (undecided by design)
        return [
            ("1x1", {"A": M(1, 1, log10_scale=-1)}),
            ("orthogonal (κ = 1)", {"A": M(4, 4, log10_kappa=0)}),
            ("graded", {"A": M(5, 5, mode="geometric", log10_kappa=3)}),
            ("huge scale", {"A": M(3, 3, log10_kappa=1, log10_scale=hi_e)}),
            ("tiny scale", {"A": M(3, 3, log10_kappa=1, log10_scale=lo_e)}),
            ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap)}),
            ("rank deficient", {"A": M(4, 4, mode="rank_deficient", rank=2, log10_kappa=1)}),
            ("transposed view (Fortran order)", {"A": M(4, 4, log10_kappa=1, seed=11), "layout": "transposed"}),
            ("strided view", {"A": M(3, 3, log10_kappa=1, seed=12), "layout": "strided"}),
        ]
    cases = [
        ("zero matrix", {"A": ArraySpec.of([[0.0] * 3] * 3)}),
        ("1x1", {"A": M(1, 1, log10_scale=-1)}),
        ("rank deficient", {"A": M(4, 4, mode="rank_deficient", rank=2, log10_kappa=1)}),
        ("huge scale", {"A": M(3, 3, log10_kappa=1, log10_scale=hi_e)}),
        ("tiny scale", {"A": M(3, 3, log10_kappa=1, log10_scale=lo_e)}),
        ("kappa near 1/u", {"A": M(4, 4, log10_kappa=kap)}),
        ("tall", {"A": M(6, 2, log10_kappa=1)}),
        ("wide", {"A": M(2, 6, log10_kappa=1)}),
    ]
    cases += [("transposed view (Fortran order)", {"A": M(4, 3, log10_kappa=1, seed=11), "layout": "transposed"}),
              ("strided view", {"A": M(3, 4, log10_kappa=1, seed=12), "layout": "strided"})]
    if op == "mclip":
        # singular values on both sides of [lo, hi] (and inside it): σ₁ = 10^⌈log10 2hi⌉, σ_min near lo/2
        lo, hi = params["lo"], params["hi"]
        if hi > 0:
            sc = math.ceil(math.log10(2 * hi))
            lk = math.log10(10.0 ** sc / (lo / 2)) if lo > 0 else 4.0
            sc = min(max(sc, lo_e), hi_e)
            cases.append(("sigma across [lo, hi]", {"A": M(5, 5, mode="geometric", log10_kappa=round(min(max(lk, 0.0), 300.0), 4),
                                                          log10_scale=sc)}))
    if op in ("msign", "newton_schulz"):
        # Spectrum sweeps over the range the contract judges, σ/σ₁ ∈ [low, 1]: low is just above
        # the user's band floor, or — with no floor — where directions stop being knowable at
        # the compute precision (σ ≈ u_c‖A‖_F ≤ u_c√r·σ₁; 20× above it).  A normalising kernel
        # sees x = σ/‖A‖_F, so the same σ/σ₁ reaches it smaller at larger r: the sweeps use the
        # largest r drawn.
        r = max(2, max_dim)
        lk = round(-math.log10(judged_low(contract, max_dim, u_c)), 4)
        cases += [
            # singular values log-spaced over the whole judged range
            ("spectrum sweep", {"A": M(r, r, mode="geometric", log10_kappa=lk, seed=21)}),
            ("spectrum sweep, tall", {"A": M(r, max(1, r // 2), mode="geometric", log10_kappa=lk, seed=22)}),
            # the worst case for a floor: one σ at it beside r − 1 at σ₁, which a
            # Frobenius-normalising kernel sees at x = floor/√(r − 1 + floor²)
            ("one small sigma", {"A": M(r, r, mode="one_small", log10_kappa=lk)}),
        ]
    need = params.get("k") if op == "norm" and params.get("kind") == "kyfan" else None
    if need:
        cases = [(lbl, c) for lbl, c in cases if min(c["A"].m, c["A"].n) >= need]
    return cases


def drawn_scale_range(op: str, params: dict, dtype: str, scale_range: Optional[tuple[float, float]]) -> tuple[float, float]:
    """log10 scales Hypothesis draws.  mclip is not scale invariant: lo and hi are absolute, and
    matrices far above hi or far below lo only test a constant map, so its default window is
    three decades either side of max(|lo|, |hi|) (inside the dtype's range; the gallery still
    probes the range edges)."""
    if scale_range is not None:
        return scale_range
    dlo, dhi = default_log10_scale_range(dtype)
    if op == "mclip":
        big = max(abs(params["lo"]), abs(params["hi"]))
        c = math.floor(math.log10(big)) if big > 0 else 0
        return max(dlo, c - 3), min(dhi, c + 3)
    return dlo, dhi


def input_strategy(op: str, params: dict, dtype: str, max_dim: int, scale_range: Optional[tuple[float, float]]):
    from hypothesis import strategies as st

    from matspec.implementations.base import Domain
    from matspec.strategies import gallery_matrices, matrices, pairs_for_product, vectors

    lo, hi = drawn_scale_range(op, params, dtype, scale_range)
    dom = Domain(max_dim=max_dim, log10_scale=(lo, hi))
    if op == "matmul":
        return st.tuples(pairs_for_product(dom), layouts()).map(lambda t: {"A": t[0][0], "B": t[0][1], "layout": t[1]})
    if op in ("solve", "lstsq", "tikhonov_solve"):
        @st.composite
        def build(draw):
            A = draw(matrices(dom, square=op == "solve", full_rank=True, continuous_kappa=True))
            return {"A": A, "b": draw(vectors(dom, n=A.m)), "layout": draw(layouts())}
        return build()
    if op in ("cond", "eigvalsh"):
        return st.tuples(matrices(dom, square=True, continuous_kappa=True), layouts()).map(
            lambda t: {"A": t[0], "layout": t[1]})
    min_dim = params.get("k", 1) if op == "norm" and params.get("kind") == "kyfan" else 1
    drawn = matrices(dom, min_dim=min_dim, continuous_kappa=True)
    if lo <= -1 and hi >= 1:
        # the structured gallery (Hilbert, Kahan, Grcar, …) has ‖A‖₂ within a decade of 1:
        # drawn only where the scale window holds it
        drawn = st.one_of(drawn, gallery_matrices(dom, kinds=None, max_dim=max_dim).filter(lambda g: g.n >= min_dim))
    return st.tuples(drawn, layouts()).map(lambda t: {"A": t[0], "layout": t[1]})

