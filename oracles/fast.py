"""The oracle's fast route: float64 LAPACK start, refinement in ball arithmetic, certificate.

Plain mpmath is pure Python and O(n³) at 60 digits (a 64×64 SVD takes ~20 s).  This route
starts from NumPy's float64 LAPACK result, refines it with a few Newton-type steps carried
out in python-flint's ``arb_mat`` (C, at the working precision + 20 bits), and then computes
the *same* a-posteriori certificate as :mod:`matspec.oracles.mp`'s plain route — residual
and orthonormality defect, fed into the same Weyl / Neumann / Li–Sun formulas — except that
the residual and Gram products are evaluated in ball arithmetic, so their norms are rigorous
upper bounds without the γ_k rounding terms.  If the refinement does not converge (clusters
tighter than float64 resolves, κ beyond ~1e16, rank deficiency in an inverse) or the
certificate does not prove the requested digits, :class:`FastFailed` is raised and the
caller falls back to plain mpmath.  The refinement itself need not be trusted: only the
certificate is.

Refinements.  Residual-type quantities (R, S, T below) are formed in ball arithmetic at a
precision matched to the current error; the corrections F, G, E are then computed and
applied in float64 — enough, since they are small: the error goes ε → max(ε², ~1e-16·ε)
per step (quadratic first, then linear with rate ~1e-16: 3 steps to 1e-50, 4–5 to 1e-70).
* SVD (m ≥ n; m < n is done on Aᵀ): Ogita & Aishima, "Iterative refinement for singular
  value decomposition based on matrix multiplication", J. Comput. Appl. Math. 369 (2020).
  With R = I − UᵀU, S = I − VᵀV, T = UᵀAV we seek U(I+F), V(I+G) orthogonal with
  (I+F)ᵀT(I+G) = Σ.  To first order F + Fᵀ = R, G + Gᵀ = S, T + FᵀΣ + ΣG = Σ, giving
  σ_i = t_ii/(1 − (r_ii + s_ii)/2) and, for i ≠ j ≤ n, with a = t_ij + r_ij σ_j and
  b = t_ji + s_ij σ_j:  f_ij = (a+b)/(2(σ_j−σ_i)) + (a−b)/(2(σ_j+σ_i)),
  g_ij = (a+b)/(2(σ_j−σ_i)) − (a−b)/(2(σ_j+σ_i)) (the split isolates the one term that
  cancels for close σ, a + b, which is formed in ball arithmetic for close pairs).  Rows
  i > n of the full U: f_ji = −t_ij/σ_j, f_ij = r_ij − f_ji.  Pairs closer than the current
  error δ form a cluster: f_ij = r_ij/2 + (t_ij − t_ji)/(2(σ_i+σ_j)), g_ij = s_ij/2 − (same)
  (orthonormalise, and pair U's cluster columns with V's).
* Symmetric eigenproblem: Ogita & Aishima, "Iterative refinement for symmetric
  eigenvalue decomposition", Japan J. Indust. Appl. Math. 35 (2018):
  λ_i = s_ii/(1 − r_ii), e_ij = (s_ij + λ_j r_ij)/(λ_j − λ_i), X ← X(I + E).
* Inverse: Newton–Schulz X ← X + X(I − AX); solve: x ← x + X(b − Ax), both carrying
  log2 κ extra bits for the cancellation in the residual.

Scaling.  Inputs are scaled by an exact power of two 2^−E (max |a_ij| ∈ [1/2, 1)) before
rounding to float64, so mpmath matrices at 1e±300 (or with more digits than float64) work;
the refinement and the certificate use the exact scaled entries, never the float64 copy.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

import mpmath
import numpy as np
from mpmath import libmp

try:  # python-flint: C ball arithmetic (Arb).  Without it every call falls back to plain.
    import flint

    HAVE_FLINT = True
except ImportError:  # pragma: no cover - exercised only without the dependency
    flint = None
    HAVE_FLINT = False

# Refinement steps before giving up: 50 digits take 4–5 (see the module docstring); the
# rest is headroom for κ- and gap-slowed convergence.
MAX_STEPS = 8

_BLAS = {"controller": None}


def _one_blas_thread(fn):
    """Run the route with BLAS on one thread.  The float64 start is a 64×64 LAPACK call
    (about 1 ms); with OpenBLAS's default thread per core it took 100–150 ms whenever another
    process held a core (threads spin-waiting for each other), doubling the route's time."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _BLAS["controller"] is None:
            try:
                from threadpoolctl import ThreadpoolController
                _BLAS["controller"] = ThreadpoolController()
            except ImportError:  # pragma: no cover - threadpoolctl is a dependency
                _BLAS["controller"] = False
        if not _BLAS["controller"]:
            return fn(*args, **kwargs)
        with _BLAS["controller"].limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)
    return wrapper
