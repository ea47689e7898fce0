"""Benchmark: how long `matspec validate` takes on a realistic low-precision kernel (a script,
not a test: no verdict depends on a timing).

    python benchmarks/validate_bench.py            # torch.optim's Muon NS, bfloat16, default examples
    python benchmarks/validate_bench.py --repeat 3 --examples 30

Prints, per run: the wall time of the whole validation (worker start with the torch import,
adversarial gallery and spectrum sweeps, the working-range scan, the drawn examples and
their shrinking) and where it went — kernel calls (worker round trips), the oracle, the
reference rounding paths — from a profile of the parent process.  Target (issue 13): ≤ 10 s
for a bfloat16 Muon kernel with the default examples on 2 cores.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import time
from pathlib import Path

os.environ.setdefault("MATSPEC_NO_DISK_CACHE", "1")  # time the computation, not the cache


def _share(stats: pstats.Stats, needle: str) -> float:
    return sum(v[3] for k, v in stats.stats.items() if needle in f"{k[0]}:{k[2]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=30, help="drawn inputs (validate's default: 30)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--max-dim", type=int, default=8)
    ap.add_argument("--size", type=int, default=None,
                    help="validate at SIZE×SIZE instead (issue 14's target: 10 examples at 1024×1024 ≤ 60 s)")
    args = ap.parse_args()
    from matspec.validate import validate

    print(f"# validate benchmark — {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print((f"kernel: lowprec.py:muon_quintic_bf16_storage (bfloat16 compute), {args.examples} drawn examples at "
           f"{args.size}x{args.size} (and tile neighbours), no gallery") if args.size else
          (f"kernel: torch.optim._muon:_zeropower_via_newtonschulz, bfloat16, band:0.6,1.25,floor=0.01, "
           f"{args.examples} drawn examples, max dim {args.max_dim}"))
    for i in range(args.repeat):
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        if args.size:
            # torch's CPU bfloat16 matmul runs at ~3 GFLOP/s here (no native bfloat16): 25 s per Muon call
            # at 1024²; the kernel below stores in bfloat16 and multiplies in float32 BLAS (tensor-core
            # arithmetic) — the benchmark measures matspec, not a slow matmul
            kernel = str(Path(__file__).resolve().parents[1] / "examples/kernels/lowprec.py:muon_quintic_bf16_storage")
            kw = dict(dtype="float32", compute_dtype="bfloat16", shapes=[f"{args.size}x{args.size}"], gallery=False,
                      locate_range=False, contract="band:0.55,1.3,floor_fro=0.002", timeout=120)
        else:
            kernel = "torch.optim._muon:_zeropower_via_newtonschulz"
            kw = dict(dtype="bfloat16", contract="band:0.6,1.25,floor=0.01", max_dim=args.max_dim,
                      kernel_args={"ns_coefficients": (3.4445, -4.775, 2.0315), "ns_steps": 5, "eps": 1e-7})
        rep = validate("msign", kernel, framework="torch", examples=args.examples, seed=i, **kw)
        prof.disable()
        wall = time.perf_counter() - t0
        st = pstats.Stats(prof)
        d = rep.to_json()
        print(f"run {i}: {wall:.1f} s total — {d['summary']['gallery_cases']} gallery + "
              f"{d['summary']['drawn_examples']} drawn inputs, verdict {d['verdict']}; "
              f"waiting on the kernel worker {_share(st, 'runner.py:call') + _share(st, 'runner.py:start'):.1f} s, "
              f"oracle / float64 reference {_share(st, 'judge.py:prepare'):.1f} s, reference paths "
              f"{_share(st, 'reference.py:reference_outputs'):.1f} s, working-range scan "
              f"{_share(st, 'validator.py:_locate_scale_range'):.1f} s")


if __name__ == "__main__":
    main()
