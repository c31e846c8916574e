#!/usr/bin/env bash
# Shows what `bin/ensure.sh` would change on AWS, changing nothing (no output: no change).
set -euo pipefail
USAGE='usage: bash bin/preview.sh'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools libaws aws
load_env
cd "$REPO_ROOT"

set_image_facts
set_deployed_digest
libaws infra-ensure infra.yaml --preview 2>&1 | sed 's/^/libaws: /'
