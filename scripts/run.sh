#!/usr/bin/env bash
# Command 1: a working site with sample data and grading workers, on embedded
# defaults (SQLite file, filesystem broker). Data is kept across runs in var/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt

PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE=quizsite.settings
if [ "$(id -u)" != "0" ] && [ -z "${GRADER_SANDBOX_DEV:-}" ]; then
  echo "!! not root: the grading sandbox cannot isolate code here; running it in development mode" >&2
  export GRADER_SANDBOX_DEV=1
fi

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# The grading worker takes answers, a live quiz's first, then homework, previews and
# the site's other tasks (docs/grading.md, "Priorities"); -B runs the scheduler
# (attempt expiry, the grading sweeper) inside it. Regrades have a worker of their own
# that also takes the other answers, live ones first, so a regrade never holds every
# process; on this filesystem broker its queues take turns, so there a live answer
# waits for at most one message of each other queue. Students' trial runs have a
# worker (and a pool) of their own, so however many students run the tests of code
# that sleeps, a submitted answer never waits for one.
.venv/bin/celery -A quizsite worker -B --concurrency "${WORKER_CONCURRENCY:-2}" \
  --queues grading-live,celery --hostname grading@%h --loglevel INFO \
  --schedule var/celerybeat-schedule &
pids+=($!)
.venv/bin/celery -A quizsite worker --concurrency "${REGRADE_WORKER_CONCURRENCY:-1}" \
  --queues grading-live,celery,grading-regrade --hostname regrade@%h --loglevel INFO &
pids+=($!)
.venv/bin/celery -A quizsite worker --concurrency "${TRIAL_WORKER_CONCURRENCY:-1}" \
  --queues trials --hostname trials@%h --loglevel INFO &
pids+=($!)
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

sleep 2
cat <<MSG

  Quizsite is running at http://127.0.0.1:$PORT/
    student:  demo-student / demo-student-pw
    TA:       demo-ta / demo-ta-pw
    admin:    demo-admin / demo-admin-pw   (http://127.0.0.1:$PORT/admin/)
  Press Ctrl-C to stop the web server and the workers.

MSG
wait -n "${pids[@]}"
