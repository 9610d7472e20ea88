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
# Groups (one wrapper module each, see README.md): kube (kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd, kwok, kueue, training-operator, trainer, jobset, cyclonus), pulumi-cli
# (pulumi) and pulumi-provider (pulumi-resource-kubernetes: it does not compile against the CLI's
# pulumi/pkg/v3). A group is built by one `go build` per set of version
# ldflags over all its main packages, so packages they share compile once and both cores stay busy.
# Outputs go to <repo>/.cache/go/<group>-<key>/ where key hashes the group's go.mod and go.sum,
# versions.env, this script and the Go version: an unchanged set rebuilds nothing, and needs no Go.
# GOMODCACHE and GOCACHE stay at their defaults so they persist between runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
# shellcheck source=go-module.sh
. "$here/go-module.sh"

outroot="${MLP_GO_OUT:-$root/.cache/go}"
groups_all=(kube pulumi-cli pulumi-provider)

# binary | group | main package (pulumi-resource-kubernetes: built from a generated copy, see below)
binaries() {
  cat <<EOF
kube-apiserver|kube|k8s.io/kubernetes/cmd/kube-apiserver
kube-controller-manager|kube|k8s.io/kubernetes/cmd/kube-controller-manager
kube-scheduler|kube|k8s.io/kubernetes/cmd/kube-scheduler
etcd|kube|go.etcd.io/etcd/server/v3
kwok|kube|sigs.k8s.io/kwok/cmd/kwok
kueue|kube|sigs.k8s.io/kueue/cmd/kueue
training-operator|kube|github.com/kubeflow/training-operator/cmd/training-operator.v1
trainer|kube|github.com/kubeflow/trainer/v2/cmd/trainer-controller-manager
jobset|kube|sigs.k8s.io/jobset
cyclonus|kube|github.com/mattfenwick/cyclonus/cmd/cyclonus
pulumi|pulumi-cli|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
pulumi-resource-kubernetes|pulumi-provider|.
EOF
}
# Files the harnesses read at run time, copied out of the module cache: name | group | module.
assets() {
  cat <<EOF
kwok|kube|sigs.k8s.io/kwok
kueue|kube|sigs.k8s.io/kueue
training-operator|kube|github.com/kubeflow/training-operator
EOF
}

group_of() {
  local g b
  [[ "$1" == pulumi ]] && { printf '%s\n' pulumi-cli pulumi-provider; return 0; }
  for g in "${groups_all[@]}"; do [[ "$1" == "$g" ]] && { echo "$g"; return 0; }; done
  b="$(binaries | awk -F'|' -v n="$1" '$1 == n { print $2 }')"
  [[ -n "$b" ]] || { echo "build.sh: unknown group or binary '$1' (groups: ${groups_all[*]}, pulumi; binaries: $(binaries | cut -d'|' -f1 | tr '\n' ' '))" >&2; exit 2; }
  echo "$b"
}

# The key of a group's build: everything that decides its bytes. gen.sh is not part of it (it only
# writes go.mod/go.sum, which are), nor is the Go toolchain, so that a built set is found without
# one (go.mod's go line pins the language version; .complete records the toolchain that built it).
group_key() {
  cat "$here/$1/go.mod" "$here/$1/go.sum" "$here/versions.env" "$here/build.sh" "$here/ldflags.sh" \
    | sha256sum | cut -c1-16
}
group_dir() { printf '%s/%s-%s' "$outroot" "$1" "$(group_key "$1")"; }

bin_path() {
  local g="$2"
  case "$1" in
    pulumi) printf '%s/bin/pulumi' "$(group_dir "$g")" ;;  # the Automation API's PulumiCommand root layout
    pulumi-resource-kubernetes) printf '%s/provider/pulumi-resource-kubernetes' "$(group_dir "$g")" ;;
    *) printf '%s/bin/%s' "$(group_dir "$g")" "$1" ;;
  esac
}

mode=build
requested=()
case "${1:-}" in
  gen) mode=gen; shift ;;
  --print-paths) mode=paths; shift ;;
  -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
