"""Contracts: what a kernel's output must satisfy (``exact`` or the Muon-style ``band``)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from matspec.validate.errors import UsageError
from matspec.validate.ops import BAND_OPS


@dataclass(frozen=True)
class Contract:
    kind: str  # "exact" | "band"
    lo: float = 1.0
    hi: float = 1.0
    floor: Optional[float] = None
    floor_of: str = "sigma1"  # the floor is a fraction of σ₁ ('floor=F') or of ‖A‖_F ('floor_fro=F')

    def floor_cut(self, sigma1: float, fro: float) -> float:
        """The σ below which input directions are exempt (0 without a floor)."""
        if self.floor is None:
            return 0.0
        return self.floor * (fro if self.floor_of == "fro" else sigma1)

    def describe(self, op: str) -> str:
        if self.kind == "exact":
            what = {"msign": "the polar factor U Vᵀ", "svdvals": "the singular values, descending",
                    "norm": "the norm", "lowrank": "the best rank-k approximation (truncated SVD)",
                    "matmul": "the product A·B", "solve": "the solution of A x = b",
                    "mclip": "U clip(Σ, [lo, hi]) Vᵀ (thin SVD)",
                    "newton_schulz": "U F(Σ/(s‖A‖_F)) Vᵀ, F the schedule's exact composed polynomial",
                    "cond": "the condition number κ_p(A) = ‖A‖_p‖A⁻¹‖_p",
                    "lstsq": "the minimum-norm least-squares solution A⁺b",
                    "tikhonov_solve": "the Tikhonov solution (AᵀA + λI)⁻¹Aᵀb",
                    "eigvalsh": "the eigenvalues of the symmetric input, ascending"}[op]
            return f"exact: {what} within the error bound derived from u, the dimensions and κ"
        s = (f"band:[{self.lo:g}, {self.hi:g}]: output = U D Vᵀ with U, V the input's singular vectors "
             f"and every D_ii in [{self.lo:g}, {self.hi:g}] (the band is the kernel's rounding slack; "
             f"misalignment within {self._factor()}× the worst rounding path of matspec's own kernels of the family "
             f"at the kernel's precision)")
        if self.floor is not None:
            of = "‖A‖_F" if self.floor_of == "fro" else "σ₁"
            s += (f"; input singular values ≤ {self.floor:g}·{of} are exempt from the lower bound "
                  f"(output there only needs σ ≤ {self.hi:g}) — user-stated exemption")
        else:
            s += "; no input singular value is exempt (rank-deficient directions must also land in the band)"
        return s

    def spec(self) -> str:
        if self.kind == "exact":
            return "exact"
        s = f"band:{self.lo:g},{self.hi:g}"
        if self.floor is not None:
            s += f",{'floor_fro' if self.floor_of == 'fro' else 'floor'}={self.floor:g}"
        return s

    @staticmethod
    def _factor() -> str:
        from matspec.validate.reference import PATH_FACTOR

        return f"{PATH_FACTOR:g}"


def parse_contract(text: str, op: str) -> Contract:
    text = (text or "exact").strip()
    if text == "exact":
        return Contract("exact")
    if text.startswith("band:"):
        if op not in BAND_OPS:
            raise UsageError(f"contract 'band' is defined for {' and '.join(BAND_OPS)} only, not {op}")
        parts = [p.strip() for p in text[5:].split(",") if p.strip()]
        nums = [p for p in parts if "=" not in p]
        opts = dict(p.split("=", 1) for p in parts if "=" in p)
        if len(nums) != 2:
            raise UsageError(f"band contract needs two numbers LO,HI, got {text!r} (e.g. band:0.7,1.2)")
        if "products" in opts:
            raise UsageError("band option 'products' is gone: the misalignment allowance is measured on matspec's "
                             "own kernels at the kernel's precision, no count to state (docs/validate.md)")
        if "floor" in opts and "floor_fro" in opts:
            raise UsageError("band takes one floor: floor=F (a fraction of σ₁) or floor_fro=F (of ‖A‖_F)")
        try:
            lo, hi = float(nums[0]), float(nums[1])
            floor_of = "fro" if "floor_fro" in opts else "sigma1"
            floor = float(opts.pop("floor_fro" if floor_of == "fro" else "floor")) if (
                "floor" in opts or "floor_fro" in opts) else None
        except ValueError as exc:
            raise UsageError(f"bad band contract {text!r}: {exc}") from None
        if opts:
            raise UsageError(f"unknown band option(s) {', '.join(opts)}; known: floor, floor_fro")
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi):
            raise UsageError(f"band needs finite 0 <= LO <= HI, got {lo}, {hi}")
        if floor is not None and not (0 <= floor < 1):
            raise UsageError(f"band floor is a fraction of {'‖A‖_F' if floor_of == 'fro' else 'σ₁'} in [0, 1), got {floor}")
        return Contract("band", lo, hi, floor, floor_of)
    raise UsageError(f"unknown contract {text!r}; choose 'exact' or (msign, newton_schulz) "
                     "'band:LO,HI[,floor=F|floor_fro=F]'")
