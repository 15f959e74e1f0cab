#!/bin/sh
# Removes vigil-agent. Keeps /etc/vigil and /var/lib/vigil (config, checkpoints, spool, audit log) unless a purge
# is requested: `uninstall.sh --purge`, VIGIL_PURGE=1, or through Distributor
#   AWS-ConfigureAWSPackage additionalArguments {"SSM_VIGIL_PURGE": "true"}
# Idempotent: uninstalling twice, or what was never installed, succeeds.
set -eu
VIGIL_SCRIPT=vigil-uninstall
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
. "$HERE/common.sh"
vigil_paths
require_root

PURGE=no
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=yes ;;
    *) die "unknown argument '$arg' (only --purge)" ;;
  esac
done
if truthy "${VIGIL_PURGE:-}" || truthy "${SSM_VIGIL_PURGE:-}"; then PURGE=yes; fi

if [ -e "$UNIT" ]; then
  systemctl_or_skip disable --now vigil-agent.service || log "could not stop the service (continuing)"
fi
rm -f "$UNIT"
systemctl_or_skip daemon-reload
if [ -L "$BIN_LINK" ] && [ "$(readlink "$BIN_LINK")" = /opt/vigil/vigil-agent ]; then rm -f "$BIN_LINK"; fi
rm -rf "$OPT" "$OPT.new" "$OPT.old"

if [ "$PURGE" = yes ]; then
  rm -rf "$ETC" "$STATE"
  if staged; then
    log "DESTDIR set: skipped removing system user $VIGIL_USER"
  elif user_exists; then
    userdel "$VIGIL_USER" || log "could not remove user $VIGIL_USER (continuing)"
  fi
  log "removed vigil-agent, its config and its state"
else
  log "removed vigil-agent; kept $ETC and $STATE (purge with --purge or SSM_VIGIL_PURGE=true)"
fi
