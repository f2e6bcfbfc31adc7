"""APR questions (q10_q15)."""
