"""The ``matspec`` command: run / report / list / show / replay / validate."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from matspec.argtypes import positive_int as _positive_int
from matspec.argtypes import seed as _seed

# Exit status of every subcommand: 0 ok, 1 a finding (a disagreement, a bound exceeded, a violated
# replay), 2 a usage error (one line on stderr, checked before any work), 130 interrupted (SIGINT:
# one line, no traceback; `run` writes what it finished, marked partial).  docs/reliability.md.
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _output_dir(path: str) -> Path:
    """An output folder checked (created, writable) before any work; OutputError otherwise."""
    from matspec.fileio import OutputError, prepare_output_dir

    if not str(path).strip():
        raise OutputError("the output folder must not be empty")
    return prepare_output_dir(path)


def _steer_third_party_caches() -> None:
    """Keep what matspec's dependencies write inside matspec's cache dir (docs/reliability.md):
    Hypothesis (matspec.hypothesis_env) and matplotlib's font cache — MPLCONFIGDIR, before
    matplotlib is imported, unless the user set it."""
    from matspec.fileio import cache_dir
    from matspec.hypothesis_env import configure

    os.environ.setdefault("MPLCONFIGDIR", str(cache_dir() / "matplotlib"))
    configure()


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
    from matspec.reports.render import run_document, write_errata, write_reports
    from matspec.reports.runner import RunInterrupted, WorkerFailed, evaluate_claims

    # every argument and the output folder are checked before any work (exit 2, one line)
    claims = _load_claims(args.claim)
    most = 4 * (os.cpu_count() or 1)
    if args.jobs > most:  # each worker holds its own oracle, NumPy and torch (~300 MB)
        print(f"matspec run: -j {args.jobs} is more than 4 worker processes per CPU ({most} here)", file=sys.stderr)
        return EXIT_USAGE
    out = _output_dir(args.out)
    t0 = time.perf_counter()
    backends: list = []
    bar = None
    try:  # from here on a Ctrl-C writes what is finished (possibly nothing) as a partial claims.json
        oracle = OracleOps()
        backends = [] if args.no_backends else default_backends()
        bar = tqdm(total=len(claims), desc="claims", unit="claim", file=sys.stderr, disable=None)

        def progress(c):
            bar.set_postfix_str(c.id)
            bar.update(1)

        results = evaluate_claims(claims, oracle, backends, profile=args.profile, seed=args.seed,
                                  examples=args.examples, jobs=args.jobs, progress=progress,
                                  no_backends=args.no_backends)
    except (RunInterrupted, KeyboardInterrupt) as exc:
        if bar is not None:
            bar.close()
        stop = exc if isinstance(exc, RunInterrupted) else RunInterrupted([], len(claims), [])
        # what was finished is written, marked partial (docs/claims-schema.md, `partial`)
        done_ids = {r.claim.id for r in stop.done}
        doc = run_document(stop.done, seed=args.seed, profile=args.profile, backends=[b.id for b in backends],
                           seconds=time.perf_counter() - t0,
                           partial={"reason": "interrupted", "claims_requested": stop.total,
                                    "claims_done": len(stop.done),
                                    "not_evaluated": [c.id for c in claims if c.id not in done_ids]})
        jp, mp_ = write_reports(doc, out)
        abandoned = f" ({len(stop.running)} running abandoned)" if stop.running else ""
        print(f"matspec run: interrupted after {len(stop.done)} of {stop.total} claims{abandoned}; "
              f"wrote partial {jp} and {mp_.name}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except WorkerFailed as exc:
        bar.close()
        print(f"matspec run: {exc}", file=sys.stderr)
        return 1
    bar.close()
    doc = run_document(results, seed=args.seed, profile=args.profile, backends=[b.id for b in backends],
                       seconds=time.perf_counter() - t0)
    jp, mp_ = write_reports(doc, out)
    ep = write_errata(doc, out)
    s = doc["summary"]
    print(f"{s['claims']} claims in {doc['seconds']} s: " + ", ".join(f"{k} {v}" for k, v in sorted(s["verdicts"].items())))
    for r in results:
        flag = "" if r.agrees else f"   <-- recorded {r.claim.recorded.value}"
        print(f"  {r.computed.value:<11} {r.claim.id}{flag}")
        for m in r.backend_mismatches():
            print(f"      backend mismatch: {m}")
    print(f"wrote {jp}, {mp_} and {ep}")
    over_bound = []
    if not args.no_report:
        try:
            rep = _write_report(out, jp, seed=args.seed,
                                examples=args.accuracy_examples or _REPORT_EXAMPLES[args.profile])
        except KeyboardInterrupt:
            print(f"matspec run: interrupted during the accuracy report; {jp.name} and {mp_.name} are complete, "
                  "the report was not written", file=sys.stderr)
            return EXIT_INTERRUPTED
        over_bound = _over_bound(rep)
    disagreements = len(s["disagreements_with_record"]) + len(s["backend_mismatches"])
    if disagreements:
        print(f"{disagreements} claim(s) disagree with their recorded verdict or expected outcomes", file=sys.stderr)
    if over_bound:
        print(f"{len(over_bound)} accuracy cell(s) exceed their derived bound or raised (see report.md)", file=sys.stderr)
    return 1 if disagreements or over_bound else 0


# Accuracy-sweep examples per cell when `matspec run` writes the report: smoke keeps the run quick.
_REPORT_EXAMPLES = {"smoke": 1, "default": 4, "heavy": 20, "large": 20}


def _write_report(out: Path, claims_path: Path | None, *, seed: int, examples: int, claims_doc: dict | None = None,
                  at_sizes: tuple[int, ...] | None = None, size_examples: int | None = None) -> dict:
    from tqdm import tqdm

    from matspec.reports.accuracy import KAPPA_BUCKETS, SIZES
    from matspec.reports.html import generate

    total = len(KAPPA_BUCKETS) * len(SIZES) * examples
    if at_sizes:
        from matspec.reports.atsize import DEFAULT_SIZE_EXAMPLES

        total += len(at_sizes) * (size_examples or DEFAULT_SIZE_EXAMPLES)
    bar = tqdm(total=total, desc="accuracy", unit="input", file=sys.stderr, disable=None)
    try:
        rep, paths = generate(out_dir=out, claims_path=claims_path, seed=seed, examples=examples,
                              progress=lambda: bar.update(1), claims_doc=claims_doc, at_sizes=at_sizes,
                              size_examples=size_examples)
    finally:
        bar.close()
    cells = rep["accuracy"]["cells"]
    bad = [c for c in cells if c["status"] in ("exceeds", "error")]
    print(f"accuracy: {len(cells)} cells in {rep['accuracy']['seconds']} s, {len(bad)} exceed their bound or raised")
    for c in bad:
        print(f"  {c['status']}: {c['op']} on {c['backend']}, n={c['n']}, kappa 1e{c['kappa_bucket'][0]}-1e{c['kappa_bucket'][1]}")
    sz = rep.get("accuracy_at_size")
    if sz:
        bad = [c for c in sz["cells"] if c["status"] in ("exceeds", "error")]
        flagged = [s for s in sz["series"] if s["flag"]]
        print(f"accuracy at size (n = {', '.join(map(str, sz['sizes']))}): {len(sz['cells'])} cells in {sz['seconds']} s, "
              f"{len(bad)} exceed their bound or raised, {sum(c['status'] == 'not_judged' for c in sz['cells'])} not "
              f"judged (reference not accurate enough), {len(flagged)} series growing faster than n")
        for c in bad:
            print(f"  {c['status']}: {c['op']} on {c['backend']}, n={c['n']}")
        for s in flagged:
            print(f"  {s['op']} on {s['backend']}: {s['flag']}")
    print(f"wrote {paths['json']}, {paths['md']} and {paths['html']}")
    return rep


def _over_bound(rep: dict) -> list[dict]:
    """Accuracy cells (the κ sweep's and, with --sizes, the accuracy-at-size section's) whose backend broke its
    own error model (error > derived bound) or raised."""
    cells = rep["accuracy"]["cells"] + ((rep.get("accuracy_at_size") or {}).get("cells") or [])
    return [c for c in cells if c["status"] in ("exceeds", "error")]


def cmd_report(args) -> int:
    from matspec.reports.html import ReportInputError, load_claims

    at_sizes = None
    if args.sizes is not None:  # checked before any work: one line, exit 2
        from matspec.reports.atsize import parse_sizes

        try:
            at_sizes = parse_sizes(args.sizes)
        except ValueError as exc:
            print(f"matspec report: --sizes: {exc}", file=sys.stderr)
            return EXIT_USAGE
    elif args.size_examples is not None:
        print("matspec report: --size-examples needs --sizes", file=sys.stderr)
        return EXIT_USAGE
    claims = Path(args.from_) if args.from_ else Path(args.out) / "claims.json"
    if args.from_ and not claims.is_file():
        print(f"matspec report: --from {claims} does not exist or is not a file", file=sys.stderr)
        return EXIT_USAGE
    try:  # the claims file and the output folder are checked before the sweep
        claims_doc = load_claims(claims)
    except ReportInputError as exc:
        print(f"matspec report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = _output_dir(args.out)
    if claims_doc is None:
        print(f"(no {claims}: the report has no claims section; `matspec run` writes one)", file=sys.stderr)
    rep = _write_report(out, claims if claims_doc is not None else None, seed=args.seed,
                        examples=args.accuracy_examples, claims_doc=claims_doc, at_sizes=at_sizes,
                        size_examples=args.size_examples)
    return 1 if _over_bound(rep) else 0


def cmd_list(args) -> int:
    claims = _load_claims(None)
    topics = sorted({c.topic for c in claims})
    if args.topic is not None and args.topic not in topics:
        print(f"matspec list: unknown topic {args.topic!r}; topics: {', '.join(topics)}", file=sys.stderr)
        return EXIT_USAGE
    for c in claims:
        if args.topic and c.topic != args.topic:
            continue
        print(f"{c.id:<55} {c.recorded.value:<11} {c.provenance.short()}")
    return 0


def cmd_show(args) -> int:
    from matspec.reports.render import ClaimsFileError, read_claims

    c = _load_claims([args.id])[0]
    report = Path(args.out) / "claims.json"
    doc = None
    if report.exists():
        try:  # checked before anything is printed
            doc = read_claims(report)
        except ClaimsFileError as exc:
            print(f"matspec show: {exc}", file=sys.stderr)
            return EXIT_USAGE
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
    if doc is not None:
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
    from matspec.reports.runner import ReplayInputError, check_replay_inputs, evaluate_once

    c = get_claim(args.id)
    form = c.stated if args.form == "stated" else c.repaired
    if form is None:
        print(f"matspec replay: {c.id} has no {args.form} form", file=sys.stderr)
        return EXIT_USAGE
    from matspec.implementations.base import OracleRefused, Unsupported

    try:
        ops = get_opset(args.on)
    except (KeyError, RuntimeError) as exc:
        print(f"matspec replay: cannot replay on {args.on!r}: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_USAGE
    try:  # names, kinds, validity and domain of the inputs, before evaluating (never a 'violated')
        raw = json.loads(args.input)
        inputs = check_replay_inputs(form, ops, raw)
    except (ValueError, RecursionError) as exc:  # json.JSONDecodeError and ReplayInputError are ValueErrors
        print(f"matspec replay: bad --input: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        state, rels, msg = evaluate_once(form, ops, inputs, strict_inputs=True)
    except ReplayInputError as exc:
        print(f"matspec replay: bad --input: {exc}", file=sys.stderr)
        return EXIT_USAGE
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


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; tests/test_reliability_cli.py builds its fuzzed argv from it."""
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
    rep.add_argument("--sizes", default=None, metavar="N,N,...",
                     help="add the 'Accuracy at size' section: error growth against n (n×n inputs, κ = 1e2) per op, "
                          "backend and dtype, e.g. 8,64,256,1024 (each n in [2, 4096]; n = 1024 costs about 5 minutes "
                          "per example on 2 shared cores)")
    rep.add_argument("--size-examples", type=_positive_int, default=None,
                     help="inputs per size for --sizes (default 2)")
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
    return p


def main(argv=None) -> int:
    from matspec.fileio import OutputError

    args = None
    try:
        args = build_parser().parse_args(argv)
        _steer_third_party_caches()
        return args.fn(args)
    except KeyboardInterrupt:  # SIGINT anywhere: one line, no traceback (`run` handles its own first)
        print(f"matspec{' ' + args.cmd if args else ''}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OutputError as exc:
        print(f"matspec {args.cmd}: {exc}", file=sys.stderr)
        return EXIT_USAGE
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
