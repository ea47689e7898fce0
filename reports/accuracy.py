"""Accuracy tables: measured error of each op on each backend against the mpmath oracle, in units
of the op's own derived bound, bucketed by κ and n.

The model is a libm accuracy report (largest known error per function per library, worst inputs
published), transposed to linear algebra.  Two numbers per example:

* ``ratio = error / bound`` where ``bound`` is the radius the backend itself returns (``Val.rad``
  for scalars, ``Mat.err`` for matrices; both derived in matspec.tolerance / the backend from u, the
  dimension and the conditioning).  ratio > 1 means the backend's own error model is wrong on that
  input: the cell is marked and its worst witness is a replayable counterexample.
* ``err_u = error / (u · scale)`` with ``scale`` the natural size of the exact result (‖A‖₂ for
  σ's and the 2-norm, ‖A‖_F for the Frobenius norm, ‖exact output‖_F for polar / solve /
  Newton–Schulz): the familiar "how many roundings of the answer" figure.

The error itself is computed in mpmath: the backend's floats are converted exactly (dyadic
rationals) and compared with the oracle's 60-digit result, so the measurement adds no rounding
comparable to u (oracle error ~1e-30 relative).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import mpmath
import numpy as np

from matspec.implementations.base import OracleRefused, Unsupported
from matspec.inputs import InputError, MatrixSpec, input_to_json

# κ buckets [10^lo, 10^hi): up to 1e16, i.e. beyond 1/u for float64 (and far beyond for float32 /
# bfloat16, where the bound becomes infinite and the cell is reported as undecided, never passed).
KAPPA_BUCKETS: tuple[tuple[int, int], ...] = tuple((k, k + 2) for k in range(0, 16, 2))
SIZES: tuple[int, ...] = (4, 8)
OPS: tuple[str, ...] = ("svdvals", "norm_2", "norm_fro", "polar", "solve", "newton_schulz")
# Input shapes cycled over a cell's examples: two singular-value profiles with different structure.
SPEC_MODES: tuple[str, ...] = ("geometric", "arithmetic")
# Scales ‖A‖₂ = 10^s cycled over a cell's examples, offset by the κ bucket so that even one example
# per cell meets several scales across the table.  ±12 is inside every backend's declared domain
# (float32 / bfloat16: |s| <= 15, where squares of entries stay normal); ±30 is inside float32's
# and bfloat16's *range* (3.4e38 down to 1.2e-38) but outside that domain: there a sample is
# measured and shown (err_u, "outside domain") yet never judged against the bound nor counted as a
# pass — that is the boundary the report shows (e.g. a float32 ‖A‖_F² overflowing at 1e30).
# Errors compare across scales: err_u divides by the exact result's own size and the ratio by the
# backend's bound, both of which scale with A (inversely, for solve's x = A⁻¹b).
LOG10_SCALES: tuple[int, ...] = (0, 12, -30, -12, 30)
NS_SCHEDULE = "polar_express"
DEFAULT_EXAMPLES = 4

# Unit roundoff by backend dtype (round to nearest: u = 2^-t with t the significand bits).
UNIT_ROUNDOFF = {"float64": 2.0 ** -53, "float32": 2.0 ** -24, "tf32": 2.0 ** -11, "bfloat16": 2.0 ** -8,
                 "float16": 2.0 ** -11}
_CMP_DPS = 50  # comparison precision: far above every backend, below the oracle's certified digits


def op_label(op: str) -> str:
    return {"norm_2": "norm('2')", "norm_fro": "norm('fro')", "polar": "polar (msign)",
            "newton_schulz": f"newton_schulz({NS_SCHEDULE})"}.get(op, op)


def backend_u(ops) -> float:
    u = getattr(ops, "u", None)
    if isinstance(u, (int, float)) and u > 0:
        return float(u)
    try:
        return UNIT_ROUNDOFF[ops.dtype]
    except KeyError:
        raise ValueError(f"no unit roundoff known for backend {ops.id!r} (dtype {ops.dtype!r})") from None


def _as_np64(x) -> np.ndarray:
    if hasattr(x, "detach"):  # a torch tensor (any dtype / device)
        import torch

        return x.detach().to(device="cpu", dtype=torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def _mp_matrix(x) -> mpmath.matrix:
    if isinstance(x, mpmath.matrix):
        return x
    return mpmath.matrix(_as_np64(x).tolist())  # exact: float64 values are dyadic rationals


def _fro_diff(a, b) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(‖a − b‖_F, ‖b‖_F) with b the oracle's exact-ish result."""
    A, B = _mp_matrix(a), _mp_matrix(b)
    if (A.rows, A.cols) != (B.rows, B.cols):
        raise ValueError(f"shape mismatch {A.rows}x{A.cols} vs {B.rows}x{B.cols}")
    d = mpmath.fsum((A[i, j] - B[i, j]) ** 2 for i in range(A.rows) for j in range(A.cols))
    s = mpmath.fsum(B[i, j] ** 2 for i in range(B.rows) for j in range(B.cols))
    return mpmath.sqrt(d), mpmath.sqrt(s)


