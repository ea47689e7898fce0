"""The oracle's op set: the same interface and semantics as the NumPy backend, evaluated
in mpmath at working precision, with every radius taken from a certificate of
:mod:`matspec.oracles.mp` plus the propagation of the inputs' ``Mat.err``.

A ``Mat`` here holds an ``mpmath.matrix`` (entries at working precision) and ``err``, an
*mpf* bound on the Frobenius distance to the exact object (mpf, not float: at scales of
1e±150 the bounds' products would underflow or overflow in float64).  Radii may be
infinite: that means "undecided" (no forward bound exists, e.g. a truncated SVD without
a gap), never a pass.  A failed certificate raises
:class:`~matspec.implementations.base.OracleRefused`.
"""
from __future__ import annotations


import mpmath

from matspec.implementations.base import (
    INDUCED_PQ,
    CVal,
    Domain,
    Mat,
    OpSet,
    check_norm_args,
)
from matspec.inputs import InputError, Spec
from matspec.tolerance import norm_lipschitz_in_fro
from matspec.values import Val

from . import mp as O


def _fro(M):
    return O._fro(M)


class OracleOps(OpSet):
    id = "oracle"
    level = "math"
    dtype = "mpmath"

    def __init__(self, digits: int = O.DEFAULT_DIGITS):
        self.digits = digits
        self.dps = O.working_dps(digits)

    def domain(self, profile: str) -> Domain:
        # The oracle is pure Python: cost grows like n³ at 60 digits (SVD n = 8 ≈ 0.07 s,
        # n = 24 ≈ 1.5 s).  Scales: mpmath has no overflow, the range matches float64's
        # so the oracle can judge every float64 input a strategy draws.
        return Domain(max_dim=24 if profile == "large" else 8, log10_scale=(-150, 150))

    # -- helpers ----------------------------------------------------------------------
    def _eps(self):
        with mpmath.workdps(self.dps):
            return +mpmath.mp.eps

    def _mpf(self, c):
        with mpmath.workdps(self.dps):
            return O._to_real(c, "scalar")

    # -- materialisation ----------------------------------------------------------
    def mat(self, spec) -> Mat:
        if isinstance(spec, Spec):
            X = spec.to_mp(self.dps)
            with mpmath.workdps(self.dps):
                # Specs are exact up to the roundings of their construction at dps digits
                # (a few reflector applications): 10^(−dps+5)·‖A‖_F covers them.
                err = mpmath.mpf(10) ** (-self.dps + 5) * _fro(X)
            return Mat(X, err, (X.rows, X.cols))
        if isinstance(spec, Mat):
            raise InputError("already a Mat; pass the spec or the raw array")
        X = O.as_mp_matrix(spec)  # exact: floats are dyadic rationals
        return Mat(X, mpmath.mpf(0), (X.rows, X.cols))

    def identity(self, n: int) -> Mat:
        with mpmath.workdps(self.dps):
            return Mat(mpmath.eye(n), mpmath.mpf(0), (n, n))

    # -- matrix ops ----------------------------------------------------------------
    def matmul(self, A: Mat, B: Mat) -> Mat:
        if A.n != B.m:
            raise InputError(f"matmul shape mismatch {A.shape} @ {B.shape}")
        with mpmath.workdps(self.dps):
            C = A.data * B.data
            fa, fb = _fro(A.data), _fro(B.data)
            # ‖fl(ÂB̂) − AB‖ ≤ γ_k‖Â‖_F‖B̂‖_F + ‖Â‖‖B̂ − B‖ + ‖Â − A‖‖B‖
            err = O._gamma(A.n, self._eps()) * fa * fb + fa * B.err + A.err * (fb + B.err)
            return Mat(C, err, (C.rows, C.cols))

    def add(self, A: Mat, B: Mat) -> Mat:
        if A.shape != B.shape:
            raise InputError(f"add shape mismatch {A.shape} + {B.shape}")
        with mpmath.workdps(self.dps):
            C = A.data + B.data
            return Mat(C, A.err + B.err + self._eps() * _fro(C), A.shape)

    def scale(self, c, A: Mat) -> Mat:
        with mpmath.workdps(self.dps):
            cm = self._mpf(c)  # exact (a float is a dyadic rational)
            C = A.data * cm
            return Mat(C, abs(cm) * A.err + self._eps() * _fro(C), A.shape)

    def transpose(self, A: Mat) -> Mat:
        return Mat(A.data.T, A.err, (A.n, A.m))

    def _svd(self, A: Mat):
        r = O.svd(A.data, self.digits)
        # E: Frobenius distance from the exact A to B = Ũ diag(S) Ṽᵀ, whose exact SVD we
        # hold up to the orthonormality defects (see mp._svd_compute).
        return r, r.sigma_bounds[0] + A.err

    def _recon_err(self, r, t_top, k):
        """‖fl(U_k diag(t) Vt_k) − Ũ_k diag(t) Ṽ_kᵀ‖_F: the factors' orthonormality defects
        (‖U − Ũ‖_F ≤ ηU, ‖Vt − Ṽᵀ‖_F ≤ ηV, ‖Vt‖₂ ≤ 1 + ηV) times t_top, plus rounding of
        products of length k on factors with Frobenius norms ≤ √k(1 + η)."""
        eps = self._eps()
        with mpmath.workdps(self.dps):
            orth = r.eta_u * (1 + r.eta_v) + r.eta_v
            return t_top * (orth + O._gamma(k + 1, eps) * k * (1 + r.eta_u) * (1 + r.eta_v))

    def lowrank(self, A: Mat, k: int) -> Mat:
        rmin = min(A.shape)
        if isinstance(k, bool) or not (isinstance(k, int) and k >= 0):
            raise InputError(f"rank k must be a non-negative integer, got {k!r}")
        if k >= rmin:
            return Mat(A.data.copy(), A.err, A.shape)
        if k == 0:
            with mpmath.workdps(self.dps):
                return Mat(mpmath.zeros(A.m, A.n), mpmath.mpf(0), A.shape)
        r, E = self._svd(A)
        U, s, Vt, _ = r
        with mpmath.workdps(self.dps):
            Uk = U[:, :k]
            Ak = O._scale_cols(Uk, s[:k]) * Vt[:k, :]
            # Wedin: ‖(A+Δ)_k − A_k‖_F ≤ ‖Δ‖_F (1 + 2‖A‖₂/δ), δ = σ_k − σ_{k+1} − 2‖Δ‖ > 0
            # (each S_i is uncertain by E).  No gap: infinite radius (undecided).
            delta = (s[k - 1] - s[k]) - 2 * E
            fwd = E * (1 + 2 * (s[0] + E) / delta) if delta > 0 else mpmath.inf
            return Mat(Ak, fwd + self._recon_err(r, s[0], k), A.shape)

    def svt(self, A: Mat, lam) -> Mat:
        if not (lam >= 0):
            raise InputError(f"threshold lambda must be >= 0, got {lam!r}")
        r, E = self._svd(A)
        U, s, Vt, _ = r
        with mpmath.workdps(self.dps):
            lm = self._mpf(lam)
            t = [max(si - lm, mpmath.mpf(0)) for si in s]
            X = O._scale_cols(U, t) * Vt
            # The prox of a convex function (λ‖·‖_*) is nonexpansive in ‖·‖_F: the exact
            # SVT moves by at most E; plus the subtraction's rounding (eps per σ) and the
            # reconstruction.
            err = E + self._eps() * mpmath.sqrt(len(s)) * s[0] + self._recon_err(r, t[0], len(s))
            return Mat(X, err, A.shape)

    def polar(self, A: Mat) -> Mat:
        Q, fwd, recon, _ = O._polar_parts(A.data, self.digits, extra_err=A.err)
        # Rank deficient within the certificate: fwd is infinite (undecided), not refused.
        with mpmath.workdps(self.dps):
            return Mat(Q, fwd + recon, A.shape)

    def mclip(self, A: Mat, lo: float, hi: float) -> Mat:
        """U clip(Σ) Vᵀ from the certified SVD, bounded like ``polar`` (mp._polar_parts): B = ŨΣ̂Ṽᵀ
        with exactly orthonormal Ũ, Ṽ is within E of the exact A; clip's matrix Lipschitz constant
        carries E; the computed factors' orthogonality defects bound the reconstruction."""
        from matspec.implementations.base import check_clip_interval, mclip_lipschitz_factor

        check_clip_interval(lo, hi)
        r = O.svd(A.data, self.digits)
        U, S, Vt, _ = r
        k = len(S)
        with mpmath.workdps(self.dps):
            lo_m, hi_m = self._mpf(lo), self._mpf(hi)
            t = [min(max(x, lo_m), hi_m) for x in S]
            X = U * mpmath.diag(t) * Vt
            E = r.sigma_bounds[0] + A.err
            L = mclip_lipschitz_factor(lo, float(S[-1] - E))
            top = max(abs(x) for x in t) if t else mpmath.mpf(0)
            eps = self._eps()
            recon = (r.eta_u * (1 + r.eta_v) + r.eta_v + O._gamma(k + 1, eps) * k * (1 + r.eta_u + r.eta_v)
                     + eps * mpmath.sqrt(k)) * top
            return Mat(X, mpmath.mpf(L) * E + recon, A.shape)

    def newton_schulz(self, A: Mat, schedule, steps=None, normalise=True) -> Mat:
        """The schedule's iteration in exact-coefficient mpmath arithmetic at working precision:
        this *is* the mathematical object (the polynomial acts on the singular values), up to
        roundings of relative size eps per operation, bounded like a float run with u = eps."""
        from fractions import Fraction

        from matspec.implementations import newton_schulz as ns

        s = ns.get_schedule(schedule)
        with mpmath.workdps(self.dps):
            rows = s.mp_coeffs()[: steps if steps is not None else None]
            tall = A.m > A.n
            X = A.data.T if tall else A.data
            nrm = _fro(X)
            if normalise:
                if nrm == 0:
                    return Mat(mpmath.zeros(A.m, A.n), A.err, A.shape)
                X = X / (self._mpf(float(Fraction(s.safety))) if s.safety == "1" else
                         mpmath.mpf(Fraction(s.safety).numerator) / Fraction(s.safety).denominator) / nrm
            norms = []
            for a, b, c in rows:
                f = float(_fro(X))
                norms.append((f, f))  # ‖X‖₂ <= ‖X‖_F: loose, harmless at the oracle's eps
                G = X * X.T
                B = G * b + (G * G) * c
                X = X * a + B * X
            f = float(_fro(X))
            norms.append((f, f))
            out = X.T if tall else X
            # The oracle's coefficients are the exact decimals; its roundings are bounded by the
            # same derivation as a float run, with u = eps = 2^(1−prec).
            e = ns.forward_error_bound(s, A.m, A.n, float(self._eps()), norms, float(nrm), float(A.err),
                                       steps=steps, normalise=normalise)
            return Mat(out, mpmath.mpf(e), A.shape)

    # -- scalar ops ------------------------------------------------------------------
    def svdvals(self, A: Mat) -> list[Val]:
        r = O.svdvals(A.data, self.digits)
        with mpmath.workdps(self.dps):
            return [Val(si, bi + A.err) for si, bi in zip(r[0], r.sigma_bounds)]

    def eigvalsh(self, A: Mat) -> list[Val]:
        if A.m != A.n:
            raise InputError(f"eigvalsh needs a square matrix, got {A.shape}")
        vals, bound = O.eigvalsh(A.data, self.digits)
        # Weyl on symmetric matrices; a symmetric reading of Â is within √2‖Â − A‖_F of A.
        with mpmath.workdps(self.dps):
            E = bound + mpmath.sqrt(2) * A.err
        return [Val(x, E) for x in vals]

    def norm(self, A: Mat, kind: str, p=None, k=None) -> Val:
        check_norm_args(kind, p, k, A.shape)
        v, bound = O.norm(A.data, kind, p=p, k=k, digits=self.digits)
        with mpmath.workdps(self.dps):
            prop = mpmath.mpf(norm_lipschitz_in_fro(kind, A.m, A.n, p, k)) * A.err
            return Val(v, bound + prop)

    def trace(self, A: Mat) -> Val:
        n = min(A.shape)
        with mpmath.workdps(self.dps):
            d = [A.data[i, i] for i in range(n)]
            v = mpmath.fsum(d)
            err = O._gamma(n, self._eps()) * mpmath.fsum(abs(x) for x in d) + mpmath.sqrt(n) * A.err
            return Val(v, err)

    def inner(self, A: Mat, B: Mat) -> Val:
        if A.shape != B.shape:
            raise InputError(f"inner product shape mismatch {A.shape} vs {B.shape}")
        with mpmath.workdps(self.dps):
            prods = [A.data[i, j] * B.data[i, j] for i in range(A.m) for j in range(A.n)]
            v = mpmath.fsum(prods)
            fa, fb = _fro(A.data), _fro(B.data)
            absdot = mpmath.fsum(abs(x) for x in prods)
            err = O._gamma(A.m * A.n, self._eps()) * absdot + fa * B.err + A.err * (fb + B.err)
            return Val(v, err)

    def vnorm(self, x: Mat, p) -> Val:
        if x.n != 1:
            raise InputError(f"vnorm expects a column vector, got shape {x.shape}")
        v, bound = O.vnorm(x.data, p, digits=self.digits)
        # ‖x‖_p is monotone in each |x_i| and every |x_i| is within e = x.err of its
        # computed value, so the exact value lies in [‖(|x̂|−e)₊‖_p, ‖|x̂|+e‖_p].
        with mpmath.workdps(self.dps):
            e = x.err
            a = [abs(x.data[i, 0]) for i in range(x.m)]
            if not mpmath.isfinite(e):
                # an unbounded input error (e.g. lowrank without a gap): undecided, not an error
                sens = mpmath.inf
            elif e > 0:
                lo, blo = O.vnorm([max(t - e, mpmath.mpf(0)) for t in a], p, digits=self.digits)
                hi, bhi = O.vnorm([t + e for t in a], p, digits=self.digits)
                sens = max(hi + bhi - v, v - (lo - blo), mpmath.mpf(0))
            else:
                sens = mpmath.mpf(0)
            return Val(v, sens + bound)

    def induced(self, A: Mat, p: str, q: str) -> Val:
        if p not in INDUCED_PQ or q not in INDUCED_PQ:
            raise InputError(f"induced norm p, q must be in {INDUCED_PQ}, got {p}->{q}")
        v, bound = O.induced(A.data, p, q, digits=self.digits)
        with mpmath.workdps(self.dps):
            # ‖E‖_{p→q} ≤ √(mn)‖E‖_F for p, q ∈ {1, 2, ∞}.
            return Val(v, bound + mpmath.sqrt(A.m * A.n) * A.err)

    def entry(self, A: Mat, i: int, j: int) -> Val:
        return Val(A.data[i, j], A.err)

    # -- linear systems and general eigenvalues ---------------------------------------
    def _inv_norm_bound(self, A: Mat):
        """‖A⁻¹‖₂ for the exact A, bounded through σ_min: the oracle's certified σ_min of the
        data minus its bound and A.err (Weyl).  None when A may be singular."""
        r = O.svdvals(A.data, self.digits)
        with mpmath.workdps(self.dps):
            lo = r[0][-1] - r.sigma_bounds[-1] - A.err
            return 1 / lo if lo > 0 else None

    def solve(self, A: Mat, b: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"solve needs a square matrix, got {A.shape}")
        if b.m != A.n:
            raise InputError(f"solve shape mismatch: A is {A.shape}, b is {b.shape}")
        inv_norm = self._inv_norm_bound(A)
        if inv_norm is None:
            # singular (or singular within the certificate): no solution to certify — undecided
            with mpmath.workdps(self.dps):
                return Mat(mpmath.zeros(b.m, b.n), mpmath.inf, b.shape)
        x, bound = O.solve(A.data, b.data, self.digits)
        with mpmath.workdps(self.dps):
            # the exact system differs from the data by A.err, b.err:
            # A⁻¹b − Â⁻¹b̂ = A⁻¹((Â − A)Â⁻¹b̂ + (b − b̂)), so add ‖A⁻¹‖₂(A.err‖x‖_F + b.err) (x within bound).
            err = bound + inv_norm * (A.err * (_fro(x) + bound) + b.err)
            return Mat(x, err, b.shape)

    def inv(self, A: Mat) -> Mat:
        if A.m != A.n:
            raise InputError(f"inv needs a square matrix, got {A.shape}")
        inv_norm = self._inv_norm_bound(A)
        if inv_norm is None:
            with mpmath.workdps(self.dps):
                return Mat(mpmath.zeros(A.n, A.n), mpmath.inf, A.shape)
        X, bound = O.inv(A.data, self.digits)
        with mpmath.workdps(self.dps):
            # A⁻¹ − Â⁻¹ = A⁻¹(Â − A)Â⁻¹: ‖·‖_F <= ‖A⁻¹‖₂ A.err ‖Â⁻¹‖₂
            err = bound + inv_norm * A.err * (_fro(X) + bound)
            return Mat(X, err, A.shape)

    def eigvals(self, A: Mat) -> list[CVal]:
        if A.m != A.n:
            raise InputError(f"eigvals needs a square matrix, got {A.shape}")
        n = A.n
        vals, bounds = O.eig(A.data, self.digits)  # 1×1: the entry, exactly (mp.eig); Elsner below gives A.err
        with mpmath.workdps(self.dps):
            extra = mpmath.mpf(0)
            if A.err > 0:
                # The data is within A.err of the exact A.  Eigenvalues of a non-normal matrix are
                # only Hölder-continuous: by Elsner's theorem (matching form, Bhatia, Matrix Analysis
                # VIII.1) the eigenvalues of A and Â can be paired with
                # |λ_i − λ̂_π(i)| <= (2n − 1)(‖A‖₂ + ‖Â‖₂)^(1−1/n) ‖A − Â‖₂^(1/n).
                nrm = 2 * _fro(A.data) + A.err
                extra = (2 * n - 1) * nrm ** (1 - mpmath.mpf(1) / n) * A.err ** (mpmath.mpf(1) / n)
            return [CVal(v.real, v.imag, bnd + extra) for v, bnd in zip(vals, bounds)]

    # -- cond, least squares, Tikhonov, power iteration, HiPPO-LegS ---------------------------
    def cond(self, A: Mat, p: str = "2") -> Val:
        """κ₂ from the certified SVD: each S_i is within its bound plus A.err of σ_i(A) (Weyl), so
        κ₂ lies in [(S₁ − E₁)/(S_n + E_n), (S₁ + E₁)/(S_n − E_n)].  κ_1, κ_∞, κ_F: ‖A‖_p·‖A⁻¹‖_p
        with the oracle's norm and inverse (their radii include A.err).  A possibly singular A
        (the certificate does not exclude σ_min = 0): Val(0, ∞), undecided."""
        from matspec.implementations.base import check_cond_kind

        check_cond_kind(p)
        if p != "2" and A.m != A.n:
            raise InputError(f"cond({p}) needs a square matrix, got {A.shape}")
        if p == "2":
            r = O.svdvals(A.data, self.digits)
            s, b = r[0], r.sigma_bounds
            with mpmath.workdps(self.dps):
                E1, En = b[0] + A.err, b[-1] + A.err
                if not s[-1] - En > 0:
                    return Val(0, mpmath.inf)
                mid = s[0] / s[-1]
                hi = (s[0] + E1) / (s[-1] - En)
                lo = (s[0] - E1) / (s[-1] + En)
                # three divisions at working precision: 4·eps relative each way
                return Val(mid, max(hi - mid, mid - lo) + 4 * self._eps() * hi)
        X = self.inv(A)
        if not mpmath.isfinite(X.err):
            return Val(0, mpmath.inf)
        return self.norm(A, p) * self.norm(X, p)

    def _lstsq_mp(self, Amp, b: Mat, a_err) -> tuple:
        """(x, radius) for the minimum-norm least-squares solution of the exact A (within a_err of
        Amp, Frobenius) and b, from the certified SVD Amp ≈ Ũ diag(S) Ṽᵀ = B.

        * B⁺b̂ = Ṽ diag(1/S) Ũᵀb̂ exactly; the computed x = Vtᵀ diag(1/S) Uᵀb̂ uses the computed
          factors, within ηU, ηV of orthonormal ones: ‖x − B⁺b̂‖ <= (ηV(1 + ηU) + ηU)‖b̂‖/S_min,
          plus the products' rounding γ_{m+n+2}(1 + ηU)(1 + ηV)·r‖b̂‖/S_min (Frobenius factors √r).
        * Wedin (radii.lstsq_radius): ‖B − A‖_F <= E = bound + a_err, σ_min(B) = S_min, so
          σ_min(A) >= S_min − E: ‖(B⁺ − A⁺)b‖ <= μE‖b‖/(S_min(S_min − E)); b's own error b.err is
          carried by ‖A⁺‖₂ <= 1/(S_min − E).  S_min <= E: A may be rank deficient, no bound."""
        from matspec.implementations.radii import WEDIN_MU

        r = O.svd(Amp, self.digits)
        U, S, Vt, _ = r
        m, n = Amp.rows, Amp.cols
        k = len(S)
        with mpmath.workdps(self.dps):
            E = r.sigma_bounds[0] + a_err
            smin = S[-1]
            if not smin - E > 0:
                return mpmath.zeros(n, b.n), mpmath.inf
            y = U.T * b.data
            for i in range(k):
                for j in range(b.n):
                    y[i, j] = y[i, j] / S[i]
            x = Vt.T * y
            fb = _fro(b.data)
            eta = r.eta_v * (1 + r.eta_u) + r.eta_u
            rnd = O._gamma(m + n + 2, self._eps()) * (1 + r.eta_u) * (1 + r.eta_v) * k
            gap = smin - E
            err = ((eta + rnd) * fb / smin + mpmath.mpf(WEDIN_MU) * E * (fb + b.err) / (smin * gap)
                   + b.err / gap)
            return x, err

    def lstsq(self, A: Mat, b: Mat) -> Mat:
        if b.m != A.m:
            raise InputError(f"lstsq shape mismatch: A is {A.shape}, b is {b.shape}")
        x, err = self._lstsq_mp(A.data, b, A.err)
        return Mat(x, err, (A.n, b.n))

    def tikhonov_solve(self, A: Mat, b: Mat, lam) -> Mat:
        """The least-squares solution of [A; √λ I]x ≈ [b; 0], which is (AᵀA + λI)⁻¹Aᵀb exactly;
        √λ at working precision is within eps·√λ of the exact one (√n of them in Frobenius)."""
        from matspec.implementations.base import check_lam

        lam = check_lam(lam)
        if b.m != A.m:
            raise InputError(f"tikhonov_solve shape mismatch: A is {A.shape}, b is {b.shape}")
        m, n = A.shape
        with mpmath.workdps(self.dps):
            sl = mpmath.sqrt(self._mpf(lam))
            aug = mpmath.zeros(m + n, n)
            for i in range(m):
                for j in range(n):
                    aug[i, j] = A.data[i, j]
            for j in range(n):
                aug[m + j, j] = sl
            rhs = mpmath.zeros(m + n, b.n)
            for i in range(m):
                for j in range(b.n):
                    rhs[i, j] = b.data[i, j]
            a_err = A.err + self._eps() * sl * mpmath.sqrt(n)
        x, err = self._lstsq_mp(aug, Mat(rhs, b.err, (m + n, b.n)), a_err)
        return Mat(x, err, (n, b.n))

    def power_norm(self, A: Mat, iters: int, seed: int = 0) -> Val:
        """The power iteration of power_iteration.iterate at working precision, its rounding bounded
        by power_iteration.forward_error_bound with u = eps and S = the certified σ₁ + bound + A.err.
        The bound is evaluated on A/‖A‖_F (the iteration is scale invariant, the bound homogeneous)
        so that float64 evaluation of it neither under- nor overflows at scales 1e±150."""
        from matspec.implementations import power_iteration as pi
        from matspec.implementations.base import check_power_args

        check_power_args(iters, seed)
        m, n = A.shape
        with mpmath.workdps(self.dps):
            F = _fro(A.data)
            if F == 0:
                return Val(0, A.err)  # Av = 0 for every v: the estimate is ‖Av‖ <= A.err
            g = pi.start_vector(n, seed)
            v = mpmath.matrix([[mpmath.mpf(float(t))] for t in g])
            v = v / _fro(v)
            trace = []
            for _ in range(iters):
                z = A.data * v
                w = A.data.T * z
                nw = _fro(w)
                trace.append((float(_fro(v)), float(_fro(z) / F), float(nw / (F * F))))
                if nw == 0:
                    break
                v = w / nw
            z = A.data * v
            est = _fro(z)
            trace.append((float(_fro(v)), float(_fro(z) / F)))
            r = O.svdvals(A.data, self.digits)
            S = (r[0][0] + r.sigma_bounds[0] + A.err) / F
            e = pi.forward_error_bound(m, n, float(self._eps()), float(S) * (1 + 1e-15), 1.0, float(A.err / F) * (1 + 1e-15),
                                       trace, float(est / F))
            return Val(est, mpmath.mpf(e) * F * (1 + mpmath.mpf(10) ** -12))

    def hippo_legs(self, n: int) -> tuple[Mat, Mat]:
        """A and B at working precision: each entry a square root of an exact integer, correctly
        rounded to within eps relative (mpmath), so ‖Â − A‖_F <= eps‖Â‖_F·(1 + eps)."""
        from matspec.gallery import GallerySpec
        from matspec.implementations.base import check_hippo_n

        check_hippo_n(n)
        with mpmath.workdps(self.dps):
            A = GallerySpec("hippo_legs", n).to_mp(self.dps)
            B = mpmath.matrix([[mpmath.sqrt(2 * (2 * i + 1))] for i in range(n)])
            eps = self._eps()
            return (Mat(A, 2 * eps * _fro(A), (n, n)), Mat(B, 2 * eps * _fro(B), (n, 1)))


__all__ = ["OracleOps"]
