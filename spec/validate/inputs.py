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
from matspec.validate.ops import SQUARE_OPS

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
    if fl and contract.floor_of == "fro":
        # a floor on ‖A‖_F: its worst case is one σ at F·‖A‖_F beside r − 1 at σ₁, i.e. at
        # σ/σ₁ = F·√(r − 1) (to first order in F)
        return min(fl * 1.01 * math.sqrt(max(max_dim - 1, 1)), 0.5)
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


def with_neighbours(shapes: list) -> list:
    """The given shapes and their tile neighbours (M ± 1, N ± 1): a kernel that drops the last
    partial tile, or switches code paths at a multiple of 128, fails on 129 or 127 and passes on
    128.  Sizes are never bisected (a tiling bug is not monotone in n)."""
    out = []
    for b, m, n in shapes:
        for dm, dn in ((0, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)):
            sh = (b, m + dm, n + dn)
            if min(sh[1:]) >= 1 and sh not in out:
                out.append(sh)
    return out


def sized_strategy(op: str, shapes: list, dom, small_max: int):
    """Drawn inputs at the user's shapes (and their tile neighbours): each matrix — each member
    of a batch, independently — draws its own mode, κ (continuous), scale and seed; an exact
    MatrixSpec up to `small_max` (the oracle judges it), a SizedSpec beyond."""
    from hypothesis import strategies as st

    from matspec.inputs import MODES, ArraySpec
    from matspec.sized import BatchSpec, matrix_spec
    from matspec.strategies import SEEDS, log10_kappas, log10_scales

    grid = with_neighbours(shapes)

    @st.composite
    def build(draw):
        b, m, n = draw(st.sampled_from(grid))

        def member(mm, nn):
            usable = [md for md in MODES if not (md == "rank_deficient" and (min(mm, nn) == 1 or op in ("solve", "cond")))]
            mode = draw(st.sampled_from(usable))
            rank = draw(st.integers(0, min(mm, nn) - 1)) if mode == "rank_deficient" else None
            return matrix_spec(mm, nn, small_max, mode=mode, log10_kappa=draw(log10_kappas(dom, True)),
                               log10_scale=draw(log10_scales(dom)), seed=draw(SEEDS), rank=rank)

        A = member(m, n) if b == 1 else BatchSpec(tuple(member(m, n) for _ in range(b)))
        d = {"A": A, "layout": draw(layouts())}
        if op == "matmul":
            d["B"] = member(n, n)
        if op in ("solve", "lstsq", "tikhonov_solve"):
            d["b"] = (ArraySpec.column([((-1.0) ** i) * (1 + i % 7) for i in range(m)]) if m <= small_max
                      else matrix_spec(m, 1, small_max, seed=draw(SEEDS)))
        return d

    return build()


def sized_cases(op: str, shapes: list, contract: Optional[Contract], u_c: float, small_max: int,
                window: Optional[tuple]) -> list[tuple[str, dict]]:
    """Gallery cases at each user shape: a spectrum sweep over the judged range (and, for a band
    contract, the floor's worst case), a strided (non-contiguous) view, and — for a batch — members
    at different scales and spectra, which a kernel normalising the batch as a whole fails."""
    from matspec.sized import BatchSpec, matrix_spec

    out = []
    lo_w, hi_w = (window if window is not None else (-3, 3))
    for b, m, n in shapes:
        r = min(m, n)
        band = contract is not None and contract.kind == "band" and op in ("msign", "newton_schulz")
        lk = round(-math.log10(judged_low(contract, r, u_c)), 4) if band else 3.0
        at = f"{m}x{n}"
        sweep = matrix_spec(m, n, small_max, mode="geometric", log10_kappa=lk, seed=41)
        nb = f"{m + 1}x{n + 1}"  # a tile neighbour: a kernel that drops the last partial tile fails here
        cases = [(f"spectrum sweep at {at}", {"A": sweep}),
                 (f"spectrum sweep at {nb}", {"A": matrix_spec(m + 1, n + 1, small_max, mode="geometric",
                                                                log10_kappa=lk, seed=44)}),
                 (f"strided view at {at}", {"A": matrix_spec(m, n, small_max, mode="log_uniform", log10_kappa=2, seed=42),
                                             "layout": "strided"})]
        if band:
            cases.append((f"one small sigma at {at}", {"A": matrix_spec(m, n, small_max, mode="one_small",
                                                                         log10_kappa=lk, seed=43)}))
        if b > 1:
            scales = [lo_w + (hi_w - lo_w) * k / max(b - 1, 1) for k in range(b)]
            modes = ["geometric", "one_large", "log_uniform", "arithmetic"]
            members = tuple(matrix_spec(m, n, small_max, mode=modes[k % 4], log10_kappa=1 + k % 3,
                                        log10_scale=round(scales[k], 2), seed=50 + k) for k in range(b))
            cases.append((f"batch of {b} at {at}, different scales and spectra", {"A": BatchSpec(members)}))
        out += cases
    return out


def input_strategy(op: str, params: dict, dtype: str, max_dim: int, scale_range: Optional[tuple[float, float]],
                   shapes: Optional[list] = None, small_max: int = 64):
    from hypothesis import strategies as st

    from matspec.implementations.base import Domain
    from matspec.strategies import gallery_matrices, matrices, pairs_for_product, vectors

    lo, hi = drawn_scale_range(op, params, dtype, scale_range)
    dom = Domain(max_dim=max_dim, log10_scale=(lo, hi))
    if shapes:
        return sized_strategy(op, shapes, dom, small_max)
    if op == "matmul":
        return st.tuples(pairs_for_product(dom), layouts()).map(lambda t: {"A": t[0][0], "B": t[0][1], "layout": t[1]})
    if op in ("solve", "lstsq", "tikhonov_solve"):
        @st.composite
        def build(draw):
            A = draw(matrices(dom, square=op in SQUARE_OPS, full_rank=True, continuous_kappa=True))
            return {"A": A, "b": draw(vectors(dom, n=A.m)), "layout": draw(layouts())}
        return build()
    if op in ("cond", "eigvalsh"):
        return st.tuples(matrices(dom, square=op in SQUARE_OPS, continuous_kappa=True), layouts()).map(
            lambda t: {"A": t[0], "layout": t[1]})
    min_dim = params.get("k", 1) if op == "norm" and params.get("kind") == "kyfan" else 1
    drawn = matrices(dom, min_dim=min_dim, continuous_kappa=True)
    if lo <= -1 and hi >= 1:
        # the structured gallery (Hilbert, Kahan, Grcar, …) has ‖A‖₂ within a decade of 1:
        # drawn only where the scale window holds it
        drawn = st.one_of(drawn, gallery_matrices(dom, kinds=None, max_dim=max_dim).filter(lambda g: g.n >= min_dim))
    return st.tuples(drawn, layouts()).map(lambda t: {"A": t[0], "layout": t[1]})