EXTRA_BITS = 20  # arb precision above the working precision


class FastFailed(Exception):
    """The fast route could not certify; the caller falls back to plain mpmath."""


@contextmanager
def _arb_prec(bits: int):
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old


# ----------------------------------------------------------------------------------
# conversions (all exact except float64 starts)
# ----------------------------------------------------------------------------------

def _scale_exp(A) -> "int | None":
    """E with max |a_ij|·2^−E ∈ [1/2, 1) (A an mpmath matrix or its _tuples); None for 0."""
    tup = _tuples(A) if isinstance(A, mpmath.matrix) else A
    es = [exp + bc for s, man, exp, bc in tup if man]
    return max(es) if es else None


def _tuples(A: mpmath.matrix) -> list:
    """The entries' exact mpf tuples, row-major (reading mpmath's entry dict directly:
    A[i, j] costs microseconds per call, a visible share of the route at n = 64)."""
    data = getattr(A, "_matrix__data", None)
    m, n = A.rows, A.cols
    if data is None:  # pragma: no cover - another mpmath layout
        return [A[i, j]._mpf_ for i in range(m) for j in range(n)]
    z = libmp.fzero
    out = []
    for i in range(m):
        for j in range(n):
            v = data.get((i, j))
            out.append(z if v is None else v._mpf_)  # exact: no re-rounding
    return out


def fro(A: mpmath.matrix, dps: int, tup=None) -> mpmath.mpf:
    """‖A‖_F at dps.  The entries are dyadic (man·2^exp), so the sum of squares is formed
    exactly as one integer over 2^(2·min exp); only the final sqrt rounds (mpmath's fsum of
    4096 mpf squares cost 30 ms at n = 64, this costs 2)."""
    tup = tup if tup is not None else _tuples(A)
    nz = [(man, exp) for s, man, exp, bc in tup if man]
    if not nz:
        return mpmath.mpf(0)
    e0 = min(exp for man, exp in nz)
    total = sum((man * man) << (2 * (exp - e0)) for man, exp in nz)
    with mpmath.workdps(dps):
        return mpmath.sqrt(mpmath.mp.make_mpf(libmp.from_man_exp(total, 2 * e0, mpmath.mp.prec + 10)))


def _arb_exact(A: mpmath.matrix, E: int, tup=None):
    """A·2^−E as an arb_mat, exactly (each mpf is a dyadic rational)."""
    vals = []
    for s, man, exp, bc in (tup if tup is not None else _tuples(A)):
        vals.append(flint.arb(flint.arf((-man if s else man, exp - E))) if man else 0)
    return flint.arb_mat(A.rows, A.cols, vals)


def _float_start(A: mpmath.matrix, E: int, tup=None) -> np.ndarray:
    vals = [libmp.to_float(libmp.mpf_shift(t, -E)) if t[1] else 0.0
            for t in (tup if tup is not None else _tuples(A))]
    return np.array(vals, dtype=float).reshape(A.rows, A.cols)


def _floats(M, ent=None) -> np.ndarray:
    """M's midpoints rounded to float64 (``ent``: M.entries() when the caller holds them —
    listing a 64×64 full-precision ball matrix costs ~3 ms)."""
    ent = M.entries() if ent is None else ent
    return np.fromiter(map(float, ent), dtype=float, count=len(ent)).reshape(M.nrows(), M.ncols())


def _arb_of_floats(X: np.ndarray):
    return flint.arb_mat(X.tolist())


def _mpf_of_mid(x, shift: int = 0) -> mpmath.mpf:
    t = x._mpf_  # the exact midpoint as an mpmath tuple
    return mpmath.mp.make_mpf(libmp.mpf_shift(t, shift) if shift else t)


