"""Older HMIS CSV versions (FY2022, FY2024): detect them and convert them to FY2026.

``convert_to_fy2026(source, target_dir)`` writes a complete FY2026 folder and returns a
``MigrationReport``; ``detect_version(source)`` says which version a folder or zip is. See
``docs/interchange.md`` ("Older versions") and ``data/SOURCE.md``.
"""

from .convert import ConversionError, convert_to_fy2026
from .detect import Detection, detect_version
from .report import MigrationReport

__all__ = [
    "ConversionError",
    "Detection",
    "MigrationReport",
    "convert_to_fy2026",
    "detect_version",
]
