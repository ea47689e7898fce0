import pytest

from matspec.hypothesis_env import configure

# Hypothesis as matspec runs it (draws independent of what is imported, no ./.hypothesis):
# before any test module imports a strategy.  docs/reliability.md.
configure()


def pytest_addoption(parser):
    parser.addoption("--profile", default="default", choices=["smoke", "default", "heavy", "large"],
                     help="matspec example budget for the catalogue tests (heavy: 10x examples; large: also larger matrices)")
    parser.addoption("--matspec-seed", type=int, default=0, help="base seed for the catalogue run")


@pytest.fixture(scope="session")
def profile(request):
    return request.config.getoption("--profile")


@pytest.fixture(scope="session")
def base_seed(request):
    return request.config.getoption("--matspec-seed")


@pytest.fixture(autouse=True, scope="session")
def _matspec_disk_cache(tmp_path_factory):
    # The oracle's disk cache (matspec.oracles.mp) must neither read nor fill the user's
    # ~/.cache/matspec during tests, and tests that clear the in-memory cache expect a fresh
    # computation: off by default, pointed at a temporary directory for the tests that
    # turn it on (tests/test_fast_oracle.py).
    mp = pytest.MonkeyPatch()
    mp.setenv("MATSPEC_CACHE_DIR", str(tmp_path_factory.mktemp("matspec-cache")))
    mp.setenv("MATSPEC_NO_DISK_CACHE", "1")
    yield
    mp.undo()


@pytest.fixture
def hide_jsonschema(monkeypatch):
    """Make `import jsonschema` fail, so a test exercises the schema checks' fallback path
    (jsonschema is optional at run time)."""
    import builtins

    real_import = builtins.__import__

    def no_jsonschema(name, *a, **k):
        if name == "jsonschema":
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_jsonschema)
