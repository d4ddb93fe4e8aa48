"""An entry's facts become deltas on every figure the record counts in, at each grain kept."""

from services.stats.rollup import PageEffect


def entry(seq, before, after):
    return {"seq": seq, "entity": "activity", "action": "update",
            "payload": {"before": before, "after": after}}  # fmt: skip


def facts(attendances, **extra):
    return {
        "activity_id": "a1", "township_code": "653222100", "village_code": "653222100201",
        "type": "法润巴扎", "organiser": "司法局", "audience": "public", "late": "false",
        "day": "2024-03-04",
        "sessions": 1, "attendances": attendances, "online_reach": 0, "checkins": 0,
        "cadre_sessions": 0, "cadre_attendances": 0,
    } | extra  # fmt: skip


def test_creates_corrections_and_voids_leave_the_records_at_every_grain():
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
    deltas = {key: amount for key, amount in effect.deltas.items() if amount}
    township, village = "township:653222100", "village:653222100201"
    for period in ("2024", "2024-03", "2024-03-04"):
        for area in ("county", township):
            assert deltas[(f"{period}:{area}:all", "attendances")] == 12
            assert deltas[(f"{period}:{area}:all", "sessions")] == 1
            for breakdown in ("type:法润巴扎", "organiser:司法局", "audience:public", "late:false"):
                dimension, value = breakdown.split(":")
                assert deltas[(f"{period}:{area}:{dimension}", f"attendances|{value}")] == 12
                assert deltas[(f"{period}:{area}:{dimension}", f"sessions|{value}")] == 1
        assert deltas[(f"{period}:county:township", "sessions|653222100")] == 1
    for period in ("2024", "2024-03"):  # villages are kept by year and month, totals only
        assert deltas[(f"{period}:{village}:all", "attendances")] == 12
        assert deltas[(f"{period}:county:village", "attendances|653222100201")] == 12
        assert deltas[(f"{period}:{township}:village", "attendances|653222100201")] == 12
    assert ("2024-03-04:" + village + ":all", "sessions") not in deltas
    assert not any(name.startswith(("cadre_", "online_reach")) for _, name in deltas)
    # 3 periods x (county: 5 + township; township: 5) + 2 periods x 3 village cells
    assert len(deltas) == 2 * (3 * 11 + 2 * 3)
