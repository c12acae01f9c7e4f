#!/usr/bin/env python
"""Add Arabic-diphthong and listed-article cases to eval/dev_2.csv (issue 11, session 22).

    python scripts/devset_diphthong.py --db <a built database> [--n 30] [--orgs 16] [--hard 15]

- `romanisation_diphthong` (person): a listed person of an Arabic-script program whose name
  holds a word with the diphthong aw or ay between consonants ('SHAWKAT', 'ZUBAYR'), given
  names first, that word written as the English press often writes it (aw as o, ou or u; ay
  as ei, e or ai: 'Shoukat', 'Zubeir'), where no list spells the word so;
- `article_dropped` (organization): a listed organisation's name that starts with an article
  ('LOS ZETAS', 'AL RASHID TRUST', 'THE JUDEAN VOICE'), without it, in title case;
- `diphthong_other_given` (hard_negative): such a respelled surname with another listed
  person's given name, a pair no listed person name holds.

Only entities of the dev split (`devset_v2.part_of` == 0) whose normalised name no other
cluster carries. The respellings are this script's own rules, applied to the bundled lists
with a fixed seed; no case comes from another screening tool. Rows already in the file are not
added twice.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
from devset_slavic import append_new, listed_pairs  # noqa: E402
from devset_v2 import ARABIC_PROGRAMS, part_of  # noqa: E402

from sanctions.matching.slips import TITLES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261202
DIPHTHONG = re.compile(r"(?<=[b-df-hj-np-tv-z])(aw|ay)(?=[b-df-gj-np-tvxz])")
COMMON = ROOT / "sanctions" / "data" / "names" / "common.tsv"
PRESS = {"aw": ("o", "ou", "u"), "ay": ("ei", "e", "ai")}
ARTICLE = re.compile(r"^(?:los|las|la|le|les|el|al|the|il|lo)\s+", re.I)


def rows_of(db: Path) -> list[tuple[str, str, str, str, str, str, str]]:
    """(entity id, type, kind, listed name, normalised, cluster, programs) of every name."""
    conn = sqlite3.connect(db)
    return conn.execute(
        "SELECT e.id, e.type, n.kind, n.name, n.normalized, COALESCE(c.cluster_id, e.id), "
        "COALESCE((SELECT group_concat(p.program, ' ') FROM designations p "
        "WHERE p.entity_id = e.id), '') FROM entities e JOIN names n ON n.entity_id = e.id "
        "LEFT JOIN clusters c ON c.entity_id = e.id").fetchall()


def census() -> set[str]:
    """Names of the US Census' commonest (common.tsv's third column): English names, whose
    aw or ay no one writes otherwise ('TAYLOR', 'CRAWFORD')."""
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return {f[0] for line in lines
            if not line.startswith("#") and (f := line.split("\t"))[2] == "1"}


def cap(word: str) -> str:
    """Each part of a hyphenated word capitalised ('Al-Humaiqani')."""
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def respelled(word: str, rng: random.Random) -> str | None:
    """The word with one diphthong written as the press may ('SHAWKAT' -> 'Shoukat')."""
    found = list(DIPHTHONG.finditer(word.lower()))
    if not found:
        return None
    m = rng.choice(found)
    w = word.lower()
    return cap(w[:m.start()] + rng.choice(PRESS[m.group()]) + w[m.end():])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--orgs", type=int, default=16)
    ap.add_argument("--hard", type=int, default=15)
    args = ap.parse_args()
    names = rows_of(args.db)
    holders: dict[str, set[str]] = defaultdict(set)
    vocab: set[str] = set()
    for _, _, _, _, normalized, cluster, _ in names:
        holders[normalized].add(cluster)
        vocab.update(normalized.split())
    ours = [r for r in names if part_of(r[5]) == 0 and len(holders[r[4]]) == 1
            and r[3].isascii()]
    rng = random.Random(SEED)
    english = census()
    rows: list[list[str]] = []
    people = sorted({(eid, name) for eid, typ, kind, name, _, _, programs in ours
                     if typ == "person" and kind == "primary" and name.count(",") == 1
                     and any(p in programs.upper() for p in ARABIC_PROGRAMS)
                     and DIPHTHONG.search(name.lower())})
    for eid, name in rng.sample(people, len(people)):
        if len(rows) >= args.n:
            break
        surname, given = (p.strip() for p in name.split(","))
        words = [*given.split(), *surname.split()]
        at = [k for k, w in enumerate(words) if DIPHTHONG.search(w.lower())
              and re.sub("[^a-z]", "", w.lower()) not in english]
        if not at:
            continue
        k = rng.choice(at)
        new = respelled(words[k], rng)
        if new is None or new.lower() in vocab or not words[k].isalpha():
            continue  # a list spells it so: no respelling to find
        query = " ".join(new if j == k else cap(w) for j, w in enumerate(words))
        rows.append([query, "person" if rng.random() < 0.5 else "", eid, "person",
                     "romanisation_diphthong", f"aw/ay as the press writes it; listed {name!r}"])
    orgs = sorted({(eid, name) for eid, typ, _, name, normalized, _, _ in ours
                   if typ == "organization" and ARTICLE.match(name)
                   and len(holders.get(ARTICLE.sub("", normalized), ())) == 0})
    for eid, name in rng.sample(orgs, min(args.orgs, len(orgs))):
        if any(r[0] == ARTICLE.sub("", name).title() for r in rows):
            continue  # one name of two linked records ('La Linea')
        rows.append([ARTICLE.sub("", name).title(), "", eid, "organization", "article_dropped",
                     f"the listed article left out; listed {name!r}"])
    pairs = listed_pairs(args.db)
    given_names = sorted({n.split(",")[1].split()[0] for _, n in people
                          if n.split(",")[1].split()})
    hard = 0
    for _, name in rng.sample(people, len(people)):
        if hard >= args.hard:
            break
        surname = name.split(",")[0].strip()
        if " " in surname or not DIPHTHONG.search(surname.lower()) or surname.lower() in english:
            continue
        new = respelled(surname, rng)
        other = rng.choice(given_names)
        if (new is None or new.lower() in vocab or other.lower() in name.lower()
                or other.lower() in TITLES  # 'Shaykh Duwair' is a surname alone
                or (other.lower(), surname.lower()) in pairs):
            continue  # someone listed carries both: not a negative
        rows.append([f"{cap(other)} {new}", "", "", "hard_negative", "diphthong_other_given",
                     f"a respelled listed surname with another given name; listed {name!r}"])
        hard += 1
    append_new(args.out, rows)


if __name__ == "__main__":
    main()