@dataclass
class Sample:
    """One op on one input on one backend.  ``error``/``bound`` are floats (inf allowed)."""

    error: float
    bound: float
    scale: float
    in_domain: bool = True  # the input's scale lies in the backend's declared domain (ops.domain)


def _run_op(ops, op: str, A, b):
    """The op's result on ``ops``: ('scalars', [Val]) or ('matrix', Mat)."""
    if op == "svdvals":
        return "scalars", ops.svdvals(A)
    if op == "norm_2":
        return "scalars", [ops.norm(A, "2")]
    if op == "norm_fro":
        return "scalars", [ops.norm(A, "fro")]
    if op == "polar":
        return "matrix", ops.polar(A)
    if op == "solve":
        return "matrix", ops.solve(A, b)
    if op == "newton_schulz":
        return "matrix", ops.newton_schulz(A, NS_SCHEDULE)
    raise ValueError(f"unknown accuracy op {op!r}; known: {', '.join(OPS)}")


def _measure(op: str, got, exact, resolution: float = 0.0) -> Sample:
    kind, res = got
    _, ref = exact
    with mpmath.workdps(_CMP_DPS):
        if kind == "scalars":
            if len(res) != len(ref):
                raise ValueError(f"{op}: {len(res)} values, oracle has {len(ref)}")
            # the value whose error uses the largest share of its own radius is the one reported
            pairs = [(abs(mpmath.mpf(r.mid) - e.mid), r.rad) for r, e in zip(res, ref)]
            err, bound = max(pairs, key=lambda p: (p[0] / p[1]) if p[1] > 0 else (mpmath.inf if p[0] else 0))
            # σ's and ‖A‖₂ are judged relative to ‖A‖₂ = σ₁ (backward-stable SVD: |Δσ| ≤ c·u·‖A‖₂);
            # the Frobenius norm relative to itself.
            scale = abs(ref[0].mid)
        else:
            err, scale = _fro_diff(res.data, ref.data)
            bound = res.err
        # Below the oracle's certified relative accuracy the difference is not a measured error
        # (e.g. float32 returning σ₁ = 1.0 exactly): reported as 0, not as a 1e-60 artefact.
        if err <= resolution * scale:
            err = 0
        return Sample(float(err), float(bound), float(scale))


def _draw_spec(seed: int, bucket: int, n: int, example: int) -> MatrixSpec:
    # one input per (bucket, n, example), shared by every op and backend: the oracle runs once per op
    rng = np.random.default_rng([seed, bucket, n, example])
    lo, hi = KAPPA_BUCKETS[bucket]
    # three decimals: the spec prints and replays exactly as stored in report.json
    lk = round(float(rng.uniform(lo, hi)), 3)
    lk = min(max(lk, float(lo)), hi - 1e-3)
    return MatrixSpec(m=n, n=n, mode=SPEC_MODES[example % len(SPEC_MODES)], log10_kappa=lk,
                      log10_scale=LOG10_SCALES[(example + bucket) % len(LOG10_SCALES)],
                      seed=int(rng.integers(0, 2**31)))


