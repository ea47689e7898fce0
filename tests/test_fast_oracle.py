"""The oracle's fast route (matspec.oracles.fast) against plain mpmath: agreement to the
requested digits across the strategy modes, fallback / refusal where it cannot certify,
planted bad refinements and certificates caught, the disk cache, and `run -j`."""
from __future__ import annotations

import multiprocessing

import mpmath
import numpy as np
import pytest

from matspec.implementations.base import OracleRefused
from matspec.inputs import MODES, MatrixSpec
from matspec.oracles import fast as F
from matspec.oracles import mp as O

pytestmark = pytest.mark.skipif(not F.HAVE_FLINT, reason="python-flint (the fast route) is not installed")

DIGITS = O.DEFAULT_DIGITS
DPS = O.working_dps(DIGITS)


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("MATSPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MATSPEC_NO_DISK_CACHE", raising=False)
    O.cache_clear()
    yield
    O.cache_clear()


def spec_cases():
    """(m, n, mode, log10 κ) over every strategy mode, both shapes, κ up to 1e16."""
    out = []
    for i, mode in enumerate(MODES):
        for (m, n), kappa in (((5, 5), 0), ((6, 4), 8), ((4, 6), 16), ((5, 5), 16)):
            out.append((m, n, mode, kappa, 100 + 7 * i + kappa))
    return out


def make(m, n, mode, kappa, seed):
    rank = min(m, n) // 2 if mode == "rank_deficient" else None
    return MatrixSpec(m, n, mode=mode, log10_kappa=kappa, seed=seed, rank=rank).to_mp(DPS)


def agree(x, y, bound):
    with mpmath.workdps(DPS + 20):
        return abs(x - y) <= bound


# --------------------------------------------------------------------------------
# agreement with plain mpmath
# --------------------------------------------------------------------------------

def test_svd_fast_agrees_with_plain_on_every_mode():
    answered = 0
    for m, n, mode, kappa, seed in spec_cases():
        A = make(m, n, mode, kappa, seed)
        plain = O._svd_plain(A, DIGITS)
        try:
            fast = O._svd_fast(A, DIGITS)
        except F.FastFailed:
            # A fallback is allowed (a wrong digit is not) where float64 cannot resolve the
            # start: σ at κ ≈ 1e16 sits at u·σ₁, the 1e-10-wide cluster at 1e-8 is below u.
            assert kappa >= 16 or mode == "clustered", (m, n, mode, kappa)
            continue
        answered += 1
        assert fast.tier == "fast" and plain.tier == "plain"
        tol = mpmath.mpf(10) ** -DIGITS * fast.fro
        assert fast[3] <= tol  # the requested digits are proved ...
        for i, (sf, sp) in enumerate(zip(fast[1], plain[1])):
            # ... and hold: both enclosures contain σ_i, so they overlap.
            assert agree(sf, sp, fast.sigma_bounds[i] + plain.sigma_bounds[i]), (mode, kappa, i)
            assert agree(sf, sp, 2 * tol)
        with mpmath.workdps(DPS + 40):  # the returned (exact) factors are the certified ones
            assert O._fro(A - O._scale_cols(fast[0], fast[1]) * fast[2]) <= fast.residual
    assert answered >= len(spec_cases()) // 2


def test_polar_fast_agrees_with_plain(monkeypatch):
    monkeypatch.setenv("MATSPEC_NO_DISK_CACHE", "1")  # each route must compute its own
    for m, n, mode, kappa, seed in spec_cases()[::3]:
        A = make(m, n, mode, kappa, seed)
        with O.use_route("plain"):
            try:
                Qp, bp = O.polar(A)
            except OracleRefused:
                Qp = None
        O.cache_clear()
        with O.use_route("fast"):
            try:
                Qf, bf = O.polar(A)
            except OracleRefused:
                assert Qp is None or mode in ("rank_deficient", "clustered") or kappa >= 16
                continue
        assert Qp is not None, (mode, kappa)  # fast certified what plain cannot: suspicious
        with mpmath.workdps(DPS):
            assert O._fro(Qf - Qp) <= bf + bp
            assert bf <= mpmath.mpf(10) ** -DIGITS * mpmath.sqrt(min(m, n))


