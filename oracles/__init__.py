"""mpmath high-precision oracles (installed as ``matspec.oracles``).

* :mod:`matspec.oracles.mp` — functional API on mpmath matrices: each function returns
  its result and a certificate (an absolute error bound) and raises
  :class:`~matspec.implementations.base.OracleRefused` when the certificate fails.
* :class:`OracleOps` — the same op set as the backends, evaluated by these oracles.
"""
from .mp import (
    DEFAULT_DIGITS,
    GUARD_DIGITS,
    ORACLE_MAX_ENUM_DIM,
    as_mp_matrix,
    cache_clear,
    cache_info,
    eig,
    eigvalsh,
    induced,
    inv,
    norm,
    polar,
    solve,
    svd,
    svdvals,
    vnorm,
    working_dps,
)
from .ops import OracleOps

__all__ = [
    "DEFAULT_DIGITS",
    "GUARD_DIGITS",
    "ORACLE_MAX_ENUM_DIM",
    "OracleOps",
    "as_mp_matrix",
    "cache_clear",
    "cache_info",
    "eig",
    "eigvalsh",
    "induced",
    "inv",
    "norm",
    "polar",
    "solve",
    "svd",
    "svdvals",
    "vnorm",
    "working_dps",
]