def _in_domain(ops, spec: MatrixSpec) -> bool:
    lo, hi = ops.domain("default").log10_scale
    return lo <= spec.log10_scale <= hi


def _rhs_spec(A: MatrixSpec) -> MatrixSpec:
    return MatrixSpec(m=A.n, n=1, mode="geometric", log10_kappa=0.0, log10_scale=0, seed=(A.seed + 1) % 2**31)


def _quantile(xs: list[float], q: float) -> float:
    # nearest-rank (no interpolation): the reported p99 is an observed value, reproducible exactly
    s = sorted(xs)
    k = max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))
    return s[k]


def _stats(xs: list[float]) -> dict | None:
    if not xs:
        return None
    return {"median": float(np.median(xs)), "p99": _quantile(xs, 0.99), "max": max(xs)}


def accuracy_sweep(backends, oracle, *, seed: int = 0, examples: int = DEFAULT_EXAMPLES,
                   ops: tuple[str, ...] = OPS, sizes: tuple[int, ...] = SIZES,
                   buckets: tuple[int, ...] | None = None, progress=None) -> dict:
    """Run the sweep; returns the ``accuracy`` section of report.json (schema: docs/report-schema.md)."""
    if not isinstance(examples, int) or examples < 1:
        raise ValueError(f"examples must be a positive integer, got {examples!r}")
    for op in ops:
        if op not in OPS:
            raise ValueError(f"unknown accuracy op {op!r}; known: {', '.join(OPS)}")
    bucket_ids = tuple(range(len(KAPPA_BUCKETS))) if buckets is None else tuple(buckets)
    t0 = time.perf_counter()
    resolution = 10.0 ** -getattr(oracle, "digits", 30)
    # cells[(op, backend, n, bucket)] -> samples, the reason if unsupported, exceptions raised, undecided count
    cells: dict[tuple, dict] = {}
    for bi in bucket_ids:
        for n in sizes:
            for ex in range(examples):
                spec = _draw_spec(seed, bi, n, ex)
                rhs = _rhs_spec(spec)
                try:
                    oA, ob = oracle.mat(spec), oracle.mat(rhs)
                except OracleRefused:
                    oA = ob = None
                exact = {}
                for op in ops:
                    if oA is None:
                        exact[op] = None
                        continue
                    try:
                        exact[op] = _run_op(oracle, op, oA, ob)
                    except OracleRefused:
                        exact[op] = None
                for be in backends:
                    in_dom = _in_domain(be, spec)
                    bA = bb = None
                    for op in ops:
                        cell = cells.setdefault((op, be.id, n, bi), {"samples": [], "unsupported": None,
                                                                      "errors": [], "undecided": 0})
                        if exact[op] is None:
                            cell["undecided"] += 1
                            continue
                        if bA is None and not in_dom:
                            # outside the declared domain the input may not even be representable
                            # (float16 at 1e12 or 1e-30): not a kernel's failure, not judged either
                            try:
                                with np.errstate(all="ignore"):
                                    bA, bb = be.mat(spec), be.mat(rhs)
                            except InputError as exc:
                                cell["unrepresentable"] = str(exc)
                                cell["undecided"] += 1
                                continue
                        try:
                            # an overflow at 1e30 in float32 is a result to measure, not a warning to print
                            with np.errstate(all="ignore"):
                                if bA is None:
                                    bA, bb = be.mat(spec), be.mat(rhs)
                                got = _run_op(be, op, bA, bb)
                            smp = _measure(op, got, exact[op], resolution)
                            smp.in_domain = in_dom
                        except Unsupported as exc:
                            cell["unsupported"] = exc.reason
                            continue
                        except Exception as exc:  # noqa: BLE001 - a kernel that raises is reported, never passed
                            cell["errors"].append(f"{type(exc).__name__}: {exc}")
                            continue
                        cell["samples"].append((spec, rhs, smp))
                if progress:
                    progress()
    out_cells = []
    for op in ops:
        for be in backends:
            u = backend_u(be)
            for n in sizes:
                for bi in bucket_ids:
                    c = cells.get((op, be.id, n, bi))
                    if c is None:
                        continue
                    out_cells.append(_cell_json(op, be, u, n, bi, c, examples))
    return {
        "ops": [{"id": op, "label": op_label(op)} for op in ops],
        "backends": [{"id": b.id, "dtype": b.dtype, "u": backend_u(b)} for b in backends],
        "kappa_buckets": [list(KAPPA_BUCKETS[bi]) for bi in bucket_ids],
        "sizes": list(sizes),
        "examples_per_cell": examples,
        "spec_modes": list(SPEC_MODES),
        "log10_scales": list(LOG10_SCALES),
        "newton_schulz_schedule": NS_SCHEDULE,
        "seconds": round(time.perf_counter() - t0, 2),
        "cells": out_cells,
    }


