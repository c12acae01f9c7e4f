"""Screen a file on the web: `POST /-/screen/upload` (a CSV or XLSX as the body), then poll
`GET /-/screen/upload/<job>.json` and download `<job>.csv` or `<job>.xlsx`.

The file is read at once (a bad one is refused with one line, 400 or 413); its rows are then
screened in the background, in the matcher's lane as a batch (sanctions.web.lane) a chunk at a
time, so single queries from other clients keep going ahead of it. Results keep every input
column in front of the match columns, read and written by sanctions.batch_files as the CLI
reads and writes a batch file, so a file gives the same rows and columns on both. Jobs live in
this process's memory for JOB_SECONDS, at most MAX_JOBS of them; at most MAX_RUNNING are
screened at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePath
from typing import Any

from datasette.utils.asgi import Request, Response

from .. import screening
from ..batch_files import read_rows, write_results
from ..errors import SanctionsError
from .api import BadRequest, check, error, json_response, read_body, refused
from .guard import MAX_BODY_BYTES
from .lane import LANE, Busy
from .limits import limits
from .live import indexed_state
from .state import State

MAX_ROWS = 50_000
UPLOAD_LIMITS = {"max_bytes": MAX_BODY_BYTES, "max_rows": MAX_ROWS,
                 "max_mb": MAX_BODY_BYTES // 1_000_000}
CHUNK = 100  # rows per lane batch: progress moves, and other batches get their turns
GROUP = 8  # rows per lane item: fewer trips to a worker; a single query waits for at most one
MAX_JOBS = 16
MAX_RUNNING = 2
JOB_SECONDS = 3600.0
OPTIONS = ("threshold", "limit", "program")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(eq=False)
class Job:
    id: str
    filename: str
    columns: list[str]  # the file's, kept in front of the match columns
    rows: list[dict[str, Any]]  # each row's fields, as sanctions.screening.screen_record takes
    defaults: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    status: str = "queued"  # queued, screening, done, failed
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    task: asyncio.Task[None] | None = None

    def describe(self, datasette: Any) -> dict[str, Any]:
        base = datasette.urls.path(f"-/screen/upload/{self.id}")
        matched = sum(1 for r in self.results if r.get("matches"))
        failed = sum(1 for r in self.results if r.get("error"))
        body: dict[str, Any] = {
            "job": self.id, "file": self.filename, "status": self.status,
            "rows": len(self.rows), "screened": len(self.results), "matched": matched,
            "row_errors": failed, "error": self.error, "status_url": base + ".json"}
        if self.status == "done":
            body.update(csv=base + ".csv", xlsx=base + ".xlsx")
        return body


JOBS: OrderedDict[str, Job] = OrderedDict()


def _expire() -> None:
    now = time.monotonic()
    for key, job in list(JOBS.items()):
        if job.status in ("done", "failed") and (
                now - job.created > JOB_SECONDS or len(JOBS) > MAX_JOBS):
            del JOBS[key]


def _defaults(args: Any) -> dict[str, Any]:
    """The upload's search options (threshold, limit, program, source), validated as a query's
    are; a customer file's own columns of those names are passed through, not used."""
    found: dict[str, Any] = {k: v for k in OPTIONS if (v := (args.get(k) or "").strip())}
    sources = [s for s in args.getlist("source") if s]
    if sources:
        found["source"] = sources
    check({"name": "x", **found})
    return found


