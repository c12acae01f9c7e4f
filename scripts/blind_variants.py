"""Listed names and the positive variant classes for scripts/make_blind_set.py."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import blind_tables as bt
from blind_listed import GENERIC, Ent, fold

# --- noise operations on one word ---------------------------------------------------------

def _pos(rng: random.Random, w: str) -> int:
    return rng.randrange(1, len(w) - 1)  # never the first or last letter


def sub_letter(rng: random.Random, w: str) -> str:
    i = _pos(rng, w)
    c = rng.choice([c for c in "aeioulnrstdkm" if c != w[i].lower()])
    return w[:i] + (c.upper() if w[i].isupper() else c) + w[i + 1:]


def keyboard(rng: random.Random, w: str) -> str:
    idx = [i for i in range(len(w)) if w[i].lower() in bt.QWERTY]
    i = rng.choice(idx)
    c = rng.choice(bt.QWERTY[w[i].lower()])
    return w[:i] + (c.upper() if w[i].isupper() else c) + w[i + 1:]


def transpose(rng: random.Random, w: str) -> str:
    """Two neighbouring letters swapped; the case stays with the position (Shift is held
    for the first key whichever letter it types): "Marina" -> "Amrina"."""
    for _ in range(10):
        i = rng.randrange(0, len(w) - 1)
        if w[i].lower() != w[i + 1].lower():
            new = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            return "".join(n.upper() if o.isupper() else n.lower()
                           for n, o in zip(new, w, strict=True))
    return w


def drop_letter(rng: random.Random, w: str) -> str:
    i = _pos(rng, w)
    return w[:i] + w[i + 1:]


def add_letter(rng: random.Random, w: str) -> str:
    i = _pos(rng, w)
    c = rng.choice([w[i], w[i], rng.choice("aehinrs")])  # doubled letters are the usual slip
    return w[:i] + (c.upper() if w.isupper() else c.lower()) + w[i:]


def accent(rng: random.Random, w: str) -> str:
    idx = [i for i in range(len(w)) if w[i].lower() in bt.ACCENTS]
    for i in rng.sample(idx, min(len(idx), rng.choice((1, 1, 2)))):
        c = rng.choice(bt.ACCENTS[w[i].lower()])
        w = w[:i] + (c.upper() if w[i].isupper() else c) + w[i + 1:]
    return w


def long_words(ws: list[str], n: int = 5, rare_only: bool = True) -> list[int]:
    """Positions of words worth changing: long, alphabetic, not a legal form or title, and
    not a generic word when the name has a distinctive one ("STATE" in a company name)."""
    idx = [i for i, w in enumerate(ws) if len(w) >= n and w.isalpha()
           and fold(w) not in bt.NOISE_WORDS]
    rare = [i for i in idx if fold(ws[i]) not in GENERIC]
    return (rare or idx) if rare_only else idx


# --- renderings of a listed name ------------------------------------------------------------

def natural(e: Ent, rng: random.Random) -> list[str]:
    """Words as an analyst types them: people given-first, in title or upper case."""
    ws = [*e.given, *e.surname.split()] if e.type == "person" else e.name.split()
    ws = [w.strip(",") for w in ws if w.strip(",")]
    if e.type == "person" and rng.random() < 0.7:
        ws = [w.title() for w in ws]
    return ws


def is_person(e: Ent) -> bool:
    return e.type == "person" and bool(e.given) and e.surname != ""


Variant = Callable[[Ent, random.Random], "tuple[list[str], str, str] | None"]
# returns (query words, the words it was built from before noise, why)


def word_noise(op: Callable[[random.Random, str], str], label: str, n: int = 5) -> Variant:
    def v(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
        ws = natural(e, rng)
        idx = long_words(ws, n, e.type == "organization")  # people: typos hit any word
        if not idx:
            return None
        i = rng.choice(idx)
        new = op(rng, ws[i])
        if fold(new) == fold(ws[i]):
            return None
        base = " ".join(ws)
        ws[i] = new
        return ws, base, f"{label}: {base.split()[i]!r} -> {new!r}"
    return v


def word_order(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if not is_person(e):
        return None
    ws = natural(e, rng)
    sur = e.surname.split()
    given = ws[:len(ws) - len(sur)]
    q = ws[len(given):] + given  # surname first, no comma: the listed order
    if len(given) > 1 and rng.random() < 0.6 and not re.search(
            r"(vich|vna|ich|ych|ivna|zade|oglu)$", given[1].lower()):
        q = [given[1], given[0], *given[2:], *ws[len(given):]]  # second given name first
    return (q, " ".join(ws), "word order changed") if q != ws else None


def middle_dropped(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if not is_person(e) or len(e.given) < 2:
        return None
    ws = natural(e, rng)
    n = len(e.given)
    keep = [ws[0], *ws[n:]]
    return keep, " ".join(keep), f"middle name(s) {' '.join(ws[1:n])!r} left out"


def middle_added(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if not is_person(e) or len(e.given) != 1:
        return None
    ws = natural(e, rng)
    sur = fold(e.surname)
    if re.search(r"(ov|ev|in|sky|skiy|enko|uk|ova|eva|ina|skaya)$", sur):
        father = rng.choice(bt.SLAVIC_FATHERS)
        mid = father + ("ovna" if e.gender == "Female" else "ovich")
        why = "patronymic added (not listed)"
    else:
        mid = rng.choice(bt.MIDDLE_NAMES[e.gender == "Female"])
        if rng.random() < 0.4:
            mid = mid[0] + "."
        why = "middle name or initial added (not listed)"
    mid = mid.upper() if ws[0].isupper() else mid.title()
    return [ws[0], mid, *ws[1:]], " ".join(ws), f"{why}: {mid!r}"


def initials(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if not is_person(e) or not all(w[:1].isupper() for w in e.given):
        return None
    ws = natural(e, rng)
    n = len(e.given)
    if n >= 2 and rng.random() < 0.5:
        q = [ws[0], *(w[0] + "." for w in ws[1:n]), *ws[n:]]
        return q, " ".join(ws), "middle name(s) as initials"
    q = [*(w[0] + "." for w in ws[:n]), *ws[n:]]
    return q, " ".join(ws[n:]), "given name(s) as initials"


def truncation(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    """A long word cut to its first 4-6 letters (at least half of it), only where another
    distinctive word of the name stays whole to corroborate it ("Diosd Cabello")."""
    ws = natural(e, rng)
    idx = long_words(ws, 7, e.type == "organization")
    others = [j for j, w in enumerate(ws) if fold(w) not in bt.NOISE_WORDS and len(w) > 2]
    if not idx or len(others) < 2:
        return None
    i = rng.choice(idx)
    lo = max(4, (len(ws[i]) + 1) // 2)
    cut = ws[i][:rng.randint(lo, max(lo, min(6, len(ws[i]) - 2)))]
    base = " ".join(ws)
    ws[i] = cut
    return ws, base, f"word cut short: {base.split()[i]!r} -> {cut!r}"


def abbreviation(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    ws = natural(e, rng)
    idx = [i for i, w in enumerate(ws) if fold(w) in bt.ABBREV]
    if not idx:
        return None
    base = " ".join(ws)
    for i in rng.sample(idx, min(len(idx), rng.choice((1, 2)))):
        a = rng.choice(bt.ABBREV[fold(ws[i])])
        ws[i] = a.upper() if ws[i].isupper() else a
    return ws, base, "abbreviated: " + " ".join(ws)


def glued(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    ws = natural(e, rng)
    if len(ws) < 2:
        return None
    base = " ".join(ws)
    if len(ws) <= 3 and rng.random() < 0.3:
        return ["".join(ws)], base, "whole name written as one word"
    i = rng.randrange(len(ws) - 1)
    return ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2:], base, f"words {i + 1},{i + 2} glued"


def split_word(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    ws = natural(e, rng)
    idx = long_words(ws, 6, e.type == "organization")
    if not idx:
        return None
    i = rng.choice(idx)
    k = rng.randint(2, len(ws[i]) - 3)
    base = " ".join(ws)
    part = [ws[i][:k], ws[i][k:]]
    return ws[:i] + part + ws[i + 1:], base, f"word split: {' '.join(part)!r}"


def accents_case(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    ws = natural(e, rng)
    base = " ".join(ws)
    idx = long_words(ws, 4)
    r = rng.random()
    if idx and r < 0.6:
        i = rng.choice(idx)
        ws[i] = accent(rng, ws[i])
        why = f"accents added: {ws[i]!r}"
    else:
        why = "case changed"
    if r >= 0.3:
        ws = [w.lower() for w in ws] if rng.random() < 0.5 else [w.title() for w in ws]
    return ws, base, why


def romanise(table: dict[str, list[str]], label: str) -> Variant:
    def v(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
        ws = natural(e, rng)
        base = " ".join(ws)
        changed = []
        for i, w in enumerate(ws):
            f = fold(w)
            alts = table.get(f) or bt.ending_variants(w.lower(), table)
            if alts:
                a = rng.choice(alts)
                ws[i] = a.upper() if w.isupper() else a.title()
                changed.append(f"{w}->{ws[i]}")
        if not changed:
            return None
        return ws, base, f"{label}: " + ", ".join(changed)
    return v


def legal_form(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if e.type != "organization":
        return None
    ws = natural(e, rng)
    text = " " + fold(" ".join(ws)) + " "
    for form, alts in bt.LEGAL:
        if text.endswith(f" {form} ") or text.startswith(f" {form} "):
            core = text.strip().removesuffix(form).removeprefix(form).strip()
            if not core:
                return None
            if rng.random() < 0.35:
                return core.upper().split(), core, f"legal form {form!r} dropped"
            alt = rng.choice(alts)
            return f"{core} {alt}".upper().split(), core, f"legal form {form!r} -> {alt!r}"
    if len(ws) < 2:
        return None
    alt = rng.choice(bt.ADDED_FORMS)
    return [*ws, alt], " ".join(ws), f"legal form {alt!r} added"


def vessel_prefix(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if e.type != "vessel":
        return None
    p = rng.choice(bt.VESSEL_PREFIX)
    ws = e.name.split()
    return [p, *ws], e.name, f"vessel prefix {p!r}"


def imo(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if e.type != "vessel" or not re.fullmatch(r"\d{7}", e.imo):
        return None
    form = rng.choice(("IMO {n}", "IMO {n}", "IMO{n}", "{name} IMO {n}", "{name} (IMO: {n})",
                       "{name} {n}"))
    q = form.format(n=e.imo, name=e.name.title() if rng.random() < 0.5 else e.name)
    return q.split(), e.name if "{name}" in form else "", f"IMO number, form {form!r}"


def honorific(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    if not is_person(e):
        return None
    t = rng.choice(bt.TITLES[e.gender == "Female"])
    ws = natural(e, rng)
    return [t, *ws], " ".join(ws), f"title {t!r} added"


SIMPLE: dict[str, Variant] = {
    "typo_substitution": word_noise(sub_letter, "one letter replaced"),
    "keyboard_slip": word_noise(keyboard, "neighbouring key hit"),
    "transposition": word_noise(transpose, "two neighbouring letters swapped", 4),
    "letter_dropped": word_noise(drop_letter, "a letter left out"),
    "letter_added": word_noise(add_letter, "a letter doubled or added", 4),
    "word_order": word_order,
    "middle_dropped": middle_dropped,
    "middle_added": middle_added,
    "initials": initials,
    "truncation": truncation,
    "abbreviation": abbreviation,
    "glued": glued,
    "split_word": split_word,
    "accents_case": accents_case,
    "romanise_arabic": romanise(bt.ARABIC, "Arabic romanisation"),
    "romanise_slavic": romanise(bt.SLAVIC, "Slavic romanisation"),
    "legal_form": legal_form,
    "vessel_prefix": vessel_prefix,
    "imo": imo,
    "honorific": honorific,
}
TYPO_OPS = ("typo_substitution", "keyboard_slip", "transposition", "letter_dropped",
            "letter_added")


def combined(e: Ent, rng: random.Random) -> tuple[list[str], str, str] | None:
    """A structural change (order, middle, title, legal form) and a typo together."""
    first = rng.choice(("word_order", "middle_dropped", "honorific", "legal_form",
                        "vessel_prefix", "accents_case"))
    r = SIMPLE[first](e, rng)
    if r is None:
        return None
    ws, base, why = r
    idx = long_words(ws, 5)
    if not idx:
        return None
    i = rng.choice(idx)
    op = rng.choice(TYPO_OPS)
    new = {"typo_substitution": sub_letter, "keyboard_slip": keyboard,
           "transposition": transpose, "letter_dropped": drop_letter,
           "letter_added": add_letter}[op](rng, ws[i])
    ws = ws[:i] + [new] + ws[i + 1:]
    return ws, base, f"{why}; then {op} in {new!r}"


VARIANTS: dict[str, Variant] = {**SIMPLE, "combined": combined}