def _mpf_upper(x, shift: int = 0) -> mpmath.mpf:
    """A rigorous upper bound of the ball x (times 2^shift) as an exact mpf."""
    return _mpf_of_mid(x.upper(), shift)


def _mp_matrix(M, shift: int = 0, rows=None, cols=None) -> mpmath.matrix:
    """The midpoints of an arb_mat (optionally a leading block) as an exact mpmath matrix."""
    r = M.nrows() if rows is None else rows
    c = M.ncols() if cols is None else cols
    out = mpmath.matrix(r, c)
    ent = M.entries()
    nc = M.ncols()
    # mpmath stores the nonzero entries in a dict; filling it directly skips __setitem__'s
    # per-entry conversion (the values are mpf already), a third of the route's time at n = 64.
    data = getattr(out, "_matrix__data", None)
    make = mpmath.mp.make_mpf
    for i in range(r):
        for j in range(c):
            t = ent[i * nc + j]._mpf_
            if not t[1]:
                continue
            v = make(libmp.mpf_shift(t, shift) if shift else t)
            if data is None:  # pragma: no cover - another mpmath layout
                out[i, j] = v
            else:
                data[(i, j)] = v
    return out


def _fro_upper(M):
    """Rigorous upper bound (an exact arb) of ‖M‖_F for a ball matrix M, in float64: each
    |m_ij| ≤ |mid| + rad, both read to within one ulp (the factor 1 + 2^−50); the scaled
    sum of N squares is within γ_{N+2} (Higham §3.1); squares that underflow are covered by
    N·2^−1000.  (Python-level arb operations cost ~5 µs each; this is one float pass.)"""
    ent = M.entries()
    if not ent:
        return flint.arb(0)
    mids = np.abs(np.array([float(x) for x in ent]))
    rads = np.array([float(x.rad()) for x in ent])
    up = (mids + rads) * (1 + 2.0 ** -50)
    if not np.all(np.isfinite(up)):
        return flint.arb(math.inf)
    top = float(up.max())
    if top == 0.0:
        return flint.arb(0)
    N = len(ent)
    ss = float(np.sum((up / top) ** 2)) * (1 + (N + 2) * 2.0 ** -52) + N * 2.0 ** -1000
    return flint.arb(top * math.sqrt(ss) * (1 + 2.0 ** -50))


_EYE: dict = {}


def _eye(n):
    if n not in _EYE:
        _EYE[n] = flint.arb_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
    return _EYE[n]


def _diag(vals):
    n = len(vals)
    return flint.arb_mat(n, n, [vals[i] if i == j else 0 for i in range(n) for j in range(n)])


def _block(M, r0, r1, c0, c1):
    ent = M.entries()
    nc = M.ncols()
    return flint.arb_mat(r1 - r0, c1 - c0, [ent[i * nc + j] for i in range(r0, r1) for j in range(c0, c1)])


def _mids(M):
    return M.mid()


def _target(dps: int) -> float:
    """Stop refining at a relative error of 10^−(dps−10): the requested digits plus 20 guard
    digits, so a forward bound amplified by κ ≤ 1e16 (polar, inverse) still proves them."""
    return 10.0 ** (-(dps - 10))


def _bits_for(err: float, full: int) -> int:
    if not err > 0:
        return full
    if err == math.inf:
        return min(full, 2 * 53 + 48)
    return min(full, max(128, int(-2 * math.log2(err)) + 48))


def _working_prec(dps: int) -> int:
    with mpmath.workdps(dps):
        return mpmath.mp.prec


def _check_float(X, what):
    if not np.all(np.isfinite(X)):
        raise FastFailed(f"{what}: float64 start is not finite")


# ----------------------------------------------------------------------------------
# SVD
# ----------------------------------------------------------------------------------

