# shellcheck shell=bash
# Go programs built from the Go module proxy into .tools/bin with `go install`: the Temporal CLI,
# and for the cluster engine the Temporal server, its SQL tool and the Web UI server. Each binary
# is kept while its build info names the wanted module version, so later runs reuse it. Source
# after lib/common.sh.

check_go() {
  local what="$1"
  have go || die "Go is not installed. Building $what needs Go >= 1.25 (https://go.dev/dl/)."
  local v major minor
  v="$(go env GOVERSION)"
  [[ "$v" =~ ^go([0-9]+)\.([0-9]+) ]] || die "cannot parse Go version '$v'; need Go >= 1.25."
  major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
  if ((major < 1 || (major == 1 && minor < 25))); then
    die "found $v, but $what needs Go >= 1.25 (https://go.dev/dl/)."
  fi
}

# go install -v names each package as it compiles; show a running count instead of ~1,400 lines.
show_build_progress() {
  local line downloads=0 packages=0 tty=0
  [[ -t 1 ]] && tty=1
  while IFS= read -r line; do
    if [[ "$line" == "go: downloading "* ]]; then
      downloads=$((downloads + 1))
    elif [[ "$line" =~ ^[a-zA-Z0-9._/~-]+$ ]]; then
      packages=$((packages + 1))
    else
      ((tty)) && printf '\n'
      printf '    %s\n' "$line"
      continue
    fi
    if ((tty)); then
      printf '\r    %d modules downloaded, %d packages compiled (%s)\e[K' "$downloads" "$packages" "${line#go: downloading }"
    elif (((downloads + packages) % 100 == 0)); then
      printf '    %d modules downloaded, %d packages compiled (%s)\n' "$downloads" "$packages" "${line#go: downloading }"
    fi
  done
  ((tty)) && printf '\n'
  printf '    done: %d modules downloaded, %d packages compiled\n' "$downloads" "$packages"
}

# go_binary_ok BIN MODULE VERSION: BIN runs (--version) and was built from MODULE at vVERSION.
# `go install` skips goreleaser's ldflags, so a binary's own --version may say 0.0.0-DEV; the
# module version is in its build info instead.
go_binary_ok() {
  local bin="$1" module="$2" version="$3"
  [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1 || return 1
  have go || return 0
  go version -m "$bin" | grep -Eq "^[[:space:]]+mod[[:space:]]+${module//./\\.}[[:space:]]+v${version//./\\.}[[:space:]]"
}

# ensure_go_binary LABEL BIN PACKAGE MODULE VERSION
# Builds PACKAGE@vVERSION (of MODULE) with CGO_ENABLED=0 into BIN unless BIN is that build already.
# Returns non-zero (after printing why) when the build fails; the caller decides whether that is fatal.
ensure_go_binary() {
  local label="$1" bin="$2" package="$3" module="$4" version="$5"
  local name="${bin##*/}"
  if go_binary_ok "$bin" "$module" "$version"; then
    ok "$label v$version at ${bin#"$ROOT"/}"
    return
  fi
  mkdir -p "$TOOLS_DIR/bin"
  # Two callers (stack:up and jest, say) must not build at the same time.
  exec 9>"$TOOLS_DIR/.build.lock"
  if ! flock -n 9; then
    info "another ensure-tools is building; waiting for it"
    flock 9
  fi
  # A build started by hand of the same package: wait for it rather than racing it.
  local other
  while other="$(pgrep -f "go install .*$package@" | head -1)" && [[ -n "$other" ]]; do
    info "a build of $package is already running (pid $other); waiting for it"
    while pid_alive "$other"; do sleep 5; done
  done
  if go_binary_ok "$bin" "$module" "$version"; then
    ok "$label v$version at ${bin#"$ROOT"/}"
    flock -u 9
    return
  fi

  check_go "$label v$version"
  info "building $label v$version from the Go module proxy ($package)"
  # go install names the binary after the package's last element (two of ours are "server"), so
  # it goes into a directory of its own first and is then moved to its distinct name.
  local build_log="$TOOLS_DIR/$name-build.log" gobin="$TOOLS_DIR/build/$name" started=$SECONDS
  rm -rf "$gobin" && mkdir -p "$gobin"
  set +o pipefail
  CGO_ENABLED=0 GOBIN="$gobin" go install -v "$package@v$version" 2>&1 | tee "$build_log" | show_build_progress
  local rc="${PIPESTATUS[0]}"
  set -o pipefail
  if [[ "$rc" != 0 ]]; then
    tail -n 30 "$build_log" >&2
    warn "go install of $label v$version failed (exit $rc); full log in $build_log"
    flock -u 9
    return 1
  fi
  mv -f "$gobin/${package##*/}" "$bin"
  rm -rf "$gobin"
  if ! go_binary_ok "$bin" "$module" "$version"; then
    warn "built $bin but it does not run or is not $module v$version: $("$bin" --version 2>&1 | head -3 || true)"
    flock -u 9
    return 1
  fi
  ok "$label v$version built in $((SECONDS - started)) s"
  flock -u 9
}

ensure_temporal_cli() {
  ensure_go_binary "Temporal CLI" "$TEMPORAL_BIN" github.com/temporalio/cli/cmd/temporal \
    github.com/temporalio/cli "$TEMPORAL_CLI_VERSION" || die "cannot build the Temporal CLI"
}

# The cluster engine: the server and its SQL tool are required; the Web UI is not.
ensure_cluster_binaries() {
  ensure_go_binary "Temporal server" "$TEMPORAL_SERVER_BIN" go.temporal.io/server/cmd/server \
    go.temporal.io/server "$TEMPORAL_SERVER_VERSION" || die "cannot build the Temporal server"
  ensure_go_binary "Temporal SQL tool" "$TEMPORAL_SQL_TOOL_BIN" go.temporal.io/server/cmd/tools/sql \
    go.temporal.io/server "$TEMPORAL_SERVER_VERSION" || die "cannot build the Temporal SQL tool"
  ensure_go_binary "Temporal Web UI server" "$TEMPORAL_UI_BIN" github.com/temporalio/ui-server/v2/cmd/server \
    github.com/temporalio/ui-server/v2 "$TEMPORAL_UI_VERSION" ||
    warn "the Web UI server v$TEMPORAL_UI_VERSION does not build here: the cluster runs without a Web UI (everything else works; see $TOOLS_DIR/temporal-ui-server-build.log)"
}

# The server module's PostgreSQL schema (schema/postgresql/v12), from the Go module cache; `go mod
# download` fetches the module if the cache was cleaned since the build.
temporal_schema_dir() {
  local dir
  dir="$(go mod download -json "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION" 2>/dev/null |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir/schema/postgresql/v12" ]] ||
    die "cannot find go.temporal.io/server@v$TEMPORAL_SERVER_VERSION in the Go module cache ($(go env GOMODCACHE))"
  echo "$dir/schema/postgresql/v12"
}
