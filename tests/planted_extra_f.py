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
