"""Kernel dtypes: unit roundoff, range edges, the scale windows drawn, and exact rounding of
an input to the dtype (so the oracle sees exactly what the kernel receives)."""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from matspec.validate.errors import UsageError

from matspec.validate.precision import DTYPES


def dtype_info(name: str) -> dict:
    """u, the largest finite and the smallest normal number of a kernel dtype."""
    if name == "float64":
        fi = np.finfo(np.float64)
    elif name in ("float32", "bfloat16", "tf32"):  # bfloat16 and TF32 have float32's 8-bit exponent
        fi = np.finfo(np.float32)
    elif name == "float16":
        fi = np.finfo(np.float16)
    else:
        raise UsageError(f"unsupported dtype {name!r}; choose one of {', '.join(DTYPES)}")
    from matspec.tolerance import unit_roundoff

    return {"u": unit_roundoff(name), "max": float(fi.max), "tiny": float(fi.tiny)}


def default_log10_scale_range(dtype: str) -> tuple[int, int]:
    """Scales Hypothesis draws: the range where the tolerance model's assumption (squares of
    entries neither overflow nor underflow) holds, as for the NumPy backend's Domain:
    1e±150 for float64, 1e±15 for the 8-bit-exponent formats, 1e±2 for float16 (its squares
    overflow above 256 and leave the normal range below 8e-3).  The edges of the format
    itself are probed by the adversarial gallery."""
    return {"float64": (-150, 150), "float16": (-2, 2)}.get(dtype, (-15, 15))


def finite_log10_range(dtype: str) -> tuple[float, float]:
    """log10 of the smallest normal and the largest finite number of the dtype."""
    info = dtype_info(dtype)
    return math.log10(info["tiny"]), math.log10(info["max"])


def check_scale_range(scale_range: Optional[tuple[float, float]], dtype: str) -> Optional[tuple[float, float]]:
    """A user's --scale-range window (log10 of ‖A‖₂, fractional decades allowed) must lie
    inside the dtype's normal range: a matrix of larger norm has entries that do not fit, one
    of smaller norm has no normal entry.  Raises UsageError with the allowed window."""
    if scale_range is None:
        return None
    lo, hi = (float(x) for x in scale_range)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise UsageError(f"scale range needs finite LO <= HI, got {scale_range}")
    flo, fhi = finite_log10_range(dtype)
    if lo < flo or hi > fhi:
        raise UsageError(f"--scale-range={lo:g},{hi:g} is outside {dtype}'s range: LO and HI must lie in "
                         f"[{math.ceil(flo * 10) / 10:g}, {math.floor(fhi * 10) / 10:g}] (log10 of ‖A‖₂)")
    return lo, hi


def edge_scales(dtype: str) -> tuple[int, int]:
    """Scale exponents two decades inside the format's range: 10^(⌊log10 max⌋ − 2) and
    10^(⌈log10 tiny⌉ + 2) — float64 1e306 / 1e-305, float32 and bfloat16 1e36 / 1e-35.
    A kernel that squares entries without scaling fails here, as it should."""
    info = dtype_info(dtype)
    return math.ceil(math.log10(info["tiny"])) + 2, math.floor(math.log10(info["max"])) - 2


def kappa_edge(dtype: str) -> int:
    """log10 κ nearest 1/u from below: float64 15, float32 7, float16 3, bfloat16 2."""
    return int(math.floor(-math.log10(dtype_info(dtype)["u"])))


def round_to_dtype(X64: np.ndarray, dtype: str) -> np.ndarray:
    """The float64 array holding exactly the values the kernel receives in `dtype`."""
    X64 = np.asarray(X64, dtype=np.float64)
    if dtype == "float64":
        Y = X64.copy()
    elif dtype == "float32":
        with np.errstate(over="ignore"):
            Y = X64.astype(np.float32).astype(np.float64)
    elif dtype == "float16":
        with np.errstate(over="ignore"):
            Y = X64.astype(np.float16).astype(np.float64)  # round to nearest even, ±inf beyond 65504
    elif dtype == "bfloat16":
        with np.errstate(over="ignore"):
            x32 = X64.astype(np.float32)
        # round-to-nearest-even on the top 16 bits of the float32 pattern (bfloat16 is the
        # upper half of a float32); the result is exactly representable in bfloat16, so the
        # worker's conversion of it is exact.
        bits = x32.view(np.uint32).astype(np.uint64)
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        Y = bits.astype(np.uint32).view(np.float32).astype(np.float64)
    else:
        raise UsageError(f"unsupported dtype {dtype!r}")
    if not np.all(np.isfinite(Y)):
        from matspec.inputs import InputError

        raise InputError(f"input does not fit in {dtype}: scale out of range")
    return Y
