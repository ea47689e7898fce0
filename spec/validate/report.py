"""The report of one validation: verdict, summary lines for the console, validate.json and
validate.md (written atomically), findings (input mutation, non-determinism, warnings)."""
from __future__ import annotations

import datetime as _dt
import json
import math
import platform
from pathlib import Path
from typing import Optional

import numpy as np

from matspec.validate.inputs import drawn_scale_range
from matspec.fileio import atomic_write_text
from matspec.validate.kernels import kernel_name

SCHEMA_VERSION = "1.1"


class ValidationReport:
    def __init__(self, v, cases: list, shrunk, drawn: dict, seconds: float):
        self.v, self.cases, self.shrunk, self.drawn, self.seconds = v, cases, shrunk, drawn, seconds

    @property
    def failures(self) -> list:
        f = [c for c in self.cases if c.state == "fail"]
        return ([self.shrunk] if self.shrunk is not None else []) + f  # the minimal one first

    @property
    def undecided(self) -> list:
        return [c for c in self.cases if c.state == "undecided"]

    @property
    def decided(self) -> int:
        return sum(1 for c in self.cases if c.state in ("ok", "fail")) + self.drawn["n"] - self.drawn["undecided"]

    def not_covered(self) -> list[str]:
        """What the decided examples leave unjudged.  A run passes only if at least half of its
        examples were decided and — for a band contract — decided examples reached both ends of
        the judged range: σ/σ₁ within a decade of its low end (the floor, or where directions
        stop being knowable at this precision) and near σ₁."""
        from matspec.validate.inputs import judged_low

        v, out = self.v, []
        evaluated = sum(1 for c in self.cases if c.state != "skipped") + self.drawn["n"]
        if evaluated and self.decided < 0.5 * evaluated:
            out.append(f"only {self.decided} of {evaluated} examples were decided (at least half must be)")
        if v.contract.kind == "band" and self.decided:
            low = judged_low(v.contract, v.max_dim, v.precision.u_c)
            lowest, highest = v.coverage.get("lowest"), v.coverage.get("highest")
            if lowest is None or lowest > 10 * low:
                out.append(f"no decided example judged a singular value within a decade of the range's low end "
                           f"σ/σ₁ = {low:.3g} (lowest judged: {'none' if lowest is None else format(lowest, '.3g')})")
            if highest is None or highest < 0.5:
                out.append("no decided example judged a singular value near σ₁")
        return out

    @property
    def verdict(self) -> str:
        if self.failures:
            return "fail"
        if self.decided == 0 or self.not_covered():
            return "undecided"
        return "pass"

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def all_cases(self) -> list:
        return ([self.shrunk] if self.shrunk is not None else []) + list(self.cases)

    def findings(self) -> dict:
        """What the kernel did besides its output: a finding, not a verdict (except where the
        user asked --input-mutation fail, or children were left running: failed cases)."""
        vf = self.v.findings  # recorded for every evaluated input, drawn ones included
        nbytes, tail = self.v.runner.output_summary()
        return {
            "input_mutation": {"modifies_input": bool(vf["input_mutation"]), "inputs": len(vf["input_mutation"]),
                               "labels": sorted(set(vf["input_mutation"])), "example": vf.get("input_mutation_example")},
            "nondeterministic": {"differs_between_calls": bool(vf["nondeterministic"]), "inputs": len(vf["nondeterministic"]),
                                 "labels": sorted(set(vf["nondeterministic"])),
                                 "max_relative_difference": vf.get("nondeterministic_max_relative")},
            "warnings": list(self.v.findings["warnings"]),
            "children_left_running": list(self.v.findings["children_left"]),
            "output_bytes": nbytes,
            "output_tail": tail[-1000:] if nbytes else "",
            "worker_restarts": max(self.v.runner.starts - 1, 0),
        }

    @property
    def inputs_evaluated(self) -> int:
        """Inputs the kernel was called on: gallery, drawn (shrinking included) and the working-range
        probes — the denominator of the mutation / non-determinism counts, which see every call."""
        return max(len(self.cases) + self.drawn["n"], self.v.findings.get("inputs_called", 0))

    def finding_lines(self) -> list[str]:
        f = self.findings()
        out = []
        if f["input_mutation"]["modifies_input"] and self.v.input_mutation != "allow":
            ex = f["input_mutation"]["example"]
            what = "; ".join(f"{k}: {m.get('entries_changed')} entries changed (max change {m.get('max_abs_change')})"
                             for k, m in ex["what"].items())
            out.append(f"kernel modifies its input in place ({f['input_mutation']['inputs']} of {self.inputs_evaluated} inputs, e.g. "
                       f"[{ex['label']}] {what}); --input-mutation is {self.v.input_mutation}")
        if f["nondeterministic"]["differs_between_calls"]:
            r = f["nondeterministic"]["max_relative_difference"]
            out.append(f"non-deterministic: two calls on the same input returned different outputs "
                       f"({f['nondeterministic']['inputs']} of {self.inputs_evaluated} inputs; max relative difference "
                       f"{'n/a' if r is None else format(r, '.3g')}); each call was judged on its own")
        if f["children_left_running"]:
            out.append(f"kernel left child processes running after returning ({len(f['children_left_running'])} input(s)); killed")
        if f["warnings"]:
            out.append(f"kernel emitted warnings: {' | '.join(f['warnings'][:3])}")
        if f["output_bytes"]:
            out.append(f"kernel printed {f['output_bytes']} bytes to stdout/stderr (captured, not shown; tail in the JSON)")
        return out

    def _what_holds(self) -> str:
        return "band holds" if self.v.contract.kind == "band" else "contract holds"

    def to_json(self) -> dict:
        from matspec import __version__

        v = self.v
        ratios = [c.ratio for c in self.cases if c.ratio is not None]
        band_ranges = [c.detail.get("diag_range") for c in self.cases if c.detail.get("diag_range")]
        return {
            "schema_version": SCHEMA_VERSION,
            "matspec_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "op": v.op,
            "op_params": {k: _json_param(x) for k, x in v.op_params.items()},
            "kernel": kernel_name(v.kernel),
            "kernel_args": {k: _json_param(x) for k, x in v.kernel_args.items()},
            "kernel_signature": v.signature,
            "op_params_forwarded": list(v.forwarded),
            "framework": v.framework,
            "dtype": v.dtype,
            "out_dtype": v.out_dtype,
            "device": v.device,
            "contract": v.contract.spec(),
            "contract_text": v.contract.describe(v.op),
            "unit_roundoff": v.judge_.u,
            "precision": v.precision.to_json(),
            "precision_text": v.precision.describe(),
            "lambda": v.lam,
            "false_alarm": v.false_alarm,
            "seed": v.seed,
            "examples_requested": v.examples,
            "timeout_s": v.timeout,
            "max_dim": v.max_dim,
            "scale_range_log10": list(v.scale_range) if v.scale_range else None,
            "scale_note": ("scales narrowed by the user to 1e%g..1e%g" % tuple(v.scale_range)) if v.scale_range else
                          ("drawn 1e%g..1e%g around the clip interval, gallery at the dtype's edges" if v.op == "mclip" else
                           "full scale range: drawn 1e%g..1e%g, gallery at the dtype's edges")
                          % drawn_scale_range(v.op, v.op_params, v.dtype, None),
            "isolation": ("worker process (fresh interpreter, own session; killed with its process group and "
                          "descendants on timeout; exits when matspec dies)"),
            "worker_starts": v.runner.starts,
            "warmup_timeout_s": v.runner.warmup_timeout,
            "warmup_note": ("the first call per shape, dtype and layout (and importing the kernel) ran under the "
                            f"{v.runner.warmup_timeout:g} s warm-up limit, not the {v.timeout:g} s per-call timeout; its "
                            "output is not judged"),
            "calls_per_input": v.repeat,
            "input_mutation_policy": v.input_mutation,
            "findings": self.findings(),
            "gallery_evaluated": v.gallery,
            "verdict": self.verdict,
            "not_covered": self.not_covered(),
            "stopped": self.v.stopped,
            "working_range": self.v.scale_range_found.to_json() if self.v.scale_range_found is not None else None,
            "coverage": {"decided": self.decided, "judged_sigma_over_sigma1": [self.v.coverage.get("lowest"),
                                                                              self.v.coverage.get("highest")],
                         # what a Frobenius-normalising kernel saw: x = σ/‖A‖_F over the judged directions
                         "judged_x": [self.v.coverage.get("x_lowest"), self.v.coverage.get("x_highest")]},
            "seconds": round(self.seconds, 2),
            "summary": {
                "gallery_cases": len(self.cases),
                "gallery_failed": sum(1 for c in self.cases if c.state == "fail"),
                "gallery_undecided": len(self.undecided),
                "drawn_examples": self.drawn["n"],
                "drawn_undecided": self.drawn["undecided"],
                "drawn_failure": self.shrunk is not None,
                "baseline_ratio_max": max(ratios) if ratios else None,
                "band_diag_range_gallery": [min(r[0] for r in band_ranges), max(r[1] for r in band_ranges)] if band_ranges else None,
                "band_diag_range_all": v.band_seen,
            },
            "failures": [c.to_json() for c in self.failures],
            "gallery": [c.to_json() for c in self.cases],
            "environment": {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine()},
        }

    def summary_lines(self) -> list[str]:
        v = self.v
        comp = "" if v.precision.compute == v.dtype and v.precision.output == v.dtype else (
            f", result {v.precision.output}, compute {v.precision.compute}")
        out = [f"matspec validate {v.op} {kernel_name(v.kernel)} [{v.framework} {v.dtype}{comp} on {v.device}] "
               f"contract {v.contract.spec()}: {self.verdict.upper()} "
               f"({len(self.cases)} gallery + {self.drawn['n']} drawn inputs, {self.seconds:.1f} s)"]
        if self.v.stopped:
            out.append(f"  {self.v.stopped}")
        wr = self.v.scale_range_found
        if wr is not None:
            out.append(f"  working range: {wr.summary(self._what_holds())}")
        cov = self.v.coverage
        if self.v.contract.kind == "band" and cov.get("x_lowest") is not None:
            of = "‖A‖_F" if self.v.contract.floor_of == "fro" else "σ₁"
            out.append(f"  judged: σ/σ₁ down to {cov['lowest']:.3g}, i.e. x = σ/‖A‖_F from {cov['x_lowest']:.3g} to "
                       f"{cov['x_highest']:.3g} (floor relative to {of})")
        for c in self.failures:
            m = "" if c.measured is None or c.allowed is None else f": error {c.measured:.3g} > allowed {c.allowed:.3g}"
            out.append(f"  FAIL [{c.label}] {c.inputs_repr}: {c.reason}{m}")
            out.append(f"       replay: {c.replay}")
        for c in self.undecided:
            out.append(f"  undecided [{c.label}]: {c.reason}")
        if not self.failures:
            for why in self.not_covered():
                out.append(f"  NOT COVERED: {why}")
        if self.drawn["undecided"]:
            out.append(f"  undecided drawn examples: {self.drawn['undecided']}")
        for line in self.finding_lines():
            out.append(f"  finding: {line}")
        return out

    def markdown(self) -> str:
        d = self.to_json()
        L = [f"# matspec validate: `{d['op']}` — {d['verdict'].upper()}", "",
             f"* kernel: `{d['kernel']}` ({d['framework']}, {d['dtype']} → {d['out_dtype']}, device {d['device']})",
             f"* op parameters: `{json.dumps(d['op_params'])}` (forwarded to the kernel: "
             f"{', '.join(d['op_params_forwarded']) or 'none'}); kernel arguments: `{json.dumps(d['kernel_args'])}`; "
             f"signature: `{d['kernel_signature'] or 'not readable'}`",
             f"* contract checked: **{d['contract']}** — {d['contract_text']}",
             f"* precision: {d['precision_text']}; probabilistic allowances at λ = {d['lambda']:.2f} "
             f"(false-alarm budget {d['false_alarm']:g} per run)",
             f"* unit roundoff u = {d['unit_roundoff']:.3g}; seed {d['seed']}; timeout {d['timeout_s']:g} s; "
             f"{d['scale_note']}",
             f"* isolation: {d['isolation']}; {d['warmup_note']}; {d['calls_per_input']} call(s) per input; "
             f"input mutation: {d['input_mutation_policy']}",
             f"* inputs: {d['summary']['gallery_cases']} adversarial gallery cases + {d['summary']['drawn_examples']} drawn "
             f"(max dimension {d['max_dim']}); {d['seconds']} s", ""]
        if d["summary"]["band_diag_range_all"]:
            lo, hi = d["summary"]["band_diag_range_all"]
            L += [f"Output singular values on the input's (determined) singular vectors, over every input evaluated: "
                  f"[{lo:.4g}, {hi:.4g}].", ""]
        if d.get("working_range"):
            L += ["## Working range", "", f"{self.v.scale_range_found.summary(self._what_holds())}.", "",
                  "Scanned: " + ", ".join(f"1e{g['log10_scale']:g} {g['state']}" for g in d["working_range"]["grid"]), ""]
        findings = self.finding_lines()
        if findings:
            L += ["## Findings", ""] + [f"* {f}" for f in findings] + [""]
        if self.failures:
            L += ["## Failures", ""]
            for c in self.failures:
                L += [f"### {c.label}: `{c.inputs_repr}`", "", f"* reason: {c.reason}"]
                if c.measured is not None:
                    L.append(f"* measured error {c.measured:.4g}, allowed {c.allowed if c.allowed is None else format(c.allowed, '.4g')}")
                if c.detail:
                    L.append(f"* detail: `{json.dumps(c.detail)}`")
                if c.entries:
                    L.append(f"* input entries (as received): `{json.dumps(c.entries)}`")
                L += [f"* replay: `{c.replay}`", ""]
        L += ["## Adversarial gallery", "", "| case | input | state | error | allowed | baseline ratio | note |",
              "|---|---|---|---|---|---|---|"]
        for c in self.cases:
            fmt = (lambda x: "—" if x is None else f"{x:.3g}")
            L.append(f"| {c.label} | `{c.inputs_repr}` | {c.state} | {fmt(c.measured)} | {fmt(c.allowed)} | {fmt(c.ratio)} | {c.reason} |")
        L += ["", "The baseline ratio (kernel error ÷ error of matspec's plain NumPy reference at the same dtype) is a "
              "diagnostic; the verdict uses the derived bound only.", ""]
        return "\n".join(L)

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        jp, mp_ = out_dir / "validate.json", out_dir / "validate.md"
        atomic_write_text(jp, json.dumps(self.to_json(), indent=2, default=_json_default) + "\n")
        atomic_write_text(mp_, self.markdown())
        return jp, mp_


def _json_param(x):
    """Parameters in strict JSON (p = ∞ as the string 'inf', tuples as lists)."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, tuple):
        return [_json_param(t) for t in x]
    return x


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, tuple):
        return list(x)
    return str(x)

