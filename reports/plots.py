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
from matspec.reports.figdata import float_transfer  # noqa: E402

_DPI = 90


def _png(fig) -> bytes:
    buf = io.BytesIO()
    # metadata pinned: matplotlib otherwise stamps its version / a date, and the same report
    # should give byte-identical figures for the same numbers
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    # line plots use a few dozen colours: a 256-colour palette (Pillow, a matplotlib dependency) keeps
    # them visually identical at about a third of the bytes, so index.html stays small
    from PIL import Image

    pal = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    pal.save(out, format="PNG")
    return out.getvalue()


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


def ns_transfer_curves() -> bytes:
    """F(σ) = p_T ∘ … ∘ p_1(σ) per schedule on σ ∈ [1e-3, 1] (σ after normalisation)."""
    x = np.logspace(-3, 0, 400)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for name in ns.SCHEDULES:
        ax.plot(x, float_transfer(name, x), lw=1.2, label=f"{name} ({ns.SCHEDULES[name].steps} steps)")
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
            ys = [s0] + [float(float_transfer(name, np.array([s0]), k)[0]) for k in range(1, steps + 1)]
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


# one look per dtype, shared by the two measured Newton–Schulz figures
_DTYPE_STYLE = {"numpy-float64": dict(color="tab:blue", marker="o", ls="-"),
                "numpy-float32": dict(color="tab:green", marker="s", ls="--"),
                "torch-cpu-float32": dict(color="tab:orange", marker="^", ls="-."),
                "torch-cpu-bfloat16": dict(color="tab:red", marker="x", ls=":")}


def _style(dt: str, k: int) -> dict:
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return _DTYPE_STYLE.get(dt, dict(color=colours[k % len(colours)], marker="+", ls="-"))


def _panels(runs: dict, height: float = 2.9):
    # one panel per schedule (dtypes overlaid): five Axes render in about a second, a
    # schedule × dtype grid took five
    names = list(runs["schedules"])
    fig, axes = plt.subplots(1, len(names), figsize=(2.75 * len(names), height), squeeze=False)
    for ax, name in zip(axes[0], names):
        ax.set_title(f"{name} ({ns.SCHEDULES[name].steps} steps)" if name in ns.SCHEDULES else name, fontsize=8)
        ax.tick_params(labelsize=6)
    return fig, axes[0], names


