# The two commands of the README, and a few more for developers.
.PHONY: up test lint openapi

up:  ## set up and run Puente embedded (SQLite, in-process bus, demo data) on http://127.0.0.1:8000
	@venv=$$(scripts/bootstrap.sh) && PYTHONPATH=$(CURDIR) $$venv/bin/python -m services.cli up $(ARGS)

test:  ## run every test layer against a real Kafka broker and PostgreSQL
	@scripts/test $(ARGS)

lint:
	@venv=$$(scripts/bootstrap.sh) && $$venv/bin/ruff check .

openapi:  ## regenerate contracts/openapi from the code
	@venv=$$(scripts/bootstrap.sh) && PYTHONPATH=$(CURDIR) $$venv/bin/python -m services.cli openapi
