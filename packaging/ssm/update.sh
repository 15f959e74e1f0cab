#!/bin/sh
# In-place update (AWS-ConfigureAWSPackage installationType "In-place update"): install.sh already upgrades in
# place, keeps the config and state, checks the config with the new binary first and restarts the service.
set -eu
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
exec sh "$HERE/install.sh" "$@"
