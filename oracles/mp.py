"""The mpmath high-precision oracle: functional API with certificates.

Every function works at ``dps = digits + GUARD_DIGITS`` decimal digits and returns its
result together with a *certificate*: an absolute error bound computed at that working
precision from residuals of the computed result (never from a hope that mpmath's
algorithm converged).  When the certificate is worse than ``10^-digits`` relative to the
natural scale of the question (‖A‖_F for normwise quantities such as singular values and
eigenvalues, the magnitude of the result for an inverse, a solution or a polar factor), the
function raises :class:`~matspec.implementations.base.OracleRefused` instead of answering.

Precision.  mpmath's dense algorithms are backward stable: the error they make is of order
``10^-dps·‖A‖`` *normwise*.  The default asks for 30 correct digits relative to ‖A‖_F and
works at 60 digits, so that a forward error amplified by a condition number κ ≤ 1e16
(inverse, solve, polar factor) still leaves ≥ 30 digits.  Small singular values are only
certified normwise (|σ̂_i − σ_i| ≤ bound, with bound ~ 10^-dps·‖A‖): the certificate says
exactly that and claims nothing about σ_min's relative digits.

Unit roundoff.  Inside ``mpmath.workdps(dps)`` ``mp.eps`` is 2^(1-prec) ≥ 2u; every rounding
term below uses ``eps`` as the unit roundoff u (a safe overestimate) and Higham's
γ_k = k·eps/(1 − k·eps) (*Accuracy and Stability of Numerical Algorithms*, §3.1).

Inputs: an ``mpmath.matrix``, a NumPy array or a list of lists of real numbers; entries are
taken as exact (a float is a dyadic rational that an mpf holds exactly).  Non-2-D, empty,
complex, NaN or Inf input raises :class:`~matspec.inputs.InputError`.

Routes and tiers.  ``svd`` (and so ``svdvals``, ``norm``, ``polar``), ``eigvalsh``,
``inv`` and ``solve`` first try the fast route of :mod:`matspec.oracles.fast` (float64
LAPACK start, Ogita–Aishima / Newton refinement in python-flint ball arithmetic) and
accept it only if the *same* certificate as below, with its residuals and Gram defects
evaluated as rigorous ball upper bounds, proves the requested digits; otherwise they fall
back to plain mpmath.  Results carry ``.tier`` ('fast' or 'plain'); ``cache_info()['tiers']``
counts them.  ``set_route`` / ``use_route`` / ``$MATSPEC_ORACLE_ROUTE`` choose 'auto'
(default), 'fast' (no fallback: refuse instead) or 'plain'.

Caching.  ``svd``, ``eigvalsh``, ``eig`` and ``inv`` results (and refusals) are kept in a
bounded in-memory LRU keyed by (op, SHA-256 of the entries, digits), and on disk under
``$MATSPEC_CACHE_DIR`` or ``~/.cache/matspec`` (set ``MATSPEC_NO_DISK_CACHE=1`` to disable) as
data, never pickles: exact numbers in JSON with a checksum over key and payload
(:mod:`matspec.oracles.diskcache`).  A loaded SVD, symmetric eigensystem or inverse is re-verified
against A with its own certificate before use (see ``REVERIFIED_OPS``); general eigenvalues and
refusals are trusted like the code.  With the disk cache on, ``svdvals`` goes through ``svd`` so
that what is stored keeps the vectors its certificate needs.  Results are shared with the
cache: treat the returned matrices and lists as read-only (copy before mutating).
"""
from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections import Counter, OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Optional

import mpmath
from mpmath import libmp

from matspec.implementations.base import (
    INDUCED_PQ,
    NORM_KINDS,
    OracleRefused,
    OutOfDomain,
    check_norm_args,
)
from matspec.inputs import InputError

from . import diskcache as _diskcache
from . import fast as _fast

DEFAULT_DIGITS = 30
GUARD_DIGITS = 30
# The oracle's sign enumeration (∞→1, ∞→2, 2→1) runs in pure Python at 60 digits:
# 2^(n−1)·m·n multiplications.  n = 10 costs well under a second; beyond it is OutOfDomain (undecided).
ORACLE_MAX_ENUM_DIM = 10
CACHE_SIZE = 512

_OPSET_ID = "oracle"


# ----------------------------------------------------------------------------------
# precision helpers
# ----------------------------------------------------------------------------------

def working_dps(digits: int) -> int:
    """Working precision for `digits` requested correct digits."""
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise InputError(f"digits must be a positive integer, got {digits!r}")
    return digits + GUARD_DIGITS


def _tol(digits: int):
    return mpmath.mpf(10) ** (-digits)


def _gamma(k, eps):
    """Higham's γ_k = k·eps/(1 − k·eps) (k·eps is ≪ 1 at these precisions)."""
    ke = k * eps
    return ke / (1 - ke) if ke < 1 else mpmath.inf


def _floor_slack(dps, scale):
    """10^(−dps+3)·scale: the brief's catch-all for the roundings of residual evaluation
    (a few hundred roundings at most for the dimensions the oracle accepts)."""
    return mpmath.mpf(10) ** (-dps + 3) * scale


# ----------------------------------------------------------------------------------
# input validation and conversion
# ----------------------------------------------------------------------------------

def _to_real(x, name: str):
    if isinstance(x, mpmath.mpf):
        v = x
    elif isinstance(x, mpmath.mpc):
        if x.imag != 0:
            raise InputError(f"{name} must be real; found the complex entry {x}")
        v = x.real
    elif isinstance(x, bool):
        v = mpmath.mpf(int(x))
    elif isinstance(x, int):
        v = mpmath.mpf(x)
    elif isinstance(x, float):
        v = mpmath.mpf(x)
    elif hasattr(x, "dtype") and hasattr(x, "item"):  # NumPy scalar
        kind = x.dtype.kind
        if kind in "fiub":
            return _to_real(x.item(), name)
        raise InputError(f"{name} has entries of unsupported dtype {x.dtype}")
    else:
        raise InputError(f"{name} has an entry of unsupported type {type(x).__name__}: {x!r}")
    if not mpmath.isfinite(v):
        raise InputError(f"{name} contains NaN or Inf")
    return v


def as_mp_matrix(A, name: str = "A") -> mpmath.matrix:
    """Validate and convert a real 2-D, non-empty, finite matrix to ``mpmath.matrix``
    (exact: no entry is rounded)."""
    if isinstance(A, mpmath.matrix):
        m, n = A.rows, A.cols
        if m == 0 or n == 0:
            raise InputError(f"{name} is empty (shape {m}x{n})")
        data = getattr(A, "_matrix__data", None)
        if data is not None and all(type(v) is mpmath.mpf and (v._mpf_[1] or v._mpf_ == libmp.fzero)
                                    for v in data.values()):
            # Already real, finite mpf entries (a zero mantissa is 0, ±inf or nan; only
            # fzero is finite): a copy suffices.  Entry-by-entry conversion cost 60 ms at
            # n = 64, a fifth of the fast SVD route.
            return A.copy()
        out = mpmath.matrix(m, n)
        for i in range(m):
            for j in range(n):
                out[i, j] = _to_real(A[i, j], name)
        return out
    if hasattr(A, "ndim") and hasattr(A, "shape"):  # NumPy array (or alike)
        if A.ndim != 2:
            raise InputError(f"{name} must be 2-D (a matrix), got {A.ndim}-D with shape {tuple(A.shape)}")
        m, n = A.shape
        if m == 0 or n == 0:
            raise InputError(f"{name} is empty (shape {tuple(A.shape)})")
        if getattr(A.dtype, "kind", "O") == "c":
            raise InputError(f"{name} must be real, got dtype {A.dtype}")
        out = mpmath.matrix(m, n)
        for i in range(m):
            for j in range(n):
                out[i, j] = _to_real(A[i, j], name)
        return out
    if isinstance(A, (list, tuple)):
        if len(A) == 0:
            raise InputError(f"{name} is empty")
        if not all(isinstance(r, (list, tuple)) for r in A):
            raise InputError(f"{name} must be 2-D (a list of rows); got a 1-D sequence")
        n = len(A[0])
        if n == 0:
            raise InputError(f"{name} is empty (its rows have no entries)")
        if any(len(r) != n for r in A):
            raise InputError(f"rows of {name} must have equal length")
        out = mpmath.matrix(len(A), n)
        for i, r in enumerate(A):
            for j, x in enumerate(r):
                out[i, j] = _to_real(x, name)
        return out
    raise InputError(f"{name} must be an mpmath.matrix, a NumPy array or a list of rows, got {type(A).__name__}")


