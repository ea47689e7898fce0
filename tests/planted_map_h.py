"""Planted bug each claim added or re-formed by issue 16 (principles and coverage of seeds 000, 001, 003, 004)
must catch on NumPy float64 (tests/test_planted.py)."""
PLANTED_FOR = {
    "conditioning.orthogonal_kappa_one": "spectral_from_norm_bound",
    "linear_systems.kappa_multiplies_errors": "solve_transposed",
    "linear_systems.spd_kappa_eig_ratio": "eigvalsh_ascending",
    "linear_systems.gd_rate_optimal_step": "matmul_float32_accumulation",
    "linear_systems.gd_step_limit": "matmul_float32_accumulation",
    "linear_systems.gd_overshoot": "matmul_float32_accumulation",
    "linear_systems.contour_axis_ratio": "svdvals_ascending",
}
PLANTED_FOR.update({
    "svd_facts.rotate_scale_rotate": "matmul_float32_accumulation",
    "svd_facts.eigendecomposition_square": "frobenius_missing_root",
    "svd_facts.hessian_eigen_curvature": "eigvalsh_ascending",
    "svd_facts.zero_eigenvalue_flat": "matmul_float32_accumulation",
    "svd_facts.newton_step_per_direction": "solve_float32_lapack",
})
PLANTED_FOR["conditioning.high_kappa_is_not_low_rank"] = "svdvals_ascending"
PLANTED_FOR.update({
    "linear_systems.two_lines_perpendicular": "svdvals_ascending",
    "linear_systems.two_lines_parallel": "svdvals_ascending",
    "linear_systems.collinearity_ill_conditions": "svdvals_ascending",
    "linear_systems.collinearity_inflates_variance": "solve_float32_lapack",
})
PLANTED_FOR.update({
    "ml_norms.network_lipschitz_is_product": "spectral_is_spectral_radius",
    "ml_norms.clipping_norm_choice": "inner_uses_matmul",
})
PLANTED_FOR.update({
    "frobenius.sphere_to_ellipsoid": "matmul_float32_accumulation",
    "axioms.no_equivalence_in_infinite_dimensions": "vnorm_two_is_rms",
    "schatten.nuclear_subgradient_top_vectors": "nuclear_drops_smallest",
    "linear_systems.tikhonov_reduces_sensitivity": "solve_float32_lapack",
})
PLANTED_FOR["conditioning.power_iteration_estimates"] = "solve_transposed"
PLANTED_FOR["linear_systems.nonnormal_eigen_sensitivity"] = "eigvals_uses_eigvalsh"
PLANTED_FOR["linear_systems.kappa_is_max_amplification"] = "solve_transposed"

# A second planted bug for claims whose true form must also catch a bug in another op: claim ->
# (bug, a fragment of the text of a relation that must be among those violated).
PLANTED_ALSO = {
    # clipping that keeps the wrong singular values (σ₁ shrunk, the rest kept): caught on the
    # clipped results' singular values / direction, not on the clipping computation itself
    "ml_norms.clipping_norm_choice": ("scale_only_top_singular", "clipping keeps"),
}
