"""Evaluate claims × op sets: compute verdicts and per-backend outcomes.

For each claim the runner checks the *stated* form on the oracle (mpmath).  If it is
refuted and the claim has a repaired form, that is checked too; the verdict follows from
the two statuses (:func:`matspec.claim.combine_verdict`).  Then the true form (stated if it
holds, else the repaired one) is checked on every backend, giving `conforms`,
`violates`, `unsupported` or `undecided`.

Hypothesis drives the search; a violation is shrunk to a minimal input, recorded with
the relation that failed (measured gap vs allowed slack) and a replay command.
"""
from __future__ import annotations

import json
import math
import os
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Optional

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hyp_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from matspec.claim import Claim, Form, Outcome, Verdict, combine_verdict
from matspec.implementations.base import OpSet, OracleRefused, OutOfDomain, Unsupported
from matspec.inputs import input_to_json
from matspec.values import as_relations

PROFILES = {
    # examples per form on the oracle / on a backend (backends are cheap)
    "smoke": (6, 10),
    "default": (25, 40),
    "heavy": (250, 400),   # 10x the examples, the default matrix sizes
    "large": (250, 400),   # heavy's examples on larger matrices (op sets' domain("large"))
}
# The profiles whose op-set domains draw larger matrices (oracle n <= 24, backends n <= 32):
# the oracle's cost grows like n³ and entrywise relations like n², so this is the slow one
# (about 70 CPU-minutes for the catalogue on the reference machine, vs ~15 wall-minutes for heavy).
LARGE_PROFILES = ("large",)


MATH_ONLY = "math-only"
# Empirical claims measured on torch's own arithmetic (bfloat16 on the CPU): without torch they are
# skipped and listed as such, never passed or failed.
NEEDS_TORCH = "needs-torch"


def _torch_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


class _Violation(Exception):
    pass


@dataclass
class FormResult:
    status: str  # "holds" | "refuted" | "undecided" | "unsupported" | "error"
    examples: int = 0
    undecided: int = 0
    counterexample: Optional[dict] = None  # inputs as JSON
    counterexample_repr: Optional[str] = None
    counterexample_entries: Optional[dict] = None  # float64 entries of small matrix inputs
    relations: list = field(default_factory=list)  # failing relations (JSON)
    message: str = ""
    seconds: float = 0.0
    measurement: Optional[dict] = None  # empirical claims: figure, setting, rule, agreement

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "examples": self.examples,
            "undecided_examples": self.undecided,
            "counterexample": self.counterexample,
            "counterexample_repr": self.counterexample_repr,
            "counterexample_entries": self.counterexample_entries,
            "failed_relations": self.relations,
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "measurement": self.measurement,
        }


def claim_seed(base_seed: int, claim_id: str, form: str, opset: str) -> int:
    """A stable per-(claim, form, op set) seed: runs are reproducible from --seed."""
    return (base_seed * 1_000_003 + zlib.crc32(f"{claim_id}|{form}|{opset}".encode())) % (2**32)


def evaluate_once(form: Form, ops: OpSet, inputs: dict, *, strict_inputs: bool = False):
    """Run a property on one input; returns (state, relations, message).

    state: 'ok' | 'violated' | 'undecided'.  Any exception other than an oracle refusal
    or an unsupported op is a violation: a kernel that raises fails, it never passes.
    ``strict_inputs`` (``matspec replay``): an op set rejecting the inputs themselves
    (InputError: shapes that do not fit, a square-only op given a rectangle) raises
    :class:`ReplayInputError` — a usage error, not a violation.
    """
    from matspec.inputs import InputError

    try:
        rels = as_relations(form.prop(ops, **inputs))
    except OracleRefused as exc:
        return "undecided", [], f"oracle refused: {exc}"
    except OutOfDomain as exc:
        return "undecided", [], str(exc)
    except Unsupported:
        raise
    except Exception as exc:  # noqa: BLE001 - reported as a failure with its message
        if strict_inputs and isinstance(exc, InputError):
            raise ReplayInputError(f"the inputs do not fit {form.text!r}: {exc}") from None
        return "violated", [], f"raised {type(exc).__name__}: {exc}"
    bad = [r for r in rels if r.ok is False]
    if bad:
        return "violated", bad, "; ".join(r.describe() for r in bad)
    if any(r.ok is None for r in rels):
        return "undecided", [r for r in rels if r.ok is None], "error bound unavailable"
    return "ok", rels, ""


