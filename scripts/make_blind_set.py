"""Write a blind evaluation set: eval/blind_dev.csv and eval/blind_holdout.csv.

    python scripts/make_blind_set.py [--db db/sanctions.db] [--per-class 100] [--seed 11]

Written without looking at the matcher or at the other dev sets (issue 11), so that its
figures say how the matcher does on cases it was not shaped around. Positives are variants of
OFAC SDN names (people, organisations, vessels) of the kinds analysts type (21 classes, see
blind_variants.py); negatives are Faker names in 20 locales that are not listed; hard
negatives are listed names changed so that they plausibly name a different party (7 ways).
Columns are the harness's (scripts/eval_matching.py): query,type,expected,class,variant,why.

Ambiguity rule: a listed name is used only if no entity outside its cluster (any source) has a
name with the same tokens after case/accent/punctuation folding, and a positive is kept only if
no entity outside the expected cluster has a name holding every token the query was built from
(before noise): "Dmitry Polonsky" is not used when another cluster lists "POLONSKY, Dmitry
Ivanovich". Hard negatives must not be covered by any listed name that way (so they name no
listed party), must hold no whole third listed name and be no near spelling of one (rapidfuzz
token_sort_ratio < 85), and an initial is never one another listed bearer of the surname has;
Faker negatives must not equal a listed name after case/accent folding. Dev and holdout
are split by a hash of the entity id (a negative: of its text), so no entity is in both; every
random choice comes from seeded generators, so the files are reproducible.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

import blind_tables as bt
from blind_listed import Ent, Listed, fold, split_of, toks
from blind_variants import VARIANTS, is_person, natural
from faker import Faker

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("query", "type", "expected", "class", "variant", "why")
TYPE_GIVEN = 0.6  # share of queries that state the entity type
TYPE_WEIGHT = {"person": 0.45, "organization": 0.4, "vessel": 0.15}  # for classes open to all
Row = dict[str, str]


def pick(rng: random.Random, pools: dict[str, list[Ent]]) -> Ent | None:
    """One entity, the type drawn by TYPE_WEIGHT among the pools that are not empty."""
    live = [t for t in pools if pools[t]]
    if not live:
        return None
    t = rng.choices(live, [TYPE_WEIGHT[t] for t in live])[0]
    return pools[t].pop()


def positives(lst: Listed, split: str, per_class: int, seed: int) -> list[Row]:
    rows = []
    ents = [e for e in lst.ents if split_of(e.id) == split
            and lst.keys[toks(e.name)] <= {lst.cluster(e.id)}]
    for cls, make in VARIANTS.items():
        rng = random.Random(f"{seed}/{cls}/{split}")
        pools: dict[str, list[Ent]] = {t: [] for t in TYPE_WEIGHT}
        for x in ents:
            pools[x.type].append(x)
        for p in pools.values():
            rng.shuffle(p)
        got = 0
        while got < per_class and (e := pick(rng, pools)) is not None:
            r = make(e, rng)
            if r is None:
                continue
            ws, base, why = r
            q = " ".join(ws)
            own = lst.cluster(e.id)
            if base and not lst.unambiguous(e, base):
                continue
            if not base and lst.imos.get(e.imo, set()) != {own}:
                continue
            if lst.keys.get(toks(q), set()) - {own}:
                continue  # the variant is another entity's name
            if cls not in ("accents_case", "word_order") and any(
                    fold(q) == fold(n) for n in e.names):
                continue  # the variant is a listed spelling: it tests nothing
            typ = e.type if rng.random() < TYPE_GIVEN else ""
            rows.append({"query": q, "type": typ, "expected": e.id, "class": e.type,
                         "variant": cls, "why": f"{why}; listed {e.name!r}"})
            got += 1
    return rows


# --- hard negatives: each plausibly names a different party ------------------------------

def imo_ok(n: str) -> bool:
    return sum(int(d) * w for d, w in zip(n[:6], range(7, 1, -1), strict=True)) % 10 \
        == int(n[6])


def _other(rng: random.Random, pool: list[str], e: Ent, avoid: str) -> str:
    """A name word from pool that is none of e's words, no equivalent of them, and starts
    with another letter than `avoid`."""
    mine = set().union(*(toks(n) for n in e.names))
    eq = {x for w in mine for x in (bt.ARABIC.get(w, []) + bt.SLAVIC.get(w, []))}
    for _ in range(50):
        w = rng.choice(pool)
        f = fold(w)
        if f not in mine and f not in eq and f[:1] != fold(avoid)[:1] and len(f) > 2:
            return w
    return ""


def hard_negatives(lst: Listed, split: str, n: int, seed: int) -> list[Row]:
    rng = random.Random(f"{seed}/hard/{split}")
    people = [e for e in lst.ents if is_person(e)]
    givens = sorted({e.given[0].title() for e in people if len(e.given[0]) > 2
                     and e.given[0].isalpha()})
    surnames = sorted({e.surname.title() for e in people if e.surname.isalpha()
                       and len(e.surname) > 3})
    ents = [e for e in lst.ents if split_of(e.id) == split
            and lst.keys[toks(e.name)] <= {lst.cluster(e.id)}]
    rng.shuffle(ents)

    def extra_word(e: Ent) -> tuple[str, str] | None:
        core = toks(e.name) - bt.NOISE_WORDS
        if e.type not in ("vessel", "organization") or not 1 <= len(core) <= 3:
            return None
        w = rng.choice(bt.DISTINCT_WORDS)
        ws = e.name.split()
        k = len(ws)  # before a trailing legal form: "PAYA PARTOV HORIZON CO."
        while k > 1 and fold(ws[k - 1]) in bt.NOISE_WORDS | {"b v", "s a"}:
            k -= 1
        return (" ".join([*ws[:k], w, *ws[k:]]),
                f"extra distinctive word {w!r}: another ship or firm")

    def other_given(e: Ent) -> tuple[str, str] | None:
        if not is_person(e) or len(fold(e.surname)) < 4:
            return None
        g = _other(rng, givens, e, e.given[0])
        return (f"{g} {e.surname.title()}", f"listed surname, different given name {g!r}") \
            if g else None

    def other_family(e: Ent) -> tuple[str, str] | None:
        if not is_person(e):
            return None
        s = _other(rng, surnames, e, e.surname)
        return (" ".join([*natural(e, rng)[:len(e.given)], s]),
                f"listed given name(s), different family name {s!r}") if s else None

    def org_word_swap(e: Ent) -> tuple[str, str] | None:
        ws = e.name.split()
        idx = [i for i, w in enumerate(ws) if w.isalpha() and len(w) >= 4
               and fold(w) not in bt.NOISE_WORDS]
        if e.type != "organization" or len(ws) < 2 or not idx:
            return None
        i = min(idx, key=lambda i: (len(lst.post.get(fold(ws[i]), ())), i))  # the rarest
        new = rng.choice(bt.ORG_SWAPS)
        old, ws[i] = ws[i], new
        return " ".join(ws), f"distinctive word {old!r} swapped for {new!r}"

    def vessel_other_imo(e: Ent) -> tuple[str, str] | None:
        if e.type != "vessel" or not e.imo:
            return None
        for _ in range(100):
            num = f"{rng.randrange(8_000_000, 9_999_999):07d}"
            if imo_ok(num) and num not in lst.imos:
                return f"{e.name} IMO {num}", f"listed ship name, other IMO (listed {e.imo})"
        return None

    def other_initial(e: Ent) -> tuple[str, str] | None:
        """A different initial; never one that another listed bearer of the surname has
        ("H. Wang" is no negative while a WANG, Hong is listed)."""
        if not is_person(e) or not all(w[:1].isupper() for w in e.given):
            return None
        ws = natural(e, rng)
        k = len(e.given)
        sur = toks(e.surname)
        avoid = {fold(w)[:1] for w in e.given} if k == 1 else {fold(e.given[1])[:1]}
        for i in {i for w in sur for i in lst.post.get(w, ())}:
            if sur <= lst.names[i][0]:  # any listed bearer of the surname, this one too
                avoid |= {w[:1] for w in lst.names[i][0] - sur}
        letters = [c for c in "ABDEGHKLMNRST" if c.lower() not in avoid]
        if not letters:
            return None
        letter = rng.choice(letters)
        if k >= 2:
            return (" ".join([ws[0], letter + ".", *ws[k:]]),
                    f"middle initial {letter}. where the list has {e.given[1]!r}")
        return " ".join([letter + ".", *ws[k:]]), f"initial {letter}. for {e.given[0]!r}"

    def patronymic_initial(e: Ent) -> tuple[str, str] | None:
        if not is_person(e) or len(e.given) < 2:
            return None
        mid = e.given[1]
        if not (len(mid.strip(".")) == 1 or re.search(r"(vich|vna|ich)$", mid.lower())):
            return None
        pool = [g for g in givens if g[0].lower() == mid[0].lower()
                and fold(g)[:3] != fold(e.given[0])[:3] and fold(g) != fold(mid)]
        if not pool:
            return None
        g = rng.choice(pool)
        return (f"{g} {e.surname.title()}",
                f"given name {g!r} shares only the initial of the listed middle {mid!r}")

    ways: dict[str, Callable[[Ent], tuple[str, str] | None]] = {
        "extra_word": extra_word, "other_given": other_given, "other_family": other_family,
        "org_word_swap": org_word_swap, "vessel_other_imo": vessel_other_imo,
        "other_initial": other_initial, "patronymic_initial": patronymic_initial}
    rows: list[Row] = []
    per = -(-n // len(ways))
    for way, make in ways.items():
        got = 0
        for e in ents:
            if got >= per:
                break
            r = make(e)
            if r is None:
                continue
            q, why = r
            name = re.sub(r"\bIMO \d+", "", q)
            core = toks(name) - bt.NOISE_WORDS
            own = {lst.cluster(e.id)}
            if way != "vessel_other_imo" and (lst.covering(core) or lst.keys.get(toks(q))):
                continue  # some listed name holds it all: not a clear negative
            if lst.contained(core) - own or lst.near(name) - own:
                continue  # it holds, or nearly is, a third listed name: not this way's test
            typ = e.type if rng.random() < TYPE_GIVEN else ""
            rows.append({"query": q, "type": typ, "expected": "", "class": "hard_negative",
                         "variant": way, "why": f"{why}; from {e.id} {e.name!r}"})
            got += 1
    return rows


def negatives(lst: Listed, n: int, seed: int) -> dict[str, list[Row]]:
    """Faker people and companies, round-robin over the locales, none a listed name."""
    out: dict[str, list[Row]] = {"dev": [], "holdout": []}
    fakers = {loc: Faker(loc) for loc in bt.FAKER_LOCALES}
    Faker.seed(seed)
    rng = random.Random(f"{seed}/negatives")
    seen: set[str] = set()
    i = 0
    while min(len(v) for v in out.values()) < n:
        loc = bt.FAKER_LOCALES[i % len(bt.FAKER_LOCALES)]
        kind = "person" if i // len(bt.FAKER_LOCALES) % 2 == 0 else "organization"
        i += 1
        f = fakers[loc]
        q = f.name() if kind == "person" else f.company()
        q = " ".join(q.split())
        if fold(q) in seen or lst.keys.get(toks(q)):
            continue
        seen.add(fold(q))
        split = split_of(q)
        if len(out[split]) < n:
            typ = kind if rng.random() < TYPE_GIVEN else ""
            out[split].append({"query": q, "type": typ, "expected": "", "class": "negative",
                               "variant": f"faker_{kind}", "why": f"Faker {loc} {kind}"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=ROOT / "db" / "sanctions.db", type=Path)
    ap.add_argument("--out", default=ROOT / "eval", type=Path)
    ap.add_argument("--per-class", type=int, default=100, help="positives per class and split")
    ap.add_argument("--negatives", type=int, default=300, help="per split, and as many hard")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    lst = Listed(args.db)
    negs = negatives(lst, args.negatives, args.seed)
    for split in ("dev", "holdout"):
        rows = positives(lst, split, args.per_class, args.seed)
        rows += negs[split] + hard_negatives(lst, split, args.negatives, args.seed)
        path = args.out / f"blind_{split}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, FIELDS)
            w.writeheader()
            w.writerows(rows)
        print(f"{path}: {len(rows)} rows")


if __name__ == "__main__":
    main()
