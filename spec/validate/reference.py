"""matspec's own reference kernels at a kernel's precision, on several valid rounding paths.

What they are for: where a derived allowance is either vacuous (worst-case γ_k at a coarse u
or a large k) or rests on an assumption that can fail (the independence behind the
probabilistic λ√k·u), matspec runs its own plain algorithm *at the same precision* —
emulated exactly: operands rounded to the compute dtype, products accumulated in the
accumulation dtype (float32 BLAS for bfloat16 / float16 / TF32 data, as tensor cores and CPUs
do), every stored intermediate rounded to the compute dtype — on R rounding paths that are
equally valid, and measures how far *they* land from the oracle.  A kernel is then held to
K× the worst of them, never to a single baseline that can be ≈ 0 by luck.

The rounding paths are exact symmetries of the op: the input itself, its transpose, and
signed permutations P·A·Q (sign flips and permutations are exact in every format).  Each
changes every summation order, so each is a different, equally legitimate realisation of
the same algorithm's rounding errors; outputs are mapped back exactly.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

import numpy as np

from matspec.validate import device64 as dev
from matspec.validate.precision import Precision

# K: a kernel's error is compared with the worst of R = 4 reference paths.  Under a Gaussian
# model of each path's error, an independent fifth draw exceeds 4× the maximum of four with
# probability < 1e-6; and kernels of one family differ in their rounding constants (how many
# products per step, which Gram side) by at most about 2× — measured for Muon's quintic,
# Polar Express and cubic Newton–Schulz in bfloat16, float16 and float32 at n = 4…128
# (docs/validate.md, "The error model").  4 covers both with margin; a planted kernel whose
# misalignment is 10× a correct one's of the same family still exceeds it.
PATH_FACTOR = 4.0
PATHS = 4


def round_to(X: np.ndarray, dtype: str) -> np.ndarray:
    """X rounded (to nearest even) to `dtype`, returned as float64; TF32 keeps 10 significand
    bits in float32's range.  Overflow gives ±inf, as the hardware would."""
    return np.asarray(_round32(X, dtype) if dtype != "float64" else np.array(X, dtype=np.float64), dtype=np.float64)


def _round32(X, dtype: str) -> np.ndarray:
    """X rounded to `dtype` (not float64), held in a float32 array (every such value is one)."""
    with np.errstate(over="ignore", invalid="ignore"):
        x = np.asarray(X, dtype=np.float32)  # float32 is exact for bfloat16/float16/TF32 values
        if dtype == "float32":
            return x
        if dtype == "float16":
            return x.astype(np.float16).astype(np.float32)
        if dtype in ("bfloat16", "tf32"):
            # round to nearest even on the top bits of the float32 pattern; uint32 arithmetic
            # cannot wrap for finite values (the largest, 0xFF7FFFFF, plus 0x8000 stays below 2³²)
            drop = 16 if dtype == "bfloat16" else 13  # bfloat16 keeps 7 stored bits, TF32 10
            b = np.ascontiguousarray(x).reshape(-1).view(np.uint32)
            b = (b + np.uint32((1 << (drop - 1)) - 1) + ((b >> np.uint32(drop)) & np.uint32(1))) & np.uint32(
                0xFFFFFFFF ^ ((1 << drop) - 1))
            return b.view(np.float32).reshape(x.shape)
    raise ValueError(dtype)