esac
for arg in "$@"; do mapfile -t -O "${#requested[@]}" requested < <(group_of "$arg"); done
[[ ${#requested[@]} -eq 0 ]] && requested=("${groups_all[@]}")
mapfile -t groups < <(printf '%s\n' "${requested[@]}" | awk '!seen[$0]++')

if [[ "$mode" == paths ]]; then
  for g in "${groups[@]}"; do
    while IFS='|' read -r name group _; do
      [[ "$group" == "$g" ]] && printf '%s\t%s\n' "$name" "$(bin_path "$name" "$g")"
    done < <(binaries)
    while IFS='|' read -r name group _; do
      [[ "$group" == "$g" ]] && printf '%s-assets\t%s/assets/%s\n' "$name" "$(group_dir "$g")" "$name"
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
  for g in "${groups[@]}"; do [[ -f "$(group_dir "$g")/.complete" ]] || missing=1; done
  if (( ! missing )); then
    echo "==> go binaries (${groups[*]}) already built, skipping ($outroot)"
    exit 0
  fi
fi
require_tools go node
go_version_out="$(go version 2>&1)" || die "the Go toolchain does not run: $go_version_out"

# shellcheck source=gen.sh
. "$here/gen.sh"
# shellcheck source=ldflags.sh
. "$here/ldflags.sh"

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

# go_build <module dir> <ldflags> <out dir> <package...>: one `go build` over several main packages.
go_build() {
  local dir="$1" ldflags="$2" out="$3"
  shift 3
  mkdir -p "$out"
  ( cd "$dir" && go build -ldflags "$ldflags" -o "$out/" "$@" )
}

copy_assets() {
  local g="$1" tmp="$2" name group module moddir out
  while IFS='|' read -r name group module; do
    [[ "$group" == "$g" ]] || continue
    moddir="$(cd "$here/$g" && go list -m -f '{{.Dir}}' "$module")"
    [[ -d "$moddir" ]] || die "module directory of $module not found (go list -m)"
    out="$tmp/assets/$name"
    mkdir -p "$out"
    case "$name" in
      kwok)
        # Defaults kwok ships: node initialize (fast) + heartbeat with lease, pod lifecycle (general).
        mkdir -p "$out/stages"
        cp "$moddir/kustomize/stage/node/fast/node-initialize.yaml" \
           "$moddir/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
           "$moddir"/kustomize/stage/pod/general/pod-*.yaml "$out/stages/" ;;
      kueue)
        mkdir -p "$out/crds"
        cp "$moddir"/config/components/crd/bases/*.yaml "$out/crds/"
        cp "$moddir/config/components/webhook/manifests.yaml" "$out/webhooks.yaml" ;;
      training-operator)
        cp "$moddir/manifests/base/webhook/manifests.yaml" "$out/webhooks.yaml" ;;
    esac
    printf '%s\n' "$module" > "$out/.complete"
  done < <(assets)
  chmod -R u+w "$tmp/assets" 2>/dev/null || true
}

build_kube() {
  local tmp="$1" pkgs=()
  mapfile -t pkgs < <(binaries | awk -F'|' '$2 == "kube" && $1 !~ /^kube-/ { print $3 }')
  echo "==> kube: building the Kubernetes $KUBERNETES_VERSION components ($(go version | cut -d' ' -f3-))"
  timed "go build kube (control plane)" go_build "$here/kube" "$(kube_ldflags)" "$tmp/bin" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    || die "go build of the Kubernetes components failed (see the compiler output above)"
  echo "==> kube: building ${pkgs[*]}"
  timed "go build kube (etcd, simulator, operators, cyclonus)" go_build "$here/kube" "$(operator_ldflags)" "$tmp/bin" "${pkgs[@]}" \
    || die "go build of the kube group failed (see the compiler output above)"
  # Binaries named as the harnesses call them (go build names them by their package directory).
  mv "$tmp/bin/server" "$tmp/bin/etcd"  # go.etcd.io/etcd/server/v3 is named after "server"
  mv "$tmp/bin/training-operator.v1" "$tmp/bin/training-operator"
  mv "$tmp/bin/trainer-controller-manager" "$tmp/bin/trainer"
  copy_assets kube "$tmp"
  check_versions_kube "$tmp/bin"
}

build_pulumi_cli() {
  local tmp="$1"
  echo "==> pulumi-cli: building the CLI $PULUMI_VERSION ($(go version | cut -d' ' -f3-))"
  timed "go build pulumi-cli" go_build "$here/pulumi-cli" "$(pulumi_ldflags)" "$tmp/bin" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    || die "go build of the Pulumi CLI failed (see the compiler output above)"
  check_versions_pulumi "$tmp"
}

# The provider's module zip lacks the go:embed files its main package needs (`go generate` output,
# not committed upstream): build a copy of the main package, inside a copy of the group module, with
# them generated by upstream's own generate.go, versioned as the npm SDK.
build_pulumi_provider() {
  local tmp="$1" src work k8s_mod=github.com/pulumi/pulumi-kubernetes/provider/v4
  src="$(cd "$here/pulumi-provider" && modinfo "$k8s_mod@$K8S_PROVIDER_MODULE_VERSION" Dir)/cmd/pulumi-resource-kubernetes"
  work="$tmp/provider-src"
  mkdir -p "$work"
  cp "$here/pulumi-provider/go.mod" "$here/pulumi-provider/go.sum" "$work/"
  cp "$src/main.go" "$src/generate.go" "$src/schema.json" "$src/terraform-mapping.json" "$work/"
  chmod u+w "$work"/*
  echo "==> pulumi-provider: generating schema-embed.json ($K8S_PROVIDER_PLUGIN_VERSION) and terraform-mapping-embed.json ($(go version | cut -d' ' -f3-))"
  ( cd "$work" && VERSION="$K8S_PROVIDER_PLUGIN_VERSION" timed "go run generate.go (provider)" go run ./generate.go ) || die "generate.go failed"
  mkdir -p "$tmp/provider"
  timed "go build pulumi-provider" bash -c 'cd "$0" && go build -ldflags "$1" -o "$2" .' \
    "$work" "$(provider_ldflags)" "$tmp/provider/pulumi-resource-kubernetes" \
    || die "go build of the Kubernetes provider failed (see the compiler output above)"
  rm -rf "$work"
}

# The temp dir of the group being built: removed on any exit (a failed build leaves nothing).
build_tmp=""
trap '[[ -z "$build_tmp" ]] || rm -rf "$build_tmp"' EXIT

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
  rm -rf "$dir"
  mv "$tmp" "$dir"
  build_tmp=""
  # Older builds of the group are dead weight (hundreds of MB each).
  find "$outroot" -maxdepth 1 -name "$g-*" ! -path "$dir" -exec rm -rf {} +
  echo "==> $g: ok in $(( $(date +%s) - start ))s ($dir, $(du -sh "$dir" | cut -f1))"
}

for g in "${groups[@]}"; do
  if [[ "$mode" == gen ]]; then "gen_${g//-/_}"; fi
  build_group "$g"
done
