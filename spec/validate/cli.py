"""``matspec validate``: the subcommand's arguments and what it prints.  Depends on the
validate package; ``matspec.cli`` registers it (the library never imports the CLI)."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from matspec.argtypes import nonneg_int, positive_float, positive_int, seed
from matspec.validate.precision import ACCUMULATE, COMPUTE_DTYPES, DTYPES
from matspec.validate.errors import UsageError
from matspec.validate.kernels import kernel_name, parse_assignment
from matspec.validate.ops import FRAMEWORKS, OPS, arg_names
from matspec.validate.validator import DEFAULT_MAX_DIM, MUTATION_POLICIES, Validator


def _scale_range(text: str) -> tuple[float, float]:
    """LO,HI in (fractional) decades; the dtype's own window is checked by the Validator."""
    try:
        lo, hi = (float(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI (log10 of ‖A‖₂, e.g. -6,10.5), got {text!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise argparse.ArgumentTypeError(f"LO and HI must be finite, got {text!r}")
    if lo > hi:
        raise argparse.ArgumentTypeError(f"need LO <= HI, got {text}")
    return lo, hi


def add_parser(sub) -> None:
    """`matspec validate` and `matspec compare`."""
    _add_validate(sub)
    _add_compare(sub)


def _add_compare(sub) -> None:
    c = sub.add_parser("compare", help="several kernels on identical inputs, one report (exit 0 all pass, 1 some fail, 2 usage)",
                       description="Validate several kernels on the same inputs (gallery, sweeps, drawn specs, shapes) and "
                                   "write compare.json / compare.md / compare.html side by side.")
    c.add_argument("--op", required=True, choices=OPS)
    c.add_argument("--kernel", action="append", default=[], metavar="NAME=REF",
                   help="a kernel (module:function or file.py:function), optionally named; repeatable")
    c.add_argument("--kernels", default=None, metavar="FILE.toml",
                   help="kernels with their own arguments, dtypes and declared schedules (docs/compare-schema.md)")
    c.add_argument("--framework", choices=FRAMEWORKS, default="torch", help="for --kernel entries")
    c.add_argument("--dtype", choices=DTYPES, default="float32", help="for --kernel entries")
    c.add_argument("--compute-dtype", choices=COMPUTE_DTYPES, default=None, help="for --kernel entries")
    c.add_argument("--device", default="cpu", help="torch device of every torch kernel's inputs (cpu, cuda, cuda:1, …); "
                                                   "NumPy kernels run on the CPU")
    c.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="op parameter (as for validate)")
    c.add_argument("--contract", default="exact")
    c.add_argument("--examples", type=nonneg_int, default=20, help="drawn inputs, the same for every kernel")
    c.add_argument("--seed", type=seed, default=0)
    c.add_argument("--timeout", type=positive_float, default=10.0)
    c.add_argument("--warmup-timeout", type=positive_float, default=None)
    c.add_argument("--max-dim", type=positive_int, default=DEFAULT_MAX_DIM)
    c.add_argument("--shape", action="append", default=[], metavar="MxN|BxMxN")
    c.add_argument("--batch", type=positive_int, default=1)
    c.add_argument("--scale-range", type=_scale_range, default=None, metavar="LO,HI")
    c.add_argument("--no-working-range", action="store_true", help="skip locating each kernel's working range")
    c.add_argument("--report", default=None, help="report folder (default ./matspec-out/compare-OP/)")
    c.set_defaults(fn=cmd_compare)


def cmd_compare(args) -> int:
    from matspec.fileio import OutputError, prepare_output_dir
    from matspec.validate.compare import KernelEntry, compare, load_kernels

    try:
        out = Path(args.report) if args.report else Path("matspec-out") / f"compare-{args.op}"
        try:
            prepare_output_dir(out)
        except OutputError as exc:
            raise UsageError(f"--report: {exc}") from None
        entries = load_kernels(args.kernels) if args.kernels else []
        for text in args.kernel:
            e = KernelEntry.parse(text)
            e.framework, e.dtype, e.compute_dtype = args.framework, args.dtype, args.compute_dtype
            entries.append(e)
        if not entries:
            raise UsageError("give kernels with --kernel NAME=REF (repeatable) or --kernels FILE.toml")
        params = dict(parse_assignment(p, "--param") for p in args.param)
        from tqdm import tqdm

        with tqdm(desc=f"compare {args.op}", unit="input", file=sys.stderr, disable=None, leave=False) as bar:
            rep = compare(args.op, entries, contract=args.contract, params=params, examples=args.examples,
                          seed=args.seed, shapes=args.shape or None, batch=args.batch, max_dim=args.max_dim,
                          timeout=args.timeout, warmup_timeout=args.warmup_timeout, scale_range=args.scale_range,
                          locate_range=not args.no_working_range, device=args.device,
                          progress=lambda label: (bar.set_postfix_str(label[:40]), bar.update(1)))
    except UsageError as exc:
        print(f"matspec compare: {exc}", file=sys.stderr)
        return 2
    paths = rep.write(out)
    for line in rep.summary_lines():
        print(line)
    print(f"wrote {', '.join(str(p) for p in paths)}")
    return 0 if all(k["verdict"] == "pass" for k in rep.to_json()["kernels"]) else 1


def _add_validate(sub) -> None:
    v = sub.add_parser("validate", help="validate a third-party kernel against the oracle (exit 0 pass, 1 fail, 2 usage)",
                       description="Judge a kernel against the certified oracle on an adversarial gallery and drawn "
                                   "inputs, in an isolated worker process.  Exit status: 0 pass, 1 fail (or nothing "
                                   "decided), 2 usage error.")
    v.add_argument("--op", required=True, choices=OPS)
    v.add_argument("--kernel", required=True, help="pkg.module:function or path/to/file.py:function")
    v.add_argument("--framework", choices=FRAMEWORKS, default="numpy")
    v.add_argument("--dtype", choices=DTYPES, default="float64")
    v.add_argument("--out-dtype", choices=DTYPES, default=None, help="declare an output dtype other than the input's")
    v.add_argument("--compute-dtype", choices=COMPUTE_DTYPES, default=None,
                   help="the dtype the kernel's arithmetic runs in (default: the coarser of --dtype and --out-dtype); "
                        "allowances follow it")
    v.add_argument("--accumulate", choices=ACCUMULATE, default=None,
                   help="how products accumulate: 'same' as the compute dtype, float32 (default for bfloat16/float16/"
                        "tf32 compute), float32-truncating (tensor cores; default on CUDA), float64")
    v.add_argument("--schedule", default=None, help="msign: the Newton–Schulz schedule the kernel runs, if known "
                                                     "(optional: tightens the misalignment allowance)")
    v.add_argument("--steps", type=positive_int, default=None, help="msign: its number of steps, if known (optional)")
    v.add_argument("--device", default="cpu", help="torch device of the inputs (cpu, cuda, cuda:1, …)")
    v.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="op parameter, for the oracle (norm: kind, p, k; lowrank: k; mclip: lo, hi; newton_schulz: "
                        "schedule, steps); forwarded to the kernel only if its signature names it")
    v.add_argument("--kernel-arg", action="append", default=[], metavar="NAME=VALUE",
                   help="keyword argument for the kernel itself (Python literal), e.g. --kernel-arg ord=2")
    v.add_argument("--contract", default="exact", help="exact | band:LO,HI[,floor=F][,products=P] (msign, newton_schulz)")
    v.add_argument("--examples", type=nonneg_int, default=30, help="drawn inputs (besides the adversarial gallery)")
    v.add_argument("--seed", type=seed, default=0)
    v.add_argument("--timeout", type=positive_float, default=10.0, help="seconds per kernel call (default 10)")
    v.add_argument("--warmup-timeout", type=positive_float, default=None,
                   help="seconds for importing the kernel and for its first call per shape, dtype and layout "
                        "(compilation); default 10x --timeout, at least 60")
    v.add_argument("--input-mutation", choices=MUTATION_POLICIES, default="warn",
                   help="a kernel that writes to its input: report it (warn, default), fail the case, or allow it")
    v.add_argument("--calls-per-input", type=int, choices=(1, 2), default=2,
                   help="2 (default): each input is given twice and non-determinism reported; 1: once")
    v.add_argument("--max-dim", type=positive_int, default=DEFAULT_MAX_DIM,
                   help="largest side of the default drawn inputs (ignored with --shape)")
    v.add_argument("--shape", action="append", default=[], metavar="MxN|BxMxN",
                   help="draw inputs of this shape (repeatable; with its tile neighbours M±1, N±1), e.g. "
                        "--shape 1024x1024 --shape 768x3072 --shape 4x256x256")
    v.add_argument("--batch", type=positive_int, default=1,
                   help="a leading batch dimension for every --shape: each member drawn and judged on its own")
    v.add_argument("--scale-range", type=_scale_range, default=None, metavar="LO,HI",
                   help="narrow input scales (log10 of ‖A‖₂, fractional decades allowed) to 1eLO..1eHI, inside the "
                        "dtype's range (msign is scale invariant: only narrow on purpose)")
    v.add_argument("--report", default=None, help="report folder (default ./matspec-out/validate-OP/)")
    v.add_argument("--replay", default=None, metavar="JSON", help="evaluate one input (as printed in a report) only")
    v.set_defaults(fn=cmd_validate)


def _replay_inputs(text: str, op: str) -> dict:
    from matspec.inputs import spec_from_json

    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"bad --replay: not JSON ({exc.msg} at position {exc.pos})") from None
    if not isinstance(raw, dict):
        raise UsageError(f"bad --replay: expected a JSON object of inputs, got {type(raw).__name__}")
    want = set(arg_names(op))
    if set(raw) - {"layout"} != want:
        raise UsageError(f"bad --replay: {op} needs inputs {sorted(want)} (and optionally 'layout'), got {sorted(raw)}")
    inputs = {}
    for k, x in raw.items():
        if k == "layout":
            inputs[k] = x
            continue
        if not isinstance(x, dict):
            raise UsageError(f"bad --replay: input {k!r} must be a spec object such as "
                             f'{{"type":"matrix","m":2,"n":2}}, got {json.dumps(x)[:60]}')
        try:
            inputs[k] = spec_from_json(x)
        except Exception as exc:  # noqa: BLE001 - any malformed spec is the user's input, not a crash
            raise UsageError(f"bad --replay: input {k!r}: {type(exc).__name__}: {exc}") from None
    return inputs


