"""The index's layout: every structure retrieval and scoring read, built in memory here.

`Tables` is the contract between the matcher and where the index lives. `build_tables` makes
it from entities and names (plain lists, dicts and arrays); `sanctions.store.index_file` writes
the same structures to a file and opens them again as lazy, read-only look-ups (SQLite rows
paged through a memory map), so one built index serves every process. Both give the `Index`
the same values, so a query gets the same candidates and scores from either.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..normalize import LEGAL_CLASSES, equivalents, phonetic_key, vowel_fold
from .config import DEFAULT_CONFIG, MatchConfig
from .types import Entity, NameRow

_EMPTY = np.zeros(0, dtype=np.int32)


def pair_grams(token: str) -> list[str]:
    """The token's padded bigrams with their two letters in sorted order ('^m', 'am', 'da',
    ...): a transposition ('ab' -> 'ba') keeps the pair it swaps, so every edit of the optimal
    string alignment distance changes at most two of them (`sanctions.matching.grams`)."""
    padded = f"^{token}$"
    return [a + b if a <= b else b + a for a, b in zip(padded, padded[1:], strict=False)]


def csr(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of ints as one (indptr int64, indices int32) pair: row k is
    indices[indptr[k]:indptr[k + 1]]."""
    indptr = np.zeros(len(lists) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(x) for x in lists])
    indices = np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(indptr[-1]))
    return indptr, indices


def _no_prefetch(_names: Iterable[int]) -> None:
    return None


@dataclass(eq=False)
class Tables:
    """Everything the index reads. Sequences are indexed by name (`names`, `tokens`,
    `surnames`), entity (`entities`) or vocabulary id (`vocab_list`: tokens in (length,
    token) order)."""

    entities: Sequence[Entity]
    names: Sequence[NameRow]
    tokens: Sequence[list[str]]
    surnames: Sequence[frozenset[str]]
    vocab_list: list[str]
    df: np.ndarray  # names holding each vocabulary token
    postings: Callable[[int], np.ndarray]  # vocabulary id -> the names holding it (int32)
    name_len: np.ndarray  # float32 tokens per name
    name_weight: np.ndarray  # float32 each name's total token weight
    name_entity: np.ndarray  # int32 entity of each name
    joined: Mapping[str, Sequence[int]]  # adjacent tokens joined, whole compact names
    by_identifier: Mapping[str, Sequence[int]]  # identifier -> entities
    names_of: Mapping[int, Sequence[int]]  # entity -> names
    cluster_members: Mapping[str, Sequence[int]]  # cluster -> entities
    by_group: Mapping[int, Sequence[int]]  # spelling group -> vocabulary ids
    by_key: Mapping[str, Sequence[int]]  # romanisation / vowel-fold key -> vocabulary ids
    alpha_order: Sequence[int]  # vocabulary ids in alphabetical order
    prefetch: Callable[[Iterable[int]], None] = _no_prefetch  # names about to be scored
    # `pair_grams` gram -> the vocabulary ids holding it, ascending (int32)
    gram_ids: Callable[[str], np.ndarray] = lambda _g: _EMPTY
    # the postings as one CSR array pair (built here, or read from the file at open), and the
    # gram table likewise: its keys in order, with their rows (what the file writer reads)
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None
    gram_keys: list[str] | None = None
    gram_indptr: np.ndarray | None = None
    gram_indices: np.ndarray | None = None
    # opened from a file: which, and of which build (worker processes open the same one)
    path: str | None = None
    build_id: str | None = None

    @property
    def n(self) -> int:
        return max(len(self.names), 1)


def idf_of(n: int, df: int) -> float:
    return math.log(1 + n / df)