def _svd_refine(Aa, Af: np.ndarray, prec: int, steps: int, dps: int):
    """Refine the float64 SVD of the scaled m×n (m ≥ n) A.  Returns (U m×m, σ list of arb,
    V n×n) as midpoint matrices, the number of steps taken, and the balls R ⊇ I − UᵀU,
    S ⊇ I − VᵀV evaluated on those factors at full precision."""
    m, n = Af.shape
    try:
        U0, s0, Vt0 = np.linalg.svd(Af, full_matrices=True)
    except np.linalg.LinAlgError as exc:
        raise FastFailed(f"svd: LAPACK failed ({exc})") from exc
    _check_float(U0, "svd")
    U = _arb_of_floats(U0)
    V = _arb_of_floats(Vt0.T)
    Im, In = _eye(m), _eye(n)
    target = _target(dps)
    full = prec + EXTRA_BITS
    prev = math.inf
    taken = 0
    delta = 0.0
    while True:
        # An iterate with error ε needs R, S, T to absolute ~ε² only: early steps run at
        # lower precision (the certificate and the final σ always use the full one).
        flint.ctx.prec = _bits_for(prev, full)
        P = Aa * V
        T = U.transpose() * P
        R = Im - U.transpose() * U
        S = In - V.transpose() * V
        Tl, Rl, Sl = T.entries(), R.entries(), S.entries()
        sig = [Tl[i * n + i] / (1 - (Rl[i * m + i] + Sl[i * n + i]) / 2) for i in range(n)]
        Rf, Sf, Tf = _floats(R, Rl), _floats(S, Sl), _floats(T, Tl)
        sf = np.array([float(x) for x in sig])
        s1 = max(abs(sf).max(), 1e-300)
        hi = sf
        # Gaps from a double-double σ (hi + lo): the float difference of two close σ would
        # lose all the digits that decide the correction.
        lo = np.array([float(x - float(x)) for x in sig])
        gap = (hi[None, :] - hi[:, None]) + (lo[None, :] - lo[:, None])  # σ_j − σ_i
        off = Tf[:n, :n] - np.diag(np.diag(Tf[:n, :n]))
        orth = max(np.linalg.norm(Rf), np.linalg.norm(Sf))
        est = max(orth, np.linalg.norm(off) / s1, np.linalg.norm(Tf[n:, :]) / s1 if m > n else 0.0)
        # The error of the directions the last step could separate: coupling inside a
        # cluster it left alone (gap ≤ δ) is not an error of the iterate and must not keep δ
        # large, or a σ just above the threshold (1e-16 next to exact zeros) never separates.
        sep = np.abs(gap) > delta
        est_sep = max(orth, np.linalg.norm(off[sep]) / s1,
                      np.linalg.norm(Tf[n:, hi > delta]) / s1 if m > n else 0.0)
        if est <= target or taken >= steps or not (est_sep < prev / 16 or taken < 2):
            if flint.ctx.prec < full:
                prev = 0.0  # recompute T, R, S and σ at full precision
                continue
            break
        prev = est_sep
        taken += 1
        delta = 4.0 * est_sep * s1  # pairs closer than the current error cannot be separated yet
        ssum = hi[None, :] + hi[:, None]
        # a ± b = t_ij ± t_ji + (r_ij ± s_ij)σ_j.  a − b = (σ_i + σ_j)(g_ij − f_ij) has no
        # cancellation: float is enough (F is rounded to float anyway).  a + b =
        # (σ_i − σ_j)(f_ij + g_ij) cancels by σ/|σ_i − σ_j|: float costs a factor 1e-16·σ/gap
        # in the convergence rate, harmless unless the pair is close — those few entries are
        # formed in ball arithmetic (1e-10-wide clusters would stall otherwise).
        Tf1, Rf1 = Tf[:n, :n], Rf[:n, :n]
        ApB = (Tf1 + Tf1.T) + (Rf1 + Sf) * hi[None, :]
        AmB = (Tf1 - Tf1.T) + (Rf1 - Sf) * hi[None, :]
        close = np.argwhere((np.abs(gap) < 1e-4 * s1) & ~np.eye(n, dtype=bool))
        for i, j in close:
            ApB[i, j] = float(Tl[i * n + j] + Tl[j * n + i] + (Rl[i * m + j] + Sl[i * n + j]) * sig[j])
        clus = np.abs(gap) <= delta
        zero = ssum <= delta
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = ApB / (2 * gap)
            t2 = AmB / (2 * ssum)
            # Inside a cluster (σ_i = σ_j to the current error) only the antisymmetric parts
            # of F and G are tied, by g_ij − f_ij = −(t_ij − t_ji)/(σ_i + σ_j) + O(ε²); split it
            # evenly on top of the orthonormalising r_ij/2, s_ij/2 — this pairs U's and V's
            # cluster columns (an orthogonal A has one cluster holding every σ).
            rot = np.where(zero, 0.0, (Tf1 - Tf1.T) / (2 * ssum))
            F11 = np.where(clus, Rf[:n, :n] / 2 + rot, t1 + t2)
            G = np.where(clus, Sf / 2 - rot, t1 - t2)
        np.fill_diagonal(F11, np.diag(Rf)[:n] / 2)
        np.fill_diagonal(G, np.diag(Sf) / 2)
        F = np.empty((m, m))
        F[:n, :n] = F11
        if m > n:
            small = hi <= delta
            with np.errstate(divide="ignore", invalid="ignore"):
                F12 = np.where(small[:, None], Rf[:n, n:] / 2, -Tf[n:, :].T / hi[:, None])
            F[:n, n:] = F12
            F[n:, :n] = Rf[n:, :n] - F12.T
            F[n:, n:] = Rf[n:, n:] / 2
        if not (np.all(np.isfinite(F)) and np.all(np.isfinite(G))):
            raise FastFailed("svd: refinement produced non-finite corrections")
        U = _mids(U + U * _arb_of_floats(F))
        V = _mids(V + V * _arb_of_floats(G))
    # The loop leaves only after a pass at full precision on the final U and V, so R and S
    # are ball enclosures of I − UᵀU and I − VᵀV for exactly the factors returned.
    return U, sig, V, taken, R, S


