"""APR questions (q22)."""
