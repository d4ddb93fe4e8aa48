"""Write the Moyu (墨玉县, 653222) registry files: villages.csv, advisors.csv, assignments.csv.

The 16 township-level units are real. Their codes here are assigned in order (1xx for
towns, 2xx for townships) and are not the official ones. Village and community names are
not known to us: every one is a generated placeholder, marked 名称为占位=是. Advisors are
placeholders too (占位 in the name and the law firm; phone numbers in an unused range).
Run: `python -m services.registry.data.generate_moyu` (deterministic).
"""

import csv
from pathlib import Path

from services.registry.transfer import COLUMNS

HERE = Path(__file__).parent
TOWNS = ["喀拉喀什镇", "扎瓦镇", "奎牙镇", "喀尔赛镇", "普恰克其镇"]
TOWNSHIPS = ["阿克萨拉依乡", "乌尔其乡", "托胡拉乡", "萨依巴格乡", "加汗巴格乡", "芒来乡",
             "阔依其乡", "雅瓦乡", "吐外特乡", "英也尔乡", "喀瓦克乡"]  # fmt: skip
VILLAGE_TOTAL = 324
COMMUNITIES_PER_TOWN = 2
START = "2024-01-01"


def township_units():
    """(code, name) of the 16 township-level units."""
    towns = [(f"653222{100 + i}", name) for i, name in enumerate(TOWNS)]
    return towns + [(f"653222{200 + i}", name) for i, name in enumerate(TOWNSHIPS)]


def villages():
    """324 placeholder villages and communities spread over the 16 units."""
    units = township_units()
    per_unit, extra = divmod(VILLAGE_TOTAL, len(units))
    rows = []
    for index, (code, name) in enumerate(units):
        count = per_unit + (1 if index < extra else 0)
        communities = COMMUNITIES_PER_TOWN if name.endswith("镇") else 0
        for n in range(1, count + 1):
            if n <= communities:
                rows.append([code, name, f"{code}{n:03d}", f"{name}第{n}社区", "社区", "是"])
            else:
                number = n - communities
                rows.append(
                    [code, name, f"{code}{200 + number:03d}", f"{name}第{number}村", "村", "是"]
                )
    return rows


def advisors():
    """One placeholder advisor per village."""
    return [
        [f"1653222{2010 + n % 14}1{n % 2}{n:04d}", f"占位顾问{n:03d}", f"1390999{n:04d}",
         f"墨玉县第{1 + n % 8}律师事务所(占位)", "维吾尔语;汉语", "是"]
        for n in range(1, VILLAGE_TOTAL + 1)
    ]  # fmt: skip


def assignments(village_rows, advisor_rows):
    """Advisor n serves village n from the start of 2024, open-ended."""
    return [[v[2], a[0], START, ""] for v, a in zip(village_rows, advisor_rows, strict=True)]


def write(kind, rows):
    """Write one file with the Chinese headers admins see in the import format."""
    with (HERE / f"{kind}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([label for _field, label in COLUMNS[kind]])
        writer.writerows(rows)


def main():
    """Regenerate the three files."""
    village_rows, advisor_rows = villages(), advisors()
    write("villages", village_rows)
    write("advisors", advisor_rows)
    write("assignments", assignments(village_rows, advisor_rows))


if __name__ == "__main__":
    main()
