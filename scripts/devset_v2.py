"""Positives of the second dev/held-out sets (eval/dev_2.csv, eval/holdout_2.csv).

Every failure type of issue 11 as a variant: truncated and abbreviated words with the rest of
the name to corroborate them, words glued or split anywhere (a whole name as one word), other
romanisation systems and name equivalents, names in their original script as the UN list
carries them (Arabic, Chinese, Cyrillic) and as the press of other scripts writes a few
listed names, word order, typos, missing middle names, vessels with prefixes and IMO numbers.
Entities are split between the two sets by a hash of their cluster, so the held-out set's
expected entities are disjoint from the dev set's (the five headline cases are in both).
Called from scripts/make_dev_set.py --v2; see eval/README.md.
"""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import devset_tables as T
import make_dev_set as base
from make_dev_set import Data, Listed, person_parts, title

from sanctions.normalize import name_tokens

Variant = Callable[[Listed, random.Random], tuple[str, str] | None]

RUSSIAN_PROGRAMS = ("RUSSIA", "UKRAINE", "BELARUS", "MAGNIT", "CAATSA")
ARABIC_PROGRAMS = ("SDGT", "SYRIA", "IRAQ", "QAIDA", "ISIL", "LIBYA", "YEMEN", "LEBANON",
                   "HIZBALLAH", "SOMALIA", "SUDAN", "COUNTER-TERRORISM", "IRAN", "IRGC", "IFSR")


# Words that mark an organisation's name as Arabic (so Arabic romanisations apply to it).
ARABIC_MARKERS = {"al", "el", "abu", "bin", "ibn", "bint", "dar", "bayt", "beit", "jamaat",
                  "jamaah", "harakat", "ansar", "jund", "liwa", "kataib", "saraya", "sharikat",
                  "muassasat", "jamiyat", "islami", "islamiya", "islamiyya", "tahrir", "dawa"}


def part_of(cluster: str) -> int:
    """0: the dev set's entities, 1: the held-out set's. Stable across runs and machines."""
    return hashlib.sha1(cluster.encode()).digest()[0] % 2


def has_program(e: Listed, keys: tuple[str, ...]) -> bool:
    ids = e.id.split(":")[-1][:3]
    return any(k in p.upper() for p in e.programs for k in keys) or (
        e.source == "uk_sanctions" and ids in {"RUS", "BEL", "UKR"} and keys is RUSSIAN_PROGRAMS)


def latin_words(text: str) -> bool:
    return all(c.isascii() for c in text)


# --- transformations ---


