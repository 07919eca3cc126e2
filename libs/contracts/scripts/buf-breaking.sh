#!/bin/sh
# `nx run contracts:breaking`: buf breaking of the working tree's proto/ against the git `main`
# branch (override with BUF_BREAKING_AGAINST, e.g. '.git#ref=origin/main,subdir=proto' in CI).
# Exits 0 with a message while main has no protos yet. Run from the workspace root.
set -eu
buf="node node_modules/@bufbuild/buf/bin/buf"
against="${BUF_BREAKING_AGAINST:-.git#branch=main,subdir=proto}"

if [ -z "${BUF_BREAKING_AGAINST:-}" ]; then
  if ! git rev-parse --verify --quiet refs/heads/main >/dev/null; then
    echo "buf breaking: no local 'main' branch to compare against; skipped."
    exit 0
  fi
  if ! git ls-tree -r --name-only main -- proto | grep -q '\.proto$'; then
    echo "buf breaking: 'main' has no .proto files under proto/ yet; nothing to compare, skipped."
    exit 0
  fi
fi

echo "buf breaking proto --against '$against'"
$buf breaking proto --against "$against"
echo "buf breaking: no breaking changes."
