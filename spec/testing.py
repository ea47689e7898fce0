"""``matspec.testing``: matspec's inputs and error model for your own property tests.

For people who write their own tests rather than run ``matspec validate``: Hypothesis strategies
that yield arrays (NumPy or torch; dtype, device, shape, batch) *together with their exact spec* —
so a failure shrinks to a readable input and replays — and assertion helpers in the style of
``torch.testing.assert_close`` that apply matspec's derived error model and contracts to one
output::

    from hypothesis import given
    from matspec.testing import arrays, assert_msign

    @given(arrays(shape=(64, 48), dtype="bfloat16", framework="torch"))
    def test_my_newton_schulz(case):
        out = my_newton_schulz(case.array)
        assert_msign(out, case, contract="band:0.55,1.3,floor_fro=0.002", compute_dtype="bfloat16")

The helpers judge exactly as ``matspec validate`` does (the certified oracle up to 64×64, the
float64 a-posteriori tier beyond; the precision model; rounding-path references; undecided
where an allowance is vacuous) but in your process, on an output you computed: no isolation,
no gallery, no search — your test's strategy is the search.  An undecided judgement raises
:class:`Undecided` (a failure, never a silent pass); pass ``undecided="skip"`` to skip instead.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

__all__ = ["Case", "Undecided", "arrays", "assert_msign", "assert_op", "assert_svdvals"]


class Undecided(AssertionError):
    """matspec could not decide: an allowance reaches the property it guards, or its reference is
    not accurate enough at this size.  Never a pass."""


@dataclass(frozen=True)
class Case:
    """One drawn input: the exact spec (its repr is the readable, replayable counterexample), the
    float64 values every reference judges, and the array handed to your kernel."""

    spec: Any
    array64: np.ndarray
    array: Any
    dtype: str
    framework: str
    device: str = "cpu"

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        return f"Case({self.spec!r}, dtype={self.dtype}, framework={self.framework})"


def _to_framework(X64: np.ndarray, framework: str, dtype: str, device: str):
    from matspec.validate.worker import build_input

    return build_input(X64, framework, dtype, "contiguous", device)


def arrays(*, shape=None, dtype: str = "float64", framework: str = "numpy", device: str = "cpu", max_dim: int = 8,
           batch: Optional[int] = None, max_log10_kappa: int = 16, log10_scale: Optional[tuple] = None):
    """A Hypothesis strategy of :class:`Case`: matrices with prescribed singular values (randsvd
    modes, κ drawn continuously up to 10^max_log10_kappa, scale in the dtype's safe window or
    `log10_scale`), of `shape` (a fixed (M, N) or (B, M, N), or drawn up to `max_dim`), optionally
    batched (`batch` members, each drawn independently), rounded exactly to `dtype` and handed over
    as a `framework` array on `device`."""
    from hypothesis import strategies as st

    from matspec.implementations.base import Domain
    from matspec.strategies import matrices
    from matspec.validate.dtypes import default_log10_scale_range, round_to_dtype
    from matspec.validate.inputs import sized_strategy
    from matspec.validate.judge64 import ORACLE_MAX

    lo, hi = log10_scale if log10_scale is not None else default_log10_scale_range(dtype)
    dom = Domain(max_dim=max_dim, log10_scale=(lo, hi), max_log10_kappa=max_log10_kappa)
    if shape is not None:
        shp = tuple(shape)
        b, m, n = shp if len(shp) == 3 else (batch or 1, shp[0], shp[1])
        specs = sized_strategy("svdvals", [(b, m, n)], dom, small_max=ORACLE_MAX).map(lambda d: d["A"])
    elif batch:
        from matspec.sized import BatchSpec

        @st.composite
        def batched(draw):
            m, n = draw(st.integers(1, max_dim)), draw(st.integers(1, max_dim))
            return BatchSpec(tuple(draw(matrices(dom, m=m, n=n, continuous_kappa=True)) for _ in range(batch)))

        specs = batched()
    else:
        specs = matrices(dom, continuous_kappa=True)

    def make(spec):
        from matspec.inputs import InputError

        X64, _ = spec.to_numpy(np.float64)
        try:
            X = round_to_dtype(X64, dtype)
        except InputError:
            from hypothesis import reject

            reject()  # not representable in this dtype: draw again
        return Case(spec, X, _to_framework(X, framework, dtype, device), dtype, framework, device)

    return specs.map(make)


def _describe(out) -> tuple[dict, str]:
    """describe_output's dict of an array (what validate's worker reports) and its framework."""
    from matspec.validate.worker import describe_output

    fw = "numpy" if isinstance(out, (np.ndarray, np.generic)) else "torch"
    return describe_output(out, fw), fw


def _values64(out) -> tuple[np.ndarray, str]:
    d, _ = _describe(out)
    if d["values"] is None:
        raise AssertionError(f"output is {d['type']} ({d['dtype']}), not a floating array")
    return np.asarray(d["values"], dtype=np.float64), d["dtype"]


# λ of the probabilistic allowances (tolerance.lambda_for): `bound_count` bounds all hold with
# probability ≥ 1 − `false_alarm` (a union bound).  As in validate, the bounds are counted as the
# judged outputs × their entries × 8 accumulations per entry: the default 10⁶ covers 125 000 judged
# entries in one test — ≈ 1 900 outputs of 8 × 8 (a Hypothesis test's 100 examples and its
# shrinking, many times over) or 30 of 64 × 64 — each holding with probability ≥ 1 − 10⁻³ together.
# λ = √(2 ln(2·count/α)) grows slowly: 6.5 at 10⁶, 7.2 at 10⁸; pass a larger `bound_count` for
# larger outputs or longer runs.
BOUND_COUNT = 1e6
FALSE_ALARM = 1e-3


def assert_op(op: str, out, *inputs, params: Optional[dict] = None, contract: str = "exact",
              compute_dtype: Optional[str] = None, accumulate: Optional[str] = None, device: Optional[str] = None,
              undecided: str = "raise", bound_count: float = BOUND_COUNT, false_alarm: float = FALSE_ALARM):
    """Judge one output of `op` on `inputs` (Cases or arrays) as ``matspec validate`` would — the
    same output checks (type, shape, device, NaN/Inf; a cond of +∞ is judged, not rejected) and the
    same member-by-member judgement of a batch; raise AssertionError with the measured and allowed
    error (and the input) when it fails, Undecided when matspec cannot decide (or skip the test with
    ``undecided="skip"``).  `device`: where the output should be (default: the Case's device, else
    cpu).  `bound_count`, `false_alarm`: see BOUND_COUNT.  Returns the judgement."""
    from matspec.tolerance import lambda_for
    from matspec.validate.contracts import parse_contract
    from matspec.validate.judge import OpJudge
    from matspec.validate.ops import OP_PARAMS, arg_names, out_shape, prepare_args
    from matspec.validate.precision import Precision
    from matspec.validate.validator import judge_members, output_problem

    if undecided not in ("raise", "skip"):
        raise ValueError("undecided must be 'raise' or 'skip'")
    names = arg_names(op)
    if len(inputs) != len(names):
        raise TypeError(f"{op} takes {len(names)} input(s) {names}, got {len(inputs)}")
    params = dict(params or {})
    unknown = set(params) - set(OP_PARAMS[op])
    if unknown:
        raise TypeError(f"unknown parameter(s) {sorted(unknown)} for {op}")
    cases = [x if isinstance(x, Case) else None for x in inputs]
    if device is None:
        device = next((c.device for c in cases if c is not None), "cpu")
    args64 = []
    in_dtype = None
    for x, c in zip(inputs, cases):
        if c is not None:
            args64.append(np.asarray(c.array64, dtype=np.float64))
            in_dtype = in_dtype or c.dtype
        else:
            v, dt = _values64(x)
            args64.append(v)
            in_dtype = in_dtype or dt
    args64 = prepare_args(op, args64)
    d, fw = _describe(out)
    want = tuple(out_shape(op, [a.shape for a in args64]))
    where = ", ".join(repr(c) if c is not None else f"array{tuple(a.shape)}" for c, a in zip(cases, args64))
    # the output's own dtype is its declared one (validate's --out-dtype): the precision model follows it
    problem = output_problem(d, want, op, fw, in_dtype, d["dtype"], device)
    if problem:
        raise AssertionError(f"{op}: the output {problem} (input {where})")
    prec = Precision.of(in_dtype, d["dtype"], compute_dtype, accumulate, device)
    judge = OpJudge(op, params, parse_contract(contract, op), prec, lambda_for(bound_count, false_alarm))
    state, j, reason = judge_members(judge, {}, args64, np.asarray(d["values"], dtype=np.float64))
    if state == "fail":
        allowed = "—" if j is None or j.allowed is None else f"{j.allowed:.4g}"
        measured = "—" if j is None or j.measured is None else f"{j.measured:.4g}"
        tier = "" if j is None else j.detail.get("reference_tier", "")
        raise AssertionError(f"{op}: {reason}; measured {measured}, allowed {allowed} "
                             f"[{prec.describe()}; {tier}] — input {where}")
    if state != "ok":
        msg = f"{op}: {state} — {reason} (input {where})"
        if undecided == "skip":
            import pytest

            pytest.skip(msg)
        raise Undecided(msg)
    return j


def assert_msign(out, A, *, contract: str = "exact", compute_dtype: Optional[str] = None, **kw):
    """``assert_op('msign', out, A, …)``: the polar factor (exact) or a Muon-style band."""
    return assert_op("msign", out, A, contract=contract, compute_dtype=compute_dtype, **kw)


def assert_svdvals(out, A, *, compute_dtype: Optional[str] = None, **kw):
    """``assert_op('svdvals', out, A, …)``: the singular values, descending."""
    return assert_op("svdvals", out, A, compute_dtype=compute_dtype, **kw)
