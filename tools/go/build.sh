#!/usr/bin/env bash
# Every Go binary of the verification rungs, from Go modules, in the fewest builds that work.
#
#   tools/go/build.sh [GROUP|BINARY...]   build the groups named (or holding the binaries named;
#                                         default: all groups; `pulumi` = pulumi-cli + pulumi-provider);
#                                         a group whose key is built is skipped
#   tools/go/build.sh gen [GROUP...]      regenerate the groups' wrapper go.mod/go.sum from
#                                         versions.env (needs the Go module proxy), then build them
#   tools/go/build.sh --print-paths [GROUP|BINARY...]
#                                         print `name<TAB>path` for each binary and asset dir
#
# Groups (one wrapper module each, tools/go/<group>/, see README.md): kube (control plane, etcd,
# kwok, the operators, cyclonus), helm, argo (Argo Workflows' controller and executor), kserve (the
# KServe controller), pulumi-cli and pulumi-provider. A group is built by one `go build` per set of
# version ldflags over all its main packages, so packages they share compile once and both cores
# stay busy. This file is the driver; what a group holds and how it is built and generated is in
# <group>/group.sh. Outputs go to <cache>/go/<group>-<key>/ where key hashes the group's own
# files (go.mod, go.sum, group.sh, ...), the versions.env pins its group.sh names, and the shared
# scripts (this one, go-module.sh): an unchanged set rebuilds nothing, and needs no Go. <cache> is
# the user's cache ($XDG_CACHE_HOME or ~/.cache)/ml-platform-patterns, outside the checkout, so a
# fresh clone on the same machine finds the binaries another clone built (MLP_GO_OUT overrides).
# GOMODCACHE and GOCACHE stay at their defaults so they persist between runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
# shellcheck source=go-module.sh
. "$here/go-module.sh"

outroot="${MLP_GO_OUT:-${XDG_CACHE_HOME:-$HOME/.cache}/ml-platform-patterns/go}"
# The default order: kube first (every cluster rung needs it), then the other groups verify:cluster
# runs (helm, kserve, argo: smallest cold build first), then the pulumi groups (verify:pulumi). See
# README.md.
groups_all=(kube helm kserve argo pulumi-cli pulumi-provider)
for g in "${groups_all[@]}"; do
  # shellcheck source=/dev/null
  . "$here/$g/group.sh"
done

# binary | group | main package | output dir (default bin), from each group's <group>_binaries rows.
binaries() {
  local g name pkg dir
  for g in "${groups_all[@]}"; do
    while IFS='|' read -r name pkg dir; do printf '%s|%s|%s|%s\n' "$name" "$g" "$pkg" "${dir:-bin}"; done < <("${g//-/_}_binaries")
  done
}
# Files the harnesses read at run time, copied out of the module cache: name | group | module.
assets() {
  local g name module
  for g in "${groups_all[@]}"; do
    declare -F "${g//-/_}_assets" >/dev/null || continue
    while IFS='|' read -r name module; do printf '%s|%s|%s\n' "$name" "$g" "$module"; done < <("${g//-/_}_assets")
  done
}

group_of() {
  local g b
  [[ "$1" == pulumi ]] && { printf '%s\n' pulumi-cli pulumi-provider; return 0; }
  for g in "${groups_all[@]}"; do [[ "$1" == "$g" ]] && { echo "$g"; return 0; }; done
  b="$(binaries | awk -F'|' -v n="$1" '$1 == n { print $2 }')"
  [[ -n "$b" ]] || { echo "build.sh: unknown group or binary '$1' (groups: ${groups_all[*]}, pulumi; binaries: $(binaries | cut -d'|' -f1 | tr '\n' ' '))" >&2; exit 2; }
  echo "$b"
}

# The key of a group's build: everything that decides its bytes. The group's own directory (go.mod,
# go.sum, group.sh and any file it installs), the versions.env pins its group.sh names, and the
# shared scripts. gen.sh is not part of it (it only writes go.mod/go.sum, which are), nor is the Go
# toolchain, so that a built set is found without one (go.mod's go line pins the language version;
# .complete records the toolchain that built it). Another group's files or pins do not re-key it.
group_key() {
  local g="$1" f var
  {
    while IFS= read -r f; do printf '== %s\n' "$(basename "$f")"; cat "$f"; done \
      < <(find "$here/$g" -maxdepth 1 -type f | LC_ALL=C sort)
    while IFS= read -r var; do
      grep -qw "$var" "$here/$g/group.sh" && printf '%s=%s\n' "$var" "${!var}"
    done < <(grep -oE '^[A-Z][A-Z0-9_]*=' "$here/versions.env" | tr -d '=')
    cat "$here/build.sh" "$here/go-module.sh"
  } | sha256sum | cut -c1-16
}
group_dir() { printf '%s/%s-%s' "$outroot" "$1" "$(group_key "$1")"; }
# A built set is marked used (its mtime) whenever it is found: pruning keeps what a checkout uses.
mark_used() { [[ ! -f "$1/.complete" ]] || touch "$1" 2>/dev/null || true; }

mode=build
requested=()
case "${1:-}" in
  gen) mode=gen; shift ;;
  --print-paths) mode=paths; shift ;;
  -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
