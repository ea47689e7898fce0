"""Backends implementing the one op set (see base.py): NumPy, and torch CPU/CUDA when the
optional torch extra is installed.  Third-party kernel adapters register here in later work."""
from __future__ import annotations

from matspec.implementations.base import Domain, Mat, OpSet, OracleRefused, Unsupported  # noqa: F401


TORCH_IDS = ("torch-cpu-float64", "torch-cpu-float32", "torch-cpu-bfloat16", "torch-cpu-float16",
             "torch-cuda-float32", "torch-cuda-tf32", "torch-cuda-bfloat16", "torch-cuda-float16")


def _torch_backends() -> list[OpSet]:
    """torch's op sets when the optional torch extra is installed (CUDA ones only where
    torch sees a GPU); none otherwise."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return []
    from matspec.implementations.torch_backend import torch_backends

    return torch_backends()


def default_backends() -> list[OpSet]:
    from matspec.implementations.numpy_backend import NumpyOps

    return [NumpyOps("float64"), NumpyOps("float32")] + _torch_backends()


def get_opset(opset_id: str) -> OpSet:
    if opset_id == "oracle":
        from matspec.oracles import OracleOps

        return OracleOps()
    for b in default_backends():
        if b.id == opset_id:
            return b
    if opset_id in TORCH_IDS:
        try:
            import torch
        except ImportError:
            raise KeyError(f"op set {opset_id!r} needs torch: pip install 'matspec[torch]'") from None
        if opset_id.startswith("torch-cuda") and not torch.cuda.is_available():
            raise KeyError(f"op set {opset_id!r} needs CUDA, which torch does not see on this machine")
    known = ["oracle"] + [b.id for b in default_backends()]
    raise KeyError(f"unknown op set {opset_id!r}; known: {', '.join(known)}")
