"""The spec language: a Claim, its Forms, provenance and verdicts.

A claim is a statement from a seed document.  It carries

* ``provenance``: seed file, section heading, and the statement quoted/paraphrased;
* ``stated``: the statement *as written*, as a :class:`Form` (inputs + property);
* optionally ``repaired``: the same statement with a missing hypothesis added
  (``repair='hypothesis'`` → verdict ``conditional``) or a corrected formula/value
  (``repair='correction'`` → verdict ``misstated``);
* ``recorded``: the verdict we expect the run to *compute*.  The runner never reads it
  while computing; pytest compares the two.

A Form's property is ``prop(ops, **inputs)`` returning relations
(:mod:`matspec.values`), written once against the op-set interface.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from hypothesis.strategies import SearchStrategy

from matspec.implementations.base import Domain


class Verdict(str, enum.Enum):
    HOLDS = "holds"
    REFUTED = "refuted"
    CONDITIONAL = "conditional"
    MISSTATED = "misstated"
    EMPIRICAL = "empirical"
    UNDECIDED = "undecided"  # never recorded: the run could not decide (e.g. oracle refused)


class Outcome(str, enum.Enum):
    """Per (claim, backend): does the implementation honour the true form?"""

    CONFORMS = "conforms"
    VIOLATES = "violates"
    UNSUPPORTED = "unsupported"
    UNDECIDED = "undecided"
    NOT_APPLICABLE = "n/a"  # the claim is refuted outright: nothing true to check


@dataclass(frozen=True)
class Provenance:
    seed: str  # file name under seeds/
    section: str  # section heading as printed
    statement: str  # the statement, quoted or closely paraphrased

    def short(self) -> str:
        return f"{self.seed} § {self.section}"


@dataclass
class Form:
    """One executable statement.

    inputs:   ``Callable[[Domain], SearchStrategy[dict]]`` — drawn inputs by name; or None
              when the statement is about fixed ``examples`` only.
    examples: fixed inputs (dicts) always evaluated first — the documents' worked examples,
              witnesses of existential statements, adversarial cases.
    assume:   precondition on drawn inputs (inputs failing it are rejected, not passed).
    """

    text: str
    prop: Callable[..., Any]
    inputs: Optional[Callable[[Domain], SearchStrategy]] = None
    examples: list[dict] = field(default_factory=list)
    assume: Optional[Callable[..., bool]] = None

    def __post_init__(self):
        if self.inputs is None and not self.examples:
            raise ValueError(f"form {self.text!r} has neither drawn inputs nor fixed examples")


@dataclass
class Measurement:
    """What an empirical claim measured: the figure and the setting that produced it
    (shape, spectrum, dtype, method, metric)."""

    value: float
    setting: str
    details: dict = field(default_factory=dict)


class EmpiricalKind(str, enum.Enum):
    """Why an empirical claim is not decidable as mathematics — the only admissible reasons.

    A statement that is true or false as mathematics (a bound, an identity, a rate, a fact about a
    number format) is decided as mathematics, with the op it needs; ``empirical`` is for these:"""

    TYPICAL = "typical"  # typical behaviour over a distribution of inputs ("usually", a measured error level)
    TIMING = "timing"  # a wall-clock timing
    THROUGHPUT = "throughput"  # a hardware throughput (flop/s, bandwidth)


@dataclass
class Empirical:
    """A statement about typical numerical behaviour.

    The agreement ``rule`` is stated before measuring (e.g. "same order of magnitude") and
    decides ``agrees(measurement)``; the claim records whether it expects agreement, and
    pytest fails when the measured agreement changes.  Timing figures may be measured and
    reported, but no verdict may depend on a timing threshold.  ``kind`` records why the
    statement is not decidable as mathematics (:class:`EmpiricalKind`).
    """

    document_figure: str
    measure: Callable[[], Measurement]
    agrees: Callable[[Measurement], bool]
    rule: str
    expect_agreement: bool
    kind: EmpiricalKind

    def __post_init__(self):
        if not isinstance(self.kind, EmpiricalKind):
            raise ValueError(f"empirical kind must be one of {[k.value for k in EmpiricalKind]}, got {self.kind!r}")


@dataclass
class Claim:
    id: str
    provenance: Provenance
    stated: Optional[Form]
    recorded: Verdict
    repaired: Optional[Form] = None
    repair: Optional[str] = None  # "hypothesis" | "correction"
    note: str = ""
    # Expected outcome per backend id where it is not `conforms` (e.g. a known overflow).
    expect: dict[str, Outcome] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    empirical: Optional[Empirical] = None
    # Other places that state the same claim (one claim, one home: the rest cite it here).
    also: tuple[Provenance, ...] = ()
    # Mandatory: does the note report a flaw in the statement as written?  It must agree with the
    # verdict (see flaw_disagreement): a flaw goes with refuted / misstated / conditional, or with an
    # empirical figure the measurement is expected to contradict — never with `holds`.
    note_reports_flaw: Optional[bool] = None
    # For the errata sheet (errata.md), required when the note reports a flaw: what is wrong, in one
    # line; and the corrected statement when there is no repaired form to quote (refuted, empirical).
    erratum: str = ""
    corrected: str = ""

    def __post_init__(self):
        if (self.stated is None) == (self.empirical is None):
            raise ValueError(f"{self.id}: a claim has either a stated form or an empirical measurement")
        if (self.recorded == Verdict.EMPIRICAL) != (self.empirical is not None):
            raise ValueError(f"{self.id}: recorded 'empirical' goes with an empirical measurement")
        if "." not in self.id:
            raise ValueError(f"claim id must be topic.name, got {self.id!r}")
        if self.repaired is not None and self.repair not in ("hypothesis", "correction"):
            raise ValueError(f"{self.id}: a repaired form needs repair='hypothesis' or 'correction'")
        if self.recorded in (Verdict.CONDITIONAL, Verdict.MISSTATED) and self.repaired is None:
            raise ValueError(f"{self.id}: recorded {self.recorded.value} needs a repaired form")
        if not isinstance(self.note_reports_flaw, bool):
            raise ValueError(f"{self.id}: note_reports_flaw=True/False is mandatory (does the note report a flaw "
                             "in the statement as written?)")
        if self.note_reports_flaw:
            if not self.erratum.strip() or "\n" in self.erratum:
                raise ValueError(f"{self.id}: a claim whose note reports a flaw needs erratum= (what is wrong, one line)")
            if self.repaired is None and not self.corrected.strip():
                raise ValueError(f"{self.id}: a flawed claim without a repaired form needs corrected= (the corrected "
                                 "statement)")
        elif self.erratum or self.corrected:
            raise ValueError(f"{self.id}: erratum= / corrected= go with note_reports_flaw=True")

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def corrected_statement(self) -> str:
        """The corrected statement errata.md prints: the repaired form's text, else ``corrected``."""
        return self.repaired.text if self.repaired is not None else self.corrected


