"""The activities service's recorder: activities first, so a batch's check-ins find them."""

from services.activities.kinds import ActivityKind, CheckInKind
from shared.recording.recorder import Recorder

ACTIVITY, CHECKIN = ActivityKind(), CheckInKind()


def recorder(session, principal):
    """A recorder for one request."""
    return Recorder(session, principal, [ACTIVITY, CHECKIN])