def _as_vector(x, name: str = "x") -> list:
    """A vector as a flat list of mpf: an n×1 or 1×n matrix, a 1-D array or a list."""
    if isinstance(x, mpmath.matrix) or (hasattr(x, "ndim") and x.ndim == 2):
        X = as_mp_matrix(x, name)
        if X.cols != 1 and X.rows != 1:
            raise InputError(f"{name} must be a vector (n×1 or 1×n), got shape {X.rows}x{X.cols}")
        return [X[i, j] for i in range(X.rows) for j in range(X.cols)]
    if hasattr(x, "ndim"):
        if x.ndim != 1:
            raise InputError(f"{name} must be a vector, got {x.ndim}-D")
        x = list(x)
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            raise InputError(f"{name} is empty")
        return [_to_real(t, name) for t in x]
    raise InputError(f"{name} must be a vector, got {type(x).__name__}")


# ----------------------------------------------------------------------------------
# small matrix helpers (call inside workdps)
# ----------------------------------------------------------------------------------

def _fro(M) -> mpmath.mpf:
    return mpmath.sqrt(mpmath.fsum(abs(M[i, j]) ** 2 for i in range(M.rows) for j in range(M.cols)))


def _gram_defect(Q, side: str) -> mpmath.mpf:
    """‖QᵀQ − I‖_F (side 'cols') or ‖QQᵀ − I‖_F (side 'rows')."""
    G = Q.T * Q if side == "cols" else Q * Q.T
    return _fro(G - mpmath.eye(G.rows))


def _scale_cols(U, s) -> mpmath.matrix:
    """U·diag(s) (s a sequence of length U.cols)."""
    out = U.copy()
    for j in range(U.cols):
        for i in range(U.rows):
            out[i, j] = U[i, j] * s[j]
    return out


def _digest(A: mpmath.matrix) -> str:
    """SHA-256 of the exact entries (mpf's normalised (sign, man, exp, bc) tuples)."""
    h = hashlib.sha256(f"{A.rows}x{A.cols};".encode())
    h.update(repr(_fast._tuples(A)).encode())  # row-major, zeros as fzero
    return h.hexdigest()


# ----------------------------------------------------------------------------------
# cache
# ----------------------------------------------------------------------------------

class _Refusal:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class _LRU:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.data: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        if key in self.data:
            self.data.move_to_end(key)
            self.hits += 1
            return self.data[key]
        self.misses += 1
        return None

    def put(self, key, value):
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.maxsize:
            self.data.popitem(last=False)


_CACHE = _LRU(CACHE_SIZE)

# ----------------------------------------------------------------------------------
# routes and tiers
# ----------------------------------------------------------------------------------

ROUTES = ("auto", "fast", "plain")
_ROUTE = {"route": os.environ.get("MATSPEC_ORACLE_ROUTE", "auto")}
if _ROUTE["route"] not in ROUTES:
    raise InputError(f"MATSPEC_ORACLE_ROUTE must be one of {ROUTES}, got {_ROUTE['route']!r}")
_TIERS: Counter = Counter()


def set_route(route: str) -> str:
    """'auto' (fast, else plain mpmath), 'fast' (refuse when the fast route cannot certify)
    or 'plain' (mpmath only).  Returns the previous route.  Cached results are shared by
    the routes (each is certified); clear the caches to compare them."""
    if route not in ROUTES:
        raise InputError(f"route must be one of {ROUTES}, got {route!r}")
    old, _ROUTE["route"] = _ROUTE["route"], route
    return old


@contextmanager
def use_route(route: str):
    old = set_route(route)
    try:
        yield
    finally:
        set_route(old)


def _routed(op: str, fast_fn, plain_fn, *args):
    """Try the fast route, fall back to plain mpmath; count which tier answered."""
    route = _ROUTE["route"]
    note = ""
    if route != "plain":
        try:
            r = fast_fn(*args)
            _TIERS["fast"] += 1
            return r
        except _fast.FastFailed as exc:
            note = str(exc)
            if route == "fast":
                _TIERS["refused"] += 1
                raise OracleRefused(f"oracle {op}: the fast route could not certify ({note}); route 'fast' has no fallback") from exc
    try:
        r = plain_fn(*args)
    except OracleRefused:
        _TIERS["refused"] += 1
        raise
    _TIERS["plain"] += 1
    if note and isinstance(r, Result):
        r.fast_note = note
    return r


# ----------------------------------------------------------------------------------
# disk cache: one JSON entry per (op, digest, digits) (matspec.oracles.diskcache), re-verified on load
# ----------------------------------------------------------------------------------

DISK_CACHE_VERSION = _diskcache.VERSION
_DISK = _diskcache.STATS  # hits, writes, errors (unreadable, mismatched or rejected entries)


def disk_cache_dir() -> Optional[Path]:
    """``$MATSPEC_CACHE_DIR`` or ``~/.cache/matspec`` (:func:`matspec.fileio.cache_dir`); None when
    ``MATSPEC_NO_DISK_CACHE`` is set (to anything but '' or '0'), or when python-flint (which
    re-verifies loaded entries) is missing."""
    if os.environ.get("MATSPEC_NO_DISK_CACHE", "") not in ("", "0") or not _fast.HAVE_FLINT:
        return None
    from matspec.fileio import cache_dir

    return cache_dir()


def _disk_path(key) -> Optional[Path]:
    return _diskcache.path_for(disk_cache_dir(), key)


def _disk_get(key):
    """The decoded entry for `key` (checksum, format and key checked), or None.  Not yet
    re-verified: :func:`_cached` does that against A."""
    return _diskcache.load(_disk_path(key), key, result_cls=Result, refusal_cls=_Refusal)


def _disk_put(key, value) -> None:
    _diskcache.store(_disk_path(key), key, value, result_cls=Result, refusal_cls=_Refusal)


