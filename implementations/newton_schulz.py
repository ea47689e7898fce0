"""Newton–Schulz coefficient schedules as reference implementations of msign.

A *schedule* is a normalisation X₀ = A/(s·‖A‖_F) followed by T odd quintic steps

    X_{t+1} = a_t X_t + b_t X_t (X_tᵀX_t) + c_t X_t (X_tᵀX_t)²,

which act on every singular value through the scalar polynomial p_t(x) = a x + b x³ + c x⁵:
if X = U Σ Vᵀ then X_{t+1} = U p_t(Σ) Vᵀ (the correct matrix form — seed 002 §2.3 prints
another one, see ``matspec.catalogue.newton_schulz``).  So a schedule is fully described by its
*transfer function* F = p_T ∘ … ∘ p_1 on x = σ/(s‖A‖_F) ∈ (0, 1], and an implementation is
judged against U F(Σ/(s‖A‖_F)) Vᵀ.

This module holds
  * the schedules, each with its source (decimal strings, so mpmath sees the published value),
  * the exact scalar transfer function and a certified enclosure of its range (``transfer_band``),
  * the reference matrix iteration for NumPy arrays and torch tensors (``iterate``), written once
    for both, and the a-priori forward error bound a floating-point run of it obeys
    (``forward_error_bound``), used by the backends' radii.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath


@dataclass(frozen=True)
class Schedule:
    name: str
    coeffs: tuple[tuple[str, str, str], ...]  # (a, b, c) per step, exact decimal/rational strings
    source: str
    safety: str = "1"  # X₀ = A/(safety·‖A‖_F)

    @property
    def steps(self) -> int:
        return len(self.coeffs)

    def mp_coeffs(self):
        """The coefficients as mpf at the current precision (rational strings 'p/q' allowed)."""
        out = []
        for row in self.coeffs:
            vals = []
            for s in row:
                if "/" in s:
                    fr = Fraction(s)
                    vals.append(mpmath.mpf(fr.numerator) / fr.denominator)
                else:
                    vals.append(mpmath.mpf(s))
            out.append(tuple(vals))
        return out

    def float_coeffs(self):
        return [tuple(float(Fraction(s)) for s in row) for row in self.coeffs]

    def with_steps(self, steps: int) -> "Schedule":
        """The schedule cut to / extended by repeating its last step to ``steps`` steps."""
        rows = list(self.coeffs[:steps]) + [self.coeffs[-1]] * max(0, steps - self.steps)
        return Schedule(f"{self.name}[{steps}]", tuple(rows), self.source, self.safety)


def _pe_rows():
    # Polar Express (Amsel, Persson, Musco, Gower 2025, arXiv:2505.16932, Algorithm 1): the degree-5
    # coefficients, each step but the last divided by the safety factor 1.01 (a/1.01, b/1.01³,
    # c/1.01⁵).  We keep the safety division exact in rational arithmetic.
    raw = [("8.28721201814563", "-23.595886519098837", "17.300387312530933"),
           ("4.107059111542203", "-2.9478499167379106", "0.5448431082926601"),
           ("3.9486908534822946", "-2.908902115962949", "0.5518191394370137"),
           ("3.3184196573706015", "-2.488488024314874", "0.51004894012372"),
           ("2.300652019954817", "-1.6689039845747493", "0.4188073119525673")]
    f = Fraction("1.01")
    return tuple(tuple(str(Fraction(x) / f ** k) for x, k in zip(row, (1, 3, 5))) for row in raw)


SCHEDULES: dict[str, Schedule] = {s.name: s for s in [
    Schedule("cubic", (("3/2", "-1/2", "0"),) * 10,
             "seed 002 §2.3 (classic Newton–Schulz, c = 0)"),
    Schedule("muon_quintic", (("3.4445", "-4.7750", "2.0315"),) * 5,
             "Keller Jordan's Muon (zeropower_via_newtonschulz5), 5 steps"),
    Schedule("doc_table", (("4.140", "-7.553", "3.571"), ("3.892", "-6.637", "2.973"),
                           ("3.668", "-6.456", "3.021"), ("3.248", "-6.211", "3.292"),
                           ("2.792", "-5.759", "3.796"), ("3.176", "-5.507", "4.048")),
             "seed 002 §2.3 table / §4.3 code block ('YouJiacheng variable coefficients'), as printed"),
    Schedule("youjiacheng", (("3955/1024", "-8306/1024", "5008/1024"), ("3735/1024", "-6681/1024", "3463/1024"),
                             ("3799/1024", "-6499/1024", "3211/1024"), ("4019/1024", "-6385/1024", "2906/1024"),
                             ("2677/1024", "-3029/1024", "1162/1024"), ("2172/1024", "-1833/1024", "682/1024")),
             "YouJiacheng's published 6-step schedule (coefficients /1024)"),
    Schedule("polar_express", _pe_rows(), "Polar Express (Amsel et al. 2025, arXiv:2505.16932, Algorithm 1), 5 steps",
             safety="1.01"),
]}


# Polar Express's limit polynomial: its published list ends with (1.875, −1.25, 0.375) for every
# further step ("subsequent coeffs equal this numerically"); no safety division on it.
PE_LIMIT = ("1.875", "-1.25", "0.375")


def polar_express_extended(extra_steps: int) -> Schedule:
    """Polar Express's 5 published steps followed by ``extra_steps`` steps of its limit polynomial:
    a schedule that converges to msign (the 5-step one stops in a band around 1)."""
    s = SCHEDULES["polar_express"]
    return Schedule(f"polar_express+{extra_steps}", s.coeffs + (PE_LIMIT,) * extra_steps, s.source, s.safety)


def get_schedule(name: str) -> Schedule:
    if isinstance(name, Schedule):
        return name
    try:
        return SCHEDULES[name]
    except KeyError:
        raise ValueError(f"unknown Newton–Schulz schedule {name!r}; known: {', '.join(SCHEDULES)}") from None


# ----------------------------------------------------------------------------------
# scalar transfer function
# ----------------------------------------------------------------------------------

def poly(x, a, b, c):
    x2 = x * x
    return x * (a + x2 * (b + c * x2))


def dpoly(x, a, b, c):
    x2 = x * x
    return a + x2 * (3 * b + 5 * c * x2)


def transfer(schedule, x, steps: int | None = None, dps: int = 50):
    """F(x) = p_T ∘ … ∘ p_1(x) in mpmath at ``dps`` digits (x is σ after normalisation)."""
    s = get_schedule(schedule)
    with mpmath.workdps(dps):
        y = mpmath.mpf(x)
        for a, b, c in s.mp_coeffs()[: steps if steps is not None else None]:
            y = poly(y, a, b, c)
        return +y


def trajectory(schedule, x, dps: int = 30) -> list:
    """[x, p_1(x), p_2(p_1(x)), …]: a singular value's path through the schedule."""
    s = get_schedule(schedule)
    with mpmath.workdps(dps):
        y = mpmath.mpf(x)
        out = [y]
        for a, b, c in s.mp_coeffs():
            y = poly(y, a, b, c)
            out.append(y)
        return out


