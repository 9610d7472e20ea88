# Group "pulumi-cli" (sourced by build.sh): the Pulumi CLI, its dependencies at the versions its
# upstream pins (one member). Not shared with the provider: the provider (module commit
# f47bc2d6f199) requires pkg/v3 v3.215.0 and does not compile against the CLI's v3.248.0
# (pkg/gen/schema.go: `cannot use pschema.ResourceSpec{…} as *ResourceSpec`, measured).

# binary | main package
pulumi_cli_binaries() { echo "pulumi|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"; }

# Upstream's non-local replaces are carried (local `=> ../sdk` ones point into upstream's
# repository, which a module zip lacks).
gen_pulumi_cli() {
  local pkg=github.com/pulumi/pulumi/pkg/v3 sdk=github.com/pulumi/pulumi/sdk/v3 json
  echo "==> generating $here/pulumi-cli/go.mod"
  json="$(upstream_json "$pkg@$PULUMI_VERSION")"
  # shellcheck disable=SC2046
  new_module pulumi-cli ml-platform-patterns/tools/go/pulumi-cli -go="$(json_field "$json" 'j.Go')" $(non_local_replaces "$json") \
    "-require=$pkg@$PULUMI_VERSION" "-require=$sdk@$PULUMI_VERSION" "-tool=$pkg/cmd/pulumi"
}

# The Automation API runs `pulumi version` and refuses a CLI older than the SDK: stamp the pin.
pulumi_ldflags() { printf '%s' "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"; }

build_pulumi_cli() {
  local tmp="$1" got
  echo "==> pulumi-cli: building the CLI $PULUMI_VERSION ($(go version | cut -d' ' -f3-))"
  timed "go build pulumi-cli" go_build "$here/pulumi-cli" "$(pulumi_ldflags)" "$tmp/bin" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    || die "go build of the Pulumi CLI failed (see the compiler output above)"
  got="$("$tmp/bin/pulumi" version 2>&1 || true)"
  [[ "$got" == "$PULUMI_VERSION" ]] || die "pulumi version printed '$got', expected '$PULUMI_VERSION'"
}
