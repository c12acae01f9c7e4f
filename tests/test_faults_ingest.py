"""The ingest fault cases of scripts/faults.py (scripts/fault_cases/ingest.py), run as tests.

Each case runs the real `sanctions` command on real SQLite files (update cases fetch from a
local server on 127.0.0.1) and returns what it observed in one line; the whole line is compared
with what is expected: the exit status, the one error line, and that the published database
stayed byte-identical wherever a refusal is expected.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fault_cases import ingest  # noqa: E402

# A private tmpfs needs root and a mount namespace: the disk-full and read-only cases skip
# without them (chmod cannot make a directory read-only for root).
CAN_MOUNT = os.geteuid() == 0 and shutil.which("unshare") is not None and subprocess.run(
    ["unshare", "-m", "true"], capture_output=True).returncode == 0
NEEDS_MOUNT = {"ingest: disk full", "ingest: read-only directory"}


@pytest.mark.slow
@pytest.mark.parametrize("case", ingest.CASES, ids=[c.name for c in ingest.CASES])
def test_fault_case(case: ingest.Case, tmp_path: Path) -> None:
    if case.name in NEEDS_MOUNT and not CAN_MOUNT:
        pytest.skip("needs root and unshare for a private tmpfs mount")
    observed = case.run(tmp_path)
    assert observed == case.expected
