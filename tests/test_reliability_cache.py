"""The oracle's disk cache cannot lie (issue 17, item 1; docs/reliability.md "Cache integrity").

Entries are data (JSON of exact numbers, checksummed over key and payload), never pickles; a
damaged entry is a miss, recomputed and rewritten; an entry rewritten by a hostile writer with a
valid checksum is caught by re-verifying its certificate against A; a planted pickle is never
executed.  The claim-level test corrupts every file of a filled cache and checks that the
verdicts (the whole claims.json entries) do not change."""
from __future__ import annotations

import json
import pickle
import random

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matspec.implementations.base import OracleRefused
from matspec.inputs import MODES, MatrixSpec
from matspec.oracles import diskcache as D
from matspec.oracles import fast as F
from matspec.oracles import mp as O

pytestmark = pytest.mark.skipif(not F.HAVE_FLINT, reason="the disk cache re-verifies with python-flint")


@pytest.fixture(autouse=True)
def _disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATSPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MATSPEC_NO_DISK_CACHE", raising=False)
    O.cache_clear()
    yield
    O.cache_clear()


def _entries(tmp_path, prefix=""):
    return sorted((tmp_path / "cache" / f"oracle-v{D.VERSION}").glob(f"{prefix}*.json"))


def _mat(m, n, mode="geometric", kappa=3, seed=1):
    rank = max(min(m, n) - 2, 0) if mode == "rank_deficient" else None
    return MatrixSpec(m, n, mode, kappa, 0, seed, rank=rank).to_mp(60)


def _same(a, b) -> bool:
    """Bit-identical oracle results (matrices, mpf lists, Result attributes)."""
    if isinstance(a, mpmath.matrix):
        return (isinstance(b, mpmath.matrix) and (a.rows, a.cols) == (b.rows, b.cols)
                and all(a[i, j]._mpf_ == b[i, j]._mpf_ for i in range(a.rows) for j in range(a.cols)))
    if isinstance(a, (list, tuple)):
        if not (isinstance(b, (list, tuple)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))):
            return False
        if isinstance(a, O.Result):
            return isinstance(b, O.Result) and a.__dict__.keys() == b.__dict__.keys() and all(
                _same(a.__dict__[k], b.__dict__[k]) for k in a.__dict__)
        return True
    if isinstance(a, mpmath.mpf):
        return isinstance(b, mpmath.mpf) and a._mpf_ == b._mpf_
    return a == b


def _twice(op, X):
    """op(X) computed (cold), then loaded from disk (memory cleared): both results and the disk counters."""
    O.cache_clear()
    r1 = op(X)
    O.cache_clear()
    r2 = op(X)
    return r1, r2, O.cache_info()["disk"]


# --------------------------------------------------------------------------------
# format
# --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.integers(0, 1), st.integers(1, 2**400), st.integers(-2000, 2000))
def test_exact_numbers_round_trip(sign, man, exp):
    t = mpmath.mpf(mpmath.libmp.from_man_exp(-man if sign else man, exp))._mpf_
    assert D.mpf_of_text(D.mpf_text(t)) == t


@pytest.mark.parametrize("text", ["", "p", "0x1p3", "+1p3", "1p+3", "1p", "zz", "1p3.5", "-0p1", "1e5", 5, None])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(D.CacheFormatError):
        D.mpf_of_text(text)


def test_cold_and_warm_results_are_bit_identical():
    """A warm cache returns exactly what a cold run computes, on every route, mode and shape
    (re-verification reproduces the stored certificate; it never raises or replaces it)."""
    for route in ("auto", "plain"):
        with O.use_route(route):
            for i, mode in enumerate(MODES):
                for m, n in ((4, 4), (5, 3), (2, 5)):
                    A = _mat(m, n, mode, 8, i)
                    ops = [(O.svd, A), (O.svdvals, A)]
                    if m == n:
                        ops += [(O.eigvalsh, (A + A.T) / 2), (O.inv, A), (O.eig, A)]
                    for op, X in ops:
                        try:
                            r1, r2, disk = _twice(op, X)
                        except OracleRefused:
                            continue
                        assert _same(r1, r2), (route, mode, m, n, op.__name__)
                        assert disk["hits"] == 1 and disk["errors"] == 0, (route, mode, m, n, op.__name__, disk)


def test_svdvals_with_the_disk_cache_equals_without(monkeypatch):
    """svdvals stores the full SVD when the disk cache is on (its certificate needs the vectors):
    the values and bounds are the vector-free route's, bit for bit."""
    A = _mat(5, 3, "log_uniform", 12)
    with_disk = O.svdvals(A)
    monkeypatch.setenv("MATSPEC_NO_DISK_CACHE", "1")
    O.cache_clear()
    without = O.svdvals(A)
    assert _same(with_disk, without)


