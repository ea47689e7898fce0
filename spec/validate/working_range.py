"""Where a kernel works: the range of input scales over which it meets its contract.

Real kernels fail at the edges of their format, not everywhere: most Newton–Schulz kernels
return exactly 0 once ‖G‖_F² overflows (‖G‖_F ≈ 1.8e19 in float32/bfloat16), lose the band
below their eps (‖G‖_F ≈ 1e-7), and one that casts to float16 before normalising dies at
‖G‖_F ≈ 6.5e4.  A fixed probe point (1e36) only says *that* it fails; this module says *where*:

1. **scan** a grid of scales over the dtype's range (or the user's --scale-range) with one
   input family — failure is not monotone in scale, so no bisection before the grid has been
   seen;
2. take the contiguous run of passing grid points around scale 1 (the working range),
3. **bisect** each of its two brackets to 0.1 decade, for every family (a square and a tall
   matrix, κ = 10), and name the family that fails first on each side;
4. state the range in ‖A‖_F and in max|a_ij| with what goes wrong beyond it, e.g. "band holds
   for ‖A‖_F ∈ [1.3e-9, 1.8e19]; above: output exactly 0; below: output σ ≈ 5e-6".

The first failing input beyond each end is kept as a failed case of the run (with its replay
command), so a kernel whose failures all lie between the gallery's probe points still fails.
A range can also end at a point the judge could not decide (an oracle that refuses, a vacuous
allowance): that end is kept as an undecided case and reported as such — never as a failure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from matspec.validate.dtypes import finite_log10_range

BISECT_TO = 0.1  # decades


@dataclass
class Side:
    last_ok: Optional[float]  # log10 scale
    first_bad: Optional[float]
    bad_case: object = None  # the CaseResult at first_bad: failed, or undecided (not "ok" ends a range)
    family: str = ""

    @property
    def failed(self) -> bool:
        """Whether this end is a failure (False: the range ends at an undecided point)."""
        return self.bad_case is not None and self.bad_case.state == "fail"


@dataclass
class ScaleRange:
    scanned: tuple
    grid: list = field(default_factory=list)  # (log10 scale, state) of the scan
    low: Optional[Side] = None
    high: Optional[Side] = None
    fro_at: dict = field(default_factory=dict)  # log10 scale -> (‖A‖_F, max|a_ij|) per family
    islands: list = field(default_factory=list)  # passing grid points outside the range
    empty: bool = False
    band: Optional[tuple] = None  # (LO, HI) of a band contract, to say which σ left it

    def to_json(self) -> dict:
        def side(sd: Optional[Side], which: str):
            if sd is None:
                return None
            d = {"last_ok_log10_scale": sd.last_ok, "first_bad_log10_scale": sd.first_bad, "family": sd.family,
                 "beyond": _what_goes_wrong(sd.bad_case, self.band) if sd.bad_case is not None else None,
                 "reaches_scan_edge": sd.first_bad is None}
            if sd.last_ok is not None:
                d["fro_norm"], d["max_abs_entry"] = self.fro_at.get((sd.family, sd.last_ok), (None, None))
            return d

        return {"scanned_log10_scale": list(self.scanned), "empty": self.empty,
                "grid": [{"log10_scale": s, "state": st} for s, st in self.grid],
                "low": side(self.low, "low"), "high": side(self.high, "high"),
                "other_passing_scales": self.islands, "summary": self.summary()}

    def summary(self, what: str = "contract holds") -> str:
        if self.empty:
            if len(self.grid) == 1:
                return f"not located: the {self.grid[0][1]} input at scale 1e{self.grid[0][0]:g} already fails"
            return f"{what} at no scale scanned (1e{self.scanned[0]:g} … 1e{self.scanned[1]:g})"
        lo = self._end(self.low, "≥")
        hi = self._end(self.high, "≤")
        text = f"{what} for ‖A‖_F ∈ [{lo}, {hi}]"
        parts = []
        for sd, name in ((self.high, "above"), (self.low, "below")):
            if sd is not None and sd.bad_case is not None:
                parts.append(f"{name}: {_what_goes_wrong(sd.bad_case, self.band)} ({sd.family} fails first)" if sd.failed
                             else f"{name}: {_what_goes_wrong(sd.bad_case, self.band)} ({sd.family}; the range ends "
                                  "there, no failure seen)")
        if self.islands:
            parts.append("passes again at 1e" + ", 1e".join(f"{s:g}" for s in self.islands) + " (not contiguous)")
        return text + ("; " + "; ".join(parts) if parts else "")

    def edge_cases(self) -> list:
        """The input beyond each end of the range, labelled for the run's cases: "working range:
        first failure above (square)" where it failed, "working range ends: undecided above
        (square)" where the judge could not decide there (not a failure)."""
        out = []
        for sd, name in ((self.high, "above"), (self.low, "below")):
            if sd is not None and sd.bad_case is not None:
                sd.bad_case.label = (f"working range: first failure {name} ({sd.family})" if sd.failed else
                                     f"working range ends: {sd.bad_case.state} {name} ({sd.family})")
                out.append(sd.bad_case)
        return out

    def _end(self, sd: Optional[Side], edge_sign: str) -> str:
        if sd is None or sd.last_ok is None:
            return "?"
        fro, mx = self.fro_at.get((sd.family, sd.last_ok), (None, None))
        val = f"{fro:.2g}" if fro is not None else f"1e{sd.last_ok:g}"
        if sd.first_bad is None:
            return f"{edge_sign}{val} (edge of the scan)"
        return val