# What a loaded entry is checked against before it is used.  svd, eigvalsh and inv keep the factors
# their certificate is about (U, s, Vt; Λ, Q; X): the residuals and Gram defects are re-evaluated
# against A in ball arithmetic (matspec.oracles.fast.*_residuals: two or three products, a fraction
# of the refinement that produced them, which repeats such products per step), and the entry is
# used only if (1) the stored bounds dominate the bounds those rigorous ingredients give, (2) each
# stored ingredient lies within [x' − f, 2x' + f] of its re-evaluation x' (f: the certificates' own
# catch-all 10^(−dps+3)·scale, plus the γ term the plain inverse charges), so bounds can be neither
# deflated nor inflated, and (3) the certificate recomputed from the stored ingredients by the same
# function that produced it reproduces the stored result exactly — so a warm cache returns what a
# cold run computes, bit for bit.  Anything else is a miss: recomputed and rewritten.  'eig' (whose
# certificate is the agreement of two precisions: re-checking it is recomputing it) and cached
# refusals cannot be re-checked cheaply: they are trusted like the code, after their checksum.
REVERIFIED_OPS = ("svd", "eigvalsh", "inv")
TRUSTED_OPS = ("eig",)


class _Rejected(Exception):
    """A loaded entry that fails its re-verification."""


def _need(cond, what):
    if not cond:
        raise _Rejected(what)


def _finite_mpf(x) -> bool:
    return type(x) is mpmath.mpf and mpmath.isfinite(x)


def _real_matrix(M, rows, cols) -> bool:
    if not (isinstance(M, mpmath.matrix) and M.rows == rows and M.cols == cols):
        return False
    data = getattr(M, "_matrix__data", None)
    vals = data.values() if data is not None else [M[i, j] for i in range(rows) for j in range(cols)]
    return all(_finite_mpf(v) for v in vals)


def _within(stored, fresh, floor, what):
    """stored ∈ [fresh − floor, 2·fresh + floor] (see REVERIFIED_OPS)."""
    _need(_finite_mpf(stored) and stored >= 0, f"{what} is not a finite number >= 0")
    _need(fresh - floor <= stored <= 2 * fresh + floor, f"{what} = {mpmath.nstr(stored, 5)} does not match "
          f"its re-evaluation {mpmath.nstr(fresh, 5)}")


def _same(a, b) -> bool:
    """Bit-identical mpf values or lists of them."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is mpmath.mpf and type(b) is mpmath.mpf and a._mpf_ == b._mpf_


def _common_attrs(r, digits, dps):
    _need(isinstance(r, Result), "not a Result")
    _need(getattr(r, "digits", None) == digits and getattr(r, "dps", None) == dps, "precision mismatch")
    _need(getattr(r, "tier", None) in ("fast", "plain"), "unknown tier")
    extra = {}
    if "refinement_steps" in r.__dict__:
        _need(type(r.refinement_steps) is int and 0 <= r.refinement_steps <= 100, "bad refinement_steps")
        extra["refinement_steps"] = r.refinement_steps
    if "fast_note" in r.__dict__:
        _need(isinstance(r.fast_note, str), "bad fast_note")
        extra["fast_note"] = r.fast_note
    return extra


def _reverify_svd(A, digits, r) -> Result:
    dps = working_dps(digits)
    extra = _common_attrs(r, digits, dps)
    _need(len(r) == 4, "an svd entry has 4 parts")
    U, s, Vt, bound = r
    m, n = A.rows, A.cols
    k = min(m, n)
    _need(_real_matrix(U, m, k) and _real_matrix(Vt, k, n), "factor shapes")
    _need(isinstance(s, list) and len(s) == k and all(_finite_mpf(x) and x >= 0 for x in s), "singular values")
    with mpmath.workdps(dps):
        # descending as the routes sort them: by float64 value, so an exactly repeated σ may come
        # out in either order at the 10^-dps level the certificate's floor covers
        _need(all(s[i] >= s[i + 1] - _floor_slack(dps, s[0]) for i in range(k - 1)), "singular values not descending")
    sb = getattr(r, "sigma_bounds", None)
    _need(isinstance(sb, list) and len(sb) == k and all(_finite_mpf(x) for x in sb), "sigma_bounds")
    res_f, eu_f, ev_f = _fast.svd_residuals(A, U, s, Vt, dps)
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        fro_a = _fast.fro(A, dps) if r.tier == "fast" else _fro(A)
        floor_a, floor_1 = _floor_slack(dps, fro_a), _floor_slack(dps, 1)
        _within(r.residual, res_f, floor_a, "‖A − UΣVᵀ‖_F")
        _within(r.eta_u, eu_f, floor_1, "‖UᵀU − I‖_F")
        _within(r.eta_v, ev_f, floor_1, "‖VᵀV − I‖_F")
        _need(eu_f < mpmath.mpf(1) / 2 and ev_f < mpmath.mpf(1) / 2, "vectors far from orthonormal")
    with mpmath.workdps(dps + 10):  # the rigorous bound of _svd_plain's derivation, no allowance
        eta_f = eu_f + ev_f + eu_f * ev_f
        _need(all(b >= (res_f + si * eta_f) * (1 + 2 * mpmath.mp.eps) for b, si in zip(sb, s)),
              "a stored σ bound is below the re-evaluated certificate")
    with mpmath.workdps(dps):
        rounding = 0 if r.tier == "fast" else 4 * _gamma(k + 2, eps) * (k + 1) * (s[0] if k else 0)
    try:
        again = _svd_certify(A, U, s, Vt, r.residual, r.eta_u, r.eta_v, rounding, fro_a, digits, dps, r.tier)
    except OracleRefused as exc:
        raise _Rejected(str(exc)) from None
    _need(_same(again[3], bound) and _same(again.sigma_bounds, sb) and _same(again.fro, r.fro),
          "the stored certificate is not what its ingredients give")
    again.__dict__.update(extra)
    return again


def _reverify_eigvalsh(A, digits, r) -> Result:
    dps = working_dps(digits)
    extra = _common_attrs(r, digits, dps)
    _need(len(r) == 2, "an eigvalsh entry has 2 parts")
    lam, bound = r
    n = A.rows
    Q = getattr(r, "vectors", None)
    _need(_real_matrix(Q, n, n), "eigenvector shape")
    _need(isinstance(lam, list) and len(lam) == n and all(_finite_mpf(x) for x in lam), "eigenvalues")
    with mpmath.workdps(dps):
        _need(all(lam[i] >= lam[i + 1] - _floor_slack(dps, abs(lam[0]) + abs(lam[-1])) for i in range(n - 1)),
              "eigenvalues not descending")  # as in _reverify_svd
    res_f, eta_f, asym_f = _fast.eigh_residuals(A, Q, lam, dps)
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        fro_a = _fast.fro(A, dps) if r.tier == "fast" else _fro(A)
        floor_a, floor_1 = _floor_slack(dps, fro_a), _floor_slack(dps, 1)
        _within(r.residual, res_f, floor_a, "‖As Q − QΛ‖_F")
        _within(r.eta, eta_f, floor_1, "‖QᵀQ − I‖_F")
        _within(r.asymmetry, asym_f, floor_a, "‖A − Aᵀ‖_F")
        _need(eta_f < mpmath.mpf(1) / 2, "vectors far from orthonormal")
    with mpmath.workdps(dps + 10):  # _eigh_certify's bound from the rigorous ingredients, no allowance
        lmax = max(abs(x) for x in lam)
        c = 1 / mpmath.sqrt(1 - eta_f)
        rig = c * res_f + lmax * (eta_f * c + (c - 1)) + asym_f / mpmath.sqrt(2)
        _need(_finite_mpf(bound) and bound >= rig * (1 + 4 * mpmath.mp.eps),
              "the stored bound is below the re-evaluated certificate")
    with mpmath.workdps(dps):
        rounding = 0 if r.tier == "fast" else eps * fro_a + 4 * _gamma(n + 2, eps) * (n + 1) * max(abs(x) for x in lam)
    try:
        again = _eigh_certify(lam, Q, r.residual, r.eta, r.asymmetry, rounding, fro_a, digits, dps, r.tier)
    except OracleRefused as exc:
        raise _Rejected(str(exc)) from None
    _need(_same(again[1], bound) and _same(again.fro, r.fro), "the stored certificate is not what its ingredients give")
    again.__dict__.update(extra)
    return again


def _reverify_inv(A, digits, v):
    dps = working_dps(digits)
    _need(isinstance(v, tuple) and not isinstance(v, Result) and len(v) == 4, "an inv entry has 4 parts")
    X, bound, r, tier = v
    n = A.rows
    _need(tier in ("fast", "plain"), "unknown tier")
    _need(_real_matrix(X, n, n) and _finite_mpf(bound) and _finite_mpf(r), "inverse entry")
    r_f = _fast.inv_residual(A, X, dps)
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        # the plain route adds γ_{n+1}‖A‖_F‖X‖_F for the rounding of I − AX (see _inv_plain)
        charged = 0 if tier == "fast" else _gamma(n + 1, eps) * _fro(A) * _fro(X)
        _within(r, r_f, _floor_slack(dps, 1) + charged, "‖I − AX‖_F")
        _need(r_f < 1, "‖I − AX‖_F >= 1")
    with mpmath.workdps(dps + 10):  # _inv_certify's bound from the rigorous r, no allowance
        rig = _fro(X) * r_f / (1 - r_f)
        _need(bound >= rig * (1 + 4 * mpmath.mp.eps), "the stored bound is below the re-evaluated certificate")
    try:
        again = _inv_certify(X, r, digits, dps, tier)
    except OracleRefused as exc:
        raise _Rejected(str(exc)) from None
    _need(_same(again[1], bound), "the stored certificate is not what its ingredients give")
    return again


def _check_eig_entry(A, digits, r) -> Result:
    """'eig' is trusted like the code (its certificate cannot be re-checked without recomputing):
    only its shape is checked."""
    dps = working_dps(digits)
    _common_attrs(r, digits, dps)
    _need(len(r) == 2, "an eig entry has 2 parts")
    vals, bnds = r
    n = A.rows
    _need(isinstance(vals, list) and len(vals) == n and all(type(x) is mpmath.mpc and mpmath.isfinite(x) for x in vals),
          "eigenvalues")
    _need(isinstance(bnds, list) and len(bnds) == n and all(_finite_mpf(x) and x >= 0 for x in bnds), "bounds")
    return r


_REVERIFY = {"svd": _reverify_svd, "eigvalsh": _reverify_eigvalsh, "inv": _reverify_inv, "eig": _check_eig_entry}


def _disk_load(key, A: mpmath.matrix, digits: int):
    """A loaded entry that passed its checks (REVERIFIED_OPS), or None (a miss)."""
    value = _disk_get(key)
    if value is None:
        return None
    base = key[0].split("@", 1)[0]
    try:
        if isinstance(value, _Refusal):  # trusted like the code (see REVERIFIED_OPS)
            _need(isinstance(value.message, str) and value.message, "empty refusal")
        else:
            check = _REVERIFY.get(base)
            _need(check is not None, f"{base} entries are not kept on disk")
            value = check(A, digits, value)
    except (_Rejected, _fast.FastFailed, TypeError, ValueError, ArithmeticError, AttributeError, LookupError):
        _DISK["errors"] += 1  # a malformed or lying entry is a miss, never an answer
        return None
    _DISK["hits"] += 1
    return value


def cache_clear() -> None:
    """Clear the in-memory cache and the counters (the disk cache is left alone)."""
    _CACHE.data.clear()
    _CACHE.hits = _CACHE.misses = 0
    _TIERS.clear()
    _DISK.clear()


def cache_info() -> dict:
    d = disk_cache_dir()
    return {"hits": _CACHE.hits, "misses": _CACHE.misses, "size": len(_CACHE.data), "maxsize": _CACHE.maxsize,
            "tiers": {t: _TIERS.get(t, 0) for t in ("fast", "plain", "refused")},
            "disk": {"dir": str(d) if d else None, **{k: _DISK.get(k, 0) for k in ("hits", "writes", "errors")}}}


def _cached(op: str, A: mpmath.matrix, digits: int, compute: Callable[[], Any]):
    # A forced route keeps its own entries: its refusals are the route's, not A's.
    route = _ROUTE["route"]
    key = (op if route == "auto" else f"{op}@{route}", _digest(A), digits)
    hit = _CACHE.get(key)
    if hit is None:
        hit = _disk_load(key, A, digits)
        if hit is not None:
            _CACHE.put(key, hit)
    if hit is not None:
        if isinstance(hit, _Refusal):
            raise OracleRefused(hit.message)
        return hit
    try:
        result = compute()
    except OracleRefused as exc:
        _CACHE.put(key, _Refusal(str(exc)))
        _disk_put(key, _Refusal(str(exc)))
        raise
    _CACHE.put(key, result)
    _disk_put(key, result)
    return result


class Result(tuple):
    """A tuple (what the function documents it returns) that also carries the
    certificate's ingredients as attributes, for callers that need them."""

    def __new__(cls, items, **cert):
        self = super().__new__(cls, items)
        self.__dict__.update(cert)
        return self


