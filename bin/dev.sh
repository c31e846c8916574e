#!/usr/bin/env bash
# Runs the local runtime (aws-exec serve) and rebuilds on change: tsc --watch for the
# backend, CLI and runtime, vite build --watch for the page when there is one; serve
# restarts whenever a file in dist/ changes. Arguments go to serve (e.g. --port 8081).
set -euo pipefail
USAGE='usage: bash bin/dev.sh [SERVE_ARGS...]   (e.g. bash bin/dev.sh --port 8081)'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools npm node
cd "$REPO_ROOT"

pids=()
serve=''
work=$(mktemp -d)
marker="$work/started"
cleanup() {
    for pid in "${pids[@]}" $serve; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for_line FILE TEXT: waits until a compiler's log has TEXT (its first build is done).
wait_for_line() {
    until grep -q "$2" "$1" 2>/dev/null; do
        sleep 0.5
    done
}

# The compilers run directly (not through npx), so that $! is theirs and cleanup stops them.
node_modules/.bin/tsc -p tsconfig.build.json --watch --preserveWatchOutput > >(tee "$work/tsc.log" | sed -u 's/^/tsc: /') 2>&1 &
pids+=($!)
wait_for_line "$work/tsc.log" 'Watching for file changes'
vite_config=$(find . frontend -maxdepth 1 -name 'vite.config.*' -print -quit 2>/dev/null || true)
if [ -n "$vite_config" ]; then
    node_modules/.bin/vite build --watch --config "$vite_config" > >(tee "$work/vite.log" | sed -u 's/^/vite: /') 2>&1 &
    pids+=($!)
    wait_for_line "$work/vite.log" 'built in'
fi

# changed_since_marker: whether a file under dist/ is newer than the last (re)start.
changed_since_marker() {
    [ -n "$(find dist -type f -newer "$marker" -print -quit)" ]
}

# Restart serve when dist/ changes (node --watch cannot be used: its IPC reaches the
# runtime's own child processes). A serve that exits waits for the next change.
while true; do
    touch "$marker"
    node dist/cli/main.js serve "$@" &
    serve=$!
    while kill -0 "$serve" 2>/dev/null && ! changed_since_marker; do
        sleep 1
    done
    if kill -0 "$serve" 2>/dev/null; then
        sleep 1 # let the compilers finish writing
        echo 'dev: dist/ changed; restarting serve'
        kill "$serve"
        wait "$serve" || true
    else
        wait "$serve" || echo "dev: serve exited with $?; waiting for a change in dist/"
        until changed_since_marker; do
            sleep 1
        done
    fi
    serve=''
done
