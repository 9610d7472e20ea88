#!/usr/bin/env bash
# Reproducible, pinned builds of the simulated cluster's components from Go modules:
# kwok (node simulator), training-operator (cmd/training-operator.v1) and Kueue (cmd/kueue).
#
#   tools/cluster/build.sh [COMPONENT...]   build kwok, training-operator and kueue (or only those
#                                           named); skips a binary that already exists
#   tools/cluster/build.sh gen              regenerate the wrapper go.mod/go.sum from the pinned
#                                           versions (needs the Go module proxy), then build all
#   tools/cluster/build.sh --print-paths    print `name<TAB>path` lines (binaries and asset dirs)
#
# Binaries go to <repo>/.cache/bin/<component>-<version>; the upstream files the harness needs at
# run time (kwok's default Stages, Kueue's CRDs and webhook configurations, the training-operator's
# webhook configuration) are copied from the same module versions to
# <repo>/.cache/cluster-assets/<component>-<version>/, so a run needs no Go toolchain.
#
# One wrapper module per component (not one for all three): each requires exactly one upstream
# module, so `go mod tidy` keeps every dependency at the version upstream's own go.mod pins (the
# build equals `go install m@v`). A shared module would raise 39 of kwok's and 41 of Kueue's
# requirements, e.g. volcano.sh/apis v1.9.0 -> v1.14.0 for the training-operator.
# GOMODCACHE and GOCACHE are left at their defaults so they persist between runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
: "${KWOK_VERSION:?}" "${TRAINING_OPERATOR_VERSION:?}" "${KUEUE_VERSION:?}"

bindir="${CLUSTER_BIN_DIR:-$root/.cache/bin}"
assetdir="${CLUSTER_ASSET_DIR:-$root/.cache/cluster-assets}"

# name | module | version | main package | version ldflags (as upstream's release builds set them)
components() {
  printf '%s|%s|%s|%s|%s\n' \
    kwok sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok \
      "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" \
    training-operator github.com/kubeflow/training-operator "$TRAINING_OPERATOR_VERSION" \
      github.com/kubeflow/training-operator/cmd/training-operator.v1 "" \
    kueue sigs.k8s.io/kueue "$KUEUE_VERSION" sigs.k8s.io/kueue/cmd/kueue \
      "-X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION"
}

bin_path() { printf '%s/%s-%s' "$bindir" "$1" "$2"; }
asset_path() { printf '%s/%s-%s' "$assetdir" "$1" "$2"; }

mode="build"
wanted=()
for arg in "$@"; do
  case "$arg" in
    gen) mode="gen" ;;
    kwok|training-operator|kueue) wanted+=("$arg") ;;
    --print-paths)
      while IFS='|' read -r name _module version _pkg _ld; do
        printf '%s\t%s\n' "$name" "$(bin_path "$name" "$version")" "$name-assets" "$(asset_path "$name" "$version")"
      done < <(components)
      exit 0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$arg' (use: gen | kwok | training-operator | kueue | --print-paths)" >&2; exit 2 ;;
  esac