def _refuse(what: str, bound, scale, digits: int, detail: str = "") -> None:
    raise OracleRefused(
        f"oracle {what}: certificate {mpmath.nstr(bound, 5)} exceeds 1e-{digits} x "
        f"{mpmath.nstr(scale, 5)} (the requested {digits} digits){'; ' + detail if detail else ''}"
    )


def _call_mpmath(what: str, f, *args, **kw):
    try:
        return f(*args, **kw)
    except (ZeroDivisionError, ValueError, ArithmeticError, RuntimeError) as exc:
        raise OracleRefused(f"oracle {what}: mpmath failed ({type(exc).__name__}: {exc})") from exc


# ----------------------------------------------------------------------------------
# SVD
# ----------------------------------------------------------------------------------

def _svd_plain(A: mpmath.matrix, digits: int) -> Result:
    dps = working_dps(digits)
    m, n = A.rows, A.cols
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        U, S, V = _call_mpmath("svd", mpmath.svd_r, A, full_matrices=False, compute_uv=True)
        # mpmath returns V already transposed: A = U·diag(S)·V with V of shape k×n.
        k = min(m, n)
        s = [abs(S[i]) for i in range(k)]
        order = sorted(range(k), key=lambda i: -s[i])
        if order != list(range(k)):
            U = mpmath.matrix([[U[i, j] for j in order] for i in range(m)])
            V = mpmath.matrix([[V[j, c] for c in range(n)] for j in order])
            s = [s[i] for i in order]
        Vt = V
        fro_a = _fro(A)
        R = A - _scale_cols(U, s) * Vt
        res = _fro(R)
        eta_u = _gram_defect(U, "cols")
        eta_v = _gram_defect(Vt, "rows")
        if eta_u >= mpmath.mpf(1) / 2 or eta_v >= mpmath.mpf(1) / 2:
            raise OracleRefused(
                f"oracle svd: computed singular vectors are far from orthonormal "
                f"(‖UᵀU−I‖_F = {mpmath.nstr(eta_u, 3)}, ‖VᵀV−I‖_F = {mpmath.nstr(eta_v, 3)})"
            )
        # Certificate.  Let Ũ, Ṽ be the orthonormal polar factors of U and Vtᵀ: U = ŨP
        # with P = (UᵀU)^{1/2}, whose eigenvalues √(1+e) satisfy |√(1+e) − 1| ≤ |e|, so
        # ‖U − Ũ‖_F ≤ ‖UᵀU − I‖_F = ηU (likewise ηV).  B = Ũ diag(S) Ṽᵀ has singular
        # values exactly S, and
        #   ‖A − B‖_F ≤ ‖R‖_F + ‖U S Vt − Ũ S Ṽᵀ‖_F ≤ ‖R‖_F + S_1·(ηU(1 + ηV) + ηV),
        # so Weyl (|σ_i(A) − σ_i(B)| ≤ ‖A − B‖₂ ≤ ‖A − B‖_F) certifies each S_i.
        # Equivalently: the singular values of U diag(S) Vt lie within S_i·(ηU + ηV + ηUηV)
        # of S_i (multiplicative perturbation by P_U, P_V), then Weyl adds ‖R‖₂ ≤ ‖R‖_F.
        # The per-σ form uses S_i instead of S_1 (the multiplicative argument); the
        # reported bound is the largest, S_1's.  The ηUηV term (beyond the brief's
        # S_1(ηU + ηV)) keeps the bound rigorous rather than first order.
        # Rounding in evaluating R, ηU, ηV: γ_{k+2} on products whose factors have
        # Frobenius norms ≤ √k(1+η), ×4 for the gram matrices and the subtraction, plus
        # the catch-all 10^(−dps+3)‖A‖_F.
        rounding = 4 * _gamma(k + 2, eps) * (k + 1) * (s[0] if k else 0)
        return _svd_certify(A, U, s, Vt, res, eta_u, eta_v, rounding, fro_a, digits, dps, "plain")


