"""Planted wrong implementations for seed 002's msign, Newton–Schulz and mclip claims:
the slips a kernel author makes when writing these iterations."""
from __future__ import annotations

import numpy as np

from matspec.implementations import newton_schulz as ns
from matspec.implementations.base import Mat

from planted import _Planted


class NsDocMatrixForm(_Planted):
    """The document's matrix generalisation X ↦ aX + bX(XᵀX)X + cX(XᵀX)²X (square inputs)."""

    bug = "ns_doc_matrix_form"

    def newton_schulz(self, A, schedule, steps=None, normalise=True):
        good = super().newton_schulz(A, schedule, steps, normalise)
        s = ns.get_schedule(schedule)
        X = A.data / (np.linalg.norm(A.data) * float(s.safety)) if normalise else A.data.copy()
        if A.m != A.n:
            raise ValueError("X(XᵀX)X needs a square X")
        for a, b, c in s.float_coeffs()[: steps if steps is not None else None]:
            G = X.T @ X
            X = a * X + b * X @ G @ X + c * X @ G @ G @ X
        return Mat(X, good.err, A.shape)


class NsOneStepTooFew(_Planted):
    """The loop runs range(steps − 1): one step too few."""

    bug = "ns_one_step_too_few"

    def newton_schulz(self, A, schedule, steps=None, normalise=True):
        s = ns.get_schedule(schedule)
        n = s.steps if steps is None else min(steps, s.steps)
        good = super().newton_schulz(A, schedule, steps, normalise)
        bad = super().newton_schulz(A, schedule, n - 1, normalise) if n > 1 else \
            Mat(A.data / np.linalg.norm(A.data) if normalise else A.data.copy(), good.err, A.shape)
        return Mat(bad.data, good.err, A.shape)


class NsFloat32(_Planted):
    """The iteration silently runs in float32 (a .float() left in) while claiming float64 accuracy."""

    bug = "ns_float32_accumulation"

    def newton_schulz(self, A, schedule, steps=None, normalise=True):
        good = super().newton_schulz(A, schedule, steps, normalise)
        X = ns.iterate(A.data.astype(np.float32), schedule, steps=steps, normalise=normalise)
        return Mat(X.astype(np.float64), good.err, A.shape)


class NsMissingNormalisation(_Planted):
    """X₀ = A instead of A/‖A‖_F: right only when ‖A‖_F happens to be 1."""

    bug = "ns_missing_normalisation"

    def newton_schulz(self, A, schedule, steps=None, normalise=True):
        good = super().newton_schulz(A, schedule, steps, normalise)
        X = ns.iterate(A.data, schedule, steps=steps, normalise=False)
        return Mat(X, good.err, A.shape)


class PolarByMuonQuintic(_Planted):
    """msign via Muon's 5-step quintic, reported with an exact polar factor's error bound."""

    bug = "polar_by_muon_quintic"

    def polar(self, A):
        good = super().polar(A)
        return Mat(ns.iterate(A.data, "muon_quintic"), good.err, A.shape)


class PolarCubicUnnormalised(_Planted):
    """msign via 12 cubic Newton–Schulz steps started from A itself (no scaling): right only
    when every σ lies in (0, √3)."""

    bug = "polar_cubic_unnormalised"

    def polar(self, A):
        good = super().polar(A)
        with np.errstate(all="ignore"):
            X = ns.iterate(A.data, ns.SCHEDULES["cubic"].with_steps(12), normalise=False)
        return Mat(X, good.err, A.shape)


class MclipIgnoresLower(_Planted):
    """np.minimum(σ, hi): clips from above only (fine for [−1, 1], wrong for α > 0)."""

    bug = "mclip_ignores_lower_bound"

    def mclip(self, A, lo, hi):
        good = super().mclip(A, lo, hi)
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        return Mat((U * np.minimum(s, hi)) @ Vt, good.err, A.shape)


class MclipTransposedFactors(_Planted):
    """Reassembled as V clip(Σ) Uᵀ (factor order slip): the transpose of the right answer."""

    bug = "mclip_transposed_factors"

    def mclip(self, A, lo, hi):
        good = super().mclip(A, lo, hi)
        U, s, Vt = np.linalg.svd(A.data, full_matrices=False)
        return Mat((Vt.T * np.clip(s, lo, hi)) @ U.T, good.err, (A.n, A.m))


class IdentityIsOnes(_Planted):
    """identity(n) built with np.ones instead of np.eye."""

    bug = "identity_is_ones"

    def identity(self, n):
        return Mat(np.ones((n, n)), 0.0, (n, n))
