"""Planted wrong kernels — realistic bugs `matspec validate` must catch with a readable
counterexample (see tests/test_validate.py)."""
import numpy as np

import good


def svdvals_via_gram(A):
    """σ = sqrt(eig(AᵀA)): squares κ and the scale (small σ lost, overflow at 1e±155)."""
    w = np.linalg.eigvalsh(A.T @ A)[::-1][: min(A.shape)]
    return np.sqrt(np.clip(w, 0, None)).astype(A.dtype)


def svdvals_float32(A):
    """float32 accumulation inside a float64 kernel."""
    return np.linalg.svd(A.astype(np.float32), compute_uv=False).astype(A.dtype)


def norm_fro_naive(A, kind, p=None, k=None):
    """sqrt(Σ a²) with no scaling (missing normalisation): overflows / underflows."""
    if kind != "fro":
        return good.norm(A, kind, p, k)
    return np.sqrt(np.sum(A * A))


def norm_swapped(A, kind, p=None, k=None):
    """Asked for the spectral norm, returns the Frobenius norm (a swapped norm)."""
    return good.norm(A, "fro" if kind == "2" else kind, p, k)


def msign_transposed(A):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return (U @ Vt).T.copy()


def msign_ns_one_step_short(A, max_steps=200):
    """good.msign_newton_schulz with an off-by-one: it returns the iterate *before* the
    one that passed the convergence test."""
    s = np.max(np.abs(A))
    if s == 0:
        return np.zeros_like(A)
    X = A / s
    X = X / np.linalg.norm(X)
    tol = 10 * np.finfo(A.dtype).eps * np.sqrt(min(A.shape))
    eye = np.eye(A.shape[1], dtype=A.dtype)
    prev = X
    for _ in range(max_steps):
        G = X.T @ X
        if np.linalg.norm(G - eye) <= tol:
            break
        prev, X = X, 1.5 * X - 0.5 * (X @ G)
    return prev


def msign_float32(A):
    U, _, Vt = np.linalg.svd(A.astype(np.float32), full_matrices=False)
    return (U @ Vt).astype(A.dtype)


def msign_ns_unnormalised(A, steps=30):
    """Cubic Newton–Schulz started from A itself (missing normalisation): diverges once
    ‖A‖₂ > √3, converges far too slowly for small scales."""
    X = A.copy()
    with np.errstate(all="ignore"):
        for _ in range(steps):
            X = 1.5 * X - 0.5 * (X @ (X.T @ X))
    return X


def lowrank_off_by_one(A, k):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    j = max(k - 1, 0)
    return (U[:, :j] * s[:j]) @ Vt[:j]


def matmul_float32(A, B):
    return (A.astype(np.float32) @ B.astype(np.float32)).astype(A.dtype)


def solve_float32(A, b):
    return np.linalg.solve(A.astype(np.float32), b.astype(np.float32)).astype(A.dtype)


def muon_quintic_4_steps(A):
    """good.muon_quintic with one Newton–Schulz step too few."""
    return good.muon_quintic(A, steps=4)


def norm_transposed(A, kind, p=None, k=None):
    """Evaluates the norm of Aᵀ: the induced 1- and ∞-norms (column vs row sums) swap."""
    return good.norm(A.T.copy(), kind, p, k)


def mclip_forgets_lower(A, lo, hi):
    """Clips only from above (np.minimum(s, hi)): singular values below lo stay below."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U * np.minimum(s, A.dtype.type(hi))) @ Vt


def mclip_version1(A, lo, hi):
    """Seed 002 §2.4 version 1, [(α+β)I + (αI−M)msign(αI−M) − (βI−M)msign(βI−M)]/2: right only
    for symmetric PSD M (and undefined for rectangular M)."""
    n = A.shape[1]
    eye = np.eye(n, dtype=A.dtype)
    Sa, Sb = lo * eye - A, hi * eye - A
    return ((lo + hi) * eye + Sa @ good.msign(Sa) - Sb @ good.msign(Sb)) / 2


def ns_one_step_short(A, schedule, steps=None):
    """good.newton_schulz with one step too few."""
    n = len(good._ns_rows(schedule)[0]) if steps is None else steps
    return good.newton_schulz(A, schedule, steps=n - 1) if n > 1 else A / np.linalg.norm(A)


def ns_doc_table_coeffs(A, schedule, steps=None):
    """Asked for YouJiacheng's schedule, uses the table printed in seed 002 §2.3 (a wrong
    coefficient set: it is not YouJiacheng's)."""
    return good.newton_schulz(A, "doc_table" if schedule == "youjiacheng" else schedule, steps)


def ns_float32_gram(A, schedule, steps=None):
    """The Gram products G = XXᵀ in float32 inside a float64 kernel (mixed-precision slip)."""
    rows, safety = good._ns_rows(schedule)
    rows = rows[:steps] if steps is not None else rows
    m = np.max(np.abs(A))
    if m == 0:
        return np.zeros_like(A)
    tall = A.shape[0] > A.shape[1]
    X = (A.T if tall else A) / m
    X = X / (safety * np.linalg.norm(X))
    for a, b, c in rows:
        X32 = X.astype(np.float32)
        G = (X32 @ X32.T).astype(A.dtype)
        X = a * X + (b * G + c * (G @ G)) @ X
    return np.ascontiguousarray(X.T if tall else X).astype(A.dtype)


def cond_wrong_index(A, kind):
    """κ₂ as σ₁/σ_{n−1}: the last singular value dropped (an off-by-one in s[-2])."""
    s = np.linalg.svd(A, compute_uv=False)
    return np.asarray(s[0] / s[-2] if len(s) > 1 else 1.0, dtype=A.dtype)


def cond_fro_for_2(A, kind):
    """κ₂ asked for, κ_F computed (a swapped norm)."""
    return np.asarray(np.linalg.cond(A, "fro"), dtype=A.dtype)


def lstsq_normal_equations_float32(A, b):
    """Least squares by the normal equations AᵀAx = Aᵀb, solved in float32: κ² in single precision."""
    A32, b32 = A.astype(np.float32), b.astype(np.float32)
    return np.linalg.solve(A32.T @ A32, A32.T @ b32).astype(A.dtype)


def tikhonov_forgets_lambda(A, b, lam):
    """Plain least squares: λ ignored."""
    return np.linalg.lstsq(A, b, rcond=None)[0]


def tikhonov_lambda_squared(A, b, lam):
    """(AᵀA + λ²I)⁻¹Aᵀb: λ where √λ belongs (a units slip between the two conventions)."""
    n = A.shape[1]
    aug = np.vstack([A, A.dtype.type(lam) * np.eye(n, dtype=A.dtype)])
    rhs = np.vstack([b, np.zeros((n, b.shape[1]), dtype=b.dtype)])
    return np.linalg.lstsq(aug, rhs, rcond=None)[0]


def eigvalsh_descending(A):
    """Right values, wrong order (descending, where LAPACK and the contract are ascending)."""
    return np.linalg.eigvalsh(A)[::-1].copy()


def eigvalsh_abs(A):
    """Singular values offered as eigenvalues: right for positive semidefinite inputs only."""
    return np.sort(np.linalg.svd(A, compute_uv=False))