esac
for arg in "$@"; do mapfile -t -O "${#requested[@]}" requested < <(group_of "$arg"); done
[[ ${#requested[@]} -eq 0 ]] && requested=("${groups_all[@]}")
mapfile -t groups < <(printf '%s\n' "${requested[@]}" | awk '!seen[$0]++')

if [[ "$mode" == paths ]]; then
  for g in "${groups[@]}"; do
    dir="$(group_dir "$g")"
    mark_used "$dir"
    while IFS='|' read -r name group _ sub; do
      [[ "$group" == "$g" ]] && printf '%s\t%s/%s/%s\n' "$name" "$dir" "$sub" "$name"
    done < <(binaries)
    while IFS='|' read -r name group _; do
      [[ "$group" == "$g" ]] && printf '%s-assets\t%s/assets/%s\n' "$name" "$dir" "$name"
    done < <(assets)
  done
  exit 0
fi

export GOWORK=off CGO_ENABLED=0
# -buildvcs=false: the pulumi provider's main package is built inside this repository; its git state
# must not end up in the binary. Builds never touch go.mod/go.sum (gen uses go mod tidy).
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath -buildvcs=false"
export GOFLAGS="${GOFLAGS# }"

# Fast path: every wanted group is built (no Go toolchain needed).
if [[ "$mode" == build ]]; then
  missing=0
  for g in "${groups[@]}"; do
    dir="$(group_dir "$g")"
    [[ -f "$dir/.complete" ]] && mark_used "$dir" || missing=1
  done
  if (( ! missing )); then
    echo "==> go binaries (${groups[*]}) already built, skipping ($outroot)"
    exit 0
  fi
fi
require_tools go node
go_version_out="$(go version 2>&1)" || die "the Go toolchain does not run: $go_version_out"

# shellcheck source=gen.sh
. "$here/gen.sh"

timings="${MLP_GO_TIMINGS:-}"
# timed <label> <command...>: runs the command, prints and records its wall time.
timed() {
  local label="$1" start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  local took=$(( $(date +%s) - start ))
  echo "    $label: ${took}s"
  [[ -z "$timings" ]] || printf '%s\t%s\n' "$label" "$took" >> "$timings"
  return "$rc"
}

# go_build <module dir> <ldflags> <out dir> <package...>: one `go build` over several main packages
# (extra `go build` flags, such as -mod=vendor, in GO_BUILD_FLAGS).
go_build() {
  local dir="$1" ldflags="$2" out="$3"
  shift 3
  mkdir -p "$out"
  # shellcheck disable=SC2086
  ( cd "$dir" && go build ${GO_BUILD_FLAGS:-} -ldflags "$ldflags" -o "$out/" "$@" )
}

# group_packages <group>: the main packages of the group's binaries.
group_packages() { binaries | awk -F'|' -v g="$1" '$2 == g { print $3 }'; }

# copy_assets <group> <tmp>: for each asset row of the group, <group>_copy_asset <name> <module dir>
# <out dir> copies what the harness reads; the module is looked up in the group's module.
copy_assets() {
  local g="$1" tmp="$2" name group module moddir out
  while IFS='|' read -r name group module; do
    [[ "$group" == "$g" ]] || continue
    moddir="$(cd "$here/$g" && go list -m -f '{{.Dir}}' "$module")"
    [[ -d "$moddir" ]] || die "module directory of $module not found (go list -m)"
    out="$tmp/assets/$name"
    mkdir -p "$out"
    "${g//-/_}_copy_asset" "$name" "$moddir" "$out"
    printf '%s\n' "$module" > "$out/.complete"
  done < <(assets)
  [[ ! -d "$tmp/assets" ]] || chmod -R u+w "$tmp/assets"
}

# The temp dir of the group being built: removed on any exit (a failed build leaves nothing).
build_tmp=""
trap '[[ -z "$build_tmp" ]] || { chmod -R u+w "$build_tmp" 2>/dev/null; rm -rf "$build_tmp"; }' EXIT

build_group() {
  local g="$1" dir tmp start
  dir="$(group_dir "$g")"
  if [[ -f "$dir/.complete" ]]; then echo "==> $g: already built ($dir)"; return 0; fi
  [[ -f "$here/$g/go.mod" ]] || die "$here/$g/go.mod missing: run 'tools/go/build.sh gen $g'"
  tmp="$dir.tmp.$$"
  build_tmp="$tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  start=$(date +%s)
  "build_${g//-/_}" "$tmp"
  echo "$g built in $(( $(date +%s) - start ))s by $(go version | cut -d' ' -f3)" > "$tmp/.complete"
  # Another checkout may have finished the same set meanwhile and be running it: keep that one.
  if [[ -f "$dir/.complete" ]]; then
    chmod -R u+w "$tmp"
    rm -rf "$tmp"
  else
    rm -rf "$dir"
    mv "$tmp" "$dir"
  fi
  build_tmp=""
  # Older builds of the group are dead weight (hundreds of MB) once no checkout has used them for two
  # days; temp dirs of builds interrupted more than ten hours ago too (a running build's stays).
  find "$outroot" -maxdepth 1 \( \( -name "$g-????????????????" -mmin +2880 \) -o \( -name "$g-????????????????.tmp.*" -mmin +600 \) \) ! -path "$dir" \
    -exec chmod -R u+w {} + -exec rm -rf {} +
  echo "==> $g: ok in $(( $(date +%s) - start ))s ($dir, $(du -sh "$dir" | cut -f1))"
}

for g in "${groups[@]}"; do
  if [[ "$mode" == gen ]]; then "gen_${g//-/_}"; fi
  build_group "$g"
done
