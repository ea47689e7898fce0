"""The runner's verdict logic: what counts as holds / refuted / undecided, and that nothing
a property or an op does can turn into a silent pass."""
import math

import numpy as np
import pytest

from matspec.catalogue._common import named, src
from matspec.claim import Claim, Empirical, EmpiricalKind, Form, Measurement, Verdict, combine_verdict
from matspec.implementations.base import OracleRefused, Unsupported
from matspec.implementations.numpy_backend import NumpyOps
from matspec.reports.runner import check_form, evaluate_claim
from matspec.strategies import matrices
from matspec.values import Val, eq, le

OPS = NumpyOps()


def _f(prop, **kw):
    return Form("t", prop, named(A=matrices), **kw)


def test_raising_property_is_a_violation_not_a_pass():
    def prop(ops, A):
        raise np.linalg.LinAlgError("SVD did not converge")

    r = check_form(_f(prop), OPS, seed=1)
    assert r.status == "refuted" and "LinAlgError" in r.message


def test_nan_result_is_a_violation():
    r = check_form(_f(lambda ops, A: le(Val(math.nan), 1, "nan")), OPS, seed=1)
    assert r.status == "refuted"


def test_oracle_refusal_everywhere_is_undecided():
    def prop(ops, A):
        raise OracleRefused("certificate failed")

    r = check_form(_f(prop), OPS, seed=1)
    assert r.status == "undecided" and r.undecided == r.examples > 0


def test_unbounded_radius_everywhere_is_undecided():
    r = check_form(_f(lambda ops, A: eq(Val(1.0, math.inf), 1.0, "no bound")), OPS, seed=1)
    assert r.status == "undecided"


def test_unsupported_op_is_reported_as_unsupported():
    def prop(ops, A):
        raise Unsupported("svdvals", ops.id, "no bfloat16 SVD")

    assert check_form(_f(prop), OPS, seed=1).status == "unsupported"


def test_precondition_filters_inputs():
    seen = []

    def prop(ops, A):
        seen.append(A.m)
        return eq(1, 1, "trivial")

    r = check_form(_f(prop, assume=lambda A: A.m >= 2), OPS, seed=1)
    assert r.status == "holds" and seen and min(seen) >= 2


def test_fixed_examples_run_first_and_refute():
    form = Form("example", lambda ops, n: eq(n, 3, "n == 3"), examples=[{"n": 4}])
    r = check_form(form, OPS, seed=0)
    assert r.status == "refuted" and r.counterexample == {"n": 4}


def test_combine_verdict_table():
    assert combine_verdict(True, None, None) == Verdict.HOLDS
    assert combine_verdict(False, None, None) == Verdict.REFUTED
    assert combine_verdict(False, True, "hypothesis") == Verdict.CONDITIONAL
    assert combine_verdict(False, True, "correction") == Verdict.MISSTATED
    assert combine_verdict(False, False, "correction") == Verdict.REFUTED
    assert combine_verdict(None, None, None) == Verdict.UNDECIDED


def test_claim_definitions_are_validated():
    with pytest.raises(ValueError, match="topic.name"):
        Claim(id="nodot", provenance=src("s", "t"), stated=Form("t", lambda ops: [], examples=[{}]), recorded=Verdict.HOLDS,
              note_reports_flaw=False)
    with pytest.raises(ValueError, match="needs a repaired form"):
        Claim(id="a.b", provenance=src("s", "t"), stated=Form("t", lambda ops: [], examples=[{}]), recorded=Verdict.MISSTATED,
              note_reports_flaw=True, erratum="wrong")
    with pytest.raises(ValueError, match="note_reports_flaw=True/False is mandatory"):
        Claim(id="a.b", provenance=src("s", "t"), stated=Form("t", lambda ops: [], examples=[{}]), recorded=Verdict.HOLDS)
    with pytest.raises(ValueError, match="needs erratum="):
        Claim(id="a.b", provenance=src("s", "t"), stated=Form("t", lambda ops: [], examples=[{}]), recorded=Verdict.REFUTED,
              note_reports_flaw=True)
    with pytest.raises(ValueError, match="needs corrected="):
        Claim(id="a.b", provenance=src("s", "t"), stated=Form("t", lambda ops: [], examples=[{}]), recorded=Verdict.REFUTED,
              note_reports_flaw=True, erratum="wrong")
    with pytest.raises(ValueError, match="empirical kind must be one of"):
        Empirical("1e-2", lambda: None, lambda m: True, "rule", True, "a hunch")
    with pytest.raises(ValueError, match="neither drawn inputs nor fixed examples"):
        Form("t", lambda ops: [])


def _empirical(value, expect, raises=False):
    def measure():
        if raises:
            raise RuntimeError("kernel crashed")
        return Measurement(value, "toy setting")

    return Claim(
        id="toy.empirical", provenance=src("s", "the error is about 1e-2"), stated=None, recorded=Verdict.EMPIRICAL,
        empirical=Empirical("1e-2", measure, lambda m: 1e-3 <= m.value <= 1e-1, "same order of magnitude", expect,
                            EmpiricalKind.TYPICAL),
        note_reports_flaw=not expect, erratum="" if expect else "the figure is off", corrected="" if expect else "about 5",
    )


def test_empirical_claims_report_the_measurement_and_check_agreement():
    r = evaluate_claim(_empirical(0.02, True), None)
    assert r.computed == Verdict.EMPIRICAL and r.agrees
    assert r.stated.measurement["agrees"] is True and "measured: 0.02" in r.stated.message
    # the measured agreement changed: the run does not agree with the record
    r = evaluate_claim(_empirical(5.0, True), None)
    assert r.computed == Verdict.UNDECIDED and not r.agrees
    # a measurement that raises is never a pass
    r = evaluate_claim(_empirical(0.02, True, raises=True), None)
    assert r.computed == Verdict.UNDECIDED and "kernel crashed" in r.stated.message
