#!/usr/bin/env bash
# The Celery chord baseline of `braid bench`: installs Celery and Redis from Debian's packages if missing, starts
# a private redis-server and a Celery worker (prefork, one process per core) for the run, then hands stdin/stdout
# to chord.py (see there), and stops both when it ends or is stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
# Debian's Python, where Debian's python3-celery is installed (not a pyenv or venv python earlier on PATH)
py="${BRAID_BENCH_PYTHON:-/usr/bin/python3}"

if ! "$py" -c 'import celery, redis' 2>/dev/null || ! command -v redis-server >/dev/null; then
  echo "installing python3-celery, python3-redis and redis-server (apt-get)..." >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3-celery python3-redis redis-server >&2
fi

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Not daemonized: a daemon leaves this script's process group, and `braid bench` stops the whole group when the
# scenario ends, fails or is interrupted (TERM, then KILL): nothing this script starts may outlive it.
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile "$work/redis.log" --dir "$work" >&2 &
redis_pid=$!
export BRAID_BENCH_REDIS="redis://127.0.0.1:$port/0"
export PYTHONPATH="$here"

cleanup() {
  [ -n "${worker_pid:-}" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true
  kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
(cd "$work" && exec "$py" -m celery -A braid_bench_tasks worker --pool=prefork --concurrency="$(nproc)" \
  --without-gossip --without-mingle --without-heartbeat --loglevel=WARNING >"$work/worker.log" 2>&1) &
worker_pid=$!
# the worker is up when it answers a ping
for _ in $(seq 100); do
  "$py" -m celery -A braid_bench_tasks inspect ping --timeout 1 >/dev/null 2>&1 && break
  sleep 0.2
done
"$py" "$here/chord.py"
