#!/usr/bin/env bash
# The production topology on one machine, each role on a host of its own: network
# namespaces joined by a private bridge, with no route anywhere else.
#
#   data    10.213.0.2   PostgreSQL (:5544) and Redis (:6544), throwaway data under $HOSTS_STATE
#   web     10.213.0.10  gunicorn serving quizsite (:8000), DEBUG=0
#   worker1 10.213.0.21  Celery worker worker@worker1 (concurrency 1)
#   worker2 10.213.0.22  Celery worker worker@worker2 (concurrency 1)
#   beat    10.213.0.30  Celery beat
#
# Usage (as root): scripts/hosts.sh up|down|status|exec HOST CMD...|cut HOST|join HOST
#   up       clean whatever a crashed run left, then create, start, migrate and seed
#   down     stop every process in the namespaces, delete them, the bridge and the data
#   status   what is running where
#   exec     run a command on a host with the site's environment (e.g. `exec web python
#            manage.py shell`)
#   cut/join take a host's network link down / up again
#   start/stop ROLE   (re)start or stop one role's processes: pg, redis, web, worker1,
#            worker2, beat
#
# Each host has its own hostname too (a UTS namespace), so a worker's claims read
# worker1:<pid> or worker2:<pid>. Environment: HOSTS_STATE (default /tmp/quizsite-hosts),
# HOSTS_SANDBOX (real or fake; default real), and any GRADER_* setting, passed to every
# host.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${HOSTS_STATE:-/tmp/quizsite-hosts}"
PREFIX="qzh"
BRIDGE="${PREFIX}br0"
NET="10.213.0"
PG_PORT=5544
REDIS_PORT=6544
HOSTS=(data web worker1 worker2 beat)
declare -A ADDR=([data]=2 [web]=10 [worker1]=21 [worker2]=22 [beat]=30)
PYTHON="$ROOT/.venv/bin/python"

ns() { echo "${PREFIX}-$1"; }
addr() { echo "$NET.${ADDR[$1]}"; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "hosts.sh: needs root (network namespaces)" >&2
    exit 2
  fi
  command -v ip >/dev/null || { echo "hosts.sh: needs iproute2 (ip)" >&2; exit 2; }
}

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] || { echo "hosts.sh: no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 2; }
  echo "$d"
}

# The settings docker-compose.yml gives every app container, pointed at the data host.
site_env() {
  local data
  data="$(addr data)"
  echo "DEBUG=0"
  echo "SECRET_KEY=hosts-topology-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
  echo "ALLOWED_HOSTS=$(addr web)"
  echo "CSRF_TRUSTED_ORIGINS=https://$(addr web)"
  echo "DATABASE_URL=postgres://quizsite@$data:$PG_PORT/quizsite"
  echo "CELERY_BROKER_URL=redis://$data:$REDIS_PORT/0"
  echo "CACHE_URL=redis://$data:$REDIS_PORT/1"
  echo "MEDIA_STORAGE=local"
  echo "MEDIA_ROOT=$STATE/media"
  echo "STATIC_ROOT=$STATE/static"
  echo "GRADER_SANDBOX=${HOSTS_SANDBOX:-real}"
  echo "DJANGO_SETTINGS_MODULE=quizsite.settings"
  echo "PYTHONUNBUFFERED=1"
  # Grading settings given to this script reach every host.
  env | grep -E '^GRADER_' | grep -v '^GRADER_SANDBOX=' || true
}

# Run a command on a host: its network namespace, its own hostname, the site's settings.
# nsenter rather than `ip netns exec`, which mounts a fresh /sys and so hides the cgroup
# file systems the sandbox limits memory and processes with.
on() {
  local host="$1"
  shift
  local -a envs
  mapfile -t envs < <(site_env)
  local run=()
  # spawn's subshell becomes the process itself, holding none of the caller's files.
  [ -n "${ON_EXEC:-}" ] && run=(exec)
  "${run[@]}" nsenter --net="/run/netns/$(ns "$host")" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$host" \
    env -i PATH="$ROOT/.venv/bin:/usr/local/bin:/usr/bin:/bin" HOME=/root "${envs[@]}" "$@"
}

