"""Power iteration for ‖A‖₂, written once for NumPy arrays and torch tensors, and the forward
error bound a floating-point run of it obeys (used by every op set's ``power_norm``).

The estimate (seed 004 §9.2's "one cold power-iteration step", iterated):

    g = start_vector(n, seed);  v₀ = g/‖g‖
    for t = 1..iters:  z = A v;  w = Aᵀz;  stop if w = 0;  v = w/‖w‖
    estimate = ‖A v‖₂

Its *exact object* is this estimate in exact arithmetic from the same start vector (not σ₁, which
it only approaches), so the radius is rounding plus the input's own error.  The start vector has
small nonzero integer entries: exactly representable in every format here (bfloat16 included), so
every op set starts from the same v₀ up to the one normalisation.  If w = 0 exactly then Av = 0
(vᵀAᵀAv = ‖Av‖²), so stopping there gives the exact estimate 0.
"""
from __future__ import annotations

import math

import numpy as np


def start_vector(n: int, seed: int) -> np.ndarray:
    """n integers in ±[1, 15] drawn from ``seed`` (float64, exact in any format)."""
    rng = np.random.default_rng(seed)
    return (rng.integers(1, 16, n) * rng.choice((-1, 1), n)).astype(np.float64)


def _is_torch(X) -> bool:
    return type(X).__module__.startswith("torch")


def _nrm64(x) -> float:
    """‖x‖₂ of a computed vector, evaluated in float64 (for the bound only)."""
    if _is_torch(x):
        import torch

        return float(torch.linalg.vector_norm(x.detach().to("cpu", torch.float64)))
    return float(np.linalg.norm(np.asarray(x, dtype=np.float64)))


def iterate(A, iters: int, seed: int):
    """(estimate as a float, trace) for a NumPy array or torch tensor, computed in A's dtype.
    ``trace`` lists per step (‖v̂_t‖, ‖ẑ_t‖, ‖ŵ_t‖) in float64, then the final (‖v̂_T‖, ‖ẑ_T‖)."""
    n = A.shape[1]
    g = start_vector(n, seed)
    if _is_torch(A):
        import torch

        v = torch.from_numpy(g).to(device=A.device, dtype=A.dtype)[:, None]

        def nrm(x):
            return torch.linalg.vector_norm(x)
    else:
        v = g.astype(A.dtype)[:, None]

        def nrm(x):
            return np.linalg.norm(x)
    v = v / nrm(v)
    trace = []
    for _ in range(iters):
        z = A @ v
        w = A.T @ z
        nw = nrm(w)
        trace.append((_nrm64(v), _nrm64(z), float(nw)))
        if float(nw) == 0.0:
            break
        v = w / nw
    z = A @ v
    est = nrm(z)
    trace.append((_nrm64(v), _nrm64(z)))
    return float(est), trace


def forward_error_bound(m: int, n: int, u: float, S: float, F: float, err_a: float, trace: list,
                        estimate: float, acc_u: float | None = None) -> float:
    """Bound on |estimate − (the exact-arithmetic estimate on the exact A)|.

    S bounds σ₁ of both the data Â and the exact A; F = ‖Â‖_F; err_a ≥ ‖Â − A‖_F; γ_k = ku/(1 − ku).
      * v̂₀ = fl(g/fl(‖g‖)): squares, sum, root and division, e₀ = ‖v̂₀ − v₀‖ ≤ γ_{n+3}.
      * One step from v̂_t: ẑ = fl(Âv̂) has |ẑ − Âv̂| ≤ γ_n|Â||v̂| (Higham §3.5), so
        ‖ẑ − Âv̂‖ ≤ γ_n F‖v̂‖; ŵ = fl(Âᵀẑ) likewise within γ_m F‖ẑ‖ of Âᵀẑ, and Âᵀ carries the
        first error by ≤ S.  With the exact iterate v_t and ‖ÂᵀÂ − AᵀA‖₂ ≤ 2S·err_a,
        Δ_t = ‖ŵ − AᵀAv_t‖ ≤ γ_n F‖v̂‖S + γ_m F‖ẑ‖ + S²e_t + 2S·err_a.
      * Normalisation: by the Dunkl–Williams inequality (inner-product space, constant 2)
        ‖w/‖w‖ − w'/‖w'‖‖ ≤ 2‖w − w'‖/(‖w‖ + ‖w'‖), and ‖AᵀAv_t‖ ≥ ‖ŵ‖ − Δ_t, so
        e_{t+1} ≤ 2Δ_t/(‖ŵ‖ + max(‖ŵ‖ − Δ_t, 0)) + γ_{n+3} (the computed norm and division).
        ‖ŵ‖ ≤ Δ_t leaves the exact direction undetermined: no bound (infinite), unless Δ_t = 0.
      * Estimate: |fl(‖fl(Âv̂_T)‖) − ‖Av_T‖| ≤ S·e_T + err_a‖v_T‖ + γ_n F‖v̂_T‖ + γ_{m+1}·estimate.
    Every γ_k stands for a length-k reduction: with ``acc_u`` (a backend that accumulates in a
    wider format, e.g. bfloat16 on torch's CPU in float32) it is γ_k(acc_u) composed with one
    rounding of the result to u; the normalisation's γ_{n+3} is then the norm (γ_{n+1} at acc_u,
    one rounding) composed with the division's rounding.
    The bound is homogeneous of degree 1 in (S, F, err_a, ‖ẑ‖, √‖ŵ‖, estimate): it is evaluated on
    the data scaled by 1/F so that float64 never under- or overflows at scales like 1e±150.
    Infinite when a γ is undefined (ku ≥ 1).
    """
    acc = u if acc_u is None else acc_u

    def g(k, w):
        return math.inf if k * w >= 1 else k * w / (1 - k * w)

    def comp(a, b):
        return a + b + a * b

    def gam(k):
        return g(k, u) if acc_u is None else comp(g(k, acc), u)

    def gnorm():
        return g(n + 3, u) if acc_u is None else comp(comp(g(n + 1, acc), u), u)

    if F > 0:
        c = F
        S, err_a, estimate, F = S / c, err_a / c, estimate / c, 1.0
        trace = [(t[0], t[1] / c, t[2] / (c * c)) for t in trace[:-1]] + [(trace[-1][0], trace[-1][1] / c)]
    else:
        c = 1.0
    e = gnorm()
    for nv, nz, nw in trace[:-1]:
        delta = gam(n) * F * nv * S + gam(m) * F * nz + S * S * e + 2 * S * err_a
        if not math.isfinite(delta):
            return math.inf
        if nw == 0.0:
            if delta == 0.0:
                continue  # exactly zero: the exact iteration stops here too
            return math.inf
        if nw <= delta:
            return math.inf
        e = 2 * delta / (nw + (nw - delta)) + gnorm()
    nv, nz = trace[-1]
    r = (S * e + err_a * (1 + e) + gam(n) * F * nv + gam(m + 1) * estimate) * c
    return r if math.isfinite(r) else math.inf
