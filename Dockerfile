# Build stage: a virtualenv with the app installed (editable, so migrations/ and alembic.ini
# stay beside the code at /app).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --editable .

# Runtime stage: no build tools, a non-root user, migrations applied before uvicorn starts.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSROOM_ENVIRONMENT=production \
    NEWSROOM_DATABASE_URL=sqlite:////data/newsroom.db \
    NEWSROOM_AUTO_MIGRATE=false \
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
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]
CMD ["sh", "-c", "newsroom migrate && exec newsroom serve --host 0.0.0.0 --port 8000 --workers \"$WORKERS\""]