def _svd_certify(A, U, s, Vt, res, eta_u, eta_v, rounding, fro_a, digits, dps, tier) -> Result:
    """The SVD certificate (derivation in _svd_plain) from its ingredients; ``rounding``
    bounds the evaluation error of ‖R‖_F, ηU, ηV per unit (1 + η) — zero when they are
    rigorous upper bounds already (the fast route evaluates them in ball arithmetic)."""
    with mpmath.workdps(dps):
        k = len(s)
        eta = eta_u + eta_v + eta_u * eta_v
        slack = rounding * (1 + eta) + _floor_slack(dps, fro_a)
        sigma_bounds = [res + slack + si * eta for si in s]
        bound = sigma_bounds[0] if k else slack
        tol = _tol(digits)
        if bound > tol * fro_a:
            _refuse("svd", bound, fro_a, digits,
                    f"‖A − UΣVᵀ‖_F = {mpmath.nstr(res, 3)}, ηU = {mpmath.nstr(eta_u, 3)}, ηV = {mpmath.nstr(eta_v, 3)}")
        return Result(
            (U, s, Vt, bound),
            sigma_bounds=sigma_bounds, residual=res, eta_u=eta_u, eta_v=eta_v,
            fro=fro_a, dps=dps, digits=digits, tier=tier,
        )


def _svd_fast(A: mpmath.matrix, digits: int, vectors: bool = True) -> Result:
    dps = working_dps(digits)
    tup = _fast._tuples(A)
    U, s, Vt, res, eta_u, eta_v, steps = _fast.svd(A, digits, dps, vectors=vectors, tup=tup)
    with mpmath.workdps(dps):
        fro_a = _fast.fro(A, dps, tup)
        if eta_u >= mpmath.mpf(1) / 2 or eta_v >= mpmath.mpf(1) / 2:
            raise _fast.FastFailed("svd: refined vectors far from orthonormal")
    try:
        r = _svd_certify(A, U, s, Vt, res, eta_u, eta_v, 0, fro_a, digits, dps, "fast")
    except OracleRefused as exc:
        raise _fast.FastFailed(str(exc)) from exc
    r.refinement_steps = steps
    return r


def _svd_compute(A: mpmath.matrix, digits: int) -> Result:
    return _routed("svd", _svd_fast, _svd_plain, A, digits)


def svd(A, digits: int = DEFAULT_DIGITS) -> Result:
    """Thin SVD A = U diag(S) Vt with S descending (a list of mpf), and a bound on
    |S_i − σ_i(A)| for every i.  Returns (U, S, Vt, bound); the result also carries
    ``sigma_bounds`` (per-σ bounds), ``residual``, ``eta_u``, ``eta_v`` and ``fro``."""
    A = as_mp_matrix(A)
    working_dps(digits)
    return _cached("svd", A, digits, lambda: _svd_compute(A, digits))


def svdvals(A, digits: int = DEFAULT_DIGITS) -> Result:
    """(singular values descending as a list of mpf, bound on |S_i − σ_i(A)|), carrying
    ``sigma_bounds``, ``fro`` and ``tier`` like :func:`svd`.  Same certificate as svd; the
    fast route skips converting the vectors, and an SVD already cached is reused."""
    A = as_mp_matrix(A)
    working_dps(digits)
    route = _ROUTE["route"]
    key = ("svd" if route == "auto" else f"svd@{route}", _digest(A), digits)
    r = _CACHE.data.get(key)  # a peek: not counted as a hit or a miss
    if (r is None or isinstance(r, _Refusal)) and disk_cache_dir() is not None:
        # What goes to disk must be re-verifiable when loaded, and the σ certificate needs the
        # vectors: store the full SVD (same σ and bounds as the vector-free route, bit for bit).
        r = svd(A, digits)
    if r is None or isinstance(r, _Refusal):
        r = _cached("svdvals", A, digits, lambda: _routed("svd", lambda M, d: _svd_fast(M, d, vectors=False),
                                                          _svd_plain, A, digits))
    return Result((list(r[1]), r[3]), sigma_bounds=r.sigma_bounds, fro=r.fro, digits=r.digits,
                  tier=r.tier, residual=r.residual, eta_u=r.eta_u, eta_v=r.eta_v)


# ----------------------------------------------------------------------------------
# eigenvalues
# ----------------------------------------------------------------------------------

def _check_square(A, what):
    if A.rows != A.cols:
        raise InputError(f"{what} needs a square matrix, got {A.rows}x{A.cols}")


def _eigvalsh_plain(A: mpmath.matrix, digits: int) -> Result:
    dps = working_dps(digits)
    n = A.rows
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        As = (A + A.T) / 2
        E, Q = _call_mpmath("eigvalsh", mpmath.eigsy, As)
        order = sorted(range(n), key=lambda i: -E[i])  # descending
        lam = [E[i] for i in order]
        Q = mpmath.matrix([[Q[r, i] for i in order] for r in range(n)])
        fro_a = _fro(A)
        res = _fro(As * Q - _scale_cols(Q, lam))
        eta = _gram_defect(Q, "cols")
        if eta >= mpmath.mpf(1) / 2:
            raise OracleRefused(f"oracle eigvalsh: eigenvectors far from orthonormal (‖QᵀQ−I‖_F = {mpmath.nstr(eta, 3)})")
        asym = _fro(A - A.T)
        rounding = eps * fro_a + 4 * _gamma(n + 2, eps) * (n + 1) * max(abs(x) for x in lam)
        return _eigh_certify(lam, Q, res, eta, asym, rounding, fro_a, digits, dps, "plain")


