"""Benchmark: the oracle's fast certified route against plain mpmath (a script, not a test).

    python benchmarks/oracle_bench.py                 # n = 8..128, 30 and 50 digits, plain up to n = 64
    python benchmarks/oracle_bench.py --quick         # n = 8, 16, 32 at 30 digits; no catalogue run
    python benchmarks/oracle_bench.py --max-plain-n 128 --n256 --catalogue --heavy

For each op, size n (Gaussian n×n, seeded) and digits it times the oracle API under
route 'fast' (no fallback: a failure to certify is reported as such) and route 'plain'
(pure mpmath), in one process, caches off, and prints the wall times, the speed-up and the
digits on which the two answers agree (−log10 of the largest difference relative to the
natural scale: ‖A‖_F for σ and λ, ‖Q‖_F / ‖X‖_F for the polar factor and the inverse).
Both routes certify their answers; the agreement is an independent check.

Rows: ``svd`` = singular values *with* vectors and certificate (what ``O.svd`` /
``O.svdvals`` cost: the certificate needs the vectors); ``polar`` = SVD + polar factor;
``svdvals*`` compares the fast certified singular values with mpmath's *uncertified*
``svd_r(compute_uv=False)`` (the issue's "singular values alone" baseline); ``eigvalsh``
(on (A + Aᵀ)/2) and ``inv``.

``--catalogue`` times ``matspec run`` on the whole catalogue (default profile, cold disk
cache, -j 1 and -j N); ``--heavy`` adds the heavy profile (long).
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("MATSPEC_NO_DISK_CACHE", "1")  # time the computation, not the cache

import mpmath  # noqa: E402
import numpy as np  # noqa: E402

from matspec.oracles import fast as F  # noqa: E402
from matspec.oracles import mp as O  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001 - a refusal is reported in the table
        return None, time.perf_counter() - t, f"{type(exc).__name__}: {str(exc)[:60]}"
    return out, time.perf_counter() - t, ""


def _digits(diff, scale, dps):
    with mpmath.workdps(dps + 20):
        if diff == 0:
            return float(dps)
        return float(-mpmath.log10(diff / scale))


def _vals(op, A, d):
    if op == "svd":
        r = O.svd(A, d)
        return r[1], r.fro
    if op == "eigvalsh":
        r = O.eigvalsh(A, d)
        return r[0], r.fro
    if op == "polar":
        Q, _ = O.polar(A, d)
        return Q, None
    if op == "inv":
        X, _ = O.inv(A, d)
        return X, None
    raise ValueError(op)


def _compare(op, a, b, dps):
    with mpmath.workdps(dps + 20):
        if isinstance(a[0], list):
            diff = max(abs(x - y) for x, y in zip(a[0], b[0]))
            return _digits(diff, a[1], dps)
        Ma, Mb = a[0], b[0]
        return _digits(O._fro(Ma - Mb), O._fro(Mb), dps)


def run_row(op, n, d, max_plain_n, rng_seed=0):
    rng = np.random.default_rng(rng_seed + n)
    Af = rng.standard_normal((n, n))
    if op == "eigvalsh":
        Af = (Af + Af.T) / 2
    A = O.as_mp_matrix(Af)
    dps = O.working_dps(d)
    O.cache_clear()
    if op == "svdvals*":
        with O.use_route("fast"):
            fa, tf, ef = _timed(lambda: O.svdvals(A, d))
        fa = (fa[0], fa.fro) if fa is not None else None
        pa, tp, ep = (None, None, "skipped (n > --max-plain-n)")
        if n <= max_plain_n:
            def plain():
                with mpmath.workdps(dps):
                    S = mpmath.svd_r(A, compute_uv=False)
                    return sorted((abs(S[i]) for i in range(n)), reverse=True), O._fro(A)
            pa, tp, ep = _timed(plain)
    else:
        with O.use_route("fast"):
            fa, tf, ef = _timed(lambda: _vals(op, A, d))
        O.cache_clear()
        pa, tp, ep = (None, None, "skipped (n > --max-plain-n)")
        if n <= max_plain_n:
            with O.use_route("plain"):
                pa, tp, ep = _timed(lambda: _vals(op, A, d))
    match = _compare(op, fa, pa, dps) if fa is not None and pa is not None else None
    return {"op": op, "n": n, "digits": d, "fast_s": tf if fa is not None else None, "fast_err": ef,
            "plain_s": tp if pa is not None else None, "plain_err": ep, "match": match}


def fmt_row(r):
    f = f"{r['fast_s']:9.3f}" if r["fast_s"] is not None else f"{'refused':>9}"
    p = f"{r['plain_s']:9.2f}" if r["plain_s"] is not None else f"{'—':>9}"
    sp = f"{r['plain_s'] / r['fast_s']:8.0f}x" if r["fast_s"] and r["plain_s"] else f"{'—':>9}"
    m = f"{r['match']:6.1f}" if r["match"] is not None else f"{'—':>6}"
    note = r["fast_err"] or (r["plain_err"] if r["plain_s"] is None else "")
    return f"| {r['op']:<9}| {r['n']:>4} | {r['digits']:>3} | {f} | {p} | {sp} | {m} | {note}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    flint_v = getattr(F.flint, "__version__", "absent") if F.HAVE_FLINT else "absent"
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
            f"mpmath {mpmath.__version__} (backend {mpmath.libmp.BACKEND}), python-flint {flint_v}")


def time_catalogue(profile: str, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, MATSPEC_CACHE_DIR=os.path.join(tmp, "cache"))
        env.pop("MATSPEC_NO_DISK_CACHE", None)  # the run as a user gets it: cold cache, filled as it goes
        cmd = [sys.executable, "-m", "matspec.cli", "run", "--profile", profile, "-j", str(jobs),
               "--out", os.path.join(tmp, "out")]
        t = time.perf_counter()
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t
        last = (p.stdout.strip().splitlines() or [""])[0]
        print(f"  matspec run --profile {profile} -j {jobs}: {dt:.1f} s  (exit {p.returncode}; {last})", flush=True)
        return dt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="8,16,32,64,128")
    ap.add_argument("--digits", default="30,50")
    ap.add_argument("--ops", default="svd,polar,svdvals*,eigvalsh,inv")
    ap.add_argument("--max-plain-n", type=int, default=64, help="skip plain mpmath above this n (slow: minutes at 128)")
    ap.add_argument("--quick", action="store_true", help="n = 8, 16, 32 at 30 digits; no catalogue")
    ap.add_argument("--n256", action="store_true", help="also fast svdvals and svd at n = 256, 30 digits (target < 10 s)")
    ap.add_argument("--catalogue", action="store_true", help="time `matspec run` on the whole catalogue")
    ap.add_argument("--heavy", action="store_true", help="with --catalogue: also the heavy profile (10x examples)")
    ap.add_argument("--large", action="store_true", help="with --catalogue: also the large profile (slow: ~70 CPU-min)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="-j for the parallel catalogue run")
    args = ap.parse_args(argv)
    sizes = [8, 16, 32] if args.quick else [int(x) for x in args.sizes.split(",")]
    digits = [30] if args.quick else [int(x) for x in args.digits.split(",")]
    ops = args.ops.split(",")
    if not F.HAVE_FLINT:
        print("python-flint is not installed: the fast route is unavailable", file=sys.stderr)
        return 2
    np.linalg.svd(np.eye(4))  # load LAPACK outside the timings
    print(f"machine: {machine()}")
    print("| op       |    n |   d |  fast (s) | plain (s) |  speed-up | digits | note")
    print("|----------|------|-----|-----------|-----------|-----------|--------|-----")
    for op in ops:
        for d in digits:
            for n in sizes:
                print(fmt_row(run_row(op, n, d, args.max_plain_n)), flush=True)
    if args.n256:
        # the target "n = 256 singular values at 30 digits in under 10 s"; svd adds the vectors
        print(fmt_row(run_row("svdvals*", 256, 30, 0)), flush=True)
        print(fmt_row(run_row("svd", 256, 30, 0)), flush=True)
    if args.catalogue and not args.quick:
        print("catalogue (cold disk cache):")
        time_catalogue("default", 1)
        if args.jobs > 1:
            time_catalogue("default", args.jobs)
        if args.heavy:
            time_catalogue("heavy", args.jobs)
        if args.large:
            time_catalogue("large", args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
