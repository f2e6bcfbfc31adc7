"""Answers to the default housing tool with a known score, for tests, the benchmark and the
demo data."""

from __future__ import annotations

HOUSING_ANSWERS = {
    "sleeping_location": "unsheltered",  # 3
    "months_homeless": 18,  # 3
    "episodes": 2,  # 1
    "evictions": "yes",  # 1
    "fleeing_dv": "no",
    "exploitation": "no",
    "emergency_visits": 4,  # 2 (flag high_utilizer)
    "legal": "no",
    "physical_health": "yes",  # 2 (flag medical)
    "conditions": ["heart", "diabetes"],  # 1
    "mental_health": "yes",  # 2
    "substance_use": "no",
    "medication": "no",
    "mobility": "no",
    "income": "yes",
    "monthly_income": 800,
    "paperwork": "yes",  # 1
    "support": "no",  # 1
    "pregnant": "no",
    "young_children": "no",
    "notes": "",
}
HOUSING_SCORE = 3 + 3 + 1 + 1 + 2 + 2 + 1 + 2 + 1 + 1


def sign_agreement(user):
    """Sign the current CE Participation Agreement for `user` (tests): pages guarded by
    sunflower.ces.agreements.agreement_required then open. Returns the signature, or None when
    there is no agreement or the user already signed."""
    from sunflower.ces import agreements

    if agreements.current_agreement() is None or agreements.has_signed(user):
        return None
    if not user.get_full_name():
        user.first_name, user.last_name = "Test", "User"
        user.save(update_fields=["first_name", "last_name"])
    return agreements.sign(user, user.get_full_name())
