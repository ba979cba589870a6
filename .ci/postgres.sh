#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the storage tests.
# Prints the SQLAlchemy URL on stdout; `.ci/postgres.sh stop DIR` stops it.
# Installs Debian's postgresql when no server binaries are present (CI runs as root).
set -euo pipefail

if [ "${1:-}" = "stop" ]; then
    dir=$2
    pgbin=$(cat "$dir/pgbin")
    su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $dir/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pgbin=$(find_bin)
if [ -z "$pgbin" ]; then
    if [ "$(id -u)" != 0 ]; then echo "no PostgreSQL and not root" >&2; exit 1; fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    pgbin=$(find_bin)
fi
id postgres >/dev/null 2>&1 || { echo "no postgres system user" >&2; exit 1; }

dir=$(mktemp -d /tmp/newsdigest-pg.XXXXXX)
chown postgres "$dir"
echo "$pgbin" > "$dir/pgbin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
su postgres -s /bin/sh -c "$pgbin/initdb -D $dir/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" >&2
su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $dir/data -w -l $dir/log -o '-h 127.0.0.1 -p $port -k $dir -c fsync=off' start" >&2
echo "$dir" > /tmp/newsdigest-pg.last
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
