# stream-hpc: the two commands of the README.
#   make run    installs what is missing (Debian 12, as root), builds, runs the main job
#   make check  installs what is missing, builds, runs every test (what CI runs)
# Other targets: deps, build, eval, test, asan, tsan, fuzz, fuzz-long, format, format-check,
# bench, clean.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_TSAN ?= build-tsan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 20
# Test executables with threaded tests (label `threads`), built and run by `make tsan`.
TSAN_TARGETS ?= test_cost_threads test_allocation test_allocation_schedule test_sweep_threads
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

.PHONY: case-study run eval check deps build test asan tsan fuzz fuzz-long format format-check bench clean

# The quick-start sweep (sweeps/quickstart.yaml, README "Sweeps"): 2 MPI ranks x 1 thread,
# one core each; ends with the Pareto front. Results in $(BUILD)/quickstart/results.h5.
MPIRUN_ROOT := $(shell [ "$$(id -u)" -eq 0 ] && echo "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
run: build
	rm -rf $(BUILD)/quickstart
	$(MPIRUN_ROOT) mpirun -np 2 --bind-to core --oversubscribe \
	  $(STREAM_HPC) sweep sweeps/quickstart.yaml --out $(BUILD)/quickstart --threads 1

# One design point end to end (README "Scheduler and eval").
# The paper's case study (README "Case study"): 150 points with the genetic allocator, then
# the figure and the table of EDP ratios (build/case_study/case_study.{png,pdf,csv}).
case-study: build
	rm -rf $(BUILD)/case_study
	$(MPIRUN_ROOT) mpirun -np 2 --bind-to core --oversubscribe \
	  $(STREAM_HPC) sweep sweeps/case_study.yaml --out $(BUILD)/case_study --threads 1 --no-pareto
	/usr/bin/python3 analysis/case_study.py $(BUILD)/case_study/results.h5 \
	  --out $(BUILD)/case_study/case_study

eval: build
	$(STREAM_HPC) eval --workload zoo:resnet18 \
	  --accelerator sweeps/hardware/stream2023/tpu_like_quad_core.yaml \
	  --mapping sweeps/mapping/tpu_like_quad_core_oy.yaml

check: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory fuzz
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

# The threaded tests (label `threads`) under ThreadSanitizer.
tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTREAM_SANITIZE=thread \
	  -DSTREAM_WERROR=ON -DSTREAM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_TSAN) -j $(JOBS) --target $(TSAN_TARGETS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --test-dir $(BUILD_TSAN) --output-on-failure -j $(JOBS) -L threads

# Every parser under libFuzzer (clang-14, ASan+UBSan) for FUZZ_SECONDS each with the seed
# corpus from tests/data; `make fuzz-long FUZZ_SECONDS=600` runs longer.
fuzz: deps
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTREAM_SANITIZE=address -DSTREAM_FUZZ=ON \
	  -DSTREAM_WERROR=ON -DSTREAM_BUILD_TESTS=OFF -DSTREAM_BUILD_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target stream_fuzzers
	tests/fuzz/run_fuzzers.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)
fuzz-long: FUZZ_SECONDS = 600
fuzz-long: fuzz

FORMAT_FILES = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "clang-format: all files formatted"

bench: build
	@echo "see README 'Performance' for the benchmark commands"

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) $(BUILD_FUZZ)
