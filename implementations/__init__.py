"""Backends implementing the one op set (see base.py).  torch CPU/CUDA and third-party
kernel adapters register here in later work."""
from __future__ import annotations

from matspec.implementations.base import Domain, Mat, OpSet, OracleRefused, Unsupported  # noqa: F401


def default_backends() -> list[OpSet]:
    from matspec.implementations.numpy_backend import NumpyOps

    return [NumpyOps("float64"), NumpyOps("float32")]


def get_opset(opset_id: str) -> OpSet:
    if opset_id == "oracle":
        from matspec.oracles import OracleOps

        return OracleOps()
    for b in default_backends():
        if b.id == opset_id:
            return b
    known = ["oracle"] + [b.id for b in default_backends()]
    raise KeyError(f"unknown op set {opset_id!r}; known: {', '.join(known)}")
