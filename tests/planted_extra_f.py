"""Planted wrong implementations for the claims of issue 3's last pieces (004 §7.3 norm dependence,
§4.2/§7.5 power iteration)."""
from __future__ import annotations

import numpy as np

from matspec.implementations.base import Mat

from planted import _Planted


class InvTransposed(_Planted):
    """A⁻¹ returned transposed — a row/column-major slip in a hand-written inverse (the LAPACK result
    read back in the other layout): right only when A⁻¹ is symmetric."""

    bug = "inv_transposed"

    def inv(self, A):
        good = super().inv(A)
        return Mat(np.ascontiguousarray(good.data.T), good.err, good.shape)


class ScaleOnlyTopSingular(_Planted):
    """c·A rescaled through the SVD with the factor applied to σ₁ alone (`s[:1] *= c` for `s *= c`): the
    "spectral clipping shrinks the largest singular value" reading coded as the rescale.  It shrinks the
    leading component and keeps the others unchanged: right only when A has rank <= 1 (or c = 1)."""

    bug = "scale_only_top_singular"

    def scale(self, c, A):
        good = super().scale(c, A)
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        s = s.copy()
        s[:1] *= c
        return Mat((U * s) @ Vt, good.err, good.shape)