def _what_goes_wrong(case, band: Optional[tuple] = None) -> str:
    """One line: what the kernel returned at the first failing scale — for a band contract the
    output σ that left the band; at an undecided end, that it is undecided and why."""
    if case.state != "fail":
        return f"{case.state} ({case.reason.split(' (')[0]})" if case.reason else case.state
    d = case.detail or {}
    sig = d.get("output_sigma_on_input_vectors") or []
    if sig and all(x == 0 for x in sig):
        return "output exactly 0"
    if "returned NaN/Inf" in case.reason:
        return case.reason.replace("returned ", "output ")
    if sig:
        lo, hi = min(sig), max(sig)
        if band is not None and (lo < band[0] or hi > band[1]):
            parts = ([f"down to {lo:.2g}"] if lo < band[0] else []) + ([f"up to {hi:.2g}"] if hi > band[1] else [])
            return f"output σ {' and '.join(parts)} (band [{band[0]:g}, {band[1]:g}])"
        return f"output σ ≈ {lo:.2g}" if math.isclose(lo, hi, rel_tol=0.05) else f"output σ in [{lo:.2g}, {hi:.2g}]"
    return case.reason.split(" (")[0] if case.reason else case.state


def default_grid(dtype: str, window: Optional[tuple]) -> tuple[list, tuple]:
    """Grid of log10 scales: whole decades two inside the dtype's normal range (or the user's
    window), every 2 decades for the 8-bit-exponent formats, 1 for float16, 16 for float64."""
    lo, hi = finite_log10_range(dtype)
    lo, hi = math.ceil(lo) + 2, math.floor(hi) - 2
    if window is not None:
        lo, hi = max(lo, window[0]), min(hi, window[1])
    step = {"float64": 16, "float16": 1}.get(dtype, 2)
    pts = {float(x) for x in np.arange(math.ceil(lo), math.floor(hi) + 1e-9, step)} | {float(lo), float(hi)}
    if lo <= 0 <= hi:
        pts.add(0.0)
    return sorted(pts), (lo, hi)


def locate(evaluate: Callable[[float, str], object], families: list[str], dtype: str, window: Optional[tuple],
           sizes: Callable[[float, str], tuple], band: Optional[tuple] = None) -> ScaleRange:
    """`evaluate(log10_scale, family)` → CaseResult; `sizes(log10_scale, family)` → (‖A‖_F,
    max|a_ij|) of that input.  Returns the located range."""
    grid, scanned = default_grid(dtype, window)
    fam0 = families[0]
    # the scale nearest 1 first: a kernel that fails there has no range to locate, and the rest
    # of the scan would only repeat its failure (a hanging kernel: a timeout per grid point)
    start = min(grid, key=abs)
    first = evaluate(start, fam0)
    if first.state != "ok":
        rng = ScaleRange(scanned=scanned, grid=[(start, first.state)], band=band, empty=True)
        return rng
    states = {start: first}
    states.update({s: evaluate(s, fam0) for s in grid if s != start})
    rng = ScaleRange(scanned=scanned, grid=[(s, states[s].state) for s in grid], band=band)
    ok = [s for s in grid if states[s].state == "ok"]
    anchor = min(ok, key=abs)
    i = grid.index(anchor)
    a = i
    while a > 0 and states[grid[a - 1]].state == "ok":
        a -= 1
    b = i
    while b < len(grid) - 1 and states[grid[b + 1]].state == "ok":
        b += 1
    rng.islands = [s for s in ok if s < grid[a] or s > grid[b]]

    def bisect(ok_s: float, bad_s: Optional[float], family: str, bad_case) -> Side:
        if bad_s is None:
            return Side(ok_s, None, None, family)
        while abs(bad_s - ok_s) > BISECT_TO + 1e-9:
            mid = round((ok_s + bad_s) / 2, 2)
            cr = evaluate(mid, family)
            if cr.state == "ok":
                ok_s = mid
            elif cr.state == "fail":
                bad_s, bad_case = mid, cr
            else:  # undecided: neither end of the bracket — stop at the precision reached
                break
        return Side(ok_s, bad_s, bad_case, family)

    sides = {}
    for name, ok_s, bad_s in (("low", grid[a], grid[a - 1] if a > 0 else None),
                              ("high", grid[b], grid[b + 1] if b < len(grid) - 1 else None)):
        best = None
        for fam in families:
            if bad_s is None:
                sd = Side(ok_s, None, None, fam)
            else:
                bad_case = states[bad_s] if fam == fam0 else evaluate(bad_s, fam)
                if fam != fam0 and bad_case.state != "fail":
                    # this family still works at the grid's failing point: it fails later, if at all
                    sd = Side(bad_s, None, None, fam)
                else:
                    ok_case_state = "ok" if fam == fam0 else evaluate(ok_s, fam).state
                    if ok_case_state != "ok":
                        continue  # this family fails inside the first family's range: reported by its own cases
                    sd = bisect(ok_s, bad_s, fam, bad_case)
            # the family that fails first is the one whose last passing scale is closest to 1
            if best is None or abs(sd.last_ok) < abs(best.last_ok):
                best = sd
        sides[name] = best
    rng.low, rng.high = sides.get("low"), sides.get("high")
    for sd in (rng.low, rng.high):
        if sd is not None and sd.last_ok is not None:
            rng.fro_at[(sd.family, sd.last_ok)] = sizes(sd.last_ok, sd.family)
    return rng
