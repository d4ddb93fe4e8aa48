"""The year's paragraph for the annual 法治政府建设 report, in the county's own style, made
from the year's latest publication, or from the live year summary while it has none
("全县累计开展各类普法活动4500场次，覆盖人数25万余人次 …").

Counts are written as the county writes them (GB/T 15835, 万 and 亿 as units of number):
below 1,000 exactly ("17期"); above, floored to two or three leading figures with 余 when
anything was cut ("1200余人次", "25万余人次"). Never rounded up: a report may say less
than the records hold, never more.
"""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

WAN, YI = 10_000, 100_000_000
MORE = "余"
# The body font of the county's documents (GB/T 9704: 仿宋 for the text), East Asian and Latin.
BODY_FONT, BODY_SIZE = "仿宋", Pt(16)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _floored(count, step):
    """`count` floored to a multiple of `step`, and whether anything was cut."""
    shown = count - count % step
    return shown, shown != count


def _decimal(whole, tenths_or_hundredths, places):
    """'1', '1.2', '1.23' from a whole part and a fraction of `places` digits, zeros cut."""
    if not tenths_or_hundredths:
        return str(whole)
    return f"{whole}.{tenths_or_hundredths:0{places}d}".rstrip("0")


def county_count(count):
    """A count as the county's report writes it: '999', '1000', '1000余', '1.2万余',
    '25万余', '1.23亿余' (floored, 余 when floored; GB/T 15835 usage of 万 and 亿)."""
    if count < 0:
        raise ValueError(f"A count is never negative: {count}")
    if count < 1000:
        return str(count)
    if count < WAN:  # to hundreds: 1234 -> 1200余
        shown, cut = _floored(count, 100)
        text = str(shown)
    elif count < 10 * WAN:  # to a tenth of 万: 12345 -> 1.2万余
        shown, cut = _floored(count, WAN // 10)
        text = _decimal(shown // WAN, shown % WAN // (WAN // 10), 1) + "万"
    elif count < YI:  # to whole 万: 249999 -> 24万余
        shown, cut = _floored(count, WAN)
        text = f"{shown // WAN}万"
    else:  # to a hundredth of 亿: 123456789 -> 1.23亿余
        shown, cut = _floored(count, YI // 100)
        text = _decimal(shown // YI, shown % YI // (YI // 100), 2) + "亿"
    return text + (MORE if cut else "")


def report_figures(summary):
    """The numbers the paragraph states, by name, from the year summary."""
    values = {name: row["value"] for name, row in summary["figures"].items()}
    coverage = summary["coverage"]
    return values | {"advisors": coverage["advisors"], "villages_covered": coverage["covered"]}


def report_paragraph(year, figures):
    """The year's paragraph of the report, every count in the county's style."""
    n = {name: county_count(value) for name, value in figures.items()}
    return (
        f"{year}年，全县累计开展各类普法活动{n['sessions']}场次，"
        f"覆盖人数{n['attendances']}人次，"
        f"其中法治讲堂·逢九必讲{n['cadre_sessions']}期、{n['cadre_attendances']}人次；"
        f"新媒体普法浏览量{n['online_reach']}次；"
        f"解答法律咨询{n['consultations']}人次；"
        f"共配备{n['advisors']}名法律顾问，覆盖{n['villages_covered']}个村(社区)。"
    )


def year_report(summary, publication=None):
    """{year, paragraph, figures, published}: the paragraph and the numbers it was made
    from. With the year's publication, those are the frozen figures it published (the
    report cites what was signed); without one, the live `summary`, `published` None."""
    if publication is not None:
        summary = publication.figures
    figures = report_figures(summary)
    return {
        "year": summary["year"],
        "paragraph": report_paragraph(summary["year"], figures),
        "figures": figures,
        "published": publication,
    }


def _east_asian(run, font):
    """Set a run's font for Latin and East Asian text alike (Word reads w:eastAsia for CJK)."""
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def report_docx(report):
    """The paragraph as a Word document (bytes): its one paragraph, in 仿宋 三号."""
    document = Document()
    document.core_properties.title = f"{report['year']}年普法工作情况"
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.font.name = BODY_FONT
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters, as the county does
    _east_asian(paragraph.add_run(report["paragraph"]), BODY_FONT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
