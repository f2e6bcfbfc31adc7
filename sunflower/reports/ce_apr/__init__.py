"""Coordinated Entry APR FY2026: the CE APR's questions (Q4a, Q5a, Q6a, Q7a, Q8a, Q9a–Q9d,
Q10), system-wide over the CoC's projects that participate in coordinated entry."""

from . import questions  # noqa: F401
