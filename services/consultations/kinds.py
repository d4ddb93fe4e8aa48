"""A consultation as a record kind: an advisor's advice to a resident of one of their
villages on the day it was given (checked with the registry, which must answer)."""

from datetime import UTC

from services.consultations.facts import facts
from services.consultations.models import Consultation
from services.consultations.schemas import ConsultationCreate
from shared import registry_client
from shared.clock import LOCAL_ZONE
from shared.pii import keyed_digest
from shared.recording.kinds import RecordKind, invalid, outcome, registry_tree
from shared.recording.records import FORBIDDEN


def _villages_served(recorder, values):
    """The villages the record's advisor served on its day, asked once a request."""
    advisor_id, day = values["advisor_id"], values["day"]
    return recorder.memo(
        ("villages_of", advisor_id, day),
        lambda: registry_client.villages_of_advisor(advisor_id, day),
    )


class ConsultationKind(RecordKind):
    name = "consultation"
    model = Consultation
    create_schema = ConsultationCreate()
    # The history keeps the resident only encrypted, as the table does.
    snapshot_fields = (
        "advisor_id", "village_code", "township_code", "occurred_at", "day", "channel",
        "category", "question", "advice", "outcome", "follow_up_on", "mediation_result",
        "status", "resident_enc",
    )  # fmt: skip

    def values(self, recorder, content, record=None):
        """Columns from validated content; the advisor is the caller (or the record's; None
        before an admin's correction has read it)."""
        if record is not None:
            advisor_id = record.advisor_id
        else:
            advisor_id = recorder.principal.scope.get("advisor_id")
        return {
            "advisor_id": None if advisor_id is None else str(advisor_id),
            "village_code": content["village_code"],
            "occurred_at": content["occurred_at"].astimezone(UTC).replace(tzinfo=None),
            "day": content["occurred_at"].astimezone(LOCAL_ZONE).date(),
            "channel": content["channel"],
            "category": content["category"],
            "question": content["question"],
            "advice": content["advice"],
            "outcome": content["outcome"],
            "follow_up_on": content.get("follow_up_on"),
            "resident": content["resident"],
        }

    def digest(self, values):
        """Keyed: the content holds a resident's personal data."""
        return keyed_digest(values)

    def problem(self, recorder, values, record=None):
        """An advisor writes only their own records, for villages assigned to them that day."""
        principal = recorder.principal
        own = record is None or str(principal.scope.get("advisor_id")) == record.advisor_id
        if principal.role != "admin" and not own:
            return outcome(FORBIDDEN, "This consultation was recorded by another advisor.")
        if not values:
            return None
        tree = registry_tree(recorder)
        if values["village_code"] not in tree:
            return invalid({"village_code": ["No such village in the registry."]})
        values["township_code"] = tree[values["village_code"]]  # stored with the record
        if values["village_code"] not in _villages_served(recorder, values):
            return outcome(
                FORBIDDEN,
                f"Advisor {values['advisor_id']} did not serve village {values['village_code']} "
                f"on {values['day'].isoformat()}.",
            )
        return None

    def ask_ahead(self, recorder, values):
        """What `problem` will ask: the tree, and the villages served of each record whose
        village is in it (and whose advisor is known yet: an admin's correction learns it
        from the stored record, and asks it under the write lock)."""
        if not values:
            return
        tree = registry_tree(recorder)
        for one in values:
            if one["village_code"] in tree and one["advisor_id"] is not None:
                _villages_served(recorder, one)

    def build(self, recorder, record_id, digest, values):
        """A (transient) Consultation: the model keeps the resident only encrypted."""
        return self.model(**vars(super().build(recorder, record_id, digest, values)))

    def facts(self, record):
        """What the rollups count: no personal data at all."""
        return facts(record)


CONSULTATION = ConsultationKind()
