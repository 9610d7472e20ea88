# Version stamping as each upstream's release build does it, and the check that the built binaries
# report their pins (sourced by build.sh; not run). -X only sets variables of packages a binary
# links, but the Kubernetes components and the rest are linked in separate `go build`s anyway: the
# operators' upstream builds do not stamp k8s.io/component-base/version, and neither do we.

# Kubernetes: hack/lib/version.sh. buildDate is the release tag time recorded by the module proxy
# (the .info file), so the binaries are reproducible; gitCommit is not known from a module zip and
# keeps upstream's placeholder.
kube_ldflags() {
  local info time kv major minor pkg flags="-s -w"
  info="$(cd "$here/kube" && modinfo "k8s.io/kubernetes@$KUBERNETES_VERSION" Info)" || exit 1
  time="$(node -e 'const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Time; if(!t) process.exit(1); console.log(new Date(t).toISOString().replace(/\.\d+Z$/,"Z"))' "$info")" \
    || die "no release time in $info"
  kv="${KUBERNETES_VERSION#v}"; major="${kv%%.*}"; minor="${kv#*.}"; minor="${minor%%.*}"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.buildDate=$time -X $pkg.gitTreeState=clean"
  done
  printf '%s' "$flags"
}

# kwok (Makefile: consts.Version), Kueue and JobSet (Makefile: pkg/version.GitVersion); etcd,
# training-operator, Trainer and cyclonus stamp nothing (etcd's version is a constant of api/v3).
operator_ldflags() {
  printf '%s' "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" \
    " -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION" \
    " -X sigs.k8s.io/jobset/pkg/version.GitVersion=$JOBSET_VERSION"
}

# The Automation API runs `pulumi version` and refuses a CLI older than the SDK: stamp the pin.
pulumi_ldflags() { printf '%s' "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"; }
provider_ldflags() { printf '%s' "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_PLUGIN_VERSION"; }

# expect_version <binary> <expected> <command...>: the command's output must contain the expected text.
expect_version() {
  local bin="$1" want="$2" got
  shift 2
  got="$("$bin" "$@" 2>&1 | head -n 3 || true)"
  [[ "$got" == *"$want"* ]] || die "$(basename "$bin") $* printed '$got', expected '$want'"
}

check_versions_kube() {
  local b="$1" c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    expect_version "$b/$c" "Kubernetes $KUBERNETES_VERSION" --version
  done
  expect_version "$b/etcd" "etcd Version: ${ETCD_VERSION#v}" --version
  expect_version "$b/kwok" "$KWOK_VERSION" --version
}

check_versions_pulumi() {
  local got
  got="$("$1/bin/pulumi" version 2>&1 || true)"
  [[ "$got" == "$PULUMI_VERSION" ]] || die "pulumi version printed '$got', expected '$PULUMI_VERSION'"
}
