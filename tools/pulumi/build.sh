#!/usr/bin/env bash
# Pinned, offline-repeatable builds of the Pulumi CLI and the Kubernetes provider plugin from Go
# modules, for `npm run verify:pulumi` (no Pulumi install, no plugin download).
#
#   tools/pulumi/build.sh [cli|provider|all]   build what is missing (default all); skips a binary
#                                              that already exists
#   tools/pulumi/build.sh gen                  regenerate both wrapper go.mod/go.sum from the pins
#                                              in versions.env (needs the Go module proxy), then build
#   tools/pulumi/build.sh --print-paths        print the CLI root (holds bin/pulumi) and the
#                                              provider binary, one per line, and exit
#
# Outputs go to <repo>/.cache/pulumi/ (git-ignored). GOMODCACHE and GOCACHE stay at their defaults
# so warm rebuilds reuse them. Set GO_BUILD_LOCK=<file> to run each `go build` under `flock <file>`
# (one big build at a time on small machines).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
: "${PULUMI_VERSION:?}" "${K8S_PROVIDER_MODULE_VERSION:?}" "${K8S_PROVIDER_SDK_VERSION:?}" "${K8S_PROVIDER_PLUGIN_VERSION:?}"

outdir="${PULUMI_TOOLS_DIR:-$root/.cache/pulumi}"
provider_commit="${K8S_PROVIDER_MODULE_VERSION##*-}"
cli_root="$outdir/cli-$PULUMI_VERSION"
cli_bin="$cli_root/bin/pulumi"
provider_dir="$outdir/provider-$K8S_PROVIDER_PLUGIN_VERSION-$provider_commit"
provider_bin="$provider_dir/pulumi-resource-kubernetes"

pkg_mod=github.com/pulumi/pulumi/pkg/v3
sdk_mod=github.com/pulumi/pulumi/sdk/v3
k8s_mod=github.com/pulumi/pulumi-kubernetes/provider/v4
k8s_sdk_mod=github.com/pulumi/pulumi-kubernetes/sdk/v4
k8s_main=$k8s_mod/cmd/pulumi-resource-kubernetes

mode=build want_cli=0 want_provider=0
for arg in "${@:-all}"; do
  case "$arg" in
    gen) mode=gen; want_cli=1; want_provider=1 ;;
    all) want_cli=1; want_provider=1 ;;
    cli) want_cli=1 ;;
    provider) want_provider=1 ;;
    --print-paths) printf '%s\n' "$cli_root" "$provider_bin"; exit 0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$arg' (use: cli | provider | all | gen | --print-paths)" >&2; exit 2 ;;
  esac
done

export GOWORK=off CGO_ENABLED=0
# -buildvcs=false: the provider's main package is built inside this repository; its git state must not
# end up in the binary (builds stay reproducible).
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath -buildvcs=false"
export GOFLAGS="${GOFLAGS# }"

# shellcheck source=../lib/go-module.sh
. "$here/../lib/go-module.sh"

# Fast path: nothing to do (and no Go toolchain needed) when the wanted binaries exist.
if [[ "$mode" == build && ( $want_cli == 0 || -x "$cli_bin" ) && ( $want_provider == 0 || -x "$provider_bin" ) ]]; then
  echo "==> pulumi $PULUMI_VERSION and pulumi-resource-kubernetes $K8S_PROVIDER_PLUGIN_VERSION ($provider_commit) already built, skipping ($outdir)"
  exit 0
fi
require_tools go node

# `go mod edit` flags copying the `go` line and every non-local replace of an upstream go.mod
# (local `=> ../sdk` replaces point into upstream's repo, which a module zip does not have).
upstream_edits() {
  local gomod
  gomod="$(GOFLAGS=-mod=mod modinfo "$1" GoMod)" || exit 1
  go mod edit -json "$gomod" | node -e '
    let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
      const j = JSON.parse(s);
      const r = (j.Replace || []).filter((x) => x.New.Version).map((x) => `-replace=${x.Old.Path}=${x.New.Path}@${x.New.Version}`);
      console.log([`-go=${j.Go}`, ...r].join(" "));
    });'
}

# gen_module <dir> <module name> <upstream module@version> <go mod edit flags...>
gen_module() {
  local dir="$1" name="$2" upstream="$3" edits
  shift 3
  echo "==> generating $dir/go.mod from $upstream"
  edits="$(upstream_edits "$upstream")" || exit 1
  rm -f "$dir/go.mod" "$dir/go.sum"
  ( cd "$dir"
    go mod init "$name" >/dev/null 2>&1
    # shellcheck disable=SC2086
    go mod edit $edits "$@"
    GOFLAGS=-mod=mod go mod tidy
  )
}

