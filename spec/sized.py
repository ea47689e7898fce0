"""Inputs at real sizes: prescribed-spectrum matrices in the thousands, and batches of them.

:class:`~matspec.inputs.MatrixSpec` names an *exact* object (exact Householder products the
oracle evaluates at 60 digits) and builds it reflector by reflector — BLAS-2, minutes at
4096×14336, and no oracle could use it there anyway.  A :class:`SizedSpec` is defined instead
by a deterministic float64 construction: U_r, V_r the Q factors of seeded Gaussian m×r and n×r
matrices (Householder QR, LAPACK's BLAS-3 blocked code, with R's diagonal made positive), and
A = 10^s · U_r diag(σ) V_rᵀ with σ from the same modes as MatrixSpec.  The *definition* is that
float64 array: its singular values are the prescribed ones to ~1e-15·σ₁·√r, and matspec's
references at size compute on the array itself.  It is built with a fixed number of BLAS threads
(BUILD_THREADS), so the bytes are reproducible for the same NumPy/LAPACK build; the SHA-256 of the bytes is recorded beside
every verdict (:meth:`SizedSpec.digest`), and a different build is compared within the stated
tolerance (``tests/test_validate_size.py``).

A :class:`BatchSpec` stacks independently drawn members (their own scale, spectrum and seed: a
batch of equal scales would hide a kernel that normalises the batch as a whole).
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from cachetools import LRUCache, cached

from .inputs import MODES, InputError, MatrixSpec, Spec, register_spec

# Relative distance of the built array's singular values from the prescribed ones (Householder
# QR's orthogonality defect ≈ γ_{c·n} plus the two products): stated, and checked in the tests.
SPECTRUM_TOLERANCE = 1e-12
# BLAS threads while building: fixed (not the machine's count), so the bytes are the same on any
# machine with the same NumPy/LAPACK build; two, so the 2-core reference machine builds 1024² in ~1 s
BUILD_THREADS = 2


# Built arrays (the Q factors and the inputs themselves), kept by bytes: a validation at size meets
# each input once per kernel (gpu_check validates four on the same shapes), and at 4096×14336 one
# build — two QRs and a 481-GFLOP product on BUILD_THREADS threads — costs more than judging it.
# An LRU of 8 entries, as before, was smaller than one shape's gallery (five seeds, two factors
# each): every kernel rebuilt every input.  Arrays are read-only; one larger than the budget is
# built and not kept.
BUILD_CACHE_BYTES = 4 * 2 ** 30
_built: LRUCache = LRUCache(maxsize=BUILD_CACHE_BYTES, getsizeof=lambda a: a.nbytes)


@cached(_built, key=lambda rows, cols, seed, salt: ("Q", rows, cols, seed, salt))
def _orthonormal(rows: int, cols: int, seed: int, salt: int) -> np.ndarray:
    """Q of a seeded Gaussian rows×cols matrix, R's diagonal made positive (unique Q)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng([seed, rows, cols, salt])
    G = rng.standard_normal((rows, cols))
    with threadpool_limits(BUILD_THREADS):  # bit-for-bit reproducible: a fixed thread count, one blocking
        Q, R = np.linalg.qr(G)
    d = np.sign(np.diag(R))
    d[d == 0] = 1.0
    Q = Q * d
    Q.setflags(write=False)
    return Q


@dataclass(frozen=True)
class SizedSpec(Spec):
    """A = 10^log10_scale · U_r diag(σ) V_rᵀ at any size (see the module docstring)."""

    kind: ClassVar[str] = "sized"
    m: int
    n: int
    mode: str = "geometric"
    log10_kappa: float = 0.0
    log10_scale: float = 0
    seed: int = 0
    rank: int | None = None

    def __post_init__(self):
        # the same parameter checks as MatrixSpec
        MatrixSpec(self.m, self.n, self.mode, self.log10_kappa, self.log10_scale, self.seed, self.rank)

    @property
    def p(self) -> int:
        return min(self.m, self.n)

    def sigma(self) -> np.ndarray:
        import mpmath

        with mpmath.workdps(20):
            return np.array([float(s) for s in MatrixSpec(self.m, self.n, self.mode, self.log10_kappa, 0, self.seed,
                                                           self.rank).sigma_mp()])

    def to_mp(self, dps: int):
        raise InputError(f"{self!r} is defined by its float64 construction; matspec's references at size use "
                         "the array (to_numpy), not the oracle")

    def to_numpy(self, dtype=np.float64) -> tuple[np.ndarray, float]:
        from .inputs import cast_with_bound

        # the float64 array *is* the object: no construction error to carry
        return cast_with_bound(_build(self), 0.0, dtype)

    def digest(self) -> str:
        return hashlib.sha256(np.ascontiguousarray(self.to_numpy()[0]).tobytes()).hexdigest()[:16]