class ReplayInputError(ValueError):
    """Replay inputs that do not fit the form (missing, extra or mistyped names, an invalid spec, an
    input outside the op set's domain): a usage error, never a 'violated' (one line)."""


def _input_kind(v) -> str:
    from matspec.inputs import Spec

    if isinstance(v, Spec):
        return "a matrix spec"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    return "null" if v is None else type(v).__name__


def input_templates(form: Form, ops: OpSet) -> list[dict]:
    """What a form's inputs look like: its fixed examples and one input drawn from its strategy (on
    the largest domain any profile draws from, derandomized): the names and kinds a replay must give."""
    out = list(form.examples)
    if form.inputs is not None:
        from hypothesis import find

        try:
            out.append(find(form.inputs(ops.domain("large")), lambda _: True,
                            settings=settings(database=None, max_examples=20, derandomize=True, deadline=None,
                                              suppress_health_check=list(HealthCheck), phases=[Phase.generate])))
        except Exception:  # noqa: BLE001 - no drawable input: the examples are the template
            pass
    return out


def check_replay_inputs(form: Form, ops: OpSet, raw) -> dict:
    """The inputs of ``matspec replay --input``, rebuilt and checked *before* evaluating: a JSON object
    with exactly the names of one of the form's input templates, each of the same kind (a matrix spec,
    a number, a string), each spec valid (it materialises in float64) and inside the op set's domain
    for the largest profile (every counterexample matspec prints satisfies this).  Raises
    :class:`ReplayInputError`."""
    import numpy as np

    from matspec.inputs import Spec, spec_from_json

    if not isinstance(raw, dict):
        raise ReplayInputError(f"--input must be a JSON object of named inputs, got a {type(raw).__name__}")
    templates = input_templates(form, ops)
    shapes = {tuple(sorted(t)) for t in templates}
    names = tuple(sorted(raw))
    if templates and names not in shapes:
        want = " or ".join("{" + ", ".join(s) + "}" for s in sorted(shapes))
        raise ReplayInputError(f"--input names {{{', '.join(names)}}} do not match the form's inputs {want}")
    template = next((t for t in templates if tuple(sorted(t)) == names), {})
    dom = ops.domain("large")
    inputs = {}
    for k, v in raw.items():
        try:
            x = spec_from_json(v)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise ReplayInputError(f"--input {k!r}: {exc}") from None
        if k in template and _input_kind(x) != _input_kind(template[k]):
            raise ReplayInputError(f"--input {k!r} must be {_input_kind(template[k])}, got {_input_kind(x)}")
        if isinstance(x, Spec):
            dims = [d for d in (getattr(x, "m", None), getattr(x, "n", None)) if isinstance(d, int)]
            if dims and max(dims) > dom.max_dim:
                raise ReplayInputError(f"--input {k!r}: size {max(dims)} exceeds {ops.id}'s largest domain "
                                       f"(n <= {dom.max_dim})")
            scale = getattr(x, "log10_scale", None)
            if isinstance(scale, (int, float)) and not dom.log10_scale[0] <= scale <= dom.log10_scale[1]:
                raise ReplayInputError(f"--input {k!r}: log10_scale {scale} is outside {ops.id}'s domain "
                                       f"[{dom.log10_scale[0]}, {dom.log10_scale[1]}]")
            kappa = getattr(x, "log10_kappa", None)
            if isinstance(kappa, (int, float)) and kappa > dom.max_log10_kappa:
                raise ReplayInputError(f"--input {k!r}: log10_kappa {kappa} exceeds {ops.id}'s domain "
                                       f"(<= {dom.max_log10_kappa})")
            try:
                x.to_numpy(np.float64)
            except Exception as exc:  # noqa: BLE001 - an input that cannot be built is bad input
                raise ReplayInputError(f"--input {k!r}: cannot build {x!r} ({type(exc).__name__}: {exc})") from None
        elif isinstance(x, float) and not math.isfinite(x):
            raise ReplayInputError(f"--input {k!r}: {x} is not a finite number")
        inputs[k] = x
    return inputs


