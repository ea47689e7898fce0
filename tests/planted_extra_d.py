"""Planted wrong implementations for the linear-systems and SVD-fact claims (seeds 000, 001,
003, 004 §7.2–8.4).  Same rules as tests/planted.py: realistic bugs, never "×2"; each keeps
the honest radius, so a wrong answer is a confident wrong answer."""
from __future__ import annotations

import numpy as np

from matspec.implementations.base import CVal, Mat
from matspec.values import Val

from planted import _Planted


class SolveTransposed(_Planted):
    """Solves Aᵀx = b: a row-major array handed to a column-major LAPACK routine without
    the transpose flag (the classic C/Fortran layout bug)."""

    bug = "solve_transposed"

    def solve(self, A, b):
        good = super().solve(A, b)
        return Mat(np.linalg.solve(A.data.T, b.data), good.err, good.shape)


class SolveFloat32Lapack(_Planted):
    """A float64 system solved by single-precision LAPACK (sgesv after an implicit downcast),
    the result returned as float64 with float64 radii."""

    bug = "solve_float32_lapack"

    def solve(self, A, b):
        good = super().solve(A, b)
        with np.errstate(all="ignore"):
            x = np.linalg.solve(A.data.astype(np.float32), b.data.astype(np.float32)).astype(np.float64)
        return Mat(x, good.err, good.shape)


class EigvalsUsesEigvalsh(_Planted):
    """General eigenvalues taken from the symmetric solver: numpy.linalg.eigvalsh reads only
    the lower triangle, so a non-symmetric A silently gets the eigenvalues of a different
    (symmetric) matrix."""

    bug = "eigvals_uses_eigvalsh"

    def eigvals(self, A):
        good = super().eigvals(A)
        w = np.linalg.eigvalsh(A.data)
        return [CVal(float(x), 0.0, g.rad) for x, g in zip(w, good)]


class EigvalshIsSvdvals(_Planted):
    """Eigenvalues of a symmetric matrix taken as its singular values ('for symmetric
    matrices they are the same') — true only for PSD matrices: signs are lost."""

    bug = "eigvalsh_is_svdvals"

    def eigvalsh(self, A):
        good = super().eigvalsh(A)
        s = np.linalg.svd(A.data, compute_uv=False)
        return [Val(float(x), g.rad) for x, g in zip(s, good)]
