#!/usr/bin/env bash
# Lint, type-check, build, and run the tests (vitest arguments pass through).
set -euo pipefail
USAGE='usage: bash bin/check.sh [VITEST_ARGS...]   (e.g. bash bin/check.sh test/deploy)'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools npm node
cd "$REPO_ROOT"

npm run lint
npm run typecheck
npm run build
npx vitest run "$@"
