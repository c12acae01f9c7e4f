"""The listed words a query word pairs with (`Index.similar`'s look-up), and the same for every
listed word made once at build time: the neighbour table.

A word's neighbours are the listed words of compatible lengths within the similarity floor
(candidates from `grams.gram_near`, a bound, or a short slice compared whole with rapidfuzz
`cdist`; then the scorer's own OSA similarity), the listed spellings of names it is a typo of,
and its equivalent spellings (`tokens.token_equivalence`). Most query words are listed words,
so the build computes every listed word's entry (`table`; at most `MAX_WORDS`, those most
names hold) and the index file stores it (`sanctions.store.index_write`): a process then reads
a listed word's entry instead of computing it. The entry depends on this module's code and its
helpers' (`MADE_BY`), on rapidfuzz, and on the config fields in `FIELDS`: the index file
names them all (`sanctions.store.index_write.table_made_by`),
and a table of another fingerprint is never read (the look-up is computed as without one).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..normalize import VARIANTS
from .config import MatchConfig
from .grams import gram_near, osa_of
from .letter_bound import Letters
from .tokens import token_equivalence

if TYPE_CHECKING:
    from .index import Index

_SPELLINGS = sorted((v for v in VARIANTS if v.isalpha()), key=lambda v: (len(v), v))
_SPELLING_LENS = [len(v) for v in _SPELLINGS]
SCAN_MAX = 300  # vocabulary slices longer than this are narrowed by grams first
BATCH_SCAN_MAX = 1_000  # ...or than this, for a batch's many tokens of one length
# The config fields an entry depends on (the floor, and the similarities equivalence gives).
FIELDS = ("token_floor", "equivalent_similarity", "phonetic_similarity")
# The code an entry is made by, beside normalisation and the names data, which the index
# file's own fingerprint covers (`index_write.MADE_BY`): a change to any of them, or another
# rapidfuzz, may change entries, so the table is not read then (`index_write.table_made_by`).
MADE_BY = ("matching/neighbours.py", "matching/grams.py", "matching/tokens.py",
           "matching/letter_bound.py")
CHUNK = 4_000  # listed words looked up per call at build time (by length: one cdist a length)
# Listed words the build makes entries for, at most (the ones most names hold). CPU a word:
# 0.15 ms at 1x the bundled lists' size (32,000 words, all in), 0.32 ms at 5x (120,000, all
# in), ~1.4 ms estimated at 30x (~670,000): this many keep the 1.5M-name build near 530 s.
MAX_WORDS = 150_000

Entry = tuple[np.ndarray, np.ndarray]  # vocabulary ids (int64, ascending), similarities


class Stored(Protocol):
    """A table written at build time (`sanctions.store.index_file` reads it), made with the
    config whose `FIELDS` are `config`."""

    config: tuple[float, ...]

    def read(self, ids: Sequence[int]) -> dict[int, Entry]:
        """The entries of these listed words' vocabulary ids: of those the table covers."""


def config_key(cfg: MatchConfig) -> tuple[float, ...]:
    """The fields of `cfg` an entry depends on."""
    return tuple(getattr(cfg, f) for f in FIELDS)


def look_up(index: Index, todo: Sequence[str], cfg: MatchConfig, workers: int = 1,
            letters: Letters | None = None) -> dict[str, Entry]:
    """Each word's entry: the listed words it would pair with in scoring, with the similarity
    (the same for a word whatever other words it is looked up with). `letters` (the table's):
    candidates its bound rules out are dropped before their OSA, with the same entries."""
    by_len: dict[int, list[str]] = {}
    for t in todo:
        by_len.setdefault(len(t), []).append(t)
    c = cfg.token_floor
    # OSA similarity s implies fuzz.ratio >= 1 - 2(1 - s)/(1 + s): the cheaper ratio
    # (bit-parallel, uint8) finds every candidate, OSA then gives the scorer's value
    prefilter = math.floor(100 * (1 - 2 * (1 - c) / (1 + c)))
    top = len(index.len_start) - 1
    looked: list[tuple[str, np.ndarray, list[tuple[float, str]]]] = []
    for n, group in by_len.items():
        # OSA similarity <= min(len) / max(len): outside these lengths it cannot reach c
        lo = index.len_start[min(math.ceil(n * c - 1e-9), top)]
        hi = index.len_start[min(math.floor(n / c + 1e-9) + 1, top)]
        # a long slice: only the tokens sharing enough bigrams (one cdist for many tokens
        # of a batch costs less per token, so batches switch later)
        if hi - lo > (SCAN_MAX if len(group) < 8 else BATCH_SCAN_MAX):
            # a superset of the tokens within c (the same as the ratio would keep, and
            # more): the OSA below keeps the same ones
            found = [gram_near(index, t, lo, hi, c) for t in group]
        else:
            scores = process.cdist(group, index.vocab_list[lo:hi], scorer=fuzz.ratio,
                                   dtype=np.uint8, score_cutoff=prefilter, workers=workers)
            found = [np.flatnonzero(row) + lo for row in scores]
        spellings = _SPELLINGS[bisect.bisect_left(_SPELLING_LENS, math.ceil(c * n - 1e-9)):
                               bisect.bisect_right(_SPELLING_LENS, math.floor(n / c + 1e-9))]
        spelled = process.cdist(group, spellings, scorer=OSA.normalized_similarity,
                                dtype=np.float32, score_cutoff=c - 1e-6, workers=workers)
        for t, ids in zip(group, found, strict=True):
            looked.append((t, ids, []))
        # the few typos of variant spellings found, all of the group's at once
        rows, cols = np.nonzero(spelled)
        for g, k, s in zip(rows.tolist(), cols.tolist(), spelled[rows, cols].tolist(),
                           strict=True):
            looked[len(looked) - len(group) + g][2].append((round(s, 4), spellings[k]))
    if letters is not None:  # fewer candidates, none the OSA below would keep
        kept = letters.prune([(t, ids) for t, ids, _ in looked], c)
        looked = [(t, ids, sp) for (t, _, sp), ids in zip(looked, kept, strict=True)]
    sims = osa_of(index.vocab_array, [(t, ids) for t, ids, _ in looked], workers)
    out: dict[str, Entry] = {}
    for (t, ids, spelled_as), osa in zip(looked, sims, strict=True):
        near = _near(index, t, ids, osa, c)
        for s, v in spelled_as if t.isalpha() else ():
            # 'ahemd' is a typo of 'ahmed', which is listed as 'ahmad'
            if (j := index.vocab.get(VARIANTS[v])) is not None:
                near[j] = max(near.get(j, 0.0), s)
        for j in index.equivalent_ids(t):  # 'youssef' for 'yusuf', 'hezbollah'...
            if e := token_equivalence(t, index.vocab_list[j], cfg):
                near[j] = max(near.get(j, 0.0), e)
        order = sorted(near)
        out[t] = (np.array(order, dtype=np.int64),
                  np.array([near[j] for j in order], dtype=np.float32))
    return out


