# The bot in one image; `engage run --role web|worker|all` picks what a container does.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml constraints.txt README.md hatch_build.py alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
RUN pip install -c constraints.txt . && useradd --system --home /app engage && chown engage /app

USER engage
ENV ENGAGE_CONTENT_DIR=/app/content ENGAGE_WEBHOOK_LISTEN=0.0.0.0
EXPOSE 8443 9000
ENTRYPOINT ["engage"]
CMD ["run", "--role", "all"]