def _eigh_certify(lam, Q, res, eta, asym, rounding, fro_a, digits, dps, tier) -> Result:
    """The eigvalsh certificate from its ingredients; ``rounding`` bounds the rounding of
    As and of the residual products (zero for the fast route's ball-arithmetic bounds,
    whose As = (A + Aᵀ)/2 is exact)."""
    with mpmath.workdps(dps):
        lmax = max(abs(x) for x in lam)
        # Certificate.  Q = WP (W orthogonal, P = (QᵀQ)^{1/2}, ‖P − I‖ ≤ η, ‖P⁻¹‖ ≤ c =
        # 1/√(1−η)).  From As Q − QΛ = R:  Wᵀ As W = Λ + (PΛP⁻¹ − Λ) + WᵀRP⁻¹, and the
        # left side minus Λ is symmetric, so by Weyl
        #   |λ_i(As) − Λ_i| ≤ c‖R‖_F + max|λ|·(η·c + (c − 1)),
        # i.e. ‖R‖_F + max|λ|·‖QᵀQ − I‖_F to first order (the brief's form), kept exact here.
        # The eigenvalues are those of the symmetric matrix A is meant to be: its symmetric
        # part, or either triangle read symmetrically — all within ‖A − Aᵀ‖_F/√2 of As.
        c = 1 / mpmath.sqrt(1 - eta)
        bound = (
            c * res + lmax * (eta * c + (c - 1)) + asym / mpmath.sqrt(2)
            + rounding + _floor_slack(dps, fro_a)
        )
        if bound > _tol(digits) * fro_a:
            detail = f"‖A − Aᵀ‖_F = {mpmath.nstr(asym, 3)} (is A symmetric?)" if asym > 0 else ""
            _refuse("eigvalsh", bound, fro_a, digits, detail)
        return Result((lam, bound), vectors=Q, residual=res, eta=eta, asymmetry=asym, fro=fro_a,
                      dps=dps, digits=digits, tier=tier)


def _eigvalsh_fast(A: mpmath.matrix, digits: int) -> Result:
    dps = working_dps(digits)
    lam, Q, res, eta, asym, steps = _fast.eigh(A, digits, dps)
    with mpmath.workdps(dps):
        fro_a = _fast.fro(A, dps)
        if eta >= mpmath.mpf(1) / 2:
            raise _fast.FastFailed("eigvalsh: refined vectors far from orthonormal")
    try:
        r = _eigh_certify(lam, Q, res, eta, asym, 0, fro_a, digits, dps, "fast")
    except OracleRefused as exc:
        raise _fast.FastFailed(str(exc)) from exc
    r.refinement_steps = steps
    return r


def _eigvalsh_compute(A: mpmath.matrix, digits: int) -> Result:
    return _routed("eigvalsh", _eigvalsh_fast, _eigvalsh_plain, A, digits)


def eigvalsh(A, digits: int = DEFAULT_DIGITS) -> Result:
    """Eigenvalues of a symmetric matrix, descending, with one bound for all of them.
    Returns (values, bound); ``.vectors`` holds the eigenvectors (columns, same order)."""
    A = as_mp_matrix(A)
    _check_square(A, "eigvalsh")
    working_dps(digits)
    return _cached("eigvalsh", A, digits, lambda: _eigvalsh_compute(A, digits))


def _eig_compute(A: mpmath.matrix, digits: int) -> Result:
    dps = working_dps(digits)
    n = A.rows
    if n == 1:
        # mpmath.eig returns (E, ER, EL) for 1×1 input even when no vectors are asked for,
        # which broke the unpacking below; the eigenvalue is the entry itself, exactly.
        with mpmath.workdps(dps):
            return Result(([mpmath.mpc(A[0, 0])], [mpmath.mpf(0)]), bound=mpmath.mpf(0), residuals=[mpmath.mpf(0)],
                          tier="plain", precision_gaps=[mpmath.mpf(0)], fro=abs(A[0, 0]), dps=dps, digits=digits)
    with mpmath.workdps(dps + 20):
        E_hi = [mpmath.mpc(x) for x in _call_mpmath("eig", mpmath.eig, A, left=False, right=False)]
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        E, ER = _call_mpmath("eig", mpmath.eig, A, left=False, right=True)
        E = [mpmath.mpc(x) for x in E]
        fro_a = _fro(A)
        # Residual-based backward error per pair: λ_i is an exact eigenvalue of A + Δ with
        # ‖Δ‖₂ = ‖A x − λ x‖/‖x‖ (plus the rounding of the residual itself).
        resid = []
        for i in range(n):
            x = ER[:, i]
            r = A * x - E[i] * x
            nx = mpmath.sqrt(mpmath.fsum(abs(t) ** 2 for t in x))
            nr = mpmath.sqrt(mpmath.fsum(abs(t) ** 2 for t in r))
            resid.append(nr / nx + 4 * _gamma(n + 2, eps) * (fro_a + abs(E[i])) if nx > 0 else mpmath.inf)
        # Pair each eigenvalue with the nearest unused one computed at dps + 20.
        unused = list(range(n))
        diffs = []
        for i in range(n):
            j = min(unused, key=lambda t: abs(E_hi[t] - E[i]))
            unused.remove(j)
            diffs.append(abs(E_hi[j] - E[i]))
        # Certificate.  For a non-normal matrix the backward residual does NOT bound the
        # forward error (a Jordan block of size k moves its eigenvalue by ‖Δ‖^{1/k}), so
        # the honest check is the agreement of two precisions: the forward error at dps is
        # estimated as 10× the difference from the dps + 20 result (whose own error is ~1e20
        # smaller).  The residual is kept as a floor, so a normal matrix whose two runs agree
        # exactly still reports its backward error.
        floor = _floor_slack(dps, fro_a)
        bounds = [max(10 * d, r, floor) for d, r in zip(diffs, resid)]
        tol = _tol(digits) * fro_a
        worst = max(range(n), key=lambda i: bounds[i])
        if bounds[worst] > tol:
            _refuse("eig", bounds[worst], fro_a, digits,
                    f"eigenvalue {mpmath.nstr(E[worst], 8)}: |λ(dps) − λ(dps+20)| = {mpmath.nstr(diffs[worst], 3)}, "
                    f"backward residual {mpmath.nstr(resid[worst], 3)} (ill-conditioned or defective eigenvalue)")
        order = sorted(range(n), key=lambda i: (-E[i].real, -E[i].imag))
        vals = [E[i] for i in order]
        bnds = [bounds[i] for i in order]
        return Result((vals, bnds), bound=max(bnds), residuals=[resid[i] for i in order], tier="plain",
                      precision_gaps=[diffs[i] for i in order], fro=fro_a, dps=dps, digits=digits)


def eig(A, digits: int = DEFAULT_DIGITS) -> Result:
    """General eigenvalues (mpc), sorted by real part then imaginary part, descending, with
    a bound per eigenvalue.  Returns (values, bounds); ``.bound`` is the largest."""
    A = as_mp_matrix(A)
    _check_square(A, "eig")
    working_dps(digits)
    return _cached("eig", A, digits, lambda: _eig_compute(A, digits))


# ----------------------------------------------------------------------------------
# inverse, solve
# ----------------------------------------------------------------------------------

def _inv_plain(A: mpmath.matrix, digits: int):
    dps = working_dps(digits)
    n = A.rows
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        X = _call_mpmath("inv", mpmath.inverse, A)
        fro_a, fro_x = _fro(A), _fro(X)
        R = mpmath.eye(n) - A * X
        # ‖R̂ − R‖_F ≤ γ_{n+1}‖A‖_F‖X‖_F (product and subtraction from I).
        r = _fro(R) + _gamma(n + 1, eps) * fro_a * fro_x
        return _inv_certify(X, r, digits, dps, "plain")


