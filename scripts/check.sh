#!/usr/bin/env bash
# Static checks: ruff (lint) and mypy (types) over the package, tests and scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check sanctions tests scripts
mypy sanctions
