"""The batch progress bar of `sanctions screen --input` on stderr (rich), apart from the table
rendering so that a one-off query does not load rich's progress machinery."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    """Rows per second (rich's own speed columns speak of bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("- rows/s" if speed is None else f"{speed:,.0f} rows/s")


class BatchProgress:
    """The batch bar on stderr: rows done (of how many, when the input's size is known), rate
    and time left; a spinner and the elapsed time when it is not (standard input)."""

    def __init__(self, label: str, total: int | None, console: Console | None = None) -> None:
        columns: list[str | ProgressColumn] = [TextColumn("{task.description}")]
        if total is None:
            columns += [SpinnerColumn(), TextColumn("{task.completed:,} rows"), _Rate(),
                        TimeElapsedColumn()]
        else:
            columns += [BarColumn(), MofNCompleteColumn(), _Rate(), TimeRemainingColumn()]
        self.progress = Progress(*columns, console=console or Console(stderr=True),
                                 transient=True)
        self.task = self.progress.add_task(escape(label), total=total)

    def start(self) -> None:
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()
