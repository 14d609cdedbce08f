# Order Service — the two front-door commands are `make dev` and `make test`.
# Everything beyond the Rust toolchain, Python 3.11 and Node is installed into
# project-local places: .venv/ (moto, cfn-lint, cargo-lambda, schemathesis,
# pinned in local/requirements.lock), .venv-sam/ (the AWS SAM CLI, pinned in
# local/requirements-sam.lock), web/node_modules/ (pinned in
# web/package-lock.json) and target/. Browser tests use Debian's chromium
# (`apt-get install chromium`) or the one CHROMIUM_PATH names.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# The SAM CLI has a venv of its own: its pins conflict with the emulator's.
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM := SAM_CLI_TELEMETRY=0 $(CURDIR)/$(SAM_VENV)/bin/sam
WEB_STAMP := web/node_modules/.installed
PORT ?= 3000
ADMIN_PORT ?= 3001
STOREFRONT_PORT ?= 3002
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: report dev test token setup build property bench bench-cost bench-load bench-realtime sam-build clean web web-check e2e deploy-web

## dev: start the whole service locally on the emulator, with the storefront and the admin dashboard (Ctrl-C stops it)
dev: $(STAMP) web
	PORT=$(PORT) ADMIN_PORT=$(ADMIN_PORT) STOREFRONT_PORT=$(STOREFRONT_PORT) cargo run --quiet -p local --bin local-dev

## token: print a JWT for the local stack (SUB=alice, ADMIN=1 for an admin)
token:
	@SUB="$(SUB)" ADMIN="$(ADMIN)" cargo run --quiet -p local --bin local-token

## report: run the scheduled low-stock report now on the running `make dev` stack (PORT=3000)
report:
	@curl -sS -X POST "http://127.0.0.1:$${PORT:-3000}/local/jobs/low-stock-report"; echo

## test: formatting, lints, template lint, the web checks, unit, integration, contract and browser tests
test: $(STAMP) $(SAM_STAMP) $(WEB_STAMP)
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cfn-lint template.yaml
	$(SAM) validate --lint --region us-east-1 --template template.yaml
	$(MAKE) --no-print-directory web-check
	rm -rf target/test-logs
	cargo nextest run --workspace --profile $(if $(CI),ci,default)
	cargo run -q -p tests --bin scan-logs
	$(MAKE) --no-print-directory e2e

## property: the model-based property test over 60 random histories (PROPERTY_CASES, PROPERTY_SEED to choose)
property: $(STAMP)
	PROPERTY_CASES=$${PROPERTY_CASES:-60} cargo nextest run -p tests --test properties --no-capture --profile property

## web: install the web workspace's pinned packages and build the web apps
web: $(WEB_STAMP)
	cd web && npm run build

## web-check: generated API types up to date, lint, type check, unit tests, build with its size budget
web-check: $(WEB_STAMP)
	cd web && npm run check:generated
	cd web && npm run lint
	cd web && npm run typecheck
	cd web && npm test
	cd web && npm run build

## e2e: the dashboard's journeys in headless chromium against the real local stack
e2e: $(STAMP) $(WEB_STAMP)
	@test -x "$(CHROMIUM_PATH)" || { \
	  echo "Browser tests need chromium at $(CHROMIUM_PATH)."; \
	  echo "Install Debian's: sudo apt-get install -y chromium"; \
	  echo "or point CHROMIUM_PATH at a Chromium or Chrome binary: make test CHROMIUM_PATH=/path/to/chromium"; \
	  exit 1; }
	cargo build --quiet -p local --bin local-dev
	cd web && npm run e2e

$(WEB_STAMP): web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_STAMP)

## setup: the pinned Python tools in .venv/ (and the SAM CLI in .venv-sam/)
setup: $(STAMP) $(SAM_STAMP)

$(SAM_STAMP): local/requirements-sam.lock
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r local/requirements-sam.lock
	touch $(SAM_STAMP)

## sam-build: build every function the way `sam build` does for a deploy (cargo-lambda, no Docker; .aws-sam/)
sam-build: $(STAMP) $(SAM_STAMP)
	rustup target add aarch64-unknown-linux-gnu
	time $(SAM) build --beta-features --template template.yaml

$(STAMP): local/requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r local/requirements.lock
	touch $(STAMP)

