# faultlab build. Every directory is a module: its main.c (if any) becomes a
# program, every other .c goes into the module's static library. Add a file to
# a module and it is built; no edit here is needed.
#
#   make lab     install missing Debian packages (as root), build everything
#   make test    build, then run every test under prove with a time limit
#   make bench   build, then print `bench NAME VALUE UNIT` lines
#   make asan    the same tests under AddressSanitizer + UBSan
#   make fuzz    build the libFuzzer targets with clang, run each FUZZ_SECONDS

CC      ?= cc
OPT     ?= -O2
SAN     ?=
# -MD, not -MMD: czmq.h includes <limits.h>, whose GCC copy include_next's
# our common/limits.h, which then counts as a system header; -MMD left it
# out of every .d file of a source that includes czmq.h first, and an
# edited limit rebuilt nothing (objects with two struct layouts).
CFLAGS  += -std=c11 -Wall -Wextra -Wpedantic -Werror $(OPT) -g $(SAN) \
           -D_GNU_SOURCE -iquote common -iquote . -MD -MP
PKGS     = libczmq libzmq jansson
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS += $(SAN)
B        = build

# Modules, each a static library build/libNAME.a of its .c files (main.c
# aside), and what each links: itself, then what it depends on, most
# dependent first. Dependencies run one way, down this list:
#
#   cli (harness) -> lab -> report -> analysis               -> common
#                        -> scenario -> workload              -> common
#                        -> checker                          -> common
#   proxy -> common      node (nodes/lib) -> common
#   raft, lww, quorum, crdt (nodes/NAME/) -> node
#   services -> common
#
# A module may include the headers of the modules it links, and no others.
NODE_MODULES = raft lww quorum crdt etcd redis
#  A node module's own libraries (the real databases' shims talk to them
#  through a client library): LDLIBS_NAME, linked after its archives.
LDLIBS_etcd  = -lcurl
LDLIBS_redis = -lhiredis
MODULES = common proxy services node $(NODE_MODULES) checker scenario workload analysis report lab cli
DIR_common   = common
DIR_proxy    = proxy
DIR_services = services
DIR_node     = nodes/lib
$(foreach m,$(NODE_MODULES),$(eval DIR_$(m) = nodes/$(m)))
DIR_checker  = checker
DIR_scenario = scenario
DIR_workload = workload
DIR_analysis = analysis
DIR_report   = report
DIR_lab      = lab
DIR_cli      = cli

lib_srcs = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
lib_objs = $(patsubst %.c,$(B)/%.o,$(call lib_srcs,$(1)))
lib      = $(B)/lib$(1).a
$(foreach m,$(MODULES),$(eval $(call lib,$(m)): $(call lib_objs,$(DIR_$(m)))))
$(B)/lib%.a: | $(B)/empty.o
	rm -f $@ && ar rcs $@ $(B)/empty.o $^

# A module with no library sources yet still makes a valid archive.
$(B)/empty.o:
	@mkdir -p $(B) && echo 'typedef int fl_empty_t;' | $(CC) -x c -c - -o $@

LIBS_common   = $(call lib,common)
LIBS_proxy    = $(call lib,proxy) $(LIBS_common)
LIBS_services = $(call lib,services) $(LIBS_common)
LIBS_node     = $(call lib,node) $(LIBS_common)
$(foreach m,$(NODE_MODULES),$(eval LIBS_$(m) = $$(call lib,$(m)) $$(LIBS_node)))
LIBS_checker  = $(call lib,checker) $(LIBS_common)
LIBS_scenario = $(call lib,scenario) $(LIBS_workload)
LIBS_workload = $(call lib,workload) $(LIBS_common)
LIBS_analysis = $(call lib,analysis) $(LIBS_common)
LIBS_report   = $(call lib,report) $(LIBS_analysis)
LIBS_lab      = $(call lib,lab) $(call lib,report) $(call lib,analysis) \
                $(call lib,scenario) $(call lib,workload) $(LIBS_checker)
LIBS_cli      = $(call lib,cli) $(LIBS_lab)

NODE_PROGS = $(patsubst nodes/%.c,bin/node-%,$(wildcard nodes/*.c)) \
             $(patsubst nodes/%/main.c,bin/node-%,$(wildcard nodes/*/main.c))
PROGS      = harness bin/proxy bin/netqueue bin/lab-services $(NODE_PROGS)

