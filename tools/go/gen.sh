# Regenerates the groups' wrapper modules from versions.env (sourced by build.sh; not run).
# Nothing in a go.mod is hand-typed: upstream's own go.mod files (`go mod download -json` → GoMod,
# `go mod edit -json`) give the go and godebug lines and the replace directives, and `go mod tidy`
# picks one version of every shared module (the highest any member requires: Go's minimal version
# selection). README.md lists what that raised for each member.

# upstream_json <module@version>: its go.mod as JSON.
upstream_json() {
  local gomod
  gomod="$(GOFLAGS=-mod=mod modinfo "$1" GoMod)" || exit 1
  go mod edit -json "$gomod"
}

# json_field <json> <js expression over j>: prints the expression's value.
json_field() { node -e 'const j=JSON.parse(process.argv[1]); console.log(eval(process.argv[2]))' "$1" "$2"; }

# new_module <group> <module path> <go mod edit flags...>: writes go.mod from scratch and tidies it.
new_module() {
  local g="$1" name="$2"
  shift 2
  mkdir -p "$here/$g"
  rm -f "$here/$g/go.mod" "$here/$g/go.sum"
  ( cd "$here/$g"
    go mod init "$name" >/dev/null 2>&1
    go mod edit "$@"
    GOFLAGS=-mod=mod go mod tidy
  )
  echo "    $here/$g/go.mod: $(grep -c '^\s' "$here/$g/go.mod") lines of requirements, $(grep -c '=>' "$here/$g/go.mod") replaces"
}

# raises <group> <module@version...>: per member, the requirements the shared graph selects at a
# higher minor (or major) than the member's own go.mod asks for; patch-level moves are only counted.
raises() {
  local g="$1"
  shift
  ( cd "$here/$g" && go list -m -json all ) | node -e '
    const sel = {}; let s = "";
    process.stdin.on("data", (d) => { s += d; }).on("end", () => {
      for (const m of JSON.parse(`[${s.replace(/}\s*{/g, "},{")}]`)) sel[m.Path] = (m.Replace && m.Replace.Version) || m.Version;
      const cp = require("child_process");
      const minor = (v) => v.split(".").slice(0, 2).join(".");
      for (const member of process.argv.slice(1)) {
        const [path, version] = member.split("@");
        const gomod = JSON.parse(cp.execSync(`go mod download -json ${member}`)).GoMod;
        const req = JSON.parse(cp.execSync(`go mod edit -json ${gomod}`)).Require || [];
        const moved = req.filter((r) => sel[r.Path] && sel[r.Path] !== r.Version && r.Version !== "v0.0.0");
        const big = moved.filter((r) => minor(r.Version) !== minor(sel[r.Path]));
        console.log(`* ${path} ${version}: ${moved.length} requirements raised, ${big.length} beyond a patch` +
          (big.length ? `: ${big.map((r) => `${r.Path} ${r.Version} → ${sel[r.Path]}`).join(", ")}` : ""));
      }
    });' "$@"
}

# kube: k8s.io/kubernetes replaces each staging module with ./staging/src/...; a module zip has no
# such directory, so each becomes the published staging version (k8s.io/X v0.<minor>.<patch>).
# Its godebug line is copied (Go reads godebug only from the main module).
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
  while IFS="|" read -r name group pkg; do [[ "$group" == kube ]] && tools+=("-tool=$pkg"); done < <(binaries)
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

# pulumi-cli, pulumi-provider: upstream's non-local replaces are carried (local `=> ../sdk` ones
# point into upstream's repository, which a module zip lacks; the provider's sdk/v4 is required at
# K8S_PROVIDER_SDK_VERSION instead). Two groups, not one: the provider (module commit f47bc2d6f199)
# requires pkg/v3 v3.215.0 and does not compile against the CLI's v3.248.0 (pkg/gen/schema.go:
# `cannot use pschema.ResourceSpec{…} as *ResourceSpec`, measured).
non_local_replaces() {
  json_field "$1" '(j.Replace||[]).filter(x=>x.New.Version).map(x=>`-replace=${x.Old.Path}=${x.New.Path}@${x.New.Version}`).join(" ")'
}

gen_pulumi_cli() {
  local pkg=github.com/pulumi/pulumi/pkg/v3 sdk=github.com/pulumi/pulumi/sdk/v3 json
  echo "==> generating $here/pulumi-cli/go.mod"
  json="$(upstream_json "$pkg@$PULUMI_VERSION")"
  # shellcheck disable=SC2046
  new_module pulumi-cli ml-platform-patterns/tools/go/pulumi-cli -go="$(json_field "$json" 'j.Go')" $(non_local_replaces "$json") \
    "-require=$pkg@$PULUMI_VERSION" "-require=$sdk@$PULUMI_VERSION" "-tool=$pkg/cmd/pulumi"
}

gen_pulumi_provider() {
  local provider=github.com/pulumi/pulumi-kubernetes/provider/v4 provider_sdk=github.com/pulumi/pulumi-kubernetes/sdk/v4 json
  echo "==> generating $here/pulumi-provider/go.mod"
  json="$(upstream_json "$provider@$K8S_PROVIDER_MODULE_VERSION")"
  # shellcheck disable=SC2046
  new_module pulumi-provider ml-platform-patterns/tools/go/pulumi-provider -go="$(json_field "$json" 'j.Go')" $(non_local_replaces "$json") \
    "-require=$provider@$K8S_PROVIDER_MODULE_VERSION" "-require=$provider_sdk@$K8S_PROVIDER_SDK_VERSION" \
    "-tool=$provider/cmd/pulumi-resource-kubernetes"
}
