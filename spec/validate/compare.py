"""``matspec compare``: several kernels on identical inputs, one report.

Each kernel is validated exactly as ``matspec validate`` would (its own isolated worker, its
own precision model and allowances), but on **the same inputs**: the same adversarial gallery
and sweeps, the same drawn specs (drawn once, with one seed, and handed to every kernel — no
per-kernel search or shrinking), the same shapes.  Per kernel the report gives the contract's
verdict, the band it actually delivered (output σ on the input's singular directions), its
misalignment, its orthogonality ‖OᵀO − I‖_F, its working range in scale, input mutation and
non-determinism, and its time per call per shape — with achieved TFLOP/s where the kernel
declares a schedule and step count (a nominal FLOP count: 4m²n + 2m³ per quintic step on an
m×n input, m ≤ n; 4m²n per cubic step).  Plots: transfer curves overlaid, misalignment against
n, time against n.  compare.json (schema: docs/compare-schema.md), compare.md, compare.html.
"""
from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import math
import platform
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from matspec.fileio import atomic_write_text
from matspec.validate.errors import UsageError

SCHEMA = "matspec-compare/1.0"


@dataclass
class KernelEntry:
    """One kernel of a comparison and how it is called."""

    name: str
    kernel: Any  # 'module:function', 'file.py:function' or a callable
    kernel_args: dict = field(default_factory=dict)
    framework: str = "torch"
    dtype: str = "float32"
    out_dtype: Optional[str] = None
    compute_dtype: Optional[str] = None
    schedule: Optional[str] = None  # declared, for nominal FLOPs: muon_quintic, polar_express, cubic, …
    steps: Optional[int] = None
    params: dict = field(default_factory=dict)  # op parameters, when they differ per kernel

    @staticmethod
    def parse(text: str) -> "KernelEntry":
        """'NAME=REF' or 'REF', REF = module:function or file.py:function."""
        name, _, ref = text.partition("=") if "=" in text.split(":", 1)[0] else ("", "", text)
        ref = ref or text
        return KernelEntry(name or ref.rsplit(":", 1)[-1], ref)


def nominal_flops(schedule: Optional[str], steps: Optional[int], shape: tuple) -> Optional[float]:
    """FLOPs of a declared Newton–Schulz schedule on one m×n input (per matrix × batch): per
    quintic step X·Xᵀ (2m²n), A·A (2m³), B·X (2m²n) on the wide orientation m ≤ n; per cubic
    step X·Xᵀ and G·X (4m²n).  None when nothing is declared."""
    if not schedule or not shape or len(shape) < 2:
        return None
    from matspec.implementations.newton_schulz import SCHEDULES

    m, n = sorted(shape[-2:])
    batch = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    if schedule == "cubic":
        per, T = 4.0 * m * m * n, steps
    else:
        if schedule not in SCHEDULES:
            return None
        per = 4.0 * m * m * n + 2.0 * m ** 3
        T = steps or SCHEDULES[schedule].steps
    return None if not T else batch * T * per