UNIT_TESTS  = $(patsubst tests/unit/%.c,tests/bin/%.t,$(wildcard tests/unit/*.c))
SHELL_TESTS = $(wildcard tests/*.t)
BENCH_PROGS = $(patsubst bench/%.c,bench/bin/%,$(wildcard bench/*.c))
TEST_TIMEOUT ?= 600

.PHONY: all lab deps test bench asan fuzz fuzz-build fuzz-replay soak clean
all: $(PROGS)

NPROC := $(shell nproc 2>/dev/null || echo 2)
lab: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all

deps:
	@scripts/deps.sh

# Every object depends on this file too: a changed flag (as -MMD to -MD
# was) must rebuild what was built with the old one.
$(B)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -c $< -o $@

# ./harness serve answers HTTP through libmicrohttpd (lab/serve.c); only
# the harness links it.
harness: $(B)/cli/main.o $(LIBS_cli)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)

bin/proxy: $(B)/proxy/main.o $(LIBS_proxy)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The IP plane's NFQUEUE helper: a second program of module proxy (it
# holds packets in proxy/held.h's heap), the one that links
# libnetfilter_queue.
bin/netqueue: $(B)/proxy/netqueue/main.o $(LIBS_proxy)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ -lnetfilter_queue $(LDLIBS)

bin/lab-services: $(B)/services/main.o $(LIBS_services)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A node is a file nodes/NAME.c, or a module nodes/NAME/ (one of
# NODE_MODULES) whose main.c is the program and whose other files are
# libNAME.a (raft, lww, quorum, crdt).
bin/node-%: $(B)/nodes/%.o $(LIBS_node)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

define node_module
bin/node-$(1): $(B)/nodes/$(1)/main.o $(LIBS_$(1))
	@mkdir -p bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS_$(1)) $$(LDLIBS)
endef
$(foreach m,$(NODE_MODULES),$(eval $(call node_module,$(m))))

# Unit tests: tests/unit/MODULE_name.c links only MODULE's libraries, so a
# module under construction does not break the others' tests. Prefixes are
# the module names above; node_raft_ links raft (node_lww_, node_quorum_,
# node_crdt_, node_etcd_, node_redis_ likewise, with the module's LDLIBS_).
CMOCKA = $(shell pkg-config --libs cmocka 2>/dev/null)
define unit_test
tests/bin/$(1)_%.t: $(B)/tests/unit/$(1)_%.o $(2)
	@mkdir -p tests/bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS_$(1:node_%=%)) $$(LDLIBS) $$(CMOCKA)
endef
$(foreach m,common proxy services checker scenario workload analysis report lab cli,\
  $(eval $(call unit_test,$(m),$(LIBS_$(m)))))
$(eval $(call unit_test,node,$(LIBS_node)))
$(foreach m,$(NODE_MODULES),$(eval $(call unit_test,node_$(m),$(LIBS_$(m)))))

bench/bin/proxy: $(B)/bench/proxy.o $(LIBS_proxy)
	@mkdir -p bench/bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench/bin/%: $(B)/bench/%.o $(LIBS_checker)
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

# Fuzzing (docs/fuzzing.md). Each fuzz/NAME.c but replay.c is a libFuzzer
# target, linking what FUZZ_LIBS_NAME says. fuzz-build compiles the tree
# again with clang under $(B)/clang (ASan, UBSan, coverage) into
# fuzz/bin/NAME; fuzz-replay builds fuzz/bin/NAME-replay with the normal
# compiler and fuzz/replay.c's main, which replays files through the same
# target (fuzz/regressions/NAME/ in tests/fuzz_regressions.t). Neither is
# part of `all`: without clang, `make all` builds and fuzz-build says what
# to install.
FUZZ_TARGETS = $(filter-out replay,$(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c)))
FUZZ_LIBS_history_jsonl      = $(LIBS_checker)
FUZZ_LIBS_history_edn        = $(LIBS_checker)
FUZZ_LIBS_history_jepsen_log = $(LIBS_checker)
FUZZ_LIBS_scenario           = $(LIBS_scenario)
FUZZ_LIBS_action             = $(LIBS_scenario)
FUZZ_LIBS_control            = $(LIBS_proxy)
FUZZ_LIBS_envelope           = $(LIBS_node)
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all

define fuzz_target
fuzz/bin/$(1): $(B)/fuzz/$(1).o $(FUZZ_LIBS_$(1))
	@mkdir -p fuzz/bin
	$$(CC) $$(LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(LDLIBS)
fuzz/bin/$(1)-replay: $(B)/fuzz/$(1).o $(B)/fuzz/replay.o $(FUZZ_LIBS_$(1))
	@mkdir -p fuzz/bin
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz: no '$(FUZZ_CC)':" \
	    "install clang (make lab does)" >&2; exit 69; }
	@$(MAKE) --no-print-directory -j$(NPROC) B=$(B)/clang CC=$(FUZZ_CC) OPT=-O1 \
	    SAN='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' $(addprefix fuzz/bin/,$(FUZZ_TARGETS))

fuzz-replay:
	@$(MAKE) --no-print-directory -j$(NPROC) $(addsuffix -replay,$(addprefix fuzz/bin/,$(FUZZ_TARGETS)))

fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# No false alarms (docs/soak.md): every promised verdict over SOAK_SEEDS
# seeds (50); SOAK_SYSTEMS, SOAK_SCENARIOS, SOAK_TIME_LIMIT, SOAK_JOBS.
SOAK_SEEDS ?= 50
soak: all
	@SOAK_SEEDS=$(SOAK_SEEDS) scripts/soak.sh

asan:
	$(MAKE) clean
	$(MAKE) test OPT=-O1 SAN='-fsanitize=address,undefined -fno-omit-frame-pointer'

clean:
	rm -rf $(B) bin harness tests/bin bench/bin fuzz/bin

-include $(shell find $(B) -name '*.d' 2>/dev/null)
