"""Review fixes of validate's judging (matspec.validate.judge, judge64): the band contract's
vacuity rule holds on the float64 tier too, the float64 reference's a-posteriori bound counts the
evaluation of its own orthogonality defects and norms, cond runs one oracle SVD per input, and
the float64 tier builds its SVD only where it judges with it.  All judged directly (no kernel
run), at sizes just beyond the certified oracle: cheap.
"""
import math

import numpy as np
import pytest

from matspec.oracles import mp as OM
from matspec.tolerance import gamma
from matspec.validate.contracts import parse_contract
from matspec.validate.judge import OpJudge, _fro_upper
from matspec.validate.judge64 import ORACLE_MAX, SVD64, U64
from matspec.validate.precision import Precision

LAM = 3.0
N = 100  # beyond ORACLE_MAX: a bfloat16 kernel is judged on the float64 tier
BF16 = Precision.of("float32", "bfloat16", "bfloat16")


def _bf16(X):
    """X rounded to bfloat16 (to nearest even), as float64: what a bfloat16 kernel returns."""
    b = np.asarray(X, dtype=np.float32).view(np.uint32).astype(np.uint64)
    b = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
    return b.astype(np.uint32).view(np.float32).astype(np.float64)


def _svd_input(n=N, seed=0):
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.geomspace(1.0, 0.1, n)
    return U, s, V, (U * s) @ V.T


def _band_judge(contract, Y, A):
    j = OpJudge("msign", {}, parse_contract(contract, "msign"), BF16, LAM)
    ref = j.prepare([A])
    assert ref.get("tier") == "float64" and N > ORACLE_MAX
    return j.judge(ref, Y)


def test_band_at_size_is_undecided_where_the_rounding_allowance_reaches_lo():
    """bfloat16 output at r = 100, HI = 1.2: the out-of-band allowance u_out·HI·√r ≈ 0.047.  With
    LO = 0.04 a kernel that collapses a direction to 0 (out of band by exactly LO) would be within
    it — the float64 tier must say undecided, as the certified tier does, never pass."""
    U, s, V, A = _svd_input()
    d = np.ones(N)
    d[-1] = 0.0  # the planted kernel: the smallest direction collapsed to 0
    collapsed = _bf16((U * d) @ V.T)
    correct = _bf16(U @ V.T)
    allow = 2.0 ** -8 * 1.2 * math.sqrt(N)
    assert allow >= 0.04
    for Y in (collapsed, correct):
        j = _band_judge("band:0.04,1.2", Y, A)
        assert j.state == "undecided", (j.state, j.reason)
        assert "reaches the band's distance to 0 (LO = 0.04)" in j.reason
        assert j.detail["allowed_out_of_band"] == pytest.approx(allow)
        assert "float64" in j.detail["reference_tier"]
    # where the allowance stays below LO the same planted kernel fails, out of band
    j = _band_judge("band:0.1,1.2", collapsed, A)
    assert j.state == "fail", (j.state, j.reason)
    assert "outside the band" in j.reason
    assert j.measured >= 0.1 - 0.01 and j.allowed == pytest.approx(allow)


def test_band_vacuity_reason_is_the_same_on_both_tiers():
    """One helper decides it for band_judge (certified) and _band_judge64 (float64 tier)."""
    j = OpJudge("msign", {}, parse_contract("band:0.04,1.2", "msign"), BF16, LAM)
    allow, why = j._band_rounding_allowance(N)
    assert allow == pytest.approx(2.0 ** -8 * 1.2 * math.sqrt(N))
    assert why == f"out-of-band allowance {allow:.3g} reaches the band's distance to 0 (LO = 0.04)"
    assert j._band_rounding_allowance(10)[1] == ""  # 2⁻⁸·1.2·√10 ≈ 0.015 < 0.04: decided
    # LO = 0 (nothing to collapse below) is never vacuous by this rule
    j0 = OpJudge("msign", {}, parse_contract("band:0,1.2", "msign"), BF16, LAM)
    assert j0._band_rounding_allowance(N)[1] == ""


