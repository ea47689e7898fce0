"""The precision model of a kernel: input, result and compute dtype, and how it accumulates.

A kernel receives its input in one dtype, returns its result in another (``--out-dtype``)
and does its arithmetic in a third, the *compute dtype* (``--compute-dtype``; default the
coarser of the two).  A kernel that casts a float32 gradient to bfloat16, iterates there and
returns float32 is a bfloat16 kernel and is judged as one: its allowances follow the compute
dtype's unit roundoff u_c, and the report says so.

Accumulation: products of low-precision matrices are almost always accumulated in a wider
format — float32 for bfloat16, float16 and TF32 on CPUs and GPU tensor cores — so one product
``C = A·B`` with inner dimension k costs one rounding of each C_ij to the compute dtype plus
the accumulation's error:

    ‖fl(AB) − AB‖_F ≤ u_c‖AB‖_F + γ_k(u_acc)·‖A‖_F‖B‖_F          (Higham §3.5, split)

instead of γ_k(u_c)·‖A‖_F‖B‖_F, which is vacuous for bfloat16 once k ≥ 256.  On NVIDIA tensor
cores the float32 accumulation *truncates* (Fasi, Higham, Mikaitis & Pranesh, "Numerical
behavior of NVIDIA tensor cores", PeerJ CS 2021): each addition errs by up to one ulp, not
half, so u_acc = 2⁻²³ there.  ``--accumulate`` overrides the default.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from matspec.tolerance import gamma, gamma_prob, unit_roundoff
from matspec.validate.errors import UsageError

DTYPES = ("float64", "float32", "bfloat16", "float16")  # what a kernel receives and returns
COMPUTE_DTYPES = ("float64", "float32", "tf32", "bfloat16", "float16")
ACCUMULATE = ("same", "float32", "float32-truncating", "float64")

# coarseness order: a larger u is coarser (float16 and TF32 share u = 2⁻¹¹; bfloat16 is 2⁻⁸)
_ORDER = {"float64": 0, "float32": 1, "tf32": 2, "float16": 3, "bfloat16": 4}


def coarser(a: str, b: str) -> str:
    return a if _ORDER[a] >= _ORDER[b] else b


@dataclass(frozen=True)
class Precision:
    input: str
    output: str
    compute: str
    accumulate: str  # 'same' (the compute dtype) | 'float32' | 'float32-truncating' | 'float64'

    @staticmethod
    def of(input: str, output: str | None = None, compute: str | None = None, accumulate: str | None = None,
           device: str = "cpu") -> "Precision":
        output = output or input
        for name, v, allowed in (("dtype", input, DTYPES), ("out-dtype", output, DTYPES)):
            if v not in allowed:
                raise UsageError(f"unsupported {name} {v!r}; choose one of {', '.join(allowed)}")
        compute = compute or coarser(input, output)
        if compute not in COMPUTE_DTYPES:
            raise UsageError(f"unsupported compute dtype {compute!r}; choose one of {', '.join(COMPUTE_DTYPES)}")
        if accumulate is None:
            if compute in ("bfloat16", "float16", "tf32"):
                accumulate = "float32-truncating" if str(device).startswith("cuda") else "float32"
            else:
                accumulate = "same"
        if accumulate not in ACCUMULATE:
            raise UsageError(f"unsupported --accumulate {accumulate!r}; choose one of {', '.join(ACCUMULATE)}")
        return Precision(input, output, compute, accumulate)

    # -- unit roundoffs ------------------------------------------------------------------
    @property
    def u_c(self) -> float:
        """Unit roundoff of the compute dtype (every stored intermediate)."""
        return unit_roundoff(self.compute)

    @property
    def u_out(self) -> float:
        return unit_roundoff(self.output)

    @property
    def u_acc(self) -> float:
        """Unit roundoff of one addition in an accumulation."""
        if self.accumulate == "same":
            return self.u_c
        if self.accumulate == "float32-truncating":
            return 2.0 ** -23  # truncation: up to one ulp of float32 per addition (Fasi et al. 2021)
        return unit_roundoff(self.accumulate)

    @property
    def u(self) -> float:
        """The coarsest unit roundoff that touches the result: compute or output rounding."""
        return max(self.u_c, self.u_out)

    @property
    def wider_accumulation(self) -> bool:
        return self.u_acc < self.u_c

    # -- error of k accumulated roundings ---------------------------------------------
    def gamma(self, k: float) -> float:
        """Worst-case relative error of a length-k accumulation stored in the compute dtype:
        γ_k(u_c) when accumulating in the compute dtype, else one rounding to the compute dtype
        plus γ_k(u_acc) for the wider accumulation."""
        if not self.wider_accumulation:
            return gamma(k, self.u)
        return self.u + gamma(k, self.u_acc)

    def gamma_prob(self, k: float, lam: float) -> float:
        """The probabilistic counterpart (Higham & Mary): λ√k·u instead of k·u, never above
        the worst case."""
        if not self.wider_accumulation:
            return min(gamma(k, self.u), gamma_prob(k, self.u, lam))
        return self.u + min(gamma(k, self.u_acc), gamma_prob(k, self.u_acc, lam))

    def describe(self) -> str:
        acc = {"same": f"accumulating in {self.compute}", "float32": "accumulating in float32",
               "float32-truncating": "accumulating in float32 with truncation (tensor cores)",
               "float64": "accumulating in float64"}[self.accumulate]
        return (f"input {self.input}, result {self.output}, compute {self.compute} (u = 2^{math.log2(self.u_c):.0f}), "
                f"{acc}")

    def to_json(self) -> dict:
        return {"input": self.input, "output": self.output, "compute": self.compute, "accumulate": self.accumulate,
                "u_compute": self.u_c, "u_output": self.u_out, "u_accumulate": self.u_acc}