def _inv_certify(X, r, digits, dps, tier):
    """(X, bound, r, tier) from r ≥ ‖I − AX‖_F (rigorous)."""
    with mpmath.workdps(dps):
        if not r < 1:
            raise OracleRefused(f"oracle inv: ‖I − AX‖_F = {mpmath.nstr(r, 3)} >= 1, no certificate (A singular or too ill-conditioned for {dps} digits)")
        fro_x = _fro(X)
        # AX = I − R  ⇒  A⁻¹ = X(I − R)⁻¹  ⇒  A⁻¹ − X = XR(I − R)⁻¹ (Neumann series), so
        # ‖X − A⁻¹‖_F ≤ ‖X‖_F‖R‖₂/(1 − ‖R‖₂) ≤ ‖X‖_F‖R‖_F/(1 − ‖R‖_F).
        # The floor (as in the SVD certificate) keeps every tier from claiming more than
        # dps − 3 digits: the fast route's ball bounds alone would promise ~prec + 20 bits.
        bound = fro_x * r / (1 - r) + _floor_slack(dps, fro_x)
        if bound > _tol(digits) * fro_x:
            _refuse("inv", bound, fro_x, digits, f"‖I − AX‖_F = {mpmath.nstr(r, 3)}")
        return X, bound, r, tier


def _inv_fast(A: mpmath.matrix, digits: int):
    dps = working_dps(digits)
    X, r = _fast.inv(A, digits, dps)  # r: ball-arithmetic upper bound of ‖I − AX‖_F
    try:
        return _inv_certify(X, r, digits, dps, "fast")
    except OracleRefused as exc:
        raise _fast.FastFailed(str(exc)) from exc


def _inv(A: mpmath.matrix, digits: int):
    return _cached("inv", A, digits, lambda: _routed("inv", _inv_fast, _inv_plain, A, digits))


def inv(A, digits: int = DEFAULT_DIGITS) -> Result:
    """(X, bound on ‖X − A⁻¹‖_F); refuses for singular or hopelessly ill-conditioned A.
    ``.tier`` says which route certified it."""
    A = as_mp_matrix(A)
    _check_square(A, "inv")
    working_dps(digits)
    X, bound, _, tier = _inv(A, digits)
    return Result((X, bound), tier=tier)


def solve(A, b, digits: int = DEFAULT_DIGITS) -> Result:
    """(x, bound on ‖x − A⁻¹b‖_F) for square A; b is n×k (or a vector, taken as n×1)."""
    A = as_mp_matrix(A)
    _check_square(A, "solve")
    working_dps(digits)
    if isinstance(b, (list, tuple)) and b and not isinstance(b[0], (list, tuple)):
        b = [[t] for t in b]
    elif hasattr(b, "ndim") and not isinstance(b, mpmath.matrix) and b.ndim == 1:
        b = b.reshape(-1, 1)
    B = as_mp_matrix(b, "b")
    if B.rows != A.rows:
        raise InputError(f"solve shape mismatch: A is {A.rows}x{A.cols}, b has {B.rows} rows")
    X, inv_bound, _, tier = _inv(A, digits)
    dps = working_dps(digits)
    n = A.rows
    x = None
    if tier == "fast":
        try:
            x, res = _fast.solve_refine(A, X, B, dps)  # res: rigorous upper bound of ‖B − Ax‖_F
        except _fast.FastFailed:
            x = None
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        if x is None:
            tier = "plain"
            x = mpmath.matrix(n, B.cols)
            for j in range(B.cols):
                xj = _call_mpmath("solve", mpmath.lu_solve, A, B[:, j])
                for i in range(n):
                    x[i, j] = xj[i]
            fro_a, fro_b, fro_x = _fro(A), _fro(B), _fro(x)
            res = _fro(B - A * x) + _gamma(n + 1, eps) * (fro_a * fro_x + fro_b)
        fro_x = _fro(x)
        # x − A⁻¹b = −A⁻¹(b − Ax), and ‖A⁻¹‖₂ ≤ ‖A⁻¹‖_F ≤ ‖X‖_F + ‖X − A⁻¹‖_F.
        bound = (_fro(X) + inv_bound) * res + _floor_slack(dps, fro_x)
        if bound > _tol(digits) * fro_x and bound > 0:
            _refuse("solve", bound, fro_x, digits, f"‖b − Ax‖_F = {mpmath.nstr(res, 3)}")
        return Result((x, bound), tier=tier)


# ----------------------------------------------------------------------------------
# polar factor
# ----------------------------------------------------------------------------------

def _polar_parts(A: mpmath.matrix, digits: int, extra_err=0):
    """Q = U Vt and (forward bound or inf when rank deficient, reconstruction bound).

    ``extra_err`` is an additional Frobenius distance between A and the exact matrix
    (used by the op set for a Mat's err)."""
    r = svd(A, digits)
    U, s, Vt, _ = r
    dps = r.dps
    k = len(s)
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        # The fast tier's product in ball arithmetic, rounded like mpmath's (see fast.matmul);
        # the plain tier stays pure mpmath.
        Q = _fast.matmul(U, Vt, dps) if getattr(r, "tier", "plain") == "fast" else U * Vt
        # E: ‖A_exact − B‖_F with B = Ũ diag(S) Ṽᵀ (see _svd_compute); B's polar factor is
        # exactly ŨṼᵀ.  Li & Sun (rectangular full-rank case): ‖Q(A) − Q(B)‖_F ≤
        # √3‖A − B‖_F / min(σ_min(A), σ_min(B)), with σ_min(B) = S_min and
        # σ_min(A) ≥ S_min − E.  Rank deficient (S_min ≤ E): no bound.
        E = r.sigma_bounds[0] + extra_err
        gap = s[-1] - E
        fwd = mpmath.sqrt(3) * E / gap if gap > 0 else mpmath.inf
        # The computed U Vt versus ŨṼᵀ: ‖U − Ũ‖_F‖Vt‖₂ + ‖Vt − Ṽᵀ‖_F ≤ ηU(1 + ηV) + ηV,
        # plus the product's rounding γ_k·‖U‖_F‖Vt‖_F ≤ γ_k·k(1 + η).
        recon = r.eta_u * (1 + r.eta_v) + r.eta_v + _gamma(k, eps) * k * (1 + r.eta_u + r.eta_v) + eps * mpmath.sqrt(k)
        return Q, fwd, recon, r


def polar(A, digits: int = DEFAULT_DIGITS):
    """(Q = U Vt, bound on ‖Q − polar(A)‖_F) for full-rank A (any shape); refuses when A
    is rank deficient to within the SVD's certificate."""
    A = as_mp_matrix(A)
    Q, fwd, recon, r = _polar_parts(A, digits)
    if fwd == mpmath.inf:
        raise OracleRefused(
            f"oracle polar: A is rank deficient to within the SVD certificate "
            f"(σ_min = {mpmath.nstr(r[1][-1], 3)} <= bound {mpmath.nstr(r.sigma_bounds[0], 3)}); the polar factor is not unique"
        )
    with mpmath.workdps(r.dps):
        bound = fwd + recon
        scale = mpmath.sqrt(len(r[1]))  # ‖Q‖_F
        if bound > _tol(digits) * scale:
            _refuse("polar", bound, scale, digits, f"σ_min = {mpmath.nstr(r[1][-1], 3)} (ill-conditioned)")
    return Result((Q, bound), tier=r.tier)


