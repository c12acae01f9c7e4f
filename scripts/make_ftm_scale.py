"""Write a synthetic FollowTheMoney file of about N names, for the scale benchmark.

    python scripts/make_ftm_scale.py --out /tmp/scale.ftm.json [--names 1500000]
        [--db db/sanctions.db | --base export.ftm.json] [--seed 14]
    sanctions build --db /tmp/scale.db --ftm scale=/tmp/scale.ftm.json

SYNTHETIC DATA, NOT A LIST: every entity is derived from the bundled build's own FtM export
(`sanctions export --format ftm`) and none is a real listing except copy 0, which is the export
itself with its ids kept. Copies 1..k get ids `synthetic-<k>-<id>`, the dataset `synthetic`,
names whose tokens after the first are recombined from other names of the same schema and then
each word of 4+ letters has one letter changed as `scripts/bench_scale.py` changes it (the same
change for the same word and copy: without it the file's 1.5M names held the bundled lists'
32,000 words and no more, and a build of it timed none of the work a larger vocabulary costs,
the neighbour table's above all), so the vocabulary and the number of distinct names grow as
OpenSanctions' do, and identifiers with new digits (IMO numbers with a valid check digit).
Sanction entities are copied with their entity. Other schemata (addresses, documents, links)
are left out. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import variant  # noqa: E402 (a script beside this one)

LISTED = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
ID_PROPS = ("imoNumber", "mmsi", "idNumber", "passportNumber", "registrationNumber", "taxNumber",
            "innCode", "ogrnCode", "callSign")


def base_entities(args: argparse.Namespace) -> list[dict[str, Any]]:
    if args.base:
        text = Path(args.base).read_text(encoding="utf-8")
    else:
        from sanctions.export.ftm import export_ftm

        buf = io.StringIO()
        export_ftm(args.db, buf)
        text = buf.getvalue()
    keep = (*LISTED, "Sanction")
    return [e for e in map(json.loads, text.splitlines()) if e["schema"] in keep]


def count_names(entity: dict[str, Any]) -> int:
    return sum(len(entity["properties"].get(p, [])) for p in NAME_PROPS)


def imo(rng: random.Random) -> str:
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return "IMO" + "".join(map(str, digits)) + str(check)


def new_digits(value: str, rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in value)


def perturb(entity: dict[str, Any], k: int, tokens: dict[str, list[str]],
            rng: random.Random) -> dict[str, Any]:
    props = {p: list(v) for p, v in entity["properties"].items()}
    pool = tokens[entity["schema"]]
    for prop in NAME_PROPS:
        names = []
        for name in props.get(prop, []):
            words = name.split()
            mixed = (" ".join([words[0], *(rng.choice(pool) for _ in words[1:])])
                     if len(words) > 1 else f"{words[0]} {rng.choice(pool)}")
            names.append(variant(mixed, k))  # new words, as a real collection has
        if names:
            props[prop] = names
    for prop in ID_PROPS:
        if prop in props:
            props[prop] = [imo(rng) if prop == "imoNumber" else new_digits(v, rng)
                           for v in props[prop]]
    return {"id": f"synthetic-{k}-{entity['id']}", "schema": entity["schema"],
            "properties": props, "datasets": ["synthetic"], "referents": [],
            "target": entity.get("target", False)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--names", type=int, default=1_500_000)
    parser.add_argument("--db", default="db/sanctions.db")
    parser.add_argument("--base", help="an FtM export to start from instead of --db's")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = base_entities(args)
    listed = [e for e in base if e["schema"] in LISTED]
    sanctions = defaultdict(list)
    for e in base:
        if e["schema"] == "Sanction":
            for target in e["properties"].get("entity", []):
                sanctions[target].append(e)
    tokens: dict[str, list[str]] = defaultdict(list)
    for e in listed:
        for prop in NAME_PROPS:
            for name in e["properties"].get(prop, []):
                tokens[e["schema"]].extend(name.split()[1:])
    per_copy = sum(map(count_names, listed))
    written = entities = 0
    with open(args.out, "w", encoding="utf-8") as out:
        k = 0
        while written < args.names:
            for entity in listed:
                if written >= args.names:
                    break
                copy = entity if k == 0 else perturb(entity, k, tokens, rng)
                out.write(json.dumps(copy, ensure_ascii=False) + "\n")
                for sanction in sanctions.get(entity["id"], ()):
                    s = sanction if k == 0 else {
                        **sanction, "id": f"synthetic-{k}-{sanction['id']}",
                        "properties": {**sanction["properties"], "entity": [copy["id"]]},
                        "datasets": ["synthetic"]}
                    out.write(json.dumps(s, ensure_ascii=False) + "\n")
                written += count_names(copy)
                entities += 1
            k += 1
    print(f"wrote {args.out}: {entities:,} entities, {written:,} names ({k} copies of "
          f"{per_copy:,} names)", file=sys.stderr)


if __name__ == "__main__":
    main()
