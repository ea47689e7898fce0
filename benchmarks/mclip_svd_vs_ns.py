"""Seed 002 §4.5: "for small matrices (d < 512) SVD + clip may be faster" than version 3's three
Newton–Schulz msign calls.  A script, not a test: timings are reported, never asserted.

    python benchmarks/mclip_svd_vs_ns.py [--sizes 64 128 256 512 1024] [--repeat 3] [--torch]

Prints, per d, the wall time of (a) NumPy float64 SVD + clip + reassembly, (b) version 3 with a
6-step Newton–Schulz msign (Polar Express + limit step) in NumPy float32 — and with --torch the
same two in torch float32 on the CPU (and CUDA when available) — and the ratio NS/SVD.
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from matspec.implementations import newton_schulz as ns


def _time(f, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def mclip_svd_np(M):
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    return (U * np.minimum(s, 1.0)) @ Vt


def mclip_v3(M, eye, sync=lambda: None):
    sched = ns.polar_express_extended(1)
    Q = ns.iterate(M, sched)
    G = M.T @ M
    out = ((Q + M) @ ns.iterate(G + eye, sched) + (Q - M) @ ns.iterate(G - eye, sched)) / 2
    sync()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 256, 512, 1024])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--torch", action="store_true", help="also time torch (CPU, and CUDA when available)")
    args = ap.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    print(f"{'d':>6} {'backend':>14} {'SVD+clip s':>11} {'v3 (3×NS) s':>12} {'NS/SVD':>7}")
    rng = np.random.default_rng(0)
    for d in args.sizes:
        M = rng.standard_normal((d, d)) / np.sqrt(d)
        t_svd = _time(lambda: mclip_svd_np(M), args.repeat)
        M32 = M.astype(np.float32)
        eye = np.eye(d, dtype=np.float32)
        t_ns = _time(lambda: mclip_v3(M32, eye), args.repeat)
        print(f"{d:>6} {'numpy':>14} {t_svd:>11.4f} {t_ns:>12.4f} {t_ns / t_svd:>7.2f}")
        if args.torch:
            import torch

            devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
            for dev in devices:
                sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
                T = torch.tensor(M, dtype=torch.float32, device=dev)
                E = torch.eye(d, dtype=torch.float32, device=dev)

                def svd_clip():
                    U, s, Vh = torch.linalg.svd(T, full_matrices=False)
                    out = (U * s.clamp(max=1.0)) @ Vh
                    sync()
                    return out

                t1 = _time(svd_clip, args.repeat)
                t2 = _time(lambda: mclip_v3(T, E, sync), args.repeat)
                print(f"{d:>6} {'torch-' + dev:>14} {t1:>11.4f} {t2:>12.4f} {t2 / t1:>7.2f}")


if __name__ == "__main__":
    main()
