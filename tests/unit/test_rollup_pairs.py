"""Sessions and attendances share one stored integer; every figure must unpack exactly."""

from services.stats.rollup import PageEffect, pack, stored_metric, unpack


def entry(seq, before, after):
    return {"seq": seq, "entity": "activity", "action": "update",
            "payload": {"before": before, "after": after}}  # fmt: skip


def facts(attendances, **extra):
    return {
        "activity_id": "a1", "township_code": "653222100", "village_code": "653222100201",
        "type": "法润巴扎", "organiser": "司法局", "audience": "public", "day": "2024-03-04",
        "cadre_study": False, "sessions": 1, "attendances": attendances, "online_reach": 0,
        "checkins": 0,
    } | extra  # fmt: skip


def test_creates_corrections_and_voids_unpack_to_the_records():
    effect = PageEffect()
    for seq, (before, after) in enumerate(
        [
            (None, facts(87)),
            (None, facts(40, activity_id="a2")),
            (facts(87), facts(12)),  # a correction lowers the attendances
            (facts(40, activity_id="a2"), None),  # a void
        ],
        1,
    ):
        effect.add_entry(entry(seq, before, after))
    name = f"{stored_metric('sessions')}|2024-03-04|township:653222100|type:法润巴扎"
    assert (
        unpack("sessions", effect.deltas[name]),
        unpack("attendances", effect.deltas[name]),
    ) == (
        1,
        12,
    )


def test_pairs_add_up_like_their_parts():
    total = pack(3, 200) + pack(2, 4_000_000) - pack(1, 87)
    assert (unpack("sessions", total), unpack("attendances", total)) == (4, 4_000_113)
    assert unpack("online_reach", 55) == 55
    assert stored_metric("cadre_attendances") == stored_metric("cadre_sessions") != "cadre_sessions"
