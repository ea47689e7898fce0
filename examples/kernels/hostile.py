"""Kernels that misbehave rather than compute wrongly: matspec must fail each with the
reason (or, for behaviour that is not wrong in itself, report it as a finding) and never
crash, stall, leave processes behind or pass.

Each is an msign kernel ``f(A) -> array`` for NumPy unless its name says torch.
``HOSTILE`` maps every kernel to (what matspec must say, whether the verdict is a failure);
tests/test_validate_hostile.py runs them through the CLI and the pytest plugin, as module
functions and as closures.
"""
import os
import subprocess
import sys
import time

import numpy as np


def _polar(A):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return U @ Vt


def raises(A, **_):
    raise RuntimeError("cuBLAS status 13: execution failed")


def nan(A, **_):
    return np.full_like(A, np.nan)


def inf(A, **_):
    out = _polar(A)
    out[0, 0] = np.inf
    return out


def wrong_shape(A, **_):
    return _polar(A).ravel()


def wrong_dtype(A, **_):
    return _polar(A).astype(np.float32)


def wrong_type(A, **_):
    return _polar(A).tolist()


def returns_none(A, **_):
    _polar(A)  # forgot the return


def hangs(A, **_):
    time.sleep(3600)


def exits(A, **_):
    os._exit(0)  # the worst case: exit status 0, as if everything went well


def sys_exit(A, **_):
    sys.exit(0)


def dies(A, **_):
    os._exit(3)


def aborts(A, **_):
    os.abort()


def segfaults(A, **_):
    import ctypes

    ctypes.string_at(0)


def keyboard_interrupt(A, **_):
    raise KeyboardInterrupt


def forks_children(A, **_):
    """Correct output, but leaves a child process running."""
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    return _polar(A)


def hangs_with_children(A, **_):
    """Starts a child that escapes the process group (setsid), then hangs."""
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    time.sleep(3600)


def mutates_input(A, **_):
    """Correct output from a pre-scaled copy of its input — scaled in place."""
    s = np.max(np.abs(A))
    if s > 0:
        A /= s
    return _polar(A)


def zeroes_input(A, **_):
    """The closure that passed on the old in-process runner: zero the input, return zeros."""
    A[...] = 0
    return np.zeros_like(A)


def prints_megabytes(A, **_):
    """Correct output, but writes ~2 MB to stdout and stderr per call and warns."""
    import warnings

    sys.stdout.write("x" * 1_000_000 + "\n")
    sys.stderr.write("y" * 1_000_000 + "\n")
    warnings.warn("precision may be lost", RuntimeWarning)
    return _polar(A)


_CALLS = [0]


def nondeterministic(A, **_):
    """Right on one call, transposed-wrong on the next (a race, say): the same input gives two
    different outputs.  Alternating (not random) so the test is reproducible."""
    _CALLS[0] += 1
    out = _polar(A)
    if _CALLS[0] % 2 == 0 and A.shape[0] == A.shape[1] and A.shape[0] > 1:
        return out.T.copy()
    return out


def wrong_on_1x1(A, **_):
    """Right except on 1×1 inputs, where it returns |a| instead of sign(a)."""
    if A.shape == (1, 1):
        return np.abs(A)
    return _polar(A)


def torch_wrong_device(A, **_):
    """A torch kernel returning its result on the 'meta' device."""
    import torch

    return torch.empty(A.shape, dtype=A.dtype, device="meta")


# kernel -> (text the report must contain, the verdict is a failure)
HOSTILE = {
    "raises": ("kernel raised RuntimeError: cuBLAS status 13", True),
    "nan": ("returned NaN/Inf", True),
    "inf": ("returned NaN/Inf in 1 of", True),
    "wrong_shape": ("returned shape", True),
    "wrong_dtype": ("undeclared dtype change", True),
    "wrong_type": ("returned builtins.list, expected a numpy.ndarray", True),
    "returns_none": ("returned builtins.NoneType", True),
    "hangs": ("no result within", True),
    "exits": ("kernel process exited during the call (exit code 0", True),
    "sys_exit": ("kernel raised SystemExit", True),
    "dies": ("exit code 3", True),
    "aborts": ("killed by SIGABRT", True),
    "segfaults": ("killed by SIGSEGV", True),
    "keyboard_interrupt": ("kernel raised KeyboardInterrupt", True),
    "forks_children": ("child process(es) running after it returned", True),
    "hangs_with_children": ("no result within", True),
    "mutates_input": ("kernel modifies its input in place", False),
    "zeroes_input": ("error exceeds the", True),
    "prints_megabytes": ("kernel printed", False),
    "nondeterministic": ("non-deterministic", True),
    "wrong_on_1x1": ("error exceeds the", True),
}
