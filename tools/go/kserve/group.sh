# Group "kserve" (sourced by build.sh): the KServe controller manager (cmd/manager, named kserve
# here), one member. Its go.mod pins k8s.io/* at v0.34.x and controller-runtime at v0.22.5 with
# replace directives (KEDA v2.18's webhook types), grpc at v1.79.3 and expr at v1.17.7; Go reads
# replaces and excludes only from the main module, so the wrapper carries them all (gen_member).
# Those pins rule out sharing: the kube group is at k8s.io v0.36 / controller-runtime v0.24, helm
# at v0.37, and Argo's executor does not compile against v0.34 (argo/group.sh).

# binary | main package
kserve_binaries() { echo "kserve|github.com/kserve/kserve/cmd/manager"; }

# asset | module
kserve_assets() { echo "kserve|github.com/kserve/kserve"; }

# Upstream's config/ tree of this release, as is: crd/ (full, minimal), webhook/manifests.yaml,
# configmap/inferenceservice.yaml (the default inferenceservice-config), rbac/, runtimes/, ...
kserve_copy_asset() {
  local moddir="$2" out="$3"
  cp -R "$moddir/config/." "$out/"
}

gen_kserve() { gen_member kserve "github.com/kserve/kserve@$KSERVE_VERSION"; }

build_kserve() {
  local tmp="$1" got
  echo "==> kserve: building the KServe $KSERVE_VERSION manager ($(go version | cut -d' ' -f3-))"
  # Upstream's build (Dockerfile) stamps no version: neither do we.
  timed "go build kserve" go_build "$here/kserve" "-s -w" "$tmp/bin" github.com/kserve/kserve/cmd/manager \
    || die "go build of the KServe manager failed (see the compiler output above)"
  mv "$tmp/bin/manager" "$tmp/bin/kserve"
  copy_assets kserve "$tmp"
  # It has no version flag; its flags show it starts (and that it is the manager).
  got="$("$tmp/bin/kserve" --help 2>&1 || true)"
  [[ "$got" == *"-webhook-port"* ]] || die "kserve --help printed '${got:0:300}', expected its -webhook-port flag"
}