def max_abs_dpoly(a, b, c, r) -> float:
    """max_{0 <= x <= r} |p'(x)| for p = a x + b x³ + c x⁵ (exact: p' is a quadratic in s = x²,
    so the extremes are at s = 0, s = r² and the vertex s* = −3b/(10c) when inside)."""
    cands = [0.0, r * r]
    if c != 0:
        s = -3.0 * b / (10.0 * c)
        if 0.0 < s < r * r:
            cands.append(s)
    return max(abs(a + 3 * b * s + 5 * c * s * s) for s in cands)


def max_abs_poly(a, b, c, r) -> float:
    """max_{0 <= x <= r} |p(x)|: |p| peaks at x = r or at a root of p' (x² = s with
    a + 3bs + 5cs² = 0), evaluated exactly in floats (a tiny relative inflation covers rounding)."""
    cands = [r]
    if c != 0:
        disc = 9 * b * b - 20 * a * c
        if disc >= 0:
            for sgn in (1, -1):
                s = (-3 * b + sgn * math.sqrt(disc)) / (10 * c)
                if 0 < s < r * r:
                    cands.append(math.sqrt(s))
    elif b != 0:
        s = -a / (3 * b)
        if 0 < s < r * r:
            cands.append(math.sqrt(s))
    return max(abs(poly(x, a, b, c)) for x in cands) * (1 + 1e-12)


def transfer_lipschitz(schedule, r0: float = 1.0, steps: int | None = None) -> float:
    """A Lipschitz constant of F = p_T ∘ … ∘ p_1 on [0, r0]: ∏ max|p_t'| over enclosing ranges
    [0, r_t], r_{t+1} = max_{[0, r_t]} |p_t| (chain rule)."""
    s = get_schedule(schedule)
    L, r = 1.0, r0
    for a, b, c in s.float_coeffs()[: steps if steps is not None else None]:
        L *= max_abs_dpoly(a, b, c, r) * (1 + 1e-12)
        r = max_abs_poly(a, b, c, r)
    return L


