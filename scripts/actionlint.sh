#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint (pinned; built once from the Go module proxy into
# .cache/go-bin). Run by .ci/run and by the workflow itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=v1.7.12
bin="$root/.cache/go-bin/actionlint-$version"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "actionlint: Go is needed to build actionlint $version" >&2; exit 1; }
  mkdir -p "$root/.cache/go-bin"
  GOBIN="$root/.cache/go-bin/tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
  mv "$root/.cache/go-bin/tmp/actionlint" "$bin"
fi
cd "$root"
"$bin" -no-color
echo "actionlint $version: .github/workflows are clean"