# Start a long-running process on a host in the background, its output in $STATE/log.
spawn() {
  local host="$1" name="$2"
  shift 2
  mkdir -p "$STATE/log"
  (
    ON_EXEC=1
    cd "$ROOT"
    on "$host" setsid "$@"
  ) >>"$STATE/log/$name.log" 2>&1 </dev/null &
}

wait_until() {
  local what="$1" tries="$2"
  shift 2
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "hosts.sh: timed out waiting for $what" >&2
  return 1
}

net_up() {
  ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" up
  local h
  for h in "${HOSTS[@]}"; do
    ip netns add "$(ns "$h")"
    ip link add "${PREFIX}v-$h" type veth peer name eth0 netns "$(ns "$h")"
    ip link set "${PREFIX}v-$h" master "$BRIDGE" up
    ip -n "$(ns "$h")" link set lo up
    ip -n "$(ns "$h")" addr add "$(addr "$h")/24" dev eth0
    ip -n "$(ns "$h")" link set eth0 up
  done
}

stop_pg() {
  local bin
  bin="$(pg_bin)"
  runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" -m fast -w stop >/dev/null 2>&1 || true
}

data_up() {
  local bin
  bin="$(pg_bin)"
  mkdir -p "$STATE/pg" "$STATE/pgsock" "$STATE/redis" "$STATE/log"
  chown postgres "$STATE/pg" "$STATE/pgsock" "$STATE/log"
  chmod 700 "$STATE/pg"
  runuser -u postgres -- "$bin/initdb" -D "$STATE/pg" -U quizsite -A trust --no-sync \
    >"$STATE/log/initdb.log"
  {
    echo "max_connections = 60"
    echo "shared_buffers = 64MB"
    echo "fsync = on"
  } >>"$STATE/pg/postgresql.conf"
  echo "host all all $NET.0/24 trust" >"$STATE/pg/pg_hba.conf"
  echo "local all all trust" >>"$STATE/pg/pg_hba.conf"
  # pg_ctl runs inside the data host's namespace, to bind its address.
  start_role pg
  ip netns exec "$(ns data)" "$bin/psql" -h "$(addr data)" -p $PG_PORT -U quizsite -d postgres \
    -qc "CREATE DATABASE quizsite" >/dev/null
  start_role redis
}

start_role() {
  local bin
  case "$1" in
    pg)
      bin="$(pg_bin)"
      ip netns exec "$(ns data)" runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" \
        -l "$STATE/log/postgres.log" -w -t 60 \
        -o "-c listen_addresses=$(addr data) -p $PG_PORT -k $STATE/pgsock" start >/dev/null
      ;;
    redis)
      # No append-only file: a restart loses what was queued, as the sweeper must survive.
      spawn data redis redis-server --bind "$(addr data)" --port $REDIS_PORT --save "" \
        --appendonly no --dir "$STATE/redis" --maxmemory 256mb --protected-mode no
      wait_until "Redis" 60 ip netns exec "$(ns data)" redis-cli -h "$(addr data)" \
        -p $REDIS_PORT ping
      ;;
    web)
      spawn web web gunicorn quizsite.wsgi:application --bind "$(addr web):8000" \
        --workers 2 --timeout 60 --access-logfile -
      wait_until "gunicorn" 120 ip netns exec "$(ns web)" curl -sf -o /dev/null \
        -H "X-Forwarded-Proto: https" "http://$(addr web):8000/accounts/login/"
      ;;
    worker1 | worker2)
      # Concurrency 1: the worker and its one pool process are the host's two processes.
      # worker1 is compose's worker (answers), worker2 its regrade-worker (answers, then
      # regrades).
      local queues=grading-live,celery
      if [ "$1" = worker2 ]; then queues=grading-live,celery,grading-regrade; fi
      spawn "$1" "$1" celery -A quizsite worker --loglevel INFO --queues "$queues" \
        --concurrency 1 --hostname "worker@$1"
      ;;
    beat)
      spawn beat beat celery -A quizsite beat --loglevel INFO --schedule "$STATE/beat-schedule"
      ;;
    *)
      echo "hosts.sh: no role $1" >&2
      exit 2
      ;;
  esac
}

