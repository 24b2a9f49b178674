# Build entry points. `make` builds the default Linux port and stages the
# library in build/lib and the headers in build/include/c-client.

CARGO ?= cargo
BUILD := build
LIBDIR := $(BUILD)/lib
INCDIR := $(BUILD)/include/c-client
SONAME := libc-client.so.2007e

.PHONY: all lib headers clean test run
all: lib headers

lib:
	$(CARGO) build --release --lib
	mkdir -p $(LIBDIR)
	cp target/release/libc_client.so $(LIBDIR)/$(SONAME).0
	ln -sf $(SONAME).0 $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libc-client.so
	cp target/release/libc_client.a $(LIBDIR)/libc-client.a

headers:
	mkdir -p $(INCDIR)
	cp include/* $(INCDIR)/ 2>/dev/null || true

clean:
	rm -rf $(BUILD)
	$(CARGO) clean
