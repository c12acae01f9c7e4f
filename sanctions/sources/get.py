"""`download` for source modules, with the network code imported on its first call: a source's
declaration is read (by the registry, the server's metadata, `sanctions sources`) without
loading requests and urllib3, a tenth of a second of the server's start."""

from __future__ import annotations

from pathlib import Path


def download(source: str, url: str, dest: Path) -> Path:
    """`sanctions.sources.fetch.download`: fetch `url` into `dest` with the active fetcher."""
    from .fetch import download as fetch_download

    return fetch_download(source, url, dest)
