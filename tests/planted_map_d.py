"""Planted bug each claim of conditioning (004 §7) must catch."""
PLANTED_FOR = {
    "conditioning.kappa2_sigma_ratio": "svdvals_ascending",
    "conditioning.kappa_ge_one": "svdvals_ascending",
    "conditioning.kappa_one_iff_scaled_orthogonal": "svdvals_float32_lapack",
    "conditioning.product_submultiplicative": "svdvals_ascending",
    "conditioning.kappa_of_inverse": "svdvals_float32_lapack",
    "conditioning.scale_invariant": "svdvals_ascending",
    "conditioning.distance_to_singularity": "lowrank_off_by_one",
    "conditioning.tikhonov_kappa": "eigvalsh_ascending",
    "conditioning.tikhonov_decreases_to_one": "eigvalsh_ascending",
    "conditioning.weight_decay_hessian_shift": "eigvalsh_ascending",
    "conditioning.randomized_estimate": "matmul_transposed",
}
