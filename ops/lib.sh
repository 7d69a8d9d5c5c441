#!/usr/bin/env bash
# Shared helpers for the ops/ scripts. Source it; it cd's to the repository root so every script works from any cwd.
set -euo pipefail

BS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BS_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bs_log() { printf '==> %s\n' "$*" >&2; }
bs_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# `bs_help "$@"` at the top of a script: -h/--help prints the script's header comment (its help) and exits, starting
# nothing; any other argument is refused, for scripts that take none (pass "args" first for those that take some).
bs_help() {
    local script="${BASH_SOURCE[1]}" takes=0
    if [ "${1:-}" = args ]; then takes=1; shift; fi
    case "${1:-}" in
        -h|--help)
            sed -n '2,/^[^#]/p' "$script" | sed -n '/^#/p' | sed 's/^# \{0,1\}//'
            exit 0 ;;
        "") ;;
        *) [ "$takes" = 1 ] || bs_die "$(basename "$script") takes no arguments (got '$1'; --help says what it does)" ;;
    esac
}

# Runs a command as root: directly when we are root (CI), through sudo otherwise.
bs_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else bs_die "need root to run: $*"
    fi
}

# apt-get update at most once per script run.
_BS_APT_UPDATED=0
bs_apt_install() {
    command -v apt-get >/dev/null 2>&1 || bs_die "apt-get not found; install by hand: $*"
    if [ "$_BS_APT_UPDATED" -eq 0 ]; then
        bs_log "apt-get update"
        bs_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        _BS_APT_UPDATED=1
    fi
    bs_log "apt-get install $*"
    bs_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null
}

# Directory holding initdb/pg_ctl: PATH first, then Debian's versioned /usr/lib/postgresql/<v>/bin (newest). Empty if none.
bs_pg_bindir() {
    local p
    if p="$(command -v initdb 2>/dev/null)"; then dirname "$p"; return 0; fi
    p="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$p" ] && [ -x "$p/initdb" ]; then echo "$p"; fi
}

# Puts the PostgreSQL server tools on PATH (Debian keeps them off it) for the embedded database.
bs_pg_path() {
    local d
    d="$(bs_pg_bindir)"
    if [ -n "$d" ]; then
        case ":$PATH:" in *":$d:"*) ;; *) export PATH="$d:$PATH" ;; esac
    fi
}

bs_require_dotnet() {
    command -v dotnet >/dev/null 2>&1 || bs_die "dotnet not found: install the .NET SDK pinned in global.json"
}