## build: release build of every function with cargo-lambda (arm64 zips in target/lambda/)
build: $(STAMP)
	rustup target add aarch64-unknown-linux-gnu
	cargo lambda build --release --arm64 --output-format zip --package functions

# `make bench` measures x86_64 builds of the functions on this machine with
# the code-generation flags .cargo/config.toml gives the arm64 packages.
BENCH_TARGET := x86_64-unknown-linux-gnu
BENCH_FLAGS := target.$(BENCH_TARGET).rustflags=["-C", "force-unwind-tables=no", "-C", "relocation-model=static"]
# Where cargo puts what it builds (CARGO_TARGET_DIR when a build shares one).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

## bench: cold start, init CPU, warm CPU per invoke and memory of release binaries on this machine (prints figures)
bench: $(STAMP)
	cargo build --release -p functions --target $(BENCH_TARGET) --config '$(BENCH_FLAGS)'
	cargo build --release -p local --bin bench-cold-start
	$(TARGET_DIR)/release/bench-cold-start $(TARGET_DIR)/$(BENCH_TARGET)/release 20
	$(MAKE) --no-print-directory bench-cost
	$(MAKE) --no-print-directory bench-load
	$(MAKE) --no-print-directory bench-realtime

## bench-cost: what 1,000 orders cost at AWS list prices, by component, counted over 50 orders from cart to delivery on the local stack
bench-cost: $(STAMP)
	cargo build --release -p local --bin bench-cost
	$(TARGET_DIR)/release/bench-cost 50 4

## bench-load: 1,000 checkouts by 200 concurrent customers on the local stack (latency, throughput, answers by status), then every order final and the stock and money invariants; fails on a 5xx, a lost order or a violation
bench-load: $(STAMP)
	cargo build --release -p local --bin bench-load
	$(TARGET_DIR)/release/bench-load 1000 200

## bench-realtime: latency from an order's status write to a WebSocket client, over 100 orders on the local stack
bench-realtime: $(STAMP)
	cargo build --release -p local --bin bench-realtime
	$(TARGET_DIR)/release/bench-realtime 100

## deploy-web: upload the built storefront and dashboard with their config.json to a deployed stack (STACK=<name>; STRIPE_PUBLISHABLE_KEY=pk_… when the stack charges through Stripe; AWS CLI)
deploy-web: web
	@test -n "$(STACK)" || { echo "usage: make deploy-web STACK=<stack name> [STRIPE_PUBLISHABLE_KEY=pk_...]"; exit 1; }
	@set -euo pipefail; \
	out() { aws cloudformation describe-stacks --stack-name "$(STACK)" \
	  --query "Stacks[0].Outputs[?OutputKey=='$$1'].OutputValue" --output text; }; \
	region=$$(aws configure get region || echo "$${AWS_REGION:-us-east-1}"); \
	if [ -n "$(STRIPE_PUBLISHABLE_KEY)" ]; then payments='{"provider":"stripe","publishableKey":"$(STRIPE_PUBLISHABLE_KEY)"}'; \
	else payments='{"provider":"sandbox"}'; fi; \
	for app in admin storefront; do \
	  case $$app in admin) prefix=AdminWeb; url=AdminUrl;; storefront) prefix=StorefrontWeb; url=StorefrontUrl;; esac; \
	  printf '{"stage":"%s","apiUrl":"%s","oidc":{"authority":"https://cognito-idp.%s.amazonaws.com/%s","clientId":"%s","scope":"openid email profile","logoutUrl":"%s/logout"},"payments":%s}\n' \
	    "$(STACK)" "$$(out ApiUrl)" "$$region" "$$(out UserPoolId)" "$$(out UserPoolClientId)" "$$(out AuthDomain)" "$$payments" > web/apps/$$app/dist/config.json; \
	  aws s3 sync web/apps/$$app/dist "s3://$$(out $${prefix}BucketName)" --delete; \
	  aws cloudfront create-invalidation --distribution-id "$$(out $${prefix}DistributionId)" --paths "/index.html" "/config.json" >/dev/null; \
	  echo "The $$app is at $$(out $$url)"; \
	done

clean:
	rm -rf target $(VENV) $(SAM_VENV) .aws-sam .local web/node_modules web/apps/*/dist
