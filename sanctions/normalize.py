"""Name normalisation, pure and shared by import and query time.

    >>> normalize_name("MADURO MOROS, Nicolás")
    'maduro moros nicolas'
    >>> name_tokens("Владимир Путин")
    ['vladimir', 'putin']
    >>> name_tokens("Mohammed Al-Qaida Trading Co. Ltd")
    ['muhammad', 'al', 'qaida', 'trading', 'co', 'ltd']
    >>> name_tokens("ООО Ромашка")
    ['llc', 'romashka']
    >>> strip_vessel_prefix(["m", "t", "white", "crane"])
    ['white', 'crane']

`normalize_name` is what the database stores in `names.normalized` (casefold, ASCII, punctuation
to spaces); `name_tokens` is what the matcher compares: the same, with apostrophes and soft
signs dropped inside words ("Sa'id" -> "said"), spelling variants folded and legal forms
replaced by their class.

Transliteration uses anyascii (ISC licence, maintained, every Unicode script, no native code);
Unidecode covers the same but is GPL. Two scripts are read differently: Hangul syllable by
syllable as the DPRK and the lists romanise Korean names ("김정은" -> "kim jong un", where
anyascii gives "gimjeongeun"), Chinese characters one by one ("金铁三" -> "jin tie san", which
the matcher re-joins to meet "Jin Tiesan").

    >>> name_tokens("김정은"), name_tokens("金铁三")
    (['kim', 'jong', 'un'], ['jin', 'tie', 'san'])
    >>> reading("Владимир Путин")
    "query read as 'vladimir putin' (Cyrillic)"
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .romanise import respell
from .scripts import read_as_latin, scripts_of

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# anyascii writes the Cyrillic soft/hard sign and Arabic ayn as ' or `: part of the word
_APOSTROPHES = re.compile(r"['`]")
# The Arabic article as Egyptian and Maghrebi names write it, 'el-Assad', 'EL SIDDEEQ': AL;
# before a word of 3+ letters only, so a Spanish nickname's 'EL M' keeps its 'el' (folded,
# any 'AL M...' would pair with it) and a lone 'el' at a name's end stays a word
_EL_ARTICLE = re.compile(r"\bel(?:-(?=[a-z])|[ \t]+(?=[a-z]{3,}))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_NAME_LENGTH = 300  # longer input is cut: no listed name is longer than ~250 characters

# Spelling variants folded to one form, so "Mohammed" meets "Muhammad" at full similarity.
VARIANTS: dict[str, str] = {
    v: canon
    for canon, variants in {
        "muhammad": "mohammed mohamed mohammad muhammed mohamad mohd md mohamud muhamad mehmet",
        "ahmad": "ahmed ahmet",
        "abdul": "abdel abd abdol abdoul",
        "husayn": "hussein husein hussain husain hosein hossein",
        "hasan": "hassan",
        "yusuf": "yousef youssef yusef yousif yousuf",
        "usama": "osama",
        # عليّ رضا قاسم: ALA-LC, Persian, Egyptian, French forms (< 5 letters: not equivalents)
        "ali": "aly",
        "reza": "rida ridha reda redha",
        "qasim": "kasim qassem kassem qasem kasem ghasem ghassem",
        "abu": "abou",
        # عمر، عثمان: ALA-LC 'Umar, 'Uthman; the common English, French and Turkish forms
        "umar": "omar",
        "uthman": "osman othman",
        "aleksandr": "alexander aleksander alexandr",
        "aleksei": "alexey aleksey alexei alexeyevich",
        "sergei": "sergey sergej",
        "evgeny": "yevgeny evgeniy yevgeniy evgenii",
        "dmitry": "dmitriy dmitri dmitrii",
        "yury": "yuri yuriy iurii yurii yurij",
        "pyotr": "petr",
        "andrei": "andrey",
        "nikolai": "nikolay nicolai",
        "mikhail": "michail",
        "vyacheslav": "viacheslav",
        "valery": "valeriy valerii",
        "gennady": "gennadiy gennadii",
        "arkady": "arkadiy arkadii",
        # words of Russian legal forms, as the lists romanise (and misspell) them
        "obshchestvo": "obshestvo obschestvo",
        "ogranichennoy": "ogranichennoi organichennoi ogranichenoi ogranichennoj",
        "otvetstvennostyu": "otvetstvennostiu otvetsvennostyu otvestvennostyu otvetstvennostju",
        "aktsionernoe": "aktsionernoye aktsionernoje aktsionernoie",
        "otkrytoe": "otkrytoye",
        "zakrytoe": "zakrytoye",
        # abbreviations of organisation words, as customer files and lists write them
        "international": "intl intnl internat",
        "trading": "trdg trad",
        "company": "cmpny",
        "manufacturing": "mfg mfr",
        "industries": "inds",
        "industrial": "indl",
        "corporation": "corpn",
        "brothers": "bros",
        "national": "natl",
        "association": "assn assoc",
        "services": "svcs svc",
        "management": "mgmt",
        "investment": "invt",
        "investments": "invts",
        "holdings": "hldgs",
        "holding": "hldg",
        "shipping": "shpg",
        "engineering": "engg",
        "technology": "tech",
        "technologies": "techs",
        "development": "dev devt",
        "enterprises": "ents",
        "group": "grp",
        "general": "genl",
        "import": "imp",
        "export": "exp",
        "commercial": "coml comml",
    }.items()
    for v in [canon, *variants.split()]
}

# Legal forms mapped to one class token each; the matcher gives these tokens low weight.
# Multi-word forms are matched as token sequences before single tokens.
def _legal_forms() -> dict[tuple[str, ...], str]:
    table = {
        # one class per kind of company: "OOO" is Russian for "LLC", "AO" for "JSC"; dotted
        # ("O.O.O.", "G.m.b.H."): its letters apart, 3+ (a person's initials run to 2)
        "llc": ["llc", "l l c", "limited liability company", "ooo", "tov",
                "limited liability co", "ltd liability co", "ltd liability company",
                "obshchestvo s ogranichennoy otvetstvennostyu", "fz llc", "fzllc",
                "o o o", "t o v",
                "doo", "d o o"],  # d.o.o.: the Croatian, Serbian, Bosnian, Slovene LLC
        # "Pty", "Pvt" alone: how Australian and Indian companies shorten "Pty Ltd", "Pvt Ltd"
        "ltd": ["ltd", "l t d", "limited", "pvt ltd", "private limited", "pty ltd", "pty",
                "pvt"],
        "co": ["co", "company"],
        "corp": ["corp", "corporation"],
        "inc": ["inc", "i n c", "incorporated"],
        "sa": ["sa", "s a", "sociedad anonima", "societe anonyme"],
        "sarl": ["sarl", "s a r l"],
        "sas": ["sas", "s a s"],  # societe par actions simplifiee (France, Colombia)
        "srl": ["srl", "s r l"],
        # "joint stock" without "company" is how people shorten it
        "jsc": ["jsc", "j s c", "ao", "joint stock company", "joint stock co", "joint stock",
                "aktsionernoe obshchestvo"],
        "ojsc": ["ojsc", "oao", "open joint stock company", "open joint stock", "open jsc",
                 "otkrytoe aktsionernoe obshchestvo", "o j s c", "o a o"],
        "cjsc": ["cjsc", "zao", "closed joint stock company", "closed joint stock", "closed jsc",
                 "zakrytoe aktsionernoe obshchestvo", "c j s c", "z a o"],
        "pjsc": ["pjsc", "pao", "public joint stock company", "public joint stock", "public jsc",
                 "publichnoe aktsionernoe obshchestvo", "p j s c", "p a o"],
        "gmbh": ["gmbh", "g m b h"],
        "ag": ["ag"],
        "bv": ["bv", "b v"],
        "nv": ["nv", "n v"],
        "plc": ["plc", "p l c"],
        "llp": ["llp", "l l p", "limited liability partnership"],
        "pte": ["pte"],
        "bhd": ["bhd", "berhad", "sdn bhd"],
        "fze": ["fze", "f z e", "fzco", "fzc"],
        "cv": ["de cv", "de c v", "c v"],
        "spa": ["spa", "s p a"],
    }
    out = {tuple(f.split()): cls for cls, forms in table.items() for f in forms}
    for form, cls in list(out.items()):  # a short word of a longer form dotted ('FZ L.L.C.')
        if len(form) > 1:
            for k, w in enumerate(form):
                if 2 <= len(w) <= 4 and w.isalpha():
                    out.setdefault((*form[:k], *w, *form[k + 1:]), cls)
    return out


LEGAL_FORMS = _legal_forms()
LEGAL_CLASSES = frozenset(LEGAL_FORMS.values())
_MAX_FORM = max(len(k) for k in LEGAL_FORMS)
# Words of legal forms long enough that one wrong letter still says which ("stokc", "limtied").
_FORM_WORDS = sorted({w for form in LEGAL_FORMS for w in form if len(w) >= 5})
_FORM_STARTS = frozenset(form[0] for form in LEGAL_FORMS)

# Tokens that name the kind of vessel, not the vessel: stripped from the front of vessel names.
VESSEL_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("m", "t"), ("m", "v"), ("mt",), ("mv",), ("ss",), ("motor", "tanker"),
    ("motor", "vessel"), ("oil", "tanker"), ("tanker",), ("vessel",), ("ship",),
    # as the press writes them: "the tanker Dune", "the cargo ship Kum Song 7"
    ("the", "oil", "tanker"), ("the", "tanker"), ("the", "vessel"), ("the", "ship"),
    ("the", "cargo", "ship"), ("cargo", "ship"), ("the", "freighter"), ("freighter",),
    ("the", "bulk", "carrier"), ("bulk", "carrier"),
)


# Titles and honorifics: a query's word that the listed name lacks costs little if it is one.
_TITLES = (
    "mr mrs ms miss dr doctor prof professor sir dame lord lady sheikh shaykh shaikh sheik "
    "haji hajji hadji mullah mulla maulana mawlawi maulvi mawlana imam sayyid sayed syed "
    "qari hafiz gen general col colonel maj major capt captain lt lieutenant brig admiral "
    "adm cmdr eng engineer ing mme mlle herr frau sr sra srta dona don senor senora jr snr "
    "jnr ii iii the of and de del la le el al da do dos das di du van von der den ben")
HONORIFICS = frozenset(_TITLES.split())
def reading(text: str) -> str:
    """How a query in another script was read, for the explanation ('' for Latin text)."""
    found = scripts_of(text)
    if not found:
        return ""
    return f"query read as {' '.join(name_tokens(text))!r} ({', '.join(found)})"


@lru_cache(maxsize=1)
def equivalents() -> dict[str, frozenset[int]]:
    """Spellings of one name (data/names/equivalents.tsv, from rigour, and east_slavic.tsv,
    curated: 'serhiy' / 'sergei', which rigour keeps apart): each token's name groups (line
    numbers, the second file's past the first's). Two tokens sharing one are one name."""
    groups: dict[str, set[int]] = {}
    for base, name in ((0, "equivalents.tsv"), (1_000_000, "east_slavic.tsv")):
        path = Path(__file__).parent / "data" / "names" / name
        for g, line in enumerate(path.read_text(encoding="utf-8").splitlines(), base):
            if line and not line.startswith("#"):
                for t in line.split("\t")[1].split():
                    groups.setdefault(VARIANTS.get(t, t), set()).add(g)
    return {t: frozenset(gs) for t, gs in groups.items()}


@lru_cache(maxsize=1)
def common_names() -> frozenset[str]:
    """Names many people bear (data/names/common.tsv: the lists' own, the US Census')."""
    path = Path(__file__).parent / "data" / "names" / "common.tsv"
    return frozenset(line.split("\t")[0] for line in path.read_text(encoding="utf-8")
                     .splitlines() if line and not line.startswith("#"))


_PHONETIC = [(re.compile(a), b) for a, b in (
    (r"(.)\1+", r"\1"), (r"ph", "f"), (r"kh", "h"), (r"gh", "g"), (r"[cq]k|q", "k"),
    (r"c(?=[eiy])", "s"), (r"c", "k"), (r"x", "ks"), (r"z", "s"), (r"w", "v"), (r"dzh|dj", "j"),
    (r"sch|sh|zh", "s"), (r"(?<=.)[aeiouy]+", ""), (r"^[aeiouy]+", "a"), (r"h$", ""))]


_LONG_VOWELS = re.compile(r"ee|ie(?=.)|ii|oo|ou|uu|aa")


def vowel_fold(token: str) -> str:
    """Long vowels written short, as English press romanisations write them long ('yunoos',
    'taheer', 'ameen' -> 'yunus', 'tahir', 'amin')."""
    return _LONG_VOWELS.sub(lambda m: {"ee": "i", "ie": "i", "ii": "i", "oo": "u", "ou": "u",
                                       "uu": "u", "aa": "a"}[m.group()], token)


@lru_cache(maxsize=65536)
def phonetic_key(token: str) -> str:
    """A romanisation key: consonants only, alike ones merged ('hezbollah', 'hizballah' ->
    'hsbl'). Used only where it has 4+ consonants, so names of one root ('hasan', 'husayn')
    stay apart."""
    key = token
    for rx, rep in _PHONETIC:
        key = rx.sub(rep, key)
    return key


_GLUED_FORM = re.compile(r"(?:ooo|oao|zao|pao|tov|ojsc|cjsc|pjsc|jsc|llc|company|limited)(?=[a-z])")
# a legal form glued to the end of a name or between two words (4+ letters before, and after)
# ('multicletcorporation': the whole form, not 'corp' + 'oration'; 'selkbafco')
_GLUED_AFTER = re.compile(r"(?<=[a-z]{4})(company|co)?(corporation|incorporated|limited|ltd|llc|"
                          r"ooo|doo|inc|corp|gmbh|jsc|[ocp]jsc|oao|zao|pao|plc|llp|srl|sarl|bhd|"
                          r"fzco|fze|company|(?<!c)co$)(?=[a-z]{4,}|$)")
# Arabic letters written plainly or with their seat ('السعادى' for 'السعادي', 'اغا' for 'آغا')
_ARABIC_FOLDS = ((re.compile("ى$"), "ي"), (re.compile("ه$"), "ة"), (re.compile("^ا"), "آ"),
                 (re.compile("^ا"), "أ"), (re.compile("^ا"), "إ"), (re.compile("[أإآ]"), "ا"),
                 (re.compile("ئ"), "ي"), (re.compile("ؤ"), "و"))


def spelling_variants(word: str) -> list[str]:
    """Other spellings of one query word a list may use: Arabic letters with another seat,
    Slavic or Arabic names in English-style romanisation, a legal form glued to the name. The
    query keeps the first listed one where the word as written is not listed (`query`)."""
    out: list[str] = []
    if not word.isascii() and re.search("[\u0600-\u06ff]", word):
        for rx, rep in _ARABIC_FOLDS:
            if (v := rx.sub(rep, word)) != word and v not in out:
                out.append(v)
        return out
    v = word.casefold()
    if (glued := _GLUED_FORM.match(v)) and len(v) - glued.end() >= (3 if glued.end() > 4 else 4):
        return [f"{glued.group()} {v[glued.end():]}"]  # 'OAONOVATEK', 'COMPANYSTG' as two
    if glued_after := [f"{v[:m.start(k)]} {' '.join(filter(None, m.groups()[k - 1:]))} "
                       f"{v[m.end():]}".strip() for m in _GLUED_AFTER.finditer(v)
                       for k in ((1, 2) if m.group(1) else (2,))]:  # 'tobacco' keeps its 'co'
        return glued_after  # 'SURGUTMEBELOOO', 'KOMINVEXDOOBEOGRAD'
    return respell(v)  # a typo is no romanisation: 'kiwaa' stays, no 'kiva'


def clean_text(text: str) -> str:
    """Drop control characters and cut absurdly long input."""
    return _CONTROL.sub(" ", text)[:MAX_NAME_LENGTH]


def normalize_name(name: str) -> str:
    """Casefold, transliterate to ASCII, drop punctuation, squeeze spaces."""
    text = read_as_latin(unicodedata.normalize("NFKC", clean_text(name))).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def legal_word(token: str) -> str:
    """The legal-form word a token misspells by a letter ('stokc' -> 'stock'), else the token."""
    if len(token) < 4 or not token.isalpha():
        return token
    hit = process.extractOne(token, _FORM_WORDS, scorer=OSA.normalized_similarity,
                             score_cutoff=0.79)  # one edit in five letters
    return hit[0] if hit else token


def fold_legal_forms(tokens: list[str], typos: bool = True) -> list[str]:
    """Replace legal-form token sequences by their class token ('limited' -> 'ltd'), also when
    a word of the form has a typo ('joint stokc company' -> 'jsc'); `typos=False` folds exact
    spellings only (no fuzzy lookup per new word: the linker folds every name of every list)."""
    fixed = [legal_word(t) for t in tokens] if typos else tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _FORM_STARTS and fixed[i] not in _FORM_STARTS:
            out.append(tokens[i])
            i += 1
            continue
        for n in range(min(_MAX_FORM, len(tokens) - i), 0, -1):
            cls = LEGAL_FORMS.get(tuple(tokens[i:i + n])) or (
                # a form of one word read from a word two letters off is as often another
                # word ('corporativo', 'cooperation' are no 'corporation'): one letter at most
                LEGAL_FORMS.get(tuple(fixed[i:i + n]))
                if n > 1 or OSA.distance(tokens[i], fixed[i]) <= 1 else None)
            # single letters ("s", "a") are legal forms only as part of a sequence, and two
            # at a name's start before more words are initials ('N. V. Solozhentseva', 'S.A.
            # Lavochkin'): such a form follows a company's name (a Russian 'O.O.O.' leads)
            if cls and (n > 1 or len(tokens[i]) > 1) and not (
                    i == 0 and n == 2 < len(tokens) and len(tokens[0]) == len(tokens[1]) == 1):
                out.append(cls)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def variant(token: str) -> str:
    """The canonical spelling of a name with spelling variants ('mohammed' -> 'muhammad')."""
    return VARIANTS.get(token, token)


# a dotted legal form glued to the word before it by its first letter ('CIMAS.A.S.' for
# 'CIMA S.A.S.', 'FOOS.A.'): the word, its last letter, the form's other letters dotted
_GLUED_DOTTED = re.compile(r"\b([a-z]{3,})([a-z])((?:\.[a-z])+)(?=\.?(?![a-z0-9]))")


def _unglue_dotted(m: re.Match[str]) -> str:
    """'cimas.a.s' -> 'cima s.a.s' where s, a, s are a legal form's letters; else as it is."""
    letters = (m.group(2), *m.group(3)[1::2])
    return (f"{m.group(1)} {m.group(2)}{m.group(3)}" if letters in LEGAL_FORMS
            else m.group())


def name_tokens(name: str) -> list[str]:
    """Normalised tokens with spelling variants and legal forms folded. Never drops digits."""
    return fold_legal_forms([VARIANTS.get(t, t) for t in written_words(name)])


def written_words(name: str) -> list[str]:
    """The words of `name_tokens` before spelling variants and legal forms are folded: as
    written ('dev', not 'development'), for rules that must see them so."""
    text = read_as_latin(unicodedata.normalize("NFKC", clean_text(name))).casefold()
    if "." in text:
        text = _GLUED_DOTTED.sub(_unglue_dotted, text)
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", _EL_ARTICLE.sub("al ", text))).split()


def strip_vessel_prefix(tokens: list[str]) -> list[str]:
    """'M/T Nord Star' -> ['nord', 'star']; only applied where the name is a vessel's."""
    for prefix in VESSEL_PREFIXES:
        n = len(prefix)
        if len(tokens) > n and tuple(tokens[:n]) == prefix:
            return tokens[n:]
    return tokens
