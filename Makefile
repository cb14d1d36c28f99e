.PHONY: run test bench
run:   ## the site with sample data and grading workers on http://127.0.0.1:8000/
	bash scripts/run.sh
test:  ## ruff, import contracts, mypy and every test (PostgreSQL and Redis when they answer)
	bash scripts/test.sh
