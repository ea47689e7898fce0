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
``lowrank(k)``, ``svt(lam)``, ``polar`` (msign by SVD), ``eigvalsh``; optional (non-abstract,
default `unsupported`): ``solve``, ``inv``, ``eigvals`` (general, complex, as :class:`CVal`),
``cond(p)``, ``lstsq``, ``tikhonov_solve(lam)``, ``power_norm(iters, seed)``, ``hippo_legs(n)``,
``newton_schulz(schedule, steps)``, ``mclip(lo, hi)``.
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


COND_KINDS = ("2", "1", "inf", "fro")


def check_cond_kind(p) -> str:
    if p not in COND_KINDS:
        raise ValueError(f"cond needs p in {', '.join(COND_KINDS)}, got {p!r}")
    return p


def check_lam(lam) -> float:
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not (math.isfinite(lam) and lam > 0):
        raise ValueError(f"tikhonov_solve needs a finite lambda > 0, got {lam!r}")
    return float(lam)


def check_power_args(iters, seed) -> None:
    if isinstance(iters, bool) or not isinstance(iters, int) or iters < 1:
        raise ValueError(f"power_norm needs an integer iters >= 1, got {iters!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"power_norm needs an integer seed >= 0, got {seed!r}")


def check_hippo_n(n) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"hippo_legs needs an integer n >= 1, got {n!r}")


def check_clip_interval(lo, hi) -> None:
    if not (isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and math.isfinite(lo)
            and math.isfinite(hi) and lo <= hi):
        raise ValueError(f"mclip needs finite lo <= hi, got [{lo!r}, {hi!r}]")


def mclip_lipschitz_factor(lo: float, smin_lower: float) -> float:
    """Frobenius Lipschitz constant of A ↦ U clip(Σ, [lo, hi]) Vᵀ near A, where σ_min(A) >= smin_lower.

    σ ↦ clip(σ) is 1-Lipschitz, but as a function of the *matrix* the odd extension also
    matters: f(σ)/σ <= max(1, lo/σ_min) (for lo > 0, clip lifts tiny σ to lo in a direction that
    is undetermined at σ = 0).  For Lipschitz functions of singular values of general (non-
    Hermitian) matrices the Frobenius constant picks up a factor √2 (Araki–Yamagami)."""
    if lo <= 0:
        return math.sqrt(2)
    if not smin_lower > 0:
        return math.inf
    return math.sqrt(2) * max(1.0, lo / smin_lower)


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

    # -- linear systems and general eigenvalues (optional ops) ------------------------
    # Non-abstract: an op set without them reports `unsupported` for the claims that use them.
    def solve(self, A: Mat, b: Mat) -> Mat:
        """x = A⁻¹b for square nonsingular A (b n×k); ``err`` bounds ‖x − A⁻¹b‖_F for the
        exact A and b (infinite when A is singular to the op set's precision: undecided)."""
        raise Unsupported("solve", self.id, "not implemented")

    def inv(self, A: Mat) -> Mat:
        """A⁻¹ for square nonsingular A; ``err`` bounds ‖X − A⁻¹‖_F."""
        raise Unsupported("inv", self.id, "not implemented")

    def eigvals(self, A: Mat) -> list["CVal"]:
        """The eigenvalues of a square (non-symmetric) A, each as a :class:`CVal`, in an
        order where each disc holds exactly one eigenvalue of the exact A (counted with
        multiplicity); infinite radii when the op set cannot separate them."""
        raise Unsupported("eigvals", self.id, "not implemented")

    # -- conditioning, least squares, power iteration, HiPPO (optional ops) ---------------
    def cond(self, A: Mat, p: str = "2") -> Val:
        """κ_p(A) = ‖A‖_p‖A⁻¹‖_p for p in COND_KINDS ("2" also for rectangular A: σ_max/σ_min).
        κ = ∞ for a singular A is not a finite number a relation can compare: when A may be
        singular to the op set's precision the result is ``Val(0, ∞)`` (undecided)."""
        raise Unsupported("cond", self.id, "not implemented")

    def lstsq(self, A: Mat, b: Mat) -> Mat:
        """The minimum-norm least-squares solution x = A⁺b (A m×n tall or wide, b m×k);
        ``err`` bounds ‖x − A⁺b‖_F for the exact A, b (infinite when A may be rank deficient:
        A⁺ is not continuous there)."""
        raise Unsupported("lstsq", self.id, "not implemented")

    def tikhonov_solve(self, A: Mat, b: Mat, lam: float) -> Mat:
        """x = (AᵀA + λI)⁻¹Aᵀb for λ > 0 (any shape of A, b m×k)."""
        raise Unsupported("tikhonov_solve", self.id, "not implemented")

    def power_norm(self, A: Mat, iters: int, seed: int = 0) -> Val:
        """The power-iteration estimate of ‖A‖₂ (``matspec.implementations.power_iteration``):
        ``iters`` steps v ← AᵀAv/‖AᵀAv‖ from the start vector fixed by ``seed``, then ‖Av‖₂.
        The exact object is that estimate in exact arithmetic from the same start vector
        (not σ₁): the radius covers rounding and input error only."""
        raise Unsupported("power_norm", self.id, "not implemented")

    def hippo_legs(self, n: int) -> tuple[Mat, Mat]:
        """HiPPO-LegS (seed 002 §2.5) built in the op set's dtype: A (n×n) with
        A_ik = −√((2i+1)(2k+1)) (k < i), −(i+1) (k = i), 0 (k > i), and B (n×1) with
        B_i = √(2(2i+1)) — as ``GallerySpec('hippo_legs', n)`` and ``matspec.catalogue.hippo``."""
        raise Unsupported("hippo_legs", self.id, "not implemented")

    # -- msign implementations (seed 002) ------------------------------------------
    def newton_schulz(self, A: Mat, schedule, steps: int | None = None, normalise: bool = True) -> Mat:
        """A Newton–Schulz schedule (``matspec.implementations.newton_schulz``) run on A: the
        exact object is U F(Σ/(s‖A‖_F)) Vᵀ with F the schedule's composed polynomial (with
        ``normalise=False``, U F(Σ) Vᵀ).  The radius is the schedule's forward error bound."""
        raise Unsupported("newton_schulz", self.id, "not implemented")

    def mclip(self, A: Mat, lo: float, hi: float) -> Mat:
        """Singular-value clipping U clip(Σ, [lo, hi]) Vᵀ (thin SVD) — the exact object every
        mclip formula of seed 002 is judged against."""
        raise Unsupported("mclip", self.id, "not implemented")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


@dataclass(frozen=True)
class CVal:
    """A complex number known to lie in the disc |z − (re + i·im)| <= rad."""

    re: Any
    im: Any
    rad: Any

    def dist(self, z: complex | float) -> Val:
        """|λ − z| for an exact z, as a Val (triangle inequality: radius rad)."""
        import mpmath

        from matspec.values import RELATION_DPS

        with mpmath.workdps(RELATION_DPS):
            zc = mpmath.mpc(z)
            d = abs(mpmath.mpc(self.re, self.im) - zc)
            return Val(d, self.rad)

    def is_finite(self) -> bool:
        import mpmath

        return bool(mpmath.isfinite(self.rad))
