"""More planted wrong implementations (004 §1–3 claims): realistic slips in vector norms
and the Frobenius norm.  Discovered by tests/test_planted.py through ``_Planted``'s
subclasses."""
from __future__ import annotations

import numpy as np

from matspec.values import Val

from planted import _Planted


class VnormOneWithoutAbs(_Planted):
    """‖x‖₁ computed as np.sum(x): the absolute value forgotten (right for x ≥ 0 only)."""

    bug = "vnorm_one_without_abs"

    def vnorm(self, x, p):
        good = super().vnorm(x, p)
        if p == 1:
            return Val(float(np.sum(x.data[:, 0])), good.rad)
        return good


class VnormInfWithoutAbs(_Planted):
    """‖x‖_∞ computed as np.max(x) instead of np.max(np.abs(x))."""

    bug = "vnorm_inf_without_abs"

    def vnorm(self, x, p):
        good = super().vnorm(x, p)
        if p == np.inf:
            return Val(float(np.max(x.data[:, 0])), good.rad)
        return good


class FrobeniusIsSpectral(_Planted):
    """‖A‖_F computed as np.linalg.norm(A, 2): for a 2-D array ord=2 is the spectral norm,
    not the '2-norm of the entries' the author meant (equal only for rank ≤ 1)."""

    bug = "frobenius_is_spectral"

    def norm(self, A, kind, p=None, k=None):
        if kind == "fro":
            good = super().norm(A, kind)
            return Val(float(np.linalg.norm(A.data, 2)), good.rad)
        return super().norm(A, kind, p, k)


class VnormTwoIsRMS(_Planted):
    """‖x‖₂ computed as np.sqrt(np.mean(x**2)) — the RMS (mean, not sum), a classic mix-up
    between the 2-norm and the root-mean-square value."""

    bug = "vnorm_two_is_rms"

    def vnorm(self, x, p):
        good = super().vnorm(x, p)
        if p == 2:
            return Val(float(np.sqrt(np.mean(x.data[:, 0].astype(np.float64) ** 2))), good.rad)
        return good