@pytest.mark.parametrize("mode", MODES)
def test_eigvalsh_fast_agrees_with_plain(mode):
    for kappa in (0, 16):
        A = make(5, 5, mode, kappa, 7 + kappa)
        with mpmath.workdps(DPS):
            S = A + A.T  # both routes see the same (rounded) symmetric S
        plain = O._eigvalsh_plain(S, DIGITS)
        try:
            fast = O._eigvalsh_fast(S, DIGITS)
        except F.FastFailed:
            # eigenvalues near u·‖S‖ (κ = 1e16, rank deficient): float64 does not resolve them
            assert kappa >= 16 or mode == "rank_deficient", mode
            continue
        assert fast.tier == "fast"
        for lf, lp in zip(fast[0], plain[0]):
            assert agree(lf, lp, fast[1] + plain[1])


def test_inv_and_solve_fast_agree_with_plain(monkeypatch):
    monkeypatch.setenv("MATSPEC_NO_DISK_CACHE", "1")  # each route must compute its own
    for mode in MODES:
        if mode == "rank_deficient":
            continue
        for kappa in (0, 8, 14):
            A = make(5, 5, mode, kappa, 3 + kappa)
            Xp, bp, _, _ = O._inv_plain(A, DIGITS)
            Xf, bf, _, tier = O._inv_fast(A, DIGITS)
            assert tier == "fast"
            with mpmath.workdps(DPS):
                assert O._fro(Xf - Xp) <= bf + bp
            b = [1, -2, 3, 0.5, 1e-3]
            xf = O.solve(A, b)
            assert xf.tier == "fast"
            O.cache_clear()
            with O.use_route("plain"):
                xp = O.solve(A, b)
            assert xp.tier == "plain"
            with mpmath.workdps(DPS):
                assert O._fro(xf[0] - xp[0]) <= xf[1] + xp[1]


def test_extreme_scales_and_extra_digits():
    """Entries at 1e±300 with more digits than float64: scaled by a power of two, exact."""
    rng = np.random.default_rng(5)
    base = rng.standard_normal((4, 3))
    for e in (300, -300):
        with mpmath.workdps(DPS):
            A = mpmath.matrix([[mpmath.mpf(x) * mpmath.mpf(10) ** e * (1 + mpmath.mpf(10) ** -40 * (i + j))
                                for j, x in enumerate(r)] for i, r in enumerate(base)])
        fast = O._svd_fast(A, DIGITS)
        plain = O._svd_plain(A, DIGITS)
        for i, (sf, sp) in enumerate(zip(fast[1], plain[1])):
            assert agree(sf, sp, fast.sigma_bounds[i] + plain.sigma_bounds[i])
        with mpmath.workdps(DPS):
            assert fast[1][0] > mpmath.mpf(10) ** (e - 2)


# --------------------------------------------------------------------------------
# refusal and fallback
# --------------------------------------------------------------------------------

def test_singular_inverse_refused_by_fast_and_by_auto():
    A = mpmath.matrix([[1, 2], [2, 4]])
    with pytest.raises(F.FastFailed):
        O._inv_fast(A, DIGITS)
    with pytest.raises(OracleRefused):
        O.inv(A)
    assert O.cache_info()["tiers"]["refused"] == 1


def test_fast_only_route_refuses_what_it_cannot_certify_and_auto_falls_back():
    # κ ≈ 1e20: float64's inverse is no start (‖I − AX₀‖ ≥ 1), plain mpmath at 60 digits is.
    A = MatrixSpec(4, 4, mode="geometric", log10_kappa=20, seed=1).to_mp(DPS)
    with O.use_route("fast"), pytest.raises(OracleRefused, match="fast route could not certify"):
        O.inv(A)
    O.cache_clear()
    X, b = r = O.inv(A)
    assert r.tier == "plain"
    assert O.cache_info()["tiers"] == {"fast": 0, "plain": 1, "refused": 0}


def test_tiers_are_counted():
    A = make(4, 4, "geometric", 2, 1)
    O.svd(A)
    O.svd(A)  # a cache hit: not a second computation
    assert O.cache_info()["tiers"]["fast"] == 1 and O.cache_info()["hits"] == 1


# --------------------------------------------------------------------------------
# planted bad refinements and certificates
# --------------------------------------------------------------------------------

def test_one_refinement_step_too_few_is_refused():
    A = make(6, 6, "geometric", 4, 11)
    digits = 50
    dps = O.working_dps(digits)
    ok = F.svd(A, digits, dps)  # needs 3 steps from float64 to 80 digits
    assert ok[-1] >= 2
    with mpmath.workdps(dps):
        fro = O._fro(A)
    O._svd_certify(A, *ok[:3], ok[3], ok[4], ok[5], 0, fro, digits, dps, "fast")
    short = F.svd(A, digits, dps, steps=ok[-1] - 2)  # ~1e-32: far from 50 digits
    with pytest.raises(OracleRefused):
        O._svd_certify(A, *short[:3], short[3], short[4], short[5], 0, fro, digits, dps, "fast")