done
[[ ${#wanted[@]} -eq 0 ]] && wanted=(kwok training-operator kueue)
is_wanted() { local w; for w in "${wanted[@]}"; do [[ "$w" == "$1" ]] && return 0; done; return 1; }

export GOWORK=off CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
export GOFLAGS="${GOFLAGS# }"

# shellcheck source=../lib/go-module.sh
. "$here/../lib/go-module.sh"

complete() { [[ -x "$(bin_path "$1" "$2")" && -f "$(asset_path "$1" "$2")/.complete" ]]; }

# Fast path: everything wanted exists (no Go toolchain needed).
if [[ "$mode" == "build" ]]; then
  all_done=1
  while IFS='|' read -r name _module version _pkg _ld; do
    is_wanted "$name" && ! complete "$name" "$version" && all_done=0
  done < <(components)
  if (( all_done )); then
    echo "==> cluster components (${wanted[*]}) already built, skipping ($bindir)"
    exit 0
  fi
fi
require_tools go
go_version_out="$(go version 2>&1)" || die "the Go toolchain does not run: $go_version_out"

gen_one() {
  local name="$1" module="$2" version="$3" pkg="$4" dir="$here/$1"
  echo "==> generating $dir/go.mod for $module@$version"
  mkdir -p "$dir"
  rm -f "$dir/go.mod" "$dir/go.sum"
  ( cd "$dir"
    go mod init "ml-platform-patterns/tools/cluster/$name" >/dev/null 2>&1
    # Upstream's own go directive, so the language version matches its release build.
    local gomod go_directive
    gomod="$(GOFLAGS= go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
    [[ -n "$gomod" ]] || die "go mod download $module@$version failed"
    go_directive="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
    go mod edit -go="$go_directive" -require="$module@$version" -tool="$pkg"
    GOFLAGS= go mod tidy
  )
}

# Copy the upstream files the harness reads at run time out of the (read-only) module cache.
copy_assets() {
  local name="$1" module="$2" version="$3" moddir out tmp
  moddir="$(cd "$here/$name" && GOFLAGS= go list -m -f '{{.Dir}}' "$module")"
  [[ -d "$moddir" ]] || die "module directory of $module@$version not found (go list -m)"
  out="$(asset_path "$name" "$version")"
  tmp="$out.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  case "$name" in
    kwok)
      # Defaults kwok ships: node initialize (fast) + heartbeat with lease, pod lifecycle (general).
      mkdir -p "$tmp/stages"
      cp "$moddir/kustomize/stage/node/fast/node-initialize.yaml" \
         "$moddir/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
         "$moddir"/kustomize/stage/pod/general/pod-*.yaml "$tmp/stages/" ;;
    kueue)
      mkdir -p "$tmp/crds"
      cp "$moddir"/config/components/crd/bases/*.yaml "$tmp/crds/"
      cp "$moddir/config/components/webhook/manifests.yaml" "$tmp/webhooks.yaml" ;;
    training-operator)
      cp "$moddir/manifests/base/webhook/manifests.yaml" "$tmp/webhooks.yaml" ;;
  esac
  chmod -R u+w "$tmp"
  printf '%s@%s\n' "$module" "$version" > "$tmp/.complete"
  rm -rf "$out"
  mv "$tmp" "$out"
}

build_one() {
  local name="$1" module="$2" version="$3" pkg="$4" ldflags="$5" out tmp start
  out="$(bin_path "$name" "$version")"
  [[ -f "$here/$name/go.mod" ]] || die "$here/$name/go.mod missing: run 'tools/cluster/build.sh gen'"
  if [[ -x "$out" ]]; then
    echo "==> $(basename "$out") already built, skipping ($out)"
  else
    mkdir -p "$bindir"
    tmp="$out.tmp.$$"
    echo "==> building $pkg@$version -> $out ($(go version | cut -d' ' -f3-))"
    start=$(date +%s)
    if ! ( cd "$here/$name" && go build -ldflags "-s -w $ldflags" -o "$tmp" "$pkg" ); then
      rm -f "$tmp"
      die "go build of $pkg@$version failed (see the compiler output above)"
    fi
    mv -f "$tmp" "$out"
    echo "    built in $(( $(date +%s) - start ))s, $(du -h "$out" | cut -f1)"
  fi
  [[ -f "$(asset_path "$name" "$version")/.complete" ]] || copy_assets "$name" "$module" "$version"
}

while IFS='|' read -r name module version pkg ldflags; do
  is_wanted "$name" || continue
  if [[ "$mode" == "gen" ]]; then gen_one "$name" "$module" "$version" "$pkg"; fi
  build_one "$name" "$module" "$version" "$pkg" "$ldflags"
done < <(components)
echo "==> ok: ${wanted[*]} in $bindir (assets in $assetdir)"