def _inputs_json(inputs: dict) -> dict:
    return {k: input_to_json(v) for k, v in inputs.items()}


def _inputs_repr(inputs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in inputs.items())


def _inputs_entries(inputs: dict, max_entries: int = 64) -> dict:
    """The float64 entries of small matrix inputs, so a counterexample can be pasted into
    a bug report without running matspec."""
    import numpy as np

    from matspec.inputs import Spec

    out = {}
    for k, v in inputs.items():
        if isinstance(v, Spec):
            try:
                X, _ = v.to_numpy(np.float64)
            except Exception:  # noqa: BLE001 - entries are a convenience; the spec replays
                continue
            if X.size <= max_entries:
                out[k] = X.tolist()
    return out


def check_form(form: Form, ops: OpSet, profile: str = "default", max_examples: Optional[int] = None,
               seed: int = 0) -> FormResult:
    t0 = time.perf_counter()
    res = FormResult(status="holds")
    failing: dict = {}

    def record(inputs, rels, msg):
        failing["inputs"], failing["rels"], failing["msg"] = inputs, rels, msg

    try:
        # 1. fixed examples (the document's own cases, witnesses): always evaluated first.
        for ex in form.examples:
            state, rels, msg = evaluate_once(form, ops, ex)
            res.examples += 1
            if state == "violated":
                record(ex, rels, msg)
                raise _Violation()
            if state == "undecided":
                res.undecided += 1

        # 2. drawn inputs, shrunk on failure.
        if form.inputs is not None:
            n = max_examples if max_examples is not None else (
                PROFILES[profile][0] if ops.level == "math" else PROFILES[profile][1])
            strategy = form.inputs(ops.domain(profile))
            if not isinstance(strategy, st.SearchStrategy):
                raise TypeError(f"form inputs must return a hypothesis strategy, got {type(strategy).__name__}")

            @settings(max_examples=n, database=None, deadline=None, derandomize=False,
                      suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                      phases=[Phase.generate, Phase.shrink], print_blob=False)
            @hyp_seed(seed)
            @given(strategy)
            def search(inputs):
                if form.assume is not None and not form.assume(**inputs):
                    from hypothesis import reject
                    reject()
                state, rels, msg = evaluate_once(form, ops, inputs)
                if state == "violated":
                    record(inputs, rels, msg)
                    raise _Violation()
                counts["n"] += 1
                if state == "undecided":
                    counts["undecided"] += 1

            counts = {"n": 0, "undecided": 0}
            try:
                search()
            except Unsatisfiable:
                res.message = "no drawn input satisfied the precondition"
            res.examples += counts["n"]
            res.undecided += counts["undecided"]
    except _Violation:
        res.status = "refuted"
        res.counterexample = _inputs_json(failing["inputs"])
        res.counterexample_repr = _inputs_repr(failing["inputs"])
        res.counterexample_entries = _inputs_entries(failing["inputs"])
        res.relations = [r.to_json() for r in failing["rels"]]
        res.message = failing["msg"]
    except Unsupported as exc:
        res.status = "unsupported"
        res.message = str(exc)
    if res.status == "holds" and res.examples > 0 and res.undecided == res.examples:
        res.status = "undecided"
        res.message = res.message or "every example was undecided (oracle refusals or unbounded errors)"
    if res.status == "holds" and res.examples == 0:
        res.status = "undecided"
        res.message = res.message or "no example was evaluated"
    res.seconds = time.perf_counter() - t0
    return res


def _status_bool(r: FormResult) -> Optional[bool]:
    return {"holds": True, "refuted": False}.get(r.status)


