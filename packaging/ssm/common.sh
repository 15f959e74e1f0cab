# Shared by install.sh, update.sh and uninstall.sh (sourced; POSIX sh). Nothing here reads log content: the only
# inputs are this package's own files and the operator's environment (DESTDIR, purge flags).

VIGIL_USER=vigil

log() { printf '%s: %s\n' "$VIGIL_SCRIPT" "$*"; }
die() { printf '%s: ERROR: %s\n' "$VIGIL_SCRIPT" "$*" >&2; exit 1; }

# DESTDIR installs into a staging root (tests, image builds): no user is created, nothing is chowned and
# systemctl is not called; each skip is logged.
vigil_paths() {
  DESTDIR=${DESTDIR:-}
  case "$DESTDIR" in
    '' ) ;;
    /*) case "$DESTDIR" in *'
'*) die "DESTDIR must not contain a newline" ;; esac
        DESTDIR=${DESTDIR%/} ;;
    *) die "DESTDIR must be an absolute path, got '$DESTDIR'" ;;
  esac
  OPT="$DESTDIR/opt/vigil"
  ETC="$DESTDIR/etc/vigil"
  STATE="$DESTDIR/var/lib/vigil"
  UNIT_DIR="$DESTDIR/etc/systemd/system"
  UNIT="$UNIT_DIR/vigil-agent.service"
  BIN_LINK="$DESTDIR/usr/local/bin/vigil-agent"
}

staged() { [ -n "$DESTDIR" ]; }

require_root() {
  staged && return 0
  [ "$(id -u)" = 0 ] || die "must run as root (or set DESTDIR to install into a staging root)"
}

# True when systemd manages this host and we are not installing into a staging root.
have_systemd() {
  ! staged && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

systemctl_or_skip() {
  if staged; then log "DESTDIR set: skipped systemctl $*"; return 0; fi
  if ! have_systemd; then log "systemd not running: skipped systemctl $*"; return 0; fi
  systemctl "$@"
}

user_exists() { id "$VIGIL_USER" >/dev/null 2>&1; }

# chown only on a real install: under DESTDIR the vigil user does not exist.
chown_or_skip() {
  if staged; then return 0; fi
  chown "$@"
}

truthy() {
  case "$(printf '%s' "${1:-}" | tr 'A-Z' 'a-z')" in 1|true|yes|on) return 0 ;; *) return 1 ;; esac
}
