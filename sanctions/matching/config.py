"""The matcher's weights and thresholds, in one typed config with documented defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Weights and thresholds. Defaults were set on the dev set (eval/dev_set.csv)."""

    threshold: float = 0.80  # default alarm threshold: see README "Choosing the threshold"
    exact_band: float = 0.99  # score at or above: "exact"
    strong_band: float = 0.90  # at or above: "strong"; from threshold: "review"; below: "weak"
    token_floor: float = 0.70  # per-token OSA similarity below this is no match (nor retrieved)
    candidates: int = 15  # names rescored per query, at most (more when asked for more)
    min_coverage: float = 0.5  # a name covering less of the query scores < 0.75 on names
    min_candidates: int = 5  # ...but the best few are always rescored (for --threshold 0)
    initial_similarity: float = 0.85  # "N" against "Nicolas"
    equivalent_similarity: float = 0.95  # "Youssef" against "Yusuf": one name, rigour's data
    phonetic_similarity: float = 0.85  # "Hezbollah" against "Hizballah": one romanisation key
    prefix_similarity: float = 0.85  # "Diosd" for "Diosdado", when the rest of the name agrees
    abbreviation_similarity: float = 0.8  # "Trdg" for "Trading" (letters in order), likewise
    extra_word_penalty: float = 0.12  # a query word the listed name lacks, at full weight
    extra_given_name_penalty: float = 0.15  # ...a person's given name the listed name lacks
    dropped_token_weight: float = 0.3  # weight of a listed token the query leaves out
    middle_name_weight: float = 0.3  # ...of a query's middle name the list lacks (`middle`)
    extra_middle_name_penalty: float = 0.05  # ...and its charge (an initial's: 0.03)
    legal_form_weight: float = 0.15  # weight of "ltd", "llc", ... relative to a name token
    family_name_weight: float = 1.3  # listed surname tokens (before the comma) count more
    joined_factor: float = 0.97  # "alqaida" vs "al qaida": the re-joined score, discounted
    aside_factor: float = 0.93  # 'Ismael "El Mayo" Zambada' tried without its quoted words
    consonant_reading_factor: float = 0.9  # an abjad query read by its consonants
    misread_vowel_factor: float = 0.8  # ...per word whose written vowels the reading lacks
    # ...a katakana, Hangul or Chinese transliteration: those scripts write the vowels too
    vowelled_reading_factor: float = 0.95
    joined_min_similarity: float = 0.85  # unpaired words, joined, must spell the same this well
    no_surname_factor: float = 0.85  # a person's listed surname nowhere in the query
    common_name_factor: float = 0.9  # common names only, and the listed name says more
    one_common_word_factor: float = 0.8  # a company named by one common name ('Tara LLC')
    missing_syllable_factor: float = 0.85  # 'chen huan' for 'CHEN, Shih Huan'
    distinctive_factor: float = 0.85  # the listed name's most telling word replaced by another
    skipped_given_factor: float = 0.9  # 'Antonio Moraes' for 'MORALES GUERRERO, Juan Antonio'
    bare_name_factor: float = 0.84  # one query word for a person of several ('Vargas': bare)
    one_word_slip_factor: float = 0.9  # 'Moura' for the ship OURA: one word, another (bare)
    distinct_name_factor: float = 0.9  # 'Saood' paired with 'SAID': two names (distinct.tsv)
    weak_alias_factor: float = 0.92  # a match on a low-quality alias
    type_mismatch_factor: float = 0.7
    number_mismatch_factor: float = 0.6  # "JI SONG 6" is not "JI SONG 8"
    identifier_mismatch_factor: float = 0.5  # the query's IMO differs from the vessel's
    birth_date_bonus: float = 0.03
    birth_date_conflict_factor: float = 0.85
    country_bonus: float = 0.02
    country_conflict_factor: float = 0.95


DEFAULT_CONFIG = MatchConfig()


def per_config(fn: Callable[[MatchConfig], T]) -> Callable[[MatchConfig], T]:
    """`fn` of a config worked out once per config object: scoring asks for it per query,
    and hashing a config (all its fields) cost more than the answer. Kept by identity (the
    config held, so its id is not reused), at most a few at a time."""
    seen: dict[int, tuple[MatchConfig, T]] = {}

    def of(cfg: MatchConfig) -> T:
        hit = seen.get(id(cfg))
        if hit is None or hit[0] is not cfg:
            if len(seen) >= 16:
                seen.clear()
            hit = seen[id(cfg)] = (cfg, fn(cfg))
        return hit[1]

    of.__doc__, of.__name__ = fn.__doc__, fn.__name__
    return of
