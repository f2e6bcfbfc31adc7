"""The SPM's report context: its measures read the CoC's enrollments over the look-back
(``spm_enrollments``), not the APR's universe, so the run does not build that."""

from __future__ import annotations

from sunflower.reports.engine.universe import ReportContext


class SpmContext(ReportContext):
    def prepare(self) -> None:
        from .common import spm_enrollments

        spm_enrollments(self)
