"""The numbers behind the report's Newton–Schulz and mclip figures, measured on real matrices.

Each function returns plain JSON (lists of floats), stored in report.json under ``measurements``
so a figure is a view of recorded numbers and the same seed gives the same figure.

* ``ns_runs``: every schedule of ``matspec.implementations.newton_schulz.SCHEDULES`` run step by
  step with ``iterate`` in each dtype on n×n matrices whose singular values are spread
  geometrically over [1e-3, 1].  The run starts from X₀ = A itself (``normalise=False``), so the
  input's σ are exactly the argument of the scalar transfer function F = p_T ∘ … ∘ p_1 and the
  exact curve can be overlaid without a normalisation constant in between.  The σ "after step k"
  are read on the *input's* singular vectors, d_i = u_iᵀ X_k v_i (float64 SVD of the input as the
  dtype received it): the polynomial steps act on each singular value separately, so this follows
  each σ_i even where F is not monotone and the computed σ's would change order.
* ``mclip_versions``: the relative error of each mclip formula of seed 002 §2.4/§4.5 (built from a
  Newton–Schulz msign and products only, as the document intends) against U clip(Σ) Vᵀ from a
  float64 LAPACK SVD of the input as the dtype received it.  Version 2 needs V: it is taken from
  the polar factor H = msign(M)ᵀM = VΣVᵀ, clipped by version 1 (valid there, H is symmetric PSD),
  so it too is msign-only.  The reference's error (≲ 1e-13 relative for these κ ≤ 1e2 inputs:
  backward-stable SVD, clipping is 1-Lipschitz) is below every figure measured here by > 1e9×:
  in float64 and float32 the error of the Newton–Schulz msign itself (≈ 5e-3, its band) dominates.
"""
from __future__ import annotations

import contextlib

import mpmath
import numpy as np

from matspec.implementations import newton_schulz as ns
from matspec.gallery import GallerySpec
from matspec.inputs import MatrixSpec, OrthogonalSpec


def float_transfer(schedule, x: np.ndarray, steps: int | None = None) -> np.ndarray:
    """F evaluated in float64: a few roundings per step, propagated by the steps' slopes; checked
    against the 50-digit ``ns.transfer`` to 1e-9 (tests/test_report.py), invisible at plotting
    accuracy and below every float32 / bfloat16 deviation reported."""
    y = np.array(x, dtype=np.float64)
    for a, b, c in ns.get_schedule(schedule).float_coeffs()[: steps]:
        y = ns.poly(y, a, b, c)
    return y


# Band / trajectory inputs: geometric σ from 1 down to 1e-3, two seeds.  n = 32 gives 64 points
# per panel and keeps every schedule in every dtype under a second in all (2-core machine).
NS_N = 32
NS_SEEDS = (0, 1)
NS_LOG10_KAPPA = 3
# σ whose paths the trajectory figure draws: the input σ nearest to these
TRAJ_STARTS = (1e-3, 1e-2, 0.1, 0.5, 1.0)

# mclip inputs (as spec/catalogue/mclip.py measures them, smaller): σ log-uniform in [0.1, 10]
# so half the spectrum is clipped; the msign is Polar Express + one step of its limit polynomial.
MCLIP_N = 32
MCLIP_SEEDS = (0, 1, 2)
MCLIP_VERSIONS = (
    ("v1_psd", "v1 on symmetric PSD M (its domain)"),
    ("v1_general", "v1 on general M"),
    ("v2_printed", "v2 as printed: V clip(Σ)Vᵀ"),
    ("v2_corrected", "v2 corrected: msign(M)·V clip(Σ)Vᵀ"),
    ("v3", "v3 (clip to [−1, 1])"),
    ("general_printed", "§4.5 [0, 1] as printed (no shift)"),
    ("general_shifted", "§4.5 [0, 1] shifted"),
)


def dtypes() -> list[tuple[str, object]]:
    """(label, cast) per dtype: NumPy float64/float32 always, torch CPU float32/bfloat16 when torch imports."""
    out = [("numpy-float64", lambda X: np.asarray(X, dtype=np.float64)),
           ("numpy-float32", lambda X: np.asarray(X, dtype=np.float32))]
    try:
        import torch
    except ImportError:
        return out
    out += [("torch-cpu-float32", lambda X: torch.tensor(X, dtype=torch.float32)),
            ("torch-cpu-bfloat16", lambda X: torch.tensor(X, dtype=torch.bfloat16))]
    return out


@contextlib.contextmanager
def _one_thread():
    """torch on one intra-op thread for these 32×32 products: with NumPy's BLAS threads still
    spinning from the sweep, two-thread torch matmuls were measured 8–25× slower on 2 cores."""
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _np64(X) -> np.ndarray:
    if hasattr(X, "detach"):
        import torch

        return X.detach().to(dtype=torch.float64).numpy()
    return np.asarray(X, dtype=np.float64)


