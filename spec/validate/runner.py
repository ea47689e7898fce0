"""The isolated kernel runner (parent side): every kernel runs in a worker process of its own.

Guarantees (each tested in tests/test_validate_runner.py, listed in docs/validate.md):

* **Isolation.** The kernel never runs in matspec's process — module functions, closures and
  lambdas alike (cloudpickle ships callables).  The worker is a fresh interpreter
  (``python -m matspec.validate.worker``, no fork: fork is unsafe once CUDA or BLAS threads
  exist) in a session of its own; whatever the kernel does — raise, exit, abort, segfault,
  hang, print megabytes — is a failed call with the reason, and the run goes on with a new
  worker.
* **Untouched references.** The oracle's view of an input is computed in this process before
  any kernel sees it; the worker builds each call's arrays afresh from a copy, so a kernel can
  damage only its own copy.  The worker compares that copy afterwards: in-place modification
  is reported per call (:attr:`CallResult.mutation`).
* **Timeouts that kill.** A call past its timeout kills the worker's whole process group and
  every descendant found in /proc (children that called setsid() included).  Children a
  kernel leaves running after it returns are killed and named (:attr:`CallResult.children_left`).
* **No orphans.** The worker exits when this process dies (PR_SET_PDEATHSIG plus a watchdog).
* **Warm-up apart.** The first call per (shapes, dtype, layout) — where torch.compile and
  friends compile — runs under a separate warm-up limit, not the per-call timeout; importing
  the kernel runs under the same warm-up limit.  Once a warm-up has run past its limit, later
  first calls get the per-call timeout while the kernel has never returned from a call (a
  kernel that hangs everywhere costs one warm-up).  torch workers compile into a cache folder
  of their own, dropped after a kill (a compilation cut short leaves truncated artefacts).
* **Output captured.** The worker's stdout and stderr go to a pipe this process drains (only
  the byte count and the last few KB are kept), so nothing a kernel prints or warns reaches
  the console, and a kernel printing gigabytes cannot block or fill a disk.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Optional

from matspec.validate.errors import UsageError
from matspec.validate.kernels import kernel_name, ship

# Warm-up limit when none is given: 10× the per-call timeout, and never below a minute —
# importing torch alone takes seconds, compiling a kernel tens of seconds.
WARMUP_FACTOR = 10.0
WARMUP_MIN_S = 120.0  # torch.compile (inductor, C++ on the CPU) of a 5-step Newton–Schulz: 15-70 s here
OUTPUT_TAIL_BYTES = 4096
COMPILE_HINT = ("hint: matspec calls the kernel on many shapes, dtypes and layouts — compile with dynamic=True or "
                "raise torch._dynamo.config.recompile_limit, or validate the eager kernel")


@dataclass
class CallResult:
    status: str  # ok | raised | timeout | died
    output: Optional[dict] = None
    message: str = ""
    seconds: float = 0.0
    mutation: dict = field(default_factory=dict)  # argument index -> {entries_changed, max_abs_change}
    warnings: list = field(default_factory=list)
    children_left: list = field(default_factory=list)
    compile_error: bool = False


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _compile_cache_dir() -> str:
    """A compile-cache folder of this runner's own, under matspec's cache folder: removed when
    the runner closes, and after a worker is killed (a kill in the middle of a compilation
    leaves truncated artefacts that a shared cache would hand to the next worker)."""
    import tempfile

    try:
        from matspec.fileio import cache_dir

        base = cache_dir()
    except Exception:  # noqa: BLE001 - no cache folder: the system's temporary one
        base = Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="compile-", dir=base)


def _worker_env(compile_dir: Optional[str]) -> dict:
    """The worker's environment: the user's, plus what keeps third parties from writing
    outside matspec's cache folder or starting helper processes (each only if unset)."""
    env = dict(os.environ)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")  # no __pycache__ beside a user's kernel file
    if compile_dir is not None:
        env.setdefault("TORCHINDUCTOR_CACHE_DIR", os.path.join(compile_dir, "torchinductor"))
        env.setdefault("TRITON_CACHE_DIR", os.path.join(compile_dir, "triton"))
    # inductor's default compile pool would outlive each call as child processes
    env.setdefault("TORCHINDUCTOR_COMPILE_THREADS", "1")
    # OpenMP threads spin for up to ~200 ms after each parallel region by default: between calls
    # they took the CPU matspec's own process needed (12 ms per call instead of 1 on 2 cores)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


