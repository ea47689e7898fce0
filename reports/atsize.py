"""Accuracy at size (``matspec report --sizes 8,64,256,1024``): how each backend's error grows with n.

The accuracy tables (:mod:`matspec.reports.accuracy`) sweep κ at n = 4 and 8, where the mpmath
oracle judges everything.  This section fixes the conditioning and the scale and sweeps n instead,
so that n is the only thing that changes between the points of a series:

* Inputs: ``SizedSpec(n, n, mode, log10_kappa=2, log10_scale=0, seed)`` (matspec.sized: a seeded
  QR construction, seconds at any size; the float64 array is the object), mode cycled over
  ``SIZE_MODES`` by example, the seed drawn from (--seed, n, example).  Every backend and op of one
  example sees the same input; κ₂ = 10² and ‖A‖₂ = 1 inside every backend's declared domain.
* Error: against a reference on the entries the backend *received* (its dtype's rounding of the
  input is not blamed on it; its bound still covers it), in units of u·scale as in the accuracy
  tables, with the reference tier named (:mod:`matspec.reports.sizeref`): certified up to
  judge64.ORACLE_MAX for every backend and judge64.CERTIFIED_MAX for float64 ones, a float64
  reference bounded a posteriori beyond.
* The float64 tier's rule (matspec.validate.judge64: a reference judges only where its bound is
  ≤ 1/100 of the allowance it judges), per sample:
    - ``measured``: the reference's bound is ≤ 1/100 of the measured error itself, so the figure
      is known to 1 % (always, for the certified tier).  err_u is shown, plotted and fitted; with a
      finite backend bound the sample is judged (``exceeds`` iff error − reference bound > bound);
    - ``bounded``: the reference is too coarse to give the figure but its bound is ≤ 1/100 of the
      backend's bound, so error ≤ bound is certain: judged ok, err_u shown only as an upper bound
      ("≤ … u"), never plotted or fitted;
    - ``not_judged``: neither — "reference not accurate enough"; no number is shown.
* Growth: per op × backend, the slope of a least-squares line through log(max err_u) against log n
  over the sizes with measured figures of at least one unit roundoff (``FIT_FLOOR``: below it the
  error is the result's own final rounding, not growth), given only where those sizes span a factor
  ``FIT_MIN_SPAN`` = 4 in n.  Worst-case rounding analyses grow like γ_n ∝ n (slope 1),
  random rounding errors like √n (slope ½); a slope above ``SLOPE_FLAG`` = 1 grows faster than any
  worst-case γ_n and is flagged.  The slope is a description, not a verdict: the verdict of a
  sample stays error ≤ the backend's derived bound.

Cost (measured on the 2-core machine shared with other jobs, load ≈ 4, the six default backends):
n ≤ 64 a few seconds; n = 256 ≈ 35 s per example (the certified SVD and the Arb Newton–Schulz for
the float64 input, float64 references for the others); n = 1024 ≈ 5.5 minutes per example, two
thirds of it the torch backends' own Newton–Schulz (their error bound takes a float64 spectral
norm of every iterate), the references (one float64 SVD per received dtype) ≈ 10 %.  The section
records its seconds per size.
"""
from __future__ import annotations

import hashlib
import math
import time

import numpy as np

from matspec.implementations.base import OracleRefused, Unsupported
from matspec.inputs import input_to_json
from matspec.reports.accuracy import NS_SCHEDULE, _as_np64, _run_op, backend_u, op_label
from matspec.reports.sizeref import References, tier_name

SIZE_OPS: tuple[str, ...] = ("svdvals", "norm_2", "norm_fro", "polar", "newton_schulz")
SIZE_MODES: tuple[str, ...] = ("geometric", "arithmetic")
SIZE_LOG10_KAPPA = 2.0
SIZE_LOG10_SCALE = 0
DEFAULT_SIZE_EXAMPLES = 2
# A 2×2 matrix is the smallest that carries κ = 10²; 4096 is where one float64 SVD takes minutes on
# the reference machine (and the section runs several per input).
MIN_SIZE, MAX_SIZE = 2, 4096
SLOPE_FLAG = 1.0
FIT_FLOOR = 1.0  # err_u below one unit roundoff of the result is its own rounding: not fitted
# A slope needs its sizes to span at least this factor in n: over 64…128 a factor 1.5 of example-to-example
# scatter in the error already moves the slope by ±0.6 (log 1.5 / log 2).
FIT_MIN_SPAN = 4.0
SAMPLE_STATES = ("measured", "bounded", "not_judged")