def _one_step(name: str, k: int) -> ns.Schedule:
    s = ns.get_schedule(name)
    return ns.Schedule(f"{name}#{k + 1}", (s.coeffs[k],), s.source, s.safety)


def _r(x) -> float:
    # 7 significant digits: far finer than any figure, and report.json stays small
    return float(f"{float(x):.7g}")


def ns_runs(seed: int = 0) -> dict:
    """{"n", "seeds", "log10_kappa", "dtypes", "schedules": {name: {dtype: Run}}} with
    Run = {"band": {"final_min", "final_max", "exact_min", "exact_max", "max_abs_dev_from_exact"}
                    (the final d_i, and F at the same σ_i, over all inputs; exact = float64 F),
           "sigma0": [σ_i of the input as received], "final": [d_i after all steps],
           "paths": [{"sigma0": σ, "steps": [d after k = 0, 1, …, T steps]}, ...]} (σ nearest TRAJ_STARTS)."""
    seeds = [(seed * 7919 + s) % 2**31 for s in NS_SEEDS]
    inputs = [MatrixSpec(NS_N, NS_N, "geometric", NS_LOG10_KAPPA, 0, sd).to_numpy()[0] for sd in seeds]
    out = {"n": NS_N, "seeds": seeds, "log10_kappa": NS_LOG10_KAPPA, "dtypes": [d for d, _ in dtypes()],
           "schedules": {}}
    with _one_thread():
        for name, sched in ns.SCHEDULES.items():
            out["schedules"][name] = _ns_schedule_runs(name, sched, inputs)
    return out


def _ns_schedule_runs(name: str, sched: ns.Schedule, inputs: list) -> dict:
    per = {}
    for label, cast in dtypes():
        sigma0, steps = [], [[] for _ in range(sched.steps + 1)]
        for A in inputs:
            X = cast(A)
            U, s, Vt = np.linalg.svd(_np64(X))  # the input as the dtype received it
            sigma0 += s.tolist()
            steps[0] += s.tolist()
            for k in range(sched.steps):
                X = ns.iterate(X, _one_step(name, k), normalise=False)
                d = np.einsum("ij,ik,kj->j", U, _np64(X), Vt.T)
                steps[k + 1] += d.tolist()
        picks = sorted({int(np.argmin(np.abs(np.log(np.asarray(sigma0[:NS_N]) / t)))) for t in TRAJ_STARTS})
        x, fin = np.asarray(sigma0), np.asarray(steps[-1])
        exact = float_transfer(name, x)
        per[label] = {"band": {"final_min": _r(fin.min()), "final_max": _r(fin.max()),
                               "exact_min": _r(exact.min()), "exact_max": _r(exact.max()),
                               "max_abs_dev_from_exact": _r(np.max(np.abs(fin - exact)))},
                      "sigma0": [_r(v) for v in sigma0], "final": [_r(v) for v in steps[-1]],
                      "paths": [{"sigma0": _r(sigma0[i]), "steps": [_r(st[i]) for st in steps]} for i in picks]}
    return per


def mclip_versions(seed: int = 0) -> dict:
    """{"n", "seeds", "versions": [[id, label], ...], "rel_err": {dtype: {version: median}}, "all": {...}}."""
    msign_sched = ns.polar_express_extended(1)
    results: dict[str, dict[str, list[float]]] = {}
    seeds = [(seed * 7919 + s) % 2**31 for s in MCLIP_SEEDS]
    with _one_thread():
        for label, cast in dtypes():
            results[label] = _mclip_errors(cast, seeds, msign_sched)
    return {"n": MCLIP_N, "seeds": seeds, "input": "MatrixSpec(n, n, 'log_uniform', log10_kappa=2, log10_scale=1, seed)",
            "msign": msign_sched.name, "versions": [list(v) for v in MCLIP_VERSIONS],
            "rel_err": {d: {v: float(np.median(e)) for v, e in errs.items()} for d, errs in results.items()},
            "all": results}


def _mclip_errors(cast, seeds, msign_sched) -> dict[str, list[float]]:
    errs: dict[str, list[float]] = {v: [] for v, _ in MCLIP_VERSIONS}
    for sd in seeds:
        X64, _ = MatrixSpec(MCLIP_N, MCLIP_N, "log_uniform", 2, 1, sd).to_numpy()
        U, s, Vt = np.linalg.svd(X64)
        Msym64 = (Vt.T * s) @ Vt  # symmetric PSD with the same σ: where version 1 is valid
        X, Msym = cast(X64), cast(Msym64)
        for vid, got, ref_input, lo in _versions(X, Msym, msign_sched):
            Ur, sr, Vtr = np.linalg.svd(_np64(ref_input))  # reference on the input as received
            exact = (Ur * np.clip(sr, lo, 1.0)) @ Vtr
            errs[vid].append(float(np.linalg.norm(_np64(got) - exact) / np.linalg.norm(exact)))
    return errs