class Emulated:
    """Arithmetic at a Precision.  Arrays hold values of the compute dtype — in float32 arrays
    for the formats below float64 (elementwise operations then run in float32 and are rounded
    to the compute dtype, as torch's bfloat16/float16 kernels compute them), float64 otherwise."""

    def __init__(self, prec: Precision, engine: dev.Engine = None):
        self.p = prec
        self.f64 = prec.compute == "float64"
        self.acc = np.float64 if prec.accumulate == "float64" or self.f64 else np.float32
        # the iteration on a torch device (device64) where the format is one torch rounds to
        self.engine = engine if prec.compute in dev.TORCH_FORMATS else None

    def put(self, X):
        """An iterate (a NumPy array of the compute dtype's values) on this arithmetic's engine."""
        return dev.put(X, self.engine)

    def r(self, X):
        if self.engine is not None:
            return dev.round_like(X, self.p.compute)
        if self.f64:
            return np.asarray(X, dtype=np.float64)
        return _round32(X, self.p.compute)

    def mm(self, A, B):
        """One product: operands (already in the compute dtype) accumulated in the accumulation
        dtype (float32 BLAS or float64), the result rounded to the compute dtype."""
        if self.engine is not None:
            import torch

            acc = torch.float64 if self.acc is np.float64 else torch.float32
            with dev.exact_float32_products(self.engine):
                return self.r(A.to(acc) @ B.to(acc))
        return self.r(np.asarray(A, dtype=self.acc) @ np.asarray(B, dtype=self.acc))


# -- reference algorithms ------------------------------------------------------------------

def _normalised(E: Emulated, A: np.ndarray, safety: float, variant: int = 0) -> Optional[np.ndarray]:
    """X₀ = A/(s‖A‖_F) in the compute dtype, overflow-safe: first scaled by a power of two
    (exact in every format) that brings max|a_ij| near 1, then the norm, then one rounded
    division.  None for the zero matrix.  `variant` picks an equally valid way of doing it —
    the norm accumulated in float32 or rounded to the compute dtype, then nudged by −1…+2 of
    its last place (a kernel's norm is never more accurate than that) — so the paths start
    from different, legitimate roundings of the same X₀."""
    A = np.asarray(A, dtype=np.float64)
    big = float(np.max(np.abs(A))) if A.size else 0.0
    if big == 0.0 or not math.isfinite(big):
        return None
    # the power of two first, in the input's own precision (exact), then the cast: a float32
    # input at 1e-15 cast to float16 first would underflow to zero
    X = E.r(np.ldexp(A, -math.frexp(big)[1]))
    nrm = float(np.linalg.norm(np.asarray(X, dtype=E.acc)))
    if variant % 2:
        nrm = float(E.r(np.array(nrm)))
    ulp = math.ldexp(1.0, math.frexp(nrm)[1] - 1) * E.p.u_c * 2  # one unit in the last place
    nrm += (variant % 4 - 1) * ulp
    return E.r(X / (safety * nrm))


def newton_schulz(A: np.ndarray, coeffs, prec: Precision, safety: float = 1.0, variant: int = 0,
                  engine: dev.Engine = None) -> np.ndarray:
    """The schedule in emulated precision, Muon's way: wide orientation, X₀ = A/(s‖A‖_F), then
    per step G = XXᵀ, B = bG + cG², X ← aX + BX.  `variant` (0…3) picks among equally valid
    evaluation orders — B as bG + c·G·G or (bI + cG)·G, X as aX + BX or (aI + B)·X — and among
    the normalisations of :func:`_normalised`.  Schedules with large coefficients cancel
    heavily in their first steps (Polar Express: a = 8.3 against B ≈ −6.6), so the order
    changes the rounding a lot; one order alone would understate how far correct kernels land.
    `engine`: where the iteration runs (device64; the O(n²) normalisation stays on the host)."""
    E = Emulated(prec, engine)
    tall = A.shape[0] > A.shape[1]
    X = _normalised(Emulated(prec), A.T if tall else A, safety, variant)
    if X is None:
        return np.zeros_like(A)
    k = X.shape[0]
    X = E.put(X)
    eye = dev.eye(k, X)
    for a, b, c in coeffs:
        G = E.mm(X, X.T)
        if c == 0:
            B = E.r(b * G)
        elif variant & 1:
            B = E.mm(E.r(E.r(b * eye) + E.r(c * G)), G)
        else:
            B = E.r(E.r(b * G) + E.mm(E.r(c * G), G))
        if variant & 2:
            X = E.mm(E.r(E.r(a * eye) + B), X)
        else:
            X = E.r(E.r(a * X) + E.mm(B, X))
    return np.asarray(dev.get(X.T if tall else X), dtype=np.float64)