def draw_inputs(strategy, count: int, seed: int) -> list:
    """`count` inputs of a Hypothesis strategy, drawn once with `seed` (generation only: no
    shrinking), so every kernel of a comparison meets exactly the same ones."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hyp_seed

    out: list = []
    if count <= 0:
        return out

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hyp_seed(seed)
    @given(strategy)
    def collect(x):
        if len(out) < count:
            out.append(x)

    collect()
    return out


def compare(op: str, kernels: list, *, contract: str = "exact", params: Optional[dict] = None, examples: int = 20,
            seed: int = 0, shapes: Optional[list] = None, batch: int = 1, max_dim: int = 8, timeout: float = 10.0,
            warmup_timeout: Optional[float] = None, scale_range=None, locate_range: bool = True, device: str = "cpu",
            progress: Optional[Callable[[str], None]] = None) -> "CompareReport":
    """Run every kernel of `kernels` (KernelEntry, 'NAME=REF' strings or callables) on the same inputs.
    `device` is where torch kernels get their inputs ('cpu', 'cuda', 'cuda:1', …); NumPy kernels run on the CPU."""
    from matspec.validate.inputs import input_strategy
    from matspec.validate.validator import Validator

    entries = [k if isinstance(k, KernelEntry) else KernelEntry.parse(k) if isinstance(k, str)
               else KernelEntry(getattr(k, "__name__", "kernel"), k) for k in kernels]
    if len(entries) < 1:
        raise UsageError("compare needs at least one kernel")
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise UsageError(f"kernel names must differ, got {names}")
    t0 = time.perf_counter()
    validators = []
    for e in entries:
        validators.append(Validator(op, e.kernel, dtype=e.dtype, framework=e.framework, out_dtype=e.out_dtype,
                                    device=device if e.framework == "torch" else "cpu",
                                    compute_dtype=e.compute_dtype, params={**(params or {}), **e.params},
                                    kernel_args=e.kernel_args, contract=contract, examples=examples, seed=seed,
                                    timeout=timeout, warmup_timeout=warmup_timeout, max_dim=max_dim,
                                    scale_range=scale_range, shapes=shapes, batch=batch, locate_range=locate_range,
                                    schedule=e.schedule if op == "msign" else None,
                                    steps=e.steps if op == "msign" and e.schedule else None))
    v0 = validators[0]
    # the shared inputs: built once from the first kernel's settings (dtype-independent specs;
    # each kernel rounds them to its own dtype)
    gallery = v0.gallery_inputs()
    strategy = input_strategy(op, v0.op_params, v0.dtype, max_dim, v0.scale_range, shapes=v0.shapes,
                              small_max=v0.judge_._oracle_limit())
    drawn = draw_inputs(strategy, examples, seed)
    results = []
    for e, v in zip(entries, validators):
        # each kernel's run is validate's own sequence (Validator.run_cases: the gallery with its
        # stop after consecutive hangs, the working range with its edge cases, then the drawn
        # inputs), on the shared inputs
        v._progress = (lambda label, name=e.name: progress(f"{name}: {label}")) if progress else None
        try:
            rep = v.run_cases(gallery, drawn_inputs=drawn)
        except UsageError as exc:
            raise UsageError(f"kernel {e.name}: {exc}") from None
        finally:
            v.runner.close()
        results.append((e, rep))
    return CompareReport(op, contract, results, seed=seed, examples=examples, seconds=time.perf_counter() - t0,
                         device=device)


class CompareReport:
    def __init__(self, op: str, contract: str, results: list, *, seed: int, examples: int, seconds: float,
                 device: str = "cpu"):
        self.op, self.contract, self.results = op, contract, results
        self.seed, self.examples, self.seconds, self.device = seed, examples, seconds, device

    # -- per kernel ------------------------------------------------------------------------------
    @staticmethod
    def _all_cases(rep) -> list:
        return list(rep.cases) + list(getattr(rep, "drawn_cases", []))

    def kernel_summary(self, e: KernelEntry, rep) -> dict:
        cases = self._all_cases(rep)
        failures = [c for c in cases if c.state == "fail"]
        decided = [c for c in cases if c.state in ("ok", "fail")]
        verdict = "fail" if failures else ("pass" if decided and not rep.not_covered() else "undecided")
        band = [c.detail["diag_range"] for c in decided if c.detail.get("diag_range")]
        mis = [c.detail.get("misalignment") for c in decided if c.detail.get("misalignment") is not None]
        ratios = [r["measured"] / r["allowed"] for c in decided for r in c.detail.get("misalignment_classes", [])
                  if r.get("judged") and r.get("allowed")]
        # an orthogonaliser's quality where every direction is determined (rank-deficient inputs and
        # directions below a floor leave the output legitimately non-orthonormal there)
        orth = [c.orthogonality_defect for c in decided if c.orthogonality_defect is not None
                and (c.detail or {}).get("exempt_or_undetermined_directions", 1) == 0]
        timing = {}
        for c in cases:
            if c.kernel_seconds is not None and c.shape:
                timing.setdefault("x".join(map(str, c.shape)), []).append(c.kernel_seconds)
        per_shape = []
        for shp, ts in sorted(timing.items(), key=lambda kv: math.prod(int(x) for x in kv[0].split("x"))):
            t = statistics.median(ts)
            fl = nominal_flops(e.schedule, e.steps, tuple(int(x) for x in shp.split("x")))
            per_shape.append({"shape": shp, "calls": len(ts), "median_seconds": t,
                              "tflops": (fl / t / 1e12) if fl and t > 0 else None})
        wr = rep.v.scale_range_found
        f = rep.findings()
        return {
            "name": e.name, "kernel": e.kernel if isinstance(e.kernel, str) else repr(e.kernel),
            "kernel_args": {k: (list(v) if isinstance(v, tuple) else v) for k, v in e.kernel_args.items()},
            "framework": e.framework, "precision": rep.v.precision.to_json(),
            "declared_schedule": e.schedule, "declared_steps": e.steps,
            "verdict": verdict, "inputs": len(cases), "decided": len(decided), "failures": len(failures),
            "first_failure": ({"label": failures[0].label, "input": failures[0].inputs_repr, "reason": failures[0].reason,
                               "replay": failures[0].replay} if failures else None),
            "band_delivered": [min(b[0] for b in band), max(b[1] for b in band)] if band else None,
            "misalignment_max": max(mis) if mis else None,
            "misalignment_worst_ratio": max(ratios) if ratios else None,
            "orthogonality_defect_max": max(orth) if orth else None,
            "orthogonality_defect_median": statistics.median(orth) if orth else None,
            "working_range": wr.to_json() if wr is not None else None,
            "working_range_text": wr.summary(rep._what_holds()) if wr is not None else None,
            "modifies_input": f["input_mutation"]["modifies_input"],
            "nondeterministic": f["nondeterministic"]["differs_between_calls"],
            "not_covered": rep.not_covered(),
            "timing": per_shape,
        }

    # -- outputs ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        from matspec import __version__

        kernels = [self.kernel_summary(e, rep) for e, rep in self.results]
        return {
            "schema": SCHEMA, "matspec_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "op": self.op, "contract": self.contract, "seed": self.seed, "drawn_examples": self.examples,
            "seconds": round(self.seconds, 2),
            "environment": {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine(),
                            "device": _device_name(self.device)},
            "kernels": kernels,
            "curves": self._curves(),
        }

    def _curves(self) -> dict:
        """Per kernel: (x = σ/‖A‖_F, output σ) over every decided input's determined directions, and
        (n, misalignment) and (n, seconds) per input: the plots' data."""
        out = {}
        for e, rep in self.results:
            tx, ty, mn, mv, tn, tv = [], [], [], [], [], []
            for c in self._all_cases(rep):
                d = c.detail or {}
                xs, ys = d.get("x_of_directions"), d.get("output_sigma_on_input_vectors")
                if c.state in ("ok", "fail") and xs and ys and len(xs) == len(ys):
                    tx += xs
                    ty += ys
                n = min(c.shape[-2:]) if c.shape and len(c.shape) >= 2 else None
                if n and d.get("misalignment") is not None and c.state in ("ok", "fail"):
                    mn.append(n)
                    mv.append(d["misalignment"])
                if n and c.kernel_seconds is not None:
                    tn.append(n)
                    tv.append(c.kernel_seconds)
            out[e.name] = {"transfer": [tx, ty], "misalignment_vs_n": [mn, mv], "seconds_vs_n": [tn, tv]}
        return out

    def summary_lines(self) -> list[str]:
        out = [f"matspec compare {self.op} ({self.contract}): {len(self.results)} kernels on the same inputs, "
               f"{self.seconds:.1f} s"]
        for k, (_, rep) in zip(self.to_json()["kernels"], self.results):
            band = "—" if not k["band_delivered"] else f"[{k['band_delivered'][0]:.3g}, {k['band_delivered'][1]:.3g}]"
            t = k["timing"][-1] if k["timing"] else None
            tt = "" if not t else f"; {t['median_seconds'] * 1e3:.3g} ms at {t['shape']}" + (
                f" ({t['tflops']:.3g} TFLOP/s)" if t["tflops"] else "")
            out.append(f"  {k['name']}: {k['verdict'].upper()} — band {band}, misalignment "
                       f"{_fmt(k['misalignment_max'])}, ‖OᵀO − I‖ {_fmt(k['orthogonality_defect_max'])}"
                       f"{', modifies input' if k['modifies_input'] else ''}"
                       f"{', non-deterministic' if k['nondeterministic'] else ''}{tt}")
            if rep.v.stopped:
                out.append(f"      {rep.v.stopped}")
            if k["working_range_text"]:
                out.append(f"      working range: {k['working_range_text']}")
            if k["first_failure"]:
                out.append(f"      first failure [{k['first_failure']['label']}]: {k['first_failure']['reason'][:160]}")
        return out

    def markdown(self, d: Optional[dict] = None) -> str:
        d = d or self.to_json()
        L = [f"# matspec compare: `{d['op']}` — {len(d['kernels'])} kernels", "",
             f"Contract `{d['contract']}`; identical inputs for every kernel: the adversarial gallery and sweeps, "
             f"{d['drawn_examples']} drawn specs (seed {d['seed']}); {d['seconds']} s on {d['environment']['device']}.", "",
             "| kernel | precision | verdict | band delivered | misalignment | ‖OᵀO − I‖_F | working range | "
             "mutates input | deterministic | time per call |", "|---|---|---|---|---|---|---|---|---|---|"]
        for k in d["kernels"]:
            band = "—" if not k["band_delivered"] else f"[{k['band_delivered'][0]:.3g}, {k['band_delivered'][1]:.3g}]"
            times = "; ".join(f"{t['shape']}: {t['median_seconds'] * 1e3:.3g} ms" + (
                f" ({t['tflops']:.3g} TFLOP/s)" if t["tflops"] else "") for t in k["timing"][-2:])
            L.append(f"| `{k['name']}` | {k['precision']['compute']} | **{k['verdict']}** | {band} | "
                     f"{_fmt(k['misalignment_max'])} | {_fmt(k['orthogonality_defect_max'])} | "
                     f"{(k['working_range_text'] or '—').replace('|', '/')} | {'yes' if k['modifies_input'] else 'no'} | "
                     f"{'no' if k['nondeterministic'] else 'yes'} | {times or '—'} |")
        L.append("")
        for k in d["kernels"]:
            L += [f"## `{k['name']}`", "", f"* kernel: `{k['kernel']}` {json.dumps(k['kernel_args']) if k['kernel_args'] else ''}",
                  f"* precision: input {k['precision']['input']}, result {k['precision']['output']}, compute "
                  f"{k['precision']['compute']}; declared schedule: {k['declared_schedule'] or '—'} × {k['declared_steps'] or '—'}",
                  f"* {k['decided']} of {k['inputs']} inputs decided; {k['failures']} failed"]
            if k["first_failure"]:
                ff = k["first_failure"]
                L += [f"* first failure [{ff['label']}] `{ff['input'][:200]}`: {ff['reason']}", f"  * replay: `{ff['replay']}`"]
            if k["not_covered"]:
                L.append(f"* not covered: {'; '.join(k['not_covered'])}")
            L.append("")
        return "\n".join(L)

    def html(self, d: Optional[dict] = None) -> str:
        import html as H

        d = d or self.to_json()
        figs = self._figures(d)
        md = self.markdown(d)
        rows = []
        for k in d["kernels"]:
            band = "—" if not k["band_delivered"] else f"[{k['band_delivered'][0]:.3g}, {k['band_delivered'][1]:.3g}]"
            rows.append("<tr>" + "".join(f"<td>{H.escape(str(x))}</td>" for x in (
                k["name"], k["precision"]["compute"], k["verdict"], band, _fmt(k["misalignment_max"]),
                _fmt(k["orthogonality_defect_max"]), k["working_range_text"] or "—",
                "yes" if k["modifies_input"] else "no", "no" if k["nondeterministic"] else "yes",
                "; ".join(f"{t['shape']}: {t['median_seconds'] * 1e3:.3g} ms" for t in k["timing"][-2:]) or "—")) + "</tr>")
        imgs = "".join(f'<figure><img alt="{H.escape(t)}" src="data:image/png;base64,{b}"><figcaption>{H.escape(t)}'
                       f"</figcaption></figure>" for t, b in figs)
        return ("<!doctype html><html><head><meta charset='utf-8'><title>matspec compare</title><style>"
                "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
                "td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}img{max-width:100%}pre{white-space:pre-wrap}"
                "</style></head><body>"
                f"<h1>matspec compare: <code>{H.escape(d['op'])}</code></h1><p>Contract <code>{H.escape(d['contract'])}</code>; "
                f"identical inputs for every kernel (seed {d['seed']}, {d['drawn_examples']} drawn).</p>"
                "<table><tr><th>kernel</th><th>compute</th><th>verdict</th><th>band delivered</th><th>misalignment</th>"
                "<th>‖OᵀO − I‖_F</th><th>working range</th><th>mutates input</th><th>deterministic</th>"
                f"<th>time per call</th></tr>{''.join(rows)}</table>{imgs}<h2>Details</h2><pre>{H.escape(md)}</pre>"
                "</body></html>\n")

    def _figures(self, d: dict) -> list[tuple[str, str]]:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        out = []
        curves = d["curves"]

        def png(fig):
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=90)
            plt.close(fig)
            return base64.b64encode(buf.getvalue()).decode()

        if any(c["transfer"][0] for c in curves.values()):
            fig, ax = plt.subplots(figsize=(7, 4))
            for name, c in curves.items():
                if c["transfer"][0]:
                    ax.scatter(c["transfer"][0], c["transfer"][1], s=8, label=name, alpha=0.7)
            ax.set_xscale("log")
            ax.set_xlabel("x = σ/‖A‖_F (what a Frobenius-normalising kernel sees)")
            ax.set_ylabel("output σ on the input's singular directions")
            ax.legend(fontsize=8)
            out.append(("transfer curves, overlaid", png(fig)))
        for key, ylabel, title in (("misalignment_vs_n", "misalignment", "misalignment against n"),
                                   ("seconds_vs_n", "seconds per call", "time per call against n")):
            if any(c[key][0] for c in curves.values()):
                fig, ax = plt.subplots(figsize=(7, 4))
                for name, c in curves.items():
                    if c[key][0]:
                        ax.scatter(c[key][0], [max(v, 1e-18) for v in c[key][1]], s=10, label=name, alpha=0.7)
                ax.set_xscale("log")
                ax.set_yscale("log")
                ax.set_xlabel("n = min(m, n)")
                ax.set_ylabel(ylabel)
                ax.legend(fontsize=8)
                out.append((title, png(fig)))
        return out

    def write(self, out_dir) -> tuple[Path, Path, Path]:
        from matspec.fileio import prepare_output_dir

        out = prepare_output_dir(out_dir)
        d = self.to_json()
        jp, mp_, hp = out / "compare.json", out / "compare.md", out / "compare.html"
        atomic_write_text(jp, json.dumps(_finite(d), indent=1, allow_nan=False, default=_json_default) + "\n")
        atomic_write_text(mp_, self.markdown(d))
        atomic_write_text(hp, self.html(d))
        return jp, mp_, hp


