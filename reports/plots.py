"""The report's figures (matplotlib, Agg backend: no display, no network), each returned as
PNG bytes so the HTML can embed it as base64 and the folder stays self-contained."""
from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # headless: must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from matspec.implementations import newton_schulz as ns  # noqa: E402

_DPI = 90


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # metadata pinned: matplotlib otherwise stamps its version / a date, and the same report
    # should give byte-identical figures for the same numbers
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def accuracy_vs_kappa(accuracy: dict) -> bytes | None:
    """error/bound against κ, one panel per op, one colour per backend (dtype in the label)."""
    ops = [o["id"] for o in accuracy["ops"]]
    labels = {o["id"]: o["label"] for o in accuracy["ops"]}
    backends = [b["id"] for b in accuracy["backends"]]
    if not ops or not backends:
        return None
    cols = min(3, len(ops))
    rows = math.ceil(len(ops) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, op in enumerate(ops):
        ax = axes[k // cols][k % cols]
        pts = {}
        for c in accuracy["cells"]:
            if c["op"] != op or c["backend"] not in backends:
                continue
            for s in c["samples"]:
                r = math.inf if s["ratio"] == "inf" else s["ratio"]  # "inf": an error against a zero bound
                if isinstance(r, (int, float)) and not math.isnan(r):
                    pts.setdefault(c["backend"], []).append((10.0 ** s["log10_kappa"], r))
        nonzero = [r for v in pts.values() for _, r in v if 0 < r < math.inf]
        # errors of exactly 0 (below the oracle's resolution) cannot sit on a log axis: drawn as
        # down-triangles one decade under the smallest nonzero ratio
        floor = min(nonzero) / 10 if nonzero else 1e-3
        for j, be in enumerate(backends):
            v = pts.get(be, [])
            col = colours[j % len(colours)]
            nz = [(x, r) for x, r in v if 0 < r < math.inf]
            z = [x for x, r in v if r == 0]
            top = [x for x, r in v if r == math.inf]
            if top:  # violations against a claimed-exact (zero) bound: up-triangles above everything
                ceiling = 10 * max(nonzero + [10.0])
                ax.scatter(top, [ceiling] * len(top), s=14, marker="^", color=col, label=None if (nz or z) else be)
            if nz:
                ax.scatter([x for x, _ in nz], [r for _, r in nz], s=10, alpha=0.75, color=col, label=be)
            if z:
                ax.scatter(z, [floor] * len(z), s=12, marker="v", alpha=0.75, color=col,
                           label=None if nz else be)
        ax.axhline(1.0, color="red", lw=1, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(labels[op], fontsize=9)
        ax.set_xlabel("κ₂(A)", fontsize=8)
        ax.set_ylabel("error / derived bound", fontsize=8)
        ax.tick_params(labelsize=7)
    for k in range(len(ops), rows * cols):
        axes[k // cols][k % cols].axis("off")
    handles, lbls = axes[0][0].get_legend_handles_labels()
    for row in axes:
        for ax in row:
            h, l_ = ax.get_legend_handles_labels()
            for hh, ll in zip(h, l_):
                if ll not in lbls:
                    handles.append(hh)
                    lbls.append(ll)
    if handles:
        fig.legend(handles, lbls, loc="lower center", ncol=min(5, len(lbls)), fontsize=8, bbox_to_anchor=(0.5, -0.04))
    fig.suptitle("Measured error in units of each backend's own derived bound (red: bound; above it = bound violated; "
                 "▼ = error 0 at the oracle's resolution)",
                 fontsize=9)
    fig.tight_layout()
    return _png(fig)


def _float_transfer(schedule, x: np.ndarray, steps: int | None = None) -> np.ndarray:
    # float64 evaluation of the composed polynomial: for plotting at 3 significant digits the
    # rounding (≲ 1e-14 relative per step, the polynomials are bounded on [0, 1]) is invisible
    y = np.array(x, dtype=np.float64)
    for a, b, c in ns.get_schedule(schedule).float_coeffs()[: steps]:
        y = ns.poly(y, a, b, c)
    return y


def ns_transfer_curves() -> bytes:
    """F(σ) = p_T ∘ … ∘ p_1(σ) per schedule on σ ∈ [1e-3, 1] (σ after normalisation)."""
    x = np.logspace(-3, 0, 400)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for name in ns.SCHEDULES:
        ax.plot(x, _float_transfer(name, x), lw=1.2, label=f"{name} ({ns.SCHEDULES[name].steps} steps)")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("normalised singular value σ", fontsize=8)
    ax.set_ylabel("F(σ) after all steps", fontsize=8)
    ax.set_title("Newton–Schulz scalar transfer curves", fontsize=9)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)


def ns_trajectories(starts=(1e-3, 1e-2, 0.1, 0.5)) -> bytes:
    """A singular value's path step by step, one panel per schedule."""
    names = list(ns.SCHEDULES)
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.8), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        steps = ns.SCHEDULES[name].steps
        for s0 in starts:
            ys = [s0] + [float(_float_transfer(name, np.array([s0]), k)[0]) for k in range(1, steps + 1)]
            ax.plot(range(steps + 1), ys, marker="o", ms=2.5, lw=1, label=f"σ₀={s0:g}")
        ax.set_title(name, fontsize=8)
        ax.set_xlabel("step", fontsize=7)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("σ_k", fontsize=8)
    axes[0][0].legend(fontsize=6)
    fig.suptitle("Newton–Schulz singular-value trajectories per schedule", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def hippo_eig_error(rows: list[dict]) -> bytes | None:
    """Measured max |λ̂ − λ| of float64 eig on QAQᵀ against n, with the Bauer–Fike estimate."""
    pts = [r for r in rows if isinstance(r, dict) and "n" in r and "max_abs_error" in r]
    if not pts:
        return None
    n = [r["n"] for r in pts]
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.semilogy(n, [max(float(r["max_abs_error"]), 1e-300) for r in pts], "o-", label="measured max |λ̂ − λ|")
    if all("bauer_fike_bound_u_normA" in r for r in pts):
        ax.semilogy(n, [float(r["bauer_fike_bound_u_normA"]) for r in pts], "s--",
                    label="κ₂(V)·u·‖A‖₂ (Bauer–Fike estimate)")
    ax.set_xlabel("n", fontsize=8)
    ax.set_ylabel("eigenvalue error", fontsize=8)
    ax.set_title("HiPPO-LegS: float64 eig on orthogonally transformed A", fontsize=9)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)
