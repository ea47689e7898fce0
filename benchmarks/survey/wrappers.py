"""Adapters for the surveyed Newton–Schulz / msign kernels whose published entry point cannot be
named as ``module:function`` for ``matspec validate`` / ``matspec compare`` as it is.

Every other kernel of the survey is called directly (``kernels.toml``); each adapter here changes
*how the real function is reached*, never what it computes: the arithmetic is the package's own
code, unmodified.  Nothing here is imported by matspec (the survey venv only, README.md).

* ``timm_zeropower_via_newtonschulz`` — timm's ``timm/__init__.py`` imports its model zoo, which
  needs torchvision, and PyPI's torchvision wheels are CUDA builds that cannot load beside the CPU
  torch (``operator torchvision::nms does not exist``).  ``timm.optim.muon`` itself needs only
  torch: it is loaded with the ``timm`` and ``timm.optim`` package ``__init__`` files skipped.
* ``heavyball_zeropower_via_newtonschulz5``, ``heavyball_msign`` — heavyball wraps its helpers
  (the Newton–Schulz function itself and ``stochastic_round_``, which both call) in its own
  ``torch.compile`` decorator (mode ``max-autotune-no-cudagraphs``, ``dynamic=False``,
  ``fullgraph=True``): one compile per shape, and the 9th distinct shape raises
  ``FailOnRecompileLimitHit`` (findings.md).  The survey switches compilation off with heavyball's
  own module-level setting (``heavyball.utils.compile_mode = None``, which its decorators read at
  call time): eager PyTorch, the same Python bodies.  Inductor may fuse the pointwise ops and
  round them differently, so this is heavyball's eager path, stated as such in findings.md.
* ``dao_gram_newton_schulz`` — Dao-AILab's ``GramNewtonSchulz`` is a class (construct, then call);
  it is built once per argument set with ``ns_use_kernels=False`` (its custom kernels are
  CuTeDSL/CUDA: the package's own pure-torch backend) and ``compile_kwargs=None`` (eager, for the
  reason above).  Its other constructor arguments pass through as keyword arguments.
* ``keras_zeropower_via_newtonschulz5`` — Keras's Muon kernel is a method of the optimizer
  (``keras.optimizers.Muon.zeropower_via_newtonschulz5(self, x, steps)``, coefficients on
  ``self``); an optimizer is built once per coefficient set (Keras's defaults unless given) on
  the torch backend (``KERAS_BACKEND=torch``, set here before Keras is imported).
"""
import importlib.util
import os
import sys
import types
from pathlib import Path


def _load_timm_muon():
    """``timm.optim.muon`` without running ``timm/__init__.py`` and ``timm/optim/__init__.py``
    (namespace stubs with the real package paths; the relative imports of muon.py — _helpers,
    _types, adamw, nadamw — need torch alone)."""
    if "timm.optim.muon" in sys.modules:
        return sys.modules["timm.optim.muon"]
    spec = importlib.util.find_spec("timm")  # locating the package does not execute it
    if spec is None or spec.origin is None:
        raise ImportError("timm is not installed in this environment (benchmarks/survey/README.md)")
    root = Path(spec.origin).parent
    for name, path in (("timm", root), ("timm.optim", root / "optim")):
        if name not in sys.modules:
            stub = types.ModuleType(name)
            stub.__path__ = [str(path)]
            sys.modules[name] = stub
    import timm.optim.muon as mod

    return mod


def timm_zeropower_via_newtonschulz(G, steps=5, coefficients=None, eps=1e-7, safety_factor=1.0, scale_eps=False):
    """timm 1.0.31 ``timm.optim.muon.zeropower_via_newtonschulz`` (compute dtype: its default,
    bfloat16).  ``coefficients=None`` means timm's ``Muon`` optimizer default preset, ``"quintic"``
    (the 5-step modded-nanogpt schedule, (4.0848, −6.8946, 2.9270) first); a preset name
    (``"original"``, ``"polar_express"``, …) is resolved from timm's own table."""
    mod = _load_timm_muon()
    if coefficients is None:
        coefficients = "quintic"
    if isinstance(coefficients, str):
        coefficients = list(mod._COEFFICIENTS[coefficients])
    return mod.zeropower_via_newtonschulz(G, steps, coefficients, eps=eps, safety_factor=safety_factor,
                                          scale_eps=scale_eps)


def _heavyball_eager():
    from heavyball import utils

    utils.compile_mode = None  # heavyball's own switch: its decorators then call the plain function
    return utils


def heavyball_zeropower_via_newtonschulz5(G, steps=5, eps=1e-7):
    """heavyball 3.2.1 ``heavyball.utils.zeropower_via_newtonschulz5``, eager (the function
    asserts steps == 5)."""
    return _heavyball_eager().zeropower_via_newtonschulz5(G, steps=steps, eps=eps)


def heavyball_msign(G, steps=10, eps=1e-7):
    """heavyball 3.2.1 ``heavyball.utils.msign`` (Polar Express, 10 steps by default), eager."""
    return _heavyball_eager().msign(G, steps=steps, eps=eps)


_DAO_CACHE: dict = {}


def dao_gram_newton_schulz(X, ns_epsilon=1e-7, ns_coefficients=None, use_gram_newton_schulz=True,
                           gram_newton_schulz_reset_iterations=None):
    """gram-newton-schulz 0.1.6 ``GramNewtonSchulz(...)(X)`` on its pure-torch backend, eager.
    Defaults are the package's: Polar Express coefficients with safety 1.05, 5 steps, reset before
    iteration 2, float32 normalisation then float16 iterations; square inputs take its standard
    Newton–Schulz path (the class's own rule)."""
    from gram_newton_schulz import GramNewtonSchulz

    key = (ns_epsilon, None if ns_coefficients is None else tuple(map(tuple, ns_coefficients)),
           use_gram_newton_schulz, None if gram_newton_schulz_reset_iterations is None
           else tuple(gram_newton_schulz_reset_iterations))
    ns = _DAO_CACHE.get(key)
    if ns is None:
        ns = GramNewtonSchulz(ns_epsilon=ns_epsilon, ns_use_kernels=False,
                              ns_coefficients=None if ns_coefficients is None else [list(r) for r in ns_coefficients],
                              use_gram_newton_schulz=use_gram_newton_schulz,
                              gram_newton_schulz_reset_iterations=None if gram_newton_schulz_reset_iterations is None
                              else list(gram_newton_schulz_reset_iterations),
                              compile_kwargs=None)
        _DAO_CACHE[key] = ns
    return ns(X)


_KERAS_CACHE: dict = {}


def keras_zeropower_via_newtonschulz5(x, steps=5, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315):
    """keras 3.15.1 ``keras.optimizers.Muon(...).zeropower_via_newtonschulz5(x, steps)`` on the
    torch backend; computes in the input's dtype (no cast), returns a torch tensor."""
    os.environ["KERAS_BACKEND"] = "torch"  # read once, when keras is first imported
    import keras

    if keras.backend.backend() != "torch":
        raise RuntimeError(f"keras was imported with backend {keras.backend.backend()!r}; set KERAS_BACKEND=torch")
    key = (muon_a, muon_b, muon_c)
    opt = _KERAS_CACHE.get(key)
    if opt is None:
        opt = keras.optimizers.Muon(muon_a=muon_a, muon_b=muon_b, muon_c=muon_c)
        _KERAS_CACHE[key] = opt
    return opt.zeropower_via_newtonschulz5(x, steps)
