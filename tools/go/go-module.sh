# Shell helpers of build.sh, gen.sh and ldflags.sh (sourced, not run): errors, toolchain checks and
# one field of a module version as the Go module proxy describes it.

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }

# require_tools go [node ...]: every named command is on PATH (node reads go.mod JSON).
require_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null || die "$t is not on PATH"; done
}

# modinfo <module@version> <field>: one field of `go mod download -json` (GoMod, Info, Dir, ...).
# Runs under the caller's GOFLAGS: gen.sh calls it with `GOFLAGS=-mod=mod` (before go.sum exists),
# build.sh with -mod=readonly (the builds' flags; the cold CI run resolved every lookup with them).
modinfo() {
  local json
  json="$(go mod download -json "$1")" || die "go mod download $1 failed: $(printf '%s' "$json" | grep -m1 '"Error"' || true)"
  printf '%s' "$json" | node -e '
    let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
      const j = JSON.parse(s);
      if (j.Error) { console.error(j.Error); process.exit(1); }
      if (!j[process.argv[1]]) { console.error(`no ${process.argv[1]} in go mod download output`); process.exit(1); }
      console.log(j[process.argv[1]]);
    });' "$2" || die "cannot read $2 of $1 from go mod download"
}
