#!/usr/bin/env bash
# Deletes everything infra.yaml declares (the function, its triggers, the table and the
# bucket with every job's objects) and the image repository. Asks first unless -y.
set -euo pipefail
USAGE='usage: bash bin/delete.sh [-y]'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools libaws aws
load_env
cd "$REPO_ROOT"

if [ "${1:-}" != -y ]; then
    read -r -p "delete $PROJECT_NAME: functions $PROJECT_NAME and $PROJECT_NAME-jobs, table $PROJECT_TABLE, bucket $PROJECT_BUCKET, repository $PROJECT_REPO? [y/N] " answer
    if [ "$answer" != y ]; then
        echo 'nothing deleted'
        exit 1
    fi
fi
set_image_facts
set_deployed_digest
libaws infra-rm infra.yaml 2>&1 | sed 's/^/libaws: /'
libaws ecr-rm "$PROJECT_REPO" 2>&1 | sed 's/^/libaws: /'