def test_certificate_ignoring_orthogonality_is_caught():
    """A tampered SVD (U scaled by 1 + 1e-20, σ by its inverse) keeps a tiny residual; a
    certificate that ignores ‖UᵀU − I‖ would accept wrong σ digits.  The real one refuses."""
    A = make(5, 5, "geometric", 2, 21)
    with mpmath.workdps(DPS):
        c = mpmath.mpf(1) + mpmath.mpf(10) ** -20
        U, s, Vt, res, eu, ev, _ = F.svd(A, DIGITS, DPS)
        Ub = U * c
        sb = [x / c for x in s]
        fro = O._fro(A)
        res_b = O._fro(A - O._scale_cols(Ub, sb) * Vt)
        eu_b = O._gram_defect(Ub, "cols")
        truth = O._svd_plain(A, DIGITS)[1]
        err = max(abs(x - y) for x, y in zip(sb, truth))
        planted_bound = res_b + O._floor_slack(DPS, fro)  # residual only
    assert planted_bound < err  # the planted certificate would claim wrong digits
    with pytest.raises(OracleRefused):
        O._svd_certify(A, Ub, sb, Vt, res_b, eu_b, ev, 0, fro, DIGITS, DPS, "fast")


def test_polar_certificate_ignoring_the_gap_is_caught():
    """The polar factor of data B within d = ‖A − B‖_F of the exact A (an op chain's Mat.err)
    at κ = 1e16: its error is ~d·κ, so a bound that drops Li–Sun's division by σ_min
    understates it; the real bound holds."""
    A = MatrixSpec(4, 4, mode="geometric", log10_kappa=16, seed=4).to_mp(DPS)
    rng = np.random.default_rng(0)
    with mpmath.workdps(DPS):
        B = A + mpmath.matrix(rng.standard_normal((4, 4)).tolist()) * mpmath.mpf(10) ** -40
        d = O._fro(A - B)
    Q, fwd, recon, r = O._polar_parts(B, DIGITS, extra_err=d)
    assert r.tier == "fast"
    hi = 70  # reference: the polar factor of A at 70 digits
    with mpmath.workdps(O.working_dps(hi)):
        Qref, bref = O.polar(A, hi)
        err = O._fro(Q - Qref)
        planted = r.sigma_bounds[0] + d + recon  # forgets the 1/σ_min amplification
        assert err <= fwd + recon + bref
        assert planted < err


# --------------------------------------------------------------------------------
# disk cache
# --------------------------------------------------------------------------------

def test_disk_cache_round_trip(tmp_path):
    A = make(4, 3, "geometric", 3, 2)
    r1 = O.svd(A)
    assert O.cache_info()["disk"]["writes"] == 1
    O.cache_clear()  # memory only
    r2 = O.svd(A)
    assert O.cache_info()["disk"]["hits"] == 1
    assert r2[1] == r1[1] and r2[3] == r1[3] and r2.tier == r1.tier and r2.sigma_bounds == r1.sigma_bounds
    assert r2[0] == r1[0]
    # a refusal round-trips as a refusal
    S = mpmath.matrix([[1, 2], [2, 4]])
    with pytest.raises(OracleRefused):
        O.inv(S)
    O.cache_clear()
    with pytest.raises(OracleRefused):
        O.inv(S)
    assert O.cache_info()["disk"]["hits"] == 1 and O.cache_info()["tiers"]["refused"] == 0
    # a torn file is a miss, never an answer
    for p in (tmp_path / "cache").rglob("svd-*.json"):
        p.write_bytes(p.read_bytes()[:20])
    O.cache_clear()
    r3 = O.svd(A)
    assert O.cache_info()["disk"]["errors"] == 1 and r3[1] == r1[1]


def test_disk_cache_can_be_disabled(monkeypatch, tmp_path):
    monkeypatch.setenv("MATSPEC_NO_DISK_CACHE", "1")
    O.svd(make(3, 3, "geometric", 1, 3))
    assert O.cache_info()["disk"] == {"dir": None, "hits": 0, "writes": 0, "errors": 0}
    assert not (tmp_path / "cache").exists()


