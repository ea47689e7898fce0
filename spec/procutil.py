"""Worker-process lifetime: a matspec worker never outlives the process that started it.

`multiprocessing` workers (the `run -j N` pool, validate's kernel worker) are children of the
matspec process; when that parent is killed with SIGKILL nothing tells them, and a worker
blocked on a queue or hung inside a kernel would live on.  :func:`die_with_parent`, called
first thing in every worker, makes the kernel deliver SIGKILL to the worker when its parent
dies (Linux ``prctl(PR_SET_PDEATHSIG)``), with a watchdog thread polling the parent's pid as
the portable fallback (macOS, or a parent that died before the call).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def _set_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except Exception:  # noqa: BLE001 - no prctl: the watchdog below still works
        return False


def die_with_parent(parent_pid: int | None = None, poll_s: float = 0.5) -> None:
    """Arrange for this process to exit when `parent_pid` (default: the current parent) is
    gone.  Safe to call more than once."""
    parent = os.getppid() if parent_pid is None else parent_pid
    _set_pdeathsig()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch():
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="matspec-die-with-parent", daemon=True).start()


def kill_process_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Send `sig` to the process group led by `pid` (a worker started with its own session,
    so the kernel's own children go with it); ignore a group that is already gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
