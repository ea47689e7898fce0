"""``matspec validate``: judge a third-party kernel against the certified oracle.

A kernel is ``f(A, **params)`` (``f(A, B)`` for matmul, ``f(A, b)`` for solve) taking and
returning the arrays of one framework (NumPy or torch).  For every input — an adversarial
gallery that is always evaluated and matrices drawn by Hypothesis (shrunk to a minimal
counterexample on failure) — matspec rounds the input to the kernel's dtype, fixes the
oracle's view of it, hands a fresh copy to the kernel in an isolated worker process, and
judges the output under a contract with an allowance derived from u, the dimensions and κ.

The package's parts, one job each:

* :mod:`~matspec.validate.ops` — the ops, their parameters and output shapes;
* :mod:`~matspec.validate.dtypes` — unit roundoff, range edges, exact rounding to a dtype;
* :mod:`~matspec.validate.contracts` — ``exact`` and the Muon-style ``band``;
* :mod:`~matspec.validate.inputs` — the adversarial gallery, drawn inputs, memory layouts;
* :mod:`~matspec.validate.kernels` — naming, loading and shipping kernels, their arguments;
* :mod:`~matspec.validate.runner` / :mod:`~matspec.validate.worker` — the isolated runner;
* :mod:`~matspec.validate.judge` — reference values, error measures, derived allowances;
* :mod:`~matspec.validate.baseline` — the plain reference for the baseline-ratio diagnostic;
* :mod:`~matspec.validate.validator` — one validation: evaluate inputs, search, shrink;
* :mod:`~matspec.validate.report` — verdict, findings, validate.json / validate.md;
* :mod:`~matspec.validate.cli` — the ``matspec validate`` subcommand.
"""
from matspec.validate.contracts import Contract, parse_contract
from matspec.validate.dtypes import DTYPES, dtype_info, round_to_dtype
from matspec.validate.errors import UsageError
from matspec.validate.kernels import kernel_name, load_kernel, parse_assignment
from matspec.validate.ops import BAND_OPS, FRAMEWORKS, OP_PARAMS, OPS
from matspec.validate.report import ValidationReport
from matspec.validate.runner import CallResult, KernelRunner
from matspec.validate.validator import CaseResult, Validator, validate

parse_param = parse_assignment  # the name used before the package split

__all__ = ["BAND_OPS", "CallResult", "CaseResult", "Contract", "DTYPES", "FRAMEWORKS", "KernelRunner", "OPS", "OP_PARAMS",
           "UsageError", "ValidationReport", "Validator", "dtype_info", "kernel_name", "load_kernel", "parse_assignment",
           "parse_contract", "parse_param", "round_to_dtype", "validate"]