def certify_svd(Aa, U, sig, V, gram_u=None, gram_v=None):
    """The plain route's SVD certificate ingredients for exact (midpoint) factors, in the
    scaled units of Aa: (‖A − U diag(σ) Vᵀ‖_F, ‖UᵀU − I‖_F, ‖VᵀV − I‖_F), rigorous upper
    bounds.  U is m×n (thin), V is n×n, sig exact arbs.  ``gram_u``/``gram_v``: balls that
    already enclose ±(UᵀU − I) and ±(VᵀV − I) (the refinement's last pass), else formed here."""
    n = V.nrows()
    Vt = V.transpose()
    res = _fro_upper(Aa - (U * _diag(sig)) * Vt)
    eta_u = _fro_upper(gram_u if gram_u is not None else U.transpose() * U - _eye(n))
    eta_v = _fro_upper(gram_v if gram_v is not None else Vt * V - _eye(n))
    return res, eta_u, eta_v


@_one_blas_thread
def svd(A: mpmath.matrix, digits: int, dps: int, steps: int = MAX_STEPS, vectors: bool = True, tup=None):
    """Fast certified thin SVD.  Returns (U, s, Vt, residual, eta_u, eta_v, steps) with the
    certificate ingredients as mpf (true units); raises FastFailed.  ``vectors=False``
    certifies the same way but returns U = Vt = None (converting 2n² balls to mpf is a
    sixth of the route's time at n = 64, wasted when only σ is wanted)."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    if A.rows < A.cols:
        U, s, Vt, res, eu, ev, k = svd(A.T, digits, dps, steps, vectors)
        return (Vt.T if vectors else None), s, (U.T if vectors else None), res, ev, eu, k
    tup = tup if tup is not None else _tuples(A)
    E = _scale_exp(tup)
    if E is None:
        raise FastFailed("svd: zero matrix")
    m, n = A.rows, A.cols
    prec = _working_prec(dps)
    with _arb_prec(prec + EXTRA_BITS):
        Aa = _arb_exact(A, E, tup)
        Ufull, sig, V, taken, R, S = _svd_refine(Aa, _float_start(A, E, tup), prec, steps, dps)
        U = _block(Ufull, 0, m, 0, n) if m > n else Ufull
        # The thin U's Gram defect is the leading n×n block of the full one's; flipping the
        # sign of, or permuting, columns below leaves both Frobenius norms unchanged.
        gram_u = _block(R, 0, n, 0, n) if m > n else R
        # Exact midpoints; negative σ (a tiny σ that crossed zero) flips its v; descending.
        sig = [flint.arb(x.mid()) for x in sig]
        Vl = V.entries()
        for j in range(n):
            if sig[j] < 0:
                sig[j] = -sig[j]
                for i in range(n):
                    Vl[i * n + j] = -Vl[i * n + j]
        V = flint.arb_mat(n, n, Vl)
        order = sorted(range(n), key=lambda j: -float(sig[j].mid()))
        if order != list(range(n)):
            Ul, Vl = U.entries(), V.entries()
            U = flint.arb_mat(m, n, [Ul[i * n + j] for i in range(m) for j in order])
            V = flint.arb_mat(n, n, [Vl[i * n + j] for i in range(n) for j in order])
            sig = [sig[j] for j in order]
        res, eta_u, eta_v = certify_svd(Aa, U, sig, V, gram_u, S)
        with mpmath.workdps(dps):
            Ump = _mp_matrix(U) if vectors else None
            Vtmp = _mp_matrix(V.transpose()) if vectors else None
            s = [_mpf_of_mid(x, E) for x in sig]
            return (Ump, s, Vtmp, _mpf_upper(res, E), _mpf_upper(eta_u), _mpf_upper(eta_v), taken)


def _arb_of_mpf(x: mpmath.mpf, shift: int = 0):
    """x·2^shift as an exact arb."""
    sign, man, exp, _ = x._mpf_
    return flint.arb(flint.arf((-man if sign else man, exp + shift))) if man else flint.arb(0)


@_one_blas_thread
def svd_residuals(A: mpmath.matrix, U: mpmath.matrix, s: list, Vt: mpmath.matrix, dps: int):
    """Rigorous upper bounds (mpf, true units) of ‖A − U diag(s) Vt‖_F, ‖UᵀU − I‖_F, ‖Vt Vtᵀ − I‖_F
    for given exact factors: the certificate's ingredients re-evaluated, e.g. for a disk-cache entry.
    Evaluated the way :func:`svd` evaluates them (on Aᵀ when m < n, same scaling and precision), so
    an entry the fast route produced is reproduced exactly."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    if A.rows < A.cols:
        res, ev, eu = svd_residuals(A.T, Vt.T, s, U.T, dps)
        return res, eu, ev
    E = _scale_exp(A) or 0
    with _arb_prec(_working_prec(dps) + EXTRA_BITS):
        Aa = _arb_exact(A, E)
        Ua, Va = _arb_exact(U, 0), _arb_exact(Vt, 0).transpose()
        sig = [_arb_of_mpf(x, -E) for x in s]
        res, eta_u, eta_v = certify_svd(Aa, Ua, sig, Va)  # k = n here (A tall or square)
        with mpmath.workdps(dps):
            return _mpf_upper(res, E), _mpf_upper(eta_u), _mpf_upper(eta_v)


