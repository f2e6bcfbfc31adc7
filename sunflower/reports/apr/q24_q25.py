"""APR questions q24_q25."""
