"""APR questions q22_q23."""
