"""Pruned retrieval (`matching.topk`) against scoring every name: the same pools, name for
name, on the bundled list (pruning tried on any common word: the bundled list is too small for
the 20,000-posting default, which only a list of about a million names reaches)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sanctions.matching.index as index_module
import sanctions.matching.topk as topk
from sanctions.matching import DEFAULT_CONFIG, prepare
from sanctions.screening import get_index, make_query

EVAL = Path(__file__).parent.parent / "eval"


def test_pruned_pools_are_the_pools_of_every_name(full_db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    index = get_index(full_db)
    names = []
    with (EVAL / "dev_2.csv").open(encoding="utf-8") as fh:
        names += [row["query"] for i, row in enumerate(csv.DictReader(fh)) if i % 4 == 0]
    with (EVAL / "customers.csv").open(encoding="utf-8") as fh:
        names += [row["name"] for _, row in zip(range(100), csv.DictReader(fh), strict=False)]
    queries = [prepare(make_query({"name": n}), index, DEFAULT_CONFIG)
               for n in names]
    monkeypatch.setattr(topk, "PRUNE_MIN", 0)
    real_pruned, real_pool = topk.pruned_pool, topk._pool
    counts = {"pruned": 0, "passes": 0}

    def pruned(*args: Any, **kwargs: Any) -> np.ndarray | None:
        got = real_pruned(*args, **kwargs)
        counts["pruned"] += got is not None
        return got

    def pool(*args: Any, **kwargs: Any) -> tuple[np.ndarray | None, float]:
        counts["passes"] += 1
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(index_module, "pruned_pool", pruned)
    monkeypatch.setattr(topk, "_pool", pool)
    alts = [p.alternatives for p in queries]
    alts += [p.vessel_alternatives for p in queries if p.vessel_alternatives != p.alternatives]
    with_pruning = [index.retrieve(a, DEFAULT_CONFIG).tolist() for a in alts]
    monkeypatch.setattr(index_module, "pruned_pool", lambda *a, **k: None)
    without = [index.retrieve(a, DEFAULT_CONFIG).tolist() for a in alts]
    assert with_pruning == without
    # the check is not empty: many pools were pruned, some only on the second pass
    assert counts["pruned"] > len(alts) // 10
    assert counts["passes"] > counts["pruned"] + 5
    assert all(not a.any() for a in index._scratch.free)  # scratch arrays left zeroed
