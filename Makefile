# Build, lint and test entry points. CI runs `make check` (see .ci/run and
# .github/workflows/ci.yml); every target also works on its own.
#
# Requirements: Go (the version in go.mod), Node 20 with npm, git, bash and a C
# compiler for -race. Everything else (golangci-lint, the npm tooling in
# api/package-lock.json) is installed by this Makefile into the work tree.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := check
.DELETE_ON_ERROR:
.SUFFIXES:
# Targets share the module cache, api/node_modules and two cores: run them one
# after another, in the order given, even under `make -j`.
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules --warn-undefined-variables

GO  ?= go
NPM ?= npm

CACHE_DIR := $(CURDIR)/.cache
TOOLS_BIN := $(CACHE_DIR)/bin

# golangci-lint is pinned here, not in go.mod, so its dependencies stay out of
# the module graph. Bumping the version reinstalls it (the stamp names it).
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT         := $(TOOLS_BIN)/golangci-lint
GOLANGCI_LINT_STAMP   := $(TOOLS_BIN)/.golangci-lint-$(GOLANGCI_LINT_VERSION)

# Reinstalled when package.json or the lockfile is newer than the last install.
NPM_STAMP := api/node_modules/.make-npm-ci.stamp

# Go files that gofmt must accept: everything but generated code and tool trees.
GOFMT_FILES = $(shell find . -name '*.go' -not -path './gen/*' -not -path './.cache/*' -not -path './api/node_modules/*' -not -path './.git/*')

# The JavaScript tools talk to nothing but the local files: no telemetry, no
# update checks, no install-time analytics.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export SCARF_ANALYTICS := false
export DO_NOT_TRACK := 1

# Prints a target's name when it starts and its wall time when it ends.
start = @mkdir -p $(CACHE_DIR)/timing && date +%s > $(CACHE_DIR)/timing/$(1) && echo "==> $(1)"
stop  = @echo "<== $(1) ok in $$(( $$(date +%s) - $$(cat $(CACHE_DIR)/timing/$(1)) ))s"

.PHONY: check generate check-generate lint test npm-install spec ts contract golangci-lint readme fuzz soak bench breaking compat-tools

## check: everything CI runs, in this order.
check: check-generate lint test spec ts contract readme breaking

## generate: regenerate gen/ from api/openapi.yaml.
generate:
	$(call start,$@)
	$(GO) generate ./...
	$(call stop,$@)

## check-generate: gen/ must be what go generate makes of api/openapi.yaml as
## it is in the working tree (uncommitted edits included), and go.mod/go.sum
## tidy. Where a commit is expected (CI set, as .ci/run does), the tree must
## also be clean: regenerated code and new files must be committed.
GEN_SNAPSHOT := $(CACHE_DIR)/gen-before
check-generate:
	$(call start,$@)
	rm -rf $(GEN_SNAPSHOT) && mkdir -p $(CACHE_DIR) && cp -R gen $(GEN_SNAPSHOT)
	$(GO) generate ./...
	@if ! diff -ru $(GEN_SNAPSHOT) gen; then \
		echo 'check-generate: gen/ did not match api/openapi.yaml; go generate has now rewritten it (diff above): review it and commit it with the spec' >&2; \
		exit 1; \
	fi
	$(GO) mod tidy -diff
	@if [ -n "$${CI:-}" ]; then \
		echo 'CI: git diff --exit-code and git status --porcelain (must print nothing)'; \
		if ! git diff --exit-code; then \
			echo 'check-generate: the files above differ from the last commit: commit them, regenerated code included' >&2; \
			exit 1; \
		fi; \
		status="$$(git status --porcelain)"; \
		if [ -n "$$status" ]; then \
			printf '%s\n' "$$status"; \
			echo 'check-generate: untracked or modified files above: commit them (or ignore them in .gitignore)' >&2; \
			exit 1; \
		fi; \
	fi
	$(call stop,$@)

## lint: gofmt, go vet and golangci-lint (pinned, installed into .cache/bin).
lint: $(GOLANGCI_LINT_STAMP)
	$(call start,$@)
	@echo 'gofmt -l (every Go file outside gen/)'
	@unformatted="$$(gofmt -l $(GOFMT_FILES) </dev/null)"; \
	if [ -n "$$unformatted" ]; then \
		printf '%s\n' "$$unformatted"; \
		echo 'lint: gofmt -w the files above' >&2; \
		exit 1; \
	fi
	$(GO) vet ./...
	$(GO) vet -tags contract ./internal/contract/
	$(GO) vet -tags soak ./gototraining/  # the soak is not built by make test: vet keeps it compiling
	$(GOLANGCI_LINT) run ./...
	$(call stop,$@)

golangci-lint: $(GOLANGCI_LINT_STAMP)

$(GOLANGCI_LINT_STAMP):
	mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	rm -f $(TOOLS_BIN)/.golangci-lint-*
	$(GOLANGCI_LINT) version
	touch $@

## breaking: fail on a breaking change to the spec (oasdiff) or to the Go API
## of gototraining and gototrainingtest (apidiff) since the base revision,
## unless CHANGELOG.md's Unreleased "### Breaking" section names it. The base:
## BASE=<rev>, else the newest v* tag, else the commit in api/compat-base.
## See scripts/breaking.sh and CONTRIBUTING.md. Both tools are pinned here,
## not in go.mod, and installed into .cache/bin.
OASDIFF_VERSION := v1.39.0
APIDIFF_VERSION := v0.0.0-20261113113407-e3970619a1a4
COMPAT_STAMP    := $(TOOLS_BIN)/.compat-tools-$(OASDIFF_VERSION)-$(APIDIFF_VERSION)
compat-tools: $(COMPAT_STAMP)