# ----------------------------------------------------------------------------------
# norms
# ----------------------------------------------------------------------------------

def _check_norm_value(what, v, bound, scale, digits):
    if bound > _tol(digits) * scale:
        _refuse(what, bound, scale, digits)


def norm(A, kind: str, p=None, k=None, digits: int = DEFAULT_DIGITS):
    """(‖A‖_kind, bound) for kind in NORM_KINDS ('schatten' needs p >= 1, 'kyfan' k)."""
    A = as_mp_matrix(A)
    m, n = A.rows, A.cols
    check_norm_args(kind, p, k, (m, n))
    dps = working_dps(digits)
    if kind in ("2", "nuc", "schatten", "kyfan"):
        r = svdvals(A, digits)
        s, b = r[0], r.sigma_bounds
        with mpmath.workdps(dps):
            eps = mpmath.mp.eps
            rr = len(s)
            # Each |Ŝ_i − σ_i| ≤ b_i in sorted order (Weyl), so by the triangle inequality
            # in ℓ_p, |‖Ŝ‖_p − ‖σ‖_p| ≤ ‖b‖_p; partial sums likewise for Ky Fan.
            if kind == "2" or (kind == "schatten" and p in (math.inf, mpmath.inf)):
                v, bound = s[0], b[0]
            elif kind == "nuc":
                v = mpmath.fsum(s)
                bound = mpmath.fsum(b) + _gamma(rr, eps) * v
            elif kind == "kyfan":
                v = mpmath.fsum(s[:k])
                bound = mpmath.fsum(b[:k]) + _gamma(k, eps) * v
            else:
                pp = mpmath.mpf(p)
                v = mpmath.fsum(t ** pp for t in s) ** (1 / pp)
                bb = mpmath.fsum(t ** pp for t in b) ** (1 / pp)
                # pow per term, the sum, the root (error divided by p ≥ 1): γ_{r+4}.
                bound = bb + _gamma(rr + 4, eps) * v
            fro_a = r.fro
            _check_norm_value(f"norm({kind})", v, bound, max(v, fro_a), digits)
            return v, bound
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        if kind == "fro":
            v = _fro(A)
            return v, _gamma(m * n + 2, eps) * v
        if kind == "max":
            return max(abs(A[i, j]) for i in range(m) for j in range(n)), mpmath.mpf(0)
        if kind == "1":
            v = max(mpmath.fsum(abs(A[i, j]) for i in range(m)) for j in range(n))
            return v, _gamma(m, eps) * v
        if kind == "inf":
            v = max(mpmath.fsum(abs(A[i, j]) for j in range(n)) for i in range(m))
            return v, _gamma(n, eps) * v
    raise AssertionError(kind)  # pragma: no cover


def _pnorm(vals, p):
    """‖v‖_p for p in {'1', '2', 'inf'} (inside workdps)."""
    if p == "1":
        return mpmath.fsum(abs(t) for t in vals)
    if p == "2":
        return mpmath.sqrt(mpmath.fsum(t * t for t in vals))
    return max(abs(t) for t in vals)


def induced(A, p: str, q: str, digits: int = DEFAULT_DIGITS):
    """(‖A‖_{p→q}, bound) for p, q in {'1', '2', 'inf'}.  Closed forms for 1→q, p→∞ and
    2→2; exhaustive sign enumeration for ∞→1, ∞→2 and 2→1 (= ‖Aᵀ‖_{∞→2}), Unsupported
    beyond ORACLE_MAX_ENUM_DIM."""
    if p not in INDUCED_PQ or q not in INDUCED_PQ:
        raise InputError(f"induced norm p, q must be in {INDUCED_PQ}, got {p}->{q}")
    A = as_mp_matrix(A)
    m, n = A.rows, A.cols
    dps = working_dps(digits)
    if p == "2" and q == "2":
        return norm(A, "2", digits=digits)
    dual = {"1": "inf", "2": "2", "inf": "1"}
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        if p == "1":  # extreme points of the ℓ1 ball are ±e_j: max column q-norm
            v = max(_pnorm([A[i, j] for i in range(m)], q) for j in range(n))
        elif q == "inf":  # max_i max_{‖x‖_p ≤ 1} |row_i·x| = max row dual norm
            v = max(_pnorm([A[i, j] for j in range(n)], dual[p]) for i in range(m))
        else:
            # ∞→1, ∞→2: a convex function on the cube peaks at a vertex (a sign vector;
            # ±s give the same value, so s_1 = +1).  2→1 = ‖Aᵀ‖_{∞→2} by duality.
            X, qq = A, q
            if p == "2":  # q == "1"
                X, qq = A.T, "2"
            mm, nn = X.rows, X.cols
            if nn > ORACLE_MAX_ENUM_DIM:
                raise OutOfDomain(f"induced({p},{q})", _OPSET_ID,
                                  f"sign enumeration limited to dimension <= {ORACLE_MAX_ENUM_DIM}, got {nn}")
            rows = [[X[i, j] for j in range(nn)] for i in range(mm)]
            best = mpmath.mpf(0)
            for tail in itertools.product((1, -1), repeat=nn - 1):
                sg = (1,) + tail
                y = [mpmath.fsum(r[j] if sg[j] > 0 else -r[j] for j in range(nn)) for r in rows]
                best = max(best, _pnorm(y, qq))
            v = best
        # The longest chain: a sum of ≤ max(m, n) terms, squares and a root: γ_{m+n+2}.
        bound = _gamma(m + n + 2, eps) * v
        return v, bound


def vnorm(x, p, digits: int = DEFAULT_DIGITS):
    """(‖x‖_p, bound) for a vector and any p > 0 (p < 1 gives the quasi-norm
    (Σ|x_i|^p)^{1/p}) or p = inf."""
    xs = _as_vector(x)
    if isinstance(p, str):
        if p.lower() not in ("inf", "1", "2"):
            raise InputError(f"vnorm p must be a positive number or 'inf', got {p!r}")
        p = math.inf if p.lower() == "inf" else int(p)
    if isinstance(p, bool) or not isinstance(p, (int, float, mpmath.mpf)) or not (p > 0):
        raise InputError(f"vnorm needs p > 0 (or inf), got {p!r}")
    dps = working_dps(digits)
    nv = len(xs)
    with mpmath.workdps(dps):
        eps = mpmath.mp.eps
        if p in (math.inf, mpmath.inf):
            return max(abs(t) for t in xs), mpmath.mpf(0)
        pp = mpmath.mpf(p)
        v = mpmath.fsum(abs(t) ** pp for t in xs) ** (1 / pp)
        # pow per term and the sum: relative γ_{n+2}; the root 1/p scales a relative
        # error by 1/p (≥ 1 when p < 1), plus its own rounding.
        rel = _gamma(nv + 2, eps) * max(1, 1 / pp) + 2 * eps
        return v, rel * v


__all__ = [
    "DEFAULT_DIGITS",
    "GUARD_DIGITS",
    "ORACLE_MAX_ENUM_DIM",
    "NORM_KINDS",
    "Result",
    "as_mp_matrix",
    "cache_clear",
    "cache_info",
    "eig",
    "eigvalsh",
    "induced",
    "inv",
    "norm",
    "polar",
    "solve",
    "svd",
    "svdvals",
    "vnorm",
    "working_dps",
]
