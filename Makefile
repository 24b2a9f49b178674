# Build entry points of the c-client replacement.
#
#   make                 build the default port (ldb: as Debian builds c-client)
#   make lnp|slx|lnx|ldb|sol [KNOB=value ...]   build another port
#   make run             build, then build and run the C demo (demo/ccdemo.c)
#   make test            cargo test + every c-tests/*/run.sh + pine-compat/run.sh
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make fuzz [FUZZ_SECONDS=20]   every fuzz target for a bounded time
#   make fuzz-build               only build the fuzz targets (make fuzz reuses them)
#   make bench | check-generated | linkage-only | config | clean
#
# Knobs (see docs/ports.md): PASSWDTYPE, EXTRAAUTHENTICATORS, EXTRADRIVERS, MAILDIR,
# SSLTYPE, IP, EXTRACFLAGS, EXTRALDFLAGS, plus the port's paths.

SHELL := /bin/sh
CARGO ?= cargo
CC ?= cc
PORT ?= ldb
PORTS := ldb lnp slx lnx sol
BUILD := build
LIBDIR := $(BUILD)/lib
INCDIR := $(BUILD)/include/c-client
BINDIR := $(BUILD)/bin
SONAME := libc-client.so.2007e
VERSION := 2007f
PREFIX ?= /usr/local
DESTDIR ?=
TARGET_DIR := $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),target)
# Where `make linkage-only` writes (tests point it at a scratch directory).
LINKAGE_OUT ?= $(INCDIR)

ifeq ($(filter $(PORT),$(PORTS)),)
$(error unknown port '$(PORT)': this Makefile knows $(PORTS))
endif
include ports/$(PORT).mk
include ports/common.mk

# ---- knobs -> cargo features, linkage lists, and configuration errors ----
KNOB_ERROR :=

ifeq ($(PASSWDTYPE),std)
PW_EFFECTIVE := $(CHECKPW)
else
PW_EFFECTIVE := $(PASSWDTYPE)
endif
# psx (shadow passwords through crypt) is the "std" back end on Linux.
ifneq ($(filter $(PW_EFFECTIVE),std psx),)
PW_KIND := std
else ifneq ($(filter $(PW_EFFECTIVE),pam pmb nul),)
PW_KIND := $(PW_EFFECTIVE)
else ifneq ($(filter $(PW_EFFECTIVE),afs dce gss two),)
KNOB_ERROR += PASSWDTYPE=$(PW_EFFECTIVE) is not supported on this platform (supported: std pam pmb nul).
else
KNOB_ERROR += PASSWDTYPE=$(PW_EFFECTIVE) is unknown (supported: std pam pmb nul).
endif

# PASSWDTYPE=nul refuses every plaintext password (FAQ 3.17): without a
# secure authenticator that works without one (EXTRAAUTHENTICATORS=gss) or
# the CRAM-MD5 database (MD5PWD) installed, nobody could log in to a server
# built on the library, so the build stops.
ifeq ($(PW_KIND),nul)
ifeq ($(strip $(EXTRAAUTHENTICATORS)),)
ifeq ($(wildcard $(MD5PWD)),)
KNOB_ERROR += PASSWDTYPE=nul disables every plaintext login: name an extra authenticator (EXTRAAUTHENTICATORS=gss) or install the CRAM-MD5 database $(MD5PWD) first, else nobody can log in to a server.
endif
endif
endif

ifeq ($(SSLTYPE),none)
SSL_FEATURE := ssl-none
else ifeq ($(SSLTYPE),unix)
SSL_FEATURE := ssl-unix
else ifeq ($(SSLTYPE),nopwd)
SSL_FEATURE := ssl-nopwd
else ifeq ($(SSLTYPE),unix.nopwd)
SSL_FEATURE := ssl-unix-nopwd
else ifneq ($(filter $(SSLTYPE),sco sco.nopwd),)
KNOB_ERROR += SSLTYPE=$(SSLTYPE) is not supported on this platform (supported: none unix nopwd unix.nopwd).
else
KNOB_ERROR += SSLTYPE=$(SSLTYPE) is unknown (supported: none unix nopwd unix.nopwd).
endif

ifneq ($(filter-out mbox md,$(EXTRADRIVERS)),)
KNOB_ERROR += EXTRADRIVERS may only name mbox and md (got: $(EXTRADRIVERS)).
endif
ifneq ($(filter-out 0 1,$(MAILDIR)),)
KNOB_ERROR += MAILDIR must be 0 or 1.
endif
ifeq ($(MAILDIR),0)
ifneq ($(filter md,$(EXTRADRIVERS)),)
KNOB_ERROR += EXTRADRIVERS=md needs MAILDIR=1.
endif
endif
ifneq ($(filter-out gss,$(EXTRAAUTHENTICATORS)),)
KNOB_ERROR += EXTRAAUTHENTICATORS may only name gss (got: $(EXTRAAUTHENTICATORS)).
endif
ifneq ($(filter-out 4 6,$(IP)),)
KNOB_ERROR += IP=$(IP) is not supported (supported: 4 6).
endif
ifneq ($(filter-out 0 1,$(RESTRICTBOX)),)
KNOB_ERROR += RESTRICTBOX must be 0 or 1.
endif

