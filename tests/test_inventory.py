"""The sentence inventory (spec/catalogue/inventory/*.toml, format in docs/inventory.md): every entry resolves,
and — so that completeness is checked, not assumed — every unit of each seed document, split by the stated
rule (matspec.inventory.split_units), appears in the inventory."""
from __future__ import annotations

import pytest

from matspec import inventory as inv
from matspec.catalogue import all_claims

# Seeds whose inventory is not complete yet: their entries must resolve, but not every unit has to be listed.
# THE one place this is tolerated; a seed leaves the set when its inventory is complete.
INCOMPLETE_SEEDS: set[str] = set()
# Seeds that may still hold `pending` entries (a checkable sentence whose claim is not written yet).  Shrinks to
# empty as the claims are written; INCOMPLETE_SEEDS may always hold them.
PENDING_CLAIMS_SEEDS: set[str] = set()

CLAIMS = {c.id: c for c in all_claims()}
INVENTORIES = {i.seed: i for i in inv.load_all()}
SEEDS_DIR = inv.seeds_dir()
needs_seeds = pytest.mark.skipif(SEEDS_DIR is None, reason="seed documents not found (set MATSPEC_SEEDS, keep "
                                                           "../shared/seeds beside the repository or the bundled copy)")


def _cites(claim, seed: str) -> bool:
    return claim.provenance.seed == seed or any(a.seed == seed for a in claim.also)


@needs_seeds
def test_every_seed_has_an_inventory():
    seeds = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert seeds and sorted(INVENTORIES) == seeds


def test_bundled_documents_are_the_shared_seeds():
    """The copy shipped with the catalogue (what the inventory is checked against where no
    ../shared/seeds exists) is byte-identical to the project's documents."""
    bundled = sorted(p.name for p in inv.BUNDLED_SEEDS_DIR.glob("*.txt"))
    assert bundled == sorted(INVENTORIES)
    shared = inv.shared_seeds_dir()
    if shared is None:
        pytest.skip("no ../shared/seeds beside this checkout to compare the bundled copy with")
    assert sorted(p.name for p in shared.glob("*.txt")) == bundled
    for name in bundled:
        assert (inv.BUNDLED_SEEDS_DIR / name).read_bytes() == (shared / name).read_bytes(), (
            f"{name}: the bundled copy differs from ../shared/seeds — copy it again and re-check the inventory")


def test_seed_folder_falls_back_to_the_bundled_copy(monkeypatch, tmp_path):
    monkeypatch.delenv("MATSPEC_SEEDS", raising=False)
    monkeypatch.setattr(inv, "shared_seeds_dir", lambda: None)
    assert inv.seeds_dir() == inv.BUNDLED_SEEDS_DIR
    monkeypatch.setenv("MATSPEC_SEEDS", str(tmp_path))
    assert inv.seeds_dir() == tmp_path


@pytest.mark.parametrize("seed", sorted(INVENTORIES))
def test_entries_resolve(seed):
    """Every claim named exists and cites this seed (in its provenance or also=); every reason is a stated kind
    with a why; `pending` only where allowed."""
    i = INVENTORIES[seed]
    for e in i.entries:
        where = f"{seed} line {e.first_line}: {(e.quote or '')[:60]!r}"
        for cid in e.claims:
            assert cid in CLAIMS, f"{where}: no claim {cid!r}"
            assert _cites(CLAIMS[cid], seed), f"{where}: {cid} does not cite {seed} (add it to the claim's also=)"
        if e.reason is not None:
            assert e.reason in inv.REASON_KINDS and e.why.strip(), where
            if e.reason == "pending":
                assert seed in INCOMPLETE_SEEDS | PENDING_CLAIMS_SEEDS, f"{where}: pending sentence, no claim yet"
        assert e.section, f"{where}: before the first section"