def truncate(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One long word cut to a prefix; at least one other full word of 4+ letters corroborates."""
    words = text.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()
             and w.lower() not in base.LEGAL_WORDS]
    if not spots:
        return None
    i = rng.choice(spots)
    if not any(len(w) >= 4 and w.isalpha() and w.lower() not in base.LEGAL_WORDS
               for j, w in enumerate(words) if j != i):
        return None
    w = words[i]
    cut = rng.randrange(4, len(w) - 1)
    words[i] = w[:cut] + ("." if rng.random() < 0.3 else "")
    return " ".join(words), f"{w!r} cut to {words[i]!r}"


def initial(given: str, sur: str, rng: random.Random) -> tuple[str, str] | None:
    """One given name as its initial; the surname and one more full word corroborate."""
    g = given.split()
    full = [w for w in g if len(w) > 1 and w.isalpha()]
    if not full or len(full) + len(sur.split()) < 3:
        return None
    k = g.index(rng.choice(full))
    short = g[k][0].upper() + "."
    return " ".join(g[:k] + [short] + g[k + 1:]) + f" {sur}", f"{g[k]!r} as {short!r}"


def abbreviate_person(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    hits = [i for i, w in enumerate(words) if w.lower() in T.PERSON_ABBREVIATIONS]
    if not hits or len(words) < 3:  # the abbreviation and two more words
        return None
    i = rng.choice(hits)
    new = rng.choice(T.PERSON_ABBREVIATIONS[words[i].lower()])
    return " ".join(words[:i] + [new] + words[i + 1:]), f"{words[i]!r} as {new!r}"


def abbreviate_org(text: str) -> tuple[str, str] | None:
    words = text.split()
    out = [T.ORG_ABBREVIATIONS.get(w.lower(), w) for w in words]
    done = [w for w, o in zip(words, out, strict=True) if o != w and w.lower() not in
            {"limited", "company", "corporation", "incorporated", "and", "company,"}]
    kept = [w for w, o in zip(words, out, strict=True) if o == w and len(w) >= 4]
    if not done or not kept:  # abbreviated words, and a full word to corroborate them
        return None
    return " ".join(out), "abbreviated: " + ", ".join(repr(w) for w in done)


def join_any(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    pairs = [i for i in range(len(words) - 1) if words[i].isalpha() and words[i + 1].isalpha()]
    if not pairs:
        return None
    i = rng.choice(pairs)
    new = words[i] + (words[i + 1] if words[i].isupper() else words[i + 1].lower())
    return " ".join(words[:i] + [new] + words[i + 2:]), f"{words[i]!r} + {words[i + 1]!r} glued"


def join_all(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = [w for w in re.split(r"[\s\-]+", text) if w]
    legal = words[-1] if words and words[-1].lower().strip(".,") in base.LEGAL_WORDS else ""
    core = words[:-1] if legal and rng.random() < 0.5 else words
    if not 2 <= len(core) <= 4 or not all(w.isalpha() for w in core) or \
            len("".join(core)) > 32:
        return None
    glued = "".join(core)
    glued = glued.upper() if rng.random() < 0.5 else glued.capitalize()
    rest = words[len(core):]
    return " ".join([glued, *rest]), "the name as one word"


def split_any(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()
             and w.lower() not in base.LEGAL_WORDS and w.lower() not in T.ORG_ABBREVIATIONS]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    p = rng.randrange(2, len(w) - 1)
    return " ".join(words[:i] + [w[:p], w[p:]] + words[i + 1:]), f"{w!r} split at {p}"


def typo_two(text: str, rng: random.Random) -> tuple[str, str] | None:
    first = base.typo(text, rng)
    if first is None:
        return None
    words, changed = first[0].split(), set()
    for i, (a, b) in enumerate(zip(text.split(), words, strict=True)):
        if a != b:
            changed.add(i)
    rest = [i for i, w in enumerate(words) if i not in changed and len(w) >= 5 and w.isalpha()]
    if not rest:
        return None
    j = rng.choice(rest)
    second = base.typo(words[j], rng)
    if second is None:
        return None
    words[j] = second[0]
    return " ".join(words), f"{first[1]}; {second[1]}"


def romanise(text: str, systems: dict[str, list[tuple[str, str]]],
             rng: random.Random) -> tuple[str, str] | None:
    names = sorted(systems)
    rng.shuffle(names)
    for name in names:
        apply = T.romaniser(systems[name])
        out = " ".join(apply(w) for w in text.split())
        if name_tokens(out) != name_tokens(text):
            return out, f"{name} romanisation"
    return None


def equivalent(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    hits = [i for i, w in enumerate(words) if w.lower().strip("'-") in T.EQUIVALENT]
    if not hits:
        return None
    i = rng.choice(hits)
    group = T.EQUIVALENT[words[i].lower().strip("'-")]
    others = [g for g in group if g != words[i].lower()]
    new = rng.choice(others)
    new = new.upper() if words[i].isupper() else new.capitalize()
    return " ".join(words[:i] + [new] + words[i + 1:]), f"{words[i]!r} -> {new!r}"


def word_order(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = text.split()
    if len(words) < 3:
        return None
    for _ in range(10):
        perm = words[:]
        rng.shuffle(perm)
        if perm != words and perm != words[-1:] + words[:-1]:
            return " ".join(perm), "words in another order"
    return None


# --- names in another script ---

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


def script_of(text: str) -> str:
    for c in text:
        if c.isalpha() and not c.isascii():
            name = unicodedata.name(c, "")
            for script in ("ARABIC", "CJK", "HANGUL", "HIRAGANA", "KATAKANA", "CYRILLIC",
                           "GREEK", "HEBREW"):
                if name.startswith(script):
                    return script.lower()
    return "latin"


def original_names(db: Path) -> dict[str, list[str]]:
    """entity id -> its names in a non-Latin script (the UN list's NAME_ORIGINAL_SCRIPT)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out: dict[str, list[str]] = defaultdict(list)
    for eid, name in conn.execute("SELECT entity_id, name FROM names ORDER BY id"):
        if script_of(name) != "latin":
            out[eid].append(name)
    conn.close()
    return out


ORIGINALS: dict[str, list[str]] = {}


def script_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    names = ORIGINALS.get(e.id, [])
    if not names:
        return None
    name = rng.choice(names)
    if any(c.isascii() and c.isalpha() for c in name):
        cjk = _CJK.findall(name)
        if not cjk:
            return None  # Latin and Arabic mixed: not clear which part names whom
        name = "".join(cjk)  # "Jin Tiesan (金铁三)": the analyst types only the characters
    script = script_of(name)
    words = name.split()
    if variant == "script_original":
        return name, f"{script} name as listed"
    if variant == "script_partial":
        if len(words) < 3:
            return None
        k = rng.randrange(1, len(words) - 1)
        return " ".join(words[:k] + words[k + 1:]), f"{script}, {words[k]!r} left out"
    if variant == "script_orthography":
        if script != "arabic":
            return None
        out = name
        for a, b in T.ARABIC_ORTHOGRAPHY:
            out = out.replace(a, b)
        if out == name:
            for a, b in T.ARABIC_ORTHOGRAPHY_BACK:
                out = (out + " ").replace(a, b).strip()
        return (out, "arabic, hamza/taa marbuta/alef maqsura written plainly") \
            if out != name else None
    raise ValueError(variant)


# Latin spellings the Latin->Cyrillic table would misread ('Yurii' -> 'Юрии', 'Evgeny' ->
# 'Евгены', 'Viacheslav' -> 'Виачеслав'): respelt first in the table's own system.
_RESPELL = [(re.compile(r"ii$"), "iy"), (re.compile(r"(?<=[bcdfgklmnprstvz])y$"), "iy"),
            (re.compile(r"(?<=[bcdfgklmnprstvz])ia"), "ya"),
            (re.compile(r"(?<=[bcdfgklmnprstvz])iu"), "yu"), (re.compile(r"lie"), "l'ye")]


def to_cyrillic(word: str) -> str:
    w = word.lower()
    for pattern, repl in _RESPELL:
        w = pattern.sub(repl, w)
    return base.to_cyrillic(w)


def cyrillic(e: Listed, given: str, sur: str, rng: random.Random) -> tuple[str, str] | None:
    if not has_program(e, RUSSIAN_PROGRAMS) or not latin_words(given + sur) or \
            not (given + sur).replace(" ", "").replace("-", "").isalpha():
        return None
    g = given.split()
    cyr_g = [to_cyrillic(w) for w in g]
    cyr_s = " ".join(to_cyrillic(w) for w in sur.split())
    if rng.random() < 0.5 or len(g) < 2:
        return f"{cyr_g[0]} {cyr_s}", "Cyrillic, given name and surname"
    return f"{cyr_s} {' '.join(cyr_g)}", "Cyrillic, Russian order with patronymic"


# --- per class ---

PERSON = ("typo", "typo_two", "missing_middle", "word_order", "given_first", "truncated",
          "initial", "abbreviated", "joined", "joined_all", "split", "romanisation_slavic",
          "romanisation_arabic", "name_equivalent", "cyrillic", "script_original",
          "script_partial", "script_orthography", "exact")
ORGANIZATION = ("typo", "legal_form", "no_legal_form", "truncated", "abbreviated", "joined",
                "joined_all", "split", "romanisation_arabic", "name_equivalent", "lowercase",
                "script_original", "exact")
VESSEL = ("prefix", "imo", "name_imo", "prefix_imo", "typo", "joined", "joined_all", "split",
          "truncated", "exact")
AIRCRAFT = ("no_hyphen", "joined", "lowercase", "msn", "exact")
QUOTA = {"person": 24, "organization": 22, "vessel": 14, "aircraft": 6}
QUOTA_SMALL = {"script_original": 30, "script_partial": 20, "script_orthography": 20}


def person_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    if variant.startswith("script_"):
        return script_variant(e, variant, rng)
    parts = person_parts(e.name)
    if parts is None or not latin_words(e.name):
        return None
    given, sur = title(parts[0]), title(parts[1])
    natural = f"{given} {sur}"
    simple = {"typo": lambda: base.typo(natural, rng), "typo_two": lambda: typo_two(natural, rng),
              "truncated": lambda: truncate(natural, rng),
              "initial": lambda: initial(given, sur, rng),
              "abbreviated": lambda: abbreviate_person(natural, rng),
              "joined": lambda: join_any(natural, rng),
              "joined_all": lambda: join_all(natural, rng),
              "split": lambda: split_any(natural, rng),
              "word_order": lambda: word_order(natural, rng),
              "name_equivalent": lambda: equivalent(natural, rng),
              "cyrillic": lambda: cyrillic(e, given, sur, rng)}
    if variant in simple:
        return simple[variant]()
    if variant == "romanisation_slavic":
        return romanise(natural, T.SLAVIC_SYSTEMS, rng) \
            if has_program(e, RUSSIAN_PROGRAMS) else None
    if variant == "romanisation_arabic":
        return romanise(natural, T.ARABIC_SYSTEMS, rng) \
            if has_program(e, ARABIC_PROGRAMS) else None
    if variant in ("given_first", "missing_middle", "exact"):
        return base.person_variant(e, variant, rng)
    raise ValueError(variant)


def org_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    if variant.startswith("script_"):
        return script_variant(e, variant, rng)
    if not latin_words(e.name):
        return None
    name = e.name
    if variant == "truncated":
        return truncate(title(name), rng)
    if variant == "abbreviated":
        return abbreviate_org(title(name))
    if variant == "joined":
        return join_any(name, rng)
    if variant == "joined_all":
        return join_all(name, rng)
    if variant == "split":
        return split_any(name, rng)
    if variant == "romanisation_arabic":
        arabic = any(t in ARABIC_MARKERS or t in T.EQUIVALENT for t in name_tokens(name))
        return romanise(title(name), T.ARABIC_SYSTEMS, rng) if arabic else None
    if variant == "name_equivalent":
        return equivalent(name, rng)
    return base.org_variant(e, variant, rng)


def vessel_variant(e: Listed, variant: str, rng: random.Random) -> tuple[str, str] | None:
    if variant == "prefix_imo":
        if not e.imo:
            return None
        p = rng.choice(["M/T", "MV", "M/V", "MT"])
        return f"{p} {title(e.name)} IMO{rng.choice(['', ' ', ': '])}{e.imo}", \
            f"prefix {p!r} and IMO number"
    if variant == "joined":
        return join_any(e.name, rng)
    if variant == "joined_all":
        return join_all(title(e.name), rng)
    if variant == "split":
        return split_any(e.name, rng)
    if variant == "truncated":
        return truncate(title(e.name), rng)
    return base.vessel_variant(e, variant, rng)


FUNCS = {"person": (person_variant, PERSON), "organization": (org_variant, ORGANIZATION),
         "vessel": (vessel_variant, VESSEL), "aircraft": (base.aircraft_variant, AIRCRAFT)}


def positives(data: Data, rng: random.Random, used: set[str], part: int,
              cluster_of: Callable[[str], str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for etype, (func, variants) in FUNCS.items():
        pool = [e for e in base.candidates(data, etype) if part_of(e.cluster) == part]
        by_source: dict[str, list[Listed]] = defaultdict(list)
        for e in pool:
            by_source[e.source].append(e)
        for lst in by_source.values():
            rng.shuffle(lst)
        for variant in variants:
            count = QUOTA_SMALL.get(variant, QUOTA[etype])
            made, sources = 0, sorted(by_source)
            cursor = dict.fromkeys(sources, 0)
            while made < count and sources:
                src = rng.choice(sources)  # spread across sources
                lst, i = by_source[src], cursor[src]
                if i >= len(lst):
                    sources.remove(src)
                    continue
                cursor[src] += 1
                e = lst[i]
                if e.cluster in used or (variant.startswith("script_") and e.id not in
                                         ORIGINALS) or data.near_duplicate(e):
                    continue
                r = func(e, variant, rng)
                if r is None:
                    continue
                query, how = r
                if data.clusters_for(query) - {e.cluster} or (
                        not name_tokens(query) and variant not in ("imo", "msn")):
                    continue  # the variant happens to be another cluster's name
                used.add(e.cluster)
                rows.append(base.row(query, etype, rng, e.id, etype, variant,
                                     f"{how}; listed {e.name!r}"))
                made += 1
            if made < count:
                print(f"note: {etype}/{variant}: {made} of {count}")
    by_id = {e.id: e for e in data.entities}
    for eid, query, script in T.PRESS_SCRIPT:
        e = by_id[eid]
        if part_of(cluster_of(eid)) == part:
            rows.append(base.row(query, e.type, rng, eid, e.type, "press_script",
                                 f"{script}: as the press writes {e.name!r}"))
    return rows
