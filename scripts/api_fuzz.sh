#!/usr/bin/env bash
# Run schemathesis against the live API: granian (as `make serve` runs it) with the
# fixtures loaded, every operation in the OpenAPI schema, every check schemathesis has,
# and all four phases: the schema's examples, coverage of its edges, random fuzzing, and
# the stateful phase, which follows the OpenAPI links the schema declares (a list to its
# first record, a record to the records it links to, the changes feed to the record a
# change names: portal/api/schema.py) so chains of real ids are tested too.
#
# Bounded: FUZZ_MAX_TIME (default 120 s) caps the fuzzing; with the set-up
# (migrate, fixtures) the whole run stays under four minutes on two cores. Every answer
# must come within 30 s (--max-response-time; the slowest is the data package, built
# once per data version: about 11 s on a loaded two-core machine).. Uses DATABASE_URL if set (a
# throwaway SQLite file otherwise). The output is kept in test-artifacts/api-fuzz.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-8765}
MAX_TIME=${FUZZ_MAX_TIME:-120}
export SECRET_KEY=fuzz-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false API_THROTTLE_RATE=1000000/minute
export HOST=127.0.0.1 PORT WEB_CONCURRENCY=${FUZZ_WORKERS:-2}
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="sqlite:///$(mktemp -d)/fuzz.sqlite3"
  export DATABASE_URL
fi
mkdir -p test-artifacts
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py load_portal_data --if-empty >/dev/null
[ -f staticfiles/staticfiles.json ] || .venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python -m portal.server >test-artifacts/api-fuzz-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/" >/dev/null && break; sleep 0.2; done
set +e
.venv/bin/schemathesis --config-file scripts/schemathesis.toml --no-color run "http://127.0.0.1:$PORT/api/v1/schema/" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-time "$MAX_TIME" \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --request-timeout 30 \
  --max-response-time 30 \
  --suppress-health-check=filter_too_much,too_slow \
  --generation-deterministic 2>&1 | tee test-artifacts/api-fuzz.txt
status=${PIPESTATUS[0]}
set -e
if grep -q "Traceback" test-artifacts/api-fuzz-server.log; then
  echo "The server logged a traceback (test-artifacts/api-fuzz-server.log)." >&2
  status=1
fi
exit "$status"
