# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint security messages compilemessages install bench clean

# Tooling targets run in the embedded mode: with DEBUG off, settings refuse to load without a
# production SECRET_KEY and ALLOWED_HOSTS, which compilemessages or makemigrations never need.
compilemessages lint messages: export DEBUG = true

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(STAMP): $(BIN)/python requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

compilemessages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: export DEBUG ?= true
run: $(STAMP) compilemessages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) compilemessages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# bandit at medium severity and above; each accepted finding is justified in place (# nosec BXXX).
security: $(STAMP)
	$(BIN)/bandit -r asystent notifications cases referrals visits documents courts reports -x '*/migrations/*' -ll -q

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l pl --ignore=.venv --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV)

# `make bench SCALE=small|city|national`: generate a data set into the PostgreSQL database named by
# DATABASE_URL (emptied first), measure the key pages, the PDF, the reminder sweep and throughput,
# print the table and write bench/results.json (see README, "Performance benchmark").
SCALE ?= city
bench: $(STAMP)
	@case "$(DATABASE_URL)" in postgres://*|postgresql://*) ;; *) \
		echo "make bench needs DATABASE_URL=postgres://user@host:5432/name, a PostgreSQL database it may empty (e.g. .../asystent_bench)." >&2; \
		exit 2;; esac
	DATABASE_URL="$(DATABASE_URL)" $(BIN)/python -m bench.run --scale $(SCALE)
