"""Negatives and hard negatives of the second dev/held-out sets, and the build of those sets.

Plain negatives: the first set's generators (common names, companies, ship names, unlisted IMO
numbers, registration marks) plus Faker customers in many locales and scripts. Hard
negatives change the one part of a listed name that decides, seven ways: an extra distinctive
word (`name_plus_word`), another given name with a listed surname (`surname_other_given`), a
given name that starts with the listed patronymic or middle initial (`patronymic_initial`),
another initial with a listed surname (`other_initial`), another number (`other_number`),
another IMO number (`vessel_other_imo`), the rarest word swapped (`distinctive_word_swapped`).
None is a listed name, nor a part of one. See eval/README.md.
"""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import devset_tables as T
import devset_v2 as v2
import make_dev_set as base
from faker import Faker
from make_dev_set import Data, Listed, person_parts, title
from rapidfuzz import fuzz, process

from sanctions.normalize import LEGAL_CLASSES, VARIANTS, name_tokens

FAKER_LOCALES = ("en_US", "en_GB", "en_IN", "en_PK", "en_NG", "es_MX", "pt_BR", "fr_FR",
                 "de_DE", "it_IT", "pl_PL", "tr_TR", "vi_VN", "id_ID", "ru_RU", "uk_UA",
                 "ar_AA", "fa_IR", "he_IL", "el_GR", "zh_CN", "ja_JP", "ko_KR")
EXTRA_WORDS = ("EXPRESS", "GLOBAL", "PRIDE", "SPIRIT", "STAR", "UNITED", "ROYAL", "NOVA",
               "HORIZON", "PREMIER", "ALPHA", "ATLAS", "MERIDIAN", "VICTORIA", "AURORA")


def inside_listed(data: Data, q: str) -> bool:
    """The query's tokens are a listed name's, or a part of one (legal forms aside)."""
    toks = frozenset(name_tokens(q)) - LEGAL_CLASSES
    if not toks:
        return True
    hits: set[int] | None = None
    for t in toks:
        hits = data.postings.get(t, set()) if hits is None else hits & data.postings.get(t, set())
    return bool(hits)


def near_listed(data: Data, q: str) -> bool:
    """A listed name within a letter or two of the query ('Kamar Abubakar' / KAMBAR,
    Abubakar): an alarm on it would be right, so it is no hard negative."""
    key = " ".join(sorted(name_tokens(q)))
    return process.extractOne(key, data.sorted_names, scorer=fuzz.ratio,
                              score_cutoff=88) is not None


def clear_parts(name: str) -> bool:
    """The listed name says which part is the surname: 'SURNAME, Given' or UK 'SURNAME Given'.
    ('Musavi Sayyed Javad' does not: 'Javad' is no surname.)"""
    words = name.split()
    return "," in name or (len(words) > 1 and words[0].isupper() and not words[-1].isupper())