@dataclass
class ClaimResult:
    claim: Claim
    computed: Verdict
    stated: FormResult
    repaired: Optional[FormResult]
    backends: dict  # backend id -> (Outcome, FormResult | None)
    seed: int
    skipped: str = ""  # why the claim could not be evaluated here (e.g. "needs torch")

    @property
    def agrees(self) -> bool:
        return self.computed == self.claim.recorded

    def backend_mismatches(self) -> list[str]:
        out = []
        for bid, (outcome, _) in self.backends.items():
            expected = self.claim.expect.get(bid, Outcome.CONFORMS if outcome != Outcome.NOT_APPLICABLE else Outcome.NOT_APPLICABLE)
            if outcome != expected:
                out.append(f"{bid}: expected {expected.value}, got {outcome.value}")
        return out

    def replay_command(self, form: str = "stated", opset: str = "oracle") -> Optional[str]:
        fr = self.stated if form == "stated" else self.repaired
        if opset != "oracle":
            fr = self.backends.get(opset, (None, None))[1]
        if fr is None or fr.counterexample is None:
            return None
        return (f"matspec replay {self.claim.id} --form {form} --on {opset} "
                f"--input '{json.dumps(fr.counterexample, separators=(',', ':'))}'")

    def to_json(self) -> dict:
        c = self.claim
        true_form = "stated" if self.computed == Verdict.HOLDS else ("repaired" if self.computed in (Verdict.CONDITIONAL, Verdict.MISSTATED) else None)
        return {
            "id": c.id,
            "topic": c.topic,
            "provenance": {"seed": c.provenance.seed, "section": c.provenance.section, "statement": c.provenance.statement},
            "also_stated_in": [{"seed": a.seed, "section": a.section, "statement": a.statement} for a in c.also],
            "statement": c.stated.text if c.stated else c.provenance.statement,
            "repair": c.repair,
            "repaired_statement": c.repaired.text if c.repaired else None,
            "note": c.note,
            # errata.md: does the note report a flaw, what is wrong (one line), the corrected statement
            "note_reports_flaw": c.note_reports_flaw,
            "erratum": c.erratum,
            "corrected_statement": c.corrected_statement or None,
            "empirical_kind": c.empirical.kind.value if c.empirical is not None else None,
            "recorded_verdict": c.recorded.value,
            "computed_verdict": self.computed.value,
            "agrees": self.agrees,
            "seed": self.seed,
            "stated": self.stated.to_json(),
            "repaired": self.repaired.to_json() if self.repaired else None,
            "replay": {"stated": self.replay_command("stated"), "repaired": self.replay_command("repaired")},
            "backends": {
                bid: {
                    "form": true_form,
                    "outcome": outcome.value,
                    "expected": c.expect.get(bid, Outcome.CONFORMS if outcome != Outcome.NOT_APPLICABLE else Outcome.NOT_APPLICABLE).value,
                    "result": fr.to_json() if fr else None,
                    "replay": self.replay_command(true_form, bid) if fr and true_form else None,
                }
                for bid, (outcome, fr) in self.backends.items()
            },
        }


_OUTCOME_OF_STATUS = {
    "holds": Outcome.CONFORMS,
    "refuted": Outcome.VIOLATES,
    "unsupported": Outcome.UNSUPPORTED,
    "undecided": Outcome.UNDECIDED,
}


def _evaluate_empirical(claim: Claim, seed: int) -> ClaimResult:
    t0 = time.perf_counter()
    emp = claim.empirical
    res = FormResult(status="holds")
    try:
        m = emp.measure()
        agrees = bool(emp.agrees(m))
        res.examples = 1
        res.message = (f"document: {emp.document_figure}; measured: {m.value:.6g} ({m.setting}); "
                       f"rule: {emp.rule} -> {'agrees' if agrees else 'disagrees'}")
        computed = Verdict.EMPIRICAL
        res.measurement = {"value": m.value, "setting": m.setting, "details": m.details,
                           "document": emp.document_figure, "rule": emp.rule, "agrees": agrees,
                           "expected_agreement": emp.expect_agreement}
        if agrees != emp.expect_agreement:
            computed = Verdict.UNDECIDED
            res.message += f" (recorded expectation: {'agrees' if emp.expect_agreement else 'disagrees'})"
    except Exception as exc:  # noqa: BLE001 - a failed measurement is reported, never passed
        computed, res.status, res.message = Verdict.UNDECIDED, "undecided", f"measurement raised {type(exc).__name__}: {exc}"
    res.seconds = time.perf_counter() - t0
    return ClaimResult(claim, computed, res, None, {}, seed)


