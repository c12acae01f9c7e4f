#!/usr/bin/env bash
# Static checks: ruff (lint) and mypy (types) over the package, tests and scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check sanctions tests scripts
mypy sanctions
# the tests too: a test calling a changed signature wrongly shows here, not only in a run
mypy --explicit-package-bases tests
