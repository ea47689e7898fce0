"""README's "What it has found" block is generated from the errata (matspec.reports.errata), not hand-kept:
it must equal what the catalogue's verdicts give — the verdicts every `matspec run` is held to by
tests/test_catalogue.py — so the README cannot claim a finding the run does not compute, or miss one."""
from __future__ import annotations

from pathlib import Path

from matspec.reports import errata

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_findings_block_is_generated_from_the_errata():
    text = README.read_text(encoding="utf-8")
    expected = errata.findings_markdown(errata.errata_entries(errata.catalogue_document()))
    assert errata.README_BEGIN in text and errata.README_END in text
    current = errata.README_BEGIN + text.split(errata.README_BEGIN, 1)[1].split(errata.README_END, 1)[0] + errata.README_END
    assert current == expected, ("README's findings block is stale: run "
                                 "`python -m matspec.reports.errata --readme README.md`")


def test_findings_follow_the_run_document():
    # a run document whose claim holds gives no finding; the same claim computed misstated gives one line
    doc = errata.catalogue_document()
    c = next(x for x in doc["claims"] if x["id"] == "axioms.max_entry_not_submultiplicative_example")
    one = {"claims": [c]}
    assert "`axioms.max_entry_not_submultiplicative_example`, misstated" in errata.findings_markdown(errata.errata_entries(one))
    held = {"claims": [{**c, "computed_verdict": "holds"}]}
    assert errata.errata_entries(held) == []


def test_errata_entries_carry_the_counterexample_matrices():
    """A counterexample with matrix inputs is printed with its entries, not only its spec (errata.md)."""
    from matspec.catalogue import get_claim
    from matspec.oracles import OracleOps
    from matspec.reports.render import run_document
    from matspec.reports.runner import evaluate_claim

    r = evaluate_claim(get_claim("linear_systems.forward_error_bound"), OracleOps(), [], profile="smoke")
    doc = run_document([r], seed=0, profile="smoke", backends=[], seconds=0.0)
    (e,) = errata.errata_entries(doc)
    assert e["entries"]["A"] == [[1.0]] and e["entries"]["dA"] == [[1.0]]
    md = errata.markdown(doc)
    assert "entries: `A = [[1.0]]; dA = [[1.0]]" in md and "### § 7.2 Condition Number and Numerical Stability" in md
    assert "**Corrected:** κ(A)‖δA‖/‖A‖ < 1" in md
