#!/bin/sh
# Installs what is missing, builds dsnguard, and runs `dsnguard scan` on a throwaway demo repository that
# holds a leaked database URL in a source file and a tracked .env file. Nothing leaves this machine.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
BUILD_TARGET=dsnguard BUILD_DIR=${BUILD_DIR:-$root/build} "$root/scripts/build.sh"
bin=${BUILD_DIR:-$root/build}/src/dsnguard

demo=$(mktemp -d "${TMPDIR:-/tmp}/dsnguard-demo-XXXXXX")
trap 'rm -rf "$demo"' EXIT
g() { git -C "$demo" -c user.name=Demo -c user.email=demo@example.com -c commit.gpgsign=false "$@"; }
g init -q -b main
mkdir -p "$demo/app"
cat > "$demo/app/settings.py" <<'PY'
import os
from sqlalchemy import create_engine

# A slip: the production URL pasted into code instead of read from the environment.
DATABASE_URL = "postgresql+psycopg2://app_user:Xk9fQ2mLp7Rw@ep-quiet-river-123456.us-east-2.aws.neon.tech/appdb?sslmode=require"
engine = create_engine(os.getenv("DATABASE_URL", DATABASE_URL), pool_pre_ping=True)
PY
cat > "$demo/.env" <<'ENV'
# committed before anyone added .env to .gitignore
export DATABASE_URL='postgres://report:V3ry-S3cret-2024@db.internal-prod.acme-corp.net:5432/reports'
ENV
cat > "$demo/.env.example" <<'ENV'
DATABASE_URL=postgresql://user:password@localhost:5432/app
ENV
g add -A
g commit -q -m "initial commit"

echo "demo repository: $demo"
echo "\$ dsnguard scan $demo"
set +e
"$bin" scan "$demo"
rc=$?
set -e
echo "exit code: $rc (1 = findings reported)"
[ "$rc" -eq 1 ]
