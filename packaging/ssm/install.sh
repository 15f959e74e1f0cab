#!/bin/sh
# Installs or upgrades vigil-agent (AWS Systems Manager Distributor runs this from the unpacked package).
# Idempotent: a second run converges to the same state. An existing /etc/vigil/agent.yaml is kept; the packaged
# default is written beside it as agent.yaml.default. The new binary checks the config before it replaces the old
# one, so a config the new version refuses leaves the running version in place.
set -eu
VIGIL_SCRIPT=vigil-install
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
. "$HERE/common.sh"
. "$HERE/package.env"
vigil_paths
require_root

check_host() {
  machine=$(uname -m)
  case "$machine" in aarch64) machine=arm64 ;; esac
  [ "$machine" = "$VIGIL_ARCH" ] || die "this package is for $VIGIL_ARCH, the host is $(uname -m)"
  glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}') || glibc=''
  [ -n "$glibc" ] || die "glibc not found: vigil-agent needs glibc >= $VIGIL_MIN_GLIBC (musl is not supported)"
  lowest=$(printf '%s\n%s\n' "$glibc" "$VIGIL_MIN_GLIBC" | sort -t. -k1,1n -k2,2n | head -n 1)
  [ "$lowest" = "$VIGIL_MIN_GLIBC" ] || die "glibc $glibc is older than $VIGIL_MIN_GLIBC, which Node.js 24 needs"
}

check_payload() {
  (cd "$HERE/files" && sha256sum --quiet --strict -c SHA256SUMS) || die "package files do not match SHA256SUMS"
}

ensure_user() {
  if staged; then log "DESTDIR set: skipped creating system user $VIGIL_USER"; return 0; fi
  if user_exists; then return 0; fi
  nologin=/usr/sbin/nologin
  [ -x "$nologin" ] || nologin=/sbin/nologin
  useradd --system --user-group --no-create-home --home-dir /var/lib/vigil --shell "$nologin" \
    --comment 'Vigil agent' "$VIGIL_USER" || die "cannot create system user $VIGIL_USER"
  log "created system user $VIGIL_USER"
}

# Copy the payload to a fresh directory beside /opt/vigil, check the config with the new binary, then swap.
stage_release() {
  NEW="$OPT.new"
  rm -rf "$NEW"
  mkdir -p "$NEW"
  cp -R "$HERE/files/." "$NEW/"
  rm -f "$NEW/SHA256SUMS" "$NEW/agent.yaml" "$NEW/vigil-agent.service"
  chmod -R u=rwX,go=rX "$NEW"
  chmod 0755 "$NEW/vigil-agent"
  chown_or_skip -R root:root "$NEW"
}

install_config() {
  mkdir -p "$ETC"
  chmod 0750 "$ETC"
  chown_or_skip "root:$VIGIL_USER" "$ETC"
  cp "$HERE/files/agent.yaml" "$ETC/agent.yaml.default"
  chmod 0640 "$ETC/agent.yaml.default"
  if [ -e "$ETC/agent.yaml" ]; then
    log "kept existing $ETC/agent.yaml (packaged default: agent.yaml.default)"
  else
    cp "$HERE/files/agent.yaml" "$ETC/agent.yaml.tmp"
    chmod 0640 "$ETC/agent.yaml.tmp"
    mv "$ETC/agent.yaml.tmp" "$ETC/agent.yaml"
    log "installed $ETC/agent.yaml"
  fi
  chown_or_skip "root:$VIGIL_USER" "$ETC/agent.yaml" "$ETC/agent.yaml.default"
  if ! "$NEW/vigil-agent" config check "$ETC/agent.yaml"; then
    rm -rf "$NEW"
    die "the new version refuses $ETC/agent.yaml (see above); nothing was replaced"
  fi
}

swap_release() {
  if [ -d "$OPT" ]; then
    rm -rf "$OPT.old"
    mv "$OPT" "$OPT.old"
  fi
  mkdir -p "$(dirname "$OPT")"
  mv "$NEW" "$OPT"
  rm -rf "$OPT.old"
  mkdir -p "$(dirname "$BIN_LINK")"
  ln -sfn /opt/vigil/vigil-agent "$BIN_LINK"
}

install_state_dir() {
  mkdir -p "$STATE"
  chmod 0750 "$STATE"
  if staged; then log "DESTDIR set: skipped chown $VIGIL_USER $STATE"; return 0; fi
  chown "$VIGIL_USER:$VIGIL_USER" "$STATE"
}

install_unit() {
  mkdir -p "$UNIT_DIR"
  cp "$HERE/files/vigil-agent.service" "$UNIT.tmp"
  chmod 0644 "$UNIT.tmp"
  mv "$UNIT.tmp" "$UNIT"
  if ! have_systemd && ! staged; then
    log "systemd is not running: the unit is installed but not enabled. Run /opt/vigil/vigil-agent run --config /etc/vigil/agent.yaml under your supervisor as $VIGIL_USER with the capabilities in $UNIT"
  fi
  systemctl_or_skip daemon-reload
  systemctl_or_skip enable vigil-agent.service
  systemctl_or_skip restart vigil-agent.service
}

warn_missing_logs() {
  for f in /var/log/auth.log /var/log/secure; do
    [ -e "$DESTDIR$f" ] && return 0
  done
  log "note: no $VIGIL_AUTH_LOG on this host (journald only?). vigil-agent tails files: install rsyslog to feed it."
}

log "installing vigil-agent $VIGIL_VERSION ($VIGIL_PLATFORM $VIGIL_ARCH, commit $VIGIL_COMMIT)${DESTDIR:+ into $DESTDIR}"
check_host
check_payload
ensure_user
stage_release
install_config
swap_release
install_state_dir
install_unit
warn_missing_logs
log "installed vigil-agent $VIGIL_VERSION"
