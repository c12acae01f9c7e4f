#!/usr/bin/env python
"""Add `press_script` cases in Japanese, Hebrew and Chinese to eval/dev_2.csv: listed Russian,
Iranian and Arab people and groups as the press in those scripts writes their names
("エフゲニー・プリゴジン", "יבגני פריגוז'ין", "普里戈任" for PRIGOZHIN, Yevgeniy Viktorovich).

    python scripts/devset_press.py [--out eval/dev_2.csv]

Provenance: written for this project (session 6, h11) from general knowledge of how Japanese
(katakana by the 1991 loanword notice), Hebrew and Chinese (Xinhua's transliteration of
foreign names) newspapers spell these names, not copied from any screening tool's cases. Only
entities of the dev split (`devset_v2.part_of` == 0, checked); rows already in the file are
not added twice. The matcher must not import this module.
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

# (entity id, query, type given or "", language): people and groups of the dev split
PRESS: list[tuple[str, str, str, str]] = [
    ("ofac_sdn:9760", "アレクサンドル・ルカシェンコ", "person", "ja"),
    ("ofac_sdn:26945", "アリー・ハメネイ", "", "ja"),
    ("ofac_sdn:10481", "カセム・ソレイマニ", "person", "ja"),
    ("ofac_sdn:35173", "セルゲイ・ショイグ", "", "ja"),
    ("ofac_sdn:23343", "ラムザン・カディロフ", "person", "ja"),
    ("ofac_sdn:21171", "エフゲニー・プリゴジン", "", "ja"),
    ("ofac_sdn:24283", "オレグ・デリパスカ", "person", "ja"),
    ("ofac_sdn:35283", "アリシェル・ウスマノフ", "", "ja"),
    ("ofac_sdn:16669", "アルカジー・ローテンベルク", "person", "ja"),
    ("ofac_sdn:16666", "ゲンナジー・ティムチェンコ", "", "ja"),
    ("ofac_sdn:24309", "ニコライ・パトルシェフ", "person", "ja"),
    ("ofac_sdn:35176", "ワレリー・ゲラシモフ", "", "ja"),
    ("ofac_sdn:16714", "ビャチェスラフ・ボロジン", "person", "ja"),
    ("ofac_sdn:37509", "マリア・ザハロワ", "", "ja"),
    ("ofac_sdn:35797", "エリビラ・ナビウリナ", "person", "ja"),
    ("ofac_sdn:16680", "ユーリー・コワリチュク", "", "ja"),
    ("ofac_sdn:38241", "ウラジーミル・ポターニン", "person", "ja"),
    ("ofac_sdn:24306", "ヴィクトル・ヴェクセルベルク", "", "ja"),
    ("ofac_sdn:37499", "アレクセイ・モルダショフ", "person", "ja"),
    ("ofac_sdn:27844", "エブラヒム・ライシ", "", "ja"),
    ("ofac_sdn:26950", "モハンマド・ジャバド・ザリフ", "person", "ja"),
    ("ofac_sdn:23627", "イスマイル・ハニヤ", "", "ja"),
    ("ofac_sdn:4695", "ハマス", "organization", "ja"),
    ("ofac_sdn:4697", "ヒズボラ", "", "ja"),
    ("ofac_sdn:9760", "אלכסנדר לוקשנקו", "person", "he"),
    ("ofac_sdn:35173", "סרגיי שויגו", "", "he"),
    ("ofac_sdn:23343", "רמזן קדירוב", "person", "he"),
    ("ofac_sdn:21171", "יבגני פריגוז'ין", "", "he"),
    ("ofac_sdn:10481", "קאסם סולימאני", "person", "he"),
    ("ofac_sdn:26950", "מוחמד ג'וואד זריף", "", "he"),
    ("ofac_sdn:27844", "אבראהים ראיסי", "person", "he"),
    ("ofac_sdn:24283", "אולג דריפסקה", "", "he"),
    ("ofac_sdn:26945", "哈梅内伊", "person", "zh"),
    ("ofac_sdn:10481", "苏莱曼尼", "", "zh"),
    ("ofac_sdn:35173", "谢尔盖·绍伊古", "person", "zh"),
    ("ofac_sdn:23343", "卡德罗夫", "", "zh"),
    ("ofac_sdn:21171", "普里戈任", "person", "zh"),
    ("ofac_sdn:24283", "德里帕斯卡", "", "zh"),
    ("ofac_sdn:27844", "莱希", "person", "zh"),
    ("ofac_sdn:26950", "扎里夫", "", "zh"),
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
        for eid, query, etype, lang in PRESS:
            name, kind, cluster = conn.execute(
                "SELECT e.name, e.type, COALESCE(c.cluster_id, e.id) FROM entities e "
                "LEFT JOIN clusters c ON c.entity_id = e.id WHERE e.id = ?", (eid,)).fetchone()
            assert part_of(cluster) == 0, (eid, "is of the held-out split")
            if (query, eid) not in have:
                w.writerow([query, etype, eid, kind, "press_script",
                            f"{lang}: as the press writes {name!r}"])
                added += 1
    print(f"added {added} cases to {args.out}")


if __name__ == "__main__":
    main()