def _cell_json(op, be, u, n, bi, c, examples) -> dict:
    lo, hi = KAPPA_BUCKETS[bi]
    base = {"op": op, "backend": be.id, "dtype": be.dtype, "u": u, "n": n, "kappa_bucket": [lo, hi],
            "examples": examples, "decided": 0, "undecided": c["undecided"], "exceeds": 0,
            "ratio": None, "err_u": None, "worst": None, "samples": [], "message": "",
            "out_of_domain": 0, "err_u_out_of_domain": None}
    if c["unsupported"] is not None and not c["samples"]:
        return {**base, "status": "unsupported", "message": c["unsupported"]}
    if c.get("unrepresentable"):
        base["message"] = f"inputs outside the declared domain not representable ({c['unrepresentable']}): not judged"
    if c["errors"]:
        # raising is a failure of the kernel, shown as such (never folded into the statistics)
        base["message"] = f"{len(c['errors'])} example(s) raised: {c['errors'][0]}"
    # outside the backend's declared domain, or with an infinite bound: measured, shown, never judged
    decided = [(s, r, m) for s, r, m in c["samples"] if math.isfinite(m.bound) and m.in_domain]
    base["undecided"] += len(c["samples"]) - len(decided)
    ratios, errus, errus_out = [], [], []
    samples = []
    worst = None
    for spec, rhs, m in c["samples"]:
        judged = math.isfinite(m.bound) and m.in_domain
        ratio = (m.error / m.bound if m.bound > 0 else (0.0 if m.error == 0 else math.inf)) if judged else None
        err_u = m.error / (u * m.scale) if m.scale > 0 else math.inf
        samples.append({"log10_kappa": spec.log10_kappa, "log10_scale": spec.log10_scale, "in_domain": m.in_domain,
                        "error": m.error, "bound": m.bound, "ratio": ratio, "err_u": err_u})
        (errus if m.in_domain else errus_out).append(err_u)
        if ratio is not None:
            ratios.append(ratio)
            if worst is None or ratio > worst["ratio"]:
                inputs = {"A": input_to_json(spec)}
                if op == "solve":
                    inputs["b"] = input_to_json(rhs)
                worst = {"ratio": ratio, "error": m.error, "bound": m.bound, "err_u": err_u, "inputs": inputs}
    exceeds = sum(1 for r in ratios if r > 1)
    status = "error" if c["errors"] else ("exceeds" if exceeds else ("ok" if ratios else "undecided"))
    return {**base, "status": status, "decided": len(ratios), "exceeds": exceeds,
            "ratio": _stats(ratios), "err_u": _stats(errus), "worst": worst, "samples": samples,
            "out_of_domain": len(errus_out), "err_u_out_of_domain": _stats(errus_out)}
