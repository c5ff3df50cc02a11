#!/usr/bin/env bash
# Installs the package as a user would (`pip install ./bindings/python` from the repository root,
# after scripts/setup.sh built the engine) into a virtual environment under .cache, then runs
# its pytest suite, which compares it with @gpt4all/core (through tests/node_reference.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.cache/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pytest>=7"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./bindings/python
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check ./bindings/python
"$venv/bin/python" -m pytest -q bindings/python/tests "$@"
