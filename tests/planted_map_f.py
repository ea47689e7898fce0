"""Planted bug each claim of seed 002 (msign, newton_schulz, mclip, hippo) must catch on NumPy
float64.  Math-only claims (checked by the oracle alone) are in tests/test_planted_math.py."""
PLANTED_FOR = {
    "newton_schulz.fixed_point_condition": "ns_doc_matrix_form",
    "newton_schulz.error_expansion": "ns_one_step_too_few",
    "newton_schulz.solved_family": "ns_one_step_too_few",
    "newton_schulz.quadratic_convergence": "ns_one_step_too_few",
    "newton_schulz.matrix_form": "polar_by_muon_quintic",
    "newton_schulz.convergence_region": "ns_doc_matrix_form",
    "newton_schulz.small_sigma_steps": "ns_one_step_too_few",
    "newton_schulz.schedules_act_through_transfer": "ns_missing_normalisation",
    "newton_schulz.renormalisation_scale": "frobenius_missing_root",
    "msign.definition": "polar_by_muon_quintic",
    "msign.orthogonality": "polar_by_muon_quintic",
    "msign.nearest_semi_orthogonal": "polar_wrong_order",
    "msign.scale_invariance": "polar_cubic_unnormalised",
    "mclip.version1": "mclip_ignores_lower_bound",
    "mclip.msign_shift_identity": "polar_by_muon_quintic",
    "mclip.version2": "mclip_transposed_factors",
    "mclip.version3": "mclip_transposed_factors",
    "mclip.general_interval": "mclip_ignores_lower_bound",
    "hippo.structure_and_eigenvalues": "eigvals_uses_eigvalsh",
    "hippo.diagonal_plus_low_rank": "identity_is_ones",
}
