"""Terminal rendering (rich) of `sanctions screen` and `sanctions show` results.

Every value from the data or the query is escaped: a name is printed as written, never read as
rich markup ("[b]Vladimir Putin[/b]" stays those characters)."""

from __future__ import annotations

import errno
import os
import shutil
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..display import format_score


def _money(amount: int | None) -> str:
    return "-" if amount is None else f"${amount:,}"


class _Console(Console):
    """rich's console, except that a reader gone away (`| head`) is an error like any other
    failed write: rich would exit 1, which `sanctions screen` means as "a match"."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _console(out: TextIO | None = None, width: int | None = None) -> Console:
    # No emoji codes (":flag_ru:" in a name stays text) and no highlighting: data prints as is.
    return _Console(file=out, width=width, emoji=False, highlight=False)


def _cells(*values: Any) -> list[str]:
    return [escape("" if v is None else str(v)) for v in values]


def _file(f: dict[str, Any] | None) -> str:
    """'ofac_sdn/2024-05-03/sdn.csv (official, 2024-05-03); may be out of date: ...'."""
    if not f:
        return ""
    return (f"{f['path']} ({f['kind']}, {f['as_of'] or 'undated'})"
            + (f"; may be out of date: {f['stale']}" if f.get("stale") else ""))


def print_show(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or _console(width=160)
    first = result["records"][0]
    console.print(f"[bold]{escape(first['name'])}[/bold]  "
                  + escape(f"{first['type']}  {first['id']}"))
    others = len(result["records"]) - 1
    if others:
        console.print(escape(f"Linked to {others} other record(s); cluster "
                             f"{result['cluster_id']}"))

    listings = Table("record", "authority", "list", "program", "listed", "delisted", "status",
                     title="Listings")
    for d in result["listings"]:
        listings.add_row(*_cells(d["entity_id"], d["authority"], d["list"], d["program"],
                                 d["listed_on"], d["delisted_on"], d["status"]))
    console.print(listings)

    if result["rewards"]:
        rewards = Table("record", "program", "amount", "announced", "status", "organization",
                        title="Reward offers")
        for w in result["rewards"]:
            rewards.add_row(*_cells(w["entity_id"], w["program"], _money(w["amount_usd"]),
                                    w["announced"], w["status"], w["organization"]))
        console.print(rewards)

    for r in result["records"]:
        console.rule(escape(f"{r['id']}  {r['name']}"))
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
            ("file", _file(r.get("file"))),
            ("cited", "; ".join(f"{c['publisher']} {c['url']}" for c in r.get("citations", []))),
        ]
        grid = Table.grid(padding=(0, 2))
        for label, value in rows:
            if value:
                grid.add_row(f"[dim]{label}[/dim]", escape(value))
        console.print(grid)

    if result["links"]:
        links = Table("a", "b", "reason", "confidence", "evidence", title="Why these are linked")
        for lk in result["links"]:
            links.add_row(*_cells(lk["entity_a"], lk["entity_b"], lk["reason"],
                                  f"{lk['confidence']:.2f}", lk["detail"]))
        console.print(links)


def terminal_width() -> int:
    """The terminal's width (COLUMNS when set, as shells do); 120 when the output is not a
    terminal (a file or a pipe), as before, so a saved table keeps its long values on one line."""
    return shutil.get_terminal_size((120, 24)).columns


def print_sources(rows: list[dict[str, Any]], out: TextIO | None = None,
                  width: int | None = None) -> None:
    """The sources table, as wide as the terminal: short columns never wrap, the title wraps
    within its cell, and the publisher (the longest text) is left out below 120 columns, where
    it would make every row a paragraph (`--format json` has every field)."""
    width = width or terminal_width()
    wide = width >= 120
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("key", no_wrap=True)
    table.add_column("title")
    table.add_column("as of", no_wrap=True)
    table.add_column("age", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("entities", justify="right", no_wrap=True)
    if wide:
        table.add_column("publisher")
    for r in rows:
        age = "-" if r["age_days"] is None else f"{r['age_days']}d"
        count = "not built" if r["entity_count"] is None else f"{r['entity_count']:,}"
        # a source built from files of several dates says so under its title: its "as of" is
        # the main file's date, never the newest file's (ingest/provenance.py)
        more = (r.get("dates") or "").removeprefix(f"{r['as_of']}, ")
        title = r["title"] + (f"; {more}" if more and more != r["as_of"] else "")
        cells = _cells(r["key"], title, r["as_of"] or "-", age, r["kind"], count,
                       r["publisher"])
        table.add_row(*(cells if wide else cells[:-1]))
    _console(out, width).print(table)


class ScreenPrinter:
    """Prints each screening result as it comes (a batch is never held in memory for this)."""

    def __init__(self, out: TextIO) -> None:
        self.console = _console(out, terminal_width())

    def print(self, r: dict[str, Any]) -> None:
        console = self.console
        q = r["query"]
        title = escape(f"{q.get('name', '')!r}" + (f" (id {q['id']})" if q.get("id") else ""))
        if r.get("error"):
            console.print(f"{title}: error: {escape(r['error'])}")
            return
        if not r["matches"]:
            console.print(f"{title}: no match at or above the threshold")
            for m in r.get("closest", ()):  # one-off tables only (cli.oneoff._closest)
                console.print(escape(f"  closest under it: {format_score(m['score'])} "
                                     f"{m['entity_id']} {m['name']} ({_why(m)})"),
                              soft_wrap=True)  # a line each, whatever the terminal's width
            return
        table = Table(title=title, title_justify="left")
        for column in ("score", "band", "entity"):  # what a reader acts on is never cut short
            table.add_column(column, no_wrap=True)
        for column in ("name", "type", "programs", "also listed as"):
            table.add_column(column, overflow="fold")
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
            score, band, entity, etype, programs, also = _cells(
                format_score(m["score"]), m["band"], m["entity_id"], m["type"],
                ", ".join(m["programs"]), related)
            table.add_row(score, band, entity, name, etype, programs, also)
        console.print(table)
        best = r["matches"][0]
        console.print("why: " + escape(_why(best)))
        for m in r["matches"]:  # a recorded decision, and whether it still holds
            if d := m.get("decision"):
                console.print(escape(
                    f"decided: {m['entity_id']} {d['decision']} ({d['status']}) by {d['by']} "
                    f"on {d['at']}" + (f": {d['note']}" if d.get("note") else "")))
        for m in r["matches"]:  # as the entity pages say it: check the publisher
            if m.get("stale"):
                console.print(escape(f"older file: {m['entity_id']} is {m['stale']}"))


def _why(m: dict[str, Any]) -> str:
    """A match's explanation on one line, as the table's `why:` line gives its first."""
    return "; ".join(f"{k} {v['score']}: {v['detail']}".rstrip(": ")
                     for k, v in m["explanation"].items())


def print_screen(results: list[dict[str, Any]], out: TextIO) -> None:
    printer = ScreenPrinter(out)
    for r in results:
        printer.print(r)
