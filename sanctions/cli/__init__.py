"""The `sanctions` command: a thin typer shell over the library (see `app`)."""

from .app import app, main

__all__ = ["app", "main"]