# --------------------------------------------------------------------------------
# accidents: any damaged file is a miss
# --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def _one_entry(tmp_path_factory):
    """The bytes of one stored SVD entry and its key (module-scoped: the Hypothesis test below
    flips bits in copies of it)."""
    d = tmp_path_factory.mktemp("entry")
    mp = pytest.MonkeyPatch()
    mp.setenv("MATSPEC_CACHE_DIR", str(d))
    mp.delenv("MATSPEC_NO_DISK_CACHE", raising=False)
    O.cache_clear()
    try:
        A = _mat(3, 2)
        O.svd(A)
        path = next((d / f"oracle-v{D.VERSION}").glob("svd-*.json"))
        key = tuple(json.loads(path.read_text())["key"])
        return path.read_bytes(), (key[0], key[1], key[2])
    finally:
        O.cache_clear()
        mp.undo()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_flipped_bit_is_a_miss(_one_entry, tmp_path, data):
    raw, key = _one_entry
    pos = data.draw(st.integers(0, len(raw) - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    bad = bytearray(raw)
    bad[pos] ^= 1 << bit
    p = tmp_path / "entry.json"
    p.write_bytes(bytes(bad))
    before = D.STATS["errors"]
    assert D.load(p, key, result_cls=O.Result, refusal_cls=O._Refusal) is None
    assert D.STATS["errors"] == before + 1
    p.write_bytes(raw)  # and the undamaged file loads
    assert D.load(p, key, result_cls=O.Result, refusal_cls=O._Refusal) is not None


def test_damaged_files_are_recomputed_and_rewritten(tmp_path):
    A = _mat(4, 3)
    ref = O.svd(A)
    (path,) = _entries(tmp_path, "svd-")
    good = path.read_bytes()
    for damage in (b"", good[:40], b"\x00" * 100, b"[1, 2]", b'{"format": "matspec-oracle-cache"}',
                   good.replace(b'"svd"', b'"inv"'), pickle.dumps(("svd", ref[1]))):
        path.write_bytes(damage)
        O.cache_clear()
        r = O.svd(A)
        disk = O.cache_info()["disk"]
        assert _same(r, ref) and disk["hits"] == 0 and disk["errors"] == 1 and disk["writes"] == 1, damage[:20]
        assert path.read_bytes() == good  # rewritten: the next load is a hit again
    O.cache_clear()
    O.svd(A)
    assert O.cache_info()["disk"]["hits"] == 1


# --------------------------------------------------------------------------------
# a hostile writer: valid checksum, wrong numbers -> re-verification rejects
# --------------------------------------------------------------------------------

def _rewrite(path, edit):
    """Edit an entry's decoded value and store it back with a *valid* checksum, as a hostile
    writer who knows the format would."""
    doc = json.loads(path.read_text())
    key = tuple(doc["key"])
    value = D.decode(doc["value"], result_cls=O.Result, refusal_cls=O._Refusal)
    D.store(path, key, edit(value), result_cls=O.Result, refusal_cls=O._Refusal)


def _scaled(x, f):
    """x·f at 80 digits; f a number or a string such as '1+1e-20' (1 + 1e-20 is 1.0 as a float)."""
    with mpmath.workdps(80):
        if isinstance(f, str):
            a, _, b = f.partition("+")
            f = mpmath.mpf(a) + (mpmath.mpf(b) if b else 0)
        return +(x * f)


def _svd_lies():
    def sigma(r, f):
        s = list(r[1])
        s[0] = _scaled(s[0], f)
        return O.Result((r[0], s, r[2], r[3]), **r.__dict__)

    def bounds(r, f):
        sb = [_scaled(b, f) for b in r.sigma_bounds]
        return O.Result((r[0], r[1], r[2], sb[0]), **{**r.__dict__, "sigma_bounds": sb})

    def swap(r, _):
        s = list(r[1])
        s[0], s[-1] = s[-1], s[0]
        return O.Result((r[0], s, r[2], r[3]), **r.__dict__)

    def residual(r, f):
        return O.Result(tuple(r), **{**r.__dict__, "residual": _scaled(r.residual, f)})

    def vector(r, f):
        U = r[0].copy()
        U[0, 0] = _scaled(U[0, 0], f)
        return O.Result((U, r[1], r[2], r[3]), **r.__dict__)

    return [(sigma, "1+1e-3"), (sigma, "1+1e-20"), (sigma, "1+1e-45"), (bounds, "1e-6"), (bounds, "1e3"),
            (swap, None), (residual, "1e-9"), (residual, "1e6"), (vector, "1+1e-12"), (vector, "1+1e-40")]


@pytest.mark.parametrize("lie,factor", _svd_lies(), ids=lambda x: getattr(x, "__name__", str(x)))
def test_a_tampered_svd_is_rejected(tmp_path, lie, factor):
    A = _mat(4, 3, "geometric", 5)
    ref = O.svd(A)
    (path,) = _entries(tmp_path, "svd-")
    _rewrite(path, lambda r: lie(r, factor))
    O.cache_clear()
    r = O.svd(A)
    disk = O.cache_info()["disk"]
    assert disk["hits"] == 0 and disk["errors"] == 1, disk
    assert _same(r, ref)


def test_tampered_eigensystem_and_inverse_are_rejected(tmp_path):
    A = _mat(4, 4, "geometric", 5)
    S = (A + A.T) / 2
    lam_ref, inv_ref = O.eigvalsh(S), O.inv(A)
    (pe,) = _entries(tmp_path, "eigvalsh-")
    (pi,) = _entries(tmp_path, "inv-")

    def shift_eigenvalue(r):
        lam = list(r[0])
        lam[1] = _scaled(lam[1], "1+1e-15")
        return O.Result((lam, r[1]), **r.__dict__)

    def perturb_inverse(v):
        X = v[0].copy()
        X[1, 2] = _scaled(X[1, 2], "1+1e-25")
        return (X, v[1], v[2], v[3])

    _rewrite(pe, shift_eigenvalue)
    _rewrite(pi, perturb_inverse)
    O.cache_clear()
    lam, X = O.eigvalsh(S), O.inv(A)
    disk = O.cache_info()["disk"]
    assert disk["hits"] == 0 and disk["errors"] == 2, disk
    assert _same(lam, lam_ref) and _same(X, inv_ref)


def test_what_is_accepted_is_certified(tmp_path):
    """Soundness for any tampering: an entry that passes re-verification carries values within
    its (re-checked) bounds of the true ones — here, σ moved by less than its own bound."""
    A = _mat(4, 3, "geometric", 2)
    ref = O.svd(A)
    (path,) = _entries(tmp_path, "svd-")
    rng = random.Random(7)
    for _ in range(20):
        rel = f"1+{10 ** rng.uniform(-70, -20):.3e}"

        def nudge(r):
            s = [_scaled(x, rel) for x in r[1]]
            return O.Result((r[0], s, r[2], r[3]), **r.__dict__)

        _rewrite(path, nudge)
        O.cache_clear()
        r = O.svd(A)
        if O.cache_info()["disk"]["hits"]:  # accepted: it must be certified
            with mpmath.workdps(80):
                assert all(abs(a - b) <= sb + sr for a, b, sb, sr in zip(r[1], ref[1], r.sigma_bounds, ref.sigma_bounds))
        else:
            assert _same(r, ref)
        O.cache_clear()
        O.svd(A)  # restore an honest entry for the next round (rewritten on a miss)


# --------------------------------------------------------------------------------
# a planted pickle is never executed
# --------------------------------------------------------------------------------

class _Payload:
    """Unpickling this creates the marker file: proof that a pickle was loaded."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_is_never_executed(tmp_path):
    A = _mat(3, 3)
    ref = O.svd(A)
    (path,) = _entries(tmp_path, "svd-")
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(str(marker)))
    path.write_bytes(evil)  # where today's entry lives
    old = tmp_path / "cache" / "oracle-v1" / path.name.replace(".json", ".pkl")
    old.parent.mkdir(parents=True)
    old.write_bytes(evil)  # and where the pickle cache of v1 kept it
    O.cache_clear()
    r = O.svd(A)
    assert not marker.exists()
    assert _same(r, ref) and O.cache_info()["disk"]["errors"] == 1


# --------------------------------------------------------------------------------
# the claims: every cache file corrupted, verdicts unchanged
# --------------------------------------------------------------------------------

# cheap at the smoke profile on the oracle (a few seconds together), true and false claims, and
# every op kept on disk: svd (norms), eigvalsh, inv, eig
CLAIMS = ["frobenius.ge_spectral", "frobenius.le_sqrt_rank_spectral", "schatten.frobenius_is_rms_singular_value",
          "conditioning.tikhonov_kappa", "linear_systems.forward_le_kappa_backward",
          "svd_facts.eigenvalue_stretch_flip", "linear_systems.bauer_fike"]


def _run_claims():
    from matspec.catalogue import get_claim
    from matspec.oracles import OracleOps
    from matspec.reports.runner import evaluate_claims

    O.cache_clear()
    rs = evaluate_claims([get_claim(c) for c in CLAIMS], OracleOps(), [], profile="smoke", seed=0)
    docs = [r.to_json() for r in rs]
    for d in docs:  # timings aside (matspec.reports.timings), the entries must be identical
        for part in (d["stated"], d["repaired"]):
            if part:
                part.pop("seconds")
    return docs, O.cache_info()["disk"]


def _flip_one_bit(path, rng):
    raw = bytearray(path.read_bytes())
    raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(raw))


def test_corrupted_cache_leaves_every_verdict_unchanged(tmp_path):
    cold, disk = _run_claims()
    files = _entries(tmp_path)
    assert disk["writes"] == len(files) and {f.name.split("-")[0] for f in files} >= {"svd", "eigvalsh", "inv", "eig"}
    warm, disk = _run_claims()
    assert warm == cold and disk["hits"] > 0 and disk["errors"] == 0
    rng = random.Random(17)
    for f in files:  # one flipped bit per file (the attack)
        _flip_one_bit(f, rng)
    flipped, disk = _run_claims()
    assert flipped == cold
    assert disk["hits"] == 0 and disk["errors"] > 0
    # a hostile writer: valid checksums, every stored σ of every SVD moved by 1e-6 relative
    for f in _entries(tmp_path, "svd-"):
        _rewrite(f, lambda r: O.Result((r[0], [_scaled(x, "1+1e-6") for x in r[1]], r[2], r[3]), **r.__dict__))
    hostile, disk = _run_claims()
    assert hostile == cold