def faker_names(seed: int, n: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    fakes = {loc: Faker(loc) for loc in FAKER_LOCALES}
    for i, f in enumerate(fakes.values()):
        f.seed_instance(seed + i)
    out = []
    for _ in range(n):
        loc = rng.choice(FAKER_LOCALES)
        if rng.random() < 0.75:
            out.append((str(fakes[loc].name()), "person", loc))
        else:
            out.append((str(fakes[loc].company()), "organization", loc))
    return out


def first_names(seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = set(base.FIRST_NAMES)
    for loc in ("en_US", "fr_FR", "de_DE", "es_MX", "tr_TR", "en_PK", "en_IN", "en_NG"):
        f = Faker(loc)
        f.seed_instance(rng.randrange(10**6))
        pool.update(str(f.first_name()) for _ in range(150))
    return sorted(w for w in pool if w.isalpha() and w.isascii())


def negatives(data: Data, rng: random.Random, seed: int) -> list[dict[str, str]]:
    rows = base.negatives(data, rng)
    seen = {r["query"] for r in rows}
    for name, etype, loc in faker_names(seed, 600):
        if name in seen or data.is_listed_like(name):
            continue
        seen.add(name)
        rows.append(base.row(name, etype, rng, "", "negative", f"faker_{etype}",
                             f"Faker {loc} {etype}, not listed"))
    return rows


def same_given(a: str, listed: set[str]) -> bool:
    key = VARIANTS.get(a.lower(), a.lower())
    group = set(T.EQUIVALENT.get(key, (key,)))
    return bool(group & listed) or any(t.startswith(key[:3]) for t in listed if len(t) > 2)


def hard_negatives(data: Data, rng: random.Random, part: int,
                   seed: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    pool = {t: [e for e in base.candidates(data, t) if v2.part_of(e.cluster) == part]
            for t in ("person", "organization", "vessel")}
    for lst in pool.values():
        rng.shuffle(lst)
    given_pool = first_names(seed)
    made: Counter[str] = Counter()

    def add(q: str, etype: str, variant: str, why: str, e: Listed) -> None:
        rows.append(base.row(q, etype, rng, "", "hard_negative", variant,
                             f"{why}; listed {e.name!r} ({e.id})"))
        made[variant] += 1

    def ok(q: str) -> bool:
        return not data.clusters_for(q) and not data.is_listed_like(q) and \
            not near_listed(data, q)

    for e in pool["organization"] + pool["vessel"]:  # the listed name and one more word
        if made["name_plus_word"] >= 60 or not v2.latin_words(e.name):
            continue
        words = e.name.split()
        extra = rng.choice(EXTRA_WORDS + tuple(w.upper() for w in base.ORG_WORDS))
        legal = words[-1].lower().strip(".,") in base.LEGAL_WORDS
        q = " ".join(words[:-1] + [extra, words[-1]] if legal else words + [extra])
        if not data.clusters_for(q) and not inside_listed(data, q) and len(words) <= 4 \
                and not near_listed(data, q):
            add(title(q), e.type, "name_plus_word", f"{extra!r} added", e)
    for e in pool["person"]:
        parts = person_parts(e.name)
        if parts is None or not v2.latin_words(e.name) or not clear_parts(e.name):
            continue
        given, sur = parts
        listed_given = set(name_tokens(given))
        sur_toks = name_tokens(sur)
        if not sur_toks or min(len(t) for t in sur_toks) < 4:
            continue
        initials = [w for w in given.replace(".", ". ").split() if len(w.strip(".")) == 1]
        if initials and made["patronymic_initial"] < 40:
            letter = initials[-1].strip(".").upper()
            firsts = [g for g in given_pool if g[0] == letter and not same_given(g, listed_given)]
            if firsts:
                q = f"{rng.choice(firsts)} {title(sur)}"
                if ok(q):
                    add(q, "person", "patronymic_initial",
                        f"given name on the listed initial {letter!r}", e)
                    continue
        if made["other_initial"] < 30 and rng.random() < 0.3 and len(sur_toks) >= 1:
            listed_initials = {t[0] for t in listed_given} | {
                t[0] for i in data.postings.get(sur_toks[0], ()) for t in data.token_sets[i]
                if t not in sur_toks}
            letters = [c for c in "ABCDEFGHIJKLMNOPRSTVWY" if c.lower() not in listed_initials]
            if letters:
                q = f"{rng.choice(letters)}. {title(sur)}"
                if ok(q):
                    add(q, "person", "other_initial", "another initial", e)
                    continue
        if made["surname_other_given"] < 60:
            first = rng.choice(given_pool)
            if same_given(first, listed_given):
                continue
            q = f"{first} {title(sur)}"
            if ok(q):
                add(q, "person", "surname_other_given", f"{first!r} for {given!r}", e)
    for e in pool["organization"]:  # the distinctive word swapped
        toks, words = name_tokens(e.name), e.name.split()
        if made["distinctive_word_swapped"] >= 50 or len(words) != len(toks) or \
                len([t for t in toks if t not in base.LEGAL_WORDS]) < 2 or len(words) > 5:
            continue
        weights = [0.0 if t in base.LEGAL_WORDS or len(t) < 3
                   else len(data.postings.get(t, ())) ** -1 for t in toks]
        i = max(range(len(toks)), key=lambda k: weights[k])
        new = rng.choice(base.ORG_WORDS + base.ORG_NOUNS).upper()
        q = " ".join(words[:i] + [new] + words[i + 1:])
        if weights[i] and ok(q):
            add(q, "organization", "distinctive_word_swapped", f"{words[i]!r} -> {new!r}", e)
    for e in pool["organization"] + pool["vessel"]:  # another number, another IMO
        words = e.name.split()
        nums = [i for i, w in enumerate(words) if w.isdigit()]
        if nums and made["other_number"] < 30:
            i = nums[-1]
            new = str(int(words[i]) + rng.choice([1, 2, 3, 7, 11]))
            q = " ".join(words[:i] + [new] + words[i + 1:])
            if ok(q):
                add(q, e.type, "other_number", f"number {words[i]} -> {new}", e)
        elif e.imo and made["vessel_other_imo"] < 20 and not nums:
            same = data.key_entities.get(tuple(sorted(name_tokens(e.name))), [])
            imo = base.valid_imo(rng)
            if all(x.imo for x in same) and imo not in data.identifiers:
                add(f"{title(e.name)} IMO {imo}", "vessel", "vessel_other_imo",
                    f"another IMO (listed {e.imo})", e)
    return rows


def build(db: Path, out: Path, seed: int, part: int) -> None:
    rng = random.Random(seed)
    data = base.load(db)
    v2.ORIGINALS.update(v2.original_names(db))
    by_id = {e.id: e for e in data.entities}
    rows = [{"query": q, "type": "", "expected": eid, "class": cls, "variant": "headline",
             "why": why} for q, eid, cls, why in base.HEADLINE]
    used = {by_id[eid].cluster for _, eid, _, _ in base.HEADLINE}
    cluster: Callable[[str], str] = lambda eid: by_id[eid].cluster  # noqa: E731
    rows += v2.positives(data, rng, used, part, cluster)
    rows += negatives(data, rng, seed)
    rows += hard_negatives(data, rng, part, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=base.COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["class"]] += 1
    print(f"wrote {len(rows)} rows to {out}: " +
          ", ".join(f"{c} {counts[c]}" for c in base.CLASSES))
