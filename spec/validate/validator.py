"""One validation: a kernel, an op, a contract; the gallery and the drawn inputs, each judged.

For every input matspec (1) fixes the oracle's view — the exact float64 values of the input
rounded to the kernel's dtype — in this process, (2) has the isolated worker build a fresh
copy in the requested layout and call the kernel (after one warm-up call per shape, dtype and
layout), twice, (3) checks each output's type, dtype, shape, device and finiteness, and judges
it against the oracle under the contract (:mod:`matspec.validate.judge`).  Input mutation,
non-determinism, leftover child processes and warnings are recorded as findings.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import shlex
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from matspec.sized import prebuild
from matspec.validate.baseline import baseline_output
from matspec.validate.contracts import parse_contract
from matspec.validate import device64 as dev
from matspec.validate.dtypes import check_scale_range, round_to_dtype
from matspec.validate.errors import UsageError
from matspec.validate.inputs import LAYOUTS, adversarial_cases, input_strategy, sized_cases, with_neighbours
from matspec.validate.judge import OpJudge, _fnum
from matspec.validate.kernels import kernel_name, parse_assignment
from matspec.validate.precision import DTYPES, Precision
from matspec.validate.ops import FRAMEWORKS, OP_PARAMS, OPS, SQUARE_OPS, arg_names, prepare_args
from matspec.validate.runner import CallResult, KernelRunner

# The oracle is pure Python: an SVD at 60 digits costs ≈ 0.07 s at n = 8, growing like n³.
DEFAULT_MAX_DIM = 8
SHRINK_CALL_BUDGET = 150  # kernel calls allowed while shrinking one counterexample
# ... and seconds: at real sizes one evaluation costs seconds (the kernel, a float64 SVD, the
# reference paths); shrinking stops there with the smallest failure found so far, and says so
SHRINK_TIME_BUDGET_S = 60.0
STOP_AFTER_HANGS = 3  # consecutive gallery inputs without a result before a run stops
MUTATION_POLICIES = ("warn", "fail", "allow")


@dataclass
class CaseResult:
    label: str
    inputs: dict  # JSON (the layout included)
    inputs_repr: str
    state: str  # ok | fail | undecided | skipped
    reason: str = ""
    measured: Optional[float] = None
    allowed: Optional[float] = None
    baseline_error: Optional[float] = None
    ratio: Optional[float] = None
    detail: dict = field(default_factory=dict)
    entries: Optional[dict] = None
    replay: str = ""
    seconds: float = 0.0
    layout: str = "contiguous"
    kernel_seconds: Optional[float] = None
    mutation: Optional[dict] = None  # argument name -> what changed, when the kernel wrote to its input
    nondeterminism: Optional[dict] = None  # how two calls on the same input differed
    warnings: list = field(default_factory=list)
    reference_tier: str = ""  # what judged this case: the certified oracle or float64 a posteriori
    shape: tuple = ()  # of the (first) input, batch dimension included
    orthogonality_defect: Optional[float] = None  # msign / newton_schulz: ‖OᵀO − I‖_F on the small side
    input_sha256: str = ""  # of the exact arrays the kernel received (large inputs are defined by them)

    def to_json(self):
        return dataclasses.asdict(self)


class _StopSearch(BaseException):
    """Ends Hypothesis's shrinking at once (a BaseException propagates through it), keeping
    the smallest failure found so far — used when shrinking would cost a timeout per call."""


def _same_output(a: dict, b: dict) -> bool:
    if (a["type"], a["dtype"], a["shape"], a.get("device")) != (b["type"], b["dtype"], b["shape"], b.get("device")):
        return False
    x, y = a["values"], b["values"]
    if x is None or y is None:
        return x is None and y is None
    return bool(np.array_equal(x, y, equal_nan=True) and np.array_equal(np.signbit(x), np.signbit(y)))


def _orthogonality_defect(Y, engine=None) -> Optional[float]:
    """‖OᵀO − I‖_F on O's small side (the largest over a batch): how far the output is from having
    orthonormal rows or columns — what an orthogonaliser is for, whatever its contract.  The Gram
    product on `engine` (device64) for a matrix; batches stay on NumPy."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim < 2 or Y.size == 0 or not np.all(np.isfinite(Y)):
        return None
    if Y.ndim == 2 and engine is not None:
        Yd = dev.put(Y, engine)
        G = Yd @ Yd.T if Y.shape[0] <= Y.shape[1] else Yd.T @ Yd
        return math.sqrt(dev.sumsq(G - dev.eye(G.shape[0], G)))
    G = Y @ np.swapaxes(Y, -1, -2) if Y.shape[-2] <= Y.shape[-1] else np.swapaxes(Y, -1, -2) @ Y
    d = G - np.eye(G.shape[-1])
    return float(np.max(np.sqrt(np.sum(d * d, axis=(-2, -1)))))


def _output_difference(a: dict, b: dict) -> dict:
    x, y = a.get("values"), b.get("values")
    if x is None or y is None or np.shape(x) != np.shape(y):
        return {"max_abs_difference": None, "relative": None, "note": "the two calls returned different types or shapes"}
    with np.errstate(all="ignore"):
        d = np.abs(np.asarray(x) - np.asarray(y))
        scale = float(np.max(np.abs(x))) if np.size(x) else 0.0
    dmax = float(np.max(d)) if np.size(d) else 0.0
    return {"max_abs_difference": dmax, "relative": dmax / scale if scale > 0 else None}


