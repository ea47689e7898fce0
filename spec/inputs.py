"""Input specifications: exact mathematical objects described by a few parameters.

A spec (for example ``MatrixSpec(m=3, n=2, mode='geometric', log10_kappa=4, ...)``) names a
matrix *exactly*: A = s · U diag(σ) Vᵀ with σ prescribed by the mode and κ, and U, V
products of Householder reflectors whose vectors are float64 numbers drawn from the seed
(so U, V are exactly orthogonal, and rank, σ and κ are exactly what the spec says).

Each op set materialises a spec at its own precision:

* ``to_mp(dps)`` — in mpmath at ``dps`` digits (the oracle's view; exact up to 10^-dps);
* ``to_numpy(dtype)`` — in floating point, together with a *derived* bound on
  ‖Â − A‖_F, so backends are judged against the object the claim is about.

Specs are small frozen dataclasses: their repr is the readable, replayable counterexample,
and ``to_json``/``spec_from_json`` round-trip them for reports and ``matspec replay``.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import mpmath
import numpy as np

from .tolerance import gamma, unit_roundoff

MODES = (
    "geometric",
    "arithmetic",
    "one_large",
    "one_small",
    "log_uniform",
    "clustered",
    "repeated",
    "rank_deficient",
)


class InputError(ValueError):
    """A malformed spec or array handed to a public function."""


# ----------------------------------------------------------------------------------
# Haar-distributed orthogonal factors as exact products of Householder reflectors
# ----------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _householder_factors(n: int, seed: int, salt: int) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Stewart (1980): Q = D·H_1⋯H_{n-1} is Haar when H_k reflects a Gaussian x_k onto
    ±‖x_k‖e_1 and D holds the signs.  The reflector vectors v_k are float64 numbers and are
    taken as exact: the orthogonal matrix they define is exactly orthogonal."""
    rng = np.random.default_rng([seed, salt, n])
    vs = []
    signs = np.ones(n)
    for k in range(n - 1):
        x = rng.standard_normal(n - k)
        s = 1.0 if x[0] >= 0 else -1.0
        v = x.copy()
        v[0] += s * np.linalg.norm(x)
        vs.append(v)
        signs[k] = -s
    if n >= 1:
        signs[n - 1] = 1.0 if rng.standard_normal() >= 0 else -1.0
    return tuple(vs), signs


def _apply_left_np(X: np.ndarray, n: int, seed: int, salt: int) -> np.ndarray:
    """X ← Q X with Q = D H_1 ⋯ H_{n-1} (apply H_{n-1} first)."""
    vs, signs = _householder_factors(n, seed, salt)
    X = X.copy()
    for k in range(len(vs) - 1, -1, -1):
        v = vs[k].astype(X.dtype)
        beta = X.dtype.type(2.0) / (v @ v)
        sub = X[k:, :]
        sub -= np.outer(v, beta * (v @ sub))
    return signs.astype(X.dtype)[:, None] * X


def _apply_left_mp(X: mpmath.matrix, n: int, seed: int, salt: int) -> mpmath.matrix:
    vs, signs = _householder_factors(n, seed, salt)
    X = X.copy()
    cols = X.cols
    for k in range(len(vs) - 1, -1, -1):
        v = [mpmath.mpf(float(t)) for t in vs[k]]
        beta = 2 / mpmath.fsum(t * t for t in v)
        for j in range(cols):
            w = beta * mpmath.fdot(v, [X[k + i, j] for i in range(len(v))])
            for i in range(len(v)):
                X[k + i, j] -= w * v[i]
    for i in range(n):
        if signs[i] < 0:
            for j in range(cols):
                X[i, j] = -X[i, j]
    return X


def _reflector_error_factor(n: int, count: int, u: float) -> float:
    """Relative (Frobenius) forward error of applying `count` reflectors of length <= n.

    Per reflector y = x − β v (vᵀx): the dot product costs γ_n |v||x|, the scaling and the
    update a few more roundings, and β‖v‖² = 2, so ‖ŷ − y‖ ≤ (2n + 9)u‖x‖ to first order
    (Higham, ASNA 2nd ed., Lemma 19.2 gives the same shape).  `count` of them compound:
    (1 + (2n+9)u)^count − 1 ≤ γ(count·(2n+9)) in Higham's γ notation.
    """
    if count <= 0:
        return 0.0
    return gamma(count * (2 * n + 9), u)


# ----------------------------------------------------------------------------------
# Specs
# ----------------------------------------------------------------------------------

class Spec:
    kind: ClassVar[str]

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["type"] = self.kind
        return d


