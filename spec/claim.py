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


@dataclass
class Empirical:
    """A statement about typical numerical behaviour.

    The agreement ``rule`` is stated before measuring (e.g. "same order of magnitude") and
    decides ``agrees(measurement)``; the claim records whether it expects agreement, and
    pytest fails when the measured agreement changes.  Timing figures may be measured and
    reported, but no verdict may depend on a timing threshold.
    """

    document_figure: str
    measure: Callable[[], Measurement]
    agrees: Callable[[Measurement], bool]
    rule: str
    expect_agreement: bool


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

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


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