# ----------------------------------------------------------------------------------
# symmetric eigenproblem
# ----------------------------------------------------------------------------------

@_one_blas_thread
def eigh(A: mpmath.matrix, digits: int, dps: int, steps: int = MAX_STEPS):
    """Eigenpairs of As = (A + Aᵀ)/2, descending.  Returns (lam, Q, residual ‖As Q − QΛ‖_F,
    eta ‖QᵀQ − I‖_F, asym ‖A − Aᵀ‖_F, steps) as mpf/mpmath (true units)."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    E = _scale_exp(A)
    if E is None:
        raise FastFailed("eigvalsh: zero matrix")
    n = A.rows
    prec = _working_prec(dps)
    with _arb_prec(prec + EXTRA_BITS):
        Aa = _arb_exact(A, E)
        As = (Aa + Aa.transpose()) * flint.arb(0.5)  # exact: a halving
        Af = _floats(As)
        try:
            w, X0 = np.linalg.eigh(Af)
        except np.linalg.LinAlgError as exc:
            raise FastFailed(f"eigvalsh: LAPACK failed ({exc})") from exc
        _check_float(X0, "eigvalsh")
        X = _arb_of_floats(X0)
        In = _eye(n)
        target = _target(dps)
        full = prec + EXTRA_BITS
        prev, taken, delta = math.inf, 0, 0.0
        while True:
            flint.ctx.prec = _bits_for(prev, full)  # as in _svd_refine
            R = In - X.transpose() * X
            S = X.transpose() * As * X
            Rl, Sl = R.entries(), S.entries()
            lam = [Sl[i * n + i] / (1 - Rl[i * n + i]) for i in range(n)]
            Rf, Sf = _floats(R, Rl), _floats(S, Sl)
            lf = np.array([float(x) for x in lam])
            l1 = max(np.abs(lf).max(), 1e-300)
            lo = np.array([float(x - float(x)) for x in lam])
            gap = (lf[None, :] - lf[:, None]) + (lo[None, :] - lo[:, None])  # λ_j − λ_i
            off = Sf - np.diag(np.diag(Sf))
            orth = np.linalg.norm(Rf)
            est = max(orth, np.linalg.norm(off) / l1)
            # as in _svd_refine: coupling inside a cluster left alone must not keep δ large
            est_sep = max(orth, np.linalg.norm(off[np.abs(gap) > delta]) / l1)
            if est <= target or taken >= steps or not (est_sep < prev / 16 or taken < 2):
                if flint.ctx.prec < full:
                    prev = 0.0
                    continue
                break
            prev, taken = est_sep, taken + 1
            delta = 4.0 * est_sep * l1
            Nf = _floats(S + R * _diag(lam))  # s_ij + λ_j r_ij, cancellation-free in arb
            clus = np.abs(gap) <= delta
            with np.errstate(divide="ignore", invalid="ignore"):
                Ecorr = np.where(clus, Rf / 2, Nf / gap)
            np.fill_diagonal(Ecorr, np.diag(Rf) / 2)
            if not np.all(np.isfinite(Ecorr)):
                raise FastFailed("eigvalsh: refinement produced non-finite corrections")
            X = _mids(X + X * _arb_of_floats(Ecorr))
        lam = [flint.arb(x.mid()) for x in lam]
        order = sorted(range(n), key=lambda i: -float(lam[i].mid()))
        Xl = X.entries()
        X = flint.arb_mat(n, n, [Xl[r * n + i] for r in range(n) for i in order])
        lam = [lam[i] for i in order]
        res = _fro_upper(As * X - X * _diag(lam))
        eta = _fro_upper(R)  # the last pass's full-precision I − XᵀX, on the final X (norm
        # unchanged by the column permutation)
        asym = _fro_upper(Aa - Aa.transpose())
        with mpmath.workdps(dps):
            return ([_mpf_of_mid(x, E) for x in lam], _mp_matrix(X), _mpf_upper(res, E),
                    _mpf_upper(eta), _mpf_upper(asym, E), taken)


@_one_blas_thread
def eigh_residuals(A: mpmath.matrix, Q: mpmath.matrix, lam: list, dps: int):
    """Rigorous upper bounds (mpf, true units) of ‖As Q − QΛ‖_F (As = (A + Aᵀ)/2), ‖QᵀQ − I‖_F and
    ‖A − Aᵀ‖_F for given exact Λ, Q (as :func:`eigh` evaluates them)."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    E = _scale_exp(A) or 0
    n = A.rows
    with _arb_prec(_working_prec(dps) + EXTRA_BITS):
        Aa = _arb_exact(A, E)
        As = (Aa + Aa.transpose()) * flint.arb(0.5)  # exact: a halving
        X = _arb_exact(Q, 0)
        res = _fro_upper(As * X - X * _diag([_arb_of_mpf(x, -E) for x in lam]))
        eta = _fro_upper(_eye(n) - X.transpose() * X)
        asym = _fro_upper(Aa - Aa.transpose())
        with mpmath.workdps(dps):
            return _mpf_upper(res, E), _mpf_upper(eta), _mpf_upper(asym, E)


