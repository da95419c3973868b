#!/usr/bin/env bash
# Succeeds when PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if it is down.
# Under CI=true a PostgreSQL that cannot be reached is an error, never a skip.
set -uo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ready && exit 0
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 20); do ready && exit 0; sleep 0.5; done
fi
if [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required under CI=true but is not reachable on 127.0.0.1:5432" >&2
  exit 2
fi
exit 1
