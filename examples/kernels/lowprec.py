"""Low-precision msign kernels (torch) as people ship them for Muon-style optimizers: four
correct families and planted wrong ones.  Each computes in the dtype given by ``compute``
(default: the input's) and returns the input's dtype — declare it with ``--compute-dtype``.

Correct (must PASS their family's certified band, widened by the precision margin):
``muon_quintic`` (5 steps, Keller Jordan's coefficients), ``polar_express`` (8 steps, Amsel et
al.), ``gram_newton_schulz`` (iterates on the Gram matrix; float16 by default),
``cubic_to_convergence``.

Planted (must FAIL): rows permuted, output negated, transposed for square inputs, too few
steps, float16 cast before normalising, an eps that breaks small scales, a tall input not
transposed back, a random misalignment 10× the correct kernel's own, one wrong coefficient.
"""
import torch

MUON = (3.4445, -4.7750, 2.0315)
# Polar Express (Amsel, Persson, Musco & Gower 2025): its 5 published steps and 3 of its limit
# polynomial (8 steps), safety 1.01, as in matspec.implementations.newton_schulz
from matspec.implementations.newton_schulz import polar_express_extended as _pe

POLAR_EXPRESS = _pe(3).float_coeffs()
PE_SAFETY = 1.01


def _prescale(X):
    """Multiply each matrix (of a batch: each member) by a power of two (exact in every format)
    that brings its max|x_ij| into [1/2, 1): the norm that follows then neither overflows nor
    underflows, at any scale."""
    s = X.abs().float().amax(dim=(-2, -1), keepdim=True)
    e = torch.frexp(torch.where((s > 0) & torch.isfinite(s), s, torch.ones_like(s))).exponent
    return torch.ldexp(X.float(), -e).to(X.dtype)


def _norm(X):
    """The Frobenius norm of each matrix of a batch (kept broadcastable), accumulated in float32."""
    return X.float().norm(dim=(-2, -1), keepdim=True).to(X.dtype)


def _iterate(G, coeffs, compute=None, eps=1e-30, safety=1.0, transpose_back=True, cast_first=None, prescale=True):
    X = G.to(cast_first) if cast_first is not None else G
    if prescale:  # in the input's dtype, before the cast: a float16 cast of |g| > 65504 is inf
        X = _prescale(X)
    X = X.to(getattr(torch, compute) if compute else G.dtype)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    if prescale:
        n = _norm(X)  # per matrix; a zero matrix stays 0 (msign(0) = 0), never 0/0 once eps underflows
        X = X / torch.where(n > 0, n * safety, torch.ones_like(n))
    else:
        X = X / (X.norm() * safety + eps)  # the planted kernels' way: one norm, an eps
    for a, b, c in coeffs:
        A = X @ X.mT
        B = b * A + c * (A @ A)
        X = a * X + B @ X
    if tall and transpose_back:
        X = X.mT
    return X.to(G.dtype)


# -- correct -----------------------------------------------------------------------------------

def muon_quintic(G, compute=None):
    return _iterate(G, [MUON] * 5, compute)


def polar_express(G, compute=None):
    return _iterate(G, POLAR_EXPRESS, compute, safety=PE_SAFETY)


def cubic_to_convergence(G, compute=None, max_steps=60):
    """X ← 1.5X − 0.5XXᵀX until the arithmetic stops changing X."""
    X = _prescale(G).to(getattr(torch, compute) if compute else G.dtype)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    n = _norm(X)
    X = X / torch.where(n > 0, n, torch.ones_like(n))
    for _ in range(max_steps):
        Xn = 1.5 * X - 0.5 * (X @ X.mT) @ X
        if torch.equal(Xn, X):
            break
        X = Xn
    if tall:
        X = X.mT
    return X.to(G.dtype)


def gram_newton_schulz(G, compute="float16", coeffs=None, restart=2):
    """The Gram variant: iterate on the small Gram matrix R = XXᵀ (X_{t+1} = p_t(R_t)·X_t with
    R_{t+1} = p_t(R_t) R_t p_t(R_t)) and apply the accumulated polynomial to X once, in float16,
    as memory-saving kernels do; after `restart` steps X is formed and R recomputed from it
    (the Gram's rounding would otherwise compound through every later step)."""
    coeffs = coeffs or [MUON] * 5
    dt = getattr(torch, compute) if compute else G.dtype
    X = _prescale(G)  # before the cast (and the float16 norm would overflow at 256 otherwise)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    n = X.float().norm(dim=(-2, -1), keepdim=True)
    X = (X.float() / torch.where(n > 0, n, torch.ones_like(n))).to(dt)
    k = X.shape[-2]
    eye = torch.eye(k, dtype=dt)
    for chunk in (coeffs[:restart], coeffs[restart:]):
        if not chunk:
            continue
        R = X @ X.mT
        Q = eye.expand_as(R).clone()
        for a, b, c in chunk:
            P = a * eye + b * R + c * (R @ R)
            Q = P @ Q
            R = P @ R @ P
            R = (R + R.mT) / 2  # keep the Gram symmetric
        X = Q @ X
    if tall:
        X = X.mT
    return X.to(G.dtype)


# -- planted -----------------------------------------------------------------------------------

def rows_permuted(G, compute=None):
    return muon_quintic(G, compute).flip(0)


def negated(G, compute=None):
    return -muon_quintic(G, compute)


def transposed_square(G, compute=None):
    Y = muon_quintic(G, compute)
    return Y.mT.contiguous() if Y.shape[0] == Y.shape[1] else Y


def too_few_steps(G, compute=None):
    return _iterate(G, [MUON] * 2, compute)