@_one_blas_thread
def inv_residual(A: mpmath.matrix, X: mpmath.matrix, dps: int):
    """A rigorous upper bound (mpf) of ‖I − AX‖_F for a given exact X, at :func:`inv`'s precision
    (working precision + log2 κ bits for the cancellation)."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    E = _scale_exp(A) or 0
    n = A.rows
    Af, Xf = _float_start(A, E), _float_start(X, -E)
    with np.errstate(all="ignore"):
        kappa = float(np.linalg.norm(Af) * np.linalg.norm(Xf))
    extra = int(math.log2(kappa)) if math.isfinite(kappa) and kappa > 1 else 0
    with _arb_prec(_working_prec(dps) + EXTRA_BITS + max(0, extra)):
        r = _fro_upper(_eye(n) - _arb_exact(A, E) * _arb_exact(X, -E))
        with mpmath.workdps(dps):
            return _mpf_upper(r)


# ----------------------------------------------------------------------------------
# inverse, solve, products
# ----------------------------------------------------------------------------------

@_one_blas_thread
def inv(A: mpmath.matrix, digits: int, dps: int, steps: int = MAX_STEPS):
    """Newton–Schulz-refined inverse.  Returns (X, r) with r a rigorous upper bound of
    ‖I − AX‖_F (the plain route's certificate ingredient), X exact mpf; raises FastFailed."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    E = _scale_exp(A)
    if E is None:
        raise FastFailed("inv: zero matrix")
    n = A.rows
    prec = _working_prec(dps)
    with _arb_prec(prec + EXTRA_BITS):
        Aa = _arb_exact(A, E)
        try:
            X0 = np.linalg.inv(_float_start(A, E))
        except np.linalg.LinAlgError as exc:
            raise FastFailed(f"inv: LAPACK failed ({exc})") from exc
        _check_float(X0, "inv")
        X = _arb_of_floats(X0)
        In = _eye(n)
        target = _target(dps)
        # I − AX cancels log2(‖A‖‖X‖) ≈ log2 κ leading bits: carry them on top of the
        # working precision in every step (no low-precision early steps here).
        kappa = float(np.linalg.norm(_float_start(A, E)) * np.linalg.norm(X0))
        full = prec + EXTRA_BITS + max(0, int(math.log2(max(kappa, 1.0))))
        flint.ctx.prec = full
        prev = math.inf
        for _ in range(steps + 1):
            R = In - Aa * X
            est = float(np.linalg.norm(_floats(R)))
            if not est < 1:
                raise FastFailed(f"inv: ‖I − AX‖ ≈ {est:.3g} ≥ 1 (singular or too ill-conditioned for a float64 start)")
            if est <= target or not est < prev / 16:
                break
            prev = est
            X = _mids(X + X * R)
        r = _fro_upper(In - Aa * X)
        with mpmath.workdps(dps):
            return _mp_matrix(X, -E), _mpf_upper(r)


def solve_refine(A: mpmath.matrix, X: mpmath.matrix, B: mpmath.matrix, dps: int, steps: int = 3):
    """x ≈ A⁻¹B from an accurate inverse X by residual correction x ← x + X(B − Ax).
    Returns (x exact mpf, rigorous upper bound of ‖B − Ax‖_F)."""
    if not HAVE_FLINT:
        raise FastFailed("python-flint is not installed")
    prec = _working_prec(dps)
    # B − Ax cancels ~log2(‖A‖‖X‖) ≈ log2 κ leading bits (as in inv): carry them.
    kappa = float(fro(A, 15)) * float(fro(X, 15))
    extra = max(0, int(math.log2(kappa))) if math.isfinite(kappa) and kappa > 1 else 0
    with _arb_prec(prec + EXTRA_BITS + extra):
        Aa, Xa, Ba = _arb_exact(A, 0), _arb_exact(X, 0), _arb_exact(B, 0)
        x = _mids(Xa * Ba)
        for _ in range(steps):
            x = _mids(x + Xa * (Ba - Aa * x))
        res = _fro_upper(Ba - Aa * x)
        with mpmath.workdps(dps):
            return _mp_matrix(x), _mpf_upper(res)


def matmul(X: mpmath.matrix, Y: mpmath.matrix, dps: int) -> mpmath.matrix:
    """X·Y rounded entrywise to dps digits: the exact product's entries are enclosed at
    prec + 20 bits, so each returned entry is within eps·|entry| + 2^−(prec+15)·Σ_k|x_ik y_kj|
    of the exact one — inside the γ_k‖X‖_F‖Y‖_F that mpmath's own product is charged."""
    if not HAVE_FLINT:
        with mpmath.workdps(dps):
            return X * Y
    prec = _working_prec(dps)
    with _arb_prec(prec + EXTRA_BITS):
        P = _arb_exact(X, 0) * _arb_exact(Y, 0)
        with mpmath.workdps(dps):
            out = mpmath.matrix(P.nrows(), P.ncols())
            ent, nc = P.entries(), P.ncols()
            for i in range(P.nrows()):
                for j in range(nc):
                    out[i, j] = +_mpf_of_mid(ent[i * nc + j])  # unary + rounds to dps
            return out


__all__ = ["FastFailed", "HAVE_FLINT", "MAX_STEPS", "certify_svd", "eigh", "eigh_residuals", "inv", "inv_residual",
           "matmul", "solve_refine", "svd", "svd_residuals"]
