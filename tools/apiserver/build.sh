#!/usr/bin/env bash
# Reproducible, pinned build of kube-apiserver and etcd from Go modules.
#
#   tools/apiserver/build.sh [COMPONENT...]  build kube-apiserver and etcd, plus any of
#                                       kube-controller-manager, kube-scheduler named (or 'all');
#                                       skips a binary that already exists
#   tools/apiserver/build.sh gen        regenerate the wrapper go.mod/go.sum from the pinned
#                                       versions (needs the Go module proxy), then build all
#   tools/apiserver/build.sh --print-paths   print the binary paths (apiserver, etcd, KCM,
#                                       scheduler) and exit
#
# Binaries go to <repo>/.cache/bin/<component>-<version>. The three Kubernetes components come
# from one wrapper module, so they share the compiled packages of k8s.io/kubernetes.
# GOMODCACHE and GOCACHE are left at their defaults so they persist between runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=/dev/null
. "$here/versions.env"
: "${KUBERNETES_VERSION:?}" "${ETCD_VERSION:?}"

bindir="${APISERVER_BIN_DIR:-$root/.cache/bin}"
apiserver_bin="$bindir/kube-apiserver-$KUBERNETES_VERSION"
etcd_bin="$bindir/etcd-$ETCD_VERSION"
kcm_bin="$bindir/kube-controller-manager-$KUBERNETES_VERSION"
scheduler_bin="$bindir/kube-scheduler-$KUBERNETES_VERSION"

mode="build"
want_kcm=0 want_scheduler=0
for arg in "$@"; do
  case "$arg" in
    gen) mode="gen"; want_kcm=1; want_scheduler=1 ;;
    all) want_kcm=1; want_scheduler=1 ;;
    kube-apiserver|etcd) ;;
    kube-controller-manager) want_kcm=1 ;;
    kube-scheduler) want_scheduler=1 ;;
    --print-paths) printf '%s\n' "$apiserver_bin" "$etcd_bin" "$kcm_bin" "$scheduler_bin"; exit 0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$arg' (use: gen | all | kube-controller-manager | kube-scheduler | --print-paths)" >&2; exit 2 ;;
  esac
done

export GOWORK=off CGO_ENABLED=0
# Keep whatever GOFLAGS the user has; builds must not touch go.mod/go.sum (gen uses go mod tidy).
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
export GOFLAGS="${GOFLAGS# }"

# shellcheck source=../lib/go-module.sh
. "$here/../lib/go-module.sh"

# Fast path: nothing to do (and no Go toolchain needed) when both pinned binaries exist.
if [[ "$mode" == "build" && -x "$apiserver_bin" && -x "$etcd_bin" \
      && ( $want_kcm == 0 || -x "$kcm_bin" ) && ( $want_scheduler == 0 || -x "$scheduler_bin" ) ]]; then
  echo "==> control-plane binaries $KUBERNETES_VERSION / etcd $ETCD_VERSION already built, skipping ($bindir)"
  exit 0
fi
require_tools go node

# Upstream go.mod of a module version, as JSON (go mod edit -json).
upstream_gomod_json() {
  local gomod
  gomod="$(modinfo "$1" GoMod)" || exit 1
  go mod edit -json "$gomod"
}

gen_kube_apiserver() {
  local dir="$here/kube-apiserver" staging_version json go_version godebug replaces
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  echo "==> generating $dir/go.mod for k8s.io/kubernetes@$KUBERNETES_VERSION (staging modules @$staging_version)"
  json="$(upstream_gomod_json "k8s.io/kubernetes@$KUBERNETES_VERSION")"
  go_version="$(node -e 'const j=JSON.parse(process.argv[1]);console.log(j.Go)' "$json")"
  # Go reads godebug only from the main module: copy upstream's lines.
  godebug="$(node -e 'const j=JSON.parse(process.argv[1]);console.log((j.GoDebug||[]).map(g=>`-godebug=${g.Key}=${g.Value}`).join(" "))' "$json")"
  # Every module upstream replaces with a ./staging/src/... directory gets pinned to the
  # published staging version (otherwise: "k8s.io/X@v0.0.0: invalid version").
  replaces="$(node -e '
    const j=JSON.parse(process.argv[1]); const v=process.argv[2];
    const r=(j.Replace||[]).filter(r=>r.New.Path.startsWith("./staging/")).map(r=>`-replace=${r.Old.Path}=${r.Old.Path}@${v}`);
    if(!r.length){console.error("no staging replaces found in upstream go.mod");process.exit(1)}
    console.log(r.join(" "))' "$json" "$staging_version")"
  mkdir -p "$dir"
  rm -f "$dir/go.mod" "$dir/go.sum"
  ( cd "$dir"
    go mod init ml-platform-patterns/tools/apiserver/kube-apiserver >/dev/null 2>&1
    # shellcheck disable=SC2086
    go mod edit -go="$go_version" $godebug -require="k8s.io/kubernetes@$KUBERNETES_VERSION" $replaces \
      -tool=k8s.io/kubernetes/cmd/kube-apiserver -tool=k8s.io/kubernetes/cmd/kube-controller-manager \
      -tool=k8s.io/kubernetes/cmd/kube-scheduler
    go mod tidy
  )
  echo "    $(grep -c '=> k8s.io/' "$dir/go.mod") staging replaces written"
}

