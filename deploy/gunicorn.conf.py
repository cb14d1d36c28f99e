"""gunicorn's settings for the web service (docker-compose.yml's ``web``, the
Dockerfile, ``bench/quiz_load.py``): ``gunicorn -c deploy/gunicorn.conf.py
quizsite.wsgi:application``.

Threaded workers (gthread): a request spends much of its time waiting for PostgreSQL,
and a thread waiting frees the interpreter for the next. One process per core plus one
keeps every core busy while another process waits; the threads cover the waits.
``bench/quiz_load.py --sync`` measures a class pressing Start at once with these
figures (docs/deployment.md, "Synchronized start")."""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS") or (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
# A class's starts arrive within seconds: the kernel holds them until a thread is free
# instead of refusing connections.
backlog = 2048
# Pages keep their connection between a student's requests that come close together.
keepalive = 5
timeout = 60
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
