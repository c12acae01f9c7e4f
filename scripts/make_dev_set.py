"""Build eval/dev_set.csv: realistic query variants of listed entities, plus negatives.

    python scripts/make_dev_set.py [--db db/sanctions.db] [--out eval/dev_set.csv] [--seed N]
    python scripts/make_dev_set.py --v2 dev|holdout [--db ...]   # eval/dev_2.csv, holdout_2.csv

Deterministic (fixed seed) for a given database. Positives are real listed entities, sampled
across sources, each queried through one named transformation (`variant`). Only entities whose
name is unambiguous are sampled: no other cluster has a name with the same normalised tokens,
or within a letter or two of them, so "the right answer" is well defined from the name alone.
Negatives are plausible names that no listed name matches token for token (nor contains, nor
is contained by); hard negatives are listed names with one decisive part changed.
See eval/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from sanctions.identifiers import imo_is_valid
from sanctions.normalize import LEGAL_CLASSES, VARIANTS, name_tokens

SEED = 20250601
SEED_V2 = (20260311, 20260312)  # eval/dev_2.csv, eval/holdout_2.csv


def _words(text: str) -> list[str]:
    return text.split()


COLUMNS = ("query", "type", "expected", "class", "variant", "why")
CLASSES = ("person", "organization", "vessel", "aircraft", "negative", "hard_negative")

# Five cases from the issue, always in the set.
HEADLINE = [
    ("Tren de Aragua", "ofac_sdn:49756", "organization", "the FTO designation, as typed"),
    ("Nicolás Maduro", "ofac_sdn:22790", "person", "accents, second surname left out"),
    ("IMO 9323596", "ofac_sdn:56706", "vessel", "NORD STAR by IMO number alone"),
    ("M/T White Crane", "ofac_sdn:56244", "vessel", "vessel-type prefix"),
    ("Владимир Путин", "ofac_sdn:35096", "person", "Cyrillic, patronymic left out"),
]

# How many positives of each variant per class (person 150, organization 120, vessel 60,
# aircraft 30).
QUOTAS: dict[str, dict[str, int]] = {
    "person": {"typo": 26, "missing_middle": 18, "last_first": 14, "given_first": 14,
               "no_accents": 10, "extra_accents": 12, "cyrillic": 20, "muhammad": 14,
               "joined": 8, "split": 8, "exact": 4},
    "organization": {"typo": 30, "legal_form": 22, "no_legal_form": 14, "joined": 12,
                     "split": 14, "lowercase": 10, "accents": 8, "exact": 10},
    "vessel": {"prefix": 14, "imo": 12, "name_imo": 8, "typo": 12, "joined": 4, "split": 4,
               "exact": 6},
    "aircraft": {"no_hyphen": 10, "joined": 6, "lowercase": 6, "msn": 4, "exact": 4},
}

FIRST_NAMES = _words("""James John Robert Michael William David Richard Joseph Thomas Charles Daniel
Matthew Anthony Mark Paul Steven Andrew Joshua Kevin Brian George Timothy Ronald Jason Edward
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty
Margaret Sandra Ashley Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Laura
Olivia Emma Sophie Lucas Hugo Louis Jules Camille Chloe Pierre Jean Hans Klaus Stefan Jurgen
Giulia Marco Luca Francesca Pablo Diego Carmen Lucia Javier Alejandro Sofia Valentina Mateo
Emre Burak Elif Zeynep Omar Khalid Fatima Aisha Yasmin Tariq Bilal Rania Layla Karim Samir
Olga Tatiana Natalia Irina Svetlana Pavel Boris Oleg Maxim Anton Wei Jing Li Ming Hiroshi Yuki
Kenji Haruto Sakura Jun Minho Jiwoo Seojun Priya Rahul Arjun Ananya Vikram Kwame Amara Chinedu
Thabo Nia Lars Ingrid Sven Astrid Piotr Agnieszka Tomasz""")

LAST_NAMES = _words("""Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas
Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King
Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans
Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey
Reed Kelly Howard Dubois Lefebvre Moreau Laurent Fontaine Schneider Fischer Weber Wagner
Becker Hoffmann Rossi Russo Ferrari Esposito Bianchi Romano Navarro Molina Ortega Delgado
Castro Herrera Medina Aguilar Yilmaz Kaya Demir Celik Sahin Okafor Mensah Nkosi Dlamini
Haddad Khoury Nasser Mansour Saleh Ivanova Smirnova Kuznetsova Popova Sokolova Novak Kowalski
Nowak Wisniewski Nielsen Hansen Johansson Andersson Larsen Tanaka Suzuki Takahashi Watanabe
Sato Wang Zhang Liu Chen Yang Huang Zhao Patel Sharma Gupta Singh Reddy Nair""")

ORG_WORDS = _words("""Northern Southern Eastern Western Blue Green Silver Golden Pacific Atlantic
Summit Pioneer Horizon Meridian Harbor Valley River Bright Crescent Evergreen Sterling Cedar
Maple Falcon Phoenix Orion Vector Apex Keystone Lighthouse Granite Coastal Prairie Highland
Riverside Oakwood Lakeside Sunrise Aurora Beacon Compass Anchor Nova Zenith Unity Harmony
Liberty Heritage""")
ORG_NOUNS = _words("""Trading Logistics Consulting Holdings Foods Textiles Software Engineering
Ventures Partners Supplies Imports Exports Electronics Motors Furniture Pharmaceuticals
Construction Agriculture Analytics Media Dental Bakery Hotels Travel Fisheries Printing
Packaging Plastics Timber""")
ORG_SUFFIXES = ["Ltd", "LLC", "Inc", "GmbH", "SA", "BV", "Corp", "Co", "Limited", "PLC", ""]
VESSEL_WORDS = _words("""Ocean Sea Star Wind Pearl Dawn Spirit Voyager Glory Breeze Wave Horizon
Lady Princess Queen Fortune Harmony Coral Falcon Swan Dolphin Aurora Crystal Emerald Sapphire
Island Cape Bay Northern Southern Eastern Western Blue Silver Golden Grand Royal Happy
Lucky""")
AIRCRAFT_PREFIXES = ["N", "G-", "D-", "F-", "VH-", "C-", "JA", "HB-", "OE-", "SE-", "PH-"]

# Analysts type accents the lists often leave out.
ACCENTED = {w.lower().translate(str.maketrans("áéíóúñü", "aeiounu")): w for w in _words("""José
María Nicolás González Rodríguez Hernández Ramón Martínez López Pérez García Sánchez Gómez
Jesús Ángel Iván Andrés Héctor Rubén Julián Adrián Fernández Álvarez Díaz Ramírez Jiménez
Suárez Gutiérrez Domínguez Vázquez Márquez Muñoz Peña Simón Tomás Óscar Raúl Sebastián
Martín Rafael Joaquín Lucía Mónica Andrés Cabello Rondón Chávez Félix Guzmán Hussein""")}
ACCENTED.pop("cabello", None)
ACCENTED.pop("rafael", None)
ACCENTED["hussein"] = "Hüssein"

# Latin -> Cyrillic for Russian names as the lists romanise them (longest first).
CYRILLIC = [
    ("shch", "щ"), ("yevich", "евич"), ("yevna", "евна"), ("iy", "ий"), ("yy", "ый"),
    ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"),
    ("yo", "ё"), ("ye", "е"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"),
    ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("f", "ф"), ("'", "ь"), ("w", "в"), ("x", "кс"), ("h", "х"), ("c", "к"), ("q", "к"),
    ("j", "дж"),
]
# Spellings swapped for "Mohammed" for "Muhammad"-style variants: raw token -> another spelling.
SPELLINGS = {
    "muhammad": "Mohammed", "mohammed": "Muhammad", "mohammad": "Muhammed",
    "mohamed": "Mohammad", "muhammed": "Mohamed", "mohamad": "Muhammad", "ahmad": "Ahmed",
    "ahmed": "Ahmad", "husayn": "Hussein", "hussein": "Husayn", "hussain": "Husayn",
    "hassan": "Hasan", "hasan": "Hassan", "yusuf": "Youssef", "yousef": "Yusuf",
    "abdul": "Abdel", "abdel": "Abdul", "usama": "Osama", "osama": "Usama",
}
LEGAL_SWAPS = [  # (listed, as typed); tried both ways, longest first
    ("PUBLIC JOINT STOCK COMPANY", "PJSC"), ("LIMITED LIABILITY COMPANY", "LLC"),
    ("JOINT STOCK COMPANY", "JSC"), ("LIMITED", "Ltd"), ("COMPANY", "Co"),
    ("CORPORATION", "Corp"), ("INCORPORATED", "Inc"),
]
LEGAL_WORDS = {"llc", "ltd", "limited", "co", "company", "corp", "corporation", "inc", "jsc",
               "pjsc", "ojsc", "cjsc", "gmbh", "sa", "plc", "ooo", "oao", "zao", "pao", "ao",
               "fze", "fzco", "bv", "srl", "sarl", "dmcc", "pte", "incorporated"}
SHORT_PARTICLES = {"al", "el", "abu", "bin", "ibn", "de", "del", "da", "van", "von", "la", "le",
                   "ben", "bou", "abd", "ul", "ud"}


@dataclass
class Listed:
    id: str
    type: str
    source: str
    cluster: str
    name: str  # primary name
    programs: list[str]
    imo: str | None = None
    ids: list[str] = field(default_factory=list)  # other identifiers (aircraft MSN)


@dataclass
class Data:
    entities: list[Listed]
    key_clusters: dict[tuple[str, ...], set[str]]  # sorted name tokens -> clusters
    token_sets: list[frozenset[str]]  # per name, legal forms left out
    postings: dict[str, set[int]]
    key_entities: dict[tuple[str, ...], list[Listed]]  # sorted name tokens -> entities
    identifiers: set[str]  # every listed identifier, IMO numbers included
    sorted_names: list[str]  # per name: its tokens sorted, joined by spaces
    name_clusters: list[str]  # per name: its entity's cluster

    def near_duplicate(self, e: Listed) -> bool:
        """Another cluster carries a name within a letter or two of e's: the same person listed
        twice and not linked ('Valentinovna' / 'Valentinova'), so either would be right."""
        key = " ".join(sorted(name_tokens(e.name)))
        hits = process.extract(key, self.sorted_names, scorer=fuzz.ratio, score_cutoff=92,
                               limit=None)
        return any(self.name_clusters[i] != e.cluster for _, _, i in hits)

    def clusters_for(self, name: str) -> set[str]:
        return self.key_clusters.get(tuple(sorted(name_tokens(name))), set())

    def is_listed_like(self, name: str) -> bool:
        """True when a listed name has the same tokens, or contains, or is contained by them
        (legal forms aside: 'Sterling Shipping Ltd' is 'STERLING SHIPPING INCORPORATED')."""
        if any(t in self.identifiers for t in name_tokens(name)):
            return True
        toks = frozenset(name_tokens(name)) - LEGAL_CLASSES
        if not toks:
            return True
        hits: set[int] = set()
        for t in toks:
            hits |= self.postings.get(t, set())
        return any(toks <= self.token_sets[i] or self.token_sets[i] <= toks for i in hits)


def load(db: Path) -> Data:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cluster = dict(conn.execute("SELECT entity_id, cluster_id FROM clusters"))
    imos = dict(conn.execute("SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL"))
    msn: dict[str, list[str]] = defaultdict(list)
    for eid, value in conn.execute(
            "SELECT entity_id, value FROM identifiers WHERE scheme = 'aircraft_msn'"):
        msn[eid].append(value)
    entities = [
        Listed(eid, etype, source, cluster.get(eid, eid), name, json.loads(programs),
               imos.get(eid), msn.get(eid, []))
        for eid, etype, source, name, programs in conn.execute(
            "SELECT id, type, source, name, programs FROM entities ORDER BY id")
    ]
    by_id = {e.id: e for e in entities}
    key_entities: dict[tuple[str, ...], list[Listed]] = defaultdict(list)
    identifiers = {v for (v,) in conn.execute("SELECT value FROM identifiers")} | set(
        imos.values()) | {v for (v,) in conn.execute(
            "SELECT mmsi FROM vessels WHERE mmsi IS NOT NULL")}
    key_clusters: dict[tuple[str, ...], set[str]] = defaultdict(set)
    token_sets: list[frozenset[str]] = []
    postings: dict[str, set[int]] = defaultdict(set)
    sorted_names: list[str] = []
    name_clusters: list[str] = []
    for eid, name in conn.execute("SELECT entity_id, name FROM names ORDER BY id"):
        toks = name_tokens(name)
        sorted_names.append(" ".join(sorted(toks)))
        name_clusters.append(cluster.get(eid, eid))
        key_clusters[tuple(sorted(toks))].add(cluster.get(eid, eid))
        key_entities[tuple(sorted(toks))].append(by_id[eid])
        core = frozenset(toks) - LEGAL_CLASSES
        for t in core:
            postings[t].add(len(token_sets))
        token_sets.append(core)
    conn.close()
    return Data(entities, key_clusters, token_sets, postings, key_entities, identifiers,
                sorted_names, name_clusters)


# --- name parts and transformations (each returns None when it does not apply) ---


def person_parts(name: str) -> tuple[str, str] | None:
    """(given, surname) from 'SURNAME, Given', UK 'SURNAME Given' or natural order."""
    if "," in name:
        sur, _, given = name.partition(",")
        return (given.strip(), sur.strip()) if given.strip() else None
    words = name.split()
    if len(words) < 2:
        return None
    upper = 0
    while upper < len(words) and words[upper].isupper() and len(words[upper]) > 1:
        upper += 1
    if 0 < upper < len(words):  # UK: the surname in capitals first
        return " ".join(words[upper:]), " ".join(words[:upper])
    return " ".join(words[:-1]), words[-1]


def title(text: str) -> str:
    """'NORD STAR III' -> 'Nord Star III': as an analyst would type it."""
    return " ".join(w.capitalize() if w.isupper() and w.strip("IVX") else w
                    for w in text.split())


def typo(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    kind = rng.choice(["substitution", "deletion", "transposition"])
    p = rng.randrange(1, len(w) - 1)
    if kind == "substitution":
        letters = [c for c in "aeiounrstlmk" if c != w[p].lower()]
        c = rng.choice(letters)
        new = w[:p] + (c.upper() if w[p].isupper() else c) + w[p + 1:]
    elif kind == "deletion":
        new = w[:p] + w[p + 1:]
    else:
        new = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    if new == w:
        return None
    words[i] = new
    return " ".join(words), f"{kind} in {w!r} -> {new!r}"


def join_tokens(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    pairs = [i for i in range(len(words) - 1)
             if words[i].isalpha() and words[i + 1].isalpha()
             and words[i].lower() not in LEGAL_WORDS and words[i + 1].lower() not in LEGAL_WORDS]
    particles = [i for i in pairs if words[i].lower() in SHORT_PARTICLES]
    if not pairs:
        hyph = [i for i, w in enumerate(words) if "-" in w.strip("-")]
        if not hyph:
            return None
        i = hyph[0]
        new = words[i].replace("-", "")
        return " ".join(words[:i] + [new] + words[i + 1:]), f"{words[i]!r} joined"
    i = rng.choice(particles or pairs)
    new = words[i] + (words[i + 1] if words[i].isupper() else words[i + 1].lower())
    return " ".join(words[:i] + [new] + words[i + 2:]), f"{words[i]!r} + {words[i + 1]!r} joined"


def split_token(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    p = len(w) // 2 + rng.choice([-1, 0, 1])
    return " ".join(words[:i] + [w[:p], w[p:]] + words[i + 1:]), f"{w!r} split"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


def add_accents(text: str) -> tuple[str, str] | None:
    words = text.split()
    hits = [i for i, w in enumerate(words) if w.lower() in ACCENTED]
    if not hits:
        return None
    for i in hits:
        words[i] = ACCENTED[words[i].lower()]
    return " ".join(words), "accents added: " + ", ".join(words[i] for i in hits)


def to_cyrillic(word: str) -> str:
    w, out = word.lower(), ""
    while w:
        for lat, cyr in CYRILLIC:
            if w.startswith(lat) and not (lat == "iy" and len(w) > 2):
                out, w = out + cyr, w[len(lat):]
                break
        else:
            w = w[1:]
    if out.endswith("ы") and len(out) > 1 and out[-2] in "аеиоуяю":  # "Andrey": й, not ы
        out = out[:-1] + "й"
    return out.capitalize()


def swap_spelling(text: str) -> tuple[str, str] | None:
    words = text.split()
    hits = [i for i, w in enumerate(words) if w.lower() in SPELLINGS]
    if not hits:
        return None
    i = hits[0]
    new = SPELLINGS[words[i].lower()]
    return " ".join(words[:i] + [new] + words[i + 1:]), f"{words[i]!r} -> {new!r}"


def swap_legal_form(text: str) -> tuple[str, str] | None:
    upper = f" {text.upper()} "
    for listed, typed in LEGAL_SWAPS:
        if f" {listed} " in upper:
            return (upper.replace(f" {listed} ", f" {typed} ", 1).strip(),
                    f"{listed!r} -> {typed!r}")
    for listed, typed in LEGAL_SWAPS:
        if f" {typed.upper()} " in upper:
            return (upper.replace(f" {typed.upper()} ", f" {listed.title()} ", 1).strip(),
                    f"{typed!r} -> {listed.title()!r}")
    return None


def drop_legal_form(text: str) -> tuple[str, str] | None:
    words = text.split()
    kept = [w for w in words if w.lower().strip(".,") not in LEGAL_WORDS]
    if len(kept) == len(words) or len(kept) < 2:
        return None
    return " ".join(kept).strip(" ,."), "legal form left out"


# --- positives ---


def candidates(data: Data, etype: str) -> list[Listed]:
    """Entities of this type whose primary name only their own cluster carries."""
    out = []
    for e in data.entities:
        if e.type != etype or len(name_tokens(e.name)) == 0:
            continue
        if data.clusters_for(e.name) == {e.cluster}:
            out.append(e)
    return out


def person_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    parts = person_parts(e.name)
    if parts is None:
        return None
    given, sur = title(parts[0]), title(parts[1])
    natural = f"{given} {sur}"
    if variant == "exact":
        return e.name, "the listed name as written"
    if variant == "given_first":
        return (natural, "given name first") if natural.lower() != e.name.lower() else None
    if variant == "last_first":
        q = f"{sur.upper()} {given}"
        return (q, "LAST First, no comma") if q.replace(",", "") != e.name.replace(",", "") \
            else None
    if variant == "missing_middle":
        g = given.split()
        if len(g) < 2 or len(name_tokens(given)) < 2:
            return None
        return f"{g[0]} {sur}", f"{' '.join(g[1:])!r} left out"
    if variant == "typo":
        r = typo(natural, rng)
        return r
    if variant == "no_accents":
        plain = strip_accents(e.name)
        if plain == e.name or not all(ord(c) < 128 for c in plain):
            return None
        return plain, "accents stripped"
    if variant == "extra_accents":
        return add_accents(natural)
    if variant == "cyrillic":
        russian = any("RUSSIA" in p or "UKRAINE" in p for p in e.programs) \
            or e.id.startswith("uk_sanctions:RUS")
        if not russian or not natural.replace(" ", "").replace("-", "").isalpha():
            return None
        g = given.split()
        cyr_g = [to_cyrillic(w) for w in g]
        cyr_s = to_cyrillic(sur)
        if rng.random() < 0.5 or len(g) < 2:
            return f"{cyr_g[0]} {cyr_s}", "Cyrillic, given name and surname"
        return f"{cyr_s} {' '.join(cyr_g)}", "Cyrillic, Russian order with patronymic"
    if variant == "muhammad":
        return swap_spelling(natural)
    if variant == "joined":
        return join_tokens(natural, rng)
    if variant == "split":
        return split_token(natural, rng)
    raise ValueError(variant)


def org_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    name = e.name
    if variant == "exact":
        return name, "the listed name as written"
    if variant == "typo":
        return typo(name, rng)
    if variant == "legal_form":
        return swap_legal_form(name)
    if variant == "no_legal_form":
        return drop_legal_form(name)
    if variant == "joined":
        return join_tokens(name, rng)
    if variant == "split":
        return split_token(name, rng)
    if variant == "lowercase":
        spaced = re.sub(r"[-/]", " ", name.lower())
        q = " ".join("".join(c for c in w if c.isalnum()) for w in spaced.split())
        return (q, "lower case, punctuation dropped") if q != name else None
    if variant == "accents":
        plain = strip_accents(name)
        if plain != name and all(ord(c) < 128 for c in plain):
            return plain, "accents stripped"
        return add_accents(title(name))
    raise ValueError(variant)


def vessel_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    name = e.name
    if variant == "exact":
        return name, "the listed name as written"
    if variant == "prefix":
        p = rng.choice(["M/T", "MV", "M/V", "MT", "Tanker"])
        return f"{p} {title(name)}", f"vessel-type prefix {p!r}"
    if variant == "imo":
        if not e.imo:
            return None
        return (f"IMO {e.imo}" if rng.random() < 0.7 else e.imo), "IMO number only"
    if variant == "name_imo":
        return (f"{title(name)} IMO {e.imo}", "name and IMO number") if e.imo else None
    if variant == "typo":
        return typo(name, rng)
    if variant == "joined":
        return join_tokens(name, rng)
    if variant == "split":
        return split_token(name, rng)
    raise ValueError(variant)


def aircraft_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    name = e.name
    if variant == "exact":
        return name, "the registration mark as listed"
    if variant == "no_hyphen":
        return (name.replace("-", " "), "hyphen as space") if "-" in name else None
    if variant == "joined":
        return (name.replace("-", ""), "hyphen dropped") if "-" in name else None
    if variant == "lowercase":
        return name.lower(), "lower case"
    if variant == "msn":
        good = [m for m in e.ids if len(m) >= 6 and any(c.isdigit() for c in m)]
        return (f"MSN {good[0]}", "manufacturer's serial number") if good else None
    raise ValueError(variant)


VARIANT_FUNCS: dict[str, Callable[[Listed, str, random.Random], tuple[str, str] | None]] = {
    "person": person_variant, "organization": org_variant, "vessel": vessel_variant,
    "aircraft": aircraft_variant,
}


def positives(data: Data, rng: random.Random, used: set[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for etype, quotas in QUOTAS.items():
        pool = candidates(data, etype)
        by_source: dict[str, list[Listed]] = defaultdict(list)
        for e in pool:
            by_source[e.source].append(e)
        for lst in by_source.values():
            rng.shuffle(lst)
        func = VARIANT_FUNCS[etype]
        for variant, count in quotas.items():
            made = 0
            sources = sorted(by_source)
            cursor = {s: 0 for s in sources}
            while made < count and sources:
                src = rng.choice(sources)  # spread across sources
                lst, i = by_source[src], cursor[src]
                if i >= len(lst):
                    sources.remove(src)
                    continue
                cursor[src] += 1
                e = lst[i]
                if e.cluster in used or data.near_duplicate(e):
                    continue
                r = func(e, variant, rng)
                if r is None:
                    continue
                query, how = r
                other = data.clusters_for(query) - {e.cluster}
                if other or not name_tokens(query) and variant not in ("imo", "msn"):
                    continue  # the variant happens to be another cluster's name
                used.add(e.cluster)
                rows.append(row(query, etype, rng, e.id, etype, variant,
                                f"{how}; listed {e.name!r}"))
                made += 1
            if made < count:
                print(f"note: {etype}/{variant}: {made} of {count}")
    return rows


def row(query: str, etype: str, rng: random.Random, expected: str, cls: str, variant: str,
        why: str) -> dict[str, str]:
    return {"query": query, "type": etype if rng.random() < 0.5 else "", "expected": expected,
            "class": cls, "variant": variant, "why": why}


# --- negatives ---


def unlisted(data: Data, make: Callable[[], str], n: int) -> Iterable[str]:
    seen: set[str] = set()
    tries = 0
    while len(seen) < n and tries < n * 50:
        tries += 1
        q = make()
        if q in seen or data.is_listed_like(q):
            continue
        seen.add(q)
        yield q


def valid_imo(rng: random.Random) -> str:
    while True:
        s = str(rng.randrange(9000000, 9999999))
        if imo_is_valid(s):
            return s


def negatives(data: Data, rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def add(qs: Iterable[str], etype: str, variant: str, why: str) -> None:
        for q in qs:
            rows.append(row(q, etype, rng, "", "negative", variant, why))

    add(unlisted(data, lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", 130),
        "person", "common_name", "common first and last name, not listed")
    add(unlisted(data, lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(FIRST_NAMES)[0]}. "
                                f"{rng.choice(LAST_NAMES)}", 30),
        "person", "common_name_initial", "common name with a middle initial, not listed")
    add(unlisted(data, lambda: " ".join([rng.choice(ORG_WORDS), rng.choice(ORG_NOUNS),
                                         rng.choice(ORG_SUFFIXES)]).strip(), 80),
        "organization", "company_name", "plausible company name, not listed")
    add(unlisted(data, lambda: f"{rng.choice(VESSEL_WORDS)} {rng.choice(VESSEL_WORDS)}", 35),
        "vessel", "vessel_name", "plausible ship name, not listed")
    add(unlisted(data, lambda: f"IMO {valid_imo(rng)}", 10),
        "vessel", "imo_unlisted", "a valid IMO number no listed vessel carries")
    add(unlisted(data, lambda: rng.choice(AIRCRAFT_PREFIXES)
                 + "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXYZ") for _ in range(3)), 20),
        "aircraft", "registration", "plausible registration mark, not listed")
    return rows


def hard_negatives(data: Data, rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    pool = {t: candidates(data, t) for t in ("person", "organization", "vessel")}
    for lst in pool.values():
        rng.shuffle(lst)

    def add(q: str, etype: str, variant: str, why: str) -> None:
        rows.append(row(q, etype, rng, "", "hard_negative", variant, why))

    made = 0
    for e in pool["person"]:  # a listed surname with another given name
        parts = person_parts(e.name)
        if made >= 60 or parts is None:
            continue
        given, sur = parts
        if len(name_tokens(sur)) != 1 or len(name_tokens(sur)[0]) < 4:
            continue
        first = rng.choice(FIRST_NAMES)
        listed_given = set(name_tokens(given))
        if VARIANTS.get(first.lower(), first.lower()) in listed_given:
            continue
        q = f"{first} {title(sur)}"
        if data.is_listed_like(q):
            continue
        add(q, "person", "surname_other_given",
            f"surname of {e.name!r} ({e.id}) with another given name")
        made += 1
    made = 0
    for e in pool["organization"]:  # the distinctive word swapped
        if made >= 50:
            break
        toks = name_tokens(e.name)
        words = e.name.split()
        if len([t for t in toks if t not in LEGAL_WORDS]) < 2 or len(words) != len(toks) \
                or len(words) > 5:
            continue  # keep to names whose words are their tokens, with two to keep apart
        weights = [0.0 if t in LEGAL_WORDS or len(t) < 3 else len(data.postings.get(t, ())) ** -1
                   for t in toks]
        i = max(range(len(toks)), key=lambda k: weights[k])
        if weights[i] == 0:
            continue
        new = rng.choice(ORG_WORDS + ORG_NOUNS).upper()
        q = " ".join(words[:i] + [new] + words[i + 1:])
        if data.is_listed_like(q) or not data.is_listed_like(e.name):
            continue
        add(q, "organization", "distinctive_word_swapped",
            f"{words[i]!r} -> {new!r} in {e.name!r} ({e.id})")
        made += 1
    made_num = made_imo = 0
    for e in pool["vessel"]:  # a listed vessel name with another number
        words = e.name.split()
        nums = [i for i, w in enumerate(words) if w.isdigit()]
        if nums and made_num < 25:
            i = nums[-1]
            new = str(int(words[i]) + rng.choice([1, 2, 3, 7, 11]))
            q = " ".join(words[:i] + [new] + words[i + 1:])
            if not data.is_listed_like(q) and not data.clusters_for(q):
                add(q, "vessel", "vessel_other_number",
                    f"{e.name!r} ({e.id}) with number {words[i]} -> {new}")
                made_num += 1
        elif e.imo and made_imo < 15 and not nums:
            # only names every listed record of which carries an IMO: else no contradiction
            same = data.key_entities.get(tuple(sorted(name_tokens(e.name))), [])
            imo = valid_imo(rng)
            if all(x.imo for x in same) and imo not in data.identifiers:
                add(f"{title(e.name)} IMO {imo}", "vessel", "vessel_other_imo",
                    f"listed vessel {e.name!r} ({e.id}, IMO {e.imo}) with another IMO")
                made_imo += 1
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="db/sanctions.db", type=Path)
    ap.add_argument("--out", default=Path(__file__).parent.parent / "eval" / "dev_set.csv",
                    type=Path)
    ap.add_argument("--seed", type=int, default=SEED,
                    help="another seed makes a held-out set (eval/holdout_set.csv)")
    ap.add_argument("--v2", choices=("dev", "holdout"), help="the second sets instead "
                    "(eval/dev_2.csv, eval/holdout_2.csv): every failure type of issue 11, "
                    "entities split between the two (scripts/devset_v2.py, devset_hard.py)")
    args = ap.parse_args()
    if args.v2:
        import devset_hard  # the second sets' modules import this one

        part = 0 if args.v2 == "dev" else 1
        out = args.out if "--out" in sys.argv else args.out.parent / f"{args.v2}_2.csv"
        seed = args.seed if "--seed" in sys.argv else SEED_V2[part]
        devset_hard.build(args.db, out, seed, part)
        return
    rng = random.Random(args.seed)
    data = load(args.db)
    rows = [{"query": q, "type": "", "expected": eid, "class": cls, "variant": "headline",
             "why": why} for q, eid, cls, why in HEADLINE]
    by_id = {e.id: e for e in data.entities}
    used = {by_id[eid].cluster for _, eid, _, _ in HEADLINE}
    rows += positives(data, rng, used)
    rows += negatives(data, rng)
    rows += hard_negatives(data, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["class"]] += 1
    print(f"wrote {len(rows)} rows to {args.out}: " +
          ", ".join(f"{c} {counts[c]}" for c in CLASSES))


if __name__ == "__main__":
    main()
