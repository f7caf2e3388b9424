#!/usr/bin/env bash
# Restore a dump of deploy/backup.sh into an EMPTY database, then bring its schema up to this
# code (flask db upgrade), so a dump of an older version serves with the new one.
#   deploy/restore.sh DUMP [DATABASE_URL]     (default: $DATABASE_URL; create it first: createdb NAME)
# Refuses a database that already has tables: restoring over live data would mix two histories.
set -euo pipefail
dump=${1:?usage: deploy/restore.sh DUMP [DATABASE_URL]}
url=${2:-${DATABASE_URL:?DATABASE_URL is not set}}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
tables=$(psql "$url" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ]; then
  echo "restore: the target database is not empty ($tables tables); restore into a new one (createdb)" >&2
  exit 2
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$url" "$dump"
cd "$here"
DATABASE_URL=$url "$python" -m flask --app run.py db upgrade
echo "restore: $dump restored into the database and upgraded" >&2