DRIVERS := $(EXTRADRIVERS) $(DEFAULTDRIVERS) dummy
AUTHENTICATORS := $(EXTRAAUTHENTICATORS) $(DEFAULTAUTHENTICATORS)
FEATURES := passwd-$(PW_KIND) $(SSL_FEATURE) \
	$(if $(filter mbox,$(EXTRADRIVERS)),driver-mbox) \
	$(if $(filter 1,$(MAILDIR)),driver-maildir) \
	$(if $(filter gss,$(EXTRAAUTHENTICATORS)),auth-gss) \
	$(if $(filter 1,$(RESTRICTBOX)),restrict-box) \
	$(if $(filter 6,$(IP)),ipv6)
FEATURES := $(strip $(FEATURES))

# The port's settings are not compiled in but linked: one small object
# (cclient_portconf, src/os/portconf.rs) holds the paths and the flags of
# SSLTYPE, EXTRAAUTHENTICATORS, RESTRICTBOX and IP, and another
# (ports/passwd/ckp_*.rs) the password back end. cargo always builds the
# same crate (its bundled objects: the ldb port, PAM) and `lib` relinks
# it with the objects of this configuration (tools/passwd-variant.sh,
# seconds), so neither the port nor PASSWDTYPE rebuilds anything. Only the
# drivers compiled in (EXTRADRIVERS=mbox, MAILDIR) are cargo features.
# No CCLIENT_* variable reaches cargo unless EXTRALDFLAGS is given, so a
# `cargo test --release` beside it reuses the same build script run.
PORTCONF := PORT=$(PORT) SPOOLDIR=$(SPOOLDIR) MAILSPOOL=$(MAILSPOOL) \
	NEWSSPOOL=$(NEWSSPOOL) ACTIVEFILE=$(ACTIVEFILE) RSHPATH=$(RSHPATH) \
	MD5PWD=$(MD5PWD) LOCKPGM=$(LOCKPGM) SSLCERTS=$(SSLCERTS) SSLKEYS=$(SSLKEYS) \
	CRXTYPE=$(CRXTYPE) SSLTYPE=$(subst unix.nopwd,nopwd,$(SSLTYPE)) \
	AUTHGSS=$(if $(filter gss,$(EXTRAAUTHENTICATORS)),1,0) RESTRICTBOX=$(RESTRICTBOX) IP=$(IP)
PORTCONF_FILE := $(BUILD)/portconf.txt
CARGO_FEATURES := $(strip $(filter driver-%,$(FEATURES)) passwd-pam ssl-unix-nopwd auth-gss restrict-box ipv6)
CARGO_BUILD_FLAGS := --release --lib --no-default-features --features '$(CARGO_FEATURES)'

.PHONY: all lib headers check-knobs linkage-only config install clean test run \
	bench check-generated demo $(PORTS)

all: lib headers

# `make lnp` etc.: the same build with another port's defaults.
$(PORTS):
	@$(MAKE) --no-print-directory all PORT=$@

check-knobs:
	@if [ -n "$(strip $(KNOB_ERROR))" ]; then \
		echo "make: configuration error (port $(PORT)): $(strip $(KNOB_ERROR))" >&2; \
		exit 1; \
	fi

config: check-knobs
	@echo "PORT=$(PORT) ($(PORT_DESC))"
	@echo "PASSWDTYPE=$(PASSWDTYPE) (effective: $(PW_EFFECTIVE))"
	@echo "SSLTYPE=$(SSLTYPE)"
	@echo "EXTRADRIVERS=$(EXTRADRIVERS)"
	@echo "MAILDIR=$(MAILDIR)"
	@echo "EXTRAAUTHENTICATORS=$(EXTRAAUTHENTICATORS)"
	@echo "IP=$(IP) RESTRICTBOX=$(RESTRICTBOX) CRXTYPE=$(CRXTYPE)"
	@echo "MAILSPOOL=$(MAILSPOOL) NEWSSPOOL=$(NEWSSPOOL) ACTIVEFILE=$(ACTIVEFILE)"
	@echo "SSLCERTS=$(SSLCERTS) SSLKEYS=$(SSLKEYS)"
	@echo "DRIVERS=$(strip $(DRIVERS))"
	@echo "AUTHENTICATORS=$(strip $(AUTHENTICATORS))"
	@echo "FEATURES=$(FEATURES)"
	@echo "PASSWD_OBJECT=ports/passwd/ckp_$(PW_KIND).rs"
	@echo "PORTCONF=$(strip $(PORTCONF))"

