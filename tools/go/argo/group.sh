# Group "argo" (sourced by build.sh): Argo Workflows' workflow-controller and argoexec (the
# executor: its `resource` and `emissary` commands), one member, every dependency at the version
# upstream pins (k8s.io/* v0.33.1, kubectl v0.33.1 linked into argoexec). Not shared with kserve:
# argoexec v4.0.5 does not compile against the k8s.io/apimachinery v0.34 KServe pins
# (workflow/executor/resource.go: gjsonLabels lacks the Lookup method labels.Labels gained), and
# its embedded kubectl v0.33 not against client-go v0.34 (structured-merge-diff v4 against v6).
#
# v4.0.5 has known security flaws fixed in later releases the module proxy does not serve: it is
# run only as a loopback test process of the verification rungs, never shipped (README.md).

# binary | main package
argo_binaries() {
  cat <<EOF2
workflow-controller|github.com/argoproj/argo-workflows/v4/cmd/workflow-controller
argoexec|github.com/argoproj/argo-workflows/v4/cmd/argoexec
EOF2
}

# asset | module
argo_assets() { echo "argo-workflows|github.com/argoproj/argo-workflows/v4"; }

# The CRDs of exactly this release (manifests/base/crds: full = with OpenAPI schemas, minimal =
# x-kubernetes-preserve-unknown-fields); the vendored chart's are a later release's.
argo_copy_asset() {
  local moddir="$2" out="$3"
  mkdir -p "$out/crds"
  cp -R "$moddir/manifests/base/crds/full" "$moddir/manifests/base/crds/minimal" "$out/crds/"
}

gen_argo() { gen_member argo "github.com/argoproj/argo-workflows/v4@$ARGO_WORKFLOWS_VERSION"; }

# Upstream's Makefile: version.go's version, buildDate, gitCommit, gitTag and gitTreeState. With a
# commit, a tag and a clean tree, `argoexec version` and the controller report the tag itself.
# buildDate is the release time the module proxy records (reproducible builds).
argo_ldflags() {
  local info time pkg=github.com/argoproj/argo-workflows/v4
  info="$(cd "$here/argo" && modinfo "$pkg@$ARGO_WORKFLOWS_VERSION" Info)" || exit 1
  time="$(release_time "$info")" || exit 1
  printf '%s' "-s -w -X $pkg.version=$ARGO_WORKFLOWS_VERSION -X $pkg.buildDate=$time" \
    " -X $pkg.gitCommit=$ARGO_WORKFLOWS_COMMIT -X $pkg.gitTag=$ARGO_WORKFLOWS_VERSION -X $pkg.gitTreeState=clean"
}

# The module zip lacks workflow/executor/osspecific/signal_linux.go (upstream's is a symbolic link
# to signal_darwin.go; module zips leave links out), so argoexec does not compile from it, and go
# refuses -overlay for files in the module cache. The group is built from a vendored copy of its
# graph instead, with tools/go/argo/signal_linux.go.in (our own code, see its comment) installed as
# that file, by one `go build -mod=vendor` of both binaries.
build_argo() {
  local tmp="$1" work="$tmp/src" osdir pkgs=() b got
  mapfile -t pkgs < <(group_packages argo)
  mkdir -p "$work"
  cp "$here/argo/go.mod" "$here/argo/go.sum" "$work/"
  echo "==> argo: vendoring Argo Workflows $ARGO_WORKFLOWS_VERSION's graph ($(go version | cut -d' ' -f3-))"
  ( cd "$work" && timed "go mod vendor (argo)" go mod vendor ) || die "go mod vendor failed"
  osdir="$work/vendor/github.com/argoproj/argo-workflows/v4/workflow/executor/osspecific"
  [[ -d "$osdir" ]] || die "$osdir missing after go mod vendor"
  [[ ! -e "$osdir/signal_linux.go" ]] || die "the module now ships osspecific/signal_linux.go: drop tools/go/argo/signal_linux.go.in"
  cp "$here/argo/signal_linux.go.in" "$osdir/signal_linux.go"
  echo "==> argo: building ${pkgs[*]}"
  GO_BUILD_FLAGS=-mod=vendor timed "go build argo (workflow-controller, argoexec)" go_build "$work" "$(argo_ldflags)" "$tmp/bin" "${pkgs[@]}" \
    || die "go build of Argo Workflows failed (see the compiler output above)"
  chmod -R u+w "$work"
  rm -rf "$work"
  copy_assets argo "$tmp"
  # `<binary> version` prints "<binary>: <version>" first on stdout (the controller logs its
  # configuration defaults to stderr before it).
  for b in workflow-controller argoexec; do
    got="$("$tmp/bin/$b" version 2>/dev/null | head -n 1 || true)"
    [[ "$got" == "$b: $ARGO_WORKFLOWS_VERSION" ]] || die "$b version printed '$got', expected '$b: $ARGO_WORKFLOWS_VERSION'"
  done
}