def transfer_band(schedule, lo="1e-3", hi="1", pieces: int = 1500, steps: int | None = None, tol: str = "1e-6"):
    """Certified enclosure of {F(x) : x ∈ [lo, hi]} plus the extremes attained on a grid.

    Interval arithmetic (mpmath.iv) in the mean-value form p(X) ⊂ p(m) + p'(X)(X − m) on
    ``pieces`` geometrically spaced subintervals: the naive interval Horner form would blow up
    by the dependency problem (|a| + 3|b| + 5|c| ≈ 28 per step for Muon's quintic instead of
    |p'| ≤ 3.4).  Returns (enclosure_lo, enclosure_hi, attained_min, attained_max, argmin): the
    true range's minimum lies in [enclosure_lo, attained_min], its maximum in
    [attained_max, enclosure_hi].
    """
    s = get_schedule(schedule)
    iv = mpmath.iv
    iv.dps = 30
    with mpmath.workdps(30):
        coeffs = s.mp_coeffs()[: steps if steps is not None else None]
        # mpf → iv: str() at 30 digits is an exact-enough (rounded) decimal; enclose it with its
        # neighbours so the interval surely holds the mpf value.
        tiny = abs(mpmath.mpf(10) ** -28)

        def widen(v):
            return iv.mpf([v - abs(v) * tiny, v + abs(v) * tiny]) if v != 0 else iv.mpf(0)

        icoeffs = [tuple(widen(v) for v in row) for row in coeffs]
        lo_m, hi_m = mpmath.mpf(lo), mpmath.mpf(hi)

        def enclose(x0, x1):
            X = iv.mpf([x0, x1])
            for a, b, c in icoeffs:
                m = iv.mpf(X.mid)
                X = poly(m, a, b, c) + dpoly(X, a, b, c) * (X - m)
            return mpmath.mpf(X.a), mpmath.mpf(X.b)

        ratio = (hi_m / lo_m) ** (mpmath.mpf(1) / pieces)
        grid = [lo_m * ratio ** i for i in range(pieces)] + [hi_m]
        vals = [transfer(s, x, steps=steps, dps=30) for x in grid]
        att_min = min(vals)
        argmin = grid[vals.index(att_min)]
        att_max = max(vals)
        # Branch and bound: a piece whose enclosure lies inside [att_min − tol, att_max + tol]
        # cannot move the extremes by more than tol; others are bisected (the mean-value
        # enclosure's overestimate shrinks quadratically with the width), and their midpoints
        # may improve the attained extremes.  Below 1e-12 relative width we stop bisecting and
        # keep the (rigorous, wider) enclosure.
        tol = mpmath.mpf(tol)
        enc_lo, enc_hi = att_min, att_max
        stack = list(zip(grid[:-1], grid[1:]))
        while stack:
            x0, x1 = stack.pop()
            a_, b_ = enclose(x0, x1)
            if (a_ < att_min - tol or b_ > att_max + tol) and (x1 - x0) > x0 * mpmath.mpf("1e-12"):
                mid = (x0 + x1) / 2
                y = transfer(s, mid, steps=steps, dps=30)
                if y < att_min:
                    att_min, argmin = y, mid
                att_max = max(att_max, y)
                stack += [(x0, mid), (mid, x1)]
                continue
            enc_lo, enc_hi = min(enc_lo, a_), max(enc_hi, b_)
    return enc_lo, enc_hi, att_min, att_max, argmin


# ----------------------------------------------------------------------------------
# the matrix iteration, for NumPy arrays and torch tensors
# ----------------------------------------------------------------------------------

def _is_torch(X) -> bool:
    return type(X).__module__.startswith("torch")


def iterate(A, schedule, steps: int | None = None, return_norms: bool = False, normalise: bool = True):
    """Run the schedule on A (NumPy array or torch tensor, computed in A's dtype).

    ``normalise=False`` starts from X₀ = A itself (for statements about one step on a given X).

    Works on the wide orientation (X Xᵀ is the smaller Gram), as Muon does.  The zero matrix
    maps to zero (msign(0) = 0), never to NaN.  With ``return_norms`` also returns the list of
    (‖X_t‖_F, bound on ‖X_t‖₂) for t = 0..T, which the forward error bound needs.
    """
    s = get_schedule(schedule)
    rows = s.float_coeffs()[: steps if steps is not None else None]
    tall = A.shape[0] > A.shape[1]
    X = A.T if tall else A
    if _is_torch(X):
        nrm = float(X.float().norm()) if X.dtype.itemsize < 4 else float(X.norm())
    else:
        import numpy as np

        nrm = float(np.linalg.norm(X))
    norms = []
    if normalise:
        if nrm == 0.0:
            out = X * 0
            return (out.T if tall else out, [(0.0, 0.0)] * (len(rows) + 1)) if return_norms else (out.T if tall else out)
        X = X / (float(Fraction(s.safety)) * nrm)
    for a, b, c in rows:
        if return_norms:
            norms.append(_norms(X))
        G = X @ X.T
        B = b * G + c * (G @ G)
        X = a * X + B @ X
    if return_norms:
        norms.append(_norms(X))
    out = X.T if tall else X
    return (out, norms) if return_norms else out