def test_float64_reference_bound_counts_forming_the_gram_matrices():
    """e_σ must include the float64 evaluation of ÛᵀÛ − I (length-m products: ≤ γ_m‖Û‖_F² ≈ r·γ_m)
    and of V̂ᵀV̂ − I (γ_n‖V̂‖_F²): a bound with only 2γ_{r+1} for them is too small by a factor ≈ r."""
    rng = np.random.default_rng(1)
    m, n = 180, 120
    A = rng.standard_normal((m, n))
    sv = SVD64(A)
    s1, r = float(sv.s[0]), min(m, n)
    assert sv.e_sigma >= s1 * r * (gamma(m, U64) + gamma(n, U64)) * (1 - 1e-9)
    # and it bounds the true error: σ of the exact A from the certified oracle (a small A)
    B = rng.standard_normal((40, 30))
    sb = SVD64(B)
    s_cert, bound = OM.svdvals(OM.as_mp_matrix(B))
    err = max(abs(float(x) - y) for x, y in zip(s_cert, sb.s))
    assert err + float(bound) <= sb.e_sigma


def test_frobenius_upper_bound_covers_float64_evaluation_at_size():
    """A float64 ‖A‖_F over m·n entries is off by up to γ_{mn+2} (≈ 1.2e-10 at 1024²), so the
    upper bound of ‖A‖_F that decides the floor cut inflates by that, not by a fixed 1e-12."""
    count = 1024 * 1024
    assert _fro_upper(1.0, count) >= 1 + gamma(count + 2, U64)
    assert _fro_upper(1.0, count) > 1 + 1e-10
    assert _fro_upper(2.0, 16) == pytest.approx(2.0, rel=1e-14) and _fro_upper(2.0, 16) > 2.0


@pytest.mark.parametrize("kind", ["2", "1", "fro"])
def test_cond_runs_one_oracle_svd_per_input(monkeypatch, kind):
    """OracleOps.cond certifies σ once; prepare must not run a second (vector) SVD of the same
    input, and κ_1, κ_F need none of their own."""
    monkeypatch.setenv("MATSPEC_NO_DISK_CACHE", "1")
    OM.cache_clear()
    calls = []
    routed = OM._routed

    def counting(op, *a):
        calls.append(op)
        return routed(op, *a)

    monkeypatch.setattr(OM, "_routed", counting)
    A = np.array([[4.0, 1.0, 0.5], [0.25, 3.0, 1.0], [1.0, -0.5, 2.0]])
    j = OpJudge("cond", {"kind": kind}, parse_contract("exact", "cond"), Precision.of("float32"), LAM)
    ref = j.prepare([A])
    assert calls.count("svd") == 1, calls
    allowed, why = j.allowed(ref)
    assert why == "" and allowed > 0
    if kind == "2":  # the σ judged are the certified SVD's, bit for bit
        full = OM.svd(OM.as_mp_matrix(A))
        assert list(ref["sigma"]) == list(full[1])
    OM.cache_clear()


@pytest.mark.parametrize("op, params, contract", [
    ("norm", {"kind": "nuc"}, "exact"),
    ("msign", {}, "exact"),
])
def test_float64_tier_builds_no_svd_it_does_not_use(op, params, contract):
    j = OpJudge(op, params, parse_contract(contract, op), BF16, LAM)
    A = _svd_input()[3]
    ref = j.prepare([A])
    assert ref.get("tier") == "float64" and "svd64" not in ref
    out = np.zeros(()) if op == "norm" else A
    got = j.judge(ref, out)
    assert got.state == "undecided" and "no float64 reference tier" in got.reason


def test_tier_follows_the_oracle_limit():
    j64 = OpJudge("svdvals", {}, parse_contract("exact", "svdvals"), Precision.of("float64"), LAM)
    jbf = OpJudge("svdvals", {}, parse_contract("exact", "svdvals"), BF16, LAM)
    for j in (j64, jbf):
        lim = j._oracle_limit()
        assert j.tier_for([np.zeros((lim, 3))]) == "certified"
        assert j.tier_for([np.zeros((3, lim + 1))]) == "float64"
    assert j64._oracle_limit() > jbf._oracle_limit() == ORACLE_MAX


def test_least_squares_probabilistic_allowance_is_the_worst_case():
    """The lstsq radius takes u and applies the worst-case γ: no probabilistic γ implies a u above
    the kernel's, so both allowances coincide (the removed u_eff inversion could never loosen it)."""
    rng = np.random.default_rng(3)
    A, b = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    for prec in (Precision.of("float64"), Precision.of("float32"), Precision.of("float32", accumulate="float64")):
        j = OpJudge("lstsq", {}, parse_contract("exact", "lstsq"), prec, LAM)
        ref = j.prepare([A, b])
        prob, why_p = j.allowed(ref, lambda k: prec.gamma_prob(k, LAM))
        worst, why_w = j.allowed(ref)
        assert why_p == why_w == "" and prob == worst > 0