# locked <command...>: runs the command under `flock $GO_BUILD_LOCK` when that is set, and
# reports how long it waited for the lock apart from how long it ran.
locked() {
  if [[ -z "${GO_BUILD_LOCK:-}" ]]; then "$@"; return; fi
  local asked
  asked=$(date +%s)
  flock "$GO_BUILD_LOCK" bash -c 'echo "    (waited $(( $(date +%s) - $0 ))s for the build lock)"; shift; exec "$@"' "$asked" -- "$@"
}

# run_build <module dir> <ldflags> <output> <package>: writes to a temp name, renames when done,
# so an interrupted build never leaves a binary the skip check would accept.
run_build() {
  local dir="$1" ldflags="$2" out="$3" pkg="$4" tmp start
  tmp="$out.tmp.$$"
  mkdir -p "$(dirname "$out")"
  echo "==> building $pkg -> $out ($(go version | cut -d' ' -f3-))"
  start=$(date +%s)
  if ! ( cd "$dir" && locked go build -ldflags "$ldflags" -o "$tmp" "$pkg" ); then
    rm -f "$tmp"
    die "go build of $pkg failed (see the compiler output above)"
  fi
  mv -f "$tmp" "$out"
  echo "    done after $(( $(date +%s) - start ))s (lock wait included), $(du -h "$out" | cut -f1)"
}

build_cli() {
  if [[ -x "$cli_bin" ]]; then echo "==> $cli_bin already built, skipping"; return 0; fi
  [[ -f "$here/cli/go.mod" ]] || die "$here/cli/go.mod missing: run 'tools/pulumi/build.sh gen'"
  # The Automation API runs `pulumi version` and refuses a CLI older than the SDK: stamp the pin.
  run_build "$here/cli" "-s -w -X $sdk_mod/go/common/version.Version=$PULUMI_VERSION" "$cli_bin" "$pkg_mod/cmd/pulumi"
  local got
  got="$("$cli_bin" version 2>&1 || true)"
  [[ "$got" == "$PULUMI_VERSION" ]] || die "$cli_bin version printed '$got', expected '$PULUMI_VERSION'"
}

# The provider's module zip lacks the go:embed files its main package needs (`go generate` output,
# not committed upstream): build a copy of the main package with them generated by upstream's own
# generate.go, versioned as the npm SDK.
build_provider() {
  if [[ -x "$provider_bin" ]]; then echo "==> $provider_bin already built, skipping"; return 0; fi
  [[ -f "$here/provider/go.mod" ]] || die "$here/provider/go.mod missing: run 'tools/pulumi/build.sh gen'"
  local src work
  src="$(cd "$here/provider" && GOFLAGS=-mod=mod modinfo "$k8s_mod@$K8S_PROVIDER_MODULE_VERSION" Dir)/cmd/pulumi-resource-kubernetes"
  work="$outdir/provider-src"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$here/provider/go.mod" "$here/provider/go.sum" "$work/"
  cp "$src/main.go" "$src/generate.go" "$src/schema.json" "$src/terraform-mapping.json" "$work/"
  chmod u+w "$work"/*
  echo "==> generating schema-embed.json (version $K8S_PROVIDER_PLUGIN_VERSION) and terraform-mapping-embed.json"
  # generate.go compiles pkg/v3's schema package (minutes when cold): a big build, so locked too.
  ( cd "$work" && VERSION="$K8S_PROVIDER_PLUGIN_VERSION" locked go run ./generate.go ) || die "generate.go failed"
  run_build "$work" "-s -w -X $k8s_mod/pkg/version.Version=$K8S_PROVIDER_PLUGIN_VERSION" "$provider_bin" .
}

go_version_out="$(go version 2>&1)" || die "the Go toolchain does not run: $go_version_out"

if [[ "$mode" == gen ]]; then
  gen_module "$here/cli" ml-platform-patterns/tools/pulumi/cli "$pkg_mod@$PULUMI_VERSION" \
    "-require=$pkg_mod@$PULUMI_VERSION" "-require=$sdk_mod@$PULUMI_VERSION" "-tool=$pkg_mod/cmd/pulumi"
  # Two wrappers, not one: the provider needs pkg/v3 at its own (older) version.
  gen_module "$here/provider" ml-platform-patterns/tools/pulumi/provider "$k8s_mod@$K8S_PROVIDER_MODULE_VERSION" \
    "-require=$k8s_mod@$K8S_PROVIDER_MODULE_VERSION" "-require=$k8s_sdk_mod@$K8S_PROVIDER_SDK_VERSION" "-tool=$k8s_main"
fi
if (( want_cli )); then build_cli; fi
if (( want_provider )); then build_provider; fi
echo "==> ok: pulumi $PULUMI_VERSION in $cli_root/bin, pulumi-resource-kubernetes $K8S_PROVIDER_PLUGIN_VERSION ($provider_commit) in $provider_dir"