@dataclass(frozen=True)
class MatrixSpec(Spec):
    """A = 10^log10_scale · U diag(σ) Vᵀ, σ_1 = 1, κ = σ_1/σ_p = 10^log10_kappa (p = min(m, n)).

    ``rank`` only matters for mode 'rank_deficient' (σ_{rank+1..p} = 0 exactly).
    """

    kind: ClassVar[str] = "matrix"
    m: int
    n: int
    mode: str = "geometric"
    log10_kappa: float = 0.0
    log10_scale: int = 0
    seed: int = 0
    rank: int | None = None

    def __post_init__(self):
        if not (isinstance(self.m, int) and isinstance(self.n, int) and self.m >= 1 and self.n >= 1):
            raise InputError(f"matrix shape must be positive integers, got {self.m}x{self.n}")
        if self.mode not in MODES:
            raise InputError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if not (0 <= self.log10_kappa <= 300):
            raise InputError("log10_kappa must lie in [0, 300]")
        if self.mode == "rank_deficient":
            p = min(self.m, self.n)
            if self.rank is None or not (0 <= self.rank < p or p == 0):
                raise InputError(f"rank_deficient needs 0 <= rank < min(m, n) = {p}, got {self.rank}")

    @property
    def p(self) -> int:
        return min(self.m, self.n)

    @property
    def exact_rank(self) -> int:
        return self.rank if self.mode == "rank_deficient" else self.p

    def sigma_mp(self) -> list:
        """The prescribed singular values, exactly (in the current mpmath precision)."""
        p, kappa = self.p, mpmath.mpf(10) ** mpmath.mpf(self.log10_kappa)
        mode = self.mode
        if p == 1:
            s = [mpmath.mpf(1)]
        elif mode == "geometric":
            s = [kappa ** (-mpmath.mpf(i) / (p - 1)) for i in range(p)]
        elif mode == "arithmetic":
            # written without the cancellation of 1 − (1 − 1/κ)·t, so σ_p = 1/κ to full precision
            s = [((p - 1 - i) + i / kappa) / (p - 1) for i in range(p)]
        elif mode == "one_large":
            s = [mpmath.mpf(1)] + [1 / kappa] * (p - 1)
        elif mode == "one_small":
            s = [mpmath.mpf(1)] * (p - 1) + [1 / kappa]
        elif mode == "log_uniform":
            rng = np.random.default_rng([self.seed, 7])
            inner = sorted(rng.uniform(0.0, 1.0, size=max(p - 2, 0)), reverse=True)
            expo = [0.0] + [float(t) for t in inner] + [1.0]
            s = [kappa ** (-mpmath.mpf(e)) for e in expo]
        elif mode == "clustered":
            # Two tight clusters (relative width 1e-10) at 1 and at 1/κ.
            half = (p + 1) // 2
            s = [1 - mpmath.mpf(i) * mpmath.mpf("1e-10") for i in range(half)]
            s += [(1 - mpmath.mpf(i) * mpmath.mpf("1e-10")) / kappa for i in range(p - half)]
        elif mode == "repeated":
            # Geometric levels, each repeated twice: exact multiplicities.
            levels = (p + 1) // 2
            base = [kappa ** (-mpmath.mpf(i) / max(levels - 1, 1)) for i in range(levels)]
            s = [b for b in base for _ in range(2)][:p]
            s[-1] = 1 / kappa if levels > 1 else s[-1]
            s = sorted(s, reverse=True)
        elif mode == "rank_deficient":
            r = self.rank
            nz = [kappa ** (-mpmath.mpf(i) / max(r - 1, 1)) for i in range(r)] if r > 1 else [mpmath.mpf(1)] * r
            s = nz + [mpmath.mpf(0)] * (p - r)
        else:  # pragma: no cover - validated in __post_init__
            raise InputError(self.mode)
        # descending, as singular values are listed (the clustered mode at κ ≈ 1 interleaves
        # its two clusters otherwise, and σ1/σp would not be κ)
        return sorted(s, reverse=True)

    def to_mp(self, dps: int) -> mpmath.matrix:
        with mpmath.workdps(dps):
            scale = mpmath.mpf(10) ** self.log10_scale
            S = mpmath.zeros(self.m, self.n)
            for i, s in enumerate(self.sigma_mp()):
                S[i, i] = s * scale
            S = _apply_left_mp(S, self.m, self.seed, 1)  # U Σ
            St = _apply_left_mp(S.T, self.n, self.seed, 2)  # V (UΣ)ᵀ = (UΣVᵀ)ᵀ
            return St.T

    def to_numpy(self, dtype=np.float64) -> tuple[np.ndarray, float]:
        """Floating-point materialisation and a bound on ‖Â − A‖_F (A the exact object)."""
        dtype = np.dtype(dtype)
        with mpmath.workdps(30):
            sig = [float(s) for s in self.sigma_mp()]
        scale = 10.0 ** self.log10_scale
        S = np.zeros((self.m, self.n))
        for i, s in enumerate(sig):
            S[i, i] = s * scale
        X = _apply_left_np(S, self.m, self.seed, 1)
        X = _apply_left_np(X.T, self.n, self.seed, 2).T
        fro = math.sqrt(sum(s * s for s in sig)) * scale  # exact ‖A‖_F up to rounding
        u64 = unit_roundoff(np.float64)
        # σ_i rounded once each (≤ 2u relative with the scale product), then m−1 and n−1
        # reflectors applied in float64 (see _reflector_error_factor).
        err = fro * (
            2 * u64
            + _reflector_error_factor(self.m, self.m - 1, u64)
            + _reflector_error_factor(self.n, self.n - 1, u64)
        )
        return cast_with_bound(X, err, dtype)


