"""Tables for the second dev/held-out sets (scripts/devset_v2.py): romanisation systems, name
equivalents, abbreviations, and listed people as the press of other scripts writes them.

Provenance: written for this project from general knowledge of how names are romanised and
abbreviated (German, French, Polish, Czech systems for Russian; French, Egyptian and press
habits for Arabic), not copied from any screening tool's tables or test cases. The matcher
must not import this module: it is the examiner's side.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# --- romanisation systems: one regex alternation each, applied to a lower-case word ---
# Each is a whole system (as a German or French clerk would write the same Russian name), so
# one query shows every alternation the system implies, not a single letter changed.
SLAVIC_SYSTEMS: dict[str, list[tuple[str, str]]] = {
    "german": [(r"shch", "schtsch"), (r"ovich$", "owitsch"), (r"evich$", "ewitsch"),
               (r"sh", "sch"), (r"zh", "sch"), (r"ch", "tsch"), (r"kh", "ch"), (r"ts", "z"),
               (r"ov$", "ow"), (r"ev$", "ew"), (r"^v", "w"), (r"^y(?=[aeiou])", "j"),
               (r"iy$", "ij")],
    "french": [(r"shch", "chtch"), (r"sh", "ch"), (r"zh", "j"), (r"ch", "tch"), (r"u", "ou"),
               (r"^yu", "iou"), (r"^ya", "ia"), (r"iy$", "i"), (r"ey$", "ei"),
               (r"(?<=[aeiou])s(?=[aeiou])", "ss")],
    "polish": [(r"shch", "szcz"), (r"sh", "sz"), (r"zh", "ż"), (r"ch", "cz"), (r"kh", "ch"),
               (r"ts", "c"), (r"v", "w"), (r"^y(?=[aeiou])", "j"), (r"iy$", "ij")],
    "czech": [(r"shch", "šč"), (r"sh", "š"), (r"zh", "ž"), (r"ch", "č"), (r"kh", "ch"),
              (r"ts", "c"), (r"^y(?=[aeiou])", "j"), (r"iy$", "ij"), (r"yy$", "yj")],
    "english_simple": [(r"iy$", "y"), (r"yy$", "y"), (r"^ye", "e"), (r"ks", "x"),
                       (r"ey$", "ei"), (r"ya", "ia"), (r"yu", "iu"), (r"'", "")],
}
ARABIC_SYSTEMS: dict[str, list[tuple[str, str]]] = {
    "french": [(r"ou", "ou"), (r"u", "ou"), (r"sh", "ch"), (r"j", "dj"), (r"q", "k"),
               (r"ah$", "a")],
    "egyptian": [(r"j", "g"), (r"dh", "z"), (r"th", "s"), (r"q", "'")],
    "press": [(r"ay", "ei"), (r"iy", "i"), (r"'", ""), (r"q", "k"), (r"ee", "i"),
              (r"(?<=[aeiou])s(?=[aeiou])", "ss")],
    "long_vowels": [(r"(?<=[bdfhjklmnrstz])i(?=[bdfhjklmnrstz]$)", "ee"),
                    (r"(?<=[bdfhjklmnrstz])u(?=[bdfhjklmnrstz]$)", "oo"), (r"'", "")],
}


def romaniser(rules: list[tuple[str, str]]) -> Callable[[str], str]:
    pattern = re.compile("|".join(f"(?P<g{i}>{frag})" for i, (frag, _) in enumerate(rules)))

    def apply(word: str) -> str:
        low = word.lower()
        out = pattern.sub(lambda m: rules[int(str(m.lastgroup)[1:])][1], low)
        if out == low:
            return word
        return out.upper() if word.isupper() else out.capitalize()
    return apply


# --- equivalent names across languages (one group: one name) ---
EQUIVALENTS: list[tuple[str, ...]] = [
    ("aleksandr", "alexander", "oleksandr", "alexandr", "aliaksandr", "alyaksandr"),
    ("aleksey", "alexei", "alexey", "oleksiy", "aleksei"), ("sergey", "sergei", "serhiy"),
    ("yuriy", "yuri", "yury", "iurii", "juri"), ("dmitriy", "dmitry", "dmytro", "dzmitry"),
    ("andrey", "andrei", "andriy"), ("mikhail", "michael", "mykhailo", "mikhael"),
    ("vladimir", "volodymyr", "uladzimir"), ("nikolay", "nikolai", "mykola"),
    ("yevgeniy", "evgeny", "yevhen", "evgeniy"), ("pavel", "pavlo"), ("igor", "ihor"),
    ("grigoriy", "grigory", "hryhoriy"), ("oleg", "oleh"), ("konstantin", "kostiantyn"),
    ("viktor", "victor"), ("anatoliy", "anatoly", "anatolii"), ("valeriy", "valery", "valerii"),
    ("georgiy", "georgy", "heorhiy"), ("yelena", "elena", "olena"),
    ("tatyana", "tatiana", "tetiana"), ("natalya", "natalia", "nataliya"), ("olga", "olha"),
    ("yuliya", "yulia", "julia"), ("irina", "iryna"), ("svetlana", "svitlana"),
    ("galina", "halyna"), ("maksim", "maxim", "maksym"), ("vasiliy", "vasily", "vasyl"),
    ("fedor", "fyodor", "fedir"), ("petr", "pyotr", "petro"), ("arkadiy", "arkady"),
    ("muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad"),
    ("ahmad", "ahmed"), ("husayn", "hussein", "hussain", "hosein", "hossein"),
    ("hasan", "hassan"), ("yusuf", "youssef", "yousef", "yusef", "yousif"),
    ("usama", "osama"), ("umar", "omar"), ("uthman", "othman", "osman"), ("khalid", "khaled"),
    ("abdallah", "abdullah", "abdulla"), ("ibrahim", "ebrahim"), ("ismail", "ismael", "esmail"),
    ("mahmud", "mahmoud", "mahmood"), ("mustafa", "mostafa", "moustafa"), ("jafar", "jaafar"),
    ("qasim", "qassem", "kassem", "qasem"), ("hamid", "hamed"), ("rashid", "rasheed", "rachid"),
    ("salih", "saleh"), ("yahya", "yahia"), ("isa", "issa"), ("musa", "moussa", "mousa"),
    ("yasin", "yassin", "yaseen"), ("nasir", "nasser", "naser"), ("karim", "kareem"),
    ("hisham", "hesham"), ("walid", "waleed"), ("majid", "majed"), ("faisal", "faysal"),
    ("tariq", "tarek", "tareq"), ("said", "saeed", "saied"), ("jamal", "gamal"),
    ("abd", "abdel", "abdul"), ("hizballah", "hezbollah", "hizbullah"),
    ("qaida", "qaeda"), ("mujahidin", "mujahideen", "mujahedin"), ("jaysh", "jaish", "jeish"),
]
EQUIVALENT: dict[str, tuple[str, ...]] = {w: g for g in EQUIVALENTS for w in g}

# --- abbreviations: persons (only given names that are abbreviated in practice) ---
PERSON_ABBREVIATIONS = {
    "muhammad": ("Mohd", "Md", "Muhd"), "mohammad": ("Mohd", "Md"), "mohammed": ("Mohd", "Md"),
    "mohamed": ("Md", "Mohd"), "abdul": ("Abd",), "abdel": ("Abd",), "abdullah": ("Abd",),
}
ORG_ABBREVIATIONS = {
    "international": "Intl", "trading": "Trdg", "company": "Co", "corporation": "Corp",
    "industries": "Inds", "industrial": "Indl", "limited": "Ltd", "group": "Grp",
    "management": "Mgmt", "shipping": "Shpg", "services": "Svcs", "development": "Dev",
    "investment": "Invt", "investments": "Invts", "engineering": "Eng", "technology": "Tech",
    "technologies": "Tech", "manufacturing": "Mfg", "brothers": "Bros", "association": "Assn",
    "national": "Natl", "foundation": "Fdn", "organization": "Org", "petroleum": "Petr",
    "construction": "Constr", "general": "Gen", "commercial": "Coml", "enterprises": "Ents",
    "enterprise": "Ent", "holding": "Hldg", "holdings": "Hldgs", "marine": "Mar",
    "maritime": "Marit", "navigation": "Nav", "aviation": "Avn", "chemicals": "Chems",
    "chemical": "Chem", "electronics": "Elecs", "machinery": "Mach", "equipment": "Equip",
    "incorporated": "Inc", "department": "Dept", "university": "Univ", "institute": "Inst",
    "research": "Res", "scientific": "Sci", "production": "Prodn", "agency": "Agcy",
    "and": "&", "import": "Imp", "export": "Exp", "transport": "Trans", "company,": "Co",
}

# --- listed people and groups as the press writing in another script names them ---
# (entity id, query, script). Only names that are settled in that language's press; the
# entity is the one the name denotes. Own knowledge, checked against the listed name.
PRESS_SCRIPT: list[tuple[str, str, str]] = [
    ("ofac_sdn:35096", "普京", "zh"), ("ofac_sdn:35096", "블라디미르 푸틴", "ko"),
    ("ofac_sdn:35096", "ウラジーミル・プーチン", "ja"),
    ("ofac_sdn:35096", "Βλαντιμίρ Πούτιν", "el"),
    ("ofac_sdn:35096", "ולדימיר פוטין", "he"), ("ofac_sdn:35096", "ولادیمیر پوتین", "fa"),
    ("ofac_sdn:35096", "فلاديمير بوتين", "ar"),
    ("ofac_sdn:22790", "尼古拉斯·马杜罗", "zh"), ("ofac_sdn:22790", "니콜라스 마두로", "ko"),
    ("ofac_sdn:22790", "ニコラス・マドゥロ", "ja"), ("ofac_sdn:22790", "Νικολάς Μαδούρο", "el"),
    ("ofac_sdn:22790", "ניקולס מדורו", "he"), ("ofac_sdn:22790", "نيكولاس مادورو", "ar"),
    ("ofac_sdn:20157", "金正恩", "zh"), ("ofac_sdn:20157", "김정은", "ko"),
    ("ofac_sdn:20157", "キム・ジョンウン", "ja"), ("ofac_sdn:20157", "كيم جونغ أون", "ar"),
    ("ofac_sdn:21444", "김여정", "ko"), ("ofac_sdn:23213", "최룡해", "ko"),
    ("ofac_sdn:9760", "Александр Лукашенко", "ru"), ("ofac_sdn:9760", "卢卡申科", "zh"),
    ("ofac_sdn:9760", "알렉산드르 루카셴코", "ko"), ("ofac_sdn:9760", "Αλεξάντερ Λουκασένκο", "el"),
    ("ofac_sdn:26945", "علی خامنه‌ای", "fa"), ("ofac_sdn:26945", "علي خامنئي", "ar"),
    ("ofac_sdn:26945", "עלי חמינאי", "he"), ("ofac_sdn:12735", "بشار الأسد", "ar"),
    ("ofac_sdn:12735", "巴沙尔·阿萨德", "zh"), ("ofac_sdn:12735", "בשאר אל-אסד", "he"),
    ("ofac_sdn:10481", "قاسم سلیمانی", "fa"), ("ofac_sdn:10481", "قاسم سليماني", "ar"),
    ("ofac_sdn:2686", "حسن نصرالله", "ar"), ("ofac_sdn:2686", "חסן נסראללה", "he"),
    ("ofac_sdn:35233", "Сергей Лавров", "ru"), ("ofac_sdn:35233", "拉夫罗夫", "zh"),
    ("ofac_sdn:35233", "Σεργκέι Λαβρόφ", "el"), ("ofac_sdn:35173", "Сергей Шойгу", "ru"),
    ("ofac_sdn:23343", "Рамзан Кадыров", "ru"), ("ofac_sdn:23343", "رمضان قديروف", "ar"),
    ("ofac_sdn:4697", "حزب الله", "ar"), ("ofac_sdn:4697", "真主党", "zh"),
    ("ofac_sdn:4697", "חיזבאללה", "he"), ("ofac_sdn:4695", "حماس", "ar"),
    ("ofac_sdn:4695", "哈马斯", "zh"), ("ofac_sdn:4695", "חמאס", "he"),
    ("ofac_sdn:6636", "طالبان", "ar"), ("ofac_sdn:6366", "تنظيم القاعدة", "ar"),
    ("ofac_sdn:6366", "基地组织", "zh"),
]

# Arabic letters written interchangeably (hamza seats, taa marbuta, alef maqsura).
ARABIC_ORTHOGRAPHY = [("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"), ("ـ", "")]
ARABIC_ORTHOGRAPHY_BACK = [("ه ", "ة "), ("ي ", "ى ")]