def _norms(X) -> tuple[float, float]:
    """(‖X‖_F, an upper bound on ‖X‖₂) of a computed iterate, evaluated in float64.

    The spectral norm (float64 SVD, relative error far below 1e-8 at any size used here) gives a
    much tighter Lipschitz radius than ‖X‖_F >= ‖X‖₂ (for k singular values ≈ 1, ‖X‖_F ≈ √k)."""
    if _is_torch(X):
        import torch

        X64 = X.double()
        two = float(torch.linalg.matrix_norm(X64, ord=2)) if X64.numel() else 0.0
        return float(torch.linalg.norm(X64)), two * (1 + 1e-8)
    import numpy as np

    X64 = X.astype(np.float64)
    two = float(np.linalg.norm(X64, 2)) if X64.size else 0.0
    return float(np.linalg.norm(X64)), two * (1 + 1e-8)


def forward_error_bound(schedule, m: int, n: int, u: float, norms: list, norm_a: float,
                        err_a: float, steps: int | None = None, normalise: bool = True,
                        norms_are_exact: bool = False, norm_roundings: int = 3) -> float:
    """Bound on ‖X̂_T − F(A/(s‖A‖_F))‖_F for a floating-point run with unit roundoff u.

    Derivation (Frobenius norm throughout; γ_k = ku/(1 − ku), Higham §3.1):
      * Normalisation.  A's value may be off by err_a (input rounding): the map A ↦ A/‖A‖_F is
        Lipschitz with constant 2/‖A‖_F away from 0 (‖x/‖x‖ − y/‖y‖‖ ≤ 2‖x − y‖/‖x‖), so
        e₀ ≤ 2·err_a/(‖Â‖_F − err_a) + γ_{mn+3} (computing ‖Â‖_F: γ_{mn} for the sum of squares,
        u for the root; u for each division; ‖X₀‖_F = 1).
      * Local rounding of one step X ↦ aX + b(XXᵀ)X + c(XXᵀ)²X on the wide p×q orientation
        (p ≤ q): G = XXᵀ (inner dimension q), G·G (p), B = bG + cG² (2 roundings), B·X (p),
        aX + BX (2 roundings), and the coefficients' own rounding to the working dtype (one
        relative u per term, 2 more).  Each term is a product chain whose entries suffer at most
        K = 2q + 2p + 8 roundings, so |fl(step) − step| ≤ γ_K (|a||X| + |b||X||Xᵀ||X| + …),
        and ‖ |X||Xᵀ||X| ‖_F ≤ ‖X‖_F³: δ_t ≤ γ_K (|a|F + |b|F³ + |c|F⁵), F = ‖X̂_t‖_F.
      * Propagation.  X ↦ U p(Σ) Vᵀ is a generalised matrix function of an odd polynomial; its
        Frobenius-norm Lipschitz constant on {‖X‖₂ ≤ r} is the largest divided difference of p on
        [−r, r], i.e. max_{|x|≤r} |p'(x)| (Noferini 2017, Fréchet derivative of generalised
        matrix functions).  Exact and computed iterates both lie in the ball r = ‖X̂_t‖₂ + e_t, so
        e_{t+1} ≤ L_t e_t + δ_t.  ``norms`` holds (‖X̂_t‖_F, bound on ‖X̂_t‖₂) per step.
    Infinite when a γ is undefined (ku ≥ 1) or ‖A‖_F does not dominate err_a.

    ``norms_are_exact``: ``norms`` are those of the *exact* iterates (``matspec validate`` judges a
    kernel whose iterates it never sees): the computed iterate's ‖X̂_t‖_F <= ‖X_t‖_F + e_t enters
    the rounding term, and the ball radius r = ‖X_t‖₂ + e_t covers both iterates as before.
    ``norm_roundings`` counts the roundings of the normalisation besides the sum of squares
    (root and division: 3 covers matspec's own; a kernel that pre-scales by max|a_ij| and divides
    twice needs 5).
    """
    s = get_schedule(schedule)
    rows = s.float_coeffs()[: steps if steps is not None else None]
    p, q = min(m, n), max(m, n)

    def gamma(k):
        return math.inf if k * u >= 1 else k * u / (1 - k * u)

    if not normalise:
        e = err_a  # X₀ = A: only the input's own error
    elif norm_a == 0.0:
        return 0.0 if err_a == 0.0 else math.inf
    elif norm_a <= err_a:
        return math.inf
    else:
        e = 2.0 * err_a / (norm_a - err_a) + gamma(m * n + norm_roundings)
    K = 2 * q + 2 * p + 8
    for (a, b, c), (F, two) in zip(rows, norms):
        if norms_are_exact:
            F = F + e
        r = two + e
        L = max_abs_dpoly(a, b, c, r)
        e = L * e + gamma(K) * (abs(a) * F + abs(b) * F ** 3 + abs(c) * F ** 5)
        if not math.isfinite(e):
            return math.inf
    return e
