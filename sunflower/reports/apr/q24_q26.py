"""APR questions (q24_q26)."""