class KernelRunner:
    """Runs one kernel in an isolated worker; restarts the worker after a hang or a crash.

    ``timeout`` bounds each judged call; ``warmup_timeout`` bounds loading the kernel and the
    first call per (shapes, dtype, layout).  A runner may be shared by several validations of
    the same kernel (the worker is dtype-agnostic); whoever created it closes it."""

    def __init__(self, kernel, framework: str, device: str, timeout: float, warmup_timeout: Optional[float] = None):
        self.kernel, self.framework, self.device, self.timeout = kernel, framework, device, float(timeout)
        self.warmup_timeout = float(warmup_timeout) if warmup_timeout else max(WARMUP_FACTOR * self.timeout, WARMUP_MIN_S)
        self._payload = ship(kernel)  # UsageError now, before any work, if it cannot be shipped
        self.proc: Optional[subprocess.Popen] = None
        self.conn: Optional[Connection] = None
        self.info: dict = {}
        self.starts = 0
        self.output_bytes = 0
        self.output_tail = b""
        self._warm: set = set()
        self.warmup_timed_out = False
        self.completed_calls = 0  # calls that returned (a result or an exception), ever
        self._compile_dir: Optional[str] = None
        self._drain: Optional[threading.Thread] = None
        self._lock = threading.Lock()

    # -- process management ---------------------------------------------------------------
    def start(self) -> None:
        if self.proc is not None:
            return
        if self._compile_dir is None and self.framework == "torch":
            try:
                self._compile_dir = _compile_cache_dir()
            except OSError:
                self._compile_dir = None
        parent_sock, child_sock = socket.socketpair()
        # PR_SET_PDEATHSIG follows the creating thread: only a main-thread parent may use it
        # (procutil.die_with_parent); from any other thread the watchdog alone watches matspec
        main = threading.current_thread() is threading.main_thread()
        cmd = [sys.executable, "-m", "matspec.validate.worker", str(child_sock.fileno()), str(os.getpid()),
               "pdeathsig" if main else "no-pdeathsig"]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         pass_fds=(child_sock.fileno(),), start_new_session=True,
                                         env=_worker_env(self._compile_dir))
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.starts += 1
        self._warm = set()
        self._drain = threading.Thread(target=self._drain_output, args=(self.proc.stdout,), daemon=True)
        self._drain.start()
        spec = {"kernel": self._payload, "framework": self.framework, "device": self.device, "sys_path": self._sys_path()}
        name = kernel_name(self.kernel)
        try:
            self.conn.send(("load", spec))
        except OSError as exc:
            self._kill()
            raise UsageError(f"kernel worker for {name} could not start ({exc})") from None
        if not self.conn.poll(self.warmup_timeout):
            self._kill()
            raise UsageError(f"kernel {name} did not load within the {self.warmup_timeout:g} s warm-up limit "
                             "(importing it hangs or is slower than --warmup-timeout)")
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            code = self._reap()
            self._kill()
            raise UsageError(f"kernel worker died while loading {name} ({self._exit_text(code)})") from None
        if kind != "ready":
            self._kill()
            raise UsageError(f"cannot load kernel {name}: {payload}")
        self.info = payload

    @staticmethod
    def _sys_path() -> list[str]:
        # the worker imports kernels as this process would (a console script's sys.path[0]
        # is its bin folder: the current folder is added, as `python -m` would)
        path = list(sys.path)
        if "" not in path and os.getcwd() not in path:
            path.insert(0, os.getcwd())
        return path

    def _drain_output(self, pipe) -> None:
        try:
            while True:
                chunk = pipe.read1(65536) if hasattr(pipe, "read1") else pipe.read(65536)
                if not chunk:
                    return
                with self._lock:
                    self.output_bytes += len(chunk)
                    self.output_tail = (self.output_tail + chunk)[-OUTPUT_TAIL_BYTES:]
        except (OSError, ValueError):
            return

    def _reap(self, wait: float = 2.0) -> Optional[int]:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            return None

    @staticmethod
    def _exit_text(code: Optional[int]) -> str:
        if code is None:
            return "exit status unknown"
        if code < 0:
            return f"killed by {_signal_name(code)}"
        return f"exit code {code}"

    def _kill(self) -> None:
        from matspec.procutil import kill_tree

        if self.proc is not None:
            if self.proc.poll() is None:
                kill_tree(self.proc.pid)
                self._drop_compile_cache()  # possibly killed mid-compilation
            else:  # the worker is gone; its group may not be
                from matspec.procutil import kill_process_group

                kill_process_group(self.proc.pid)
            self._reap(5.0)
            if self.proc.stdout is not None and self._drain is not None:
                self._drain.join(1.0)
                try:
                    self.proc.stdout.close()
                except OSError:
                    pass
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.proc = self.conn = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None and self.conn is not None:
            try:
                self.conn.send(("exit",))
            except OSError:
                pass
            self._reap(2.0)
        self._kill()
        self._drop_compile_cache()

    def _drop_compile_cache(self) -> None:
        if self._compile_dir is not None:
            import shutil

            shutil.rmtree(self._compile_dir, ignore_errors=True)
            self._compile_dir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- requests -------------------------------------------------------------------------
    def check(self, nargs: int, op_params: dict, kernel_args: dict) -> tuple[list, Optional[str], Optional[str]]:
        """(op parameters the kernel's signature accepts, its signature text or None when it
        cannot be read, the binding error of a call f(*args, **forwarded, **kernel_args))."""
        self.start()
        self.conn.send(("check", nargs, dict(op_params), dict(kernel_args)))
        if not self.conn.poll(self.warmup_timeout):
            self._kill()
            raise UsageError(f"kernel worker did not answer a signature check within {self.warmup_timeout:g} s")
        reply = self.conn.recv()
        if reply[0] != "checked":
            raise UsageError(f"cannot read the kernel's signature: {reply[1]}")
        return reply[1], reply[2], reply[3]

    def call(self, args64: list, dtype: str, params: dict, layout: str = "contiguous",
             timeout: Optional[float] = None) -> CallResult:
        """One call on a fresh copy of the input, with the per-call timeout."""
        limit = self.timeout if timeout is None else timeout
        try:
            self.start()
        except UsageError as exc:  # a worker that cannot come back after a crash
            return CallResult("died", message=f"kernel worker could not be restarted: {exc}")
        t0 = time.perf_counter()
        try:
            self.conn.send(("call", list(args64), dtype, layout, dict(params)))
        except OSError as exc:
            self._kill()
            return CallResult("died", message=f"kernel process unreachable ({exc})")
        if not self.conn.poll(limit):
            self._kill()
            what = "warm-up limit" if timeout is not None and timeout != self.timeout else "timeout"
            return CallResult("timeout", message=f"no result within the {limit:g} s {what} (kernel process and its "
                                                 "children killed)", seconds=time.perf_counter() - t0)
        try:
            kind, res = self.conn.recv()
        except (EOFError, OSError):
            code = self._reap()
            self._kill()
            how = self._exit_text(code)
            if code is not None and code >= 0:
                return CallResult("died", message=f"kernel process exited during the call ({how}: the kernel called "
                                                  "os._exit or exited its interpreter)")
            return CallResult("died", message=f"kernel process died during the call ({how})")
        self.completed_calls += 1
        if kind != "result":
            return CallResult("raised", message=f"kernel could not be called: {res}")
        cr = CallResult("ok" if res["status"] == "ok" else "raised", output=res.get("output"), seconds=res["seconds"],
                        mutation=res.get("mutation") or {}, warnings=res.get("warnings") or [],
                        children_left=res.get("children_left") or [], compile_error=bool(res.get("compile_error")))
        if cr.status == "raised":
            cr.message = f"kernel raised {res['error']}"
            if cr.compile_error:
                cr.message = f"compilation failed: {res['error']}; {COMPILE_HINT}"
        return cr

    def warm_up(self, args64: list, dtype: str, params: dict, layout: str = "contiguous") -> Optional[CallResult]:
        """The first call per (shapes, dtype, layout) since the worker started, under the
        warm-up limit; its output is not judged.  Returns None when the kernel is warm, or the
        failed warm-up call (timeout, crash, or a compile error) to report.  A warm-up call that
        raised anything else is returned too, with status 'raised': the validator decides
        (the judged calls usually raise the same; if they do not, the kernel is stateful)."""
        key = (tuple(tuple(a.shape) for a in args64), dtype, layout)
        if (self.running and key in self._warm) or (self.warmup_timed_out and self.completed_calls == 0):
            # a kernel whose warm-up ran past its limit and that has never returned from any
            # call gets the per-call timeout for later first calls: one that hangs on every
            # input must not cost the warm-up limit once per shape
            return None
        cr = self.call(args64, dtype, params, layout, timeout=self.warmup_timeout)
        if cr.status in ("timeout", "died") or (cr.status == "raised" and cr.compile_error):
            if cr.status == "raised":
                cr.message = cr.message.replace("compilation failed:", "compilation failed in the warm-up call:", 1)
            elif cr.status == "timeout":
                self.warmup_timed_out = True
                cr.message = (f"warm-up (first call for this shape, dtype and layout) took longer than the "
                              f"{self.warmup_timeout:g} s warm-up limit (--warmup-timeout); kernel process killed")
            return cr
        self._warm.add(key)
        return cr if cr.status == "raised" else None

    def output_summary(self) -> tuple[int, str]:
        """(bytes the kernel printed so far, the last few KB of it)."""
        with self._lock:
            return self.output_bytes, self.output_tail.decode("utf-8", "replace")
