"""matspec's plain reference kernel at the kernel's dtype (NumPy), for the *baseline ratio*
diagnostic: kernel error ÷ error of the plain reference on the same input.  Never part of a
verdict."""
from __future__ import annotations

import math

import numpy as np

from matspec.validate.contracts import Contract


def baseline_output(op: str, params: dict, args64: list, dtype: str, contract: Contract):
    """matspec's plain reference at the kernel's dtype (NumPy; no bfloat16 linear algebra
    there, so None for bfloat16; None for band contracts, whose measure is not an error
    against one reference)."""
    if dtype not in ("float64", "float32") or contract.kind == "band":
        return None
    dt = np.dtype(dtype)
    A = args64[0].astype(dt)
    with np.errstate(all="ignore"):
        if op == "svdvals":
            return np.linalg.svd(A, compute_uv=False)
        if op == "norm":
            kind, p, k = params["kind"], params.get("p"), params.get("k")
            if kind in ("fro", "1", "inf", "2", "nuc"):
                return np.asarray(np.linalg.norm(A, {"fro": "fro", "1": 1, "inf": np.inf, "2": 2, "nuc": "nuc"}[kind]), dtype=dt)
            if kind == "max":
                return np.max(np.abs(A))
            s = np.linalg.svd(A, compute_uv=False)
            if kind == "kyfan":
                return np.sum(s[:k])
            return np.max(s) if p == math.inf else np.sum(s ** p) ** (1 / p)
        if op == "msign":
            U, _, Vt = np.linalg.svd(A, full_matrices=False)
            return U @ Vt
        if op == "lowrank":
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            k = params["k"]
            return (U[:, :k] * s[:k]) @ Vt[:k]
        if op == "matmul":
            return A @ args64[1].astype(dt)
        if op == "solve":
            return np.linalg.solve(A, args64[1].astype(dt))
        if op == "lstsq":
            return np.linalg.lstsq(A, args64[1].astype(dt), rcond=None)[0]
        if op == "tikhonov_solve":
            n = A.shape[1]
            aug = np.vstack([A, np.sqrt(dt.type(params["lam"])) * np.eye(n, dtype=dt)])
            rhs = np.vstack([args64[1].astype(dt), np.zeros((n, args64[1].shape[1]), dtype=dt)])
            return np.linalg.lstsq(aug, rhs, rcond=None)[0]
        if op == "cond":
            return np.asarray(np.linalg.cond(A, {"2": 2, "1": 1, "inf": np.inf, "fro": "fro"}[params["kind"]]), dtype=dt)
        if op == "eigvalsh":
            return np.linalg.eigvalsh(A)
        if op == "mclip":
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            return (U * np.clip(s, dt.type(params["lo"]), dt.type(params["hi"]))) @ Vt
        if op == "newton_schulz":
            from matspec.implementations import newton_schulz as ns

            return ns.iterate(A, params["schedule"], steps=params.get("steps"))
    return None

