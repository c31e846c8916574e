#!/usr/bin/env bash
# The aws-exec CLI against the deployment in env.sh (PROJECT_URL, AUTH; auth new/ls/rm use
# PROJECT_TABLE and your AWS credentials).
set -euo pipefail
USAGE='usage: bash bin/cli.sh COMMAND [ARGS...]   (e.g. bash bin/cli.sh exec -- whoami; bash bin/cli.sh --help)'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
if [ $# -eq 0 ]; then
    echo "$USAGE" >&2
    exit 2
fi
require_tools node npm
load_env
cd "$REPO_ROOT"

if [ ! -f dist/cli/main.js ]; then
    npm run build >&2
fi
exec node dist/cli/main.js "$@"
