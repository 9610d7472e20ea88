# Group "kube" (sourced by build.sh): the control plane, etcd, the node simulator, the operators and
# the policy engine share one dependency graph (k8s.io/* v0.36, controller-runtime v0.24), so their
# common packages compile once.

# binary | main package
kube_binaries() {
  cat <<EOF
kube-apiserver|k8s.io/kubernetes/cmd/kube-apiserver
kube-controller-manager|k8s.io/kubernetes/cmd/kube-controller-manager
kube-scheduler|k8s.io/kubernetes/cmd/kube-scheduler
etcd|go.etcd.io/etcd/server/v3
kwok|sigs.k8s.io/kwok/cmd/kwok
kueue|sigs.k8s.io/kueue/cmd/kueue
training-operator|github.com/kubeflow/training-operator/cmd/training-operator.v1
trainer|github.com/kubeflow/trainer/v2/cmd/trainer-controller-manager
jobset|sigs.k8s.io/jobset
cyclonus|github.com/mattfenwick/cyclonus/cmd/cyclonus
kubectl|k8s.io/kubernetes/cmd/kubectl
EOF
}

# asset | module
kube_assets() {
  cat <<EOF
kwok|sigs.k8s.io/kwok
kueue|sigs.k8s.io/kueue
training-operator|github.com/kubeflow/training-operator
EOF
}

# kube_copy_asset <name> <module dir> <out dir>
kube_copy_asset() {
  local moddir="$2" out="$3"
  case "$1" in
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
}

# k8s.io/kubernetes replaces each staging module with ./staging/src/...; a module zip has no such
# directory, so each becomes the published staging version (k8s.io/X v0.<minor>.<patch>). Its
# godebug line is copied (Go reads godebug only from the main module).
gen_kube() {
  local kube staging="v0.${KUBERNETES_VERSION#v1.}" replaces godebug tools=() requires=() name group pkg module
  echo "==> generating $here/kube/go.mod"
  kube="$(upstream_json "k8s.io/kubernetes@$KUBERNETES_VERSION")"
  replaces="$(json_field "$kube" '(j.Replace||[]).filter(r=>r.New.Path.startsWith("./staging/")).map(r=>`-replace=${r.Old.Path}=${r.Old.Path}@'"$staging"'`).join(" ")')"
  [[ -n "$replaces" ]] || die "no staging replaces in k8s.io/kubernetes@$KUBERNETES_VERSION's go.mod"
  godebug="$(json_field "$kube" '(j.GoDebug||[]).map(g=>`-godebug=${g.Key}=${g.Value}`).join(" ")')"
  requires=(
    "k8s.io/kubernetes@$KUBERNETES_VERSION" "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "sigs.k8s.io/kwok@$KWOK_VERSION"
    "sigs.k8s.io/kueue@$KUEUE_VERSION" "github.com/kubeflow/training-operator@$TRAINING_OPERATOR_VERSION"
    "github.com/kubeflow/trainer/v2@$TRAINER_VERSION" "sigs.k8s.io/jobset@$JOBSET_VERSION"
    "github.com/mattfenwick/cyclonus@$CYCLONUS_VERSION"
  )
  while IFS="|" read -r name group pkg _; do [[ "$group" == kube ]] && tools+=("-tool=$pkg"); done < <(binaries)
  # shellcheck disable=SC2046,SC2086
  new_module kube ml-platform-patterns/tools/go/kube -go="$(json_field "$kube" 'j.Go')" $godebug $replaces \
    $(printf -- '-require=%s ' "${requires[@]}") "${tools[@]}"
  for module in "${requires[@]}"; do
    # A member that replaces a module with a published version needs that replace here too.
    [[ -z "$(json_field "$(upstream_json "$module")" '(j.Replace||[]).filter(r=>r.New.Version && !r.Old.Path.startsWith("k8s.io/")).map(r=>r.Old.Path).join(" ")')" ]] \
      || die "$module replaces modules with published versions: carry them into the kube group"
  done
  raises kube "${requires[@]}"
}

# Kubernetes: hack/lib/version.sh. buildDate is the release tag time recorded by the module proxy
# (the .info file), so the binaries are reproducible; gitCommit is not known from a module zip and
# keeps upstream's placeholder. -X only sets variables of packages a binary links, but the
# Kubernetes components and the rest are linked in separate `go build`s anyway: the operators'
# upstream builds do not stamp k8s.io/component-base/version, and neither do we.
kube_ldflags() {
  local info time kv major minor pkg flags="-s -w"
  info="$(cd "$here/kube" && modinfo "k8s.io/kubernetes@$KUBERNETES_VERSION" Info)" || exit 1
  time="$(release_time "$info")" || exit 1
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

build_kube() {
  local tmp="$1" pkgs=() b c
  # The Kubernetes components (kube-*, kubectl) get its version stamps, the rest not.
  mapfile -t pkgs < <(binaries | awk -F'|' '$2 == "kube" && $1 !~ /^kube(-|ctl$)/ { print $3 }')
  echo "==> kube: building the Kubernetes $KUBERNETES_VERSION components ($(go version | cut -d' ' -f3-))"
  timed "go build kube (control plane)" go_build "$here/kube" "$(kube_ldflags)" "$tmp/bin" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl \
    || die "go build of the Kubernetes components failed (see the compiler output above)"
  echo "==> kube: building ${pkgs[*]}"
  timed "go build kube (etcd, simulator, operators, cyclonus)" go_build "$here/kube" "$(operator_ldflags)" "$tmp/bin" "${pkgs[@]}" \
    || die "go build of the kube group failed (see the compiler output above)"
  # Binaries named as the harnesses call them (go build names them by their package directory).
  mv "$tmp/bin/server" "$tmp/bin/etcd"  # go.etcd.io/etcd/server/v3 is named after "server"
  mv "$tmp/bin/training-operator.v1" "$tmp/bin/training-operator"
  mv "$tmp/bin/trainer-controller-manager" "$tmp/bin/trainer"
  copy_assets kube "$tmp"
  b="$tmp/bin"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    expect_version "$b/$c" "Kubernetes $KUBERNETES_VERSION" --version
  done
  expect_version "$b/etcd" "etcd Version: ${ETCD_VERSION#v}" --version
  expect_version "$b/kwok" "$KWOK_VERSION" --version
}