def build_tables(entities: list[Entity], names: list[NameRow], name_tokens_: list[list[str]],
                 surname_tokens: list[frozenset[str]], cfg: MatchConfig = DEFAULT_CONFIG
                 ) -> Tables:
    by_token: dict[str, list[int]] = {}
    for i, toks in enumerate(name_tokens_):
        for t in set(toks):
            by_token.setdefault(t, []).append(i)
    # the vocabulary in length order: a token is only compared with the slice of lengths
    # that could reach the similarity floor
    vocab_list = sorted(by_token, key=lambda t: (len(t), t))
    postings = [by_token[t] for t in vocab_list]
    indptr, indices = csr(postings)
    df = np.diff(indptr)
    n = max(len(names), 1)
    name_len = np.array([len(t) for t in name_tokens_], dtype=np.float32)
    # each name's total token weight: the share of it a query covers ranks candidates
    vocab_weight = np.array([idf_of(n, len(p)) * (cfg.legal_form_weight if t in LEGAL_CLASSES
                                                  else 1.0)
                             for t, p in zip(vocab_list, postings, strict=True)])
    name_weight = np.maximum(np.bincount(
        indices, weights=np.repeat(vocab_weight, df), minlength=len(names)),
        1e-6).astype(np.float32)
    # adjacent tokens joined ("hu po" -> "hupo") and whole compact names, for queries that
    # write a listed name as one word
    joined: dict[str, list[int]] = {}
    for i, toks in enumerate(name_tokens_):
        forms = {a + b for a, b in zip(toks, toks[1:], strict=False)}
        if 2 < len(toks) <= 5:
            forms.add("".join(toks))
        for form in forms:
            joined.setdefault(form, []).append(i)
    by_identifier: dict[str, list[int]] = {}
    for e_i, e in enumerate(entities):
        for ident in e.identifiers:
            by_identifier.setdefault(ident, []).append(e_i)
    names_of: dict[int, list[int]] = {}
    for n_i, row in enumerate(names):
        names_of.setdefault(row.entity, []).append(n_i)
    cluster_members: dict[str, list[int]] = {}
    for e_i, e in enumerate(entities):
        cluster_members.setdefault(e.cluster or e.id, []).append(e_i)
    # spellings of one name (rigour's data) and romanisation keys, to vocabulary ids
    by_group: dict[int, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    eq = equivalents()
    for j, t in enumerate(vocab_list):
        for g in eq.get(t, ()) if len(t) >= 5 else ():
            by_group.setdefault(g, []).append(j)
        if len(t) >= 5 and t.isalpha() and len(key := phonetic_key(t)) >= 4:
            by_key.setdefault(key, []).append(j)
        if len(t) >= 3 and t.isalpha():  # 'bin', 'din', 'nur': 'been', 'deen', 'noor'
            by_key.setdefault("=" + (fold := vowel_fold(t)), []).append(j)
            if "q" in fold:  # 'quds', 'qassem' as the press writes them: 'kuds', 'kassem'
                by_key.setdefault("=" + fold.replace("q", "k"), []).append(j)
    # the vocabulary in alphabetical order, for words cut short ('jupi' for 'jupiter')
    alpha_order = sorted(range(len(vocab_list)), key=vocab_list.__getitem__)
    by_gram: dict[str, list[int]] = {}
    for j, t in enumerate(vocab_list):
        for gram in set(pair_grams(t)):
            by_gram.setdefault(gram, []).append(j)
    gram_keys = sorted(by_gram)
    gram_indptr, gram_indices = csr([by_gram[g] for g in gram_keys])
    return Tables(
        entities=entities, names=names, tokens=name_tokens_, surnames=surname_tokens,
        vocab_list=vocab_list, df=df,
        postings=lambda j: indices[indptr[j]:indptr[j + 1]],
        name_len=name_len, name_weight=name_weight,
        name_entity=np.array([row.entity for row in names], dtype=np.int32),
        joined=joined, by_identifier=by_identifier, names_of=names_of,
        cluster_members=cluster_members, by_group=by_group, by_key=by_key,
        alpha_order=alpha_order, indptr=indptr, indices=indices, gram_keys=gram_keys,
        gram_indptr=gram_indptr, gram_indices=gram_indices,
        gram_ids=csr_lookup(gram_keys, gram_indptr, gram_indices))


def csr_lookup(keys: Sequence[str], indptr: np.ndarray, indices: np.ndarray
               ) -> Callable[[str], np.ndarray]:
    """key -> its row of a CSR pair (a view, no copy); empty for a key not there."""
    row = {k: i for i, k in enumerate(keys)}

    def get(key: str) -> np.ndarray:
        i = row.get(key)
        return _EMPTY if i is None else indices[indptr[i]:indptr[i + 1]]
    return get
