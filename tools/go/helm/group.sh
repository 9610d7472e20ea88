# Group "helm" (sourced by build.sh): the Helm CLI, which renders the vendored charts offline
# (`helm template <chart dir> --include-crds --kube-version ...`). Its own graph: Helm v4.3.2
# requires k8s.io/* v0.37.2 and controller-runtime v0.25.2, which the kube group cannot take
# (Kubernetes v1.36.3 pins its staging modules at v0.36.3) and the kserve and argo groups are far
# below. One member, every dependency at the version upstream pins.

# binary | main package
helm_binaries() { echo "helm|helm.sh/helm/v4/cmd/helm"; }

gen_helm() { gen_member helm "helm.sh/helm/v4@$HELM_VERSION"; }

# Upstream's Makefile: internal/version.version = the tag, metadata empty for a tag build,
# gitTreeState clean; gitCommit is not known from a module zip (the proxy records no origin for
# it) and stays empty.
helm_ldflags() {
  printf '%s' "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.metadata=" \
    " -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
}

build_helm() {
  local tmp="$1"
  echo "==> helm: building Helm $HELM_VERSION ($(go version | cut -d' ' -f3-))"
  timed "go build helm" go_build "$here/helm" "$(helm_ldflags)" "$tmp/bin" helm.sh/helm/v4/cmd/helm \
    || die "go build of Helm failed (see the compiler output above)"
  expect_version "$tmp/bin/helm" "Version:\"$HELM_VERSION\"" version
}
