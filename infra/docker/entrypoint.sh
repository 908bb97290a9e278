#!/bin/sh
# The image's entrypoint: the first argument is the role, the rest its arguments.
#   pixel | ingester | ads | console | <any services/NAME>    the service (node dist/main.js)
#   migrate [args]                                              rt migrate (a deploy's first step)
#   rt <args>                                                   the operator CLI
#   demo                                                        the demo sites
# `exec` makes node the process tini signals, so SIGTERM reaches the service's graceful shutdown.
set -eu
cd "$(dirname "$0")/../.."
role="${1:-}"
[ $# -gt 0 ] && shift
# The HEALTHCHECK (another process) learns the role from here.
printf '%s\n' "$role" > "${TMPDIR:-/tmp}/rt-role" 2>/dev/null || true
case "$role" in
  migrate) exec node packages/cli/dist/main.js migrate "$@" ;;
  rt) exec node packages/cli/dist/main.js "$@" ;;
  demo) exec node demo/dist/main.js "$@" ;;
esac
if [ -n "$role" ] && [ -f "services/$role/dist/main.js" ]; then
  exec node "services/$role/dist/main.js" "$@"
fi
roles=$(ls services 2>/dev/null | tr '\n' ' ')
echo "usage: <role> [args]; roles: ${roles}migrate rt demo (got '${role}')" >&2
exit 64
