#!/usr/bin/env bash
# Pinned build of the cyclonus network-policy analyzer from the Go module proxy.
#
#   tools/cyclonus/build.sh                build <repo>/.cache/bin/cyclonus-<version> (skipped if it exists)
#   tools/cyclonus/build.sh --print-path   print the binary path and exit
#
# `go install module@version` builds exactly the pinned module with its own go.sum (checked
# against the Go checksum database), so no wrapper module is needed. GOMODCACHE and GOCACHE stay
# at their defaults so they persist between runs. Machines that share Go builds between jobs
# set GO_BUILD_LOCK=<file>: the build then runs under `flock <file>` (cold: ~4 min on 2 cores).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
# shellcheck source=../lib/go-module.sh
. "$here/../lib/go-module.sh"
: "${CYCLONUS_MODULE:?}" "${CYCLONUS_VERSION:?}"

bindir="${CYCLONUS_BIN_DIR:-$root/.cache/bin}"
bin="$bindir/cyclonus-$CYCLONUS_VERSION"

case "${1:-}" in
  --print-path) echo "$bin"; exit 0 ;;
  "") ;;
  *) echo "build.sh: unknown argument '$1' (use: --print-path)" >&2; exit 2 ;;
esac

if [[ -x "$bin" ]]; then
  echo "==> cyclonus $CYCLONUS_VERSION already built, skipping ($bin)"
  exit 0
fi
require_tools go

mkdir -p "$bindir"
tmp="$(mktemp -d "$bindir/.cyclonus-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "==> building $CYCLONUS_MODULE/cmd/cyclonus@$CYCLONUS_VERSION"
start=$SECONDS
# -trimpath keeps local paths out of the binary.
cmd=(go install -trimpath "$CYCLONUS_MODULE/cmd/cyclonus@$CYCLONUS_VERSION")
[[ -n "${GO_BUILD_LOCK:-}" ]] && cmd=(flock "$GO_BUILD_LOCK" "${cmd[@]}")
GOWORK=off CGO_ENABLED=0 GOBIN="$tmp" "${cmd[@]}"
mv "$tmp/cyclonus" "$bin"
echo "==> built $bin in $((SECONDS - start)) s"
