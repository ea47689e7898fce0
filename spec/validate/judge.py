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
from typing import Any, Optional

import numpy as np

from matspec.validate.contracts import Contract
from matspec.validate.dtypes import dtype_info
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

    def __init__(self, op: str, params: dict, contract: Contract, dtype: str, out_dtype: str):
        self.op, self.params, self.contract = op, params, contract
        # The tolerance uses the coarser of the input and the declared output format: the
        # output cannot be more accurate than its own rounding.
        self.u = max(dtype_info(dtype)["u"], dtype_info(out_dtype)["u"])
        self.dtype = dtype

    # -- expected output shapes -----------------------------------------------------
    def out_shape(self, args64) -> tuple:
        return out_shape(self.op, [a.shape for a in args64])

    # -- oracle ---------------------------------------------------------------------
    def prepare(self, args64) -> dict:
        import mpmath

        from matspec import oracles as O
        from matspec.oracles import mp as OM

        A = _mp(args64[0])
        m, n = A.rows, A.cols
        ref: dict = {"m": m, "n": n, "fro": _mp_fro(A)}
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
        return ref

    # -- allowed errors ---------------------------------------------------------------
    def allowed(self, ref) -> tuple[Optional[float], str]:
        """(allowed error, '' | reason it is undecided).  Each bound is the one the NumPy
        backend's radii use (implementations/numpy_backend.py), with the kernel's u."""
        import mpmath

        from matspec.tolerance import abs_sum_rel, fro_rel, gamma, svd_backward_factor

        u, m, n, op = self.u, ref["m"], ref["n"], self.op
        r = min(m, n)
        fro = ref["fro"]
        mpf = mpmath.mpf
        E = mpf(svd_backward_factor(m, n, u)) * fro  # backward error of a Householder SVD
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
                return _fnum(lip * E + gamma(r + 4, u) * v + out_round), ""
            if kind == "kyfan":
                return _fnum(math.sqrt(k) * E + gamma(k, u) * v + out_round), ""  # Mirsky on k terms
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
            recon = (gamma(r + 1, u) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(r)
            tot = fwd + recon
            if tot >= 2 * math.sqrt(r):
                return None, f"bound vacuous: allowed error {mpmath.nstr(tot, 3)} ≥ 2‖Q‖_F (too ill-conditioned for this dtype)"
            return _fnum(tot), ""
        if op == "lowrank":
            k = self.params["k"]
            if k >= r:
                return _fnum(mpf(u) * fro), ""  # A itself: one rounding per entry
            if k == 0:
                return 0.0, ""
            s = ref["svd"][1]
            # Wedin: ‖(A+Δ)_k − A_k‖_F ≤ ‖Δ‖_F(1 + 2‖A‖₂/δ), δ = σ_k − σ_{k+1} − 2‖Δ‖ > 0;
            # no gap means A_k is not determined: undecided, not passed.
            delta = (s[k - 1] - s[k]) - 2 * E
            if delta <= 0:
                return None, f"best rank-{k} approximation not determined: σ_k − σ_(k+1) = {mpmath.nstr(s[k-1]-s[k], 3)} ≤ 2×SVD backward error"
            fwd = E * (1 + 2 * (s[0] + E) / delta)
            recon = (gamma(k + 1, u) + 2 * svd_backward_factor(m, n, u)) * math.sqrt(k) * s[0]
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
            recon = svd_recon_err(gamma(r + 1, u), r, top, m, n, u)
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
            return _fnum(mpf(gamma(n, u)) * fro * ref["fro_b"]), ""
        if op == "solve":
            # GEPP is backward stable: (A + ΔA)x̂ = b with |ΔA| ≤ γ_{3n}|L̂||Û| (Higham Thm 9.4)
            # and ‖|L̂||Û|‖∞ ≤ (1 + 2(n² − n)ρ_n)‖A‖∞ (Lemma 9.6); in the 2-norm (two factors
            # √n) ‖ΔA‖₂ ≤ n·γ_{3n}(1 + 2(n² − n)ρ_n)‖A‖₂.  The growth factor ρ_n is taken
            # ≤ n — true of the drawn and gallery inputs, not of Wilkinson's 2^{n−1} example.
            # Then x̂ − x = −A⁻¹ΔA x̂ gives ‖x̂ − x‖ ≤ η‖x‖/(1 − η), η = ‖A⁻¹‖₂‖ΔA‖₂.
            eta = mpf(n * gamma(3 * n, u) * (1 + 2 * (n * n - n) * n)) * fro * ref["fro_inv"]
            if eta >= 1:
                return None, f"bound vacuous: ‖A⁻¹‖·‖ΔA‖ = {mpmath.nstr(eta, 3)} ≥ 1 (κ ≳ 1/u)"
            xn = _mp_fro(ref["value"])
            return _fnum(eta * xn / (1 - eta) + mpf(u) * xn), ""  # + the result's own rounding
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
        if op == "norm":
            y = float(np.asarray(Y64).reshape(()))
            return abs(mpmath.mpf(y) - ref["value"]), {"kernel": y, "oracle": _fnum(ref["value"])}
        if self.contract.kind == "band":
            return self._band_distance(ref, Y64)
        Y = _mp(np.atleast_2d(Y64) if Y64.ndim else Y64.reshape(1, 1))
        R = ref["value"]
        if op == "solve" and Y.rows != R.rows:
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
            cut = max((c.floor or 0) * (s[0] + sb[0]), mpmath.mpf(Eb))
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

    def band_judge(self, ref, Y64) -> Judgement:
        """Band contract.  Model of the kernel: P dependent products (inner dimension ≤
        max(m, n)) on factors of spectral norm ≤ HI, each moving the result by at most
        γ_{max(m,n)+2}·HI·‖·‖_F (Higham §3.5, +2 for the scaled additions of a polynomial
        step); to first order these add: g = γ_{P(max(m,n)+2)}(u).  So
        * out of band (the delivered σ on the input's vectors, and the exempt block's σ):
          allowed g·HI·√r — the band itself is the kernel's slack;
        * misalignment (off-diagonal and cross blocks): the same plus the sensitivity of
          the singular subspaces to a backward error Eb = g‖A‖_F, which (Li & Sun, as for
          the polar factor, scaled by HI) moves U D Vᵀ by ≤ √3·HI·Eb/σ_min(C).  Directions
          with σ_i ≤ Eb are undetermined at this dtype: their vectors are free, their σ not."""
        import mpmath

        from matspec.tolerance import gamma

        c = self.contract
        m, n = ref["m"], ref["n"]
        r = min(m, n)
        g = gamma(c.products * (max(m, n) + 2), self.u)
        Eb = g * ref["fro"]
        dist, det = self._band_distance(ref, Y64, Eb)
        smin = det.pop("_smin_C")
        round_allow = g * c.hi * math.sqrt(r)
        align_allow = round_allow + (_fnum(mpmath.sqrt(3) * c.hi * Eb / smin) if smin is not None else 0.0)
        det.update(allowed_out_of_band=round_allow, allowed_misalignment=align_allow)
        parts = [(det["out_of_band"], round_allow, "singular values of the output outside the band"),
                 (det["misalignment"], align_allow, "output's singular vectors are not the input's")]
        bad = [(x, a, why) for x, a, why in parts if x > a]
        worst = max(parts, key=lambda t: t[0] / t[1] if t[1] > 0 else (math.inf if t[0] > 0 else 0))
        if bad:
            x, a, why = max(bad, key=lambda t: t[0] / t[1] if t[1] > 0 else math.inf)
            return Judgement("fail", x, a, f"{why} (error exceeds the allowed bound)", det)
        if align_allow >= 2 * c.hi * math.sqrt(r):
            return Judgement("undecided", worst[0], None, "singular vectors not determined at this dtype (allowed misalignment vacuous)", det)
        return Judgement("ok", worst[0], worst[1], "", det)

    def judge(self, ref, Y64) -> Judgement:
        import mpmath

        if self.op in BAND_OPS and self.contract.kind == "band":
            # the oracle's SVD is certified to ~1e-30 relative: negligible beside any allowance
            return self.band_judge(ref, Y64)
        err, det = self.error(ref, Y64)
        oerr = ref["oracle_err"]
        allowed, why = self.allowed(ref)

        if not mpmath.isfinite(oerr):
            return Judgement("undecided", _fnum(err), None, why or "oracle has no bound for this input", det)
        if why:
            return Judgement("undecided", _fnum(err), None, why, det)
        ok = err <= mpmath.mpf(allowed) + oerr
        return Judgement("ok" if ok else "fail", _fnum(err), allowed, "" if ok else "error exceeds the allowed bound", det)

