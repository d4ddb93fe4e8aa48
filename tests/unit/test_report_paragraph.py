"""The report's counts in the county's style: exact below 1,000, floored with 余 above,
万 and 亿 as units (GB/T 15835); never rounded up. And the paragraph and its .docx."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from services.stats.report import county_count, report_docx, report_paragraph, year_report


@pytest.mark.parametrize(
    ("count", "written"),
    [
        (0, "0"),
        (17, "17"),
        (999, "999"),
        (1000, "1000"),
        (1001, "1000余"),
        (1200, "1200"),
        (1234, "1200余"),
        (1299, "1200余"),
        (4500, "4500"),
        (9999, "9900余"),
        (10000, "1万"),
        (10001, "1万余"),
        (10999, "1万余"),
        (12000, "1.2万"),
        (12345, "1.2万余"),
        (99999, "9.9万余"),
        (100000, "10万"),
        (100001, "10万余"),
        (249999, "24万余"),
        (250000, "25万"),
        (250001, "25万余"),
        (99999999, "9999万余"),
        (100000000, "1亿"),
        (100000001, "1亿余"),
        (123456789, "1.23亿余"),
        (150000000, "1.5亿"),
        (1000000000, "10亿"),
    ],
)
def test_counts_are_written_as_the_county_writes_them(count, written):
    assert county_count(count) == written


@pytest.mark.parametrize("count", [*range(995, 1010), *range(9990, 10010), 249999, 10**8 - 1])
def test_a_written_count_is_never_more_than_the_records(count):
    text = county_count(count)
    number = text.removesuffix("余")
    value = (
        float(number[:-1]) * 10**8
        if number.endswith("亿")
        else float(number[:-1]) * 10**4
        if number.endswith("万")
        else int(number)
    )
    assert value <= count
    assert text.endswith("余") == (round(value) != count)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        county_count(-1)


SUMMARY = {
    "year": "2024",
    "figures": {
        name: {"value": value}
        for name, value in {
            "sessions": 4500,
            "attendances": 251234,
            "online_reach": 1234567,
            "checkins": 800,
            "cadre_sessions": 17,
            "cadre_attendances": 1204,
            "consultations": 1234,
        }.items()
    },
    "coverage": {"advisors": 324, "covered": 320, "villages": 324},
}


def test_the_paragraph_states_every_figure_in_the_county_style():
    report = year_report(SUMMARY)
    assert report["paragraph"] == (
        "2024年，全县累计开展各类普法活动4500场次，覆盖人数25万余人次，"
        "其中法治讲堂·逢九必讲17期、1200余人次；新媒体普法浏览量123万余次；"
        "解答法律咨询1200余人次；共配备324名法律顾问，覆盖320个村(社区)。"
    )
    assert report["figures"]["advisors"] == 324
    assert report["paragraph"] == report_paragraph("2024", report["figures"])


def test_the_docx_holds_the_paragraph_in_an_east_asian_font():
    report = year_report(SUMMARY)
    document = Document(io.BytesIO(report_docx(report)))
    texts = [paragraph.text for paragraph in document.paragraphs if paragraph.text]
    assert texts == [report["paragraph"]]
    run = document.paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