def ns_bands(runs: dict | None) -> bytes | None:
    """Final σ (on the input's singular vectors) against the input σ, per schedule, one marker per dtype,
    with the exact transfer curve F overlaid."""
    if not runs or not runs.get("schedules"):
        return None
    fig, axes, names = _panels(runs)
    x = np.logspace(-3, 0, 300)
    for ax, name in zip(axes, names):
        ax.plot(x, float_transfer(name, x), color="black", lw=0.9, label="exact F(σ)", zorder=2)
        for k, dt in enumerate(runs["dtypes"]):
            r = runs["schedules"][name].get(dt)
            if r:
                st = _style(dt, k)
                ax.scatter(r["sigma0"], r["final"], s=7, marker=st["marker"], color=st["color"], alpha=0.7,
                           linewidths=0.6, zorder=3, label=dt)
        ax.axhline(1.0, color="grey", lw=0.6, ls=":")
        ax.set_xscale("log")
        ax.set_xlabel("input σ", fontsize=7)
    axes[0].set_ylabel("σ after all steps", fontsize=7)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=7, bbox_to_anchor=(0.5, -0.06))
    fig.suptitle(f"Where singular values end (n = {runs['n']}, σ geometric on [1e-3, 1], X₀ = A, "
                 f"{len(runs['seeds'])} matrices; read on the input's singular vectors)", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def ns_measured_trajectories(runs: dict | None) -> bytes | None:
    """σ_i after each step on real matrices, per schedule: colour = start σ₀, line style = dtype,
    thin grey = the exact scalar path."""
    if not runs or not runs.get("schedules"):
        return None
    fig, axes, names = _panels(runs, height=3.1)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, name in zip(axes, names):
        for k, dt in enumerate(runs["dtypes"]):
            r = runs["schedules"][name].get(dt)
            if not r:
                continue
            st = _style(dt, k)
            for j, p in enumerate(r["paths"]):
                steps = range(len(p["steps"]))
                if k == 0:
                    exact = [float(float_transfer(name, np.array([p["sigma0"]]), t)[0]) for t in steps]
                    ax.plot(steps, exact, color="grey", lw=2.2, alpha=0.35)
                ax.plot(steps, p["steps"], color=colours[j % len(colours)], lw=0.9, ls=st["ls"], marker=st["marker"],
                        ms=2.2, label=f"σ₀≈{p['sigma0']:.2g}" if k == 0 else None)
        ax.set_yscale("log")
        ax.set_xlabel("step", fontsize=7)
    axes[0].set_ylabel("σ_k on the input's singular vectors", fontsize=7)
    from matplotlib.lines import Line2D

    dtype_keys = [Line2D([], [], color="black", lw=0.9, ls=_style(dt, k)["ls"], marker=_style(dt, k)["marker"], ms=3,
                         label=dt) for k, dt in enumerate(runs["dtypes"])]
    h, lbl = axes[0].get_legend_handles_labels()
    fig.legend(h + dtype_keys + [Line2D([], [], color="grey", lw=2.2, alpha=0.35)],
               lbl + [d.get_label() for d in dtype_keys] + ["exact scalar path"],
               loc="lower center", ncol=6, fontsize=6.5, bbox_to_anchor=(0.5, -0.12))
    fig.suptitle("Newton–Schulz singular-value trajectories on real matrices, per schedule and dtype", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def mclip_version_errors(data: dict | None) -> bytes | None:
    """Median relative Frobenius error of each mclip formula, one bar per dtype."""
    if not data or not data.get("rel_err"):
        return None
    versions = data["versions"]
    dts = list(data["rel_err"])
    fig, ax = plt.subplots(figsize=(8.5, 3.4))
    w = 0.8 / len(dts)
    for k, dt in enumerate(dts):
        ys = [max(float(data["rel_err"][dt][v]), 1e-17) for v, _ in versions]
        ax.bar(np.arange(len(versions)) + (k - (len(dts) - 1) / 2) * w, ys, w, label=dt,
               hatch="//" if "bfloat16" in dt else None, edgecolor="black", lw=0.3)
    ax.set_yscale("log")
    ax.set_xticks(range(len(versions)))
    ax.set_xticklabels([lbl for _, lbl in versions], fontsize=6.5, rotation=18, ha="right")
    ax.set_ylabel("median ‖mclip − U clip(Σ)Vᵀ‖_F / ‖·‖_F", fontsize=7)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7)
    ax.set_title(f"mclip per version (seed 002 §2.4/§4.5), msign = {data['msign']} Newton–Schulz, "
                 f"n = {data['n']}, {len(data['seeds'])} matrices", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def accuracy_at_size(section: dict | None) -> bytes | None:
    """Measured error / u against n on log-log axes, one panel per op, one colour per backend, with the
    lines c·n (worst-case γ_n growth) and c·√n (random rounding) through the panel's smallest-n points,
    so the two behaviours can be told apart; the legend gives each series' fitted slope.  Only
    ``measured`` figures are drawn (matspec.reports.atsize): bounded or unjudged cells have no point."""
    if not section or not section.get("series"):
        return None
    ops = [o["id"] for o in section["ops"]]
    labels = {o["id"]: o["label"] for o in section["ops"]}
    backends = [b["id"] for b in section["backends"]]
    cols = min(3, len(ops))
    rows = math.ceil(len(ops) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.4 * rows), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    markers = "osD^vx+*"
    sizes = [n for n in section["sizes"]]
    for k, op in enumerate(ops):
        ax = axes[k // cols][k % cols]
        drawn = []
        for j, be in enumerate(backends):
            s = next((x for x in section["series"] if x["op"] == op and x["backend"] == be), None)
            pts = [(n, e) for n, e in (s or {}).get("points", [])
                   if isinstance(e, (int, float)) and 0 < e < math.inf]  # "inf" (a NaN result) has no place on it
            if not pts:
                continue
            slope = s.get("slope")
            lbl = f"{be} (slope {slope:.2f})" if isinstance(slope, (int, float)) else f"{be} (no slope)"
            if s.get("flag"):
                lbl += " ⚠"
            ax.plot([n for n, _ in pts], [e for _, e in pts], marker=markers[j % len(markers)], ms=4, lw=1,
                    color=colours[j % len(colours)], label=lbl)
            drawn += pts
        if drawn:
            n0 = min(n for n, _ in drawn)
            y0 = math.exp(np.mean([math.log(e) for n, e in drawn if n == n0]))
            xs = np.array([min(sizes), max(sizes)], dtype=float)
            ax.plot(xs, y0 * xs / n0, color="black", lw=0.9, ls="--", label="∝ n (worst-case γ_n)")
            ax.plot(xs, y0 * np.sqrt(xs / n0), color="grey", lw=0.9, ls=":", label="∝ √n")
        else:
            ax.text(0.5, 0.5, "no measured figure", ha="center", va="center", transform=ax.transAxes, fontsize=8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(labels[op], fontsize=9)
        ax.set_xlabel("n (n×n input, κ₂ = 10²)", fontsize=8)
        ax.set_ylabel("error / (u · scale)", fontsize=8)
        ax.tick_params(labelsize=7)
        if drawn:
            ax.legend(fontsize=6)
    for k in range(len(ops), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("Error growth with n per backend (measured figures only; dashed: ∝ n, dotted: ∝ √n; "
                 "⚠: fitted slope above 1)", fontsize=9)
    fig.tight_layout()
    return _png(fig)
