"""Seed 000's ``analyze_matrix`` as a *system under test*.

``analyze_matrix`` below is the document's function transcribed faithfully (same calls,
same threshold, same branch order, same prints).  It returns nothing: what a reader gets is
its printed report, so :func:`run_doc` captures stdout and parses the report into
:class:`Report` (rank, σ_max, σ_min, both κ figures, the conclusion).  The catalogue claim
``linear_systems.analyze_matrix_doc`` checks the report against the oracle.

:func:`analyze_matrix_fixed` is the corrected version the claim's repaired form checks:
the singular test comes first, and "numerically singular" is relative to σ_max.
"""
from __future__ import annotations

import contextlib
import io
import math
import re
from dataclasses import dataclass

import numpy as np


# ---------------------------------------------------------------------------------------
# The document's function (000_e07863d955181072.txt, "In [1]"), verbatim.
# ---------------------------------------------------------------------------------------

def analyze_matrix(name, A):
    """
    Analyzes a matrix to show its rank, singular values, and condition number.
    """
    print(f"--- Analyzing Matrix: {name} ---")
    print("Matrix A:\n", A)

    # Calculate rank
    rank = np.linalg.matrix_rank(A)
    print(f"\nRank of A: {rank}")

    # Calculate singular values
    # The svd function returns U, s, Vh. 's' contains the singular values.
    U, s, Vh = np.linalg.svd(A)
    print(f"Singular values (s): {s}")

    sigma_max = np.max(s)
    sigma_min = np.min(s)
    print(f"  - Max singular value (σ_max): {sigma_max:.6f}")
    print(f"  - Min singular value (σ_min): {sigma_min:.6f}")

    # Calculate condition number
    # Check if the matrix is singular before calculating condition number
    if sigma_min < 1e-15: # A small threshold to check for numerical zero
        cond_num = float('inf')
        cond_num_manual = float('inf')
    else:
        cond_num = np.linalg.cond(A)
        cond_num_manual = sigma_max / sigma_min

    print(f"\nCondition number (from np.linalg.cond): {cond_num:,.2f}")
    print(f"Condition number (from σ_max / σ_min): {cond_num_manual:,.2f}")

    if cond_num > 1000:
        print("\nConclusion: This is an ill-conditioned (sick) matrix.")
        print("It is very close to being a singular (lower rank) matrix because its smallest singular value is tiny compared to its largest.")
    elif cond_num == float('inf'):
        print("\nConclusion: This is a singular matrix (rank-deficient). Its condition number is infinite.")
    else:
        print("\nConclusion: This is a well-conditioned matrix.")
    print("-" * 40 + "\n")


# ---------------------------------------------------------------------------------------
# The corrected version (what the repaired form checks).
# ---------------------------------------------------------------------------------------

def analyze_matrix_fixed(name, A):
    """Same report, two fixes: (1) the singular test runs before the κ > 1000 test (in the
    document ``inf > 1000`` is true, so the 'singular' branch is unreachable); (2) singular
    means *numerically* singular relative to the matrix's size: σ_min <= tol with the
    backward-error bound of the SVD itself, tol = (m + n)·γ_{6 max(m,n)}·‖A‖_F (see
    matspec.tolerance.svd_backward_factor: a rank-deficient A is guaranteed to give
    σ̂_min <= tol), instead of the absolute 1e-15 (which calls 1e-16·I singular and misses a
    singular matrix at scale 1e3)."""
    from matspec.tolerance import svd_backward_factor

    print(f"--- Analyzing Matrix: {name} ---")
    print("Matrix A:\n", A)
    m, n = A.shape
    s = np.linalg.svd(A, compute_uv=False)
    tol = svd_backward_factor(m, n, np.finfo(A.dtype).eps / 2) * float(np.linalg.norm(A))
    rank = int(np.sum(s > tol))
    print(f"\nRank of A: {rank}")
    print(f"Singular values (s): {s}")
    sigma_max, sigma_min = np.max(s), np.min(s)
    print(f"  - Max singular value (σ_max): {sigma_max:.6f}")
    print(f"  - Min singular value (σ_min): {sigma_min:.6f}")
    if sigma_min <= tol:
        cond_num = cond_num_manual = float('inf')
    else:
        cond_num = np.linalg.cond(A)
        cond_num_manual = sigma_max / sigma_min
    print(f"\nCondition number (from np.linalg.cond): {cond_num:,.2f}")
    print(f"Condition number (from σ_max / σ_min): {cond_num_manual:,.2f}")
    if cond_num == float('inf'):
        print("\nConclusion: This is a singular matrix (rank-deficient). Its condition number is infinite.")
    elif cond_num > 1000:
        print("\nConclusion: This is an ill-conditioned (sick) matrix.")
    else:
        print("\nConclusion: This is a well-conditioned matrix.")
    print("-" * 40 + "\n")


# ---------------------------------------------------------------------------------------
# Running it and reading the report
# ---------------------------------------------------------------------------------------

@dataclass
class Report:
    rank: int
    sigma_max: float  # as printed (6 decimals)
    sigma_min: float
    cond: float  # np.linalg.cond figure as printed (2 decimals), inf allowed
    cond_manual: float
    conclusion: str  # "well" | "ill" | "singular"
    text: str


_CONCLUSIONS = {
    "ill-conditioned": "ill",
    "singular matrix": "singular",
    "well-conditioned": "well",
}


def _num(s: str) -> float:
    s = s.strip().replace(",", "")
    return math.inf if s == "inf" else float(s)


def parse_report(text: str) -> Report:
    def grab(pattern):
        m = re.search(pattern, text)
        if not m:
            raise ValueError(f"analyze_matrix report has no line matching {pattern!r}:\n{text}")
        return m.group(1)

    concl = grab(r"Conclusion: This is an? ([a-z\-]+ matrix|[a-z\-]+)")
    label = next((v for k, v in _CONCLUSIONS.items() if concl.startswith(k) or k.startswith(concl)), None)
    if label is None:
        raise ValueError(f"unknown conclusion {concl!r}")
    return Report(
        rank=int(grab(r"Rank of A: (\d+)")),
        sigma_max=_num(grab(r"σ_max\): ([\d.,]+|inf)")),
        sigma_min=_num(grab(r"σ_min\): ([\d.,]+|inf)")),
        cond=_num(grab(r"np\.linalg\.cond\): ([\d.,]+|inf)")),
        cond_manual=_num(grab(r"σ_max / σ_min\): ([\d.,]+|inf)")),
        conclusion=label,
        text=text,
    )


def run(fn, A: np.ndarray, name: str = "A") -> Report:
    """Run an analyze_matrix-like function on A and parse what it prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), np.errstate(all="ignore"):
        fn(name, A)
    return parse_report(buf.getvalue())


def run_doc(A: np.ndarray) -> Report:
    return run(analyze_matrix, A)


def run_fixed(A: np.ndarray) -> Report:
    return run(analyze_matrix_fixed, A)
