# Production image of Asystent: the web app (gunicorn), the Celery worker and beat share it.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders court opinions and reports with Pango and HarfBuzz; DejaVu has every
# Polish letter (ą ć ę ł ń ó ś ź ż); gettext compiles the Polish translation.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --user-group asystent
WORKDIR /app

# The runtime lock only: test, lint and load tools are in requirements-dev.lock (see `make lock`).
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# compilemessages needs no production secret: run it in the embedded mode.
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v 0 \
    && mkdir -p /data/media /app/staticfiles \
    && chown -R asystent:asystent /data/media /app/staticfiles

USER asystent
ENV MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "asystent.wsgi", "-b", "0.0.0.0:8000", "-w", "3"]
