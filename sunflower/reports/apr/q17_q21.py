"""APR questions q17_q21."""
