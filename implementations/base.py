"""The one op-set interface every evaluator implements.

A claim's property is written once against an :class:`OpSet`.  The mpmath oracle
(``matspec.oracles``) implements it to answer "is this true?"; a backend (NumPy here;
torch CPU/CUDA and third-party kernels later) implements it to answer "does this
implementation honour it?".

Matrices travel as :class:`Mat`: the op set's own array plus ``err``, a bound on the
Frobenius distance to the exact mathematical object the property is about (input
rounding, construction and every op applied so far).  Scalars travel as
:class:`~matspec.values.Val` with an absolute error radius.  Every radius is derived from
:mod:`matspec.tolerance` (backends) or from a certificate (the oracle).

Canonical op ids (shared with reports and ``validate``): ``norm(kind, p | k)`` with kind in
NORM_KINDS, ``svdvals``, ``induced(p, q)``, ``vnorm(p)``, ``matmul``, ``trace``, ``inner``,
``lowrank(k)``, ``svt(lam)``, ``polar`` (msign by SVD), ``eigvalsh``.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from matspec.values import Val

NORM_KINDS = ("1", "2", "inf", "fro", "nuc", "max", "schatten", "kyfan")
INDUCED_PQ = ("1", "2", "inf")
# Exhaustive sign enumeration for the NP-hard induced norms is capped here.
MAX_ENUM_DIM = 16


class Unsupported(Exception):
    """The op set cannot perform this op (reported as `unsupported`, never upcast)."""

    def __init__(self, op: str, opset: str, reason: str):
        super().__init__(f"{opset} does not support {op}: {reason}")
        self.op, self.opset, self.reason = op, opset, reason


class OutOfDomain(Unsupported):
    """The op is supported, but not for *this* input (e.g. sign enumeration beyond its
    size cap): the example is counted as undecided, the form goes on."""


class OracleRefused(Exception):
    """The oracle's certificate failed: it will not answer (never treated as a pass)."""


@dataclass(frozen=True)
class Domain:
    """Where an op set's tolerance model is valid: strategies draw inside it."""

    max_dim: int
    log10_scale: tuple[int, int]
    max_log10_kappa: int = 16


@dataclass
class Mat:
    data: Any
    err: float  # bound on ‖data − exact‖_F
    shape: tuple[int, int]

    @property
    def m(self) -> int:
        return self.shape[0]

    @property
    def n(self) -> int:
        return self.shape[1]


def check_norm_args(kind: str, p, k, shape) -> None:
    if kind not in NORM_KINDS:
        raise ValueError(f"unknown norm kind {kind!r}; choose one of {', '.join(NORM_KINDS)}")
    if kind == "schatten":
        if p is None or not (p >= 1 or p == math.inf):
            raise ValueError(f"Schatten norm needs p >= 1 (p < 1 is not a norm), got p={p!r}")
    if kind == "kyfan":
        r = min(shape)
        if not isinstance(k, int) or not (1 <= k <= r):
            raise ValueError(f"Ky Fan norm needs an integer 1 <= k <= min(m, n) = {r}, got k={k!r}")


class OpSet(ABC):
    """One evaluator: an id like 'oracle' or 'numpy-float32', a level ('math' or
    'implementation'), and the ops.  Subclasses implement the abstract methods."""

    id: str
    level: str  # "math" | "implementation"
    dtype: str

    @abstractmethod
    def domain(self, profile: str) -> Domain: ...

    # -- materialisation ----------------------------------------------------------
    @abstractmethod
    def mat(self, spec) -> Mat: ...

    @abstractmethod
    def identity(self, n: int) -> Mat: ...

    # -- matrix-valued ops --------------------------------------------------------
    @abstractmethod
    def matmul(self, A: Mat, B: Mat) -> Mat: ...

    @abstractmethod
    def add(self, A: Mat, B: Mat) -> Mat: ...

    @abstractmethod
    def scale(self, c: float, A: Mat) -> Mat: ...

    @abstractmethod
    def transpose(self, A: Mat) -> Mat: ...

    @abstractmethod
    def lowrank(self, A: Mat, k: int) -> Mat: ...

    @abstractmethod
    def svt(self, A: Mat, lam: float) -> Mat: ...

    @abstractmethod
    def polar(self, A: Mat) -> Mat: ...

    def sub(self, A: Mat, B: Mat) -> Mat:
        return self.add(A, self.scale(-1.0, B))

    # -- scalar-valued ops --------------------------------------------------------
    @abstractmethod
    def norm(self, A: Mat, kind: str, p: float | None = None, k: int | None = None) -> Val: ...

    @abstractmethod
    def svdvals(self, A: Mat) -> list[Val]: ...

    @abstractmethod
    def eigvalsh(self, A: Mat) -> list[Val]: ...

    @abstractmethod
    def trace(self, A: Mat) -> Val: ...

    @abstractmethod
    def inner(self, A: Mat, B: Mat) -> Val: ...

    @abstractmethod
    def vnorm(self, x: Mat, p: float) -> Val: ...

    @abstractmethod
    def induced(self, A: Mat, p: str, q: str) -> Val: ...

    @abstractmethod
    def entry(self, A: Mat, i: int, j: int) -> Val: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"