def evaluate_claim(claim: Claim, oracle: OpSet, backends: Iterable[OpSet] = (), profile: str = "default",
                   seed: int = 0, examples: Optional[int] = None) -> ClaimResult:
    if NEEDS_TORCH in claim.tags and not _torch_available():
        why = "needs torch: pip install 'matspec[torch]' (torch==2.13.0)"
        return ClaimResult(claim, Verdict.UNDECIDED, FormResult(status="unsupported", message=why), None, {}, seed,
                           skipped=why)
    if claim.empirical is not None:
        return _evaluate_empirical(claim, seed)
    stated = check_form(claim.stated, oracle, profile, examples, claim_seed(seed, claim.id, "stated", oracle.id))
    repaired = None
    if stated.status == "refuted" and claim.repaired is not None:
        repaired = check_form(claim.repaired, oracle, profile, examples, claim_seed(seed, claim.id, "repaired", oracle.id))
    computed = combine_verdict(_status_bool(stated), _status_bool(repaired) if repaired else None, claim.repair)
    true_form = {Verdict.HOLDS: claim.stated, Verdict.CONDITIONAL: claim.repaired, Verdict.MISSTATED: claim.repaired}.get(computed)
    out = {}
    for b in backends:
        # "math-only" claims are statements about exact mathematics whose check needs the
        # oracle's precision (finite differences at 1e-20, quadrature): no backend can run
        # them meaningfully, so they are listed as n/a rather than passed.
        if true_form is None or MATH_ONLY in claim.tags:
            out[b.id] = (Outcome.NOT_APPLICABLE, None)
            continue
        fr = check_form(true_form, b, profile, examples, claim_seed(seed, claim.id, "backend", b.id))
        out[b.id] = (_OUTCOME_OF_STATUS[fr.status] if fr.status in _OUTCOME_OF_STATUS else Outcome.VIOLATES, fr)
    return ClaimResult(claim, computed, stated, repaired, out, seed)


# ----------------------------------------------------------------------------------
# many claims, optionally in worker processes (`matspec run -j N`)
# ----------------------------------------------------------------------------------

class RunInterrupted(Exception):
    """The run was interrupted (SIGINT / Ctrl-C): ``done`` holds the ClaimResults finished so far,
    in catalogue order; ``total`` the number of claims asked for; ``running`` the ids that were
    being evaluated and were abandoned."""

    def __init__(self, done: list, total: int, running: list[str]):
        super().__init__(f"interrupted after {len(done)} of {total} claims")
        self.done, self.total, self.running = done, total, running


class WorkerFailed(RuntimeError):
    """A ``-j N`` worker process died (killed from outside, out of memory): one line for the CLI."""


_BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def single_threaded_math():
    """One BLAS / OpenMP thread and one torch intra-op thread while claims are evaluated — in the
    ``-j 1`` process and in every ``-j N`` worker alike.  A reduction split over another number of
    threads sums in another order: ``-j 1`` (the machine's default thread count) and ``-j 2``
    (one thread per worker) differed in the last ulps of a measurement.  The variables cover a
    library first loaded inside (torch reads them at its first parallel region)."""
    import sys

    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    saved_torch = torch.get_num_threads() if torch is not None else None
    try:
        with _one_blas_thread_env(force=True), threadpool_limits(limits=1):
            if torch is not None:
                torch.set_num_threads(1)
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(saved_torch)


@contextmanager
def _one_blas_thread_env(force: bool):
    """The BLAS/OpenMP thread-count variables set to 1 (``force``) or to 1 where unset, restored
    on exit."""
    saved = {k: os.environ.get(k) for k in _BLAS_THREAD_VARS}
    for k in _BLAS_THREAD_VARS:
        if force:
            os.environ[k] = "1"
        else:
            os.environ.setdefault(k, "1")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _worker_init(parent_pid: int) -> None:
    """First thing in every ``-j`` worker: die with the parent (a ``kill -9`` of ``matspec run``
    must not leave workers, nor — through their inherited pipe — the resource tracker, behind),
    leave SIGINT to the parent (Ctrl-C reaches the whole process group; the parent stops the
    pool), and draw as the ``-j 1`` process draws (matspec.hypothesis_env)."""
    import signal

    from matspec.hypothesis_env import configure
    from matspec.procutil import die_with_parent

    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent at spawn
    configure()


