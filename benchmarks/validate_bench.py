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

os.environ.setdefault("MATSPEC_NO_DISK_CACHE", "1")  # time the computation, not the cache


def _share(stats: pstats.Stats, needle: str) -> float:
    return sum(v[3] for k, v in stats.stats.items() if needle in f"{k[0]}:{k[2]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=30, help="drawn inputs (validate's default: 30)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--max-dim", type=int, default=8)
    args = ap.parse_args()
    from matspec.validate import validate

    print(f"# validate benchmark — {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print("kernel: torch.optim._muon:_zeropower_via_newtonschulz, bfloat16, band:0.6,1.25,floor=0.01, "
          f"{args.examples} drawn examples, max dim {args.max_dim}")
    for i in range(args.repeat):
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        rep = validate("msign", "torch.optim._muon:_zeropower_via_newtonschulz", framework="torch", dtype="bfloat16",
                       kernel_args={"ns_coefficients": (3.4445, -4.775, 2.0315), "ns_steps": 5, "eps": 1e-7},
                       contract="band:0.6,1.25,floor=0.01", examples=args.examples, max_dim=args.max_dim, seed=i)
        prof.disable()
        wall = time.perf_counter() - t0
        st = pstats.Stats(prof)
        d = rep.to_json()
        print(f"run {i}: {wall:.1f} s total — {d['summary']['gallery_cases']} gallery + "
              f"{d['summary']['drawn_examples']} drawn inputs, verdict {d['verdict']}; "
              f"waiting on the kernel worker {_share(st, 'runner.py:call') + _share(st, 'runner.py:start'):.1f} s, "
              f"oracle {_share(st, 'judge.py:prepare'):.1f} s, reference paths "
              f"{_share(st, 'reference.py:reference_outputs'):.1f} s, working-range scan "
              f"{_share(st, 'validator.py:_locate_scale_range'):.1f} s")


if __name__ == "__main__":
    main()
