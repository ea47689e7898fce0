"""Writing matspec's outputs: atomically, and only where the user said.

Every report file (claims.json, report.json, validate.json, the .md and .html beside them) is
written to a temporary file in the same folder and renamed over the target, so a kill at any
moment leaves either the old file or the new one, never a truncated one.  Output folders are
checked *before* any work starts (:func:`prepare_output_dir`), so a run never computes for
minutes and then fails to write.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output location that cannot be used (one line, for an exit-2 message)."""


def cache_dir() -> Path:
    """matspec's one cache folder: ``$MATSPEC_CACHE_DIR``, else ``~/.cache/matspec``.  The oracle's
    disk cache, Hypothesis's storage and matplotlib's font cache live under it (docs/reliability.md);
    it is not created here."""
    d = os.environ.get("MATSPEC_CACHE_DIR")
    return Path(d).expanduser() if d else Path.home() / ".cache" / "matspec"


def prepare_output_dir(path) -> Path:
    """Create `path` (and parents) if needed and check a file can be written there; raise
    :class:`OutputError` with a one-line reason otherwise (an existing file in the way, no
    permission, a read-only file system)."""
    p = Path(path).expanduser()
    if p.exists() and not p.is_dir():
        raise OutputError(f"{p} exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".matspec-probe-", dir=p)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to {p}: {exc.strerror or exc}") from None
    return p


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it: put it straight back
    os.umask(mask)
    return mask


def atomic_write_bytes(path, data: bytes, durable: bool = True) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename
    (fsync'd first, so a crash after the rename cannot leave an empty file).  ``durable=False``
    skips the fsync, for files whose loss is harmless (the oracle cache: a torn entry fails its
    checksum and is recomputed) and that are written often."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp creates the file 0600; a report is a document to share (a CI artefact, a web
        # folder): give it the mode a plain open() would, 0666 less the umask
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return p


def atomic_write_text(path, text: str) -> Path:
    """:func:`atomic_write_bytes` of `text` encoded as UTF-8."""
    return atomic_write_bytes(path, text.encode("utf-8"))
