"""Tables for scripts/make_blind_set.py, written from general knowledge of names and typing.

Romanisations: the Arabic table follows the spellings that the common transliteration schemes
(ALA-LC/BGN "Muhammad", French-influenced Maghreb "Mohamed", Egyptian "g" for jim, Persian
"e" for kasra) and everyday English spellings give for the same Arabic name. The Slavic table
pairs Russian BGN/PCGN, ISO-9-like and English spellings with the Ukrainian form of the same
given name (Aleksandr / Alexander / Oleksandr). Abbreviations are those used in company
registers and in the Malay/South Asian "Mohd" / "Md" for Muhammad.
"""

from __future__ import annotations

QWERTY = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zcs",
    "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}
ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íï", "o": "óöô", "u": "úüû", "n": "ñ", "c": "ç",
           "s": "ş"}

# legal forms, honorifics and prefixes: words that name no one (left out of token checks)
_NOISE = ("llc ltd limited co company inc corp corporation sa s a gmbh jsc ooo oao pjsc fze "
          "fzco plc bv nv ag srl sarl spa cv de l c pte sdn bhd mr mrs ms dr sheikh shaikh "
          "haji hajji general gen col mullah prof eng m v t mv mt imo the of and "
          "liability joint stock open closed public private obshchestvo ogranichennoi "
          "ogranichennoy otvetstvennostyu otvetstvennostiu aktsionernoe zakrytoe otkrytoe "
          "publichnoe pao ao zao ojsc cjsc tov pjsc sas")
NOISE_WORDS = frozenset(_NOISE.split())

ARABIC_GROUPS = [
    "muhammad mohammed mohamed mohammad muhammed mohamad mouhamed",
    "ahmad ahmed ahmet", "yusuf youssef yousef yousif yusef",
    "husayn hussein hussain husain hossein huseyin", "hasan hassan", "mahmud mahmoud mahmood",
    "umar omar", "uthman othman osman", "khalid khaled", "said saeed sayed saeid",
    "jamal gamal", "qasim kassem qassem kasim", "salih saleh salah", "ibrahim ebrahim",
    "ismail ismael esmail", "mustafa mostafa moustafa", "abdullah abdallah abdulla",
    "abdul abdel abd", "ali aly", "abu abou", "husni hosni", "nasir nasser naser",
    "rashid rached rasheed", "faisal faysal feisal", "walid waleed", "sulayman suleiman "
    "soleiman sulaiman", "yahya yehia yahia", "musa moussa mousa", "isa issa eissa",
    "jafar jaafar jafer", "zayd zaid zeid", "hamid hamed", "majid majed", "sharif sherif",
    "muhsin mohsen mohsin", "ridha reza rida", "hizballah hezbollah hizbullah hizbollah",
    "qaida qaeda", "jihad djihad", "al el", "bin ben ibn",
]
ARABIC = {w: [x for x in g.split() if x != w] for g in ARABIC_GROUPS for w in g.split()}

SLAVIC_GROUPS = [
    "aleksandr alexander aleksander oleksandr alexandr", "aleksey alexei alexey oleksiy "
    "aleksei oleksii", "yevgeniy evgeny evgeniy yevgeny yevhen", "dmitriy dmitry dmitri "
    "dmytro", "sergey sergei serhiy sergiy", "yuriy yuri yury iurii", "andrey andrei andriy",
    "nikolay nikolai mykola", "vladimir volodymyr wladimir", "pyotr petr petro",
    "fyodor fedor fedir", "ilya ilia illia", "vitaliy vitaly vitalii", "anatoliy anatoly "
    "anatolii", "valeriy valery valerii", "gennadiy gennady gennadii", "grigoriy grigory "
    "hryhoriy", "arkadiy arkady arkadii", "mikhail mykhailo michail", "viktor victor",
    "yelena elena olena", "tatyana tatiana tetiana", "natalya natalia nataliya", "olga olha",
    "igor ihor", "oleg oleh", "vasiliy vasily vasyl", "konstantin kostiantyn", "maksim maxim "
    "maksym", "yakov iakov", "ekaterina yekaterina kateryna", "yuliya yulia iuliia",
]
SLAVIC = {w: [x for x in g.split() if x != w] for g in SLAVIC_GROUPS for w in g.split()}
# surname and patronymic endings: (ending, its other spellings)
SLAVIC_ENDINGS = [("skiy", ["sky", "skii", "ski"]), ("sky", ["skiy", "skii"]),
                  ("iy", ["y", "ii", "yi"]), ("yevich", ["evich"]), ("evich", ["yevich"]),
                  ("yeva", ["eva"]), ("yev", ["ev"]), ("ev", ["yev"]), ("kh", ["h"])]


def ending_variants(word: str, table: dict[str, list[str]]) -> list[str]:
    """Other spellings of a Slavic surname/patronymic ending; nothing for Arabic names."""
    if table is not SLAVIC:  # the article: al-Tikriti, el-Tikriti, al Tikriti
        if word.startswith(("al-", "el-")) and len(word) > 5:
            return [x + word[3:] for x in ("el-", "al-", "el ", "al ") if x != word[:3]]
        return []
    for end, alts in SLAVIC_ENDINGS:
        if word.endswith(end) and len(word) > len(end) + 3:
            return [word[:-len(end)] + a for a in alts]
    if word.startswith("ye") and len(word) > 5:
        return ["e" + word[2:]]
    return []


