"""An entry's facts become deltas on every figure the record counts in, at each grain kept."""

from services.stats.rollup import PageEffect


def entry(seq, before, after):
    return {"seq": seq, "entity": "activity", "action": "update",
            "payload": {"before": before, "after": after}}  # fmt: skip


def facts(attendances, **extra):
    return {
        "activity_id": "a1", "township_code": "653222100", "village_code": "653222100201",
        "type": "法润巴扎", "organiser": "司法局", "audience": "public", "day": "2024-03-04",
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
            for breakdown in ("all", "type:法润巴扎", "organiser:司法局", "audience:public"):
                assert deltas[(f"{period}:{area}", f"attendances|{breakdown}")] == 12
                assert deltas[(f"{period}:{area}", f"sessions|{breakdown}")] == 1
        assert deltas[(f"{period}:county", f"sessions|{township}")] == 1
    for period in ("2024", "2024-03"):  # villages are kept by year and month, totals only
        assert deltas[(f"{period}:{village}", "attendances|all")] == 12
        assert deltas[(f"{period}:county", f"attendances|{village}")] == 12
        assert deltas[(f"{period}:{township}", f"attendances|{village}")] == 12
    assert ("2024-03-04:" + village, "sessions|all") not in deltas
    assert not any(name.startswith(("cadre_", "online_reach")) for _, name in deltas)
    # 3 periods x (county: 4 + township; township: 4) + 2 periods x 3 village cells
    assert len(deltas) == 2 * (3 * 9 + 2 * 3)