$(COMPAT_STAMP):
	mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/oasdiff/oasdiff@$(OASDIFF_VERSION)
	GOBIN=$(TOOLS_BIN) $(GO) install golang.org/x/exp/cmd/apidiff@$(APIDIFF_VERSION)
	rm -f $(TOOLS_BIN)/.compat-tools-*
	touch $@

breaking: $(COMPAT_STAMP)
	$(call start,$@)
	bash scripts/breaking.sh
	$(call stop,$@)

## test: unit tests with the race detector (the contract test has its own target),
## then the client's fake-backed tests and examples once more against a fake
## that answers with GoTo's real-world quirks (every method, not the fault matrix).
QUIRK_TESTS := ^(TestTrainingLifeCycle|TestRegistrantLifeCycle|TestReportsAndRecordings|TestBadTokenIsUnauthorized|TestRetriesAgainstTheFake|TestRegistrationReconciliation|TestOrganizersOfTheAccount|TestAllRefusesBadKeysWithoutSending|Example.*)$$
test:
	$(call start,$@)
	$(GO) test -race ./...
	GOTOTRAINING_FAKE_QUIRKS=1 $(GO) test -race -count=1 -run '$(QUIRK_TESTS)' ./gototraining/
	$(call stop,$@)

## npm-install: install the pinned spec tooling from api/package-lock.json.
npm-install: $(NPM_STAMP)

# --ignore-scripts: none of the pinned packages needs an install script; the
# only one that has one (@scarf/scarf, pulled in by Prism) is analytics.
$(NPM_STAMP): api/package.json api/package-lock.json
	cd api && $(NPM) ci --no-audit --no-fund --ignore-scripts
	touch $@

## spec: lint api/openapi.yaml and prove the TypeScript types generated from it compile.
spec: npm-install
	$(call start,$@)
	cd api && $(NPM) run --silent lint:redocly
	cd api && $(NPM) run --silent lint:spectral
	cd api && $(NPM) run --silent types
	cd api && $(NPM) run --silent tsc
	$(call stop,$@)

## ts: a training's whole life in TypeScript (api/ts/lifecycle.test.ts: the
## spec's generated types, openapi-fetch and api/ts/exact.ts) against
## cmd/gototraining-fake, which the test builds and starts; every key exact.
## Then the same with the reading half of the recipe off, which must fail on a
## rounded registrant key (GOTOTRAINING_TS_EXACT, see the test).
ts: npm-install
	$(call start,$@)
	cd api && $(NPM) run --silent types
	cd api && $(NPM) run --silent ts
	@echo 'ts: again with GOTOTRAINING_TS_EXACT=read-off, which must fail on a rounded registrant key'
	@mkdir -p $(CACHE_DIR)
	@if (cd api && GOTOTRAINING_TS_EXACT=read-off node --test ts/out/lifecycle.test.js) >$(CACHE_DIR)/ts-recipe-off.log 2>&1; then \
		cat $(CACHE_DIR)/ts-recipe-off.log; \
		echo 'ts: the life cycle passed without exact.ts reading the responses: it no longer proves that keys are exact' >&2; \
		exit 1; \
	fi
	@grep -q 'registrant keys (API, fake)' $(CACHE_DIR)/ts-recipe-off.log || { cat $(CACHE_DIR)/ts-recipe-off.log; echo 'ts: without the recipe the test failed, but not on the registrant keys' >&2; exit 1; }
	@echo 'ts: without the recipe: registrant keys rounded, as expected'
	$(call stop,$@)

## contract: every operation through gen/ against a Prism mock of api/openapi.yaml.
# -count=1: the result depends on the spec and on Prism, which the test cache does not track.
contract: npm-install
	$(call start,$@)
	$(GO) test -race -count=1 -tags contract ./internal/contract/
	$(call stop,$@)

## readme: run the README's curl and command-line sessions against
## cmd/gototraining-fake, as written.
readme:
	$(call start,$@)
	bash scripts/readme-curl.sh
	bash scripts/readme-cli.sh
	$(call stop,$@)

## fuzz: run every fuzz target for FUZZTIME each (default 60s), one after another.
FUZZTIME ?= 60s
fuzz:
	$(call start,$@)
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh
	$(call stop,$@)

## soak: about 30 s of mixed calls with 5% injected faults against the fake;
## every training and registration that succeeded must exist exactly once.
## SOAK_DURATION=5m makes it longer. Not part of check.
soak:
	$(call start,$@)
	$(GO) test -tags soak -run '^TestSoak$$' -count=1 -v ./gototraining/
	$(call stop,$@)

## bench: the benchmarks of docs/BENCHMARKS.md: BENCH_COUNT full passes
## (default 6, as -count=6 but interleaved, so that a change in the machine's
## load hits every sub-benchmark alike), summarized by benchstat. benchstat is
## pinned here, not in go.mod, and installed into .cache/bin. 4 to 6 minutes
## on 2 cores; the raw results stay in .cache/bench/bench.txt.
BENCH_COUNT ?= 6
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT := $(TOOLS_BIN)/benchstat
BENCH_DIR := $(CACHE_DIR)/bench
bench:
	$(call start,$@)
	mkdir -p $(TOOLS_BIN) $(BENCH_DIR)
	GOBIN=$(TOOLS_BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	$(GO) test -c -o $(BENCH_DIR)/gototraining.test ./gototraining
	rm -f $(BENCH_DIR)/bench.txt
	for i in $$(seq $(BENCH_COUNT)); do \
		$(BENCH_DIR)/gototraining.test -test.run '^$$' -test.bench . -test.benchmem | tee -a $(BENCH_DIR)/bench.txt; \
	done
	$(BENCHSTAT) $(BENCH_DIR)/bench.txt
	$(call stop,$@)

