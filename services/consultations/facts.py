"""What a consultation adds to the figures: the facts its feed entries carry, before and
after. No personal data at all: the resident never leaves the service."""

from shared.recording.records import VOID

# The columns the figures are kept by (and a rebuild may group by): every breakdown of the
# stats catalogue's consultations, and where and when it was given.
DIMENSIONS = (
    "day",
    "township_code",
    "village_code",
    "category",
    "channel",
    "outcome",
    "advisor_id",
    "mediation_result",
)


def facts(consultation):
    """The consultation's contribution to the figures, or None when it contributes nothing."""
    if consultation.status == VOID:
        return None
    return {
        "consultation_id": consultation.id,
        **{name: getattr(consultation, name) for name in DIMENSIONS},
        "day": consultation.day.isoformat(),
        "consultations": 1,
    }