def _versions(M, Msym, sched):
    """(version id, result, the input it clips, lower end α) for each printed formula, in M's dtype."""
    def msign(Y):
        return ns.iterate(Y, sched)

    def eye(Y, n):
        if hasattr(Y, "detach"):
            import torch

            return torch.eye(n, dtype=Y.dtype)
        return np.eye(n, dtype=Y.dtype)

    def v1(Y, lo=-1.0, hi=1.0):  # ((α+β)I + (αI − Y)msign(αI − Y) − (βI − Y)msign(βI − Y))/2
        I = eye(Y, Y.shape[0])
        Sa, Sb = lo * I - Y, hi * I - Y
        return ((lo + hi) * I + Sa @ msign(Sa) - Sb @ msign(Sb)) / 2

    def v3(Y):  # ((msign(Y) + Y)msign(YᵀY + I) + (msign(Y) − Y)msign(YᵀY − I))/2
        I = eye(Y, Y.shape[1])
        Q = msign(Y)
        G = Y.T @ Y
        return ((Q + Y) @ msign(G + I) + (Q - Y) @ msign(G - I)) / 2

    Q = msign(M)
    H = Q.T @ M  # polar factor H = VΣVᵀ (symmetric PSD): V clip(Σ)Vᵀ by version 1, msign only
    VcV = v1(H)
    lo, hi = 0.0, 1.0
    printed = (lo + hi) / 2 * Q + (hi - lo) / 2 * v3(2 * M / (hi - lo))
    shifted = (lo + hi) / 2 * Q + (hi - lo) / 2 * v3((2 * M - (lo + hi) * Q) / (hi - lo))
    return [("v1_psd", v1(Msym), Msym, -1.0), ("v1_general", v1(M), M, -1.0),
            ("v2_printed", VcV, M, -1.0), ("v2_corrected", Q @ VcV, M, -1.0), ("v3", v3(M), M, -1.0),
            ("general_printed", printed, M, 0.0), ("general_shifted", shifted, M, 0.0)]


# -- HiPPO-LegS: float64 eig after an orthogonal change of basis --------------------------------

def _eigvec_cond(n: int) -> float:
    """κ₂ of A's eigenvector matrix, columns normalised, computed exactly enough: A is triangular
    with distinct eigenvalues, so V is triangular by back-substitution at 60 digits and κ₂(V) comes
    from mpmath's SVD of it."""
    with mpmath.workdps(60 + 2 * n):
        A = GallerySpec("hippo_legs", n).to_mp(60 + 2 * n)
        V = mpmath.matrix(n, n)
        for k in range(n):  # eigenvector for λ = −(k+1): zero above k, 1 at k, solve below
            lam = A[k, k]
            v = [mpmath.mpf(0)] * n
            v[k] = mpmath.mpf(1)
            for i in range(k + 1, n):
                s = sum(A[i, j] * v[j] for j in range(k, i))
                v[i] = -s / (A[i, i] - lam)
            nrm = mpmath.sqrt(sum(x * x for x in v))
            for i in range(n):
                V[i, k] = v[i] / nrm
        s = mpmath.svd_r(V, compute_uv=False)
        return float(max(s) / min(s))


def hippo_eig_sensitivity() -> dict:
    """float64 eig of QAQᵀ (Q Haar, A the HiPPO-LegS matrix) against the exact eigenvalues −1…−n, with
    κ₂ of A's eigenvector matrix: the numbers of the report's HiPPO figure.  Not a claim of the
    document (which states the eigenvalues, correctly): a fact about floating-point eig on an
    ill-conditioned spectrum."""
    rows = []
    u = 2.0 ** -53
    for n in (4, 8, 16, 24, 32):
        Q, _ = OrthogonalSpec(n=n, seed=1).to_numpy()
        A, _ = GallerySpec("hippo_legs", n).to_numpy()
        B = Q @ A @ Q.T
        w = np.linalg.eigvals(B)
        w = np.sort_complex(w)
        exact = -np.arange(n, 0, -1, dtype=float)
        # match each computed eigenvalue to an exact one (optimal matching is overkill: sort by real part)
        err = float(np.max(np.abs(np.sort(w.real) - exact) + np.abs(w.imag)))
        kv = _eigvec_cond(n)
        rows.append({"n": n, "max_abs_error": err, "kappa_V": kv, "bauer_fike_bound_u_normA": kv * u * float(np.linalg.norm(A, 2))})
    return {"rows": rows, "setting": ("float64 numpy.linalg.eigvals on QAQᵀ, Q Haar (OrthogonalSpec seed 1), "
                                      "n ∈ {4, 8, 16, 24, 32}; metric: max |λ̂ − λ| with λ = −1…−n matched by sorted "
                                      "real part; κ_V = κ₂ of A's normalised eigenvector matrix (60+ digits)")}
