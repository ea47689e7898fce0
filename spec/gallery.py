"""A gallery of structured square matrices (cf. MATLAB's `gallery`, Higham's Test Matrix
Toolbox).  Each is defined entrywise and exactly: ``to_mp`` evaluates the entries at the
working precision, ``to_numpy`` rounds those exact entries once (error ≤ u·‖A‖_F).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import mpmath
import numpy as np

from .inputs import InputError, Spec, cast_with_bound, register_spec
from .tolerance import unit_roundoff


def _diagonal(n, seed, i, j):
    if i != j:
        return mpmath.mpf(0)
    rng = np.random.default_rng([seed, 11, n])
    d = rng.integers(-9, 10, size=n)  # small integers: a readable counterexample
    return mpmath.mpf(int(d[i]))


def _rank1(n, seed, i, j):
    rng = np.random.default_rng([seed, 12, n])
    x = rng.integers(-4, 5, size=n)
    y = rng.integers(-4, 5, size=n)
    x[0] = x[0] or 1
    y[0] = y[0] or 1
    return mpmath.mpf(int(x[i]) * int(y[j]))


def _ones_over_n(n, seed, i, j):
    return mpmath.mpf(1) / n


def _hilbert(n, seed, i, j):
    return mpmath.mpf(1) / (i + j + 1)


def _kahan(n, seed, i, j):
    # Kahan's matrix: diag(1, s, ..., s^{n-1}) · (I − c·strict upper ones), θ = 1.2.
    theta = mpmath.mpf("1.2")
    s, c = mpmath.sin(theta), mpmath.cos(theta)
    if i > j:
        return mpmath.mpf(0)
    return s ** i * (1 if i == j else -c)


def _grcar(n, seed, i, j):
    # Grcar: −1 on the subdiagonal, 1 on the diagonal and the first 3 superdiagonals.
    if i == j + 1:
        return mpmath.mpf(-1)
    if 0 <= j - i <= 3:
        return mpmath.mpf(1)
    return mpmath.mpf(0)


def _jordan(n, seed, i, j):
    # Jordan-like block: λ = 1/2 on the diagonal, 1 on the superdiagonal (non-normal).
    if i == j:
        return mpmath.mpf(1) / 2
    if j == i + 1:
        return mpmath.mpf(1)
    return mpmath.mpf(0)


def _orthogonal_rotation(n, seed, i, j):
    # Block-diagonal 2×2 rotations by angle θ_b (exactly orthogonal as real numbers).
    rng = np.random.default_rng([seed, 13, n])
    thetas = rng.uniform(0, 2 * np.pi, size=(n + 1) // 2)
    bi, bj = i // 2, j // 2
    if bi != bj:
        return mpmath.mpf(0)
    t = mpmath.mpf(float(thetas[bi]))
    if 2 * bi + 1 >= n:  # trailing 1×1 block
        return mpmath.mpf(1)
    a, b = i % 2, j % 2
    return [[mpmath.cos(t), -mpmath.sin(t)], [mpmath.sin(t), mpmath.cos(t)]][a][b]


def _hippo_legs(n, seed, i, j):
    # HiPPO-LegS as printed in seed 002 §2.5: A_ik = −√((2i+1)(2k+1)) below the diagonal,
    # −(i+1) on it, 0 above.
    if j > i:
        return mpmath.mpf(0)
    if i == j:
        return -mpmath.mpf(i + 1)
    return -mpmath.sqrt((2 * i + 1) * (2 * j + 1))


def _hippo_pp(n, seed, i, j):
    # PPᵀ with P_i = √(i + 1/2): the rank-1 term of S4's normal-plus-low-rank form of HiPPO-LegS.
    return mpmath.sqrt((2 * i + 1) * (2 * j + 1)) / 2


_KINDS = {
    "diagonal": (_diagonal, None),
    "orthogonal": (_orthogonal_rotation, "full"),
    "rank1": (_rank1, 1),
    "ones_over_n": (_ones_over_n, 1),
    "hilbert": (_hilbert, "full"),
    "kahan": (_kahan, "full"),
    "grcar": (_grcar, "full"),
    "jordan": (_jordan, "full"),
    "hippo_legs": (_hippo_legs, "full"),
    "hippo_pp": (_hippo_pp, 1),
}
# Named structured matrices that claims use explicitly; not drawn by gallery_matrices().
_NOT_DRAWN = ("hippo_legs", "hippo_pp")


def gallery_kinds() -> tuple[str, ...]:
    return tuple(k for k in _KINDS if k not in _NOT_DRAWN)


@register_spec
@dataclass(frozen=True)
class GallerySpec(Spec):
    kind: ClassVar[str] = "gallery"
    name: str
    n: int
    seed: int = 0

    def __init__(self, kind: str = None, n: int = 1, seed: int = 0, name: str = None):
        # accept GallerySpec(kind="hilbert", n=4) and the JSON form name=...
        object.__setattr__(self, "name", name if name is not None else kind)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "seed", seed)
        if self.name not in _KINDS:
            raise InputError(f"unknown gallery matrix {self.name!r}; choose one of {', '.join(_KINDS)}")
        if not (isinstance(n, int) and n >= 1):
            raise InputError(f"gallery matrix size must be a positive integer, got {n!r}")

    def __repr__(self) -> str:
        return f"GallerySpec({self.name!r}, n={self.n}, seed={self.seed})"

    @property
    def m(self) -> int:
        return self.n

    @property
    def exact_rank(self) -> int:
        f, rank = _KINDS[self.name]
        if rank == "full":
            return self.n
        if rank is None:  # diagonal: count non-zeros
            return sum(1 for i in range(self.n) if _diagonal(self.n, self.seed, i, i) != 0)
        return rank

    def to_mp(self, dps: int) -> mpmath.matrix:
        f, _ = _KINDS[self.name]
        with mpmath.workdps(dps):
            return mpmath.matrix([[f(self.n, self.seed, i, j) for j in range(self.n)] for i in range(self.n)])

    def to_numpy(self, dtype=np.float64):
        with mpmath.workdps(40):
            M = self.to_mp(40)
            X = np.array([[float(M[i, j]) for j in range(self.n)] for i in range(self.n)])
        # each entry correctly rounded once from its exact value
        err = unit_roundoff(np.float64) * float(np.linalg.norm(X))
        return cast_with_bound(X, err, dtype)

    def to_json(self) -> dict:
        return {"type": self.kind, "name": self.name, "n": self.n, "seed": self.seed}
