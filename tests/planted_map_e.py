"""Planted bug each claim of linear_systems (seeds 000, 001, 004 §7.2–8.4) and svd_facts
(seed 003) must catch."""
PLANTED_FOR = {
    "linear_systems.error_amplification_rhs": "solve_transposed",
    "linear_systems.forward_error_bound": "solve_transposed",
    "linear_systems.forward_le_kappa_backward": "solve_transposed",
    "linear_systems.hessian_kappa_eig_ratio": "eigvalsh_ascending",
    "linear_systems.singular_kappa_infinite": "svdvals_ascending",
    "linear_systems.scaling_changes_kappa": "svdvals_ascending",
    # A is symmetric in both worked examples: a transposed solve is invisible there
    "linear_systems.example_001_kappa_and_solutions": "solve_float32_lapack",
    "linear_systems.example_001_relative_changes": "solve_float32_lapack",
    "linear_systems.example_000_printed_figures": "svdvals_float32_lapack",
    "linear_systems.analyze_matrix_doc": "svdvals_ascending",
    "linear_systems.tikhonov_solution_norm": "solve_float32_lapack",
    "linear_systems.bauer_fike": "eigvals_uses_eigvalsh",
    "svd_facts.svd_definition": "svdvals_ascending",
    "svd_facts.truncated_svd_memory": "lowrank_off_by_one",
    "svd_facts.lora_arithmetic": "lowrank_off_by_one",
    "svd_facts.regularize_eps_identity": "svdvals_ascending",
    "svd_facts.eigenvalue_stretch_flip": "eigvalsh_is_svdvals",
    "svd_facts.critical_point_classification": "eigvalsh_is_svdvals",
    "svd_facts.hessian_kappa_abs": "svdvals_ascending",
    "svd_facts.newton_step_quadratic": "solve_float32_lapack",
}
