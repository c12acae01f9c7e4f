"""Terminal rendering of `sanctions show` (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
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