def cmd_validate(args) -> int:
    from matspec.fileio import OutputError, prepare_output_dir

    try:
        params = dict(parse_assignment(p, "--param") for p in args.param)
        kargs = dict(parse_assignment(p, "--kernel-arg") for p in args.kernel_arg)
        out = Path(args.report) if args.report else Path("matspec-out") / f"validate-{args.op}"
        replay = _replay_inputs(args.replay, args.op) if args.replay is not None else None
        if replay is None:
            try:
                prepare_output_dir(out)  # before any work: never compute, then fail to write
            except OutputError as exc:
                raise UsageError(f"--report: {exc}") from None
        v = Validator(args.op, args.kernel, dtype=args.dtype, framework=args.framework, device=args.device,
                      params=params, kernel_args=kargs, contract=args.contract, out_dtype=args.out_dtype,
                      examples=args.examples, seed=args.seed, timeout=args.timeout, warmup_timeout=args.warmup_timeout,
                      max_dim=args.max_dim, scale_range=args.scale_range, input_mutation=args.input_mutation,
                      repeat=args.calls_per_input, compute_dtype=args.compute_dtype, accumulate=args.accumulate,
                      schedule=args.schedule, steps=args.steps, shapes=args.shape or None, batch=args.batch)
        if replay is not None:
            cr = v.replay(replay)
            print(f"{args.op} {kernel_name(v.kernel)} [{v.dtype}] contract {v.contract.spec()} on {cr.inputs_repr}: {cr.state}")
            if cr.measured is not None:
                print(f"  error {cr.measured:.4g}, allowed {cr.allowed if cr.allowed is None else format(cr.allowed, '.4g')}")
            if cr.reason:
                print(f"  {cr.reason}")
            if cr.mutation:
                print(f"  finding: kernel modifies its input in place: {json.dumps(cr.mutation)}")
            if cr.nondeterminism:
                print(f"  finding: non-deterministic: {json.dumps(cr.nondeterminism)}")
            if cr.detail:
                print(f"  {json.dumps(cr.detail, default=str)}")
            return {"ok": 0, "fail": 1}.get(cr.state, 1)
        from tqdm import tqdm

        # a bar on a terminal only (disable=None); sizes in the thousands take minutes
        with tqdm(desc=f"validate {args.op}", unit="input", file=sys.stderr, disable=None, leave=False) as bar:
            def progress(label: str) -> None:
                bar.set_postfix_str(label[:40])
                bar.update(1)

            report = v.run(progress=progress)
    except UsageError as exc:
        print(f"matspec validate: {exc}", file=sys.stderr)
        return 2
    jp, mp_ = report.write(out)
    for line in report.summary_lines():
        print(line)
    print(f"wrote {jp} and {mp_}")
    return 0 if report.passed else 1
