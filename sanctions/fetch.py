"""Downloads. The only module that talks to the network; source modules call `download`."""

from __future__ import annotations

from pathlib import Path

import requests

from .errors import SourceError

USER_AGENT = "sanctions-lookup/0.1 (+https://github.com/; open-source screening tool)"
TIMEOUT = (10, 120)  # connect, read seconds
MAX_BYTES = 512 * 1024 * 1024


def download(source: str, url: str, dest: Path) -> Path:
    """Stream `url` into `dest` (written via a temp file), refusing bodies over MAX_BYTES."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    try:
        headers = {"User-Agent": USER_AGENT}
        with requests.get(url, stream=True, timeout=TIMEOUT, headers=headers) as r:
            if r.status_code != 200:
                raise SourceError(source, f"HTTP {r.status_code} from {url}")
            size = 0
            with open(tmp, "wb") as fh:
                for chunk in r.iter_content(1 << 16):
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise SourceError(source, f"response from {url} exceeds {MAX_BYTES} bytes")
                    fh.write(chunk)
    except requests.RequestException as exc:
        tmp.unlink(missing_ok=True)
        raise SourceError(source, f"cannot download {url}: {exc.__class__.__name__}") from exc
    except SourceError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dest)
    return dest
