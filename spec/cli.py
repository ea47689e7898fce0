"""The ``matspec`` command: run / report / list / show / replay / validate."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from matspec.argtypes import positive_int as _positive_int
from matspec.argtypes import seed as _seed


def _load_claims(only: list[str] | None):
    from matspec.catalogue import all_claims, get_claim

    if only:
        import fnmatch

        out = []
        for pattern in only:
            if any(ch in pattern for ch in "*?["):  # a glob over ids, e.g. 'mclip.*'
                hits = [c for c in all_claims() if fnmatch.fnmatchcase(c.id, pattern)]
                if not hits:
                    get_claim(pattern)  # raises with the list of known ids
                out += [c for c in hits if c not in out]
            else:
                out.append(get_claim(pattern))
        return out
    return all_claims()


def cmd_run(args) -> int:
    from tqdm import tqdm

    from matspec.implementations import default_backends
    from matspec.oracles import OracleOps
    from matspec.reports.render import run_document, write_reports
    from matspec.reports.runner import evaluate_claims

    claims = _load_claims(args.claim)
    oracle = OracleOps()
    backends = [] if args.no_backends else default_backends()
    t0 = time.perf_counter()
    bar = tqdm(total=len(claims), desc="claims", unit="claim", file=sys.stderr, disable=None)

    def progress(c):
        bar.set_postfix_str(c.id)
        bar.update(1)

    results = evaluate_claims(claims, oracle, backends, profile=args.profile, seed=args.seed, examples=args.examples,
                              jobs=args.jobs, progress=progress, no_backends=args.no_backends)
    bar.close()
    doc = run_document(results, seed=args.seed, profile=args.profile, backends=[b.id for b in backends],
                       seconds=time.perf_counter() - t0)
    jp, mp_ = write_reports(doc, Path(args.out))
    s = doc["summary"]
    print(f"{s['claims']} claims in {doc['seconds']} s: " + ", ".join(f"{k} {v}" for k, v in sorted(s["verdicts"].items())))
    for r in results:
        flag = "" if r.agrees else f"   <-- recorded {r.claim.recorded.value}"
        print(f"  {r.computed.value:<11} {r.claim.id}{flag}")
        for m in r.backend_mismatches():
            print(f"      backend mismatch: {m}")
    print(f"wrote {jp} and {mp_}")
    over_bound = []
    if not args.no_report:
        rep = _write_report(Path(args.out), jp, seed=args.seed,
                            examples=args.accuracy_examples or _REPORT_EXAMPLES[args.profile])
        over_bound = _over_bound(rep)
    disagreements = len(s["disagreements_with_record"]) + len(s["backend_mismatches"])
    if disagreements:
        print(f"{disagreements} claim(s) disagree with their recorded verdict or expected outcomes", file=sys.stderr)
    if over_bound:
        print(f"{len(over_bound)} accuracy cell(s) exceed their derived bound or raised (see report.md)", file=sys.stderr)
    return 1 if disagreements or over_bound else 0


# Accuracy-sweep examples per cell when `matspec run` writes the report: smoke keeps the run quick.
_REPORT_EXAMPLES = {"smoke": 1, "default": 4, "heavy": 20, "large": 20}


def _write_report(out: Path, claims_path: Path | None, *, seed: int, examples: int) -> dict:
    from tqdm import tqdm

    from matspec.reports.accuracy import KAPPA_BUCKETS, SIZES
    from matspec.reports.html import generate

    bar = tqdm(total=len(KAPPA_BUCKETS) * len(SIZES) * examples, desc="accuracy", unit="input",
               file=sys.stderr, disable=None)
    rep, paths = generate(out_dir=out, claims_path=claims_path, seed=seed, examples=examples,
                          progress=lambda: bar.update(1))
    bar.close()
    cells = rep["accuracy"]["cells"]
    bad = [c for c in cells if c["status"] in ("exceeds", "error")]
    print(f"accuracy: {len(cells)} cells in {rep['accuracy']['seconds']} s, {len(bad)} exceed their bound or raised")
    for c in bad:
        print(f"  {c['status']}: {c['op']} on {c['backend']}, n={c['n']}, kappa 1e{c['kappa_bucket'][0]}-1e{c['kappa_bucket'][1]}")
    print(f"wrote {paths['json']}, {paths['md']} and {paths['html']}")
    return rep


def _over_bound(rep: dict) -> list[dict]:
    """Accuracy cells whose backend broke its own error model (error > derived bound) or raised."""
    return [c for c in rep["accuracy"]["cells"] if c["status"] in ("exceeds", "error")]


def cmd_report(args) -> int:
    from matspec.reports.html import ReportInputError

    claims = Path(args.from_) if args.from_ else Path(args.out) / "claims.json"
    if args.from_ and not claims.exists():
        print(f"matspec report: --from {claims} does not exist", file=sys.stderr)
        return 2
    if not claims.exists():
        print(f"(no {claims}: the report has no claims section; `matspec run` writes one)", file=sys.stderr)
    try:
        rep = _write_report(Path(args.out), claims, seed=args.seed, examples=args.accuracy_examples)
    except ReportInputError as exc:
        print(f"matspec report: {exc}", file=sys.stderr)
        return 2
    return 1 if _over_bound(rep) else 0


def cmd_list(args) -> int:
    for c in _load_claims(None):
        if args.topic and c.topic != args.topic:
            continue
        print(f"{c.id:<55} {c.recorded.value:<11} {c.provenance.short()}")
    return 0


def cmd_show(args) -> int:
    c = _load_claims([args.id])[0]
    print(f"{c.id}\n  source:    {c.provenance.seed} § {c.provenance.section}")
    print(f"  statement: {c.provenance.statement}")
    for a in c.also:
        print(f"  also in:   {a.seed} § {a.section}: {a.statement}")
    if c.stated is not None:
        print(f"  encoded:   {c.stated.text}")
    if c.empirical is not None:
        print(f"  document's figure: {c.empirical.document_figure}; agreement rule: {c.empirical.rule}")
    if c.repaired:
        print(f"  repaired ({c.repair}): {c.repaired.text}")
    print(f"  recorded verdict: {c.recorded.value}")
    if c.note:
        print(f"  note: {c.note}")
    report = Path(args.out) / "claims.json"
    if report.exists():
        doc = json.loads(report.read_text())
        for e in doc["claims"]:
            if e["id"] == c.id:
                print(f"  last run ({report}): computed {e['computed_verdict']}")
                if e["stated"]["counterexample_repr"]:
                    print(f"  counterexample (stated form): {e['stated']['counterexample_repr']}")
                    print(f"    {e['stated']['message']}")
                    print(f"  replay: {e['replay']['stated']}")
                for b, v in e["backends"].items():
                    print(f"  {b}: {v['outcome']}")
    else:
        print(f"  (no run found in {args.out}; `matspec run` computes the verdict)")
    return 0


def cmd_replay(args) -> int:
    from matspec.catalogue import get_claim
    from matspec.implementations import get_opset
    from matspec.inputs import InputError, spec_from_json
    from matspec.reports.runner import evaluate_once

    c = get_claim(args.id)
    form = c.stated if args.form == "stated" else c.repaired
    if form is None:
        print(f"{c.id} has no {args.form} form", file=sys.stderr)
        return 2
    try:
        raw = json.loads(args.input)
        inputs = {k: spec_from_json(v) for k, v in raw.items()}
    except (json.JSONDecodeError, InputError, TypeError) as exc:
        print(f"bad --input: {exc}", file=sys.stderr)
        return 2
    from matspec.implementations.base import OracleRefused, Unsupported

    try:
        ops = get_opset(args.on)
    except (KeyError, RuntimeError) as exc:
        print(f"cannot replay on {args.on!r}: {exc}", file=sys.stderr)
        return 2
    try:
        state, rels, msg = evaluate_once(form, ops, inputs)
    except Unsupported as exc:  # e.g. an SVD in bfloat16 on torch: reported, never a pass
        print(f"{c.id} [{args.form}] on {ops.id}: unsupported ({exc})")
        return 1
    except OracleRefused as exc:
        print(f"{c.id} [{args.form}] on {ops.id}: the oracle refused ({exc})")
        return 1
    print(f"{c.id} [{args.form}] on {ops.id}: {state}")
    print(f"  inputs: {', '.join(f'{k}={v!r}' for k, v in inputs.items())}")
    for r in rels:
        print(f"  {r.describe()}")
    if msg and not rels:
        print(f"  {msg}")
    return 0 if state == "ok" else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="matspec", description="Verify the claims of the seed documents against mpmath oracles and NumPy.")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser(
        "run", help="verify the catalogue and write claims.json / claims.md and the accuracy report",
        description="Verify the catalogue, write claims.json / claims.md, then the accuracy report (report.json, "
                    "report.md, index.html).",
        epilog="Exit status: 0 when every computed verdict and backend outcome matches its record and (unless "
               "--no-report) every accuracy cell is within its derived bound; 1 when a claim disagrees with its "
               "record or an accuracy cell exceeds its bound or raised; 2 on a usage error.  With --no-report no "
               "accuracy sweep runs, so only the claims decide the exit status.")
    r.add_argument("--seed", type=_seed, default=0)
    r.add_argument("--examples", type=_positive_int, default=None, help="examples per form (default: from --profile)")
    r.add_argument("--profile", choices=["smoke", "default", "heavy", "large"], default="default",
                   help="examples per claim: smoke (quick), default, heavy (10x the examples), large (heavy's "
                        "examples on larger matrices: oracle n <= 24, backends n <= 32; slow)")
    r.add_argument("--out", default="matspec-out")
    r.add_argument("--claim", action="append", help="only this claim id or glob, e.g. 'mclip.*' (repeatable)")
    r.add_argument("--no-backends", action="store_true", help="math level only (oracle)")
    r.add_argument("-j", "--jobs", type=_positive_int, default=1,
                   help="evaluate claims in N worker processes (same results as -j 1)")
    r.add_argument("--no-report", action="store_true",
                   help="skip the accuracy report (report.json / .md / index.html); the exit status then "
                        "reflects the claims only")
    r.add_argument("--accuracy-examples", type=_positive_int, default=None,
                   help="accuracy-sweep inputs per cell for the report (default: from --profile)")
    r.set_defaults(fn=cmd_run)
    rep = sub.add_parser("report", help="write report.json, report.md and index.html (accuracy tables, claims, plots)",
                         epilog="Exit status: 0 when every accuracy cell is within its derived bound, 1 when one "
                                "exceeds it or raised, 2 on bad input (e.g. an unreadable claims.json).")
    rep.add_argument("--out", default="matspec-out", help="folder for the report (default matspec-out)")
    rep.add_argument("--from", dest="from_", default=None,
                     help="the claims.json of a `matspec run` (default: OUT/claims.json)")
    rep.add_argument("--accuracy-examples", type=_positive_int, default=4, help="inputs per accuracy cell (default 4)")
    rep.add_argument("--seed", type=_seed, default=0)
    rep.set_defaults(fn=cmd_report)
    ls = sub.add_parser("list", help="list the claims")
    ls.add_argument("--topic")
    ls.set_defaults(fn=cmd_list)
    sh = sub.add_parser("show", help="show a claim, its provenance and last verdict")
    sh.add_argument("id")
    sh.add_argument("--out", default="matspec-out")
    sh.set_defaults(fn=cmd_show)
    rp = sub.add_parser("replay", help="evaluate one claim form on one input")
    rp.add_argument("id")
    rp.add_argument("--form", choices=["stated", "repaired"], default="stated")
    rp.add_argument("--on", default="oracle", help="op set id: oracle, numpy-float64, numpy-float32")
    rp.add_argument("--input", required=True, help="the inputs as JSON (as printed in claims.json)")
    rp.set_defaults(fn=cmd_replay)
    from matspec.validate.cli import add_parser as _add_validate_parser

    _add_validate_parser(sub)  # `matspec validate` (third-party kernels): spec/validate/
    args = p.parse_args(argv)
    try:
        return args.fn(args)
    except KeyError as exc:
        print(f"matspec: {exc.args[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`matspec … | head`): stop quietly, and keep the interpreter's
        # final flush of stdout from raising again
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
