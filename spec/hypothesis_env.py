"""Hypothesis, steered for matspec: draws that follow from the seed alone, nothing written to the cwd.

:func:`configure` is the one place where matspec adjusts Hypothesis for the whole process.  It is
called by every ``matspec`` subcommand before it runs (``matspec.cli.main``: run, report, replay,
validate, …), by every ``run -j`` worker and by the test suite's conftest, and is meant for the
pytest plugin; calling it again does nothing.

1. **Local constants.**  Hypothesis 6.131+ mixes literal constants collected from every loaded
   "local" module (``hypothesis.internal.conjecture.providers._get_local_constants``: any module
   outside site-packages — matspec itself when installed editable) into about 5% of its draws.
   The pool grows with whatever the process happened to import, so the same seed drew different
   examples in a ``run -j 1`` parent (CLI, tqdm, report modules loaded) and a ``-j 2`` worker, or
   after ``import matspec.validate``.  Hypothesis has no setting for it (checked up to 6.170), so
   the hook is replaced by one returning a fixed empty pool: the draws then depend on the seed and
   Hypothesis's own global constants only.  ``tests/test_reliability_determinism.py`` fails if a
   Hypothesis upgrade brings the dependence back.
2. **Storage.**  Hypothesis keeps its example database and the constants scan's cache under
   ``./.hypothesis`` of the working directory.  Unless the user chose a place
   (``HYPOTHESIS_STORAGE_DIRECTORY``), it goes to ``<matspec cache dir>/hypothesis``
   (:func:`matspec.fileio.cache_dir`); the variable is exported so child processes agree.
"""
from __future__ import annotations

import os

_STATE = {"constants": False, "storage": False}


def storage_dir() -> str:
    """Where Hypothesis's files go: the user's ``HYPOTHESIS_STORAGE_DIRECTORY``, else matspec's cache dir."""
    from matspec.fileio import cache_dir

    return os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or str(cache_dir() / "hypothesis")


def _no_local_constants() -> bool:
    """Replace Hypothesis's local-constants hook by a fixed empty pool; False where this
    Hypothesis has no such hook (nothing to turn off)."""
    from hypothesis.internal.conjecture import providers

    if not hasattr(providers, "_get_local_constants"):
        return False
    from hypothesis.internal.constants_ast import Constants

    pool = Constants()

    def _fixed_empty_pool():
        return pool

    providers._get_local_constants = _fixed_empty_pool
    # permitted-constant tuples computed from the old pool before this call
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None and hasattr(cache, "cache"):
        cache.cache.clear()
    return True


def configure(*, storage: bool = True) -> None:
    """Make Hypothesis's draws independent of what is imported and (``storage``) keep its files out
    of the working directory (module docstring).  Idempotent; process-wide — inside a user's own
    test session (the pytest plugin) ``storage=False`` leaves their example database where they
    keep it."""
    if storage and not _STATE["storage"]:
        where = storage_dir()
        os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", where)
        from hypothesis.configuration import set_hypothesis_home_dir

        # set explicitly too: Hypothesis reads the variable only once, at its first storage access
        set_hypothesis_home_dir(where)
        _STATE["storage"] = True
    if not _STATE["constants"]:
        _no_local_constants()
        _STATE["constants"] = True


def local_constants_disabled() -> bool:
    """Whether the draws ignore local modules' constants (for tests and docs/reliability.md)."""
    from hypothesis.internal.conjecture import providers

    hook = getattr(providers, "_get_local_constants", None)
    return hook is None or hook.__name__ == "_fixed_empty_pool"
