#!/usr/bin/env bash
# Back up one installation: the database (pg_dump, custom format) and the files kept beside it
# under the instance directory (made exports, outbox files, building photos).
#   deploy/backup.sh DIR        DATABASE_URL from the environment; ARENDA_INSTANCE_DIR (default instance/)
# Writes DIR/arenda-<UTC time>.dump and DIR/arenda-<UTC time>-files.tar.gz; prints the dump's path.
set -euo pipefail
dir=${1:?usage: deploy/backup.sh DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
instance=${ARENDA_INSTANCE_DIR:-$(dirname "$0")/../instance}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
# a consistent snapshot of the whole database while the app runs; owners and grants are the target's business
pg_dump --format=custom --no-owner --no-privileges --file "$dir/arenda-$stamp.dump" "$DATABASE_URL"
if [ -d "$instance" ]; then
  tar -czf "$dir/arenda-$stamp-files.tar.gz" -C "$instance" --ignore-failed-read \
    $(cd "$instance" && ls -d exports outbox uploads 2>/dev/null) 2>/dev/null || true
fi
echo "$dir/arenda-$stamp.dump"