def output_problem(out: dict, want: tuple, op: str, framework: str, dtype: str, out_dtype: str,
                   device: Optional[str]) -> Optional[str]:
    """Why an output (worker.describe_output's dict) cannot be judged — wrong type, dtype, shape,
    device, NaN/Inf (a cond of exactly +∞ excepted: κ of a singular input) — or None.  `device`
    None: not checked.  Shared by validate and matspec.testing."""
    expect_type = "numpy.ndarray" if framework == "numpy" else "torch.Tensor"
    ok_type = out["dtype"] is not None
    if framework == "numpy" and op != "norm" and out["type"] != "numpy.ndarray":
        ok_type = False
    if not ok_type:
        return f"returned {out['type']}, expected a {expect_type}"
    if out["dtype"] != out_dtype:
        declared = "declared with --out-dtype" if out_dtype != dtype else "undeclared dtype change; declare it with --out-dtype"
        return f"returned dtype {out['dtype']}, expected {out_dtype} ({declared})"
    if tuple(out["shape"]) != want:
        return f"returned shape {tuple(out['shape'])}, expected {want}"
    if framework == "torch" and device and out.get("device") and not out["device"].startswith(device.split(":")[0]):
        return f"returned a tensor on {out['device']}, expected {device}"
    Y = out["values"]
    if Y is None:
        return f"returned non-floating dtype {out['dtype']}"
    bad = int(np.size(Y) - np.count_nonzero(np.isfinite(Y)))
    if bad and not (op == "cond" and np.size(Y) == 1 and float(np.asarray(Y).reshape(())) == math.inf):
        return f"returned NaN/Inf in {bad} of {np.size(Y)} entries"
    return None


def judge_members(judge: OpJudge, ref_box: dict, args64, values):
    """(state, judgement or None, reason) for one checked output's float64 `values`: a batch
    (args64[0] of rank 3) member by member.  The oracle's references are kept in `ref_box` (per
    member; "ref": the first member's), so a second call on the same input reuses them.  An
    oracle that refuses, or an error of matspec's own, is undecided, never a pass.  Shared by
    validate and matspec.testing."""
    from matspec.implementations.base import OracleRefused, OutOfDomain

    batched = args64[0].ndim == 3
    members = range(args64[0].shape[0]) if batched else [None]
    results = []
    for b in members:
        a_b = [a[b] for a in args64] if batched else args64
        y_b = values[b] if batched else values
        try:
            if b not in ref_box:
                ref_box[b] = judge.prepare(a_b)
            j = judge.judge(ref_box[b], y_b)
        except (OracleRefused, OutOfDomain) as exc:
            results.append(("undecided", None, f"oracle refused: {exc}"))
            continue
        except Exception as exc:  # noqa: BLE001 - matspec's own failure: not the kernel's, never a pass
            results.append(("undecided", None, f"matspec could not judge this output ({type(exc).__name__}: {exc}); "
                                               "an internal error, not a verdict on the kernel"))
            continue
        results.append((j.state, j, j.reason))
    ref_box["ref"] = ref_box.get(members[0])
    if not batched:
        return results[0]
    # a batch is judged member by member: it fails if one member fails (named), is ok if all are
    for k, (st, j, why) in enumerate(results):
        if st == "fail":
            if j is not None:
                j.detail["batch_member"] = k
            return st, j, f"batch member {k}: {why}"
    for k, (st, j, why) in enumerate(results):
        if st != "ok":
            return st, j, f"batch member {k}: {why}"
    return results[0]


