# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test lint install wheel translations bench-share bench-share-page bench-dashboard bench-public bench-public-http bench-memory screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: migrate the embedded SQLite database, seed demo data once, serve with gunicorn
# The public address follows PORT unless HUB_BASE_URL says otherwise (share links, feeds, e-mails use it).
# The access log leaves out the client's address: hub promises readers that no IP address is kept.
# --limit-request-line 8190: a long search typed into the address reaches hub, which answers with its
# own page and a message (gunicorn's default, 4094, answers a bare "414 Request-URI Too Long").
# --max-requests: a worker's memory creeps ~50 bytes a request (README, "Memory"); each worker is
# replaced gracefully after about 100,000 requests, the two at different times (jitter).
ACCESS_LOG_FORMAT := %(t)s "%(r)s" %(s)s %(b)s %(M)sms
run: export HUB_BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub seed --if-empty
	$(BIN)/hub about --port $(PORT)
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --limit-request-line 8190 --access-logfile - \
		--max-requests 100000 --max-requests-jitter 10000 \
		--access-logformat '$(ACCESS_LOG_FORMAT)' 'hub:create_app()'

## test: the whole suite (SQLite always; PostgreSQL when HUB_TEST_DATABASE_URL is set)
# One pytest worker per core (TEST_JOBS=0 runs in this process); a test file stays on one worker.
TEST_JOBS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)

## lint: ruff and mypy on hub/ (settings in pyproject.toml); CI fails on any finding
lint: $(STAMP)
	$(BIN)/ruff check hub
	$(BIN)/mypy hub

## translations: extract every marked interface string (babel.cfg) into hub/translations/messages.pot,
## update the Swedish and German catalogues (their translations kept) and list what is untranslated.
## Partial catalogues in hub/translations/parts: `$(BIN)/python scripts/translations.py merge-parts`.
translations: $(STAMP)
	$(BIN)/python scripts/translations.py update

## wheel: the unit of deployment, with templates, static files and migrations inside (dist/)
wheel: $(STAMP)
	rm -rf build
	$(BIN)/pip wheel --no-deps --no-build-isolation -w dist .

bench-share: $(STAMP)
	$(BIN)/python bench/share_redirect.py $(BENCH_ARGS)

## bench-share-page: the share page signed in (first view, warm, new own words) against a bare page
bench-share-page: $(STAMP)
	$(BIN)/python bench/share_page.py

## bench-dashboard: insights dashboards at 1,000,000 clicks on SQLite and PostgreSQL (HUB_BENCH_PG_URL)
bench-dashboard: $(STAMP)
	$(BIN)/python bench/dashboard.py

## bench-public: public pages, sitemaps and search at 100,000 posts on SQLite and PostgreSQL (HUB_BENCH_PG_URL)
bench-public: $(STAMP)
	$(BIN)/python bench/public_pages.py

## bench-public-http: public pages over HTTP (gunicorn, wrk) against a bare Flask + Jinja page and Wagtail
bench-public-http: $(STAMP)
	$(BIN)/python bench/public_http.py $(BENCH_ARGS)

## bench-memory: one gunicorn worker serves 100,000 requests; its memory per request
bench-memory: $(STAMP)
	$(BIN)/python bench/memory_run.py $(BENCH_ARGS)

## screenshots: the README's screenshots (docs/screenshots/*.png) from the app on demo data, in Chromium
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache
