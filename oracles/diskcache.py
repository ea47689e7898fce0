"""The oracle's disk cache as *data*: one JSON file per (op, SHA-256 of A's entries, digits).

No pickle: an entry holds exact numbers as text (an mpf is its dyadic value ``±<hex mantissa>p<exponent>``,
read back by integer parsing, never by evaluating anything), so a planted file cannot run code.  Each
file carries a SHA-256 over its key and payload; a file whose checksum, format, version or key does
not match — torn, bit-flipped, renamed, foreign, an old pickle — is a miss: the caller recomputes and
rewrites it.  A checksum only catches accidents (a hostile writer recomputes it); what defeats a
hostile writer is that :mod:`matspec.oracles.mp` re-verifies each loaded SVD, symmetric eigensystem
and inverse against A with the certificate itself before using it.  Entries that carry no
re-checkable certificate (general eigenvalues, refusals) are trusted like the code (docs/reliability.md).

Layout: ``<cache dir>/oracle-v2/<op>-<digits>-<digest>.json``, written to a private temporary file
and ``os.replace``d, so concurrent workers never read a partial entry.  The v1 pickles
(``oracle-v1/*.pkl``) are never opened.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Optional

import mpmath
from mpmath import libmp

from matspec.fileio import atomic_write_bytes

FORMAT = "matspec-oracle-cache"
# Bump when a route's output or certificate changes, so stale entries are not reused (v1: pickles).
VERSION = 2
# An entry larger than this is not an oracle result of a matrix the oracle accepts (n <= 64 at
# 60 digits is well under 10 MB): refuse to parse it at all.
MAX_BYTES = 64 * 2**20

STATS: Counter = Counter()  # hits, writes, errors (unreadable, mismatched or rejected entries)


class CacheFormatError(ValueError):
    """A cache file that is not a well-formed entry of this format (a miss, never an answer)."""


# ----------------------------------------------------------------------------------
# exact numbers as text
# ----------------------------------------------------------------------------------

_SPECIAL = {libmp.finf: "inf", libmp.fninf: "-inf", libmp.fnan: "nan"}
_SPECIAL_BACK = {v: k for k, v in _SPECIAL.items()}


def mpf_text(t: tuple) -> str:
    """An mpf tuple (sign, man, exp, bc) as exact text: '0', '±<hex man>p<exp>', 'inf', '-inf', 'nan'."""
    if t in _SPECIAL:
        return _SPECIAL[t]
    sign, man, exp, _ = t
    if not man:
        return "0"
    return f"{'-' if sign else ''}{man:x}p{exp}"


def mpf_of_text(s) -> tuple:
    """The inverse of :func:`mpf_text` (a normalised mpf tuple); CacheFormatError on anything else."""
    if not isinstance(s, str) or len(s) > 100_000:
        raise CacheFormatError("an mpf must be a short string")
    if s in _SPECIAL_BACK:
        return _SPECIAL_BACK[s]
    if s == "0":
        return libmp.fzero
    neg = s.startswith("-")
    body = s[1:] if neg else s
    man_s, sep, exp_s = body.partition("p")
    if not sep or not man_s or not exp_s:
        raise CacheFormatError(f"malformed mpf {s[:40]!r}")
    try:
        man = int(man_s, 16)
        exp = int(exp_s, 10)
    except ValueError:
        raise CacheFormatError(f"malformed mpf {s[:40]!r}") from None
    if man <= 0 or man_s.startswith(("+", "-", "0x")) or exp_s.startswith("+"):
        raise CacheFormatError(f"malformed mpf {s[:40]!r}")
    return libmp.from_man_exp(-man if neg else man, exp)  # exact: no precision given, no rounding


# ----------------------------------------------------------------------------------
# values as JSON
# ----------------------------------------------------------------------------------

def encode(v, *, result_cls, refusal_cls):
    """A JSON-able, exact form of a cached value: mpf {'f'}, mpc {'c'}, real matrix {'m'}, the oracle's
    Result {'r', 'a'} and refusal {'refusal'}, tuple {'t'}, list, str, int, bool, None.  TypeError for
    anything else (such a value is simply not stored)."""
    def enc(x):
        if isinstance(x, mpmath.mpf):
            return {"f": mpf_text(x._mpf_)}
        if isinstance(x, mpmath.mpc):
            return {"c": [mpf_text(x._mpc_[0]), mpf_text(x._mpc_[1])]}
        if isinstance(x, mpmath.matrix):
            flat = []
            for i in range(x.rows):
                for j in range(x.cols):
                    e = x[i, j]
                    if not isinstance(e, mpmath.mpf):
                        raise TypeError("only real matrices are stored")
                    flat.append(mpf_text(e._mpf_))
            return {"m": [x.rows, x.cols, flat]}
        if isinstance(x, result_cls):
            return {"r": [enc(t) for t in x], "a": {k: enc(t) for k, t in sorted(x.__dict__.items())}}
        if isinstance(x, refusal_cls):
            return {"refusal": str(x.message)}
        if isinstance(x, tuple):
            return {"t": [enc(t) for t in x]}
        if isinstance(x, list):
            return [enc(t) for t in x]
        if x is None or isinstance(x, (str, bool, int)):
            return x
        raise TypeError(f"cannot store {type(x).__name__} in the disk cache")

    return enc(v)


def decode(obj, *, result_cls, refusal_cls):
    """The inverse of :func:`encode`; CacheFormatError on any shape it does not produce."""
    def dec(x, depth=0):
        if depth > 8:
            raise CacheFormatError("nested too deeply")
        if x is None or isinstance(x, (str, bool, int)):
            return x
        if isinstance(x, list):
            return [dec(t, depth + 1) for t in x]
        if not isinstance(x, dict) or len(x) not in (1, 2):
            raise CacheFormatError(f"unexpected {type(x).__name__} in an entry")
        keys = set(x)
        if keys == {"f"}:
            return mpmath.mp.make_mpf(mpf_of_text(x["f"]))
        if keys == {"c"}:
            if not (isinstance(x["c"], list) and len(x["c"]) == 2):
                raise CacheFormatError("malformed mpc")
            return mpmath.mp.make_mpc((mpf_of_text(x["c"][0]), mpf_of_text(x["c"][1])))
        if keys == {"m"}:
            m = x["m"]
            if not (isinstance(m, list) and len(m) == 3 and all(type(d) is int and d >= 1 for d in m[:2])
                    and isinstance(m[2], list) and len(m[2]) == m[0] * m[1]):
                raise CacheFormatError("malformed matrix")
            rows, cols, flat = m
            M = mpmath.matrix(rows, cols)
            # mpmath keeps the nonzero entries in a dict: filling it directly skips __setitem__'s
            # per-entry conversion (as matspec.oracles.fast._mp_matrix does)
            data = getattr(M, "_matrix__data", None)
            make = mpmath.mp.make_mpf
            for k, e in enumerate(flat):
                t = mpf_of_text(e)
                if t != libmp.fzero:
                    if data is None:  # pragma: no cover - another mpmath layout
                        M[k // cols, k % cols] = make(t)
                    else:
                        data[(k // cols, k % cols)] = make(t)
            return M
        if keys == {"r", "a"}:
            if not (isinstance(x["r"], list) and isinstance(x["a"], dict)
                    and all(isinstance(k, str) and k.isidentifier() for k in x["a"])):
                raise CacheFormatError("malformed result")
            return result_cls([dec(t, depth + 1) for t in x["r"]], **{k: dec(t, depth + 1) for k, t in x["a"].items()})
        if keys == {"refusal"}:
            if not isinstance(x["refusal"], str):
                raise CacheFormatError("malformed refusal")
            return refusal_cls(x["refusal"])
        if keys == {"t"}:
            if not isinstance(x["t"], list):
                raise CacheFormatError("malformed tuple")
            return tuple(dec(t, depth + 1) for t in x["t"])
        raise CacheFormatError(f"unknown entry tag {sorted(keys)}")

    return dec(obj)


# ----------------------------------------------------------------------------------
# files
# ----------------------------------------------------------------------------------

def _checksum(key: list, payload) -> str:
    canon = json.dumps({"key": key, "value": payload}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canon.encode("ascii")).hexdigest()


def path_for(root: Optional[Path], key: tuple) -> Optional[Path]:
    if root is None:
        return None
    op, digest, digits = key
    return root / f"oracle-v{VERSION}" / f"{op}-{digits}-{digest}.json"


def load(path: Optional[Path], key: tuple, *, result_cls, refusal_cls):
    """The value stored for `key` at `path`, or None (absent, or not a valid entry for this key:
    counted in STATS['errors']).  Nothing in the file is executed."""
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:
        STATS["errors"] += 1
        return None
    try:
        if len(raw) > MAX_BYTES:
            raise CacheFormatError("entry too large")
        doc = json.loads(raw.decode("utf-8"))
        if not (isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("version") == VERSION):
            raise CacheFormatError("not a matspec oracle cache entry of this version")
        want = [key[0], key[1], key[2]]
        if doc.get("key") != want:  # a renamed or foreign file: not ours
            raise CacheFormatError("key mismatch")
        if doc.get("sha256") != _checksum(want, doc.get("value")):
            raise CacheFormatError("checksum mismatch")
        value = decode(doc["value"], result_cls=result_cls, refusal_cls=refusal_cls)
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        # CacheFormatError and json's errors are ValueErrors: a torn or foreign file is a miss
        STATS["errors"] += 1
        return None
    return value


def store(path: Optional[Path], key: tuple, value, *, result_cls, refusal_cls) -> None:
    """Write `value` for `key` atomically; a value that cannot be stored, or a read-only or full
    disk, costs speed, never correctness (counted in STATS['errors'])."""
    if path is None:
        return
    try:
        payload = encode(value, result_cls=result_cls, refusal_cls=refusal_cls)
        want = [key[0], key[1], key[2]]
        doc = {"format": FORMAT, "version": VERSION, "key": want, "value": payload,
               "sha256": _checksum(want, payload)}
        data = json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        path.parent.mkdir(parents=True, exist_ok=True)
        # a temp file in the same directory, then os.replace (atomic on POSIX): readers see the old
        # file or the complete new one, never a partial write, whatever other processes do
        atomic_write_bytes(path, data, durable=False)
        STATS["writes"] += 1
    except (OSError, TypeError, ValueError):
        STATS["errors"] += 1
