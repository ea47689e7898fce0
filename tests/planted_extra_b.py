"""More planted wrong implementations, for the claims of 004 §4–6 (induced, Schatten,
unitarily invariant norms).  Same rules as tests/planted.py: realistic bugs, never "×2"."""
from __future__ import annotations

import itertools

import numpy as np

from matspec.values import Val

from planted import _Planted


class InducedTwoToOneMissingTranspose(_Planted):
    """‖A‖_{2→1} by sign enumeration on A instead of Aᵀ: the duality ‖A‖_{2→1} = ‖Aᵀ‖_{∞→2}
    applied to the wrong side (it returns ‖A‖_{∞→2})."""

    bug = "induced_2to1_missing_transpose"

    def induced(self, A, p, q):
        if (p, q) == ("2", "1"):
            return super().induced(A, "inf", "2")
        return super().induced(A, p, q)


class SpectralNormDefaultOrd(_Planted):
    """‖A‖₂ as ``np.linalg.norm(A)``: for a 2-D array the default ord is Frobenius, not 2 —
    a classic slip when porting vector code to matrices."""

    bug = "spectral_norm_default_ord"

    def norm(self, A, kind, p=None, k=None):
        if kind == "2":
            good = super().norm(A, kind)
            return Val(float(np.linalg.norm(A.data)), good.rad)
        return super().norm(A, kind, p, k)

    def induced(self, A, p, q):
        if (p, q) == ("2", "2"):
            good = super().induced(A, p, q)
            return Val(float(np.linalg.norm(A.data)), good.rad)
        return super().induced(A, p, q)


class FrobeniusMissingRoot(_Planted):
    """‖A‖_F returned as Σ a_ij² (the squared norm used for weight decay, root forgotten)."""

    bug = "frobenius_missing_root"

    def norm(self, A, kind, p=None, k=None):
        if kind == "fro":
            good = super().norm(A, kind)
            return Val(float(np.sum(A.data.astype(np.float64) ** 2)), good.rad)
        return super().norm(A, kind, p, k)


class KyFanIsKthSingularValue(_Planted):
    """‖A‖_(k) returned as σ_k (the k-th singular value) rather than σ_1 + … + σ_k."""

    bug = "kyfan_is_kth_sigma"

    def norm(self, A, kind, p=None, k=None):
        if kind == "kyfan":
            good = super().norm(A, kind, k=k)
            s = np.linalg.svd(A.data, compute_uv=False)
            return Val(float(s[k - 1]), good.rad)
        return super().norm(A, kind, p, k)


class SvtThresholdNotScaled(_Planted):
    """Soft thresholding by λ/2: the prox of λ‖·‖_* derived for f(Y) = ‖Y − A‖_F² + λ‖Y‖_*
    (no ½ in front of the quadratic) — a factor lost in the derivation, not in the code."""

    bug = "svt_threshold_half"

    def svt(self, A, lam):
        return super().svt(A, lam / 2)


class InducedInfToInfUsesColumns(_Planted):
    """‖A‖_{∞→∞} from the columns (the 1→1 formula): an axis mix-up inside induced()."""

    bug = "induced_inf_uses_columns"

    def induced(self, A, p, q):
        if (p, q) == ("inf", "inf"):
            return super().induced(A, "1", "1")
        return super().induced(A, p, q)


class EnumerationSkipsLastSign(_Planted):
    """Sign enumeration for ∞→q over only the first n−1 coordinates (the last one fixed to
    +1 as well as the first): an off-by-one in the symmetry reduction ±s."""

    bug = "enumeration_fixes_last_sign"

    def induced(self, A, p, q):
        if p == "inf" and q in ("1", "2") and A.n >= 3:
            good = super().induced(A, p, q)
            X = A.data.astype(np.float64)
            n = A.n
            qn = {"1": 1, "2": 2}[q]
            best = 0.0
            for mid in itertools.product((1.0, -1.0), repeat=n - 2):
                s = np.array((1.0,) + mid + (1.0,))
                best = max(best, float(np.linalg.norm(X @ s, ord=qn)))
            return Val(best, good.rad)
        return super().induced(A, p, q)
