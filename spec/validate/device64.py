"""Where the float64 tier does its O(n³) work: NumPy on this CPU, or torch on a (GPU) device.

At 4096² one judgement on the float64 tier (:mod:`matspec.validate.judge64`) is a float64 SVD, up to two
symmetric eigensolves, some twenty n³ products and three Newton–Schulz reference runs in emulated
bfloat16 — minutes on a CPU, seconds on the GPU the kernel already runs on.  Nothing the tier
certifies depends on which processor does it: every bound in judge64 is a γ_k bound of IEEE
float64 arithmetic in *any* summation order (Higham §3.1–3.5) or a residual computed from the
factors actually returned, and the reference paths are "one legitimate rounding of the
schedule" — float32 accumulation (TF32 switched off), each stored result rounded to nearest even
in the compute format, as ``Tensor.to`` does.

An *engine* is ``None`` (NumPy, the default everywhere) or a torch device name ('cuda',
'cuda:1'; 'cpu' runs the torch code on the CPU, which is how the tests check it against NumPy).
Arrays move to the engine for the n³ steps; what the judgement reads comes back as NumPy arrays
and floats.
"""
from __future__ import annotations

import contextlib
import math
from typing import Optional

import numpy as np

Engine = Optional[str]

# compute formats the torch engine rounds to with Tensor.to (round to nearest even, overflow to
# ±inf — the same as reference._round32); others (TF32) stay on NumPy
TORCH_FORMATS = ("float64", "float32", "bfloat16", "float16")


ENGINE_VARIABLE = "MATSPEC_FLOAT64_ENGINE"


def engine_for(device: str) -> Engine:
    """The engine for a kernel running on torch device `device`.  $MATSPEC_FLOAT64_ENGINE:
    'auto' (default: torch on a CUDA device, NumPy otherwise), 'numpy', or 'torch' (torch on the
    kernel's device, the CPU included — how the tests run the torch code without a GPU)."""
    import os

    from matspec.validate.errors import UsageError

    choice = os.environ.get(ENGINE_VARIABLE, "auto").strip().lower() or "auto"
    if choice not in ("auto", "numpy", "torch"):
        raise UsageError(f"${ENGINE_VARIABLE} must be auto, numpy or torch, got {choice!r}")
    if choice == "numpy":
        return None
    if choice == "torch":
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            raise UsageError(f"${ENGINE_VARIABLE}=torch, but torch is not installed")
        return str(device)
    return str(device) if str(device).startswith("cuda") else None


def is_torch(X) -> bool:
    return type(X).__module__.startswith("torch")


def put(X, engine: Engine):
    """X (NumPy) on the engine: itself for NumPy, a torch tensor of the same dtype on the device."""
    if engine is None:
        return X
    import torch

    return torch.tensor(np.asarray(X), device=engine)  # a copy: the oracle's arrays are read-only


def like(X, ref):
    """X (NumPy) on the engine `ref` lives on."""
    return put(X, str(ref.device)) if is_torch(ref) else X


def get(X) -> np.ndarray:
    """A NumPy array of X (a tensor comes back to the host)."""
    return X.detach().cpu().numpy() if is_torch(X) else np.asarray(X)


def eye(k: int, like):
    """The float64 identity, on like's engine."""
    if is_torch(like):
        import torch

        return torch.eye(k, dtype=torch.float64, device=like.device)
    return np.eye(k)


def fro(X) -> float:
    """The computed ‖X‖_F: a sum of squares and a root (the evaluation judge64._fro_up bounds,
    whatever the order of the sum)."""
    return math.sqrt(sumsq(X)) if is_torch(X) else float(np.linalg.norm(X))


def sumsq(X) -> float:
    """The computed Σ x_ij²."""
    if is_torch(X):
        import torch

        return float(torch.sum(X * X))
    return float(np.sum(X * X))


def eigvalsh(S) -> np.ndarray:
    """Eigenvalues (ascending) of a symmetric matrix, as a NumPy array."""
    if is_torch(S):
        import torch

        return get(torch.linalg.eigvalsh(S))
    return np.linalg.eigvalsh(S)


def svd(A):
    """Thin SVD (U, s, Vt) on A's engine."""
    if is_torch(A):
        import torch

        return torch.linalg.svd(A, full_matrices=False)
    return np.linalg.svd(A, full_matrices=False)


@contextlib.contextmanager
def exact_float32_products(engine: Engine):
    """float32 products as IEEE float32 (TF32 off) on a CUDA engine, restored after."""
    if engine is None or not str(engine).startswith("cuda"):
        yield
        return
    import torch

    m = torch.backends.cuda.matmul
    # torch ≥ 2.9 says it with fp32_precision ('none' follows the global default, which may be TF32);
    # allow_tf32 before
    attr, off = ("fp32_precision", "ieee") if hasattr(m, "fp32_precision") else ("allow_tf32", False)
    prev = getattr(m, attr)
    setattr(m, attr, off)
    try:
        yield
    finally:
        setattr(m, attr, prev)


def round_like(X, compute: str):
    """Tensor X rounded to nearest even in `compute`, held in float32 (float64 for float64):
    torch's conversions, the same rounding as reference._round32."""
    import torch

    if compute == "float64":
        return X.to(torch.float64)
    x = X.to(torch.float32)
    if compute == "float32":
        return x
    return x.to(getattr(torch, compute)).to(torch.float32)
