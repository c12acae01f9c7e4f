"""Terminal rendering (rich) of `sanctions screen` and `sanctions show` results.

Every value from the data or the query is escaped: a name is printed as written, never read as
rich markup ("[b]Vladimir Putin[/b]" stays those characters)."""

from __future__ import annotations

import shutil
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _money(amount: int | None) -> str:
    return "-" if amount is None else f"${amount:,}"


def print_show(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(width=160)
    first = result["records"][0]
    console.print(f"[bold]{first['name']}[/bold]  {first['type']}  {first['id']}")
    others = len(result["records"]) - 1
    if others:
        console.print(f"Linked to {others} other record(s); cluster {result['cluster_id']}")

    listings = Table("record", "authority", "list", "program", "listed", "delisted", "status",
                     title="Listings")
    for d in result["listings"]:
        listings.add_row(d["entity_id"], d["authority"], d["list"], d["program"] or "",
                         d["listed_on"] or "", d["delisted_on"] or "", d["status"])
    console.print(listings)

    if result["rewards"]:
        rewards = Table("record", "program", "amount", "announced", "status", "organization",
                        title="Reward offers")
        for w in result["rewards"]:
            rewards.add_row(w["entity_id"], w["program"], _money(w["amount_usd"]),
                            w["announced"] or "", w["status"] or "", w["organization"] or "")
        console.print(rewards)

    for r in result["records"]:
        console.rule(f"{r['id']}  {r['name']}")
        names = "; ".join(f"{n['name']} ({n['kind']})" for n in r["names"][1:])
        rows = [
            ("names", names),
            ("born", "; ".join(b["raw"] for b in r["birth_dates"])),
            ("birthplace", "; ".join(p["place"] for p in r["birth_places"])),
            ("nationality", "; ".join(f"{n['country']} ({n['kind']})" for n in r["nationalities"])),
            ("identifiers", "; ".join(
                f"{i['scheme']} {i['value']}" + (f" ({i['country']})" if i["country"] else "")
                + (" [check digit fails]" if i["valid"] == 0 else "") for i in r["identifiers"])),
            ("addresses", "; ".join(
                ", ".join(x for x in (a["address"], a["city"], a["country"]) if x)
                for a in r["addresses"])),
            ("vessel", ", ".join(f"{k} {v}" for k, v in (r["vessel"] or {}).items() if v)),
            ("relations", "; ".join(f"{x['kind']}: {x['target_name']}" for x in r["relations"])),
            ("url", r["url"] or ""),
        ]
        grid = Table.grid(padding=(0, 2))
        for label, value in rows:
            if value:
                grid.add_row(f"[dim]{label}[/dim]", value)
        console.print(grid)

    if result["links"]:
        links = Table("a", "b", "reason", "confidence", "evidence", title="Why these are linked")
        for lk in result["links"]:
            links.add_row(lk["entity_a"], lk["entity_b"], lk["reason"],
                          f"{lk['confidence']:.2f}", lk["detail"])
        console.print(links)


def print_screen(results: list[dict[str, Any]], out: TextIO) -> None:
    console = Console(file=out, width=shutil.get_terminal_size((120, 24)).columns)
    for r in results:
        q = r["query"]
        title = escape(f"{q.get('name', '')!r}" + (f" (id {q['id']})" if q.get("id") else ""))
        if r.get("error"):
            console.print(f"{title}: error: {escape(r['error'])}")
            continue
        if not r["matches"]:
            console.print(f"{title}: no match at or above the threshold")
            continue
        table = Table("score", "band", "entity", "name", "type", "programs", "also listed as",
                      title=title, title_justify="left")
        for m in r["matches"]:
            related = "; ".join(
                f"{x['entity_id']}" + (f" (reward ${x['reward_usd']:,})" if x["reward_usd"]
                                       else f" ({x['listed_on']})" if x["listed_on"] else "")
                for x in m["related"])
            name = escape(m["name"])
            if m["matched_name"] != m["name"]:
                name += f"\n[dim]matched: {escape(m['matched_name'])}[/dim]"
            if m["reward_usd"]:
                name += f"\nreward ${m['reward_usd']:,}"
            table.add_row(f"{m['score']:.2f}", m["band"], m["entity_id"], name, m["type"],
                          escape(", ".join(m["programs"])), escape(related))
        console.print(table)
        best = r["matches"][0]
        console.print("why: " + escape("; ".join(f"{k} {v['score']}: {v['detail']}".rstrip(": ")
                                                 for k, v in best["explanation"].items())))