def float16_cast_before_normalising(G, compute=None):
    """Casts to float16 first and normalises there: ‖G‖_F overflows float16 above 65504."""
    return _iterate(G, [MUON] * 5, compute or "float16", cast_first=torch.float16, prescale=False)


def eps_too_large(G, compute=None):
    """eps = 1e-3 in the normalisation: every ‖G‖_F ≲ 1e-2 is under-normalised."""
    return _iterate(G, [MUON] * 5, compute, eps=1e-3, prescale=False)


def tall_not_transposed_back(G, compute=None):
    """A square-only kernel's transpose rule: right for wide, wrong orientation for tall inputs,
    which it reshapes back to the input's shape."""
    Y = _iterate(G, [MUON] * 5, compute, transpose_back=False)
    return Y.reshape(G.shape) if Y.shape != G.shape else Y


def one_wrong_coefficient(G, compute=None):
    """c = 2.315 instead of 2.0315 (a slipped digit)."""
    return _iterate(G, [(3.4445, -4.7750, 2.315)] * 5, compute)


def misaligned_10x(G, compute=None):
    """The correct Muon output rotated by exp(S), S antisymmetric with ‖S‖_F ten times the
    correct kernel's own misalignment on this input (measured here in float64)."""
    Y = muon_quintic(G, compute)
    A = G.double()
    U, s, Vh = torch.linalg.svd(A, full_matrices=False)
    M = U.mT @ Y.double() @ Vh.mT
    mis = float((M - torch.diag_embed(torch.diagonal(M))).norm())
    n = Y.shape[0]
    gen = torch.Generator().manual_seed(int(A.abs().sum() * 1e6) % (2**31))
    S = torch.randn(n, n, generator=gen, dtype=torch.float64)
    S = S - S.mT
    if n == 1 or float(S.norm()) == 0.0:
        return Y
    S = S * (10 * max(mis, 2.0 ** -9 * float(Y.double().norm())) / float(S.norm()))
    return (torch.matrix_exp(S) @ Y.double()).to(G.dtype)


# -- planted bugs that live only at size -------------------------------------------------------

def batch_normalised_as_a_whole(G, compute=None):
    """Muon on a batch, normalised by the norm of the whole batch instead of each matrix: right for
    one matrix (every 2-D test), wrong for a batch whose members differ in scale."""
    s = G.abs().float().max()  # the bug, twice: one scale and one norm for the whole batch
    e = int(torch.frexp(s).exponent) if s > 0 and torch.isfinite(s) else 0
    X = torch.ldexp(G.float(), torch.tensor(-e)).to(getattr(torch, compute) if compute else G.dtype)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    n = X.float().norm()  # dim=(-2, -1), keepdim=True was meant
    X = X / (n if n > 0 else torch.ones(())).to(X.dtype)
    for a, b, c in [MUON] * 5:
        A = X @ X.mT
        X = a * X + (b * A + c * (A @ A)) @ X
    if tall:
        X = X.mT
    return X.to(G.dtype)


def _tiled_matmul(A, B, tile=128):
    """A @ B by column tiles of B — the last partial tile forgotten (n % tile columns stay 0)."""
    out = torch.zeros(A.shape[:-1] + (B.shape[-1],), dtype=A.dtype)
    full = (B.shape[-1] // tile) * tile
    for j in range(0, full, tile):
        out[..., j:j + tile] = A @ B[..., j:j + tile]
    if full == 0:  # smaller than one tile: a single untiled product (why 8×8 tests pass)
        out = A @ B
    return out


def drops_last_partial_tile(G, compute=None):
    """Muon whose X-update is a tiled product that drops the last partial tile of columns."""
    X = _prescale(G).to(getattr(torch, compute) if compute else G.dtype)
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    X = X / (X.norm() + 1e-30)
    for a, b, c in [MUON] * 5:
        A = X @ X.mT
        X = a * X + _tiled_matmul(b * A + c * (A @ A), X)
    if tall:
        X = X.mT
    return X.to(G.dtype)


def wrong_path_above_256(G, compute=None):
    """Muon with a 'fast path' for matrices wider than 256 columns that runs 3 steps instead of 5."""
    steps = 3 if G.shape[-1] > 256 else 5
    return _iterate(G, [MUON] * steps, compute)


def muon_quintic_bf16_storage(G, compute="bfloat16"):
    """Muon's quintic with bfloat16 storage and float32 GEMMs — every product's operands are
    bfloat16 values, accumulated in float32 and rounded back, as on tensor cores — written with
    float32 matmuls so it runs at float32 BLAS speed on CPUs without native bfloat16 (torch's
    CPU bfloat16 matmul is ~50× slower there)."""
    dt = getattr(torch, compute)

    def r(X):  # store in the compute dtype
        return X.to(dt).float()

    X = r(_prescale(G).float())
    tall = X.shape[-2] > X.shape[-1]
    if tall:
        X = X.mT
    n = X.norm(dim=(-2, -1), keepdim=True)
    X = r(X / torch.where(n > 0, n, torch.ones_like(n)))
    for a, b, c in [MUON] * 5:
        A = r(X @ X.mT)
        B = r(r(b * A) + r(c * r(A @ A)))
        X = r(r(a * X) + r(B @ X))
    if tall:
        X = X.mT
    return X.to(G.dtype)


def slow_and_two_steps(G, compute=None):
    """A planted competitor for `matspec compare`: 2 quintic steps instead of 5 (wrong) after a
    pointless 20 ms wait (slower)."""
    import time

    time.sleep(0.02)
    return _iterate(G, [MUON] * 2, compute)
