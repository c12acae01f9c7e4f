#!/usr/bin/env python
"""Add `press_script` cases in Hangul to eval/dev_2.csv: listed Russian, Iranian and Arab
people and groups as the Korean press writes their names ("예브게니 프리고진" for PRIGOZHIN,
Yevgeniy Viktorovich), foreign names that Korean writes by sound, one word a name.

    python scripts/devset_korean.py [--out eval/dev_2.csv]

Provenance: written for this project from general knowledge of the Korean press's spelling of
these names (the National Institute of Korean Language's loanword rules), not copied from any
screening tool's cases. Only entities of the dev split (`devset_v2.part_of` == 0, checked);
rows already in the file are not added twice. The matcher must not import this module.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
from devset_v2 import part_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# (entity id, query, type given or ""): people and groups of the dev split
KOREAN_PRESS: list[tuple[str, str, str]] = [
    ("ofac_sdn:35173", "세르게이 쇼이구", "person"),
    ("ofac_sdn:23343", "람잔 카디로프", ""),
    ("ofac_sdn:26945", "알리 하메네이", "person"),
    ("ofac_sdn:10481", "카셈 솔레이마니", ""),
    ("ofac_sdn:21171", "예브게니 프리고진", "person"),
    ("ofac_sdn:24283", "올레크 데리파스카", ""),
    ("ofac_sdn:35283", "알리셰르 우스마노프", "person"),
    ("ofac_sdn:16669", "아르카디 로텐베르크", ""),
    ("ofac_sdn:16666", "겐나디 팀첸코", "person"),
    ("ofac_sdn:24309", "니콜라이 파트루셰프", ""),
    ("ofac_sdn:35176", "발레리 게라시모프", "person"),
    ("ofac_sdn:16714", "뱌체슬라프 볼로딘", ""),
    ("ofac_sdn:37509", "마리야 자하로바", "person"),
    ("ofac_sdn:35797", "엘비라 나비울리나", ""),
    ("ofac_sdn:16680", "유리 코발추크", "person"),
    ("ofac_sdn:38241", "블라디미르 포타닌", ""),
    ("ofac_sdn:24306", "빅토르 벡셀베르크", "person"),
    ("ofac_sdn:37499", "알렉세이 모르다쇼프", ""),
    ("ofac_sdn:27844", "에브라힘 라이시", "person"),
    ("ofac_sdn:26950", "모하마드 자바드 자리프", ""),
    ("ofac_sdn:23627", "이스마일 하니예", "person"),
    ("ofac_sdn:4697", "헤즈볼라", "organization"),
    ("ofac_sdn:4695", "하마스", ""),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db",
                    help="a built database (read only: the entities' names and clusters)")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    args = ap.parse_args()
    with args.out.open(encoding="utf-8", newline="") as f:
        have = {(r["query"], r["expected"]) for r in csv.DictReader(f)}
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    added = 0
    with args.out.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for eid, query, etype in KOREAN_PRESS:
            name, kind, cluster = conn.execute(
                "SELECT e.name, e.type, COALESCE(c.cluster_id, e.id) FROM entities e "
                "LEFT JOIN clusters c ON c.entity_id = e.id WHERE e.id = ?", (eid,)).fetchone()
            assert part_of(cluster) == 0, (eid, "is of the held-out split")
            if (query, eid) not in have:
                w.writerow([query, etype, eid, kind, "press_script",
                            f"ko: as the press writes {name!r}"])
                added += 1
    print(f"added {added} cases to {args.out}")


if __name__ == "__main__":
    main()
