"""APR questions (q27)."""
