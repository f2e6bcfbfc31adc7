"""APR questions (q06_q09)."""