host_of() {
  case "$1" in pg | redis) echo data ;; *) echo "$1" ;; esac
}

stop_role() {
  case "$1" in
    pg) stop_pg ;;
    redis)
      local pid
      for pid in $(ip netns pids "$(ns data)" 2>/dev/null); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ] && kill "$pid" 2>/dev/null || true
      done
      wait_until "Redis to stop" 40 bash -c \
        "! ip netns exec $(ns data) redis-cli -h $(addr data) -p $REDIS_PORT ping"
      ;;
    *) kill_host "$(host_of "$1")" TERM ;;
  esac
}

# Every process in a host's namespace: exactly the ones this script started there.
kill_host() {
  local host="$1" sig="${2:-TERM}" pids
  pids="$(ip netns pids "$(ns "$host")" 2>/dev/null || true)"
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -s "$sig" $pids 2>/dev/null || true
  for _ in $(seq 40); do
    pids="$(ip netns pids "$(ns "$host")" 2>/dev/null || true)"
    [ -n "$pids" ] || return 0
    sleep 0.25
  done
  # shellcheck disable=SC2086
  kill -s KILL $pids 2>/dev/null || true
  sleep 0.2
}

cmd_down() {
  need_root
  local h
  if [ -d "$STATE/pg" ] && ip netns list | grep -qw "$(ns data)"; then stop_pg; fi
  for h in "${HOSTS[@]}"; do
    if ip netns list | grep -qw "$(ns "$h")"; then kill_host "$h" TERM; fi
  done
  for h in "${HOSTS[@]}"; do
    ip link del "${PREFIX}v-$h" 2>/dev/null || true
    ip netns del "$(ns "$h")" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$STATE"
}

cmd_up() {
  need_root
  [ -x "$PYTHON" ] || { echo "hosts.sh: run scripts/setup.sh first (no .venv)" >&2; exit 2; }
  cmd_down
  mkdir -p "$STATE/log" "$STATE/media"
  net_up
  echo "==> data host $(addr data): PostgreSQL :$PG_PORT, Redis :$REDIS_PORT"
  data_up
  echo "==> web host $(addr web): migrate, collectstatic, seed"
  (cd "$ROOT" && on web python manage.py migrate --noinput -v0)
  (cd "$ROOT" && on web python manage.py collectstatic --noinput -v0)
  # The sample bank (sync_bank, checked on the workers' side by the test suite), a
  # course, students and an open quiz.
  (cd "$ROOT" && on web python manage.py seed_demo)
  echo "==> web host $(addr web): gunicorn :8000"
  start_role web
  echo "==> worker hosts $(addr worker1), $(addr worker2); beat host $(addr beat)"
  start_role worker1
  start_role worker2
  start_role beat
  echo "up: logs in $STATE/log"
}

cmd_status() {
  local h pid
  for h in "${HOSTS[@]}"; do
    if ! ip netns list | grep -qw "$(ns "$h")"; then
      echo "$h: no namespace"
      continue
    fi
    echo "$h $(addr "$h") link $(ip -n "$(ns "$h")" -br link show eth0 | awk '{print $2}')"
    for pid in $(ip netns pids "$(ns "$h")"); do
      echo "  $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100)"
    done
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec)
    need_root
    shift
    host="$1"
    shift
    cd "$ROOT" && on "$host" "$@"
    ;;
  cut) need_root; ip link set "${PREFIX}v-$2" down ;;
  join) need_root; ip link set "${PREFIX}v-$2" up ;;
  start) need_root; start_role "$2" ;;
  stop) need_root; stop_role "$2" ;;
  kill) need_root; kill_host "$(host_of "$2")" KILL ;;
  *)
    echo "usage: $0 up|down|status|exec HOST CMD...|cut HOST|join HOST|start ROLE|stop ROLE|kill HOST" >&2
    exit 2
    ;;
esac
