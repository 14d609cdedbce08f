# Order Service — the two front-door commands are `make dev` and `make test`.
# Everything beyond the Rust toolchain, Python 3.11 and Node is installed into
# project-local places: .venv/ (moto, cfn-lint, cargo-lambda, pinned in
# local/requirements.lock) and target/.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
PORT ?= 3000
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: report dev test token setup build bench clean

## dev: start the whole service locally on the emulator (Ctrl-C stops it)
dev: $(STAMP)
	PORT=$(PORT) cargo run --quiet -p local --bin local-dev

## token: print a JWT for the local stack (SUB=alice, ADMIN=1 for an admin)
token:
	@SUB="$(SUB)" ADMIN="$(ADMIN)" cargo run --quiet -p local --bin local-token

## report: run the scheduled low-stock report now on the running `make dev` stack (PORT=3000)
report:
	@curl -sS -X POST "http://127.0.0.1:$${PORT:-3000}/local/jobs/low-stock-report"; echo

## test: formatting, lints, template lint, unit, integration and end-to-end tests
test: $(STAMP)
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cfn-lint template.yaml
	cargo nextest run --workspace --profile $(if $(CI),ci,default)

## setup: the pinned Python tools in .venv/
setup: $(STAMP)

$(STAMP): local/requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r local/requirements.lock
	touch $(STAMP)

## build: release build of every function with cargo-lambda (arm64 zips in target/lambda/)
build: $(STAMP)
	rustup target add aarch64-unknown-linux-gnu
	cargo lambda build --release --arm64 --output-format zip --package functions

## bench: cold start and memory of release binaries on this machine (prints figures)
bench: $(STAMP)
	cargo build --release -p functions
	cargo build --release -p local --bin bench-cold-start
	target/release/bench-cold-start target/release 20

clean:
	rm -rf target $(VENV) .local