def _finite(x):
    """Strict JSON: non-finite floats as strings ('inf'), recursively."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def load_kernels(path) -> list[KernelEntry]:
    """A kernels file (TOML): one [[kernel]] table per kernel with name, kernel (module:function or
    file.py:function; a relative file path is taken relative to the TOML file), and optionally
    framework, dtype, out_dtype, compute_dtype, schedule, steps, [kernel.kernel_args], [kernel.params]
    (docs/compare-schema.md)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read kernels file {p}: {exc}") from None
    tables = doc.get("kernel")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"{p}: no [[kernel]] tables")
    allowed = {"name", "kernel", "framework", "dtype", "out_dtype", "compute_dtype", "schedule", "steps", "kernel_args",
               "params", "package", "notes"}
    out = []
    for t in tables:
        bad = set(t) - allowed
        if bad or "name" not in t or "kernel" not in t:
            raise UsageError(f"{p}: each [[kernel]] needs name and kernel (and only {sorted(allowed)}); got {sorted(t)}")
        ref = t["kernel"]
        mod = ref.rsplit(":", 1)[0]
        if mod.endswith(".py") and not Path(mod).is_absolute():
            ref = str((p.parent / mod).resolve()) + ":" + ref.rsplit(":", 1)[1]
        out.append(KernelEntry(t["name"], ref, dict(t.get("kernel_args", {})), t.get("framework", "torch"),
                               t.get("dtype", "float32"), t.get("out_dtype"), t.get("compute_dtype"), t.get("schedule"),
                               t.get("steps"), dict(t.get("params", {}))))
    return out


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.3g}"


def _json_default(x):
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return str(x)


def _device_name(device: str = "cpu") -> str:
    """The device the torch kernels ran on, named (not merely one this machine has)."""
    if device.startswith("cuda"):
        import torch

        return f"{device}: {torch.cuda.get_device_name(torch.device(device))}"
    return f"cpu: {platform.processor() or platform.machine()}"
