# Trellis — two entry points: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
CARGO ?= cargo
EXAMPLE ?= examples/intro-statistics.json

.PHONY: run test setup setup-system check lint fmt rust-test bench

## Sets up what is missing (system packages, toolchains' packages).
setup:
	@scripts/setup

## Runs the main job.
run: setup
	$(CARGO) build --release --bin trellis
	@tmp=$$(mktemp -d) && \
	  ./target/release/trellis import "$$tmp/demo.trellis" --from json $(EXAMPLE) && \
	  ./target/release/trellis show "$$tmp/demo.trellis" && \
	  ./target/release/trellis stats "$$tmp/demo.trellis"; \
	  rm -rf "$$tmp"

## Runs every check.
test: setup lint rust-test

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

rust-test:
	$(CARGO) test --workspace --locked

fmt:
	$(CARGO) fmt --all

bench:
	$(CARGO) bench --bench store