def parse_sizes(text: str) -> tuple[int, ...]:
    """'8,64,256,1024' → (8, 64, 256, 1024), sorted, without repeats; ValueError (one line) else."""
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or any(not p for p in parts):
        raise ValueError(f"expected comma-separated sizes such as 8,64,256, got {text!r}")
    out = []
    for p in parts:
        try:
            n = int(p)
        except ValueError:
            raise ValueError(f"size {p!r} is not a whole number") from None
        if not MIN_SIZE <= n <= MAX_SIZE:
            raise ValueError(f"size {n} is outside [{MIN_SIZE}, {MAX_SIZE}]")
        out.append(n)
    return tuple(sorted(set(out)))


def rule() -> dict:
    """The reference rule of the float64 tier, one for the whole project (matspec.validate.judge64;
    imported here, not at module load: matspec.validate is heavy and `matspec report` without
    --sizes never needs it)."""
    from matspec.validate.judge64 import CERTIFIED_MAX, ORACLE_MAX, REFERENCE_SHARE

    return {"certified_max": ORACLE_MAX, "certified_max_float64": CERTIFIED_MAX, "reference_share": REFERENCE_SHARE,
            "slope_flag": SLOPE_FLAG}


def tier_for(backend, n: int) -> str:
    """'certified' where the certified references are affordable (judge64's limits: float64 backends up
    to CERTIFIED_MAX, the others up to ORACLE_MAX), else 'float64'."""
    r = rule()
    limit = r["certified_max_float64"] if backend_u(backend) < 2.0 ** -30 else r["certified_max"]
    return "certified" if n <= limit else "float64"


def size_spec(seed: int, n: int, example: int):
    from matspec.sized import SizedSpec

    rng = np.random.default_rng([seed, n, example, 14])
    return SizedSpec(n, n, SIZE_MODES[example % len(SIZE_MODES)], SIZE_LOG10_KAPPA, SIZE_LOG10_SCALE,
                     int(rng.integers(0, 2**31)))


def classify(tier: str, m, share: float) -> tuple[str, str]:
    """(state, why) of one sample (module docstring); ``share``: judge64.REFERENCE_SHARE."""
    if tier == "certified" or m.reference_bound <= share * m.error:  # (an infinite error included)
        return "measured", ""
    if math.isfinite(m.bound) and m.reference_bound <= share * m.bound:
        return "bounded", (f"the reference's bound {m.reference_bound:.3g} exceeds 1/100 of the error {m.error:.3g} "
                           f"but not of the bound {m.bound:.3g}: error ≤ bound certified, the figure only bounded")
    what = f"the error {m.error:.3g}" + (f" and of the bound {m.bound:.3g}" if math.isfinite(m.bound) else
                                          " (the backend's bound is infinite)")
    return "not_judged", f"reference not accurate enough: its bound {m.reference_bound:.3g} exceeds 1/100 of {what}"


def _sample_json(spec, m, state: str, why: str, u: float) -> dict:
    unit = u * m.scale
    err_u = m.error / unit if unit > 0 else math.inf
    finite = math.isfinite(m.bound)
    ratio = (m.error / m.bound if m.bound > 0 else (0.0 if m.error == 0 else math.inf)) if finite else None
    return {"input": input_to_json(spec), "state": state, "why": why,
            "error": m.error if state == "measured" else None, "bound": m.bound,
            "reference_bound": m.reference_bound,
            "err_u": err_u if state == "measured" else None,
            "err_u_upper": (m.error + m.reference_bound) / unit if state == "bounded" and unit > 0 else None,
            "reference_u": m.reference_bound / unit if unit > 0 else math.inf,
            "ratio": ratio if state == "measured" else None,
            "exceeds": bool(state == "measured" and finite and m.error - m.reference_bound > m.bound)}


