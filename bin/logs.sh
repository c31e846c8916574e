#!/usr/bin/env bash
# Tails the backend's CloudWatch logs: one JSON line per request and per job.
set -euo pipefail
USAGE='usage: bash bin/logs.sh [HOURS_BACK]   (default 1: also print the last hour)'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools libaws
load_env

hours=${1:-1}
if [[ ! "$hours" =~ ^[0-9]+$ ]]; then
    echo "Expected HOURS_BACK to be a whole number of hours, got '$hours'" >&2
    echo "$USAGE" >&2
    exit 2
fi
# Both functions: the API (and the sweep), and the job runner.
libaws logs-tail "/aws/lambda/$PROJECT_NAME" --from-hours "$hours" 2>&1 | sed "s/^/[$PROJECT_NAME] /" &
libaws logs-tail "/aws/lambda/$PROJECT_NAME-jobs" --from-hours "$hours" 2>&1 | sed "s/^/[$PROJECT_NAME-jobs] /" &
wait
