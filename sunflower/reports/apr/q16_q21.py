"""APR questions (q16_q21)."""
