"""The pytest plugin: a user's test suite validates its own kernels in a few lines."""
import textwrap
from importlib.metadata import distributions

pytest_plugins = ["pytester"]


def _entry_point_installed() -> bool:
    return any(ep.group == "pytest11" and ep.value == "matspec.pytest_plugin"
               for d in distributions() for ep in d.entry_points)


def test_matspec_validate_fixture_in_a_user_suite(pytester):
    pytester.makepyfile(test_user=textwrap.dedent("""
        import numpy as np

        def my_msign(A):
            U, _, Vt = np.linalg.svd(A, full_matrices=False)
            return U @ Vt

        def my_bad_msign(A):  # a normalisation forgotten: X ← X(3I − XᵀX)/2 from A itself
            X = A.copy()
            with np.errstate(all="ignore"):
                for _ in range(20):
                    X = 1.5 * X - 0.5 * X @ (X.T @ X)
            return X

        def test_good(matspec_validate, tmp_path):
            rep = matspec_validate("msign", my_msign, contract="band:0.9,1.1", examples=3, max_dim=4,
                                   report_dir=tmp_path / "r")
            assert rep.passed and (tmp_path / "r" / "validate.md").exists()

        def test_bad(matspec_validate):
            matspec_validate("msign", my_bad_msign, examples=3, max_dim=4)

        def test_usage(matspec_validate):
            matspec_validate("msign", my_msign, contract="band:2,1")
    """))
    args = ["-q", "-p", "no:cacheprovider"]
    if not _entry_point_installed():  # a source checkout without `pip install -e .`
        args += ["-p", "matspec.pytest_plugin"]
    res = pytester.runpytest_inprocess(*args)
    res.assert_outcomes(passed=1, failed=2)
    out = res.stdout.str()
    assert "FAIL [" in out and "replay: matspec validate --op msign" in out  # counterexample + replay
    assert "band needs finite 0 <= LO <= HI" in out  # usage error reported as a test failure
