# stream-hpc: the two commands of the README.
#   make run    installs what is missing (Debian 12, as root), builds, runs the main job
#   make check  installs what is missing, builds, runs every test (what CI runs)
# Other targets: deps, build, eval, test, asan, format, format-check, bench, clean.

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

# Debian 12 packages the project needs (compilers, libraries, test and analysis tools).
DEBIAN_PACKAGES := \
  build-essential cmake git pkg-config ca-certificates \
  libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools \
  libtbb-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev \
  libprotobuf-dev protobuf-compiler libonnx-dev \
  googletest libgtest-dev libgmock-dev libbenchmark-dev \
  clang clang-format libclang-rt-14-dev shellcheck \
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib \
  slurm-wlm slurmctld slurmd slurm-client munge iproute2

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
STREAM_HPC := $(BUILD)/src/app/stream-hpc

.PHONY: run eval check deps build test asan format format-check bench clean

run: build
	$(STREAM_HPC) inspect --workload zoo:resnet18 \
	  --accelerator sweeps/hardware/stream2023/tpu_like_quad_core.yaml \
	  --mapping sweeps/mapping/tpu_like_quad_core_oy.yaml

# One design point end to end (README "Scheduler and eval").
eval: build
	$(STREAM_HPC) eval --workload zoo:resnet18 \
	  --accelerator sweeps/hardware/stream2023/tpu_like_quad_core.yaml \
	  --mapping sweeps/mapping/tpu_like_quad_core_oy.yaml

check: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory format-check

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "All Debian packages present."; fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DSTREAM_WERROR=ON $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (Debug, -O1).
asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DSTREAM_SANITIZE=address \
	  -DSTREAM_WERROR=ON -DSTREAM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS) -L unit

FORMAT_FILES = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "clang-format: all files formatted"

bench: build
	@echo "see README 'Performance' for the benchmark commands"

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
