# Shared helpers of the groups' gen_<group> (in <group>/group.sh), which regenerate the wrapper
# modules from versions.env (sourced by build.sh; not run). Nothing in a go.mod is hand-typed:
# upstream's own go.mod files (`go mod download -json` → GoMod, `go mod edit -json`) give the go and
# godebug lines, the replace and exclude directives, and `go mod tidy` picks one version of every
# shared module (the highest any member requires: Go's minimal version selection). README.md lists
# what that moved for each member.

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

# raises <group> <module@version...>: per member, the requirements the shared graph selects at
# another version than the member's own go.mod gives them (its replaces applied): the moves beyond a
# patch are listed, raised (minimal version selection: another member needs more) or lowered (only
# a replace of the group can do that); patch-level moves are only counted.
raises() {
  local g="$1"
  shift
  ( cd "$here/$g" && go list -m -json all ) | node -e '
    const sel = {}; let s = "";
    process.stdin.on("data", (d) => { s += d; }).on("end", () => {
      for (const m of JSON.parse(`[${s.replace(/}\s*{/g, "},{")}]`)) sel[m.Path] = (m.Replace && m.Replace.Version) || m.Version;
      const cp = require("child_process");
      const minor = (v) => v.split(".").slice(0, 2).join(".");
      const parse = (v) => { const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(v); return m && [+m[1], +m[2], +m[3], m[4] ?? null]; };
      const cmp = (a, b) => {
        const x = parse(a), y = parse(b);
        if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
        for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
        if (x[3] === y[3]) return 0;
        if (x[3] === null || y[3] === null) return x[3] === null ? 1 : -1;
        return x[3] < y[3] ? -1 : 1;
      };
      for (const member of process.argv.slice(1)) {
        const [path, version] = member.split("@");
        const gomod = JSON.parse(cp.execSync(`go mod download -json ${member}`)).GoMod;
        const own = JSON.parse(cp.execSync(`go mod edit -json ${gomod}`));
        const replaced = {};
        for (const r of own.Replace || []) if (r.New.Version && !r.Old.Version) replaced[r.Old.Path] = r.New.Version;
        const req = (own.Require || []).map((r) => ({ Path: r.Path, Version: replaced[r.Path] || r.Version }));
        const moved = req.filter((r) => sel[r.Path] && sel[r.Path] !== r.Version && r.Version !== "v0.0.0");
        const big = moved.filter((r) => minor(r.Version) !== minor(sel[r.Path]));
        const up = big.filter((r) => cmp(sel[r.Path], r.Version) > 0), down = moved.filter((r) => cmp(sel[r.Path], r.Version) < 0);
        const list = (rs) => rs.map((r) => `${r.Path} ${r.Version} → ${sel[r.Path]}`).join(", ");
        console.log(`* ${path} ${version}: ${moved.length} requirements moved, ${big.length} beyond a patch` +
          (up.length ? `; raised: ${list(up)}` : "") + (down.length ? `; LOWERED: ${list(down)}` : ""));
      }
    });' "$@"
}

# non_local_replaces <go.mod json>: -replace flags for upstream's replaces by published versions
# (local `=> ../sdk` ones point into upstream's repository, which a module zip lacks).
non_local_replaces() {
  json_field "$1" '(j.Replace||[]).filter(x=>x.New.Version).map(x=>`-replace=${x.Old.Path}=${x.New.Path}@${x.New.Version}`).join(" ")'
}

# gen_member <group> <module@version> [go mod edit flags...]: a group of one upstream module. Its
# go.mod's go and godebug lines, replaces by published versions and excludes are carried (Go reads
# them only from the main module: without them the graph would not be the one upstream builds), it
# is required at its pin, and every main package of the group's binaries is named as a tool; extra
# flags (such as more requires) are passed on. Dies on a local replace, which a module zip cannot
# satisfy. Prints what moved against upstream's own go.mod (expected: nothing).
gen_member() {
  local g="$1" member="$2" json tools=() name group pkg local_replaces
  shift 2
  echo "==> generating $here/$g/go.mod"
  json="$(upstream_json "$member")"
  local_replaces="$(json_field "$json" '(j.Replace||[]).filter(x=>!x.New.Version).map(x=>x.Old.Path).join(" ")')"
  [[ -z "$local_replaces" ]] || die "$member replaces $local_replaces with local directories: not buildable from its module zip as is"
  while IFS="|" read -r name group pkg _; do [[ "$group" == "$g" ]] && tools+=("-tool=$pkg"); done < <(binaries)
  # shellcheck disable=SC2046
  new_module "$g" "ml-platform-patterns/tools/go/$g" -go="$(json_field "$json" 'j.Go')" \
    $(json_field "$json" '(j.GoDebug||[]).map(g=>`-godebug=${g.Key}=${g.Value}`).join(" ")') \
    $(non_local_replaces "$json") \
    $(json_field "$json" '(j.Exclude||[]).map(x=>`-exclude=${x.Path}@${x.Version}`).join(" ")') \
    "-require=$member" "$@" "${tools[@]}"
  raises "$g" "$member"
}
