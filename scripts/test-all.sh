#!/usr/bin/env bash
# The one test command for a fresh machine (Debian 12, Node 20): setup, typecheck, lint,
# unit tests, the integration suite in a real VS Code (code-server), the language-model suite in a
# newer one (VS Code's chat API), then the UI tests.
# Each stage prints a summary line with its duration; the first failure stops the run.
set -uo pipefail
cd "$(dirname "$0")/.."

now_ms() { date +%s%3N; }
total_start=$(now_ms)

stage() {
  local name=$1; shift
  local start; start=$(now_ms)
  echo
  echo "=== $name: $*"
  "$@"
  local rc=$?
  local secs; secs=$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')
  if [ "$rc" -ne 0 ]; then
    echo "=== $name: FAILED (exit $rc) after ${secs} s"
    exit "$rc"
  fi
  echo "=== $name: ok in ${secs} s"
}

# Debian packages (apt-get when root; otherwise it prints what to install and exits 1) and code-server.
stage setup bash scripts/vscode/setup.sh
[ -f node_modules/.package-lock.json ] || stage npm-ci npm ci --no-audit --no-fund
stage typecheck npm run --silent typecheck
stage lint npm run --silent lint
stage unit npx mocha
stage integration npm run --silent test:integration
# VS Code's own chat (1.104+): Node 22 and code-server 4.117.0 beside the 1.100.3 one, then its suites.
stage setup-lm bash scripts/vscode/setup-lm.sh
stage lm npm run --silent test:lm
stage ui npm run --silent test:ui
stage ui-lm npm run --silent test:ui-lm

echo
echo "=== all stages passed in $(awk -v ms=$(( $(now_ms) - total_start )) 'BEGIN { printf "%.1f", ms / 1000 }') s"
