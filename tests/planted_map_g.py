"""Planted bug each of issue 3's last claims (004 §7.3 norm dependence, §4.2/§7.5 power iteration, seed
002's SVD parts) must catch on NumPy float64.  The math-only Hessian-symmetry claim (seed 003) is in
tests/test_planted_math.py."""
PLANTED_FOR = {
    "conditioning.norm_dependence": "inv_transposed",
    "conditioning.power_iteration_rate": "solve_transposed",
    "svd_facts.spectral_theorem": "eigvalsh_is_svdvals",
    "svd_facts.eckart_young_unique": "lowrank_off_by_one",
    "svd_facts.energy_ratio": "frobenius_missing_root",
    "svd_facts.randomized_svd_formula": "matmul_transposed",
    "svd_facts.svd_construction": "matmul_transposed",
}