def size_sweep(backends, *, sizes, seed: int = 0, examples: int = DEFAULT_SIZE_EXAMPLES,
               ops: tuple[str, ...] = SIZE_OPS, oracle=None, progress=None) -> dict:
    """Run the section's sweep; returns ``accuracy_at_size`` of report.json (docs/report-schema.md)."""
    if not isinstance(examples, int) or examples < 1:
        raise ValueError(f"examples must be a positive integer, got {examples!r}")
    for op in ops:
        if op not in SIZE_OPS:
            raise ValueError(f"unknown op {op!r} for the accuracy-at-size section; known: {', '.join(SIZE_OPS)}")
    sizes = tuple(sizes)
    for n in sizes:
        if not (isinstance(n, int) and MIN_SIZE <= n <= MAX_SIZE):
            raise ValueError(f"size {n!r} is outside [{MIN_SIZE}, {MAX_SIZE}]")
    t0 = time.perf_counter()
    per_size: dict[str, float] = {}
    cells: dict[tuple, dict] = {}
    for n in sizes:
        tn = time.perf_counter()
        for ex in range(examples):
            spec = size_spec(seed, n, ex)
            refs: dict[tuple, References] = {}
            for be in backends:
                tier = tier_for(be, n)
                acc = [cells.setdefault((op, be.id, n), {"tier": tier, "samples": [], "unsupported": None, "errors": []})
                       for op in ops]
                try:
                    with np.errstate(all="ignore"):
                        bA = be.mat(spec)
                    X64 = _as_np64(bA.data)
                except Exception as exc:  # noqa: BLE001 - a backend that cannot take the input is reported
                    for c in acc:
                        c["errors"].append(f"{type(exc).__name__}: {exc}")
                    continue
                key = (hashlib.sha256(X64.tobytes()).hexdigest(), X64.shape, tier)
                ref = refs.setdefault(key, References(X64, tier, oracle))
                for op, c in zip(ops, acc):
                    try:
                        with np.errstate(all="ignore"):
                            got = _run_op(be, op, bA, None)
                    except Unsupported as exc:
                        c["unsupported"] = exc.reason
                        continue
                    except Exception as exc:  # noqa: BLE001 - a kernel that raises is reported, never passed
                        c["errors"].append(f"{type(exc).__name__}: {exc}")
                        continue
                    try:
                        m = ref.measure(op, got)
                    except OracleRefused as exc:
                        c["samples"].append((spec, None, f"the certified oracle refused: {exc}"))
                        continue
                    except (ValueError, TypeError) as exc:  # a result of the wrong shape or length
                        c["errors"].append(f"result not comparable with the reference: {exc}")
                        continue
                    if not math.isfinite(m.error):  # a NaN or inf in the result: no reference needed to see it
                        m.error, m.reference_bound = math.inf, 0.0
                    c["samples"].append((spec, m, ""))
            if progress:
                progress()
        per_size[str(n)] = round(time.perf_counter() - tn, 2)
    out_cells = []
    for op in ops:
        for be in backends:
            for n in sizes:
                c = cells.get((op, be.id, n))
                if c is not None:
                    out_cells.append(_cell_json(op, be, n, c, examples, rule()["reference_share"]))
    return {
        "sizes": list(sizes),
        "ops": [{"id": op, "label": op_label(op)} for op in ops],
        "backends": [{"id": b.id, "dtype": b.dtype, "u": backend_u(b)} for b in backends],
        "examples_per_size": examples,
        "input": {"type": "sized", "modes": list(SIZE_MODES), "log10_kappa": SIZE_LOG10_KAPPA,
                  "log10_scale": SIZE_LOG10_SCALE},
        "newton_schulz_schedule": NS_SCHEDULE,
        "rule": rule(),
        "seconds": round(time.perf_counter() - t0, 2),
        "seconds_by_size": per_size,
        "cells": out_cells,
        "series": series(out_cells, ops, backends),
    }


