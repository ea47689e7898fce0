"""Reference kernels that `matspec validate` must pass (NumPy, any float dtype).

Each is ``f(A, **params)`` returning an array of A's dtype, as the Conventions in
DESIGN.md require.  They are deliberately plain LAPACK calls, plus scaling where a naive
formula over- or underflows near the dtype's range edges.
"""
import numpy as np


def svdvals(A):
    return np.linalg.svd(A, compute_uv=False)


def norm(A, kind, p=None, k=None):
    if kind in ("2", "nuc", "schatten", "kyfan"):
        s = np.linalg.svd(A, compute_uv=False)
        if kind == "2":
            v = s[0]
        elif kind == "nuc":
            v = np.sum(s)
        elif kind == "kyfan":
            v = np.sum(s[:k])
        elif p == np.inf or s[0] == 0:
            v = s[0]
        else:
            v = s[0] * np.sum((s / s[0]) ** p) ** (1 / p)  # scaled: σ^p would overflow
        return np.asarray(v, dtype=A.dtype)
    if kind == "max":
        return np.max(np.abs(A))
    if kind == "1":
        return np.max(np.sum(np.abs(A), axis=0))
    if kind == "inf":
        return np.max(np.sum(np.abs(A), axis=1))
    if kind == "fro":
        s = np.max(np.abs(A))
        if s == 0:
            return np.asarray(0, dtype=A.dtype)
        B = A / s  # scaled so that the squares neither overflow nor underflow
        return np.asarray(s * np.sqrt(np.sum(B * B)), dtype=A.dtype)
    raise ValueError(kind)


def msign(A):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return U @ Vt


def msign_newton_schulz(A, max_steps=200):
    """Cubic Newton–Schulz X ← X(3I − XᵀX)/2 from A/‖A‖_F, until XᵀX is I to working
    precision (then one more step: the iteration converges quadratically)."""
    s = np.max(np.abs(A))
    if s == 0:
        return np.zeros_like(A)
    X = A / s
    X = X / np.linalg.norm(X)
    tol = 10 * np.finfo(A.dtype).eps * np.sqrt(min(A.shape))
    eye = np.eye(A.shape[1], dtype=A.dtype)
    for _ in range(max_steps):
        G = X.T @ X
        done = np.linalg.norm(G - eye) <= tol
        X = 1.5 * X - 0.5 * (X @ G)
        if done:
            break
    return X


def lowrank(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def matmul(A, B):
    return A @ B


def solve(A, b):
    return np.linalg.solve(A, b)


def muon_quintic(A, steps=5):
    """Muon's quintic Newton–Schulz (Keller Jordan's coefficients) in the input's dtype,
    normalised by ‖A‖_F computed with scaling (no overflow at the range edges)."""
    a, b, c = 3.4445, -4.7750, 2.0315
    s = np.max(np.abs(A))
    if s == 0:
        return np.zeros_like(A)
    X = A / s
    X = X / np.linalg.norm(X)
    wide = X.shape[0] <= X.shape[1]
    X = X if wide else X.T
    for _ in range(steps):
        G = X @ X.T
        X = a * X + (b * G + c * (G @ G)) @ X
    return (X if wide else X.T).astype(A.dtype)


def mclip(A, lo, hi):
    """Singular-value clipping U clip(Σ, [lo, hi]) Vᵀ by the SVD (lo, hi rounded to A's dtype)."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U * np.clip(s, A.dtype.type(lo), A.dtype.type(hi))) @ Vt


# A schedule's (a, b, c) per step, copied from the published sources (the same values as
# matspec.implementations.newton_schulz.SCHEDULES, kept here so this file stands alone).
NS_SCHEDULES = {
    "cubic": [(1.5, -0.5, 0.0)] * 10,
    "muon_quintic": [(3.4445, -4.7750, 2.0315)] * 5,
    "youjiacheng": [(3955 / 1024, -8306 / 1024, 5008 / 1024), (3735 / 1024, -6681 / 1024, 3463 / 1024),
                    (3799 / 1024, -6499 / 1024, 3211 / 1024), (4019 / 1024, -6385 / 1024, 2906 / 1024),
                    (2677 / 1024, -3029 / 1024, 1162 / 1024), (2172 / 1024, -1833 / 1024, 682 / 1024)],
    "doc_table": [(4.140, -7.553, 3.571), (3.892, -6.637, 2.973), (3.668, -6.456, 3.021),
                  (3.248, -6.211, 3.292), (2.792, -5.759, 3.796), (3.176, -5.507, 4.048)],
}


def _ns_rows(schedule):
    if schedule == "polar_express":  # rational coefficients (safety 1.01 divided in): take matspec's
        from matspec.implementations.newton_schulz import SCHEDULES

        return SCHEDULES[schedule].float_coeffs(), 1.01
    return NS_SCHEDULES[schedule], 1.0


def newton_schulz(A, schedule, steps=None):
    """X₀ = A/(s‖A‖_F) (‖A‖_F computed with a max-abs pre-scaling, so neither 1e306 nor 1e-305
    entries over- or underflow), then X ← aX + (bG + cG²)X, G = XXᵀ on the wide orientation."""
    rows, safety = _ns_rows(schedule)
    rows = rows[:steps] if steps is not None else rows
    m = np.max(np.abs(A))
    if m == 0:
        return np.zeros_like(A)
    tall = A.shape[0] > A.shape[1]
    X = (A.T if tall else A) / m
    X = X / (safety * np.linalg.norm(X))
    for a, b, c in rows:
        G = X @ X.T
        X = a * X + (b * G + c * (G @ G)) @ X
    return np.ascontiguousarray(X.T if tall else X).astype(A.dtype)


def cond(A, kind):
    """κ is scale invariant: scaled by a power of two first (exact), so ‖A‖·‖A⁻¹‖ cannot overflow."""
    big = np.max(np.abs(A))
    if big == 0:
        return np.asarray(np.inf, dtype=A.dtype)
    X = np.ldexp(A, -np.frexp(big)[1])
    with np.errstate(all="ignore"):
        return np.asarray(np.linalg.cond(X, {"2": 2, "1": 1, "inf": np.inf, "fro": "fro"}[kind]), dtype=A.dtype)


def lstsq(A, b):
    return np.linalg.lstsq(A, b, rcond=None)[0]


def tikhonov_solve(A, b, lam):
    """min ‖Ax − b‖² + λ‖x‖² as the least-squares problem [A; √λ I]x ≈ [b; 0] (never forms AᵀA)."""
    n = A.shape[1]
    aug = np.vstack([A, np.sqrt(A.dtype.type(lam)) * np.eye(n, dtype=A.dtype)])
    rhs = np.vstack([b, np.zeros((n, b.shape[1]), dtype=b.dtype)])
    return np.linalg.lstsq(aug, rhs, rcond=None)[0]


def eigvalsh(A):
    return np.linalg.eigvalsh(A)