def cubic_to_convergence(A: np.ndarray, prec: Precision, max_steps: int = 60, variant: int = 0) -> np.ndarray:
    """Cubic Newton–Schulz X ← X(3I − XᵀX)/2 until a step no longer changes X (a fixed point of
    the arithmetic), the arithmetic cycles between two iterates, or `max_steps`."""
    E = Emulated(prec)
    tall = A.shape[0] > A.shape[1]
    X = _normalised(E, A.T if tall else A, 1.0, variant)
    if X is None:
        return np.zeros_like(A)
    prev = None
    for _ in range(max_steps):
        G = E.mm(X, X.T)
        Xn = E.r(E.r(1.5 * X) + E.mm(E.r(-0.5 * G), X))
        if np.array_equal(Xn, X) or (prev is not None and np.array_equal(Xn, prev)):
            break
        # converged to the rounding level: a step moves X by a few units of its last place (at
        # size the arithmetic wanders among nearby states instead of reaching a fixed point)
        moved = float(np.linalg.norm(np.asarray(Xn, dtype=np.float64) - X))
        prev, X = X, Xn
        if moved <= prec.u_c * float(np.linalg.norm(np.asarray(X, dtype=np.float64))):
            break
    return np.asarray((X.T if tall else X), dtype=np.float64)


def gram_newton_schulz(A: np.ndarray, coeffs, prec: Precision, safety: float = 1.0, restart: int = 2,
                       variant: int = 0, engine: dev.Engine = None) -> np.ndarray:
    """The Gram variant: iterate on the small Gram matrix R = XXᵀ — X_{t+1} = p_t(R_t)·X_t,
    R_{t+1} = p_t(R_t) R_t p_t(R_t) — and form X only after `restart` steps and at the end, as
    memory-saving kernels do (the restart keeps the Gram's rounding from compounding).  The
    Gram squares the spread of the singular values, so small directions carry about u/x² where
    plain Newton–Schulz carries u/x: a legitimate, noisier member of the family."""
    E = Emulated(prec, engine)
    tall = A.shape[0] > A.shape[1]
    X = _normalised(Emulated(prec), A.T if tall else A, safety, variant)
    if X is None:
        return np.zeros_like(A)
    k = X.shape[0]
    X = E.put(X)
    eye = dev.eye(k, X)
    for chunk in (coeffs[:restart], coeffs[restart:]):
        if not chunk:
            continue
        R = E.mm(X, X.T)
        Q = dev.eye(k, X)
        for a, b, c in chunk:
            P = E.r(E.r(a * eye) + E.r(E.r(b * R) + E.mm(E.r(c * R), R)))
            Q = E.mm(P, Q)
            R = E.mm(E.mm(P, R), P)
            R = E.r((R + R.T) / 2)
        X = E.mm(Q, X)
    return np.asarray(dev.get(X.T if tall else X), dtype=np.float64)


def svd_based(A: np.ndarray, prec: Precision, what: str, params: dict) -> Optional[np.ndarray]:
    """LAPACK at float32 (any compute dtype coarser than float64) or float64, result rounded to
    the compute and output dtypes: the plain reference of the SVD-based ops."""
    dt = np.float64 if prec.compute == "float64" else np.float32
    X = round_to(A, prec.compute).astype(dt)
    with np.errstate(all="ignore"):
        if what == "svdvals":
            out = np.linalg.svd(X, compute_uv=False)
        elif what == "msign":
            U, _, Vt = np.linalg.svd(X, full_matrices=False)
            out = U @ Vt
        elif what == "lowrank":
            U, s, Vt = np.linalg.svd(X, full_matrices=False)
            k = params["k"]
            out = (U[:, :k] * s[:k]) @ Vt[:k]
        elif what == "mclip":
            U, s, Vt = np.linalg.svd(X, full_matrices=False)
            out = (U * np.clip(s, dt(params["lo"]), dt(params["hi"]))) @ Vt
        else:
            return None
    return round_to(round_to(np.asarray(out, dtype=np.float64), prec.compute), prec.output)


# -- rounding paths ------------------------------------------------------------------------