def _stats(xs: list[float]) -> dict | None:
    return {"median": float(np.median(xs)), "max": max(xs)} if xs else None


def _cell_json(op, be, n, c, examples, share: float) -> dict:
    u = backend_u(be)
    tier = c["tier"]
    samples = []
    for spec, m, why in c["samples"]:
        if m is None:  # the certified reference refused
            samples.append({"input": input_to_json(spec), "state": "not_judged", "why": why, "error": None,
                            "bound": None, "reference_bound": None, "err_u": None, "err_u_upper": None,
                            "reference_u": None, "ratio": None, "exceeds": False})
            continue
        state, why = classify(tier, m, share)
        samples.append(_sample_json(spec, m, state, why, u))
    counts = {s: sum(1 for x in samples if x["state"] == s) for s in SAMPLE_STATES}
    exceeds = sum(1 for x in samples if x["exceeds"])
    judged = sum(1 for x in samples if (x["state"] == "measured" and x["ratio"] is not None) or x["state"] == "bounded")
    if c["errors"]:
        status = "error"
    elif c["unsupported"] is not None and not samples:
        status = "unsupported"
    elif exceeds:
        status = "exceeds"
    elif samples and counts["not_judged"] == len(samples):
        status = "not_judged"
    elif judged:
        status = "ok"
    else:
        status = "undecided"  # measured, against an infinite bound (or nothing measured)
    message = ""
    if c["errors"]:
        message = f"{len(c['errors'])} example(s) raised: {c['errors'][0]}"
    elif status == "unsupported":
        message = c["unsupported"]
    elif status == "not_judged":
        message = samples[0]["why"]
    errs = [x["err_u"] for x in samples if x["state"] == "measured"]
    ratios = [x["ratio"] for x in samples if x["ratio"] is not None]
    uppers = [x["err_u_upper"] for x in samples if x["err_u_upper"] is not None]
    refs = [x["reference_u"] for x in samples if x["reference_u"] is not None]
    return {"op": op, "backend": be.id, "dtype": be.dtype, "u": u, "n": n, "tier": tier,
            "tier_name": tier_name(tier, op), "status": status, "examples": examples,
            "measured": counts["measured"], "bounded": counts["bounded"], "not_judged": counts["not_judged"],
            "exceeds": exceeds, "err_u": _stats(errs), "err_u_upper": max(uppers) if uppers else None,
            "ratio": _stats(ratios), "reference_u": max(refs) if refs else None, "message": message,
            "samples": samples}


def fit_slope(points: list[tuple[int, float]]) -> tuple[float | None, list[int]]:
    """(least-squares slope of log err_u against log n, the sizes it used).  Points below FIT_FLOOR
    are left out: there the error is the result's own final rounding (up to ½ u·scale for a value
    stored in the dtype), noise that says nothing about growth.  None unless the sizes left span a
    factor FIT_MIN_SPAN."""
    pts = [(n, e) for n, e in points if e >= FIT_FLOOR and math.isfinite(e)]
    used = sorted({n for n, _ in pts})
    if len(used) < 2 or used[-1] < FIT_MIN_SPAN * used[0]:
        return None, used
    x = np.log([n for n, _ in pts])
    y = np.log([e for _, e in pts])
    return float(np.polyfit(x, y, 1)[0]), used


def series(cells: list[dict], ops, backends) -> list[dict]:
    """One growth series per op × backend: (n, max measured err_u) and the fitted slope."""
    out = []
    for op in ops:
        for be in backends:
            pts = [(c["n"], c["err_u"]["max"]) for c in cells
                   if c["op"] == op and c["backend"] == be.id and c["err_u"] is not None]
            slope, used = fit_slope(pts)
            flag = None
            if slope is not None and slope > SLOPE_FLAG:
                flag = f"grows faster than n, the worst-case γ_n line (slope {slope:.2f} > {SLOPE_FLAG:g})"
            out.append({"op": op, "backend": be.id, "dtype": be.dtype,
                        "points": [[n, e] for n, e in pts], "fitted_sizes": used, "slope": slope, "flag": flag})
    return out
