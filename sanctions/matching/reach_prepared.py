"""A customer file's preparation for the re-screen's filter (sanctions.matching.reach): the
work on each of its names and words that depends on no build, kept as text so a later
re-screen of the same (or a slightly changed) file reads it back instead of doing it again
(sanctions.store.prepared keeps it beside the decisions file):

- a name's tokens (`query_tokens` of its clean_text), keyed by that text;
- a word's spelling forms (`spelling_forms`: may_respell's gate, spelling_variants and the
  tokens of the word and of each spelling), keyed by the word as written;
- a word's abjad reading (`consonants.abjad_words`: romanised, its consonant key, its vowels),
  keyed by the word of an abjad name (`reach_forms.other_forms` reads each on its own: 21-30
  ms for the 633 words of 10,000 customers, against 5-7 to read them back);
- a file's record (`FileWork`: what its names in order make before an index is read, down to
  its distinct words and pairs, the names in another script or with an aside), keyed by a
  digest of the names (`file_key`): a file re-screened again reads it whole, one row
  (20,000 customers: 16% fewer instructions for a warm re-screen than from the entries).

What depends on the build (whether a list spells a word, `listed_spellings`, the letter-class
table) is worked out each time from these, so a nightly re-screen after a new build reads them
too. A name or word not held here is worked out as without a preparation (and noted in `new`,
for the store); a held one reads back exactly what the functions make (only a value that
decodes to what they made is noted). Pure data: no file is read here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from ..normalize import clean_text
from .asides import aside_form
from .consonants import Written, abjad_words
from .reach_forms import Spelling, may_respell, query_tokens, script_names, spelling_forms

# separators of a word's value: tokens are split at white space (never hold any), and no
# clean_text holds a control character; a value that does not decode back is not kept
_PART, _PAIR = "\x1e", "\x1f"
_DIGIT = re.compile(r"\d")
_SECTION = "\x1d"  # between the parts of a file's record (`FileWork`)
MAX_FILES = 4  # files' records a store keeps, the latest (a file, and each process's share)


class FileWork(NamedTuple):
    """What a file's names (in order) make before any index is read (sanctions.matching.reach
    starts so): the positions of the names it reads (none, nor one with a digit), their clean
    texts and tokens, their distinct tokens and adjacent pairs joined, their words as written,
    their forms without words in quotes or brackets (`asides.aside_form`, by position in
    `texts`: the few that have one), and those in a script read otherwise
    (`reach_forms.script_names`); and of the words as written `may_respell` lets through (a
    superset of those a list may spell otherwise), the names holding each (`holders`).
    Kept whole a file (`Prepared.file`), it is read back for less than it costs to make."""

    plain: list[int]
    texts: list[str]
    tokens: list[list[str]]
    wanted: set[str]
    tried: set[str]
    raw: set[str]
    asides: dict[int, list[str]]
    scripts: tuple[set[int], set[int], set[int], set[int]]
    holders: dict[str, list[int]]


def file_work(names: Sequence[str | None], prep: Prepared | None = None) -> FileWork:
    """What these names make before any index is read (a name of None or with a digit is not
    read: the filter screens it); with `prep`, read back from the file's record if it holds
    one, else worked out (each name's tokens read back if held) and recorded."""
    key = file_key(names) if prep is not None else None
    if key is not None and prep is not None and (work := prep.file(key)) is not None:
        return work
    plain = [i for i, n in enumerate(names) if n is not None and not _DIGIT.search(n)]
    texts = [clean_text(names[i] or "") for i in plain]
    tokens = prep.tokens(texts) if prep is not None else query_tokens(texts, cleaned=True)
    split = [t.split() for t in texts]
    raw = {w for ws in split for w in ws}
    holders: dict[str, list[int]] = {w: [] for w in may_respell(list(raw))}
    gated = holders.keys()
    for k, ws in enumerate(split):
        if not gated.isdisjoint(ws):  # a name in three holds one
            for w in gated & ws:
                holders[w].append(k)
    work = FileWork(plain, texts, tokens, *word_sets(tokens), raw,
                    {k: form for k, t in enumerate(texts) if (form := aside_form(t))},
                    script_names(texts), holders)
    if key is not None and prep is not None:
        prep.keep_file(key, len(names), work)
    return work


def word_sets(names: Sequence[Sequence[str]]) -> tuple[set[str], set[str]]:
    """These names' distinct tokens, and each adjacent pair joined (the words chained and the
    joins made by map, in C: a third less than comprehensions)."""
    return set(itertools.chain.from_iterable(names)), set(itertools.chain.from_iterable(
        map(operator.add, toks, toks[1:]) for toks in names if len(toks) > 1))


def file_key(names: Sequence[str | None]) -> str | None:
    """A digest of a file's names in order (None where a name is none): its record's key; None
    for names holding a separator (they go without a record)."""
    text = _PAIR.join(_PART if n is None else n for n in names)
    if text.count(_PAIR) + text.count(_PART) != max(len(names) - 1, 0) + names.count(None):
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Prepared:
    """Names' tokens, words' spelling forms and abjad readings, as text (`names`: clean text
    -> its tokens joined by spaces; `words`: a word -> "" for one with no other spelling, else
    its tokens, then each spelling and its tokens; `readings`: a word -> its `abjad_words` as
    JSON). `new` holds what was worked out here and is not held yet, for the store (`merge`
    holds it)."""

    def __init__(self, names: dict[str, str] | Callable[[], dict[str, str]] | None = None,
                 words: dict[str, str] | None = None,
                 readings: dict[str, str] | None = None,
                 files: dict[str, str] | None = None,
                 fetch: Callable[[str], str | None] | None = None) -> None:
        self._names = names if names is not None else {}
        self.words = words if words is not None else {}
        self.readings = readings if readings is not None else {}
        self.files = files if files is not None else {}
        self.fetch = fetch  # a file's record not in `files`, from the store (by its key)
        self.new_names: dict[str, str] = {}
        self.new_words: dict[str, str] = {}
        self.new_readings: dict[str, str] = {}
        self.new_files: dict[str, str] = {}

    @property
    def names(self) -> dict[str, str]:
        """Clean text -> its tokens; read from the store when first asked (`names` may be a
        function making them): a file whose record is held never asks."""
        if callable(self._names):
            self._names = self._names()
        return self._names

    @property
    def new(self) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
        """What was worked out here and is not held yet (for `merge`, or the store)."""
        return self.new_names, self.new_words, self.new_readings, self.new_files

    def file(self, key: str) -> FileWork | None:
        """The record of the file of this key (`file_key`), read back; None if not held (or
        not one `keep_file` writes)."""
        value = self.files.get(key)
        if value is None and self.fetch is not None:
            value = self.fetch(key)
        return None if value is None else _file_work(value)

    def keep_file(self, key: str, count: int, work: FileWork) -> None:
        """Hold the record of a file of `count` names (noted in `new_files`), if it reads back
        as it is (the positions as the count, then those of the names not read)."""
        plain = set(work.plain)
        value = _SECTION.join([
            " ".join(map(str, [count, *(i for i in range(count) if i not in plain)])),
            "\n".join(work.texts), "\n".join(" ".join(toks) for toks in work.tokens),
            *("\n".join(words) for words in (work.wanted, work.tried, work.raw)),
            "\n".join(" ".join([str(k), *form]) for k, form in work.asides.items()),
            "\n".join(" ".join(map(str, sorted(some))) for some in work.scripts),
            "\n".join(" ".join([w, *map(str, ks)]) for w, ks in work.holders.items())])
        if _file_work(value) == work:
            self.files[key] = self.new_files[key] = value

    def tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """query_tokens of these clean texts (fresh lists); those not held are worked out and
        noted in `new_names`."""
        names = self.names
        held = [names.get(t) for t in texts]
        out = [[] if v is None else v.split() for v in held]
        miss = [i for i, v in enumerate(held) if v is None]
        if miss:
            for i, toks in zip(miss, query_tokens([texts[i] for i in miss], cleaned=True),
                               strict=True):
                out[i] = toks
                value = " ".join(toks)
                if value.split() == toks:
                    self.new_names[texts[i]] = value
        return out

    def spellings(self, words: Iterable[str]) -> dict[str, Spelling]:
        """`spelling_forms` of these words; those not held are worked out and noted in
        `new_words`."""
        out: dict[str, Spelling] = {}
        miss = []
        get = self.words.get
        for w in words:
            value = get(w)
            if value is None:
                miss.append(w)
            elif value and (found := _spelling(value)) is not None:
                out[w] = found
            elif value:
                miss.append(w)  # not a value `_written` writes: worked out again
        if miss:
            made = spelling_forms(miss)
            out.update(made)
            for w in miss:
                written = _written(made[w]) if w in made else ""
                if written is not None and (not written or _spelling(written) == made[w]):
                    self.new_words[w] = written
        return out

    def abjad_words(self, word: str) -> list[Written]:
        """`consonants.abjad_words` of a word (fresh objects, read back or worked out); one not
        held is worked out and noted in `new_readings`."""
        value = self.readings.get(word)
        if value is not None and (found := _reading(value)) is not None:
            return found
        made = abjad_words(word)
        written = json.dumps(made, ensure_ascii=False)
        if _reading(written) == made:
            self.new_readings[word] = written
        return made

    def merge(self, names: dict[str, str], words: dict[str, str],
              readings: dict[str, str] | None = None,
              files: dict[str, str] | None = None) -> None:
        """Hold these new entries (worked out here, or by a forked process of the same file);
        the names are read from the store only if there are new ones (`names`)."""
        if names:
            self.names.update(names)
        self.words.update(words)
        if names is not self.new_names:
            self.new_names.update(names)
        if words is not self.new_words:
            self.new_words.update(words)
        if readings:
            self.readings.update(readings)
            if readings is not self.new_readings:
                self.new_readings.update(readings)
        if files:
            self.files.update(files)
            if files is not self.new_files:
                self.new_files.update(files)


def _file_work(value: str) -> FileWork | None:
    """A file's record read back (None: not one `keep_file` writes)."""
    parts = value.split(_SECTION)
    if len(parts) != 9:
        return None
    try:
        count, *skipped = map(int, parts[0].split())
        asides = {int(k): form for k, *form in map(str.split, parts[6].split("\n"))
                  } if parts[6] else {}
        scripts = tuple({*map(int, line.split())} for line in parts[7].split("\n"))
        holders = {w: [*map(int, ks)] for w, *ks in map(str.split, parts[8].split("\n"))
                   } if parts[8] else {}
    except ValueError:
        return None
    skip = set(skipped)
    plain = [i for i in range(count) if i not in skip] if skip else list(range(count))
    texts = parts[1].split("\n") if plain else []
    tokens = [line.split() for line in parts[2].split("\n")] if plain else []
    if len(texts) != len(plain) or len(tokens) != len(plain) or len(skip) != len(skipped):
        return None
    wanted, tried, raw = (set(part.split("\n")) if part else set() for part in parts[3:6])
    if len(scripts) != 4:
        return None
    return FileWork(plain, texts, tokens, wanted, tried, raw, asides, scripts, holders)


def _written(spelling: Spelling) -> str | None:
    toks, spelled = spelling
    if any(_PART in v or _PAIR in v for v, _ in spelled):
        return None
    return _PART.join([" ".join(toks), *(f"{v}{_PAIR}{' '.join(read)}" for v, read in spelled)])


def _spelling(value: str) -> Spelling | None:
    """A word's value read back (None: not one `_written` writes)."""
    first, *rest = value.split(_PART)
    spelled = []
    for part in rest:
        v, sep, read = part.partition(_PAIR)
        if not sep or _PAIR in read:
            return None
        spelled.append((v, read.split()))
    return (first.split(), spelled) if spelled else None


def _reading(value: str) -> list[Written] | None:
    """A word's abjad reading read back (None: not one `Prepared.abjad_words` writes): a JSON
    list of Written's fields, its tuples as lists of text."""
    try:
        found = json.loads(value)
    except ValueError:
        return None
    if not isinstance(found, list):
        return None
    out = []
    for fields in found:
        if not (isinstance(fields, list) and len(fields) == len(Written._fields)):
            return None
        word, key, first, last, script, *many = fields
        if not (isinstance(word, str) and isinstance(key, str) and isinstance(script, str)
                and all(v is None or isinstance(v, bool) for v in (first, last))
                and all(isinstance(m, list) and all(isinstance(t, str) for t in m)
                        for m in many)):
            return None
        out.append(Written(word, key, first, last, script, *map(tuple, many)))
    return out