@cached(_built, key=lambda spec: ("A", spec))
def _build(spec: SizedSpec) -> np.ndarray:
    """The float64 array of a SizedSpec (read-only, kept in the build cache)."""
    from threadpoolctl import threadpool_limits

    r = spec.p
    U = _orthonormal(spec.m, r, spec.seed, 1)
    V = _orthonormal(spec.n, r, spec.seed, 2)
    with threadpool_limits(BUILD_THREADS):
        X = (U * (spec.sigma() * 10.0 ** spec.log10_scale)) @ V.T
    X.setflags(write=False)
    return X


# Prebuilding pays only where one build costs more than starting a process (~0.5 s): from 1024²
PREBUILD_MIN_ENTRIES = 1024 * 1024


def prebuild(specs, workers: int | None = None) -> int:
    """Build the arrays of the large SizedSpecs among `specs` (batch members included) that are
    not kept yet, several at once in separate processes of BUILD_THREADS threads each — the same
    bytes as a build here (the thread count, not the process, fixes them) — and keep them.
    `workers` defaults to the cores over BUILD_THREADS; with fewer than two workers or inputs it
    does nothing; if the processes cannot be started it stops, and the rest is built on use.
    Returns how many it built.  At 4096×14336 one build is ≈ 50 s on two threads, and a gallery
    has five: a 16-core host builds them in the time of one."""
    import multiprocessing
    import os
    # from the submodule, not the package: the package caches the class at first use, and where
    # the submodule was since dropped from sys.modules (pytest's pytester restores sys.modules
    # after an in-process run) spawn pickles the worker function by a name that now means another
    # object and fails
    from concurrent.futures.process import ProcessPoolExecutor

    todo: list = []
    for sp in specs:
        for member in (sp.members if isinstance(sp, BatchSpec) else (sp,)):
            if (isinstance(member, SizedSpec) and member.m * member.n >= PREBUILD_MIN_ENTRIES
                    and ("A", member) not in _built and member not in todo):
                todo.append(member)
    workers = workers if workers is not None else (os.cpu_count() or 1) // BUILD_THREADS
    if workers < 2 or len(todo) < 2:
        return 0
    import pickle
    from concurrent.futures.process import BrokenProcessPool

    built = 0
    try:
        # spawn: the caller may hold CUDA state or BLAS threads, which a fork would copy broken
        with ProcessPoolExecutor(min(workers, len(todo)), mp_context=multiprocessing.get_context("spawn")) as pool:
            for sp, X in zip(todo, pool.map(_build, todo)):
                X.setflags(write=False)
                built += 1
                try:
                    _built[("A", sp)] = X
                except ValueError:  # larger than the whole budget: not kept, as for a build here
                    pass
    except (OSError, pickle.PicklingError, BrokenProcessPool):
        # only a speed-up: what was not built ahead is built on use, with the same bytes
        pass
    return built


@dataclass(frozen=True)
class BatchSpec(Spec):
    """A stack of equally shaped member specs: the input is members[0] … members[B−1] along a
    leading batch dimension; each member is judged on its own."""

    kind: ClassVar[str] = "batch"
    members: tuple

    def __post_init__(self):
        if not self.members:
            raise InputError("a batch needs at least one member")
        shapes = {(mb.m, mb.n) for mb in self.members}
        if len(shapes) != 1:
            raise InputError(f"batch members must share one shape, got {sorted(shapes)}")

    @property
    def m(self) -> int:
        return self.members[0].m

    @property
    def n(self) -> int:
        return self.members[0].n

    def to_numpy(self, dtype=np.float64) -> tuple[np.ndarray, float]:
        parts = [mb.to_numpy(dtype) for mb in self.members]
        return np.stack([p[0] for p in parts]), math.sqrt(sum(p[1] ** 2 for p in parts))

    def to_mp(self, dps: int):
        raise InputError("a batch is judged member by member")

    def to_json(self) -> dict:
        return {"type": self.kind, "members": [mb.to_json() for mb in self.members]}

    @staticmethod
    def from_json(d: dict) -> "BatchSpec":
        from .inputs import spec_from_json

        return BatchSpec(tuple(spec_from_json(x) for x in d["members"]))

    def __repr__(self) -> str:
        return f"BatchSpec({len(self.members)} × {self.m}x{self.n}: " + ", ".join(repr(mb) for mb in self.members[:3]) + (
            ", …)" if len(self.members) > 3 else ")")


for _cls in (SizedSpec, BatchSpec):
    register_spec(_cls)


def matrix_spec(m: int, n: int, small_max: int, **kw):
    """A MatrixSpec (exact, oracle-evaluable) up to `small_max`, a SizedSpec beyond it."""
    return MatrixSpec(m, n, **kw) if max(m, n) <= small_max else SizedSpec(m, n, **kw)


def parse_shape(text: str) -> tuple[int, int, int]:
    """'MxN' or 'BxMxN' → (B, M, N), B = 1 without a batch dimension."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise InputError(f"shape must be MxN or BxMxN with whole numbers, got {text!r}") from None
    if len(nums) == 2:
        nums = [1] + nums
    if len(nums) != 3 or min(nums) < 1:
        raise InputError(f"shape must be MxN or BxMxN with positive sizes, got {text!r}")
    return nums[0], nums[1], nums[2]
