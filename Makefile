# Valuing SEND: two commands. See README.md.
.PHONY: run test fuzz bench setup clean

run:  ## set everything up and serve the app at http://127.0.0.1:8000 (SQLite, demo logins printed)
	@scripts/run.sh

test:  ## install what is missing and run the quality gates and the whole suite (PostgreSQL, Redis, Chromium)
	@scripts/test.sh

fuzz:  ## post hostile input to every form at length (FUZZ_EXAMPLES per form, default 300)
	@scripts/fuzz.sh

bench:  ## benchmarks on a Kent-size authority against floors measured in the same run
	@scripts/bench.sh

setup:  ## only install the Python and npm dependencies
	@scripts/setup.sh --dev

clean:  ## remove the virtualenv, npm packages, built assets and the local SQLite database
	rm -rf .venv node_modules static/vendor build db.sqlite3
