"""The re-screening scenario's data: a customer file with planted listed names, and a UN list
taken back to an earlier state (real entries trimmed out, one real alias dropped), so that an
update from a mirror of the real file adds and changes real entries. Nothing here is invented:
every listed name is the UN's, and the "before" file is the real one with parts left out.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from lxml import etree

from sanctions.sources import get_source

UN = get_source("un_sc")
SEED = 20261130
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "tr_TR", "nl_NL",
           "pt_BR", "ru_RU", "ar_AA", "en_IN", "vi_VN")

# The update adds these two UN entries (DATAID -> a customer's spelling of the name).
ADDED = {"110441": "Behman Asgarpur", "110899": "Fazel Mohammad Mazloom"}
# ... and gives this one back an alias its "before" record lacks.
CHANGED, DROPPED_ALIAS = "2914108", "Nashir Haqqani"
# Listed names as customers write them (typos, word order, accents, case), with the UN entry
# each must find. The first three are decided false positives (the first is CHANGED).
PLANTED = [
    ("2914108", "Nasiruddin Haqqani"),
    ("690772", "Khamis Muamar Qadhafi"),
    ("6908455", "abdulmalik al houthi"),
    ("6908067", "TAHA YASIN RAMADAN AL-JIZRAWI"),
    ("6908401", "Ibrahim Suleiman Hamad al Hablain"),
    ("2983128", "Achekzai Abdul Samad"),
    ("2983834", "Hafiz Abdul Salam Bhuttavi"),
    ("690727", "François Bozizé Yangouvonda"),
    ("111497", "Amin Muhammad ul Haq Saam Khan"),
    ("110410", "Seyed Jaber Safdary"),
    ("6908472", "Sad bin Sad Muhammad Shariyan al Kabi"),
    ("6908058", "Barzan Abd al-Ghafur Sulaiman Majid al-Tikriti"),
    ("111952", "gun gun rusman gunawan"),
    ("6908036", "Ahmed Abdi Aw Mohamed"),
    ("112075", "Isnilon Totoni Hapilon"),
    ("111953", "Farhad Kanabi Ahmed"),
    ("6907993", "Eric Badege"),
    ("6907994", "Bwambale Frank Kakolele"),
    ("6908433", "Ahmed Diriye"),
    ("111068", "Hamdulah Nomani"),
    ("6908503", "JANG BOM SU"),
    ("2983128", "Abdul Samad Achakzai"),
    ("6908618", "Kang Chol-su"),
]


def before_xml(target: Path) -> Path:
    """The bundled UN file without the ADDED entries and without one alias of CHANGED."""
    tree = etree.parse(str(UN.snapshot_paths()["xml"]))
    for person in tree.iterfind(".//INDIVIDUAL"):
        dataid = person.findtext("DATAID")
        if dataid in ADDED:
            person.getparent().remove(person)
        elif dataid == CHANGED:
            alias = next(a for a in person.iterfind("INDIVIDUAL_ALIAS")
                         if a.findtext("ALIAS_NAME") == DROPPED_ALIAS)
            person.remove(alias)
    tree.write(str(target), xml_declaration=True, encoding="UTF-8", standalone=True)
    return target


def customers(n: int = 20_000, seed: int = SEED) -> list[dict[str, str]]:
    """`n` Faker customers (id, name, country) with the planted names and the ADDED ones spread
    through the file: the planted ones first, in PLANTED order, then the two ADDED."""
    from faker import Faker

    fake = Faker(list(LOCALES), seed=seed)
    Faker.seed(seed)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        locale = LOCALES[i % len(LOCALES)]
        person = rng.random() < 0.8
        name = fake[locale].name() if person else fake[locale].company()
        rows.append({"id": f"C{i + 1:05d}", "name": name, "type": "person" if person else
                     "organization", "country": fake[locale].current_country_code()})
    planted = [name for _, name in PLANTED] + list(ADDED.values())
    spots = sorted(rng.sample(range(n), len(planted)))
    for spot, name in zip(spots, planted, strict=True):
        rows[spot] = {**rows[spot], "name": name, "type": "person", "country": ""}
    return rows


def planted_ids(rows: list[dict[str, str]]) -> list[str]:
    """The customer ids of PLANTED then ADDED names, in that order."""
    wanted = [name for _, name in PLANTED] + list(ADDED.values())
    by_name = {r["name"]: r["id"] for r in rows}
    return [by_name[name] for name in wanted]


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    return path
