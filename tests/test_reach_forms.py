"""The re-screen pre-filter's shortcuts (sanctions.matching.reach, reach_forms,
sanctions.rescreen_filter) against what they stand for: the matcher's own functions on real
words and listed names."""

from __future__ import annotations

import csv
from pathlib import Path

from sanctions.matching.reach_forms import may_respell
from sanctions.normalize import clean_text, spelling_variants
from sanctions.rescreen import ChangeSet, rescreen
from sanctions.rescreen_filter import FORK_ROWS
from sanctions.screening import screen_many

EVAL = Path(__file__).resolve().parent.parent / "eval"


def test_may_respell_keeps_every_word_spelling_variants_respells() -> None:
    """may_respell gates the words of a file with spelling_variants' own patterns, in one
    search: every word of the customers and of the eval sets that spelling_variants respells
    must pass (a new rule in spelling_variants with no gate of its own fails here)."""
    words: set[str] = set()
    for name, column in (("customers.csv", "name"), ("dev_set.csv", "query"),
                         ("holdout_set.csv", "query"), ("dev_2.csv", "query"),
                         ("holdout_2.csv", "query")):
        with (EVAL / name).open(encoding="utf-8", newline="") as fh:
            words.update(w for r in csv.DictReader(fh) for w in clean_text(r[column]).split())
    words.update(["Kalasznikow", "Naskewitsch", "Roussanov", "Djaych", "OAONOVATEK",
                  "SURGUTMEBELOOO", "KOMINVEXDOOBEOGRAD", "السعادى", "اغا"])
    respelled = {w for w in words if spelling_variants(w)}
    kept = set(may_respell(words))
    assert len(respelled) > 500
    assert sorted(respelled - kept) == []
    assert len(kept) < len(words)  # it does leave words out


def test_a_listed_initial_reaches_the_names_it_starts(full_db: Path) -> None:
    """A person's listed initial pairs with a customer's word it starts: 'Mr. O' (an alias of
    OFAC's YU, Pu Ung) scores 'Mr. Oleg', 'AHMED, A.' (GHAILANI) 'Ahmed Alexander', at the
    threshold in a full screen; a re-screen against them must report both, at the same
    score."""
    queries = [{"id": "1", "name": "Mr. Oleg"}, {"id": "2", "name": "Ahmed Alexander"}]
    change = ChangeSet("test", changed={"ofac_sdn:47701", "ofac_sdn:6925"})
    full = {(r["query"]["id"], m["entity_id"], m["score"])
            for r in screen_many(queries, db=full_db, decisions=False) for m in r["matches"]
            if m["entity_id"] in change.changed}
    assert {(q, e) for q, e, _ in full} == {("1", "ofac_sdn:47701"), ("2", "ofac_sdn:6925")}
    got = {(r["query"]["id"], m["entity_id"], m["score"])
           for r in rescreen(queries, since=change, db=full_db, audit=False)
           for m in r["matches"]}
    assert got == full


def test_two_processes_report_what_one_does(full_db: Path) -> None:
    """A file long enough to be shared with a forked helper (FORK_ROWS) gives the same reports,
    in the same order, with one process and with two."""
    with (EVAL / "customers.csv").open(encoding="utf-8", newline="") as fh:
        rows = [{"id": r["id"], "name": r["name"]}
                for _, r in zip(range(FORK_ROWS), csv.DictReader(fh), strict=False)]
    rows += [{"id": "p1", "name": "Ahmed Alexander"}, {"id": "p2", "name": "Mr. Oleg"}]
    change = ChangeSet("test", changed={"ofac_sdn:47701", "ofac_sdn:6925"})
    one, two = ([(r["query"]["id"], [(m["entity_id"], m["score"]) for m in r["matches"]])
                 for r in rescreen(rows, since=change, db=full_db, audit=False, workers=w)]
                for w in (1, 2))
    assert two == one
    assert [k for k, _ in one][-2:] == ["p1", "p2"]


def test_a_failed_helper_has_its_share_done_again() -> None:
    """A forked helper that ends without sending its share (killed, out of memory) costs no
    row: its share is done again in the caller; one that sent it is read back."""
    import os
    import pickle

    from sanctions.rescreen_filter import _collect

    for code, sent in ((1, b""), (0, pickle.dumps(["sent"]))):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper
            os.close(read)
            os.write(write, sent)
            os._exit(code)
        os.close(write)
        assert _collect(pid, read, redo=lambda: ["done again"]) == (
            ["done again"] if code else ["sent"])
