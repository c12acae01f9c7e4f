"""A customer file's preparation for the re-screen's filter (sanctions.matching.reach): the
work on each of its names and words that depends on no build, kept as text so a later
re-screen of the same (or a slightly changed) file reads it back instead of doing it again
(sanctions.store.prepared keeps it beside the decisions file):

- a name's tokens (`query_tokens` of its clean_text), keyed by that text;
- a word's spelling forms (`spelling_forms`: may_respell's gate, spelling_variants and the
  tokens of the word and of each spelling), keyed by the word as written;
- a word's abjad reading (`consonants.abjad_words`: romanised, its consonant key, its vowels),
  keyed by the word of an abjad name (`reach_forms.other_forms` reads each on its own: 21-30
  ms for the 633 words of 10,000 customers, against 5-7 to read them back).

What depends on the build (whether a list spells a word, `listed_spellings`, the letter-class
table) is worked out each time from these, so a nightly re-screen after a new build reads them
too. A name or word not held here is worked out as without a preparation (and noted in `new`,
for the store); a held one reads back exactly what the functions make (only a value that
decodes to what they made is noted). Pure data: no file is read here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from .consonants import Written, abjad_words
from .reach_forms import Spelling, query_tokens, spelling_forms

# separators of a word's value: tokens are split at white space (never hold any), and no
# clean_text holds a control character; a value that does not decode back is not kept
_PART, _PAIR = "\x1e", "\x1f"


class Prepared:
    """Names' tokens, words' spelling forms and abjad readings, as text (`names`: clean text
    -> its tokens joined by spaces; `words`: a word -> "" for one with no other spelling, else
    its tokens, then each spelling and its tokens; `readings`: a word -> its `abjad_words` as
    JSON). `new` holds what was worked out here and is not held yet, for the store (`merge`
    holds it)."""

    def __init__(self, names: dict[str, str] | None = None,
                 words: dict[str, str] | None = None,
                 readings: dict[str, str] | None = None) -> None:
        self.names = names if names is not None else {}
        self.words = words if words is not None else {}
        self.readings = readings if readings is not None else {}
        self.new_names: dict[str, str] = {}
        self.new_words: dict[str, str] = {}
        self.new_readings: dict[str, str] = {}

    @property
    def new(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """What was worked out here and is not held yet (for `merge`, or the store)."""
        return self.new_names, self.new_words, self.new_readings

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
              readings: dict[str, str] | None = None) -> None:
        """Hold these new entries (worked out here, or by a forked process of the same file)."""
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
