"""APR questions q10_q16."""
