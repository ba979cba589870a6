# newsdigest in a container: `docker compose up` (see compose.yaml and .env.example).
# The install steps live in contrib/install.sh, which CI runs too.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    # /healthz and /metrics on 127.0.0.1 inside the container, for HEALTHCHECK
    NEWSDIGEST_HTTP_PORT=8080 \
    # data (the SQLite default, if no database URL is given) on the volume below
    XDG_DATA_HOME=/data \
    PATH=/opt/newsdigest/bin:$PATH

COPY . /tmp/newsdigest-src
RUN sh /tmp/newsdigest-src/contrib/install.sh /opt/newsdigest /tmp/newsdigest-src \
    && rm -rf /tmp/newsdigest-src \
    && useradd --system --create-home --home-dir /home/newsdigest --shell /usr/sbin/nologin newsdigest \
    && mkdir -p /data \
    && chown newsdigest:newsdigest /data

USER newsdigest
WORKDIR /home/newsdigest
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["newsdigest", "health", "--timeout", "5"]

# Settings: NEWSDIGEST_* variables (.env.example), or mount a settings file and set
# NEWSDIGEST_CONFIG to it.
CMD ["newsdigest", "run"]
