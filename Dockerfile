# One image for web, worker and scheduler.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0 \
    QUIZSITE_VAR_DIR=/var/lib/quizsite STATIC_ROOT=/srv/staticfiles
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=frontend /src/node_modules ./node_modules
RUN mkdir -p /var/lib/quizsite /srv/staticfiles
EXPOSE 8000
# The same web settings as docker-compose.yml's web service (processes per core,
# threads, backlog): deploy/gunicorn.conf.py.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "quizsite.wsgi:application"]
