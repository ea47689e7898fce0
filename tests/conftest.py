import pytest


def pytest_addoption(parser):
    parser.addoption("--profile", default="default", choices=["smoke", "default", "heavy"],
                     help="matspec example budget for the catalogue tests (heavy: 10x examples, larger matrices)")
    parser.addoption("--matspec-seed", type=int, default=0, help="base seed for the catalogue run")


@pytest.fixture(scope="session")
def profile(request):
    return request.config.getoption("--profile")


@pytest.fixture(scope="session")
def base_seed(request):
    return request.config.getoption("--matspec-seed")