def _read(filename: str, data: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """A file's columns and rows (a row that cannot be read carries its `_error`, and comes
    back as that row's error); a file that cannot be read at all is BadRequest's one line."""
    try:
        columns, found = read_rows(data, filename)
        rows: list[dict[str, Any]] = []
        for row in found:
            if len(rows) == MAX_ROWS:
                raise BadRequest(f"{filename}: more than {MAX_ROWS:,} rows; at most "
                                 f"{MAX_ROWS:,} per file", 413)
            rows.append({**row.fields, "_row": row.line,
                         **({"_error": row.error} if row.error else {})})
    except SanctionsError as exc:
        raise BadRequest(str(exc)) from None
    if not rows:
        raise BadRequest(f"{filename}: no rows to screen")
    if columns is None:  # JSON lines: every key, in the order they first appear
        columns = list(dict.fromkeys(k for r in rows for k in r if k not in ("_row", "_error")))
    return columns, rows


def _screen_rows(state: State, rows: list[dict[str, Any]], defaults: dict[str, Any]) -> str:
    """A few rows screened in one lane item (in a worker process when there is one), their
    names' tokens looked up at once first, as sanctions.batch does: a 1,000-row file took 38 s
    a row at a time and 6 s so. A row's bad field is its own error (screen_record never
    raises)."""
    queries = []
    for q in rows:
        with contextlib.suppress(screening.QueryError):  # the row's own result says why
            queries.append(screening.make_query({**defaults, **screening.row_query(q)}))
    with contextlib.suppress(Exception):  # only a speed-up: each row is screened anyway
        state.index.warm(queries)
    results = [screening.screen_record(state.index, q, defaults) for q in rows]
    for result in results:  # the files have no column for it: 50,000 rows stay a few MB
        for match in result["matches"]:
            match.pop("explanation", None)
    return json.dumps(results, default=str)


async def _run(datasette: Any, job: Job) -> None:
    try:
        state = await indexed_state(datasette)  # one version for the whole file
        job.status = "screening"
        seconds = limits(datasette).batch_seconds

        async def chunk(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            items = [partial(_screen_rows, state, rows[i:i + GROUP], job.defaults)
                     for i in range(0, len(rows), GROUP)]
            done = await LANE.run(items, batch=True, seconds=seconds)
            return [r for d in done for r in json.loads(d)]

        # the lane runs one item of a batch at a time: as many chunks at once as there are
        # worker processes keep every core busy (single queries still go first)
        chunks = [job.rows[i:i + CHUNK] for i in range(0, len(job.rows), CHUNK)]
        parallel = max(1, LANE.workers_ready())
        for i in range(0, len(chunks), parallel):
            for part in await asyncio.gather(*map(chunk, chunks[i:i + parallel])):
                job.results.extend(part)
        job.status = "done"
    except (Busy, LookupError) as exc:
        job.status, job.error = "failed", str(exc)
    except Exception as exc:  # one line for the client; the server goes on
        job.status, job.error = "failed", f"screening stopped: {type(exc).__name__}"


async def upload(request: Request, datasette: Any) -> Response:
    """POST the file as the body (`?filename=` names it; `threshold`, `limit`, `program`,
    `source` as for a query): 202 with the job's status, or the one-line refusal."""
    try:
        if request.method != "POST":
            raise BadRequest("POST a CSV or XLSX file as the request body", 405)
        filename = PurePath((request.args.get("filename") or "upload.csv").strip()).name
        defaults = _defaults(request.args)
        data = await read_body(request, MAX_BODY_BYTES)
        columns, rows = await asyncio.to_thread(_read, filename, data)  # 4 MB: not on the loop
        _expire()
        if sum(1 for j in JOBS.values() if j.status in ("queued", "screening")) >= MAX_RUNNING:
            raise Busy(f"the server is busy: {MAX_RUNNING} files are being screened; "
                       "try again shortly")
        job = Job(secrets.token_hex(8), filename, columns, rows, defaults)
        JOBS[job.id] = job
        job.task = asyncio.ensure_future(_run(datasette, job))
        return json_response(job.describe(datasette), 202)
    except (BadRequest, LookupError, Busy) as exc:
        return refused(exc)


async def upload_status(request: Request, datasette: Any) -> Response:
    job = JOBS.get(request.url_vars.get("job", ""))
    if job is None:
        return error("no such upload (it may have expired; uploads are kept for an hour)", 404)
    return json_response(job.describe(datasette))


async def upload_result(request: Request, datasette: Any) -> Response:
    job = JOBS.get(request.url_vars.get("job", ""))
    fmt = request.url_vars.get("format", "csv")
    if job is None:
        return error("no such upload (it may have expired; uploads are kept for an hour)", 404)
    if job.status != "done":
        return error(f"this upload is {job.status}, not done: poll its .json", 409)
    # built in a thread: 50,000 rows take a moment, and other clients must not wait for it
    body = await asyncio.to_thread(write_results, job.results, job.columns, fmt)
    stem = PurePath(job.filename).stem or "upload"
    return Response(body, content_type=XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="{_safe(stem)}-screened.{fmt}"'})


def _safe(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:80] or "upload"


ROUTES = [(r"^/-/screen/upload$", upload),
          (r"^/-/screen/upload/(?P<job>[0-9a-f]{16})\.json$", upload_status),
          (r"^/-/screen/upload/(?P<job>[0-9a-f]{16})\.(?P<format>csv|xlsx)$", upload_result)]