lib: check-knobs
	$(if $(strip $(EXTRALDFLAGS)),CCLIENT_EXTRALDFLAGS='$(EXTRALDFLAGS)' )$(CARGO) build $(CARGO_BUILD_FLAGS)
	mkdir -p $(LIBDIR)
	printf '%s\n' $(PORTCONF) >$(PORTCONF_FILE)
	sh tools/passwd-variant.sh $(PW_KIND) $(TARGET_DIR)/release $(LIBDIR) '$(EXTRALDFLAGS)' $(PORTCONF_FILE)

# Every header of include/, then the three files that depend on the knobs.
headers: check-knobs
	mkdir -p $(INCDIR)
	@if [ -d include ]; then \
		find include -maxdepth 1 -type f -exec cp {} $(INCDIR)/ \; ; \
	else \
		echo "note: include/ is not there yet; staging generated files only"; \
	fi
	$(MAKE) --no-print-directory linkage-only LINKAGE_OUT=$(INCDIR)

linkage-only: check-knobs
	sh tools/gen-linkage.sh '$(LINKAGE_OUT)' '$(strip $(DRIVERS))' \
		'$(strip $(AUTHENTICATORS))' '$(PW_KIND)' '$(SSLTYPE)'

# What a program linking libc-client.a statically needs besides it (rustc's
# --print native-static-libs for this crate, less -lc): crypt(3) for the
# server logins (PAM is loaded at run time, libdl).
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lcrypt

# Installed the way PHP's `./configure --with-imap=PREFIX` looks for it:
# PREFIX/include/c-client/c-client.h and PREFIX/lib/libc-client.{a,so}.
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/include/c-client $(DESTDIR)$(PREFIX)/lib/pkgconfig
	cp $(INCDIR)/* $(DESTDIR)$(PREFIX)/include/c-client/
	cp $(LIBDIR)/$(SONAME).0 $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(SONAME).0 $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libc-client.so
	cp $(LIBDIR)/libc-client.a $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		-e 's|@LIBS_PRIVATE@|$(STATIC_LIBS) $(EXTRALDFLAGS)|g' \
		ports/c-client.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/c-client.pc

# ---- demo ----
DEMO_CFLAGS := -g -O1 -Wall -Wno-unused-parameter -Wno-pointer-sign $(EXTRACFLAGS)
# Until our own headers are in include/, fall back to the original's for the
# non-generated ones (the record layouts are identical by construction).
DEMO_INC = -I$(INCDIR) $(if $(wildcard $(INCDIR)/c-client.h),,-I/usr/include/c-client)

demo: all
	mkdir -p $(BINDIR)
	@[ -f $(INCDIR)/c-client.h ] || echo "note: include/c-client.h missing; demo compiles against /usr/include/c-client"
	$(CC) $(DEMO_CFLAGS) $(DEMO_INC) -o $(BINDIR)/ccdemo demo/ccdemo.c \
		-L$(LIBDIR) -lc-client -Wl,-rpath,'$$ORIGIN/../lib' $(EXTRALDFLAGS)

run: demo
	cd demo && ../$(BINDIR)/ccdemo sample.mbox

# ---- tests ----
test: all
	@bash c-tests/lib/run-all.sh

# Parse benchmark, the mailbox benchmark (open/fetch/rewrite/copy), search/
# sort/thread, and the network clients (IMAP; POP3, NNTP, SMTP) against
# private servers on loopback.
bench: all
	@sh bench/run.sh
	@bash bench/mailbox.sh
	@bash bench/formats.sh
	@bash bench/sortthread.sh
	@bash bench/imap.sh
	@bash bench/nntp.sh
	@bash bench/net.sh

# Regenerates src/abi/bindings.rs from include/ and fails when the committed
# file differs (needs libclang).
check-generated:
	@sh c-tests/lib/check-generated.sh

clean:
	rm -rf $(BUILD)
	$(CARGO) clean

# ---- fuzzing ----
# Every cargo-fuzz target in fuzz/ for FUZZ_SECONDS each (tools/run-fuzz.sh);
# .ci/run calls it after `make test`.
FUZZ_SECONDS ?= 20
.PHONY: fuzz fuzz-build
fuzz:
	bash tools/run-fuzz.sh $(FUZZ_SECONDS)
fuzz-build:
	bash tools/run-fuzz.sh --build-only
