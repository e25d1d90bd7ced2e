#!/usr/bin/env bash
# Run schemathesis against the live API: a server with the fixtures loaded, every
# operation in the OpenAPI schema, and no server error or response that breaks it.
# Uses DATABASE_URL if set (a throwaway SQLite file otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-8765}
export SECRET_KEY=fuzz-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false API_THROTTLE_RATE=1000000/minute
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="sqlite:///$(mktemp -d)/fuzz.sqlite3"
  export DATABASE_URL
fi
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_portal_data >/dev/null
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" --noreload --nothreading >/tmp/api-fuzz-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/" >/dev/null && break; sleep 0.2; done
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --request-timeout 20 \
  --suppress-health-check=filter_too_much \
  --generation-deterministic
