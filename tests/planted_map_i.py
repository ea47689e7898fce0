"""Planted bug each claim added or re-formed by issue 16 part B (seed 002: msign, Newton–Schulz, mclip, HiPPO, SVD,
matrix calculus) must catch on NumPy float64 (tests/test_planted.py).  Math-only ones are in
tests/test_planted_math.py."""
PLANTED_FOR = {
    "svd_facts.gram_positive_definite": "eigvalsh_ascending",
    "svd_facts.symmetric_no_rotation": "polar_by_muon_quintic",
    "svd_facts.real_matrix_complex_eigenvalues": "eigvals_uses_eigvalsh",
    "svd_facts.blockwise_svd_merge": "polar_by_muon_quintic",
    "calculus.vec_kronecker": "matmul_transposed",
    "calculus.trace_derivative": "inner_uses_matmul",
    "calculus.singular_vectors_discontinuous": "lowrank_off_by_one",
    "newton_schulz.renormalisation_condition": "svdvals_ascending",
    "newton_schulz.large_sigma_steps": "ns_one_step_too_few",
    "newton_schulz.small_sigma_linear": "ns_one_step_too_few",
    "newton_schulz.target_hit": "ns_doc_matrix_form",
    "mclip.three_msign_calls": "polar_by_muon_quintic",
    "mclip.spring_sensitivity": "eigvalsh_ascending",
}
