"""Planted bug each claim of perturbation/ml_norms (004 §8–9) must catch."""
PLANTED_FOR = {
    # §8 perturbation theory
    "perturbation.sigma_lipschitz_chain": "svdvals_float32_lapack",
    "perturbation.weyl_proof_courant_fischer": "spectral_is_spectral_radius",
    "perturbation.symmetric_weyl_eigenvalues": "spectral_norm_is_lambda_max",
    # §9 applications in machine learning
    "ml_norms.lora_nuclear_le_fro_product": "nuclear_drops_smallest",
    "ml_norms.weight_decay_shrinks_sigma_uniformly": "svdvals_float32_lapack",
    "ml_norms.spectral_normalisation_unit_sigma1": "spectral_norm_default_ord",
    "ml_norms.lipschitz_linear_layers": "spectral_is_spectral_radius",
    "ml_norms.clip_vector": "vnorm_missing_root",
    "ml_norms.clip_matrix_spectral_frobenius": "spectral_is_spectral_radius",
    "ml_norms.lowrank_storage_and_compression_ratio": "lowrank_off_by_one",
    "ml_norms.lora_parameter_count": "matmul_float32_accumulation",
    "ml_norms.stable_rank_le_rank": "spectral_norm_default_ord",
}
PLANTED_FOR.update({
    "ml_norms.frobenius_penalty_gradient": "inner_uses_matmul",
    "ml_norms.spectral_subgradient": "spectral_is_spectral_radius",
})
