"""Build eval/customers.csv: a bank's customer file that should raise (almost) no alarm.

    python scripts/make_customers.py [--db db/sanctions.db] [--out eval/customers.csv]
                                     [--n 24000] [--seed N]

Person and company names from Faker in many locales and scripts (Latin, Cyrillic, Arabic,
Persian, Hebrew, Greek, Chinese, Japanese, Korean, Georgian, Thai, Devanagari), with a fixed
seed, so the file is the same on every machine for a given Faker version. Names that are a
listed name (the same normalised text, or the same normalised tokens in another order) are
dropped and counted: a customer who *is* listed is not a false alarm. Columns id, name, type,
locale. Faker is a dev/test dependency only (`pip install faker`). See eval/README.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
from collections import Counter
from pathlib import Path

from faker import Faker

from sanctions.normalize import LEGAL_CLASSES, fold_legal_forms, name_tokens, normalize_name

SEED = 20260301
ROOT = Path(__file__).resolve().parent.parent

# locale -> share of the file (weights, normalised below). Latin-script locales dominate, as
# in a European or American bank's book; names of Muslim, South Asian and Slavic customers in
# Latin script are where a sanctions matcher is most tempted to alarm, so they are well fed.
LOCALES: dict[str, float] = {
    "en_US": 10, "en_GB": 6, "en_IN": 5, "en_PK": 5, "en_NG": 3, "es_MX": 5, "es_ES": 3,
    "pt_BR": 4, "fr_FR": 5, "de_DE": 5, "it_IT": 4, "pl_PL": 3, "tr_TR": 4, "nl_NL": 2,
    "vi_VN": 3, "id_ID": 3, "az_AZ": 2, "uz_UZ": 2, "ru_RU": 5, "uk_UA": 3, "bg_BG": 1,
    "ar_AA": 3, "ar_SA": 2, "fa_IR": 2, "he_IL": 2, "el_GR": 2, "zh_CN": 3, "zh_TW": 1,
    "ja_JP": 2, "ko_KR": 2, "hi_IN": 1, "ka_GE": 1, "th_TH": 1,
}
PERSON_SHARE = 0.75  # the rest are companies
HONORIFIC_KEPT = 0.05  # share of person names left with their "Mr", "Dr.", "الأستاذ"
COLUMNS = ("id", "name", "type", "locale")


def honorifics(fake: Faker) -> set[str]:
    """The prefixes and suffixes the locale's person provider adds ('Mr', 'Dr.', 'Jr.')."""
    out: set[str] = set()
    for provider in fake.providers:
        for attr in ("prefixes", "prefixes_male", "prefixes_female", "prefixes_nonbinary",
                     "suffixes", "suffixes_male", "suffixes_female", "suffixes_nonbinary"):
            values = getattr(provider, attr, None)
            if values:
                out.update(str(v) for v in values)
    return out


def person(fake: Faker, strip: set[str], rng: random.Random) -> str:
    words = fake.name().split()
    if rng.random() >= HONORIFIC_KEPT:
        while len(words) > 2 and words[0] in strip:
            words = words[1:]
        while len(words) > 2 and words[-1] in strip:
            words = words[:-1]
    return " ".join(words)


def company(fake: Faker) -> str:
    name = str(fake.company())
    if len(name.split()) == 1 and hasattr(fake, "company_suffix"):
        name = f"{name} {fake.company_suffix()}"  # a bare surname is no company's full name
    return name


def core(name: str) -> tuple[str, ...]:
    """A name's words without legal forms, sorted: 'Промсвязьбанк Лтд' is PROMSVYAZBANK PJSC."""
    return tuple(sorted(t for t in fold_legal_forms(name_tokens(name)) if t not in LEGAL_CLASSES))


def listed_keys(db: Path) -> tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM names")]
        companies = [n for (n,) in conn.execute(
            "SELECT n.name FROM names n JOIN entities e ON e.id = n.entity_id "
            "WHERE e.type = 'organization'")]
    finally:
        conn.close()
    # a company listed under the customer's words with another legal form is listed; one
    # word only is not enough ('Tara LLC' is no TARA LIMITED for that alone: Faker makes
    # companies from surnames), unless it is a word of many letters ('Промсвязьбанк Лтд')
    cores = {k for n in companies if (k := core(n)) and (len(k) > 1 or len(k[0]) >= 10)}
    return ({normalize_name(n) for n in names}, {tuple(sorted(name_tokens(n))) for n in names},
            cores)


def generate(n: int, seed: int) -> list[tuple[str, str, str]]:
    """(name, type, locale) rows, distinct names, about n of them."""
    rng = random.Random(seed)
    total = sum(LOCALES.values())
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for i, (loc, weight) in enumerate(LOCALES.items()):
        fake = Faker(loc)
        fake.seed_instance(seed + i)
        strip = honorifics(fake)
        want, tries = round(n * weight / total), 0
        made = 0
        while made < want and tries < want * 20:  # small name pools repeat: stop trying
            tries += 1
            is_person = rng.random() < PERSON_SHARE
            name = person(fake, strip, rng) if is_person else company(fake)
            if not normalize_name(name) or name in seen:
                continue
            seen.add(name)
            rows.append((name, "person" if is_person else "organization", loc))
            made += 1
        if made < want:
            print(f"note: {loc}: {made} of {want} distinct names")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=ROOT / "db" / "sanctions.db", type=Path)
    ap.add_argument("--out", default=ROOT / "eval" / "customers.csv", type=Path)
    ap.add_argument("--n", type=int, default=24000, help="names to generate before dropping")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    exact, token_keys, cores = listed_keys(args.db)
    rows: list[tuple[str, str, str]] = []
    dropped: Counter[str] = Counter()
    for name, etype, loc in generate(args.n, args.seed):
        if normalize_name(name) in exact:
            dropped["the same normalised text as a listed name"] += 1
            print(f"dropped (listed): {name!r} ({loc})")
        elif tuple(sorted(name_tokens(name))) in token_keys:
            dropped["a listed name's tokens in another order"] += 1
            print(f"dropped (listed, reordered): {name!r} ({loc})")
        elif etype == "organization" and core(name) in cores:
            dropped["a listed company's words with another legal form"] += 1
            print(f"dropped (listed, other legal form): {name!r} ({loc})")
        else:
            rows.append((name, etype, loc))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i, (name, etype, loc) in enumerate(rows, 1):
            w.writerow((f"C{i:06d}", name, etype, loc))
    types = Counter(t for _, t, _ in rows)
    print(f"wrote {len(rows)} customers to {args.out} ({types['person']} persons, "
          f"{types['organization']} companies, {len({loc for *_, loc in rows})} locales); "
          f"dropped {sum(dropped.values())} listed: "
          + (", ".join(f"{v} {k}" for k, v in dropped.items()) or "none"))


if __name__ == "__main__":
    main()
