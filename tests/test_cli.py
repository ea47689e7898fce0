import json

import pytest

from matspec.cli import main

CID = "axioms.max_entry_not_submultiplicative_example"


def test_run_writes_reports_and_replay_reproduces(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--claim", CID, "--claim", "frobenius.ge_spectral", "--profile", "smoke", "--out", str(out)]) == 0
    doc = json.loads((out / "claims.json").read_text())
    assert doc["schema_version"] == "1.2" and doc["summary"]["claims"] == 2
    entry = next(c for c in doc["claims"] if c["id"] == CID)
    assert entry["computed_verdict"] == "misstated" and entry["agrees"]
    assert entry["provenance"]["seed"] == "004_22c25d75eff01b16.txt"
    md = (out / "claims.md").read_text()
    assert CID in md and "misstated" in md
    # errata.md: the misstated claim, quoted, with what is wrong, its counterexample's entries, the correction
    # and the replay command; the claim that holds is not an erratum
    errata = (out / "errata.md").read_text()
    assert f"`{CID}`" in errata and "frobenius.ge_spectral" not in errata
    for part in ("## 004_22c25d75eff01b16.txt", "### § 2.1 Abstract Norm Definition", "(line 118)",
                 "**What is wrong:**", "**Counterexample:** `n=2`", "**Corrected:**",
                 f"**Replay:** `matspec replay {CID} "):
        assert part in errata, part
    # every known backend is accounted for: in the run (with outcome counts) or listed as absent
    from matspec.implementations import TORCH_IDS

    cov, missing = doc["summary"]["backend_coverage"], doc["summary"]["backends_unavailable"]
    assert set(cov) == set(doc["backends"]) and not set(cov) & set(missing)
    assert set(cov) | set(missing) == {"numpy-float64", "numpy-float32", *TORCH_IDS}
    assert sum(cov["numpy-float64"]["outcomes"].values()) == 2
    assert "## Backends" in md
    if "torch-cpu-bfloat16" in cov:  # torch has no bfloat16 matrix 2-norm: listed with torch's reason
        assert "frobenius.ge_spectral" in cov["torch-cpu-bfloat16"]["unsupported"]
        assert "Unsupported on torch-cpu-bfloat16" in md
    # the stored replay command re-evaluates the counterexample and fails again
    cmd = entry["replay"]["stated"]
    raw = cmd.split("--input '", 1)[1].rstrip("'")
    capsys.readouterr()
    assert main(["replay", CID, "--form", "stated", "--on", "oracle", "--input", raw]) == 1
    assert "violated" in capsys.readouterr().out
    # and the repaired form passes on the same input
    assert main(["replay", CID, "--form", "repaired", "--on", "numpy-float64", "--input", raw]) == 0


def test_list_and_show(capsys, tmp_path):
    assert main(["list"]) == 0
    assert CID in capsys.readouterr().out
    assert main(["show", CID, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2.1 Abstract Norm Definition" in out and "misstated" in out


def test_unknown_claim_and_bad_input_give_clear_errors(capsys):
    assert main(["show", "nope.nothing"]) == 2
    assert "no claim 'nope.nothing'" in capsys.readouterr().err
    assert main(["replay", CID, "--input", "{not json"]) == 2
    assert "bad --input" in capsys.readouterr().err
    assert main(["replay", CID, "--input", '{"n": {"type": "tensor"}}']) == 2
    assert "unknown input type" in capsys.readouterr().err
    assert main(["replay", CID, "--on", "gpu-magic", "--input", '{"n": 2}']) == 2
    assert "unknown op set" in capsys.readouterr().err


@pytest.mark.parametrize("argv, msg", [
    (["run", "--examples", "0"], "must be at least 1"),
    (["run", "--examples", "many"], "expected a whole number"),
    (["run", "--seed", "-3"], "seed must be in"),
    (["run", "--profile", "huge"], "invalid choice"),
])
def test_bad_run_arguments_are_rejected_clearly(argv, msg, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert msg in capsys.readouterr().err


def test_run_unknown_claim(capsys):
    assert main(["run", "--claim", "norms.nope"]) == 2
    assert "no claim 'norms.nope'" in capsys.readouterr().err
