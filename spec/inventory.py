"""The sentence inventory: every sentence and display formula of the seed documents, mapped to the
claims that decide it or to the reason it is not encoded.

One data file per seed, ``spec/catalogue/inventory/<seed stem>.toml`` (format: docs/inventory.md)::

    seed = "004_22c25d75eff01b16.txt"

    [[section]]                 # sections in reading order; an entry belongs to the last one
    line = 99                   # starting at or before its line
    title = "2.1 Abstract Norm Definition"

    [[entry]]                   # one unit (sentence or display formula): its line and exact text
    line = 118
    quote = '''For A=B=11/nA = ...'''
    claims = ["axioms.max_entry_not_submultiplicative_example"]

    [[entry]]                   # or a block of lines that asserts nothing as a whole (code, figure art,
    lines = [39, 57]            # page chrome); single-unit entries inside the block take precedence
    reason = "no-assertion"
    why = "ASCII figure"

An entry has either ``claims`` (ids of the claims that decide it) or ``reason`` (one of
:data:`REASON_KINDS`) with ``why``.  tests/test_inventory.py checks that every entry resolves and that
every unit of each seed, split by :func:`split_units`, is covered.

**Splitting rule** (:func:`split_units`), applied to the seed text line by line (lines numbered from 1):

1. Blank lines are skipped; lines opening or closing a fenced block (```` ``` ````) are markup, skipped.
2. Inside a fenced block every non-blank line is one unit (a code line or a display formula); so is
   a line starting with ``$$`` (display formula), ``|`` (table row) or ``#`` (Markdown heading).
3. Any other line is split into sentences after ``.``, ``!`` or ``?`` (not part of an ellipsis; closing
   quotes, brackets or ``*`` may follow) when whitespace and then a character other than a lowercase
   ASCII letter follows, and after ``。``, ``！`` or ``？``.  No split after an abbreviation
   (:data:`ABBREVIATIONS`) or a lone enumerator (``1.``, ``a.``).  Each piece, stripped, is a unit.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10: the tomli backport (a dependency there)
    import tomli as tomllib

# Why a unit is not encoded.  The first three are the kinds for sentences that assert something;
# the next three are for units that assert nothing checkable on their own; `pending` marks a checkable
# sentence whose claim is not written yet (allowed only in a seed listed as incomplete by
# tests/test_inventory.py).
REASON_KINDS = {
    "historical": "a historical or attribution statement (who, when, which paper)",
    "complexity": "a complexity-theoretic statement (NP-hardness, no known algorithm): not decidable by computation",
    "vague": "too vague to test: no reading is precise enough to be true or false",
    "definition": "introduces notation or a definition; what it defines is checked where it is used",
    "proof": "a step of a proof or proof sketch; the statement it proves is a claim (named in why)",
    "no-assertion": "asserts nothing: a heading, question, transition, exhortation, code listing, figure or page chrome",
    "pending": "checkable, but no claim decides it yet",
}
# Reasons that put a sentence in claims.md's "not encoded" table (the others assert nothing).
NOT_ENCODED_KINDS = ("historical", "complexity", "vague", "pending")

ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "cf.", "Fig.", "Eq.", "resp.", "approx.", "etc.)")
_SPLIT = re.compile(r"""(?<=[^.][.!?])(["'”’)\]*]*)\s+(?=[^a-z\s])|(?<=[。！？])()""")
_ENUMERATOR = re.compile(r"(\d+|[A-Za-z])\.")


@dataclass(frozen=True)
class Unit:
    line: int
    text: str


def split_units(text: str) -> list[Unit]:
    """The units (sentences, display formulas, table rows, code lines) of a seed, by the rule above."""
    out: list[Unit] = []
    fence = False
    for no, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line.startswith("```"):
            fence = not fence
            continue
        if not line:
            continue
        if fence or line.startswith(("$$", "|", "#")):
            out.append(Unit(no, line))
            continue
        start = 0
        for m in _SPLIT.finditer(line):
            piece = line[start:m.start() + len(m.group(1) or m.group(2) or "")].strip()
            if piece.endswith(ABBREVIATIONS) or _ENUMERATOR.fullmatch(piece):
                continue
            if piece:
                out.append(Unit(no, piece))
            start = m.end()
        rest = line[start:].strip()
        if rest:
            out.append(Unit(no, rest))
    return out


class InventoryError(ValueError):
    """An inventory file that does not follow the format."""


@dataclass
class Entry:
    seed: str
    section: str
    line: Optional[int] = None  # a single unit ...
    quote: Optional[str] = None
    lines: Optional[tuple[int, int]] = None  # ... or a block of lines
    claims: tuple[str, ...] = ()
    reason: Optional[str] = None
    why: str = ""

    @property
    def first_line(self) -> int:
        return self.line if self.line is not None else self.lines[0]

    def covers(self, unit: Unit) -> bool:
        if self.line is not None:
            return unit.line == self.line and unit.text == self.quote
        return self.lines[0] <= unit.line <= self.lines[1]


@dataclass
class Inventory:
    seed: str
    path: Path
    sections: list[tuple[int, str]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def resolve(self, units: list[Unit]) -> tuple[dict[Unit, Entry], list[Unit], list[Entry]]:
        """Each unit's entry (a single-unit entry before a block), the units no entry covers, and the
        entries that cover no unit (stale quotes, empty blocks)."""
        exact = {(e.line, e.quote): e for e in self.entries if e.line is not None}
        blocks = [e for e in self.entries if e.lines is not None]
        used: set[int] = set()
        found, missing = {}, []
        for u in units:
            e = exact.get((u.line, u.text))
            if e is None:
                e = next((b for b in blocks if b.covers(u)), None)
            if e is None:
                missing.append(u)
            else:
                found[u] = e
                used.add(id(e))
        stale = [e for e in self.entries if id(e) not in used]
        return found, missing, stale


INVENTORY_DIR = Path(__file__).resolve().parent / "catalogue" / "inventory"


def inventory_path(seed: str) -> Path:
    return INVENTORY_DIR / f"{Path(seed).stem}.toml"


def inventory_seeds() -> list[str]:
    return sorted(f"{p.stem}.txt" for p in INVENTORY_DIR.glob("*.toml"))


# A byte-identical copy of the documents the inventory was written against, shipped with the
# catalogue so that completeness is checked wherever matspec is checked out (a CI checkout may
# have no ../shared beside it); tests/test_inventory.py fails if it drifts from ../shared/seeds.
BUNDLED_SEEDS_DIR = INVENTORY_DIR / "documents"


def shared_seeds_dir() -> Optional[Path]:
    """The project's shared seed folder, ../shared/seeds beside the repository, if present."""
    here = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    return here if here.is_dir() else None


def seeds_dir() -> Optional[Path]:
    """Where the seed documents are: $MATSPEC_SEEDS, else ../shared/seeds beside the repository,
    else the bundled copy."""
    env = os.environ.get("MATSPEC_SEEDS")
    if env:
        return Path(env)
    return shared_seeds_dir() or (BUNDLED_SEEDS_DIR if BUNDLED_SEEDS_DIR.is_dir() else None)


def load(seed: str) -> Inventory:
    path = inventory_path(seed)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InventoryError(f"{path}: {exc}") from None
    if data.get("seed") != seed:
        raise InventoryError(f"{path}: seed = {data.get('seed')!r}, expected {seed!r}")
    sections = sorted((int(s["line"]), str(s["title"])) for s in data.get("section", []))
    inv = Inventory(seed, path, sections)
    for i, raw in enumerate(data.get("entry", [])):
        where = f"{path.name} entry {i + 1}"
        unknown = set(raw) - {"line", "quote", "lines", "claims", "reason", "why"}
        if unknown:
            raise InventoryError(f"{where}: unknown keys {sorted(unknown)}")
        single, block = "line" in raw or "quote" in raw, "lines" in raw
        if single == block or (single and not ("line" in raw and "quote" in raw)):
            raise InventoryError(f"{where}: needs line + quote (one unit) or lines = [first, last] (a block)")
        if ("claims" in raw) == ("reason" in raw):
            raise InventoryError(f"{where}: needs claims = [...] or reason = ... (one of them)")
        if "reason" in raw and raw["reason"] not in REASON_KINDS:
            raise InventoryError(f"{where}: reason {raw['reason']!r} is not one of {sorted(REASON_KINDS)}")
        if "reason" in raw and not str(raw.get("why", "")).strip():
            raise InventoryError(f"{where}: a reason needs why = '...'")
        if "claims" in raw and (not raw["claims"] or "why" in raw):
            raise InventoryError(f"{where}: claims must be a non-empty list (and no why)")
        lines = tuple(raw["lines"]) if block else None
        if block and (len(lines) != 2 or lines[0] > lines[1]):
            raise InventoryError(f"{where}: lines must be [first, last]")
        first = raw["line"] if single else lines[0]
        section = next((t for ln, t in reversed(sections) if ln <= first), "")
        inv.entries.append(Entry(seed, section, raw.get("line"), raw.get("quote"), lines,
                                 tuple(raw.get("claims", ())), raw.get("reason"), str(raw.get("why", ""))))
    return inv


def load_all() -> list[Inventory]:
    return [load(s) for s in inventory_seeds()]


def not_encoded(inventories: Optional[list[Inventory]] = None) -> list[Entry]:
    """The sentences that assert something but have no claim, with their reason (claims.md's table)."""
    invs = load_all() if inventories is None else inventories
    return [e for inv in invs for e in inv.entries if e.reason in NOT_ENCODED_KINDS]