def _near(index: Index, t: str, ids: np.ndarray, sims: np.ndarray, c: float
          ) -> dict[int, float]:
    """Of the candidate vocabulary ids, those within OSA similarity c of t (`sims`, from
    `grams.osa_of`), with it; t itself at 1.0. Numbers only ever match themselves."""
    own = index.vocab.get(t)
    if not t.isalpha():
        return {own: 1.0} if own is not None and own in ids else {}
    if not len(ids):
        return {}
    keep = sims >= c - 1e-6
    near = dict(zip(ids[keep].tolist(), sims[keep].tolist(), strict=True))
    if own is not None and own in near:
        near[own] = 1.0
    return near


def table(index: Index, cfg: MatchConfig, workers: int = 1, most: int = MAX_WORDS
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The entries of the listed words, or of the `most` that most names hold when there are
    more (the work grows as the square of the vocabulary: at 30x the bundled lists' size every
    word would cost more than the rest of the build), as CSR arrays: (words' vocabulary ids
    ascending, indptr int64 over them, ids int32, similarities float32). Words of one length
    are looked up together (one `cdist` each); `workers` processes share the words (forked:
    they read the index this one built)."""
    with Table(index, cfg, workers, most) as made:
        return made.result()


class Table:
    """`table`, started now and collected by `result`: with `workers` > 1 the forked workers
    make it while this process does other work (the index writer writes the rest of its file
    meanwhile, so the build's last step uses every core). `close` (or leaving the `with`)
    stops workers still running, e.g. when that other work failed."""

    def __init__(self, index: Index, cfg: MatchConfig, workers: int = 1,
                 most: int = MAX_WORDS) -> None:
        vocab = index.vocab_list
        if len(vocab) <= most:
            covered = np.arange(len(vocab), dtype=np.int64)
        else:  # the most names' words (ties: the shorter), back in vocabulary (length) order
            covered = np.sort(np.argsort(-np.asarray(index.tables.df),
                                         kind="stable")[:max(most, 0)])
        self.covered = covered
        self.words = [vocab[j] for j in covered.tolist()]
        self.chunks = [self.words[k:k + CHUNK] for k in range(0, len(self.words), CHUNK)]
        self.index, self.cfg = index, cfg
        # the letter bound's counts, made before the fork (the workers share them)
        self.letters = Letters(vocab) if self.chunks else None
        self.pool: Any = None
        self.pending: Any = None
        if workers > 1 and len(self.chunks) > 1:
            import multiprocessing  # noqa: PLC0415 (only a build forks)

            global _BUILDING
            _BUILDING = (index, cfg, self.letters)  # the workers', forked here (until `close`)
            try:
                self.pool = multiprocessing.get_context("fork").Pool(workers)
                self.pending = self.pool.map_async(_chunk, self.chunks, chunksize=1)
            except BaseException:
                self.close()
                raise

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self.pending is not None:
            parts = self.pending.get()
            self.close()
        else:
            parts = [_pack(chunk, look_up(self.index, chunk, self.cfg, letters=self.letters))
                     for chunk in self.chunks]
        counts = (np.concatenate([p[0] for p in parts]) if parts
                  else np.zeros(0, dtype=np.int64))
        indptr = np.zeros(len(self.words) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        ids = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        sims = (np.concatenate([p[2] for p in parts]) if parts
                else np.zeros(0, dtype=np.float32))
        return self.covered, indptr, ids, sims

    def close(self) -> None:
        global _BUILDING
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        _BUILDING = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_BUILDING: tuple[Index, MatchConfig, Letters | None] | None = None  # a table worker's


def _chunk(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    assert _BUILDING is not None
    index, cfg, letters = _BUILDING
    return _pack(words, look_up(index, words, cfg, letters=letters))


def _pack(words: list[str], entries: dict[str, Entry]
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words' entries in their order, as (counts, ids int32, sims float32)."""
    got = [entries[t] for t in words]
    counts = np.array([len(ids) for ids, _ in got], dtype=np.int64)
    if not got:
        return counts, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    return (counts, np.concatenate([ids for ids, _ in got]).astype(np.int32),
            np.concatenate([s for _, s in got]))
