# The service center image: one image, three roles (web = gunicorn, worker, beat); see docker-compose.yml.
# It runs with DEBUG off (the default): SECRET_KEY and ALLOWED_HOSTS come from the environment.
# (collectstatic at build time runs with DEBUG=true only so it needs no secret.)

# Apache ECharts' release files (the dashboard's charts) from its npm package: package.json
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

# (the code's bytecode is compiled once at build time below: a process that starts every minute,
# such as `manage.py enforce_sla` from cron, reads it instead of compiling every module again)
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/data/media

WORKDIR /app

# dependencies first (a layer that survives code changes), then the code
COPY pyproject.toml ./
RUN python -c "import tomllib; print(chr(10).join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
    > /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

COPY . .
COPY --from=assets /app/node_modules/echarts/dist /app/node_modules/echarts/dist
RUN pip install --no-deps . \
    && DEBUG=true python manage.py collectstatic --noinput \
    && python -m compileall -q -x '(node_modules|tests|bench)/' /app \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin app \
    && mkdir -p /data/media "$VAR_DIR" \
    && chown -R app:app /data "$VAR_DIR"

USER app
EXPOSE 8000
# workers, threads and the JSON error log: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS)
CMD ["gunicorn", "servicecenter.wsgi:application", "-c", "gunicorn.conf.py"]
