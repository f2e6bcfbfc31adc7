"""APR questions q26_q27."""
