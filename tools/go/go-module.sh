# Shell helpers of build.sh, gen.sh and the groups' group.sh (sourced, not run): errors, toolchain
# checks, one field of a module version as the Go module proxy describes it, its release time, and
# the version check of a built binary.

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

# expect_version <binary> <expected> <command...>: the command's output must contain the expected
# text (the check that a built binary reports its pin).
expect_version() {
  local bin="$1" want="$2" got
  shift 2
  got="$("$bin" "$@" 2>&1 | head -n 3 || true)"
  [[ "$got" == *"$want"* ]] || die "$(basename "$bin") $* printed '$got', expected '$want'"
}

# release_time <.info file of go mod download>: the release (tag) time the module proxy records, as
# 2006-01-02T15:04:05Z: the build date stamped into binaries, so that they are reproducible.
release_time() {
  node -e 'const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Time; if(!t) process.exit(1); console.log(new Date(t).toISOString().replace(/\.\d+Z$/,"Z"))' "$1" \
    || die "no release time in $1"
}
