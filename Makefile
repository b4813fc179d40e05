# The two commands of the README, and the few around them. Each one installs what is
# missing, configures once and builds only what changed.
.PHONY: all deps build demo test test-sanitize test-tsan bench format clean

PRESET ?= default
JOBS ?= $(shell nproc)

all: build

deps:
	@./scripts/install-deps.sh

build/$(PRESET)/build.ninja: | deps
	cmake --preset $(PRESET)

build: deps build/$(PRESET)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	./build/$(PRESET)/examples/quickstart/quickstart config/logging.toml

test: build
	ctest --preset $(PRESET)

test-sanitize:
	$(MAKE) test PRESET=sanitize

test-tsan:
	@./scripts/install-deps.sh
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan

bench: build
	./scripts/run-benchmarks.sh build/$(PRESET)

format:
	git ls-files '*.c' '*.h' '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