class SignedPerm:
    """A random signed permutation P (P[i, perm[i]] = sign[i]), applied by indexing: exact, and
    O(n²) where a dense product costs 2n³ — at 4096² the four dense products of one path
    (P·A·Q and back) cost more than the Newton–Schulz run they surround."""

    def __init__(self, n: int, rng: np.random.Generator):
        self.perm = rng.permutation(n)
        self.sign = rng.choice([-1.0, 1.0], size=n)

    def dense(self) -> np.ndarray:
        P = np.zeros((len(self.perm), len(self.perm)))
        P[np.arange(len(self.perm)), self.perm] = self.sign
        return P

    def left(self, X: np.ndarray) -> np.ndarray:  # P·X: row i is sign[i]·X[perm[i]]
        return self.sign[:, None] * X[self.perm]

    def left_t(self, Y: np.ndarray) -> np.ndarray:  # Pᵀ·Y: row perm[i] is sign[i]·Y[i]
        out = np.empty(Y.shape, dtype=np.result_type(Y, self.sign))
        out[self.perm] = self.sign[:, None] * Y
        return out

    def right(self, X: np.ndarray) -> np.ndarray:  # X·P: column perm[k] is sign[k]·X[:, k]
        out = np.empty(X.shape, dtype=np.result_type(X, self.sign))
        out[:, self.perm] = X * self.sign[None, :]
        return out

    def right_t(self, Y: np.ndarray) -> np.ndarray:  # Y·Pᵀ: column k is sign[k]·Y[:, perm[k]]
        return Y[:, self.perm] * self.sign[None, :]


def _signed_perm(n: int, rng: np.random.Generator) -> np.ndarray:
    """A dense signed permutation (small inputs only; the same draws as SignedPerm)."""
    return SignedPerm(n, rng).dense()


def paths_for_matrix(A: np.ndarray, run: Callable[..., np.ndarray], equivariant: bool,
                     count: int = PATHS, seed: int = 0, indexed: bool = False) -> list[np.ndarray]:
    """`run` on `count` exact transforms of A — A, Aᵀ and signed permutations P·A·Q — with each
    output mapped back; with `indexed`, `run(X, i)` also gets the path's index (runs with
    evaluation-order variants use it).  `equivariant`: the op commutes with the transforms
    (msign, mclip, lowrank, Newton–Schulz: f(PAQ) = P f(A) Q, f(Aᵀ) = f(A)ᵀ); otherwise it is
    invariant (singular values, norms) and outputs are returned as they are."""
    call = run if indexed else (lambda X, _i: run(X))
    rng = np.random.default_rng([seed, A.shape[0], A.shape[1]])
    outs = [call(A, 0)]
    if count > 1:
        Y = call(np.ascontiguousarray(A.T), 1)
        outs.append(Y.T if equivariant and Y is not None else Y)
    while len(outs) < count:
        P, Q = SignedPerm(A.shape[0], rng), SignedPerm(A.shape[1], rng)
        Y = call(Q.right(P.left(A)), len(outs))  # P·A·Q, exact: one nonzero ±1 per row and column
        outs.append(Q.right_t(P.left_t(Y)) if equivariant and Y is not None else Y)  # Pᵀ·Y·Qᵀ
    return [o for o in outs if o is not None]


# -- the reference outputs of an op, on every path ---------------------------------------------

MSIGN_FAMILY = ("muon_quintic", "polar_express", "cubic", "gram")
# at size: cubic Newton–Schulz to convergence costs ~25 steps at 1024² and is the family's least
# noisy member (converged iterates stop changing; measured 0.5–1× Muon's misalignment), so the
# allowance — K × the worst path — does not depend on it
MSIGN_FAMILY_LARGE = ("muon_quintic", "polar_express", "gram")


