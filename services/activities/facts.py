"""What an activity adds to the figures: the facts its feed entries carry, before and after.

Attendances (人次) of one activity = max(headcount, distinct check-ins). Staff report a
headcount that already includes the people who checked in; check-ins are individual
records that can only raise the figure, never add on top of it. So nobody is counted
twice, and an activity logged with check-ins only still counts every person once.
A void activity adds nothing. New-media 普法 counts its reach (views), never attendances.
"""

from services.activities.vocabularies import CADRE_STUDY
from shared.records import VOID


def attendances(activity):
    """The activity's attendance figure (人次)."""
    return max(activity.headcount, activity.checkins)


def facts(activity):
    """The activity's contribution to the figures, or None when it contributes nothing."""
    if activity.status == VOID:
        return None
    return {
        "activity_id": activity.id,
        "township_code": activity.township_code,
        "village_code": activity.village_code,
        "type": activity.type,
        "organiser": activity.organiser,
        "audience": activity.audience,
        "day": activity.day.isoformat(),
        "cadre_study": activity.type == CADRE_STUDY,
        "sessions": 1,
        "attendances": attendances(activity),
        "online_reach": activity.online_reach,
        "checkins": activity.checkins,
    }