def _hammer(args):
    key, value, rounds = args
    bad = 0
    for _ in range(rounds):
        O._disk_put(key, value)
        got = O._disk_get(key)
        if got is None or got != value:
            bad += 1
    return bad, O._DISK["errors"]


def test_disk_cache_concurrent_writers(tmp_path):
    key = ("svd", "ab" * 32, 30)
    value = ([mpmath.mpf(1) / 3] * 200, "x" * 10000)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        out = pool.map(_hammer, [(key, value, 60)] * 4)
    assert all(bad == 0 and errors == 0 for bad, errors in out)
    files = list((tmp_path / "cache").rglob("*"))
    assert not [f for f in files if f.name.startswith(".tmp-")]  # no temp files left behind
    assert O._disk_get(key) == value


# --------------------------------------------------------------------------------
# run -j
# --------------------------------------------------------------------------------

def test_run_parallel_equals_sequential():
    from matspec.catalogue import get_claim
    from matspec.oracles import OracleOps
    from matspec.reports.runner import evaluate_claims

    ids = ["frobenius.submultiplicative", "axioms.n3_triangle", "induced.spectral_is_sigma1"]
    claims = [get_claim(i) for i in ids]

    def strip(rs):
        return [{k: v for k, v in r.to_json().items()} for r in rs]

    def no_seconds(d):
        if isinstance(d, dict):
            return {k: no_seconds(v) for k, v in d.items() if k != "seconds"}
        if isinstance(d, list):
            return [no_seconds(x) for x in d]
        return d

    seq = evaluate_claims(claims, OracleOps(), [], profile="smoke", seed=3, jobs=1)
    par = evaluate_claims(claims, OracleOps(), [], profile="smoke", seed=3, jobs=2, no_backends=True)
    assert [r.claim.id for r in par] == ids
    assert no_seconds(strip(seq)) == no_seconds(strip(par))
    assert all(r.stated.examples > 0 for r in par)


@pytest.mark.parametrize("m, n, mode, kappa", [(6, 4, "clustered", 8), (4, 6, "repeated", 2), (5, 5, "geometric", 16)])
def test_reused_gram_defects_bound_the_returned_factors(m, n, mode, kappa):
    """The fast SVD takes ‖UᵀU − I‖_F and ‖VᵀV − I‖_F from its refinement's last pass
    instead of recomputing them: they must still bound the factors it returns (tall, wide,
    reordered and sign-flipped columns included), as the plain evaluation shows."""
    A = make(m, n, mode, kappa, 31 + m + kappa)
    U, s, Vt, res, eu, ev, _ = F.svd(A, DIGITS, DPS)
    with mpmath.workdps(DPS + 20):
        assert O._gram_defect(U, "cols") <= eu * (1 + mpmath.mpf(2) ** -40)
        assert O._gram_defect(Vt, "rows") <= ev * (1 + mpmath.mpf(2) ** -40)
        assert O._fro(A - O._scale_cols(U, s) * Vt) <= res * (1 + mpmath.mpf(2) ** -40)


@pytest.mark.parametrize("m, n", [(5, 5), (7, 3), (3, 7)])
def test_svdvals_without_vectors_equals_svd(m, n):
    A = make(m, n, "log_uniform", 6, 40 + m)
    v = O.svdvals(A, DIGITS)
    assert v.tier == "fast"
    O.cache_clear()
    r = O.svd(A, DIGITS)
    assert v[0] == r[1] and v.sigma_bounds == r.sigma_bounds and v[1] == r[3]
    # an SVD already in the cache answers svdvals without a new computation
    computed = dict(O.cache_info()["tiers"])
    assert O.svdvals(A, DIGITS)[0] == r[1]
    assert O.cache_info()["tiers"] == computed  # no route ran again
    with O.use_route("plain"):
        p = O.svdvals(A, DIGITS)
    assert p.tier == "plain"
    with mpmath.workdps(DPS):
        assert max(abs(x - y) for x, y in zip(p[0], v[0])) <= p[1] + v[1]


def test_mpmath_input_is_still_validated():
    A = mpmath.matrix([[1, 2], [3, 4]])
    A[1, 0] = mpmath.nan
    with pytest.raises(O.InputError, match="NaN or Inf"):
        O.svdvals(A)
    A[1, 0] = mpmath.inf
    with pytest.raises(O.InputError, match="NaN or Inf"):
        O.svd(A)
    B = mpmath.matrix([[1, 2], [3, 4]])
    C = O.as_mp_matrix(B)
    C[0, 0] = 9  # a copy, not an alias of the caller's matrix
    assert B[0, 0] == 1
