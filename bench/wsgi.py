"""The WSGI application the bench's gunicorn serves: the project's, with the caches named in
BENCH_WITHOUT switched off in each worker (`bench.without`; none by default)."""

from asystent.wsgi import application  # noqa: F401 - served by gunicorn

from .without import switch_off_from_environment

switch_off_from_environment()
