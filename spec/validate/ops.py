"""The ops validate can judge: their parameters, arguments and expected output shapes.

Op *parameters* (``--param``) are what the oracle needs to know (``kind``, ``k``, ``lo``,
``hi``, ``schedule``, …); kernel *arguments* (``--kernel-arg``) are the kernel's own business
(``ns_steps``, ``eps``, ``ord``, …).  The two are separate: see :mod:`matspec.validate.kernels`
for which op parameters reach a kernel.
"""
from __future__ import annotations

import numpy as np

FRAMEWORKS = ("numpy", "torch")
OPS = ("svdvals", "norm", "msign", "lowrank", "matmul", "solve", "mclip", "newton_schulz", "cond", "lstsq",
       "tikhonov_solve", "eigvalsh")
OP_PARAMS = {"svdvals": (), "norm": ("kind", "p", "k"), "msign": (), "lowrank": ("k",), "matmul": (), "solve": (),
             "mclip": ("lo", "hi"), "newton_schulz": ("schedule", "steps"), "cond": ("kind",), "lstsq": (),
             "tikhonov_solve": ("lam",), "eigvalsh": ()}
BAND_OPS = ("msign", "newton_schulz")
# positional arguments of each op, in order (a kernel is f(*args, **params))
ARGS = {"matmul": ("A", "B"), "solve": ("A", "b"), "lstsq": ("A", "b"), "tikhonov_solve": ("A", "b")}
SQUARE_OPS = ("solve", "cond", "eigvalsh")  # cond(2) takes any shape; the drawn inputs are square for all


def arg_names(op: str) -> tuple[str, ...]:
    return ARGS.get(op, ("A",))


def out_shape(op: str, arg_shapes: list[tuple]) -> tuple:
    """The shape a correct kernel returns for arguments of these shapes (leading batch
    dimensions, if any, carried through)."""
    batch = tuple(arg_shapes[0][:-2])
    if batch:
        return batch + out_shape(op, [tuple(sh[len(batch):]) for sh in arg_shapes])
    m, n = arg_shapes[0]
    if op == "svdvals":
        return (min(m, n),)
    if op in ("norm", "cond"):
        return ()
    if op == "eigvalsh":
        return (n,)
    if op == "matmul":
        return (m, arg_shapes[1][1])
    if op == "solve":
        return tuple(arg_shapes[1])
    if op in ("lstsq", "tikhonov_solve"):
        return (n, arg_shapes[1][1])
    return (m, n)


def prepare_args(op: str, arrays: list) -> list:
    """The op's view of its inputs: eigvalsh takes the symmetric part (X + Xᵀ)/2 of the drawn
    matrix — exactly symmetric in float64 (fl(x_ij + x_ji) = fl(x_ji + x_ij)) and after any
    rounding to a narrower dtype — so the oracle and the kernel see the same symmetric matrix."""
    if op == "eigvalsh":
        X = arrays[0]
        if X.shape[-2] != X.shape[-1]:
            raise ValueError(f"eigvalsh needs a square matrix, got {X.shape}")
        return [(X + np.swapaxes(X, -1, -2)) / 2]
    return arrays
