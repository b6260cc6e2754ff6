#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (npm packages from the lockfile,
# Apache Kafka's jars from Maven Central), checks types, lint and format, then runs the unit tests and
# the integration tests against a real single-node Kafka broker that the suite starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '{"level":"info","msg":"%s"}\n' "$*" >&2; }

command -v java >/dev/null || { echo "java (17+) is required to run the Kafka broker" >&2; exit 1; }
command -v mvn >/dev/null || { echo "maven is required to fetch the Kafka broker jars" >&2; exit 1; }
command -v go >/dev/null || { echo "go is required to build the compose file checker" >&2; exit 1; }

# `npm install` against the lockfile, not `npm ci`: chdb lists optional native packages for other platforms
# that the registry does not serve, and `npm ci` refuses a lockfile without them.
log "installing npm packages (npm install)"
npm install --no-audit --no-fund --loglevel=error

if ! command -v chromium >/dev/null; then
  # The triage console's end-to-end test drives Debian's Chromium through playwright-core (no browser download).
  log "installing Debian chromium (apt-get)"
  as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

log "fetching Apache Kafka jars (cached under .cache/kafka)"
node bin/run-ts.js scripts/kafka-broker.ts fetch

log "building the compose file checker (compose-go, from the Go module proxy)"
(cd scripts/compose-config && go build -o ../../.cache/bin/compose-config .)

log "typecheck, lint, format"
npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

log "unit and integration tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json "$@" || status=$?
# One plain closing line for CI logs: "N passed, N failed".
node -e 'const r = require("./.cache/vitest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' || true

if [ "${WARDEN_CONFORMANCE:-run}" != skip ]; then
  # The real Codex CLI, Claude Code and Gemini CLI (from npm) against a real Warden, with no network.
  log "conformance: the real agent programs against Warden (npm run conformance)"
  npm run --silent conformance || status=$?
fi
exit "$status"
