"""The ops validate can judge: their parameters, arguments and expected output shapes.

Op *parameters* (``--param``) are what the oracle needs to know (``kind``, ``k``, ``lo``,
``hi``, ``schedule``, …); kernel *arguments* (``--kernel-arg``) are the kernel's own business
(``ns_steps``, ``eps``, ``ord``, …).  The two are separate: see :mod:`matspec.validate.kernels`
for which op parameters reach a kernel.
"""
from __future__ import annotations

FRAMEWORKS = ("numpy", "torch")
OPS = ("svdvals", "norm", "msign", "lowrank", "matmul", "solve", "mclip", "newton_schulz")
OP_PARAMS = {"svdvals": (), "norm": ("kind", "p", "k"), "msign": (), "lowrank": ("k",), "matmul": (), "solve": (),
             "mclip": ("lo", "hi"), "newton_schulz": ("schedule", "steps")}
BAND_OPS = ("msign", "newton_schulz")
# positional arguments of each op, in order (a kernel is f(*args, **params))
ARGS = {"matmul": ("A", "B"), "solve": ("A", "b")}


def arg_names(op: str) -> tuple[str, ...]:
    return ARGS.get(op, ("A",))


def out_shape(op: str, arg_shapes: list[tuple[int, int]]) -> tuple:
    """The shape a correct kernel returns for arguments of these shapes."""
    m, n = arg_shapes[0]
    if op == "svdvals":
        return (min(m, n),)
    if op == "norm":
        return ()
    if op == "matmul":
        return (m, arg_shapes[1][1])
    if op == "solve":
        return tuple(arg_shapes[1])
    return (m, n)
