"""pytest plugin (entry point ``pytest11``): validate your own kernel from your test suite.

    def test_my_newton_schulz(matspec_validate):
        matspec_validate("msign", my_kernel, contract="band:0.6,1.2,floor=0.005")

``matspec_validate(op, kernel, **options)`` runs :func:`matspec.validate.validate` — the
adversarial gallery plus Hypothesis-drawn inputs, the mpmath oracle, the derived
tolerances — and fails the test with the minimal counterexample, measured vs allowed error
and the replay command.  It returns the report (``.passed``, ``.failures``, ``.findings()``,
``.to_json()``).  Options are those of :class:`matspec.validate.Validator`: ``dtype``,
``framework`` ('numpy' | 'torch'), ``device``, ``params`` (op parameters), ``kernel_args``
(the kernel's own keywords), ``contract``, ``out_dtype``, ``examples``, ``seed``,
``timeout``, ``warmup_timeout``, ``max_dim``, ``scale_range``, ``input_mutation``,
``repeat``; plus ``report_dir`` to write validate.json / validate.md.

The kernel — a module-level function, a closure or a lambda — always runs in an isolated
worker process (shipped with cloudpickle), never in the pytest process: a kernel that exits,
aborts, segfaults or hangs fails its test, and the session goes on.

``--matspec-validate-examples N``, ``--matspec-validate-seed N`` and
``--matspec-input-mutation warn|fail|allow`` change the defaults for a whole session.
"""
from __future__ import annotations

import pytest


def pytest_addoption(parser):
    g = parser.getgroup("matspec", "matspec kernel validation")
    g.addoption("--matspec-validate-examples", type=int, default=None,
                help="drawn inputs per matspec_validate call (default 30, besides the adversarial gallery)")
    g.addoption("--matspec-validate-seed", type=int, default=None, help="seed for matspec_validate calls (default 0)")
    g.addoption("--matspec-input-mutation", choices=("warn", "fail", "allow"), default=None,
                help="kernels that write to their input: report (warn, default), fail, or allow")


@pytest.fixture
def matspec_validate(request):
    from matspec.validate import UsageError, validate

    cfg = request.config
    d_examples = cfg.getoption("--matspec-validate-examples", default=None)
    d_seed = cfg.getoption("--matspec-validate-seed", default=None)
    d_mutation = cfg.getoption("--matspec-input-mutation", default=None)

    def run(op, kernel, *, report_dir=None, **kw):
        if d_examples is not None:
            kw.setdefault("examples", d_examples)
        if d_seed is not None:
            kw.setdefault("seed", d_seed)
        if d_mutation is not None:
            kw.setdefault("input_mutation", d_mutation)
        import inspect

        from matspec.validate import Validator

        unknown = sorted(set(kw) - set(inspect.signature(Validator).parameters))
        if unknown:
            pytest.fail(f"matspec validate: unknown option(s) {', '.join(unknown)}", pytrace=False)
        try:
            rep = validate(op, kernel, **kw)
        except UsageError as exc:
            pytest.fail(f"matspec validate: {exc}", pytrace=False)
        if report_dir is not None:
            rep.write(report_dir)
        if not rep.passed:
            pytest.fail("\n".join(rep.summary_lines()), pytrace=False)
        return rep

    return run


@pytest.fixture
def matspec_compare(request):
    """``matspec_compare(op, {name: kernel, …}, **options)``: several kernels on identical inputs
    (:func:`matspec.validate.compare.compare`; options as ``matspec compare``: contract, params,
    examples, seed, shapes, batch, max_dim, timeout, …, and per-kernel settings through
    :class:`~matspec.validate.compare.KernelEntry` values).  Fails the test listing every kernel
    whose verdict is not ``pass`` unless it is named in ``expect_fail``; returns the report
    (``.to_json()["kernels"]``)."""
    from matspec.validate import UsageError
    from matspec.validate.compare import KernelEntry, compare

    def run(op, kernels, *, expect_fail=(), report_dir=None, **kw):
        entries = [k if isinstance(k, KernelEntry) else KernelEntry(name, k) for name, k in kernels.items()]
        for e, name in zip(entries, kernels):
            e.name = name
        try:
            rep = compare(op, entries, **kw)
        except UsageError as exc:
            pytest.fail(f"matspec compare: {exc}", pytrace=False)
        if report_dir is not None:
            rep.write(report_dir)
        bad = [k["name"] for k in rep.to_json()["kernels"] if k["verdict"] != "pass" and k["name"] not in expect_fail]
        if bad:
            pytest.fail("\n".join(rep.summary_lines() + [f"not passing: {', '.join(bad)}"]), pytrace=False)
        return rep

    return run

