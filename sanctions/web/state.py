"""What the plugin serves: one version of the sanctions database, as one immutable State.

Every request takes the State once and uses only it (its Datasette database, its sources for
the footer, its matcher index), so a page or an answer never mixes two versions of the file.
sanctions.web.live replaces the State, and Datasette's database with it, in one step.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from datasette.utils import tilde_encode

from .pinned import FileKey, PinnedDatabase

# Names recently screened: a newly loaded index looks their tokens up before it is swapped in,
# so the first queries after a swap are as fast as before it.
RECENT_NAMES: deque[str] = deque(maxlen=300)
ANSWERS = 4096  # answers kept per State; with MAX_ANSWER_CHARS, at most about 80 MB
MAX_ANSWER_CHARS = 20_000  # about 20 matches with explanations; longer ones are not kept


@dataclass(frozen=True, slots=True)
class State:
    database: str  # Datasette's name for it (the file's stem, or the plugin's `database`)
    db: PinnedDatabase
    key: FileKey
    generation: int  # 1 for the file served at startup, +1 for each replacement swapped in
    sources: list[dict[str, Any]]
    build: dict[str, str]  # build_info: built_at, version, ...
    sha256: str
    entities: int
    index: Any = None  # the matcher's index (sanctions.screening.Index), None while loading
    # Answers to single queries already screened against this index (exact: the index never
    # changes), so a repeated query costs no matching; a new State starts empty.
    answers: OrderedDict[str, str] = field(default_factory=OrderedDict, compare=False, repr=False)

    def answer(self, key: str) -> str | None:
        found = self.answers.get(key)
        if found is not None:
            self.answers.move_to_end(key)
        return found

    def remember(self, key: str, answer: str) -> None:
        """Keep an answer, dropping the least recently used beyond ANSWERS entries (called on
        the event loop only, so no lock)."""
        if len(answer) <= MAX_ANSWER_CHARS:
            self.answers[key] = answer
            while len(self.answers) > ANSWERS:
                self.answers.popitem(last=False)

    def describe(self) -> dict[str, Any]:
        """The version served, for /-/readyz (no server path: the file's name is enough)."""
        return {"database": self.database, "built_at": self.build.get("built_at"),
                "version": self.build.get("version"), "sha256": self.sha256,
                "inode": self.key[1], "generation": self.generation, "entities": self.entities}


def entity_url(datasette: Any, database: str, entity_id: str) -> str:
    return str(datasette.urls.row(database, "entities", tilde_encode(entity_id)))
