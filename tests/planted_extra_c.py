"""More planted wrong implementations, for the claims of 004 §8–9 (perturbation, ML norms).
Same rules as tests/planted.py: realistic bugs, never "×2"."""
from __future__ import annotations

import numpy as np

from matspec.values import Val

from planted import _Planted


class SpectralNormIsLambdaMax(_Planted):
    """‖S‖₂ of a square matrix taken as its largest eigenvalue λ_max (eigvalsh): 'for a symmetric
    matrix the spectral norm is the top eigenvalue' — true only for PSD matrices; an indefinite
    S with |λ_min| > λ_max is under-measured."""

    bug = "spectral_norm_is_lambda_max"

    def norm(self, A, kind, p=None, k=None):
        if kind == "2" and A.m == A.n:
            good = super().norm(A, kind)
            S = A.data.astype(np.float64)
            return Val(float(np.linalg.eigvalsh((S + S.T) / 2)[-1]), good.rad)
        return super().norm(A, kind, p, k)


class SvdvalsFloat32Lapack(_Planted):
    """Singular values of a float64 matrix computed by the single-precision LAPACK routine
    (an implicit downcast before sgesdd) and returned as float64 with float64 radii."""

    bug = "svdvals_float32_lapack"

    def svdvals(self, A):
        good = super().svdvals(A)
        with np.errstate(over="ignore"):  # the downcast overflows beyond float32's range, as the bug would
            s = np.linalg.svd(A.data.astype(np.float32), compute_uv=False).astype(np.float64)
        return [Val(float(x), g.rad) for x, g in zip(s, good)]
