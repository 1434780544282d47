# faultlab build. Every directory is a module: its main.c (if any) becomes a
# program, every other .c goes into the module's static library. Add a file to
# a module and it is built; no edit here is needed.
#
#   make lab     install missing Debian packages (as root), build everything
#   make test    build, then run every test under prove with a time limit
#   make bench   build, then print `bench NAME VALUE UNIT` lines
#   make asan    the same tests under AddressSanitizer + UBSan

CC      ?= cc
OPT     ?= -O2
SAN     ?=
CFLAGS  += -std=c11 -Wall -Wextra -Wpedantic -Werror $(OPT) -g $(SAN) \
           -D_GNU_SOURCE -iquote common -MMD -MP
PKGS     = libczmq libzmq jansson
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS += $(SAN)
B        = build

# Modules and the libraries each one needs (most dependent first).
COMMON_LIB  = $(B)/libcommon.a
PROXY_LIB   = $(B)/libproxy.a
NODE_LIB    = $(B)/libnode.a
CHECKER_LIB = $(B)/libchecker.a
CLI_LIB     = $(B)/libcli.a

lib_srcs = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
lib_objs = $(patsubst %.c,$(B)/%.o,$(call lib_srcs,$(1)))

NODE_PROGS = $(patsubst nodes/%.c,bin/node-%,$(wildcard nodes/*.c)) \
             $(patsubst nodes/%/main.c,bin/node-%,$(wildcard nodes/*/main.c))
PROGS      = harness bin/proxy $(NODE_PROGS)

UNIT_TESTS  = $(patsubst tests/unit/%.c,tests/bin/%.t,$(wildcard tests/unit/*.c))
SHELL_TESTS = $(wildcard tests/*.t)
BENCH_PROGS = $(patsubst bench/%.c,bench/bin/%,$(wildcard bench/*.c))
TEST_TIMEOUT ?= 600

.PHONY: all lab deps test bench asan clean
all: $(PROGS)

NPROC := $(shell nproc 2>/dev/null || echo 2)
lab: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all

deps:
	@scripts/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -c $< -o $@

$(COMMON_LIB):  $(call lib_objs,common)
$(PROXY_LIB):   $(call lib_objs,proxy)
$(NODE_LIB):    $(call lib_objs,nodes/lib)
$(CHECKER_LIB): $(call lib_objs,checker)
$(CLI_LIB):     $(call lib_objs,cli)
$(B)/lib%.a: | $(B)/empty.o
	rm -f $@ && ar rcs $@ $(B)/empty.o $^

# A module with no library sources yet still makes a valid archive.
$(B)/empty.o:
	@mkdir -p $(B) && echo 'typedef int fl_empty_t;' | $(CC) -x c -c - -o $@

LIBS_PROXY   = $(PROXY_LIB) $(COMMON_LIB)
LIBS_NODE    = $(NODE_LIB) $(COMMON_LIB)
LIBS_CHECKER = $(CHECKER_LIB) $(COMMON_LIB)
LIBS_CLI     = $(CLI_LIB) $(CHECKER_LIB) $(PROXY_LIB) $(COMMON_LIB)
LIBS_ALL     = $(CLI_LIB) $(CHECKER_LIB) $(PROXY_LIB) $(NODE_LIB) $(COMMON_LIB)

harness: $(B)/cli/main.o $(LIBS_CLI) 
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bin/proxy: $(B)/proxy/main.o $(LIBS_PROXY) 
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bin/node-%: $(B)/nodes/%.o $(LIBS_NODE) 
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A node may also be a directory nodes/NAME/ with a main.c and helpers.
NODE_DIRS = $(patsubst nodes/%/main.c,%,$(wildcard nodes/*/main.c))
define node_dir
bin/node-$(1): $(patsubst %.c,$(B)/%.o,$(wildcard nodes/$(1)/*.c)) $(LIBS_NODE)
	@mkdir -p bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach d,$(NODE_DIRS),$(eval $(call node_dir,$(d))))

# Unit tests: tests/unit/MODULE_name.c links only what MODULE needs, so a
# module under construction does not break the others' tests. Prefixes:
# common_, proxy_, node_, checker_, harness_.
CMOCKA = $(shell pkg-config --libs cmocka 2>/dev/null)
define unit_test
tests/bin/$(1)_%.t: $(B)/tests/unit/$(1)_%.o $(2)
	@mkdir -p tests/bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) $$(CMOCKA)
endef
$(eval $(call unit_test,common,$(COMMON_LIB)))
$(eval $(call unit_test,proxy,$(LIBS_PROXY)))
$(eval $(call unit_test,node,$(LIBS_NODE)))
$(eval $(call unit_test,checker,$(LIBS_CHECKER)))
$(eval $(call unit_test,harness,$(LIBS_CLI)))

bench/bin/%: $(B)/bench/%.o $(LIBS_ALL) 
	@mkdir -p bench/bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Every test runs under prove with its own wall-clock limit; two at a time.
test:
	@$(MAKE) --no-print-directory lab
	@$(MAKE) --no-print-directory -j$(NPROC) $(UNIT_TESTS)
	prove -j2 --timer --exec 'timeout -k 10 $(TEST_TIMEOUT)' $(UNIT_TESTS) $(SHELL_TESTS)

bench:
	@$(MAKE) --no-print-directory lab
	@$(MAKE) --no-print-directory -j$(NPROC) $(BENCH_PROGS)
	@bench/run

asan:
	$(MAKE) clean
	$(MAKE) test OPT=-O1 SAN='-fsanitize=address,undefined -fno-omit-frame-pointer'

clean:
	rm -rf $(B) bin harness tests/bin bench/bin

-include $(shell find $(B) -name '*.d' 2>/dev/null)
