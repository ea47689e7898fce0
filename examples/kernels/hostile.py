"""Kernels that misbehave rather than compute wrongly: matspec must fail each with the
reason and never crash, stall or pass."""
import os
import time

import numpy as np


def raises(A, **_):
    raise RuntimeError("cuBLAS status 13: execution failed")


def nan(A, **_):
    return np.full_like(A, np.nan)


def wrong_shape(A, **_):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return (U @ Vt).ravel()


def wrong_dtype(A, **_):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return (U @ Vt).astype(np.float32)


def wrong_type(A, **_):
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    return (U @ Vt).tolist()


def hangs(A, **_):
    time.sleep(3600)


def dies(A, **_):
    os._exit(3)