def _evaluate_claim_in_worker(claim_id: str, no_backends: bool, profile: str, seed: int,
                              examples: Optional[int]):
    """Worker side of -j: rebuild the claim and the op sets from their ids (claims hold
    lambdas, which do not pickle) and return the picklable parts of the ClaimResult."""
    from matspec.catalogue import get_claim
    from matspec.implementations import default_backends
    from matspec.oracles import OracleOps

    claim, oracle = get_claim(claim_id), OracleOps()
    backends = [] if no_backends else default_backends()
    with single_threaded_math():
        r = evaluate_claim(claim, oracle, backends, profile=profile, seed=seed, examples=examples)
    return r.computed, r.stated, r.repaired, r.backends, r.skipped


@contextmanager
def _sigint_blocked():
    """SIGINT held back (not lost) while worker processes are spawned: a child inherits the blocked
    mask, so a Ctrl-C during its start-up cannot kill it half-way with a traceback before
    :func:`_worker_init` runs; the parent receives the signal when the block is lifted."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _stop_pool(pool) -> None:
    """Stop a ProcessPoolExecutor now: cancel what is queued and kill the running workers (a claim
    can take minutes; waiting for it is what made Ctrl-C take 40 s)."""
    kill = getattr(pool, "kill_workers", None)  # Python >= 3.14
    procs = list((getattr(pool, "_processes", None) or {}).values())  # older: the executor's own table
    pool.shutdown(wait=False, cancel_futures=True)
    if kill is not None:
        kill()
    for p in procs:
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for p in procs:
        try:
            p.join(timeout=5)
        except (OSError, ValueError, AttributeError):
            pass


def evaluate_claims(claims, oracle: OpSet, backends=(), profile: str = "default", seed: int = 0,
                    examples: Optional[int] = None, jobs: int = 1, progress=None,
                    no_backends: Optional[bool] = None) -> list:
    """evaluate_claim for each claim, in order.  jobs > 1 evaluates them in that many worker
    processes; every form's Hypothesis search is seeded from (seed, claim, form, op set)
    alone and the arithmetic runs on one thread in both cases (:func:`single_threaded_math`), so
    the results equal the sequential ones.  Workers use the default op sets (OracleOps() and
    default_backends(), or none when no_backends).  ``progress(claim)`` is called as each claim
    finishes.  A KeyboardInterrupt (SIGINT) stops the run at once — queued claims are dropped,
    running workers killed — and raises :class:`RunInterrupted` with the results finished so far."""
    claims = list(claims)
    backends = list(backends)
    if jobs <= 1 or len(claims) <= 1:
        out = []
        try:
            with single_threaded_math():
                for c in claims:
                    out.append(evaluate_claim(c, oracle, backends, profile=profile, seed=seed, examples=examples))
                    if progress:
                        progress(c)
        except KeyboardInterrupt:
            running = [claims[len(out)].id] if len(out) < len(claims) else []
            raise RunInterrupted(out, len(claims), running) from None
        return out
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if no_backends is None:
        no_backends = not backends
    # spawn, not fork: the parent may hold BLAS / torch threads, which fork does not copy safely.
    ctx = multiprocessing.get_context("spawn")
    results: dict = {}
    # One BLAS thread per worker: N workers × N BLAS threads would oversubscribe the cores.
    # (Children read these at their NumPy import; the parent's NumPy is loaded already.)
    with _one_blas_thread_env(force=False):
        pool = None
        futures: dict = {}
        try:
            with _sigint_blocked():
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                           initargs=(os.getpid(),))
                futures = {pool.submit(_evaluate_claim_in_worker, c.id, no_backends, profile, seed, examples): c
                           for c in claims}
            pending = set(futures)
            while pending:
                # a bounded wait, so a SIGINT is acted on within a fraction of a second
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    c = futures[fut]
                    try:
                        computed, stated, repaired, bk, skipped = fut.result()
                    except BrokenProcessPool as exc:
                        raise WorkerFailed(f"a worker process died while evaluating {c.id} ({exc})") from None
                    results[c.id] = ClaimResult(c, computed, stated, repaired, bk, seed, skipped)
                    if progress:
                        progress(c)
            pool.shutdown(wait=True)
        except KeyboardInterrupt:
            running = [futures[f].id for f in futures if f.running()]
            if pool is not None:
                _stop_pool(pool)
            raise RunInterrupted([results[c.id] for c in claims if c.id in results], len(claims), running) from None
        except BaseException:
            if pool is not None:
                _stop_pool(pool)
            raise
    return [results[c.id] for c in claims]
