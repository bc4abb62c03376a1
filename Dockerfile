# The base is a build argument: the public python image by default, or any Debian-like image
# with python3 (3.11+) and its venv module, e.g. the bookworm base scripts/container-smoke.sh
# makes with mmdebstrap where the public registry cannot be reached.
ARG BASE_IMAGE=python:3.11-slim

# Build stage: a virtualenv holding exactly requirements.runtime.lock.txt (the runtime part of
# requirements.lock.txt at the same versions; hash-checked, nothing resolved),
# then the app installed editable, so migrations/ and alembic.ini stay beside the code at /app.
FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /app
RUN python3 -m venv /opt/venv
COPY requirements.runtime.lock.txt ./
# The builder's pip settings (index, mirror, certificate) arrive as a build secret, never as a
# layer: `--secret id=pipconf,src=FILE` (and `id=pipcert` if that file names a certificate).
# Without the secret pip uses its defaults.
RUN --mount=type=secret,id=pipconf,target=/run/secrets/pipconf \
    --mount=type=secret,id=pipcert,target=/run/secrets/pipcert \
    if [ -s /run/secrets/pipconf ]; then export PIP_CONFIG_FILE=/run/secrets/pipconf; fi \
    && /opt/venv/bin/pip install --require-hashes --no-deps --requirement requirements.runtime.lock.txt
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
# The project itself with the locked setuptools: nothing fetched, nothing resolved.
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation --editable . \
    && /opt/venv/bin/pip check \
    && rm requirements.runtime.lock.txt

# Runtime stage: no build tools, a non-root user, migrations applied before uvicorn starts.
FROM ${BASE_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSROOM_ENVIRONMENT=production \
    NEWSROOM_DATABASE_URL=sqlite:////data/newsroom.db \
    NEWSROOM_AUTO_MIGRATE=false \
    PORT=8000 \
    WORKERS=2
RUN useradd --system --uid 10001 --home-dir /app newsroom \
    && mkdir /data && chown newsroom /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER newsroom
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/live', timeout=2)"]
CMD ["sh", "-c", "newsroom migrate && exec newsroom serve --host 0.0.0.0 --port \"$PORT\" --workers \"$WORKERS\""]