def cast_with_bound(X64: np.ndarray, err64: float, dtype) -> tuple[np.ndarray, float]:
    """Round a float64 array to `dtype`; each entry moves by at most u·|x|, so the
    Frobenius distance grows by at most u‖X‖_F."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        return X64, err64
    with np.errstate(over="ignore"):
        Xd = X64.astype(dtype)
    if not np.all(np.isfinite(Xd)):
        raise InputError(f"matrix does not fit in {dtype.name}: scale out of range")
    return Xd, err64 + unit_roundoff(dtype) * float(np.linalg.norm(X64))


@dataclass(frozen=True)
class OrthogonalSpec(Spec):
    """A Haar-random n×n orthogonal matrix (exactly orthogonal: a reflector product)."""

    kind: ClassVar[str] = "orthogonal"
    n: int
    seed: int = 0

    def __post_init__(self):
        if not (isinstance(self.n, int) and self.n >= 1):
            raise InputError(f"orthogonal matrix size must be a positive integer, got {self.n}")

    def to_mp(self, dps: int) -> mpmath.matrix:
        with mpmath.workdps(dps):
            return _apply_left_mp(mpmath.eye(self.n), self.n, self.seed, 3)

    def to_numpy(self, dtype=np.float64) -> tuple[np.ndarray, float]:
        Q = _apply_left_np(np.eye(self.n), self.n, self.seed, 3)
        u64 = unit_roundoff(np.float64)
        err = math.sqrt(self.n) * _reflector_error_factor(self.n, self.n - 1, u64)
        return cast_with_bound(Q, err, dtype)


@dataclass(frozen=True)
class ArraySpec(Spec):
    """Explicit float64 entries, taken as exact (vectors, the documents' worked examples)."""

    kind: ClassVar[str] = "array"
    rows: tuple

    def __post_init__(self):
        rows = self.rows
        if not rows or not all(isinstance(r, tuple) and r for r in rows):
            raise InputError("an explicit matrix needs at least one non-empty row (tuple of tuples)")
        if len({len(r) for r in rows}) != 1:
            raise InputError("rows of an explicit matrix must have equal length")
        for r in rows:
            for x in r:
                if not isinstance(x, (int, float)) or not math.isfinite(x):
                    raise InputError(f"entries must be finite numbers, got {x!r}")

    @staticmethod
    def column(values) -> "ArraySpec":
        return ArraySpec(tuple((float(v),) for v in values))

    @staticmethod
    def basis(n: int, j: int, sign: float = 1.0) -> "ArraySpec":
        """The column vector sign·e_j of length n."""
        return ArraySpec.column([sign if i == j else 0.0 for i in range(n)])

    @staticmethod
    def of(rows) -> "ArraySpec":
        return ArraySpec(tuple(tuple(float(x) for x in r) for r in rows))

    @property
    def m(self) -> int:
        return len(self.rows)

    @property
    def n(self) -> int:
        return len(self.rows[0])

    def to_mp(self, dps: int) -> mpmath.matrix:
        with mpmath.workdps(dps):
            return mpmath.matrix([[mpmath.mpf(x) for x in r] for r in self.rows])

    def to_numpy(self, dtype=np.float64) -> tuple[np.ndarray, float]:
        return cast_with_bound(np.array(self.rows, dtype=np.float64), 0.0, dtype)

    def to_json(self) -> dict:
        return {"type": self.kind, "rows": [list(r) for r in self.rows]}


SPEC_TYPES: dict[str, type] = {}


def register_spec(cls):
    SPEC_TYPES[cls.kind] = cls
    return cls


for _cls in (MatrixSpec, OrthogonalSpec, ArraySpec):
    register_spec(_cls)


def spec_from_json(d: dict):
    """Rebuild a spec (or a plain number) from its JSON form, with clear errors."""
    if not isinstance(d, dict):
        return d
    kind = d.get("type")
    if kind not in SPEC_TYPES:
        import matspec.gallery  # noqa: F401 - GallerySpec registers itself on import
        import matspec.sized  # noqa: F401 - SizedSpec and BatchSpec too
    if kind not in SPEC_TYPES:
        raise InputError(f"unknown input type {kind!r}; known: {', '.join(sorted(SPEC_TYPES))}")
    fields = {k: v for k, v in d.items() if k != "type"}
    if kind == "array":
        return ArraySpec(tuple(tuple(float(x) for x in r) for r in fields["rows"]))
    if hasattr(SPEC_TYPES[kind], "from_json"):
        return SPEC_TYPES[kind].from_json(d)
    return SPEC_TYPES[kind](**fields)


def input_to_json(x):
    if isinstance(x, Spec):
        return x.to_json()
    if isinstance(x, (int, float, str)) or x is None:
        return x
    raise TypeError(f"cannot serialise input of type {type(x).__name__}")