gen_etcd() {
  local dir="$here/etcd" json go_version
  echo "==> generating $dir/go.mod for go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  json="$(upstream_gomod_json "go.etcd.io/etcd/server/v3@$ETCD_VERSION")"
  go_version="$(node -e 'const j=JSON.parse(process.argv[1]);console.log(j.Go)' "$json")"
  mkdir -p "$dir"
  rm -f "$dir/go.mod" "$dir/go.sum"
  ( cd "$dir"
    go mod init ml-platform-patterns/tools/apiserver/etcd >/dev/null 2>&1
    go mod edit -go="$go_version" -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION" -tool=go.etcd.io/etcd/server/v3
    go mod tidy
  )
}

# go build <module dir> <package> <output> <ldflags>
build_one() {
  local dir="$1" pkg="$2" out="$3" ldflags="$4" tmp start
  if [[ -x "$out" ]]; then
    echo "==> $(basename "$out") already built, skipping ($out)"
    return 0
  fi
  [[ -f "$dir/go.mod" ]] || die "$dir/go.mod missing: run 'tools/apiserver/build.sh gen'"
  mkdir -p "$(dirname "$out")"
  tmp="$out.tmp.$$"
  echo "==> building $pkg -> $out ($(go version | cut -d' ' -f3-))"
  start=$(date +%s)
  if ! ( cd "$dir" && go build -ldflags "$ldflags" -o "$tmp" "$pkg" ); then
    rm -f "$tmp"
    die "go build of $pkg failed (see the compiler output above). If the Go toolchain is too new for this release, retry with an older toolchain fetched through the module proxy, e.g. GOTOOLCHAIN=go1.24.0 tools/apiserver/build.sh"
  fi
  mv -f "$tmp" "$out"
  echo "    built in $(( $(date +%s) - start ))s, $(du -h "$out" | cut -f1)"
}

go_version_out="$(go version 2>&1)" || die "the Go toolchain does not run (GOTOOLCHAIN=${GOTOOLCHAIN:-unset}): $go_version_out"

if [[ "$mode" == "gen" ]]; then
  gen_kube_apiserver
  gen_etcd
fi

kube_ldflags=""
# Version stamping as hack/lib/version.sh does it. buildDate is the release tag time recorded
# by the module proxy (the .info file), so the binaries are reproducible. gitCommit is not known
# from the module zip and keeps upstream's placeholder.
kube_version_ldflags() {
  [[ -n "$kube_ldflags" ]] && return 0
  local kube_info kube_time kv kmajor kminor pkg
  kube_info="$(modinfo "k8s.io/kubernetes@$KUBERNETES_VERSION" Info)" || exit 1
  kube_time="$(node -e 'const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Time; if(!t) process.exit(1); console.log(new Date(t).toISOString().replace(/\.\d+Z$/,"Z"))' "$kube_info")" \
    || die "no release time in $kube_info"
  kv="${KUBERNETES_VERSION#v}"; kmajor="${kv%%.*}"; kminor="${kv#*.}"; kminor="${kminor%%.*}"
  kube_ldflags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    kube_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$kmajor -X $pkg.gitMinor=$kminor"
    kube_ldflags+=" -X $pkg.buildDate=$kube_time -X $pkg.gitTreeState=clean"
  done
}

# build_kube <cmd name> <output>: one Kubernetes component from the shared wrapper module.
build_kube() {
  if [[ -x "$2" ]]; then
    echo "==> $(basename "$2") already built, skipping ($2)"
    return 0
  fi
  kube_version_ldflags
  build_one "$here/kube-apiserver" "k8s.io/kubernetes/cmd/$1" "$2" "$kube_ldflags"
}

build_kube kube-apiserver "$apiserver_bin"
if (( want_kcm )); then build_kube kube-controller-manager "$kcm_bin"; fi
if (( want_scheduler )); then build_kube kube-scheduler "$scheduler_bin"; fi
build_one "$here/etcd" go.etcd.io/etcd/server/v3 "$etcd_bin" "-s -w"

# Sanity check: the binaries report the pinned versions.
for bin in "$apiserver_bin" "$kcm_bin" "$scheduler_bin"; do
  [[ -x "$bin" ]] || continue
  got="$("$bin" --version 2>&1 || true)"
  [[ "$got" == "Kubernetes $KUBERNETES_VERSION" ]] || die "$bin --version printed '$got', expected 'Kubernetes $KUBERNETES_VERSION'"
done
got="$("$etcd_bin" --version 2>&1 | sed -n 's/^etcd Version: //p')"
[[ "v$got" == "$ETCD_VERSION" ]] || die "$etcd_bin --version reports '$got', expected '${ETCD_VERSION#v}'"
echo "==> ok: kube-apiserver $KUBERNETES_VERSION, etcd $ETCD_VERSION in $bindir"
