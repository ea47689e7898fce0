"""The oracle side of validate: the reference value of an op on the exact received input, the
error measure, and the allowed error derived from u, the dimensions and κ.

``OpJudge.prepare`` runs the certified oracle once per input; ``OpJudge.judge`` compares one
output (the float64 array of the kernel's exact values) with it.  Each allowance cites its
derivation where it is computed; where an allowance reaches the property it guards the
judgement is *undecided* with the reason, never a pass.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from matspec.validate import device64 as dev
from matspec.validate.contracts import Contract
from matspec.tolerance import fro_rel as fro_rel_, gamma as gamma_
from matspec.validate.precision import Precision
from matspec.validate.errors import UsageError
from matspec.validate.ops import BAND_OPS, out_shape


def _mp(X64):
    from matspec.oracles import as_mp_matrix

    return as_mp_matrix(np.asarray(X64, dtype=np.float64))


def _mp_fro(M):
    from matspec.oracles.mp import _fro

    return _fro(M)


def _fnum(x) -> float:
    """mpf → float for reports (±inf beyond float range, never an exception)."""
    try:
        return float(x)
    except (OverflowError, ValueError):
        return math.inf


def _fro_upper(fro: float, count: int) -> float:
    """An upper bound of ‖A‖_F from a computed one over `count` = m·n entries: a float64
    evaluation is ‖A‖_F(1 + θ) with |θ| ≤ fro_rel = γ_{mn+2}(u₆₄) (squares, sum, root) — ≈ 1e-10 at
    1024², so no fixed 1e-12 will do — hence ‖A‖_F ≤ fro/(1 − γ_{mn+2}); the oracle's mpmath
    ‖A‖_F (at 53 bits or more) is no less accurate."""
    g = fro_rel_(count, 2.0 ** -53)
    return fro / (1 - g) if g < 1 else math.inf


def _ns_exact_norms(schedule, sigma, fro, steps) -> list[tuple[float, float]]:
    """(‖X_t‖_F, ‖X_t‖₂) of the exact Newton–Schulz iterates X_t = U F_t(Σ/(s‖A‖_F)) Vᵀ, t = 0..T,
    from the oracle's singular values and the scalar trajectory (30 digits; σ certified to ~1e-50):
    relative 1e-12 inflation makes them upper bounds."""
    from fractions import Fraction

    import mpmath

    from matspec.implementations import newton_schulz as ns

    sch = ns.get_schedule(schedule)
    T = sch.steps if steps is None else steps
    if fro == 0 or not len(sigma):
        return [(0.0, 0.0)] * (T + 1)
    with mpmath.workdps(30):
        c = mpmath.mpf(Fraction(sch.safety).numerator) / Fraction(sch.safety).denominator * fro
        paths = [ns.trajectory(sch, x / c, dps=30)[: T + 1] for x in sigma]
        out = []
        for t in range(T + 1):
            ys = [abs(p[t]) for p in paths]
            out.append((float(mpmath.sqrt(mpmath.fsum(y * y for y in ys))) * (1 + 1e-12),
                        float(max(ys)) * (1 + 1e-12)))
    return out


@dataclass
class Judgement:
    state: str  # ok | fail | undecided
    measured: Optional[float] = None
    allowed: Optional[float] = None
    reason: str = ""
    detail: dict = field(default_factory=dict)


class OpJudge:
    """Reference, error measure and allowed error for one (op, params, contract, dtype).

    ``prepare`` runs the oracle on the exact received input once; ``judge`` compares an
    output (float64 array of the kernel's exact values) against it."""

    def __init__(self, op: str, params: dict, contract: Contract, prec: Precision, lam: float):
        self.op, self.params, self.contract, self.prec, self.lam = op, params, contract, prec, lam
        # The tolerance uses the coarsest of the compute and the output format: the output
        # cannot be more accurate than its own rounding (Precision.u).
        self.u = prec.u
        self.dtype = prec.input
        # where the float64 tier's n³ work runs (device64): NumPy unless the validator puts it on
        # the kernel's GPU
        self.engine = None

    # -- expected output shapes -----------------------------------------------------
    def out_shape(self, args64) -> tuple:
        return out_shape(self.op, [a.shape for a in args64])

    # -- oracle ---------------------------------------------------------------------
    def tier_for(self, args64) -> str:
        """'certified' (the mpmath / python-flint oracle) where it is affordable — every kernel up
        to ORACLE_MAX, float64 kernels up to CERTIFIED_MAX (no float64 reference could judge
        them) — else 'float64' (judge64's a-posteriori tier)."""
        big = max(max(a.shape[-2:]) if a.ndim >= 2 else a.shape[0] for a in args64)
        return "certified" if big <= self._oracle_limit() else "float64"

    def prepare(self, args64) -> dict:
        import mpmath

        from matspec import oracles as O
        from matspec.oracles import mp as OM

        if self.tier_for(args64) == "float64":
            return self._prepare64(args64)
        A = _mp(args64[0])
        m, n = A.rows, A.cols
        ref: dict = {"m": m, "n": n, "fro": _mp_fro(A), "args64": args64}
        op = self.op
        if op == "svdvals":
            s, b = O.svdvals(A)
            ref.update(value=s, oracle_err=b)
        elif op == "norm":
            v, b = O.norm(A, self.params["kind"], p=self.params.get("p"), k=self.params.get("k"))
            ref.update(value=v, oracle_err=b)
        elif op == "msign":
            Q, fwd, recon, r = OM._polar_parts(A, O.DEFAULT_DIGITS)
            ref.update(value=Q, oracle_err=fwd + recon, svd=r)
        elif op == "lowrank":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            res = OracleOps().lowrank(Mat(A, mpmath.mpf(0), (m, n)), self.params["k"])
            ref.update(value=res.data, oracle_err=res.err, svd=O.svd(A))
        elif op == "mclip":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            res = OracleOps().mclip(Mat(A, mpmath.mpf(0), (m, n)), self.params["lo"], self.params["hi"])
            ref.update(value=res.data, oracle_err=res.err, svd=O.svd(A))
        elif op == "newton_schulz":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            r = O.svd(A)
            ref.update(svd=r)
            if self.contract.kind == "exact":
                # the schedule run in mpmath at working precision: U F(Σ/(s‖A‖_F)) Vᵀ up to a
                # certified ~1e-60 (OracleOps.newton_schulz), no SVD needed for the value itself
                res = OracleOps().newton_schulz(Mat(A, mpmath.mpf(0), (m, n)), self.params["schedule"],
                                                steps=self.params.get("steps"))
                ref.update(value=res.data, oracle_err=res.err)
        elif op == "matmul":
            B = _mp(args64[1])
            with mpmath.workdps(O.working_dps(O.DEFAULT_DIGITS)):
                # a product of floats at 60 digits: the only rounding is the final one per
                # term and sum, ≤ γ_k(10^-60)·‖A‖_F‖B‖_F, far below any dtype's bound
                ref.update(value=A * B, oracle_err=mpmath.mpf(10) ** -55 * _mp_fro(A) * _mp_fro(B), fro_b=_mp_fro(B))
        elif op == "solve":
            b = _mp(args64[1])
            x, bound = O.solve(A, b)
            Xinv, _ = O.inv(A)
            with mpmath.workdps(60):
                ref.update(value=x, oracle_err=bound, fro_b=_mp_fro(b), fro_inv=_mp_fro(Xinv))
        elif op == "cond":
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            kind = self.params["kind"]
            # OracleOps.cond certifies σ (the vector-free svdvals, also behind inv's ‖A⁻¹‖ bound)
            # once; the allowance for κ₂ needs those σ only — O.svdvals below is that cached
            # result, not a second SVD — and κ_1, κ_∞, κ_F need no SVD of their own
            v = OracleOps().cond(Mat(A, mpmath.mpf(0), (m, n)), kind)
            ref.update(value=v.mid, oracle_err=v.rad)
            if kind == "2":
                ref.update(sigma=O.svdvals(A)[0])
            if kind != "2" and mpmath.isfinite(v.rad):
                Xinv, _ = O.inv(A)
                ref.update(fro_inv=_mp_fro(Xinv), norm_a=O.norm(A, kind)[0])
        elif op in ("lstsq", "tikhonov_solve"):
            from matspec.implementations.base import Mat
            from matspec.oracles import OracleOps

            b = _mp(args64[1])
            Bm = Mat(b, mpmath.mpf(0), (b.rows, b.cols))
            Am = Mat(A, mpmath.mpf(0), (m, n))
            res = OracleOps().lstsq(Am, Bm) if op == "lstsq" else OracleOps().tikhonov_solve(Am, Bm, self.params["lam"])
            ref.update(value=res.data, oracle_err=res.err, svd=O.svd(A), fro_b=_mp_fro(b))
        elif op == "eigvalsh":
            vals, bound = O.eigvalsh(A)
            ref.update(value=list(reversed(vals)), oracle_err=bound)  # ascending, as LAPACK returns them
        return ref

    # -- allowed errors ---------------------------------------------------------------
    def allowed(self, ref, gam: Optional[Callable[[float], float]] = None) -> tuple[Optional[float], str]:
        """(allowed error, '' | reason it is undecided).  Each bound is the one the NumPy
        backend's radii use (implementations/numpy_backend.py), at the kernel's precision:
        every accumulation of k roundings costs ``gam(k)`` — the worst case
        :meth:`Precision.gamma` by default, its probabilistic counterpart when the judge asks
        for it (:meth:`judge`)."""
        import mpmath

        from matspec.tolerance import gamma

        gam = gam or self.prec.gamma
        u, m, n, op = self.u, ref["m"], ref["n"], self.op

        def svd_backward_factor(m, n, _u):  # tolerance.svd_backward_factor with this γ
            return (m + n) * gam(6 * max(m, n))

        def fro_rel(count, _u):  # tolerance.fro_rel: squares, sum, root
            return gam(count + 2)

        def abs_sum_rel(count, _u):  # tolerance.abs_sum_rel: a sum of count terms
            return gam(max(count - 1, 0))
        r = min(m, n)
        fro = ref["fro"]
        mpf = mpmath.mpf
        E = mpf(svd_backward_factor(m, n, u)) * fro  # backward error of a Householder SVD

        def gepp_eta():  # (η, '' | why the bound is vacuous) of a GEPP solve with A (solve, cond)
            # GEPP is backward stable: (A + ΔA)x̂ = b with |ΔA| ≤ γ_{3n}|L̂||Û| (Higham Thm 9.4)
            # and ‖|L̂||Û|‖∞ ≤ (1 + 2(n² − n)ρ_n)‖A‖∞ (Lemma 9.6); in the 2-norm (two factors
            # √n) ‖ΔA‖₂ ≤ n·γ_{3n}(1 + 2(n² − n)ρ_n)‖A‖₂.  The growth factor ρ_n is taken
            # ≤ n — true of the drawn and gallery inputs, not of Wilkinson's 2^{n−1} example.
            # η = ‖A⁻¹‖₂‖ΔA‖₂ (here with ‖·‖_F ≥ ‖·‖₂); η ≥ 1 admits a singular A + ΔA.
            eta = mpf(n * gam(3 * n) * (1 + 2 * (n * n - n) * n)) * fro * ref["fro_inv"]
            return eta, (f"bound vacuous: ‖A⁻¹‖·‖ΔA‖ = {mpmath.nstr(eta, 3)} ≥ 1 (κ ≳ 1/u)" if eta >= 1 else "")
        if op == "svdvals":
            # Weyl: a backward-stable SVD moves each σ by ≤ ‖ΔA‖₂ ≤ svd_backward_factor·‖A‖_F.
            return _fnum(E), ""
        if op == "norm":
            kind, p, k = self.params["kind"], self.params.get("p"), self.params.get("k")
            v = abs(ref["value"])
            out_round = u * v  # the result itself is stored in the dtype
            if kind == "fro":
                return _fnum(fro_rel(m * n, u) * v + out_round), ""  # squares, sum, root: γ_{mn+2}
            if kind == "1":
                return _fnum(abs_sum_rel(m, u) * v + out_round), ""  # column sums of |a_ij|: γ_{m−1}
            if kind == "inf":
                return _fnum(abs_sum_rel(n, u) * v + out_round), ""  # row sums: γ_{n−1}
            if kind == "max":
                return 0.0, ""  # max |a_ij| is exact in any format
            if kind == "2":
                return _fnum(E + out_round), ""  # σ₁ by a backward-stable SVD (Weyl)
            if kind == "nuc":
                # Mirsky: Σ|σ̂_i − σ_i| ≤ √r‖ΔA‖_F; the sum of r terms costs γ_{r−1}
                return _fnum(math.sqrt(r) * E + abs_sum_rel(r, u) * v + out_round), ""
            if kind == "schatten":
                lip = r ** max(1.0 / p - 0.5, 0.0) if p != math.inf else 1.0
                # ‖σ̂ − σ‖_p ≤ r^{max(1/p−1/2,0)}‖σ̂ − σ‖₂; powers, sum, root: γ_{r+4}
                return _fnum(lip * E + gam(r + 4) * v + out_round), ""
            if kind == "kyfan":
                return _fnum(math.sqrt(k) * E + gam(k) * v + out_round), ""  # Mirsky on k terms
            raise UsageError(f"unknown norm kind {kind!r}")
        if op == "msign":
            s = ref["svd"][1]
            sb = ref["svd"].sigma_bounds
            if s[-1] <= sb[-1]:
                return None, "polar factor not determined: the input is rank deficient (σ_min = 0 within the oracle's certificate)"
            smin = s[-1] - E
            if smin <= 0:
                return None, (f"bound vacuous: σ_min = {mpmath.nstr(s[-1], 3)} ≤ the SVD backward error "
                              f"{mpmath.nstr(E, 3)} at this dtype (κ ≳ 1/u)")
            # Li & Sun: ‖Q(A) − Q(A+Δ)‖_F ≤ √3‖Δ‖_F/σ_min(A+Δ), σ_min(A+Δ) ≥ σ_min − E, with
            # ‖Δ‖_F ≤ E for a backward-stable kernel; plus forming U Vᵀ: products of length r
            # (γ_{r+1}) on factors orthonormal to within svd_backward_factor each, ‖·‖_F ≤ √r.
            fwd = mpf(math.sqrt(3)) * E / smin
            recon = (gam(r + 1) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(r)
            tot = fwd + recon
            if tot >= 2 * math.sqrt(r):
                return None, f"bound vacuous: allowed error {mpmath.nstr(tot, 3)} ≥ 2‖Q‖_F (too ill-conditioned for this dtype)"
            return _fnum(tot), ""
        if op == "lowrank":
            k = self.params["k"]
            if k == 0:
                return 0.0, ""
            s = ref["svd"][1]
            if k >= r:
                # A_k = A.  A kernel may rebuild it from its SVD: (A+Δ)_k = A+Δ with ‖Δ‖_F ≤ E, plus
                # forming U Σ Vᵀ (γ_{r+1} products on nearly orthonormal factors, as below); this
                # covers returning A itself too (one rounding per entry, u‖A‖_F ≤ E).  "u‖A‖_F"
                # alone failed a correct truncated-SVD kernel at 2×1 by 1% (found by --profile heavy).
                recon = (gam(r + 1) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(r) * s[0]
                return _fnum(E + recon), ""
            # Wedin: ‖(A+Δ)_k − A_k‖_F ≤ ‖Δ‖_F(1 + 2‖A‖₂/δ), δ = σ_k − σ_{k+1} − 2‖Δ‖ > 0;
            # no gap means A_k is not determined: undecided, not passed.
            delta = (s[k - 1] - s[k]) - 2 * E
            if delta <= 0:
                return None, f"best rank-{k} approximation not determined: σ_k − σ_(k+1) = {mpmath.nstr(s[k-1]-s[k], 3)} ≤ 2×SVD backward error"
            fwd = E * (1 + 2 * (s[0] + E) / delta)
            recon = (gam(k + 1) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(k) * s[0]
            return _fnum(fwd + recon), ""
        if op == "mclip":
            from matspec.implementations.base import mclip_lipschitz_factor
            from matspec.implementations.radii import mclip_radius, svd_recon_err

            lo, hi = self.params["lo"], self.params["hi"]
            s = ref["svd"][1]
            # as the backends' mclip radius (implementations/radii.py): the kernel's SVD backward
            # error E carried by clip's matrix Lipschitz constant (√2·max(1, lo/σ_min), infinite
            # when lo > 0 lifts an undetermined null direction), lo/hi rounded to the dtype, and
            # forming U clip(Σ) Vᵀ (γ_{r+1} products on nearly orthonormal factors).
            L = mclip_lipschitz_factor(lo, _fnum(s[-1] - E))
            if not math.isfinite(L):
                return None, ("U clip(Σ) Vᵀ not determined: lo > 0 lifts the input's (numerically) zero singular "
                              "values to lo along singular vectors that are not unique")
            top = max(abs(min(max(_fnum(x), lo), hi)) for x in s) if len(s) else 0.0
            recon = svd_recon_err(gam(r + 1), r, top, m, n, u)
            return _fnum(mclip_radius(L, _fnum(E), u, r, lo, hi, recon)), ""
        if op == "newton_schulz":
            from matspec.implementations import newton_schulz as ns

            sched, steps = self.params["schedule"], self.params.get("steps")
            norms = _ns_exact_norms(sched, ref["svd"][1], fro, steps)
            # ns.forward_error_bound (the backends' radius), on the exact iterates' norms: the
            # kernel's own iterates enter through ‖X̂_t‖ <= ‖X_t‖ + e_t; 5 roundings for the
            # normalisation allow a kernel that pre-scales by max|a_ij| (as overflow-safe ones do).
            try:
                e = ns.forward_error_bound(sched, m, n, u, norms, _fnum(fro), 0.0, steps=steps,
                                           norms_are_exact=True, norm_roundings=5)
            except OverflowError:
                # the a-priori bound compounds each step's Lipschitz constant; at a coarse u it
                # exceeds float range — as vacuous as a bound larger than the output
                return None, "bound vacuous: the forward error bound overflows at this dtype (use a band contract)"
            out_fro = norms[-1][0]
            if not e < out_fro + 1.0:
                return None, (f"bound vacuous: forward error bound {e:.3g} ≥ the output's size "
                              f"{out_fro:.3g} + 1 at this dtype (use a band contract)")
            return e, ""
        if op == "matmul":
            # Higham §3.5: ‖fl(AB) − AB‖_F ≤ γ_k ‖A‖_F‖B‖_F for inner dimension k (any order
            # or blocking); the product's own rounding is inside γ_k.
            return _fnum(mpf(gam(n)) * fro * ref["fro_b"]), ""
        if op == "solve":
            # GEPP's backward error (gepp_eta); then x̂ − x = −A⁻¹ΔA x̂ gives
            # ‖x̂ − x‖ ≤ η‖x‖/(1 − η), η = ‖A⁻¹‖₂‖ΔA‖₂.
            eta, why = gepp_eta()
            if why:
                return None, why
            xn = _mp_fro(ref["value"])
            return _fnum(eta * xn / (1 - eta) + mpf(u) * xn), ""  # + the result's own rounding
        if op == "eigvalsh":
            # Weyl for symmetric matrices: a backward-stable eigensolver (tridiagonal reduction by
            # Householder reflectors, then QR/dqds) moves each eigenvalue by ≤ ‖ΔA‖₂ ≤ E, with E
            # the same Householder backward error as the SVD's; plus the result's own rounding.
            top = max((abs(x) for x in ref["value"]), default=mpf(0))
            return _fnum(E + mpf(u) * top), ""
        if op == "cond":
            kind = self.params["kind"]
            v = ref["value"]
            if kind == "2":
                # σ₁ and σ_n each move by ≤ E (Weyl, a backward-stable SVD): κ₂ lies in
                # [(σ₁ − E)/(σ_n + E), (σ₁ + E)/(σ_n − E)]; plus the division's rounding
                s = ref["sigma"]
                if not s[-1] - E > 0:
                    return None, (f"κ₂ not determined at this precision: σ_min = {mpmath.nstr(s[-1], 3)} ≤ the SVD "
                                  f"backward error {mpmath.nstr(E, 3)}")
                hi = (s[0] + E) / (s[-1] - E)
                lo = (s[0] - E) / (s[-1] + E)
                return _fnum(max(hi - v, v - lo) + 2 * mpf(u) * hi), ""
            if "fro_inv" not in ref:
                return None, "A may be singular: κ is not a number the oracle can bound"
            # κ_p = ‖A‖_p‖A⁻¹‖_p with A⁻¹ from GEPP (backward stable, as for solve: gepp_eta):
            # ‖X̂ − A⁻¹‖_F ≤ η‖A⁻¹‖_F/(1 − η), η = n·γ_{3n}(1 + 2(n² − n)n)‖A‖_F‖A⁻¹‖_F; in the p-norm
            # ‖·‖_p ≤ √n‖·‖_F (p = 1, ∞), 1 (p = F); the two norms' sums cost γ_n each
            eta, why = gepp_eta()
            if why:
                return None, why
            cp = 1 if kind == "fro" else math.sqrt(n)
            dinv = eta * ref["fro_inv"] / (1 - eta) * cp
            return _fnum(ref["norm_a"] * dinv + (2 * gam(n) + mpf(u)) * (v + ref["norm_a"] * dinv)), ""
        if op in ("lstsq", "tikhonov_solve"):
            # Wedin's least-squares bound for a backward-stable solver (Householder QR, SVD), as the
            # backends' radius (numpy_backend.lstsq_radius64 / tikhonov_radius64): backward error
            # c‖Â‖_F with c = (m + n)γ_{6max(m,n)} in A and b, plus (c + u)‖x̂‖_F applying the
            # factors.  The radii take u and apply the worst-case γ_k(u), so the probabilistic
            # allowance is the worst case here: no γ this judge asks for implies a larger u —
            # Precision.gamma_prob is capped at the worst case, and the worst case with a wider
            # accumulation, u + γ_k(u_acc) (u ≥ 2u_acc, k ≥ 6), is ≤ γ_k(u).  Only the rank test
            # below evaluates gam itself.
            from matspec.implementations.numpy_backend import lstsq_radius64, tikhonov_radius64

            g = gam(6 * max(m, n))
            if not math.isfinite(g):
                return None, "bound vacuous at this precision (γ infinite)"
            s = ref["svd"][1]
            sb = ref["svd"].sigma_bounds
            smin_lo = _fnum(s[-1] - sb[-1]) if len(s) else 0.0
            A64 = np.asarray(ref["args64"][0], dtype=np.float64)
            B64 = np.asarray(ref["args64"][1], dtype=np.float64)
            X64 = np.array([[float(ref["value"][i, j]) for j in range(ref["value"].cols)]
                            for i in range(ref["value"].rows)])
            if op == "lstsq":
                if not smin_lo > (m + n) * g * _fnum(fro):
                    return None, "least-squares solution not determined: A is (numerically) rank deficient"
                r = lstsq_radius64(u, A64, 0.0, B64, 0.0, X64, smin_lo)
            else:
                lam = self.params["lam"]
                sl = math.sqrt(lam) * (1 + u)  # the kernel's √λ, rounded to its dtype
                r = tikhonov_radius64(u, A64, 0.0, sl, lam, B64, 0.0, X64, smin_lo)
            return (r, "") if math.isfinite(r) else (None, "bound vacuous: the least-squares bound is infinite")
        raise UsageError(op)

    # -- error measure ------------------------------------------------------------------
    def error(self, ref, Y64) -> tuple[Any, dict]:
        """(error as mpf, details) of an output against the reference."""
        import mpmath

        op = self.op
        if op == "svdvals":
            s = ref["value"]
            errs = [abs(mpmath.mpf(float(y)) - si) for y, si in zip(Y64, s)]
            i = max(range(len(errs)), key=lambda j: errs[j])
            return errs[i], {"worst_index": i, "kernel": float(Y64[i]), "oracle": _fnum(s[i])}
        if op in ("norm", "cond"):
            y = float(np.asarray(Y64).reshape(()))
            return abs(mpmath.mpf(y) - ref["value"]), {"kernel": y, "oracle": _fnum(ref["value"])}
        if op == "eigvalsh":
            w = ref["value"]
            errs = [abs(mpmath.mpf(float(y)) - wi) for y, wi in zip(Y64, w)]
            i = max(range(len(errs)), key=lambda j: errs[j])
            return errs[i], {"worst_index": i, "what": "λ", "kernel": float(Y64[i]), "oracle": _fnum(w[i])}
        if self.contract.kind == "band":
            return self._band_distance(ref, Y64)
        Y = _mp(np.atleast_2d(Y64) if Y64.ndim else Y64.reshape(1, 1))
        R = ref["value"]
        if op in ("solve", "lstsq", "tikhonov_solve") and Y.rows != R.rows:
            Y = Y.T
        with mpmath.workdps(60):
            d = _mp_fro(Y - R)
        return d, {"oracle_norm": _fnum(_mp_fro(R))}

    def _band_distance(self, ref, Y64, Eb=0.0):
        """Frobenius distance from the output to the set {U D Vᵀ + W}: D diagonal in the
        band on the determined directions C, W acting only on the exempt / undetermined
        complement with singular values in [lo_X, HI].  The four blocks P_C·Y·Q_C,
        P_C·Y·(I−Q_C), (I−P_C)·Y·Q_C, (I−P_C)·Y·(I−Q_C) are Frobenius-orthogonal, so the
        squared distance is the sum of: the off-diagonal and out-of-band parts of
        U_Cᵀ Y V_C, the two cross blocks, and (Mirsky) Σ dist(σ_j(last block), [lo_X, HI])²."""
        import mpmath

        from matspec import oracles as O

        c = self.contract
        U, s, Vt, _ = ref["svd"]
        sb = ref["svd"].sigma_bounds
        k = len(s)
        with mpmath.workdps(60):
            Y = _mp(Y64)
            # determined directions: σ_i certified above the user's floor and above the
            # kernel's backward error Eb (below it no kernel at this dtype can know them)
            cut = max(mpmath.mpf(c.floor_cut(_fnum(s[0] + sb[0]), _fro_upper(_fnum(ref["fro"]), ref["m"] * ref["n"]))),
                      mpmath.mpf(Eb))
            C = [i for i in range(k) if s[i] - sb[i] > 0 and s[i] - sb[i] > cut]
            X = [i for i in range(k) if i not in C]
            lo_x = 0.0 if c.floor is not None else c.lo

            def band_gap(x, lo, hi):
                return max(lo - x, x - hi, mpmath.mpf(0))

            m, n = Y.rows, Y.cols
            UC = mpmath.matrix([[U[r, j] for j in C] for r in range(m)]) if C else None
            VC = mpmath.matrix([[Vt[j, col] for j in C] for col in range(n)]) if C else None
            diag, off2, gap2 = [], mpmath.mpf(0), mpmath.mpf(0)
            if C:
                UtY = UC.T * Y
                M = UtY * VC
                for a in range(len(C)):
                    for b in range(len(C)):
                        if a == b:
                            diag.append(M[a, a])
                            gap2 += band_gap(M[a, a], c.lo, c.hi) ** 2
                        else:
                            off2 += M[a, b] ** 2
                cross1 = UtY - M * VC.T
                rest = Y - UC * UtY
                cross2 = rest * VC
                last = rest - cross2 * VC.T
                cross2_ = _mp_fro(cross1) ** 2 + _mp_fro(cross2) ** 2
            else:
                last, cross2_ = Y, mpmath.mpf(0)
            last_sv = []
            if X:
                sv, _ = O.svdvals(last) if _mp_fro(last) > 0 else ([mpmath.mpf(0)] * min(m, n), 0)
                last_sv = list(sv)[: len(X)]
            exempt2 = sum((band_gap(x, lo_x, c.hi) ** 2 for x in last_sv), mpmath.mpf(0))
            dist = mpmath.sqrt(off2 + gap2 + cross2_ + exempt2)
        det = {
            "determined_directions": len(C),
            "exempt_or_undetermined_directions": len(X),
            "output_sigma_on_input_vectors": [_fnum(x) for x in diag],
            "output_sigma_exempt_block": [_fnum(x) for x in last_sv],
            "misalignment": _fnum(mpmath.sqrt(off2 + cross2_)),
            "out_of_band": _fnum(mpmath.sqrt(gap2 + exempt2)),
        }
        if diag:
            det["diag_range"] = [_fnum(min(diag)), _fnum(max(diag))]
        det["_smin_C"] = min(s[i] for i in C) if C else None
        return dist, det

    # -- band contract ------------------------------------------------------------------------
    def _band_vectors(self, ref, Eb: float, exact: bool):
        """(U, σ, Vᵀ, determined directions C): C are the directions whose σ is certified above
        the user's floor and above Eb, the kernel's backward error at this precision (below it
        no kernel can know a direction: its vector is free, its σ not).  U and Vᵀ in float64 —
        whose ~1e-16 error is far below any low-precision kernel's misalignment — or, with
        `exact` (float64 kernels), as the oracle's mpmath matrices."""
        U, s, Vt, _ = ref["svd"]
        sb = ref["svd"].sigma_bounds
        c = self.contract
        k = len(s)
        cut = max(c.floor_cut(_fnum(s[0] + sb[0]), _fro_upper(_fnum(ref["fro"]), ref["m"] * ref["n"])) if k else 0.0, Eb)
        C = [i for i in range(k) if s[i] - sb[i] > 0 and _fnum(s[i] - sb[i]) > cut]
        if not exact:
            U = np.array([[float(U[i, j]) for j in range(U.cols)] for i in range(U.rows)])
            Vt = np.array([[float(Vt[i, j]) for j in range(Vt.cols)] for i in range(Vt.rows)])
        return U, np.array([_fnum(x) for x in s]), Vt, C

    @staticmethod
    def _misalignment_buckets(U, s, Vt, C, Y) -> dict:
        """Squared misalignment of Y per sensitivity class of a pair of directions.  With
        M = U_Cᵀ·Y·V_C, the pair (a, b) contributes 2(α² + β²γ²) — α and β the antisymmetric and
        symmetric parts of (M_ab, M_ba), γ = (σ_a − σ_b)/(σ_a + σ_b) — which is
        (‖skew(MᵀΣ)‖² + ‖skew(MΣ)‖²)/(σ_a + σ_b)² on that pair: zero exactly when Y shares A's
        singular vectors, clusters of equal σ included (issue: any basis of a cluster is A's).
        The pair goes to bucket ⌊log10(σ₁/min(σ_a, σ_b))⌋ — the polar factor's sensitivity to a
        backward error is 2/(σ_a + σ_b), so pairs with a small σ carry more rounding and are
        judged in their own class — and the blocks that mix determined directions with the
        rest go to bucket 'mixed'.  In float64 (U, Vᵀ numpy) or
        at 40 digits (U, Vᵀ mpmath matrices, for float64 kernels)."""
        import mpmath

        out: dict = {}
        exact = isinstance(U, mpmath.matrix)
        if exact:
            with mpmath.workdps(40):
                UC = mpmath.matrix([[U[r_, j] for j in C] for r_ in range(U.rows)]) if C else None
                VC = mpmath.matrix([[Vt[j, c_] for j in C] for c_ in range(Vt.cols)]) if C else None
                Ym = _mp(Y)
                if not C:  # nothing determined: the whole output is the free block (its σ are judged)
                    return {}
                UtY = UC.T * Ym
                M = UtY * VC
                cross1 = UtY - M * VC.T
                cross2 = (Ym - UC * UtY) * VC
                M = np.array([[float(M[i, j]) for j in range(M.cols)] for i in range(M.rows)])
                mixed = float(_mp_fro(cross1) ** 2 + _mp_fro(cross2) ** 2)
        else:
            if not C:  # nothing determined: the whole output is the free block (its σ are judged)
                return {}
            UC, VC = U[:, C], Vt[C, :].T
            UtY = UC.T @ Y
            M = UtY @ VC
            cross1 = UtY - M @ VC.T
            cross2 = (Y - UC @ UtY) @ VC
            mixed = float(np.sum(cross1 * cross1) + np.sum(cross2 * cross2))
        sc = s[C]
        top = s[0] if s[0] > 0 else 1.0
        for a in range(len(C)):
            for b in range(a + 1, len(C)):
                # the pair's antisymmetric part rotates the output off A's singular vectors;
                # its symmetric part only does so in proportion to the relative gap of σ_a, σ_b
                # (within a cluster any orthonormal basis is A's: both skew(outᵀA) and
                # skew(A·outᵀ) vanish, which is this measure's zero set)
                anti = (float(M[a, b]) - float(M[b, a])) / 2
                sym = (float(M[a, b]) + float(M[b, a])) / 2
                gap = (sc[a] - sc[b]) / (sc[a] + sc[b]) if sc[a] + sc[b] > 0 else 0.0
                key = int(math.floor(math.log10(top / min(sc[a], sc[b])) + 1e-12))
                out[key] = out.get(key, 0.0) + 2 * (anti * anti + sym * sym * gap * gap)
        out["mixed"] = mixed
        return out

    def _band_rounding_allowance(self, r: int) -> tuple[float, str]:
        """(out-of-band allowance, '' | why it is vacuous) — for both tiers of the band contract
        (:meth:`band_judge`, :meth:`_band_judge64`).  The band is the kernel's rounding slack, so
        the only allowance is the output's own storage rounding: each value is read from entries
        carrying relative error ≤ u_out, ≤ u_out·HI per direction, u_out·HI·√r in all.  Where it
        reaches LO > 0 a kernel that collapses a direction to 0 (out of band by LO) would pass —
        bfloat16 output at r = 1024 with HI = 1.2 allows 0.15 — so the example is undecided."""
        c = self.contract
        allow = self.prec.u_out * c.hi * math.sqrt(r)
        if allow >= c.lo > 0:
            return allow, f"out-of-band allowance {allow:.3g} reaches the band's distance to 0 (LO = {c.lo:g})"
        return allow, ""

    def band_judge(self, ref, Y64) -> Judgement:
        """Band contract at the kernel's precision.

        * **Out of band** — the output's singular values on the input's singular vectors (the
          diagonal of Uᵀ·out·V) and, on exempt or undetermined directions, the singular values
          of that block, against [LO, HI].  The band *is* the kernel's slack for rounding (a
          low-precision iteration lands anywhere in its band), so the only allowance is the
          output's own storage rounding: each value is read from entries carrying relative
          error ≤ u_out, ≤ u_out·HI per direction, u_out·HI·√r in all.
        * **Misalignment** — the off-diagonal part of Uᵀ·out·V and the blocks mixing determined
          directions with the rest.  No a-priori bound is honest here (worst-case γ_k compounds
          over steps into vacuity; the measured misalignment of correct kernels does not grow
          with the number of steps, because converged iterates stop changing), so matspec
          measures it on its own kernels of the family at the same precision, on R exact-symmetry
          rounding paths (:mod:`matspec.validate.reference`), per sensitivity class of the pair
          of directions, and allows K× the worst of them, plus a floor of u·‖out‖_F (rounding the
          output alone moves it that far).  A class whose allowance reaches half of HI per pair
          is not determined at this precision: not judged, and said."""
        import mpmath

        from matspec.validate.reference import PATH_FACTOR, reference_outputs

        c, prec = self.contract, self.prec
        m, n = ref["m"], ref["n"]
        r = min(m, n)
        # Backward error of the kernel's first rounding (A/s stored in the compute dtype):
        # ‖ΔA‖_F ≤ u_c‖A‖_F; directions with σ below it are not knowable at this precision.
        Eb = prec.u_c * _fnum(ref["fro"])
        dist, det = self._band_distance(ref, Y64, Eb)
        det.pop("_smin_C")
        round_allow, vacuous = self._band_rounding_allowance(r)
        det["allowed_out_of_band"] = round_allow
        if vacuous:
            return Judgement("undecided", det["out_of_band"], None, vacuous, det)
        if det["out_of_band"] > round_allow:  # no need for the reference paths: out of band already
            return Judgement("fail", det["out_of_band"], round_allow,
                             f"singular values of the output outside the band [{c.lo:g}, {c.hi:g}] "
                             f"({self._output_summary(ref, det)})", det)
        U, s, Vt, C = self._band_vectors(ref, Eb, exact=prec.u_c < 2.0 ** -30)
        Y = np.asarray(Y64, dtype=np.float64)
        kern = self._misalignment_buckets(U, s, Vt, C, Y)
        hint = self.params.get("_schedule_hint")
        paths = reference_outputs(self.op, self.params, ref["args64"], prec, "band", schedule_hint=hint)
        paths = [P for P in paths if P is not None and np.all(np.isfinite(P))]
        pb = [self._misalignment_buckets(U, s, Vt, C, P) for P in paths]
        floor = prec.u * float(np.linalg.norm(Y))
        # A backward-stable kernel (an SVD-based polar factor, say) is not an iteration of the
        # family; its misalignment is bounded a priori instead: with backward error
        # E = (m + n)·γ̃_{6·max(m,n)}‖A‖_F (the SVD's, probabilistic form), the pair (a, b) moves by
        # ≤ 2E/(σ_a + σ_b)·HI (the polar factor's sensitivity).  Used where it is small —
        # float64 and float32 compute; in bfloat16, float16 and TF32 it is of order one.
        stable = {}
        if prec.compute in ("float64", "float32"):
            E = (m + n) * prec.gamma_prob(6 * max(m, n), self.lam) * _fnum(ref["fro"])
            top = s[0] if len(s) and s[0] > 0 else 1.0
            for a in C:
                for b in C:
                    if a < b:
                        key = int(math.floor(math.log10(top / min(s[a], s[b])) + 1e-12))
                        stable[key] = stable.get(key, 0.0) + (2 * E / (s[a] + s[b]) * c.hi) ** 2 * 2
            if C:
                stable["mixed"] = (2 * E / min(s[i] for i in C) * c.hi) ** 2 * max(m * n - len(C) ** 2, 1)
        table, judged, over, undetermined = [], 0.0, [], []
        npairs = {}
        for key in kern:
            npairs[key] = (sum(1 for a in C for b in C if a < b and int(math.floor(math.log10(
                (s[0] if s[0] > 0 else 1.0) / min(s[a], s[b])) + 1e-12)) == key) if key != "mixed" else max(m * n - len(C) ** 2, 1))
        for key in sorted(kern, key=lambda k_: (k_ == "mixed", k_ if k_ != "mixed" else 0)):
            meas = math.sqrt(kern[key])
            refmax = max((math.sqrt(b.get(key, 0.0)) for b in pb), default=0.0)
            allow = max(PATH_FACTOR * refmax + floor, math.sqrt(stable.get(key, 0.0)))
            vacuous = allow >= 0.5 * c.hi * math.sqrt(max(npairs.get(key, 1), 1))
            row = {"class": key if key == "mixed" else f"σ_min(pair) in (1e-{key + 1}, 1e-{key}]·σ₁",
                   "measured": meas, "reference_paths_max": refmax, "allowed": allow, "judged": not vacuous}
            table.append(row)
            if vacuous:
                undetermined.append(row["class"])
                continue
            judged += meas * meas
            if meas > allow:
                over.append((meas / allow if allow > 0 else math.inf, row))
        det["misalignment_classes"] = table
        if C and s[0] > 0:  # the σ/σ₁ range this example judged (the run's coverage is built from it)
            det["judged_sigma_over_sigma1"] = [float(min(s[i] for i in C) / s[0]), float(max(s[i] for i in C) / s[0])]
            fro_ = _fnum(ref["fro"])  # and what a Frobenius-normalising kernel saw: x = σ/‖A‖_F
            det["judged_x"] = [float(min(s[i] for i in C) / fro_), float(max(s[i] for i in C) / fro_)]
            det["x_of_directions"] = [float(s[i] / fro_) for i in C]  # the transfer curve's abscissae
        det["reference_paths"] = len(paths)
        det["allowed_misalignment"] = math.sqrt(sum(r_["allowed"] ** 2 for r_ in table if r_["judged"]))
        shown = self._output_summary(ref, det)
        if det["out_of_band"] > round_allow:
            return Judgement("fail", det["out_of_band"], round_allow,
                             f"singular values of the output outside the band [{c.lo:g}, {c.hi:g}] ({shown})", det)
        if over:
            ratio, row = max(over, key=lambda t: t[0])
            return Judgement("fail", row["measured"], row["allowed"],
                             f"output's singular vectors are not the input's: misalignment {row['measured']:.3g} in class "
                             f"{row['class']} > allowed {row['allowed']:.3g} ({PATH_FACTOR:g}× the worst of {len(paths)} "
                             f"rounding paths of matspec's reference at {prec.compute}, {row['reference_paths_max']:.3g}, "
                             f"+ u‖out‖_F) ({shown})", det)
        if not paths and C and len(C) > 1:
            return Judgement("undecided", det["misalignment"], None,
                             "no reference rounding path at this precision to measure misalignment against", det)
        decided_top = any(r_["judged"] for r_ in table if r_["class"] != "mixed") or len(C) <= 1
        if not decided_top:
            return Judgement("undecided", det["misalignment"], None,
                             f"singular vectors not determined at {prec.compute}: the misalignment allowance of every class "
                             f"reaches order one ({', '.join(undetermined)})", det)
        return Judgement("ok", max(det["out_of_band"], math.sqrt(judged)), det["allowed_misalignment"],
                         "" if not undetermined else f"not judged (not determined at {prec.compute}): {', '.join(undetermined)}",
                         det)

    @staticmethod
    def _output_summary(ref, det) -> str:
        d = det.get("output_sigma_on_input_vectors") or []
        e = det.get("output_sigma_exempt_block") or []
        parts = []
        if d:
            parts.append(f"output σ on the input's vectors in [{min(d):.3g}, {max(d):.3g}]")
        if e:
            parts.append(f"on exempt directions [{min(e):.3g}, {max(e):.3g}]")
        parts.append(f"‖A‖_F = {_fnum(ref['fro']):.3g}")
        return "; ".join(parts)

    # -- exact contract ------------------------------------------------------------------------
    # -- the float64 tier (sizes beyond the oracle) -------------------------------------------
    def _prepare64(self, args64) -> dict:
        import mpmath

        from matspec.validate.judge64 import svd64

        A = np.asarray(args64[0], dtype=np.float64)
        m, n = A.shape
        big = float(np.max(np.abs(A))) if A.size else 0.0
        fro = big * float(np.linalg.norm(A / big)) if big > 0 else 0.0
        ref: dict = {"m": m, "n": n, "fro": mpmath.mpf(fro), "args64": args64, "tier": "float64"}
        op = self.op
        # only where _judge64 reads it: svdvals, norm(2), and the band contract (the exact contract
        # of msign / newton_schulz and the other norms have no float64 tier yet)
        if (op == "svdvals" or (op == "norm" and self.params["kind"] == "2")
                or (op in BAND_OPS and self.contract.kind == "band")):
            ref["svd64"] = svd64(A, self.engine)
        if op == "matmul":
            B = np.asarray(args64[1], dtype=np.float64)
            ref["value64"] = A @ B
            ref["fro_b"] = mpmath.mpf(float(np.linalg.norm(B)))
            # float64 GEMM, any summation order: ≤ γ_k(u₆₄)‖A‖_F‖B‖_F (Higham §3.5)
            ref["ref_bound"] = gamma_(A.shape[1], 2.0 ** -53) * fro * float(np.linalg.norm(B))
        return ref

    def _unsupported64(self, ref):
        return Judgement("undecided", None, None, f"{self.op} at {ref['m']}×{ref['n']}: beyond the certified oracle "
                         f"(max dim {self._oracle_limit()}) and matspec has no float64 reference tier for this op yet",
                         {"reference_tier": "none"})

    def _oracle_limit(self) -> int:
        from matspec.validate.judge64 import CERTIFIED_MAX, ORACLE_MAX

        return CERTIFIED_MAX if self.prec.u_c < 2.0 ** -30 else ORACLE_MAX

    def _judge64(self, ref, Y64) -> Judgement:
        import mpmath

        from matspec.validate.judge64 import REFERENCE_SHARE, tier_name

        op = self.op
        if op in BAND_OPS and self.contract.kind == "band":
            return self._band_judge64(ref, Y64)
        Y = np.asarray(Y64, dtype=np.float64)
        if op == "svdvals":
            sv = ref["svd64"]
            err = float(np.max(np.abs(np.sort(Y)[::-1] - sv.s))) if Y.size else 0.0
            if not np.all(np.diff(Y) <= 0):
                err = float(np.max(np.abs(Y - sv.s)))
            bound, det = sv.e_sigma, {"kernel_sigma_1": float(Y[0]) if Y.size else None, "oracle_sigma_1": float(sv.s[0])}
        elif op == "norm" and self.params["kind"] in ("2", "fro"):
            y = float(Y.reshape(()))
            if self.params["kind"] == "2":
                v, bound = float(ref["svd64"].s[0]), ref["svd64"].e_sigma
            else:
                v = float(ref["fro"])
                # the scaled float64 norm big·‖A/big‖_F (_prepare64): γ_{mn+2} for squares, sum and
                # root, one rounding each for A/big and for the product with big
                bound = gamma_(ref["m"] * ref["n"] + 4, 2.0 ** -53) * v
            err, det = abs(y - v), {"kernel": y, "oracle": v}
            ref["value"] = mpmath.mpf(v)
        elif op == "matmul":
            err = float(np.linalg.norm(Y - ref["value64"]))
            bound, det = ref["ref_bound"], {"oracle_norm": float(np.linalg.norm(ref["value64"]))}
        else:
            return self._unsupported64(ref)
        with np.errstate(all="ignore"):
            prob, why_p = self.allowed(ref, lambda k: self.prec.gamma_prob(k, self.lam))
            worst, why_w = self.allowed(ref)
        det.update(reference_bound=bound, allowed_probabilistic=prob, allowed_worst_case=worst)
        if why_p:
            det["reference_tier"] = tier_name(False)
            return Judgement("undecided", err, None, why_p, det)
        if bound > REFERENCE_SHARE * prob:
            det["reference_tier"] = tier_name(False)
            return Judgement("undecided", err, None, f"reference not accurate enough: its a-posteriori bound {bound:.3g} "
                             f"exceeds 1/100 of the allowance {prob:.3g}", det)
        det["reference_tier"] = tier_name(False, bound, prob)
        if err <= prob + bound:
            return Judgement("ok", err, prob, "", det)
        if not why_w and worst is not None and math.isfinite(worst) and err > worst + bound:
            return Judgement("fail", err, worst, f"error exceeds the worst-case bound ({self._exact_summary(det)})", det)
        from matspec.validate.reference import PATH_FACTOR, reference_outputs

        paths = [P for P in reference_outputs(op, self.params, ref["args64"], self.prec, "exact")
                 if P is not None and np.all(np.isfinite(P))]
        if not paths:
            return Judgement("undecided", err, None, f"error {err:.3g} above the probabilistic allowance {prob:.3g}, "
                             f"not provably wrong, and no reference path at {self.prec.compute} to confirm", det)
        if op == "svdvals":
            perr = [float(np.max(np.abs(np.asarray(P) - ref["svd64"].s))) for P in paths]
        elif op == "matmul":
            perr = [float(np.linalg.norm(np.asarray(P) - ref["value64"])) for P in paths]
        else:
            perr = [abs(float(np.asarray(P).reshape(())) - float(ref["value"])) for P in paths]
        cap = max(prob, PATH_FACTOR * max(perr)) + bound
        det.update(reference_path_errors=perr, allowed_by_reference_paths=cap)
        if err <= cap:
            return Judgement("ok", err, cap, "", det)
        return Judgement("fail", err, cap, f"error exceeds the probabilistic allowance {prob:.3g} and {PATH_FACTOR:g}× "
                         f"the worst of {len(perr)} rounding paths of matspec's reference at {self.prec.compute} "
                         f"({max(perr):.3g}) ({self._exact_summary(det)})", det)

    def _band_judge64(self, ref, Y64) -> Judgement:
        """The band contract at size, on the float64 tier (module judge64): the same two
        measures as :meth:`band_judge`, from a float64 SVD of A whose a-posteriori error e_σ
        must be ≤ 1/100 of what it judges."""
        from matspec.validate.judge64 import REFERENCE_SHARE, band_values, pair_buckets, tier_name
        from matspec.validate.reference import PATH_FACTOR, reference_outputs

        c, prec = self.contract, self.prec
        sv = ref["svd64"]
        Y = np.asarray(Y64, dtype=np.float64)
        m, n = ref["m"], ref["n"]
        r = min(m, n)
        s, e = sv.s, sv.e_sigma
        Eb = prec.u_c * sv.fro
        cut = max(c.floor_cut(s[0] + e, _fro_upper(sv.fro, m * n)), Eb)
        C = [i for i in range(r) if s[i] - e > cut]
        # LAPACK's σ are descending and e, cut one number each: C is the prefix 0..|C|−1
        X = list(range(len(C), r))
        det: dict = {"determined_directions": len(C), "exempt_or_undetermined_directions": len(X),
                     "reference_sigma_bound": e}
        round_allow, vacuous = self._band_rounding_allowance(r)
        if vacuous:
            det.update(allowed_out_of_band=round_allow, reference_tier=tier_name(False))
            return Judgement("undecided", None, None, vacuous, det)
        # the band values depend on span(V_C) only; it moves by ≤ e_σ/gap (Wedin), gap = the
        # distance of the determined σ from the rest — their error, relative: HI·2e_σ/gap.  What
        # they decide is whether each value lies in [LO, HI]: the band is the kernel's slack, so the
        # reference must be accurate to 1/100 of the band's half-width (and a value within the
        # reference's error of an edge is not decided either way)
        gap = (s[C[-1]] - (s[X[0]] if X else 0.0)) if C else 0.0
        ref_err = 2 * c.hi * e / gap if gap > 0 else math.inf
        slack = max((c.hi - c.lo) / 2, round_allow)
        det["reference_band_bound"] = ref_err
        if C and ref_err > REFERENCE_SHARE * slack:
            det["reference_tier"] = tier_name(False)
            return Judgement("undecided", None, None, f"reference not accurate enough: the band values' a-posteriori "
                             f"bound {ref_err:.3g} exceeds 1/100 of the band's half-width {slack:.3g}", det)
        d = band_values(sv, C, Y)
        if C and any(abs(x - edge) <= ref_err for x in d for edge in (c.lo, c.hi)):
            det["reference_tier"] = tier_name(False)
            return Judgement("undecided", None, None, f"an output σ lies within the reference's error {ref_err:.3g} of "
                             "a band edge: neither inside nor outside can be certified", det)
        lo_x = 0.0 if c.floor is not None else c.lo
        gaps = [max(c.lo - x, x - c.hi, 0.0) for x in d]
        # the rest: the output on the complement of the determined directions, σ in [lo_x, HI]
        sr = np.zeros(0)
        if X:  # (with every direction determined there is no rest to judge: 4 products and an eigvalsh saved)
            UC, VC = sv.U[:, C], sv.Vt[C, :].T
            Yd = dev.like(Y, sv.U)
            rest = Yd - UC @ (UC.T @ Yd)
            rest = rest - (rest @ VC) @ VC.T
            small = rest if rest.shape[0] <= rest.shape[1] else rest.T
            sr = np.sqrt(np.clip(dev.eigvalsh(small @ small.T), 0, None))[::-1][: len(X)]
        gaps += [max(lo_x - x, x - c.hi, 0.0) for x in sr]
        oob = math.sqrt(sum(g * g for g in gaps))
        det.update(output_sigma_on_input_vectors=[float(x) for x in d], output_sigma_exempt_block=[float(x) for x in sr],
                   out_of_band=oob, allowed_out_of_band=round_allow)
        if len(d):
            det["diag_range"] = [float(min(d)), float(max(d))]
            det["judged_sigma_over_sigma1"] = [float(s[C[-1]] / s[0]), float(s[C[0]] / s[0])]
            det["judged_x"] = [float(s[C[-1]] / sv.fro), float(s[C[0]] / sv.fro)]
            # the transfer curve's abscissae, paired with the band values (ascending, as eigvalsh
            # returns them: a cluster's values are not tied to one direction)
            det["x_of_directions"] = sorted(float(s[i] / sv.fro) for i in C)
        det["reference_tier"] = tier_name(False, ref_err, slack)
        if oob > round_allow:
            return Judgement("fail", oob, round_allow, f"singular values of the output outside the band [{c.lo:g}, {c.hi:g}] "
                             f"({self._output_summary(ref, det)})", det)
        kern = pair_buckets(sv.U, s, sv.Vt, C, Y)
        hint = self.params.get("_schedule_hint")
        paths = [P for P in reference_outputs(self.op, self.params, ref["args64"], prec, "band", schedule_hint=hint,
                                              large=True, engine=self.engine) if P is not None and np.all(np.isfinite(P))]
        pb = [pair_buckets(sv.U, s, sv.Vt, C, P) for P in paths]
        floor_m = prec.u * float(np.linalg.norm(Y))
        table, over = [], []
        for key in sorted(kern, key=lambda k_: (k_ == "mixed", k_ if k_ != "mixed" else 0)):
            meas = math.sqrt(kern[key])
            refmax = max((math.sqrt(b.get(key, 0.0)) for b in pb), default=0.0)
            allow = PATH_FACTOR * refmax + floor_m
            row = {"class": key if key == "mixed" else f"σ_min(pair) in (1e-{key + 1}, 1e-{key}]·σ₁",
                   "measured": meas, "reference_paths_max": refmax, "allowed": allow, "judged": True}
            table.append(row)
            if meas > allow:
                over.append((meas / allow if allow > 0 else math.inf, row))
        det.update(misalignment_classes=table, reference_paths=len(paths),
                   misalignment=math.sqrt(sum(kern.values())),
                   allowed_misalignment=math.sqrt(sum(r_["allowed"] ** 2 for r_ in table)))
        if over:
            _, row = max(over, key=lambda t: t[0])
            return Judgement("fail", row["measured"], row["allowed"],
                             f"output's singular vectors are not the input's: misalignment {row['measured']:.3g} in class "
                             f"{row['class']} > allowed {row['allowed']:.3g} ({PATH_FACTOR:g}× the worst of {len(paths)} "
                             f"rounding paths of matspec's reference at {prec.compute}) ({self._output_summary(ref, det)})", det)
        if len(C) > 1 and not paths:
            return Judgement("undecided", det["misalignment"], None, "no reference rounding path at this precision", det)
        return Judgement("ok", max(oob, det["misalignment"]), det["allowed_misalignment"], "", det)

    def judge(self, ref, Y64) -> Judgement:
        """Exact contract.  The error is compared with the probabilistic allowance P (every
        γ_k → λ√k·u, Higham & Mary, λ from the run's false-alarm budget) and the worst-case
        one W.  ≤ P: ok.  > W (finite): fails — rigorous.  In between, or W vacuous: P rests on
        an independence assumption that round-to-nearest on structured inputs can break, so the
        example is confirmed against R rounding paths of matspec's own reference at the same
        precision: ok if within K× the worst of them, fails otherwise; undecided where matspec
        has no reference at that precision."""
        if ref.get("tier") == "float64":
            return self._judge64(ref, Y64)
        j = self._judge_certified(ref, Y64)
        from matspec.validate.judge64 import tier_name

        j.detail.setdefault("reference_tier", tier_name(True))
        return j

    def _judge_certified(self, ref, Y64) -> Judgement:
        import mpmath

        from matspec.validate.reference import PATH_FACTOR, reference_outputs

        if self.op in BAND_OPS and self.contract.kind == "band":
            # the oracle's SVD is certified to ~1e-30 relative: negligible beside any allowance
            return self.band_judge(ref, Y64)
        if self.op == "cond" and float(np.asarray(Y64).reshape(())) == math.inf:
            # κ = ∞ is the right answer for a singular A — which no certificate can establish:
            # undecided where A may be singular, a failure where κ is certified finite
            if not mpmath.isfinite(ref["oracle_err"]):
                return Judgement("undecided", None, None, "returned κ = ∞ and A may be singular (the oracle cannot "
                                 "bound σ_min away from 0)", {"kernel": math.inf})
            with np.errstate(all="ignore"):
                _, why = self.allowed(ref)
            if why:  # κ ≳ 1/u: a backward-stable computation may meet a singular matrix nearby
                return Judgement("undecided", None, None, f"returned κ = ∞ where κ = {_fnum(ref['value']):.3g}: {why}",
                                 {"kernel": math.inf, "oracle": _fnum(ref["value"])})
            return Judgement("fail", math.inf, None, f"returned κ = ∞ for a nonsingular A (κ = "
                             f"{_fnum(ref['value']):.6g})", {"kernel": math.inf, "oracle": _fnum(ref["value"])})
        err, det = self.error(ref, Y64)
        oerr = ref["oracle_err"]
        with np.errstate(all="ignore"):  # bounds on 1e±300 inputs may overflow: then vacuous, said so
            prob, why_p = self.allowed(ref, lambda k: self.prec.gamma_prob(k, self.lam))
        if not mpmath.isfinite(oerr):
            return Judgement("undecided", _fnum(err), None, why_p or "oracle has no bound for this input", det)
        try:
            with np.errstate(all="ignore"):
                worst, why_w = self.allowed(ref)
        except OverflowError:
            worst, why_w = None, "worst-case bound overflows"
        det.update(allowed_probabilistic=prob, allowed_worst_case=worst, lam=self.lam)
        if why_p:
            return Judgement("undecided", _fnum(err), None, why_p, det)
        if err <= mpmath.mpf(prob) + oerr:
            return Judgement("ok", _fnum(err), prob, "", det)
        if not why_w and worst is not None and math.isfinite(worst) and err > mpmath.mpf(worst) + oerr:
            return Judgement("fail", _fnum(err), worst, f"error exceeds the worst-case bound ({self._exact_summary(det)})", det)
        paths = [P for P in reference_outputs(self.op, self.params, ref["args64"], self.prec, "exact")
                 if P is not None and np.all(np.isfinite(P))]
        if not paths:
            return Judgement("undecided", _fnum(err), None,
                             f"error {_fnum(err):.3g} is above the probabilistic allowance {prob:.3g} but not provably wrong "
                             f"(worst case {worst if worst is None else format(worst, '.3g')}), and matspec has no reference "
                             f"at {self.prec.compute} to confirm it", det)
        perr = [_fnum(self.error(ref, P)[0]) for P in paths]
        cap = max(prob, PATH_FACTOR * max(perr))
        det.update(reference_path_errors=perr, allowed_by_reference_paths=cap)
        if err <= mpmath.mpf(cap) + oerr:
            return Judgement("ok", _fnum(err), cap, "", det)
        return Judgement("fail", _fnum(err), cap,
                         f"error exceeds the probabilistic allowance {prob:.3g} and {PATH_FACTOR:g}× the worst of "
                         f"{len(perr)} rounding paths of matspec's reference at {self.prec.compute} ({max(perr):.3g}) "
                         f"({self._exact_summary(det)})", det)

    @staticmethod
    def _exact_summary(det: dict) -> str:
        """What the kernel returned beside what it should have (failure lines show values)."""
        if "kernel" in det and "oracle" in det:
            at = f"{det.get('what', 'σ')}_{det['worst_index'] + 1}: " if "worst_index" in det else ""
            return f"{at}kernel {det['kernel']:.6g}, oracle {det['oracle']:.6g}"
        if "oracle_norm" in det:
            return f"‖reference‖_F = {det['oracle_norm']:.3g}"
        return "see detail"
