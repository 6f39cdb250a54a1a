# Developer habits. `make test` is the README's test command; `.ci/run` is
# what CI runs (it also starts PostgreSQL and installs Chromium and axe-core).

STATICCHECK_VERSION := v0.8.2
GOBIN := $(shell go env GOPATH)/bin

.PHONY: test short lint bench fuzz demo ci

test:
	go test ./...

short:
	go test -short ./...

lint:
	@unformatted=$$(gofmt -l . | grep -v '^vendor/'); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	GOBIN=$(GOBIN) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(GOBIN)/staticcheck ./...

bench:
	go test -run '^$$' -bench . -benchtime 1x ./...

# Each fuzz target for 30 s (FUZZTIME=2m make fuzz for longer).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./...); do \
		for target in $$(go test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$target"; \
			go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

demo:
	go run ./cmd/ateval demo

ci:
	bash .ci/run
