"""Cells where we are convinced HUD's reference output contradicts HUD's written
programming specification. Each entry quotes the specification; the test kit runner and
the tests accept a difference only if it is listed here (docs/reports.md lists them too).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine.compare import normalise


@dataclass(frozen=True)
class KnownDifference:
    report: str
    slug: str  # "*" for every project of the kit
    question: str
    row: str
    column: str
    spec: str  # the specification's section, quoted
    why: str


_Q6F_SPEC = (
    'APR/CAPER FY2026 programming specifications, Q6, "Changes from APR FY 2024: Removed NbN '
    'shelters from, and added PATH-funded SSO to, row 2 of Q6f." HMIS Reporting Glossary, DQ Q7 '
    'row 2: "reports on adults and heads of household active in project type 4 (for all '
    'funding sources) and project type 6 if PATH-funded."'
)
_Q6F_WHY = (
    "HUD's code still counts the night-by-night shelter's clients in the contact row; under "
    "FY2026 an ES-NbN project has no contact row records."
)
_Q6A_SPEC = (
    'HMIS Reporting Glossary, DQ Q2 (referenced by APR Q6a), SSN data issues: "=[rule]" with '
    'vendor-designated placeholder characters allowed, and "A partial SSN will not result in a '
    'data issue ... as long as the partial SSN follows the guidelines outlined in this document."'
)
_Q6A_WHY = (
    "HUD's code counts a partial SSN with placeholder characters (sso-coc, xxx021232) and a "
    "full, valid SSN recorded with quality 2 (es-nbn-esg) as data issues; the Glossary does not."
)
_Q6B_SPEC = (
    'HMIS Reporting Glossary, DQ Q3, Enrollment CoC data issues: "count of heads of household '
    "where the [continuum code] for the enrollment CoC record does not match a valid HUD-defined "
    "CoC code, based on the project's Continuum of Care Information (data element 2.03).\""
)
_Q6B_WHY = (
    "Project 780 operates only in XX-501 (its 2.03 record); one head of household's enrollment "
    "is recorded in XX-500 (the kit README's validator flags the same record). HUD's code accepts "
    "any code on its list of CoC codes."
)


def _cells(report, slug, question, row, columns, spec, why):
    return [KnownDifference(report, slug, question, row, column, spec, why) for column in columns]


KNOWN_DIFFERENCES: list[KnownDifference] = [
    *_cells(
        "caper",
        "es-nbn-esg",
        "Q6f",
        "Contact (Adults and Heads of Household in Street Outreach or PATH-funded SSO)",
        ["Number of Records", "Number of Inactive Records", "Percent of Inactive Records"],
        _Q6F_SPEC,
        _Q6F_WHY,
    ),
    *[
        difference
        for report, slug in (("apr", "sso-coc"), ("caper", "es-nbn-esg"))
        for difference in (
            _cells(
                report,
                slug,
                "Q6a",
                "SSN",
                ["Data Issues", "Total", "% of Issue Rate"],
                _Q6A_SPEC,
                _Q6A_WHY,
            )
            + _cells(
                report,
                slug,
                "Q6a",
                "Overall Score",
                ["Total", "% of Issue Rate"],
                _Q6A_SPEC,
                _Q6A_WHY,
            )
        )
    ],
    *_cells(
        "apr",
        "psh-coc-i",
        "Q6b",
        "EnrollmentCoC 3 16",
        ["Data Issues", "Total", "Percent of Issue Rate"],
        _Q6B_SPEC,
        _Q6B_WHY,
    ),
]


def is_known(report: str, slug: str, question: str, row: str, column: str) -> bool:
    return any(
        d.report == report
        and d.slug in ("*", slug)
        and d.question == question
        and normalise(d.row) == normalise(row)
        and normalise(d.column) == normalise(column)
        for d in KNOWN_DIFFERENCES
    )
