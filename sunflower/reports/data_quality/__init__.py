"""HMIS Data Quality report: HUD's data-quality tables (the APR's Q5a report validations and
Q6a–Q6f: personally identifying information, universal data elements, income and housing,
chronic homelessness, timeliness, inactive records) on any scope a user may report on: one
project, an agency's projects, or the whole CoC. The questions are the APR's own functions,
so the numbers are exactly those an APR of the same scope would show."""

from sunflower.reports.apr import q04_q09, q06_q09
from sunflower.reports.engine.registry import question

for _function in (
    q04_q09.q4a,
    q04_q09.q5a,
    q06_q09.q6a,
    q06_q09.q6b,
    q06_q09.q6c,
    q06_q09.q6d,
    q06_q09.q6e,
    q06_q09.q6f,
):
    question(_function.question_name, "dq")(_function)
