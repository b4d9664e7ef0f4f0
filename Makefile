# CityTwin: the two commands.
#   make demo   install what is missing, build, and open the sample city (headless: print its summary)
#   make test   install what is missing, build, and run the tests
# Other targets: deps, build, format, clean.

BUILD_DIR ?= build/make
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: demo test deps configure build format clean

deps:
	@sh tools/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCITYTWIN_WARNINGS_AS_ERRORS=ON $(CMAKE_FLAGS)

# A failed build stops here: ctest never runs a stale binary.
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@if [ -n "$${DISPLAY:-}" ]; then \
		echo "Opening the sample city in citytwin-gui"; \
		$(BUILD_DIR)/app/gui/citytwin-gui; \
	else \
		echo "No display: the sample city's summary, then its morning peak run headless"; \
		echo "(for the 3D view run 'xvfb-run -a make demo' or set DISPLAY)"; \
		$(BUILD_DIR)/app/cli/citytwin info && \
		$(BUILD_DIR)/app/cli/citytwin run scenarios/morning_peak.json; \
	fi

format:
	find app sim gis render scenarios tests bench -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
