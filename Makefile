# lguest: make | make run | make test | make guest | make bench | make fuzz | make tour
#
# Everything built goes under build/.  The Launcher is build/lguest.

BUILD    ?= build
CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	    -Wformat=2 -Wsign-compare -Wold-style-definition -Wvla -Wshadow
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(CFLAGS)
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
LDLIBS   := -lpthread -lseccomp

# The Launcher is every file under src/ (a large device may be a folder:
# src/devices/NAME/*.c); unit tests link all but main.c.
SRCS     := $(sort $(wildcard src/*.c src/*/*.c src/*/*/*.c))
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS     := $(SRCS:%.c=$(BUILD)/obj/%.o)
SAN_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELP  := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: all run test unit lint e2e guest testhost bench fuzz tour clean format
all: $(BUILD)/lguest

$(BUILD)/lguest: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -MMD -MP -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_HELP) $(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -Itests/unit -o $@ $< $(UNIT_HELP) \
		$(SAN_OBJS) $(LDLIBS)

unit: $(UNIT_BINS)
	@tests/unit/run $(UNIT_BINS)

# The default guest: Debian's cloud and generic kernels and a busybox
# initramfs, built from Debian packages (guest/build).
guest:
	guest/build $(BUILD)/guest

# The nested KVM host for machines without VT-x/AMD-V (tools/testhost).
testhost: guest
	tools/testhost/build $(BUILD)/testhost

# Boot the default guest with its console on this terminal.
run: all guest
	tools/run-guest

test: all guest
	tests/run

lint:
	tools/lint

e2e: all guest
	tests/e2e/run

bench: all guest
	bench/run

# FUZZ_SECONDS per target (default 60), or FUZZ_RUNS executions if that
# comes first (FUZZ_RUNS=10000000 FUZZ_SECONDS=36000 make fuzz); the corpora
# are replayed by make test.
FUZZ_SECONDS ?= 60
fuzz:
	tools/deps fuzz
	FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run fuzz $(FUZZ_SECONDS)

tour:
	@tools/tour src

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'guest/*.[ch]')

clean:
	rm -rf $(BUILD)/obj $(BUILD)/san $(BUILD)/unit $(BUILD)/lguest

# The sanitizer objects are only reached through the unit-test pattern
# rule; without this make deletes them as intermediates after each run.
.SECONDARY: $(SAN_OBJS)

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d)