@needs_seeds
@pytest.mark.parametrize("seed", sorted(INVENTORIES))
def test_every_unit_of_the_seed_is_inventoried(seed):
    i = INVENTORIES[seed]
    units = inv.split_units((SEEDS_DIR / seed).read_text(encoding="utf-8"))
    found, missing, stale = i.resolve(units)
    assert not stale, f"{seed}: entries that match no unit (quote or line changed?): " + "; ".join(
        f"line {e.first_line}: {(e.quote or str(e.lines))[:60]!r}" for e in stale[:10])
    if seed in INCOMPLETE_SEEDS:
        return
    assert not missing, f"{seed}: {len(missing)} units are not inventoried, e.g. " + "; ".join(
        f"line {u.line}: {u.text[:60]!r}" for u in missing[:10])


@pytest.mark.parametrize("seed", sorted(set(INVENTORIES) - INCOMPLETE_SEEDS))
def test_every_claim_citing_a_complete_seed_is_in_its_inventory(seed):
    listed = {cid for e in INVENTORIES[seed].entries for cid in e.claims}
    unlisted = [cid for cid, c in CLAIMS.items() if _cites(c, seed) and cid not in listed]
    assert not unlisted, f"claims citing {seed} that no inventory entry names: {unlisted}"


def test_pending_seeds_still_have_pending_entries():
    # keeps PENDING_CLAIMS_SEEDS honest: a seed leaves it once its last pending sentence has a claim
    done = [s for s in PENDING_CLAIMS_SEEDS if not any(e.reason == "pending" for e in INVENTORIES[s].entries)]
    assert not done, f"no pending entries left in {done}: remove them from PENDING_CLAIMS_SEEDS"


def test_splitting_rule():
    text = ("Theorem. A norm is continuous. See e.g. Fig. 2 for a sketch... it is fine.\n"
            "\n"
            "```math\n"
            "A = U * Σ * V^T. B = C\n"
            "```\n"
            "## Heading. With a period\n"
            "$$\\kappa(A) = 1. x$$\n"
            "条件数衡量变化。换句话说，它是指标；不是。He said \"stop.\" Then 1. item")
    units = [(u.line, u.text) for u in inv.split_units(text)]
    assert units == [
        (1, "Theorem."), (1, "A norm is continuous."), (1, "See e.g. Fig. 2 for a sketch... it is fine."),
        (4, "A = U * Σ * V^T. B = C"),            # inside a fence: one unit per line
        (6, "## Heading. With a period"),         # a Markdown heading is one unit
        (7, "$$\\kappa(A) = 1. x$$"),             # a display formula is one unit
        (8, "条件数衡量变化。"), (8, "换句话说，它是指标；不是。"), (8, 'He said "stop."'), (8, "Then 1. item"),
    ]


def test_malformed_entries_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(inv, "INVENTORY_DIR", tmp_path)
    bad = {
        "reason": 'seed = "x.txt"\n[[entry]]\nline = 1\nquote = "a"\nreason = "boring"\nwhy = "w"\n',
        "both": 'seed = "x.txt"\n[[entry]]\nline = 1\nquote = "a"\nclaims = ["a.b"]\nreason = "vague"\nwhy = "w"\n',
        "why": 'seed = "x.txt"\n[[entry]]\nline = 1\nquote = "a"\nreason = "vague"\n',
        "shape": 'seed = "x.txt"\n[[entry]]\nline = 1\nclaims = ["a.b"]\n',
        "seed": 'seed = "y.txt"\n',
    }
    for what, text in bad.items():
        (tmp_path / "x.toml").write_text(text)
        with pytest.raises(inv.InventoryError):
            inv.load("x.txt")


def test_not_encoded_table_lists_only_asserting_sentences():
    rows = inv.not_encoded()
    assert rows and {e.reason for e in rows} <= set(inv.NOT_ENCODED_KINDS)
    assert all(e.reason not in ("no-assertion", "definition", "proof") for e in rows)
    # claims.md renders the table from the inventory: one row per such sentence, with its reason
    from matspec.reports.render import not_encoded_markdown

    table = not_encoded_markdown()
    assert table[0] == "## Not encoded"
    body = [line for line in table if line.startswith("| 00")]
    assert len(body) == len(rows)
    hist = next(e for e in rows if e.reason == "historical")
    assert any(f"| {hist.first_line} |" in line and "| historical |" in line for line in body)