def verdict_reports_flaw(claim: Claim) -> bool:
    """Does the recorded verdict say the statement as written is wrong?"""
    if claim.recorded == Verdict.EMPIRICAL:
        return not claim.empirical.expect_agreement
    return claim.recorded in (Verdict.REFUTED, Verdict.MISSTATED, Verdict.CONDITIONAL)


def flaw_disagreement(claim: Claim) -> Optional[str]:
    """Why ``note_reports_flaw`` contradicts the recorded verdict, or None.  A verdict must not be
    weaker than what its own note shows (a flaw with `holds` is an error), nor stronger (a refuted
    claim whose note does not say what is wrong gives the errata sheet nothing to print)."""
    if claim.note_reports_flaw and not verdict_reports_flaw(claim):
        what = ("an empirical figure expected to agree" if claim.recorded == Verdict.EMPIRICAL
                else f"verdict {claim.recorded.value}")
        return f"{claim.id}: the note reports a flaw in the statement, but the record says {what}"
    if not claim.note_reports_flaw and verdict_reports_flaw(claim):
        return f"{claim.id}: verdict {claim.recorded.value} says the statement is wrong, but note_reports_flaw=False"
    return None


def combine_verdict(stated_holds: Optional[bool], repaired_holds: Optional[bool], repair: Optional[str]) -> Verdict:
    """The verdict from the two forms' computed statuses (None = undecided)."""
    if stated_holds is None:
        return Verdict.UNDECIDED
    if stated_holds:
        return Verdict.HOLDS
    if repair is None:
        return Verdict.REFUTED
    if repaired_holds is None:
        return Verdict.UNDECIDED
    if not repaired_holds:
        return Verdict.REFUTED
    return Verdict.CONDITIONAL if repair == "hypothesis" else Verdict.MISSTATED