ABBREV = {
    "muhammad": ["Mohd", "Md", "Muhd"], "mohammed": ["Mohd", "Md"], "mohamed": ["Mohd", "Md"],
    "mohammad": ["Mohd", "Md"], "abdul": ["Abd"], "abdel": ["Abd"], "abdullah": ["Abd"],
    "international": ["Intl", "Int'l"], "company": ["Co", "Co."], "trading": ["Trdg", "Trd"],
    "corporation": ["Corp", "Corp."], "limited": ["Ltd", "Ltd."], "industries": ["Inds", "Ind"],
    "industrial": ["Indl", "Ind"], "group": ["Grp"], "shipping": ["Shpg"],
    "management": ["Mgmt", "Mgt"], "development": ["Dev", "Devt"], "technology": ["Tech"],
    "technologies": ["Tech"], "services": ["Svcs"], "engineering": ["Eng", "Engg"],
    "association": ["Assn"], "brothers": ["Bros"], "investment": ["Inv", "Invt"],
    "investments": ["Invts"], "manufacturing": ["Mfg"], "national": ["Natl", "Nat'l"],
    "general": ["Gen"], "construction": ["Constr"], "petroleum": ["Petr"],
    "incorporated": ["Inc"], "enterprises": ["Ent"], "enterprise": ["Ent"],
    "electronics": ["Elec"], "institute": ["Inst"], "university": ["Univ"],
    "foundation": ["Fdn"], "navigation": ["Nav"], "commercial": ["Comml"],
    "establishment": ["Est", "Estb"], "import": ["Imp"], "export": ["Exp"],
    "organization": ["Org"], "department": ["Dept"], "saint": ["St"],
}

# (listed legal form, folded; other ways to write the same form)
LEGAL = [
    ("limited liability company", ["LLC", "L.L.C.", "Ltd"]),
    ("co ltd", ["Company Limited", "Co., Limited", "Ltd"]),
    ("company limited", ["Co Ltd", "Co., Ltd.", "Ltd"]),
    ("llc", ["Limited Liability Company", "L.L.C.", "Ltd"]),
    ("ltd", ["Limited", "Co Ltd"]), ("limited", ["Ltd", "Ltd."]),
    ("joint stock company", ["JSC", "AO", "Company"]), ("jsc", ["Joint Stock Company", "AO"]),
    ("ooo", ["LLC", "O.O.O."]), ("oao", ["OJSC", "Open Joint Stock Company"]),
    ("pjsc", ["Public Joint Stock Company", "PAO"]),
    ("s a de c v", ["SA de CV", "S.A."]), ("s a", ["SA", "Sociedad Anonima"]),
    ("sa", ["S.A."]), ("c a", ["CA", "Compania Anonima"]), ("gmbh", ["G.m.b.H."]),
    ("inc", ["Incorporated", "Inc."]), ("corp", ["Corporation"]),
    ("corporation", ["Corp", "Corp."]), ("company", ["Co", "Co."]), ("co", ["Company"]),
    ("fze", ["FZ-LLC", "F.Z.E."]), ("fzco", ["FZE"]), ("sdn bhd", ["Sendirian Berhad"]),
    ("pte ltd", ["Private Limited", "Pte. Ltd."]), ("s r l", ["SRL", "S.R.L."]),
    ("sarl", ["S.A.R.L."]), ("plc", ["P.L.C.", "Public Limited Company"]),
]
ADDED_FORMS = ["LLC", "Ltd", "Co.", "Inc.", "Company", "JSC", "S.A.", "Limited", "FZE"]
VESSEL_PREFIX = ["M/V", "MV", "MT", "M/T", "M.V.", "M.T.", "MT.", "Tanker"]
TITLES = {False: ["Mr", "Mr.", "Dr.", "Dr", "Sheikh", "Haji", "General", "Colonel", "Prof.",
                  "Eng.", "Mullah", "Sayed"],
          True: ["Mrs", "Ms", "Ms.", "Dr.", "Madame", "Prof.", "Hajja"]}
SLAVIC_FATHERS = ["Ivan", "Petr", "Sergey", "Nikolay", "Viktor", "Aleksandr", "Mikhail",
                  "Yuriy", "Pavel", "Anatoly", "Boris", "Oleg", "Igor", "Vladimir"]
MIDDLE_NAMES = {False: ["James", "Ali", "Jose", "Antonio", "Ahmed", "Lee", "Karim", "John",
                        "Hassan", "Luis", "Omar", "Michael", "David", "Rafael"],
                True: ["Marie", "Ann", "Fatima", "Maria", "Elena", "Louise", "Grace",
                       "Zahra", "Carmen"]}
# hard negatives: words that make a vessel or a small company a different one
DISTINCT_WORDS = ["EXPRESS", "STAR", "GLORY", "SPIRIT", "PIONEER", "LEADER", "PRINCESS",
                  "HARMONY", "VENTURE", "HORIZON", "ATLANTIC", "PACIFIC", "NORTH", "SOUTH",
                  "SUNRISE", "DIAMOND", "PHOENIX", "FALCON", "ORION", "VICTORY"]
ORG_SWAPS = ["KENYA", "NORDIC", "COPPER", "CEDAR", "ALPINE", "CORAL", "SAPPHIRE", "MAPLE",
             "LOTUS", "AURORA", "BALTIC", "ANDES", "SAHARA", "ZENITH", "CRESCENT", "OLIVE",
             "HARBOR", "SUMMIT", "VELVET", "GRANITE", "MERIDIAN", "TITAN", "BRAVO", "ACACIA"]
FAKER_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR",
                 "nl_NL", "pl_PL", "sv_SE", "cs_CZ", "tr_TR", "id_ID", "vi_VN", "en_IN",
                 "ru_RU", "ar_AA", "zh_CN", "fil_PH"]
