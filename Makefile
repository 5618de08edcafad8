# gx - Makefile
#
#   make                 build the tools into build/bin
#   make check           build, then run every test (C unit tests + bats)
#   make demo            run the pipeline on the bundled sample reports
#   make bench           the benchmark (bench/README.md)
#   make fuzz            run every libFuzzer harness for FUZZTIME seconds
#                        (or FUZZRUNS inputs with a fixed seed, as CI does)
#   make install         PREFIX=/usr/local DESTDIR=
#   make SANITIZE=address,undefined check   the same, under the sanitizers
#   make LINK=shared     pcre2, utf8proc, libcsv linked dynamically (the
#                        default links them in when their archives are there)
#
# Layout: cmd/gx-TOOL.c is a tool's main(); lib/TOOL*.c are its modules;
# every other lib/*.c is the shared core. share/gx/*.tsv are embedded.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/gx
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS    := libpcre2-8 libutf8proc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcre2-8 -lutf8proc)
GX_CFLAGS  := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
              -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib $(PKG_CFLAGS)
# pcre2, utf8proc and libcsv are linked into the binaries when their
# archives are there (Debian's -dev packages ship them): the dynamic loader
# then has less to do at every start, which is what one process per report
# pays under xargs -n1 (see README, Speed). LINK=shared links them
# dynamically (for a distribution's package); LINK=static insists.
STATIC_ARCHIVES := $(foreach a,libpcre2-8.a libutf8proc.a libcsv.a,$(if $(filter /%,$(shell $(CC) -print-file-name=$(a) 2>/dev/null)),$(a)))
ifeq ($(words $(STATIC_ARCHIVES)),3)
LINK    ?= static
else
LINK    ?= shared
endif
ifeq ($(LINK),static)
LIBS    := -Wl,-Bstatic $(PKG_LIBS) -lcsv -Wl,-Bdynamic
else
LIBS    := $(PKG_LIBS) -lcsv
endif

BUILD   ?= build
ifneq ($(SANITIZE),)
B        := $(BUILD)/san
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
else
B        := $(BUILD)
endif

TOOLS     := $(patsubst cmd/%.c,%,$(wildcard cmd/gx-*.c))
TOOL_MODS := segment tables normalize check
ALL_LIB   := $(wildcard lib/*.c)
TOOL_LIB  := $(foreach m,$(TOOL_MODS),$(wildcard lib/$(m)*.c))
CORE_LIB  := $(filter-out $(TOOL_LIB),$(ALL_LIB))
SHARE     := $(sort $(wildcard share/gx/*.tsv))
HEADERS   := $(wildcard lib/*.h)

CORE_OBJ  := $(patsubst lib/%.c,$(B)/obj/%.o,$(CORE_LIB)) $(B)/obj/share_data.o
# The core as an archive: a tool takes only the objects it uses, and with
# --as-needed it is not linked against a library it does not call (gx-check
# loads neither pcre2 nor utf8proc): less for the dynamic loader at every
# start, which is what one process per report pays.
CORE_AR   := $(B)/libgx.a
AS_NEEDED := -Wl,--as-needed
BINS      := $(addprefix $(B)/bin/,$(TOOLS))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))

.PHONY: all check unit demo bench fuzz install uninstall clean deps completions
.DELETE_ON_ERROR:

all: $(BINS) completions

deps:
	@scripts/deps

$(B)/obj/%.o: lib/%.c $(HEADERS) | $(B)/obj
	$(CC) $(GX_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/cmd-%.o: cmd/%.c $(HEADERS) | $(B)/obj
	$(CC) $(GX_CFLAGS) $(CFLAGS) -c -o $@ $<

# The knowledge tables, embedded as C arrays.
$(B)/embed: scripts/embed.c | $(B)/obj
	$(CC) -std=c11 -O1 -o $@ $<

$(B)/gen/share_data.c: $(B)/embed $(SHARE)
	@mkdir -p $(B)/gen
	$(B)/embed $(SHARE) > $@.tmp && mv $@.tmp $@

$(B)/obj/share_data.o: $(B)/gen/share_data.c | $(B)/obj
	$(CC) $(GX_CFLAGS) $(CFLAGS) -c -o $@ $<

$(CORE_AR): $(CORE_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

# A tool = its main + its own modules + the core.
tool_objs = $(patsubst lib/%.c,$(B)/obj/%.o,$(wildcard lib/$(1).c lib/$(1)_*.c))
.SECONDEXPANSION:
$(B)/bin/gx-%: $(B)/obj/cmd-gx-%.o $$(call tool_objs,$$*) $(CORE_AR) | $(B)/bin
	$(CC) $(CFLAGS) $(LDFLAGS) $(AS_NEEDED) -o $@ $^ $(LIBS)

# A unit test tests/unit/test_MOD*.c links the core and lib/MOD*.c (MOD a
# tool's module name), so one module's work in progress never breaks another.
mod_objs = $(patsubst lib/%.c,$(B)/obj/%.o,$(filter $(foreach m,$(TOOL_MODS),$(if $(filter $(m)%,$(1)),lib/$(m).c lib/$(m)_%.c)),$(TOOL_LIB)))
# A test may #include a module's .c to reach its static functions: every
# source and header is a prerequisite (only the test's own .c is compiled).
$(B)/unit/test_%: tests/unit/test_%.c tests/unit/unit.h $$(call mod_objs,$$*) $(CORE_OBJ) $(ALL_LIB) $(HEADERS) | $(B)/unit
	$(CC) $(GX_CFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< $(filter %.o,$^) $(LIBS)

# Fuzz harnesses fuzz/fuzz_MOD*.c, built with a replay driver (fuzz/replay.c)
# so the saved corpora and crash inputs run as regression tests in `make
# check` with any compiler; `make fuzz` builds them with libFuzzer.
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/replay.c $$(call mod_objs,$$*) $(CORE_OBJ) | $(B)/fuzz
	$(CC) $(GX_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

$(B)/obj $(B)/bin $(B)/unit $(B)/fuzz:
	@mkdir -p $@

completions: $(BINS)
	@mkdir -p completions
	@for t in $(TOOLS); do \
	  $(B)/bin/$$t --completion=bash > completions/$$t.bash && \
	  $(B)/bin/$$t --completion=zsh  > completions/_$$t && \
	  $(B)/bin/$$t --completion=fish > completions/$$t.fish || exit 1; \
	done

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(FUZZ_BINS)
	@GX_BUILD=$(B) scripts/runtests

unit: $(UNIT_BINS) $(FUZZ_BINS)

demo: deps
	@$(MAKE) --no-print-directory all
	@GX_BUILD=$(B) scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@GX_BUILD=$(B) bench/run

fuzz: deps
	@FUZZRUNS=$(FUZZRUNS) scripts/fuzz $(FUZZTIME)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR) \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	for f in man/*.1; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(MANDIR)/man1; done; true
	for f in man/*.5; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(MANDIR)/man5; done; true
	for f in man/*.7; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(MANDIR)/man7; done; true
	install -m 644 $(SHARE) $(DESTDIR)$(DATADIR)
	for t in $(TOOLS); do \
	  install -m 644 completions/$$t.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; \
	  install -m 644 completions/_$$t $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_$$t; \
	  install -m 644 completions/$$t.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$t.fish; \
	done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done

clean:
	rm -rf $(BUILD)
