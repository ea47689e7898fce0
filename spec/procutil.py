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


def _set_pdeathsig(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except Exception:  # noqa: BLE001 - no prctl: the watchdog below still works
        return False


def die_with_parent(parent_pid: int | None = None, poll_s: float = 0.5, on_exit=None, pdeathsig: bool = True) -> None:
    """Arrange for this process to exit when `parent_pid` (default: the current parent) is
    gone.  Safe to call more than once.

    Without `on_exit` the kernel sends SIGKILL.  With it (a worker whose own children must go
    too), the kernel sends SIGTERM, handled by calling `on_exit()` and exiting; the watchdog
    does the same.  The handler runs between bytecodes of the main thread, so a kernel stuck
    in C code that holds the GIL delays it — the one case where a worker can outlive matspec.

    PR_SET_PDEATHSIG fires when the *thread* that created this process ends, not its process:
    a parent that starts workers from a short-lived thread (a test runner's, a user's thread
    pool) would kill them while alive.  Such parents pass ``pdeathsig=False``: the watchdog,
    which watches the process, then does the job alone."""
    parent = os.getppid() if parent_pid is None else parent_pid

    def leave(*_):
        try:
            if on_exit is not None:
                on_exit()
        finally:
            os._exit(1)

    if on_exit is not None:
        signal.signal(signal.SIGTERM, leave)
    if pdeathsig:
        _set_pdeathsig(signal.SIGTERM if on_exit is not None else signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        leave()

    def watch():
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                leave()

    threading.Thread(target=watch, name="matspec-die-with-parent", daemon=True).start()


def kill_process_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Send `sig` to the process group led by `pid` (a worker started with its own session,
    so the kernel's own children go with it); ignore a group that is already gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def children(pid: int) -> list[int]:
    """Direct children of `pid` (Linux /proc; empty where /proc has no children files)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        except OSError:
            continue
    return out


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, children first (Linux /proc), including those that left
    its process group with setsid()."""
    seen: list[int] = []
    stack = children(pid)
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.append(c)
        stack += children(c)
    return seen


def is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def kill_tree(pid: int, sig: int = signal.SIGKILL) -> None:
    """Kill `pid`'s process group (it leads one: started with its own session) and every
    descendant found in /proc, so a kernel's children that called setsid() go too."""
    others = descendants(pid)
    kill_process_group(pid, sig)
    for c in others:
        try:
            os.kill(c, sig)
        except (ProcessLookupError, PermissionError):
            pass