def _ns_runner(name: str, prec: Precision, steps: Optional[int] = None, engine: dev.Engine = None):
    """The reference run of schedule `name` (cubic to convergence stays on NumPy: it compares
    iterates bit for bit, and at size the family leaves it out)."""
    from fractions import Fraction

    from matspec.implementations import newton_schulz as ns

    if name == "cubic":
        return lambda X, i: cubic_to_convergence(X, prec, variant=i)
    if name == "gram":
        sch = ns.get_schedule("muon_quintic")
        return lambda X, i: gram_newton_schulz(X, sch.float_coeffs(), prec, variant=i, engine=engine)
    sch = ns.get_schedule(name)
    if steps is not None:
        sch = sch.with_steps(steps)  # cut, or extended by repeating the last step
    coeffs = sch.float_coeffs()
    safety = float(Fraction(sch.safety))
    return lambda X, i: newton_schulz(X, coeffs, prec, safety, variant=i, engine=engine)


def reference_outputs(op: str, params: dict, args64: list, prec: Precision, contract_kind: str,
                      schedule_hint: Optional[tuple] = None, seed: int = 0, large: bool = False,
                      engine: dev.Engine = None) -> list[np.ndarray]:
    """matspec's plain algorithm for `op` at precision `prec`, on PATHS rounding paths, outputs
    mapped back to the original input (float64 arrays).  Empty where matspec has no reference
    at that precision (the caller then cannot confirm, and says so).  `engine` (device64): where
    the Newton–Schulz iterations run."""
    A = np.asarray(args64[0], dtype=np.float64)
    if op in ("msign", "newton_schulz") and (contract_kind == "band" or op == "newton_schulz"):
        if op == "newton_schulz":
            runs = [_ns_runner(params["schedule"], prec, params.get("steps"), engine)] * PATHS
        elif schedule_hint is not None:
            runs = [_ns_runner(schedule_hint[0], prec, schedule_hint[1], engine)] * PATHS
        elif large:
            # at size one path per member of the family (each with its own transform and evaluation
            # order): the rounding of ~10⁶ entries concentrates, so paths of one member vary less
            # than at 8×8, and 16 runs of a 1024² iteration would cost more than the kernel's test
            runs = [_ns_runner(name, prec, engine=engine) for name in MSIGN_FAMILY_LARGE]
            it = iter(runs)
            return paths_for_matrix(A, lambda X, i: next(it)(X, i), equivariant=True, count=len(runs), seed=seed,
                                    indexed=True)
        else:  # the schedule is the kernel's secret: every member of the family, on every path
            outs = []
            for name in MSIGN_FAMILY:
                outs += paths_for_matrix(A, _ns_runner(name, prec), equivariant=True, seed=seed, indexed=True)
            return outs
        return paths_for_matrix(A, runs[0], equivariant=True, seed=seed, indexed=True)
    if op in ("svdvals", "msign", "lowrank", "mclip"):
        return paths_for_matrix(A, lambda X: svd_based(X, prec, op, params), equivariant=op != "svdvals", seed=seed)
    if op == "norm":
        kind = params["kind"]
        dt = np.float64 if prec.compute == "float64" else np.float32

        def run(X):
            Xc = round_to(X, prec.compute).astype(dt)
            with np.errstate(all="ignore"):
                if kind in ("fro", "1", "inf", "2", "nuc"):
                    v = np.linalg.norm(Xc, {"fro": "fro", "1": 1, "inf": np.inf, "2": 2, "nuc": "nuc"}[kind])
                elif kind == "max":
                    v = np.max(np.abs(Xc))
                else:
                    s = np.linalg.svd(Xc, compute_uv=False)
                    p = params.get("p")
                    v = np.sum(s[: params["k"]]) if kind == "kyfan" else (np.max(s) if p == math.inf else np.sum(s ** p) ** (1 / p))
            return round_to(round_to(np.asarray(v, dtype=np.float64), prec.compute), prec.output)

        if kind in ("1", "inf"):  # the transpose swaps them: signed permutations only
            rng = np.random.default_rng([seed, 7])
            outs = [run(A)]
            while len(outs) < PATHS:
                outs.append(run(_signed_perm(A.shape[0], rng) @ A @ _signed_perm(A.shape[1], rng)))
            return outs
        return paths_for_matrix(A, run, equivariant=False, seed=seed)
    if op == "matmul":
        B = np.asarray(args64[1], dtype=np.float64)
        E = Emulated(prec)
        rng = np.random.default_rng([seed, 11])
        outs = [round_to(E.mm(A, B), prec.output), round_to(E.mm(B.T, A.T).T, prec.output)]
        while len(outs) < PATHS:
            P, R, Q = (SignedPerm(d, rng) for d in (A.shape[0], A.shape[1], B.shape[1]))
            # Pᵀ·((P·A·R)(Rᵀ·B·Q))·Qᵀ = A·B, every transform exact
            outs.append(round_to(Q.right_t(P.left_t(E.mm(R.right(P.left(A)), Q.right(R.left_t(B))))), prec.output))
        return outs
    if op in ("cond", "eigvalsh"):
        dt = np.float64 if prec.compute == "float64" else np.float32
        rng = np.random.default_rng([seed, 17])
        outs = []
        for i in range(PATHS):
            P = np.eye(A.shape[0]) if i == 0 else _signed_perm(A.shape[0], rng)
            # eigvalsh: the similarity P·A·Pᵀ (spectrum unchanged); cond: P·A·Q (κ_1, κ_∞, κ_2, κ_F unchanged)
            Q = P.T if op == "eigvalsh" else (np.eye(A.shape[1]) if i == 0 else _signed_perm(A.shape[1], rng))
            X = round_to(P @ A @ Q, prec.compute).astype(dt)
            with np.errstate(all="ignore"):
                try:
                    v = (np.linalg.eigvalsh(X) if op == "eigvalsh" else
                         np.linalg.cond(X, {"2": 2, "1": 1, "inf": np.inf, "fro": "fro"}[params["kind"]]))
                except np.linalg.LinAlgError:
                    continue
            outs.append(round_to(round_to(np.asarray(v, dtype=np.float64), prec.compute), prec.output))
        return outs
    if op in ("lstsq", "tikhonov_solve"):
        b = np.asarray(args64[1], dtype=np.float64)
        dt = np.float64 if prec.compute == "float64" else np.float32
        rng = np.random.default_rng([seed, 19])
        outs = []
        for i in range(PATHS):
            # ‖PAQy − Pb‖ = ‖A(Qy) − b‖ and ‖y‖ = ‖Qy‖: x = Q·y on every signed-permutation path
            P = np.eye(A.shape[0]) if i == 0 else _signed_perm(A.shape[0], rng)
            Q = np.eye(A.shape[1]) if i == 0 else _signed_perm(A.shape[1], rng)
            Ap, bp = round_to(P @ A @ Q, prec.compute).astype(dt), round_to(P @ b, prec.compute).astype(dt)
            if op == "tikhonov_solve":
                n = A.shape[1]
                Ap = np.vstack([Ap, np.sqrt(dt(params["lam"])) * np.eye(n, dtype=dt)])
                bp = np.vstack([bp, np.zeros((n, bp.shape[1]), dtype=dt)])
            with np.errstate(all="ignore"):
                try:
                    y = np.linalg.lstsq(Ap, bp, rcond=None)[0]
                except np.linalg.LinAlgError:
                    continue
            outs.append(round_to(round_to(Q @ np.asarray(y, dtype=np.float64), prec.compute), prec.output))
        return outs
    if op == "solve":
        b = np.asarray(args64[1], dtype=np.float64)
        dt = np.float64 if prec.compute == "float64" else np.float32
        rng = np.random.default_rng([seed, 13])
        outs = []
        for i in range(PATHS):
            P = np.eye(A.shape[0]) if i == 0 else _signed_perm(A.shape[0], rng)
            Q = np.eye(A.shape[1]) if i == 0 else _signed_perm(A.shape[1], rng)
            try:
                with np.errstate(all="ignore"):
                    y = np.linalg.solve(round_to(P @ A @ Q, prec.compute).astype(dt), round_to(P @ b, prec.compute).astype(dt))
            except np.linalg.LinAlgError:
                continue
            outs.append(round_to(round_to(Q @ np.asarray(y, dtype=np.float64), prec.compute), prec.output))
        return outs
    return []