class Validator:
    """Validate `kernel` for `op`.  Keywords:

    * ``dtype`` / ``out_dtype``: what the kernel receives / returns (float64, float32, bfloat16);
    * ``framework`` ('numpy' | 'torch'), ``device`` (torch: 'cpu', 'cuda', 'cuda:1', …);
    * ``params``: op parameters (what the oracle needs: ``kind``, ``k``, ``lo``, ``hi``,
      ``schedule``, ``steps``); forwarded to the kernel only where its signature accepts them;
    * ``kernel_args``: the kernel's own keyword arguments (``eps``, ``ord``, ``ns_steps``, …);
    * ``contract``: 'exact' or 'band:LO,HI[,floor=F][,products=P]' (msign, newton_schulz);
    * ``examples``, ``seed``, ``max_dim``, ``scale_range`` (log10 window of ‖A‖₂): the drawn inputs;
    * ``timeout`` (seconds per call) and ``warmup_timeout`` (loading the kernel and the first
      call per shape, dtype and layout; default 10× timeout, at least 60 s);
    * ``input_mutation``: 'warn' (default: reported), 'fail' (a failed case) or 'allow';
    * ``repeat``: calls per input (2: non-determinism is reported; 1 turns that off);
    * ``gallery``: evaluate the adversarial gallery (default True); ``runner``: a shared
      :class:`KernelRunner` of the same kernel (its creator closes it).
    """

    def __init__(self, op: str, kernel, *, dtype: str = "float64", framework: str = "numpy", device: str = "cpu",
                 params: Optional[dict] = None, kernel_args: Optional[dict] = None, contract: str = "exact",
                 out_dtype: Optional[str] = None, examples: int = 30, seed: int = 0, timeout: float = 10.0,
                 warmup_timeout: Optional[float] = None, max_dim: int = DEFAULT_MAX_DIM,
                 scale_range: Optional[tuple[float, float]] = None, input_mutation: str = "warn", repeat: int = 2,
                 compute_dtype: Optional[str] = None, accumulate: Optional[str] = None,
                 schedule: Optional[str] = None, steps: Optional[int] = None, false_alarm: float = 1e-3,
                 shapes: Optional[list] = None, batch: int = 1,
                 gallery: bool = True, locate_range: Optional[bool] = None, runner: Optional[KernelRunner] = None):
        if op not in OPS:
            raise UsageError(f"unknown op {op!r}; choose one of {', '.join(OPS)}")
        if framework not in FRAMEWORKS:
            raise UsageError(f"unknown framework {framework!r}; choose numpy or torch")
        if dtype not in DTYPES:
            raise UsageError(f"unsupported dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
        out_dtype = out_dtype or dtype
        if out_dtype not in DTYPES:
            raise UsageError(f"unsupported --out-dtype {out_dtype!r}; choose one of {', '.join(DTYPES)}")
        if framework == "numpy" and "bfloat16" in (dtype, out_dtype):
            raise UsageError("NumPy has no bfloat16: use --framework torch for bfloat16 kernels")
        self.precision = Precision.of(dtype, out_dtype, compute_dtype, accumulate, device)
        if not (isinstance(false_alarm, float) and 0 < false_alarm < 1):
            raise UsageError(f"false_alarm must be a probability in (0, 1), got {false_alarm!r}")
        if framework == "numpy" and device != "cpu":
            raise UsageError(f"NumPy kernels run on the CPU, not {device!r}")
        if not isinstance(device, str) or not device:
            raise UsageError(f"device must be a name such as 'cpu' or 'cuda:0', got {device!r}")
        if framework == "torch" and importlib.util.find_spec("torch") is None:
            raise UsageError("--framework torch needs torch installed (pip install -e '.[torch]')")
        for name, val in (("timeout", timeout), ("warmup_timeout", warmup_timeout)):
            if val is not None and not (isinstance(val, (int, float)) and math.isfinite(val) and val > 0):
                raise UsageError(f"{name} must be a positive number of seconds, got {val!r}")
        if not (isinstance(examples, int) and examples >= 0):
            raise UsageError(f"examples must be a non-negative integer, got {examples!r}")
        if not (isinstance(max_dim, int) and max_dim >= 1):
            raise UsageError(f"max_dim must be a positive integer, got {max_dim!r}")
        if input_mutation not in MUTATION_POLICIES:
            raise UsageError(f"input_mutation must be one of {', '.join(MUTATION_POLICIES)}, got {input_mutation!r}")
        if repeat not in (1, 2):
            raise UsageError(f"repeat must be 1 or 2, got {repeat!r}")
        self.scale_range = check_scale_range(scale_range, dtype)
        self.shapes = self._parse_shapes(op, shapes, batch)
        params = dict(params or {})
        unknown = [k for k in params if k not in OP_PARAMS[op]]
        if unknown:
            known = ", ".join(OP_PARAMS[op]) or "none"
            raise UsageError(f"{', '.join(map(repr, unknown))} is not a parameter of op {op} (its parameters: {known}); "
                             f"pass the kernel's own arguments with --kernel-arg NAME=VALUE (kernel_args= in the API)")
        if op == "norm" and params.get("p") in ("inf", "+inf"):  # --param p=inf (a bare word)
            params["p"] = math.inf
        if op == "norm" and isinstance(params.get("kind"), int) and not isinstance(params["kind"], bool):
            params["kind"] = str(params["kind"])  # --param kind=2: the canonical kinds are strings
        self.op_params = params
        self.kernel_args = dict(kernel_args or {})
        bad = [k for k in self.kernel_args if not (isinstance(k, str) and k.isidentifier())]
        if bad:
            raise UsageError(f"kernel argument names must be identifiers, got {bad!r}")
        self._check_op_params(op)
        self.op, self.kernel, self.dtype, self.framework, self.device = op, kernel, dtype, framework, device
        self.out_dtype = out_dtype
        self.contract = parse_contract(contract, op)
        self.examples, self.seed, self.timeout, self.max_dim = examples, seed, float(timeout), max_dim
        self.input_mutation, self.repeat, self.gallery = input_mutation, repeat, gallery
        # the working range is located with the gallery (both are the fixed inputs of a run)
        self.locate_range = gallery if locate_range is None else locate_range
        self.scale_range_found = None
        self.stopped: Optional[str] = None
        self.schedule_hint = self._schedule_hint(op, schedule, steps)
        # λ for the probabilistic allowances: every bound this run can judge holds together with
        # probability ≥ 1 − false_alarm (a union bound, tolerance.lambda_for) — counted as the
        # inputs (gallery, sweeps, draws, shrink steps: ≤ 4·examples + 64) × 2 calls × the
        # output's entries × 8 accumulations per entry.  An output has at most max(m, n)² entries
        # per matrix (m × n, n × p with p ≤ n, or fewer), and a batch B of them: max_dim² for the
        # small draws, B·max(m, n)² at the largest --shape (tile neighbours included)
        self.false_alarm = false_alarm
        entries = max(max_dim, 8) ** 2
        if self.shapes:
            entries = max([entries] + [b * max(m, n) ** 2 for b, m, n in with_neighbours(self.shapes)])
        planned = (4 * examples + 64) * 2 * entries * 8
        from matspec.tolerance import lambda_for

        self.lam = lambda_for(planned, false_alarm)
        jparams = dict(self.op_params)
        if self.schedule_hint is not None:
            jparams["_schedule_hint"] = self.schedule_hint
        self.judge_ = OpJudge(op, jparams, self.contract, self.precision, self.lam)
        self.judge_.engine = dev.engine_for(device)  # the float64 tier on the kernel's GPU, if it has one
        # A runner may be shared between validations of one kernel (its worker process is
        # dtype-agnostic): the caller then owns it and closes it.
        if runner is not None and (runner.kernel is not kernel or runner.framework != framework or runner.device != device):
            raise UsageError("a shared KernelRunner must run the same kernel, framework and device")
        self._owns_runner = runner is None
        self.runner = runner or KernelRunner(kernel, framework, device, timeout, warmup_timeout)
        self.call_params: Optional[dict] = None  # op params the signature accepts + kernel args
        self.signature: Optional[str] = None
        self.forwarded: list = []
        self.calls = 0
        self.band_seen: Optional[list] = None
        self.findings = {"input_mutation": [], "nondeterministic": [], "warnings": [], "children_left": []}
        self.coverage: dict = {}  # band contracts: the lowest / highest σ/σ₁ a decided example judged

    @staticmethod
    def _parse_shapes(op: str, shapes: Optional[list], batch: int) -> Optional[list]:
        """--shape MxN / BxMxN (repeatable) and --batch B → [(B, M, N), …], or None (the default
        small draws).  Square-only ops need square shapes."""
        from matspec.inputs import InputError
        from matspec.sized import parse_shape

        if not (isinstance(batch, int) and not isinstance(batch, bool) and batch >= 1):
            raise UsageError(f"batch must be a whole number >= 1, got {batch!r}")
        if not shapes:
            if batch != 1:
                raise UsageError("--batch needs --shape (the sizes to batch)")
            return None
        out = []
        for sh in shapes:
            try:
                b, m, n = parse_shape(sh) if isinstance(sh, str) else ((1,) + tuple(sh) if len(sh) == 2 else tuple(sh))
            except (InputError, TypeError, ValueError) as exc:
                raise UsageError(str(exc)) from None
            if b != 1 and batch != 1 and b != batch:
                raise UsageError(f"shape {sh} has batch {b} but --batch is {batch}")
            b = batch if b == 1 else b
            if op in SQUARE_OPS and m != n:
                raise UsageError(f"{op} needs square shapes, got {m}x{n}")
            if op in ("matmul", "lstsq", "tikhonov_solve", "solve") and b != 1:
                raise UsageError(f"{op} takes no batch dimension yet")
            out.append((int(b), int(m), int(n)))
        return out

    @staticmethod
    def _schedule_hint(op: str, schedule: Optional[str], steps: Optional[int]):
        """--schedule / --steps for msign: optional information that tightens the band's
        misalignment allowance (matspec's reference then runs that schedule on every rounding
        path instead of one member of the family per path).  Never required."""
        if schedule is None and steps is None:
            return None
        from matspec.implementations.newton_schulz import SCHEDULES

        if op != "msign":
            raise UsageError("--schedule/--steps are hints for msign kernels; newton_schulz takes --param schedule=…")
        if schedule not in SCHEDULES:
            raise UsageError(f"--schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
        if steps is not None and not (isinstance(steps, int) and 1 <= steps <= 100):
            raise UsageError(f"--steps must be an integer in [1, 100], got {steps!r}")
        return (schedule, steps)

    def _check_op_params(self, op):
        p = self.op_params
        if op == "norm":
            from matspec.implementations.base import NORM_KINDS

            if p.get("kind") not in NORM_KINDS:
                raise UsageError(f"norm needs --param kind=K with K in {', '.join(NORM_KINDS)}")
            if p["kind"] == "schatten" and not (isinstance(p.get("p"), (int, float)) and not isinstance(p.get("p"), bool)
                                                and p["p"] >= 1):
                raise UsageError("Schatten norm needs --param p=P with P >= 1")
            if p["kind"] == "kyfan" and not (isinstance(p.get("k"), int) and not isinstance(p.get("k"), bool) and p["k"] >= 1):
                raise UsageError("Ky Fan norm needs --param k=K with an integer K >= 1")
        if op == "lowrank" and not (isinstance(p.get("k"), int) and not isinstance(p.get("k"), bool) and p["k"] >= 0):
            raise UsageError("lowrank needs --param k=K with an integer K >= 0")
        if op == "mclip":
            from matspec.implementations.base import check_clip_interval

            lo, hi = p.get("lo"), p.get("hi")
            if isinstance(lo, bool) or isinstance(hi, bool):
                raise UsageError(f"mclip needs numbers lo, hi, got {lo!r}, {hi!r}")
            try:
                check_clip_interval(lo, hi)
            except (ValueError, TypeError) as exc:
                raise UsageError(f"{exc} (--param lo=LO --param hi=HI)") from None
            p["lo"], p["hi"] = float(lo), float(hi)
        if op == "cond":
            from matspec.implementations.base import COND_KINDS

            if isinstance(p.get("kind"), int) and not isinstance(p.get("kind"), bool):
                p["kind"] = str(p["kind"])
            if p.get("kind") == "f":
                p["kind"] = "fro"
            if p.get("kind") not in COND_KINDS:
                raise UsageError(f"cond needs --param kind=K with K in {', '.join(COND_KINDS)}")
        if op == "tikhonov_solve":
            from matspec.implementations.base import check_lam

            try:
                p["lam"] = check_lam(p.get("lam"))
            except ValueError as exc:
                raise UsageError(f"{exc} (--param lam=LAMBDA)") from None
        if op == "newton_schulz":
            from matspec.implementations.newton_schulz import SCHEDULES

            name = p.get("schedule")
            if not isinstance(name, str) or name not in SCHEDULES:
                raise UsageError(f"newton_schulz needs --param schedule=NAME with NAME in {', '.join(SCHEDULES)}, got {name!r}")
            steps = p.get("steps")
            if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)
                                      or not 1 <= steps <= SCHEDULES[name].steps):
                raise UsageError(f"newton_schulz steps must be an integer in [1, {SCHEDULES[name].steps}] for "
                                 f"schedule {name!r} (its published length), got {steps!r}")

    # -- the kernel's call signature -----------------------------------------------------------
    def bind_kernel(self) -> dict:
        """Start the worker, read the kernel's signature there, and fix the keywords of every
        call: the op parameters it accepts plus the kernel arguments.  A call that does not
        bind is one usage error (exit 2), before any input is judged."""
        if self.call_params is None:
            self.runner.start()
            forward, sig, err = self.runner.check(len(arg_names(self.op)), self.op_params, self.kernel_args)
            self.signature, self.forwarded = sig, forward
            if err:
                args = ", ".join(arg_names(self.op))
                kw = ", ".join(f"{k}=…" for k in [*forward, *self.kernel_args])
                raise UsageError(f"kernel {kernel_name(self.kernel)} has signature {sig}, which does not accept the call "
                                 f"({args}{', ' + kw if kw else ''}): {err}; op parameters (--param) reach a kernel only "
                                 "if its signature names them, its own arguments go in --kernel-arg")
            self.call_params = {**{k: self.op_params[k] for k in forward}, **self.kernel_args}
        return self.call_params

    # -- replay command ----------------------------------------------------------------
    def replay_command(self, inputs_json: dict) -> str:
        kref = self.kernel if isinstance(self.kernel, str) else kernel_name(self.kernel)
        parts = ["matspec", "validate", "--op", self.op, "--kernel", kref, "--dtype", self.dtype,
                 "--framework", self.framework]
        if self.device != "cpu":
            parts += ["--device", self.device]
        if self.out_dtype != self.dtype:
            parts += ["--out-dtype", self.out_dtype]
        default = Precision.of(self.dtype, self.out_dtype, None, None, self.device)
        if self.precision.compute != default.compute:
            parts += ["--compute-dtype", self.precision.compute]
        if self.precision.accumulate != Precision.of(self.dtype, self.out_dtype, self.precision.compute, None,
                                                     self.device).accumulate:
            parts += ["--accumulate", self.precision.accumulate]
        if self.schedule_hint is not None:
            parts += ["--schedule", self.schedule_hint[0]] + (["--steps", str(self.schedule_hint[1])]
                                                               if self.schedule_hint[1] else [])
        for flag, d in (("--param", self.op_params), ("--kernel-arg", self.kernel_args)):
            for k, v in d.items():
                # a bare word reads back as itself (and norm kinds are coerced to strings)
                bare = isinstance(v, str) and (parse_assignment(f"{k}={v}")[1] == v or (self.op == "norm" and k == "kind"))
                if isinstance(v, float) and not math.isfinite(v):
                    text = f"{k}={v}"
                else:
                    text = f"{k}={v}" if bare or not isinstance(v, str) else f"{k}={v!r}"
                parts += [flag, text]
        parts += ["--contract", self.contract.spec(), "--timeout", f"{self.timeout:g}"]
        if self.input_mutation != "warn":
            parts += ["--input-mutation", self.input_mutation]
        parts += ["--replay", json.dumps(inputs_json, separators=(",", ":"))]
        return " ".join(shlex.quote(p) for p in parts)

    # -- one input ---------------------------------------------------------------------
    def _output_problem(self, out: dict, want: tuple) -> Optional[str]:
        return output_problem(out, want, self.op, self.framework, self.dtype, self.out_dtype, self.device)

    def _judge_output(self, ref_box: dict, args64, out: dict, want: tuple):
        """(state, judgement or None, reason) for one output."""
        problem = self._output_problem(out, want)
        if problem:
            return "fail", None, problem
        return judge_members(self.judge_, ref_box, args64, out["values"])

    def _record_call_findings(self, res: CaseResult, calls: list[CallResult]) -> Optional[str]:
        """Mutation, leftover children and warnings of the calls; returns a failure reason
        (children left running; mutation under --input-mutation fail) or None."""
        names = arg_names(self.op)
        self.findings["inputs_called"] = self.findings.get("inputs_called", 0) + 1  # gallery, drawn and range probes
        for c in calls:
            if c.mutation and res.mutation is None:
                res.mutation = {names[int(i)]: m for i, m in c.mutation.items()}
            for w in c.warnings:
                if w not in res.warnings:
                    res.warnings.append(w)
            if c.children_left:
                self.findings["children_left"].append(res.label)
                return (f"kernel left {len(c.children_left)} child process(es) running after it returned "
                        f"(pids {', '.join(map(str, c.children_left[:5]))}; killed)")
        for w in res.warnings:
            if w not in self.findings["warnings"] and len(self.findings["warnings"]) < 10:
                self.findings["warnings"].append(w)
        if res.mutation is not None:
            self.findings["input_mutation"].append(res.label)  # every input, drawn ones included
            if "input_mutation_example" not in self.findings:
                self.findings["input_mutation_example"] = {"label": res.label, "inputs": res.inputs, "what": res.mutation}
            if self.input_mutation == "fail":
                what = "; ".join(f"{k}: {m.get('entries_changed')} entries changed" for k, m in res.mutation.items())
                return f"kernel modifies its input in place ({what}) — --input-mutation fail"
        return None

    def evaluate(self, inputs: dict, label: str = "") -> CaseResult:
        from matspec.inputs import InputError, input_to_json

        t0 = time.perf_counter()
        inputs = dict(inputs)
        layout = inputs.pop("layout", "contiguous")
        if layout not in LAYOUTS:
            raise UsageError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
        names = arg_names(self.op)
        if set(inputs) != set(names):
            raise UsageError(f"{self.op} takes inputs {list(names)}, got {sorted(inputs)}")
        ij = {k: input_to_json(v) for k, v in inputs.items()}
        if layout != "contiguous":
            ij["layout"] = layout
        res = CaseResult(label=label, inputs=ij, layout=layout,
                         inputs_repr=", ".join(f"{k}={v!r}" for k, v in inputs.items()) + ("" if layout == "contiguous" else f", layout={layout}"),
                         state="ok", replay=self.replay_command(ij))
        try:
            raw = prepare_args(self.op, [inputs[name].to_numpy(np.float64)[0] for name in names])
            args64 = [round_to_dtype(X, self.dtype) for X in raw]
        except (InputError, ValueError) as exc:
            res.state, res.reason = "skipped", f"input not representable: {exc}"
            return res
        # the oracle's view is fixed here, before any kernel sees the input: read-only
        import hashlib

        h = hashlib.sha256()
        for a in args64:
            a.setflags(write=False)
            h.update(np.ascontiguousarray(a).tobytes())
        res.input_sha256 = h.hexdigest()[:16]
        if sum(a.size for a in args64) <= 64:
            res.entries = {k: a.tolist() for k, a in zip(names, args64)}
        params = self.bind_kernel()
        warm = self.runner.warm_up(args64, self.dtype, params, layout)
        if warm is not None and (warm.status != "raised" or warm.compile_error):
            res.state, res.reason, res.seconds = "fail", warm.message, time.perf_counter() - t0
            return res
        calls: list[CallResult] = []
        for i in range(self.repeat):
            self.calls += 1
            c = self.runner.call(args64, self.dtype, params, layout)
            calls.append(c)
            if c.status != "ok":
                res.state = "fail"
                res.reason = c.message if i == 0 else f"on a repeated call with the same input: {c.message}"
                self._record_call_findings(res, calls)
                res.seconds = time.perf_counter() - t0
                return res
        res.kernel_seconds = min(c.seconds for c in calls)
        res.shape = tuple(args64[0].shape)
        why = self._record_call_findings(res, calls)
        if warm is not None and not why:
            # the first call on this shape raised, the judged ones did not: a kernel that fails
            # on its first call fails in production too
            why = (f"the kernel's first call on this shape, dtype and layout (the warm-up call) raised "
                   f"{warm.message[len('kernel raised '):]}; later calls on the same input did not (stateful kernel)")
        want = self.judge_.out_shape(args64)
        ref_box: dict = {}
        if self.op in ("msign", "newton_schulz") and calls[0].output and calls[0].output.get("values") is not None:
            res.orthogonality_defect = _orthogonality_defect(calls[0].output["values"], self.judge_.engine)
        state, j, reason = self._judge_output(ref_box, args64, calls[0].output, want)
        if len(calls) > 1 and not _same_output(calls[0].output, calls[1].output):
            res.nondeterminism = _output_difference(calls[0].output, calls[1].output)
            self.findings["nondeterministic"].append(res.label)
            r = res.nondeterminism.get("relative")
            if r is not None:
                self.findings["nondeterministic_max_relative"] = max(r, self.findings.get("nondeterministic_max_relative", 0.0))
            state2, j2, reason2 = self._judge_output(ref_box, args64, calls[1].output, want)
            if state2 == "fail" and state != "fail":  # each call is judged on its own
                state, j, reason = state2, j2, f"{reason2} (second of two calls on the same input)"
        if why and state != "fail":
            state, j, reason = "fail", None, why
        res.state, res.reason = state, reason or ""
        if j is not None:
            res.measured, res.allowed, res.detail = j.measured, j.allowed, j.detail
            res.reference_tier = j.detail.get("reference_tier", "")
            if "diag_range" in j.detail:  # band contracts: the band the kernel actually delivered
                lo, hi = j.detail["diag_range"]
                self.band_seen = [min(self.band_seen[0], lo), max(self.band_seen[1], hi)] if self.band_seen else [lo, hi]
            rng = j.detail.get("judged_sigma_over_sigma1")
            if rng and state in ("ok", "fail"):
                cov = self.coverage
                cov["lowest"] = min(cov.get("lowest", 1.0), rng[0])
                cov["highest"] = max(cov.get("highest", 0.0), rng[1])
                xr = j.detail.get("judged_x")
                if xr:
                    cov["x_lowest"] = min(cov.get("x_lowest", 1.0), xr[0])
                    cov["x_highest"] = max(cov.get("x_highest", 0.0), xr[1])
            if args64[0].ndim == 2 and ref_box.get("ref") is not None and ref_box["ref"].get("tier") != "float64":
                self._baseline(res, ref_box["ref"], args64, want)
        res.seconds = time.perf_counter() - t0
        if getattr(self, "_progress", None):
            self._progress(f"{label}: {res.state}")
        return res

    def _baseline(self, res: CaseResult, ref, args64, want) -> None:
        """Baseline ratio (diagnostic only; never part of the verdict)."""
        try:
            B = baseline_output(self.op, self.op_params, args64, self.dtype, self.contract)
            if B is not None and np.all(np.isfinite(B)) and np.shape(B) == want:
                be, _ = self.judge_.error(ref, np.asarray(B, dtype=np.float64))
                res.baseline_error = _fnum(be)
                if res.measured is not None and res.baseline_error > 0:
                    res.ratio = res.measured / res.baseline_error
        except Exception:  # noqa: BLE001 - a diagnostic must not change the verdict
            pass

    def replay(self, inputs: dict) -> CaseResult:
        """Evaluate one input (a replay command's JSON, already parsed into specs)."""
        try:
            return self.evaluate(inputs, "replay")
        finally:
            if self._owns_runner:
                self.runner.close()

    # -- the whole run -----------------------------------------------------------------
    def run(self, progress: Optional[Callable[[str], None]] = None) -> "ValidationReport":
        """Gallery, working range, drawn inputs; `progress(label)` is called after every evaluated
        input (the CLI draws a progress bar on a terminal from it)."""
        self._progress = progress
        try:
            return self.run_cases()
        finally:
            if self._owns_runner:
                self.runner.close()

    def gallery_inputs(self) -> list:
        """The fixed inputs of a run: the adversarial gallery and, with --shape, its sweeps at the
        user's shapes ([] when the gallery is off)."""
        if not self.gallery:
            return []
        gallery = adversarial_cases(self.op, self.op_params, self.dtype, self.scale_range, self.contract,
                                    max_dim=self.max_dim, u_c=self.precision.u_c)
        if self.shapes:
            gallery += sized_cases(self.op, self.shapes, self.contract, self.precision.u_c,
                                   self.judge_._oracle_limit(), self.scale_range)
        return gallery

    def run_cases(self, gallery: Optional[list] = None, drawn_inputs: Optional[list] = None) -> "ValidationReport":
        """One run's sequence of cases, shared by ``validate`` and ``compare`` so the two cannot
        drift: bind the kernel; the gallery (`gallery`, default this validator's own), stopping
        after STOP_AFTER_HANGS consecutive inputs without a result; the working range, its edge
        inputs kept as cases (a failure beyond an end is a failed case of the run); then the
        drawn inputs — a Hypothesis search with shrinking, or, given `drawn_inputs` (compare:
        the same specs for every kernel), exactly those, in order, unshrunk (the report's
        ``drawn_cases``).  The caller closes the runner."""
        from matspec.validate.report import ValidationReport

        t0 = time.perf_counter()
        cases: list[CaseResult] = []
        shrunk: Optional[CaseResult] = None
        drawn = {"n": 0, "undecided": 0}
        drawn_cases: list[CaseResult] = []

        def report():
            rep = ValidationReport(self, cases, shrunk, drawn, time.perf_counter() - t0)
            if drawn_inputs is not None:
                rep.drawn_cases = drawn_cases
            return rep

        self.bind_kernel()
        if gallery is None:
            gallery = self.gallery_inputs()
        # the inputs at size, built ahead in parallel where the machine has the cores (same bytes)
        prebuild([v for inputs in [i for _, i in gallery] + list(drawn_inputs or []) for v in inputs.values()])
        hung = 0
        for label, inputs in gallery:
            cr = self.evaluate(inputs, label)
            cases.append(cr)
            hung = hung + 1 if cr.reason.startswith(("no result within", "warm-up (first call")) else 0
            if hung >= STOP_AFTER_HANGS:
                # a kernel that hangs on every input: each further one costs a timeout and says nothing new
                self.stopped = f"stopped after {hung} consecutive inputs without a result (timeouts); the rest was not run"
                return report()
        if self.locate_range:
            self.scale_range_found = self._locate_scale_range()
            cases += self.scale_range_found.edge_cases()
        if drawn_inputs is not None:
            for i, inputs in enumerate(drawn_inputs):
                cr = self.evaluate(inputs, f"drawn #{i}")
                drawn_cases.append(cr)
                if cr.state != "skipped":
                    drawn["n"] += 1
                    drawn["undecided"] += cr.state == "undecided"
        elif self.examples > 0:
            shrunk = self._search(drawn)
        return report()

    # -- working range ------------------------------------------------------------------------
    def _range_inputs(self, s: float, family: str) -> dict:
        from matspec.inputs import ArraySpec, MatrixSpec

        k = min(4, self.max_dim)
        if self.op == "matmul":
            return {"A": MatrixSpec(k, k, log10_kappa=1, log10_scale=round(s / 2, 4), seed=31),
                    "B": MatrixSpec(k, k, log10_kappa=1, log10_scale=round(s / 2, 4), seed=33)}
        if self.op in ("solve", "lstsq", "tikhonov_solve"):
            # A and b scaled together: x is unchanged (solve, lstsq), or nearly (tikhonov: λ is absolute)
            return {"A": MatrixSpec(k, k, log10_kappa=1, log10_scale=s, seed=31),
                    "b": ArraySpec.column([x * 10.0 ** s for x in (1.0, -2.0, 0.5, 3.0)[:k]])}
        if family == "tall":
            t = min(6, self.max_dim)
            return {"A": MatrixSpec(t, max(1, t // 2), log10_kappa=1, log10_scale=s, seed=32)}
        return {"A": MatrixSpec(k, k, log10_kappa=1, log10_scale=s, seed=31)}

    def _locate_scale_range(self):
        from matspec.validate.working_range import locate

        families = (["square"] if self.op in ("matmul", "solve", "lstsq", "tikhonov_solve", "cond", "eigvalsh")
                    else ["square", "tall"])
        if self.op == "norm" and self.op_params.get("kind") == "kyfan":
            families = ["square"]

        def evaluate(s, fam):
            return self.evaluate(self._range_inputs(s, fam), f"scale 1e{s:g} ({fam})")

        def sizes(s, fam):
            X, _ = self._range_inputs(s, fam)["A"].to_numpy(np.float64)
            big = float(np.max(np.abs(X)))
            return (big * float(np.linalg.norm(X / big)) if big > 0 else 0.0), big  # no overflow at 1e306

        band = (self.contract.lo, self.contract.hi) if self.contract.kind == "band" else None
        return locate(evaluate, families, self.dtype, self.scale_range, sizes, band)

    def _search(self, drawn: dict) -> Optional[CaseResult]:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hyp_seed
        from hypothesis.errors import Flaky

        strategy = input_strategy(self.op, self.op_params, self.dtype, self.max_dim, self.scale_range,
                                  shapes=self.shapes, small_max=self.judge_._oracle_limit())
        state: dict = {"best": None, "calls_after": 0}

        class _Fail(Exception):
            pass

        @settings(max_examples=self.examples, database=None, deadline=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                  phases=[Phase.generate, Phase.shrink], print_blob=False)
        @hyp_seed(self.seed)
        @given(strategy)
        def search(inputs):
            best = state["best"]
            if best is not None:
                # Shrinking: a hang costs a timeout per call, so stop after a budget (or
                # after any timeout or crash) and keep the smallest failure found so far.
                state["calls_after"] += 1
                if (best.reason.startswith(("no result within", "warm-up", "kernel process"))
                        or state["calls_after"] > SHRINK_CALL_BUDGET):
                    raise _StopSearch()
                if time.perf_counter() - state["failed_at"] > SHRINK_TIME_BUDGET_S:
                    state["stopped"] = f"shrinking stopped after {SHRINK_TIME_BUDGET_S:g} s"
                    raise _StopSearch()
            cr = self.evaluate(inputs, "drawn")
            if best is None and cr.state != "skipped":
                drawn["n"] += 1  # an input drawn before any failure (the failing one included)
                if cr.state == "undecided":
                    drawn["undecided"] += 1
            if cr.state == "fail":
                if state["best"] is None:
                    state["failed_at"] = time.perf_counter()
                state["best"] = cr
                raise _Fail()

        try:
            search()
        except (_Fail, _StopSearch):
            pass
        except Flaky:
            # Hypothesis re-ran the failing input and the kernel did not fail again
            if state["best"] is None:
                raise
            state["best"].reason += (" (not reproducible: the kernel passed when called again on this input — "
                                     "it is non-deterministic or keeps state between calls)")
        if state["best"] is not None:
            state["best"].label = "drawn (shrunk)" if "stopped" not in state else f"drawn ({state['stopped']})"
        return state["best"]


def validate(op: str, kernel, **kw):
    """Validate `kernel` (a callable or 'pkg.mod:fn' / 'file.py:fn') for `op`; see
    :class:`Validator` for the keywords.  Returns the report (``.passed``, ``.failures``)."""
    return Validator(op, kernel, **kw).run()
