#!/bin/sh
# Links the library for one PASSWDTYPE from an existing cargo build, in a
# few seconds instead of a second compile of the crate.
#
# Usage: passwd-variant.sh TYPE RELEASE-DIR OUT-DIR [EXTRALDFLAGS]
#   TYPE         std | pam | pmb | nul
#   RELEASE-DIR  cargo's output (target/release): libc_client.so, the
#                cargo-linked library whose exported symbols are copied,
#                and libc_client.a, the same compiled code as an archive
#   OUT-DIR      gets libc-client.so.2007e.0 (with the libc-client.so.2007e
#                and libc-client.so links) and libc-client.a
#
# Every password check is compiled into the library; which one `checkpw`
# uses is named by one small object, ports/passwd/ckp_TYPE.rs (the symbol
# cclient_passwdtype), as the original links one ckp_*.c. The cargo build
# bundles the object of its feature (build.rs, `pam` under the Makefile);
# here the shared library is linked again from the archive with another
# object placed first (the archive's own is then never pulled in), exporting
# exactly the symbols the cargo-linked library exports, and the archive gets
# the new object in place of the bundled one. Needs rustc, cc, nm, python3.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 TYPE RELEASE-DIR OUT-DIR [EXTRALDFLAGS]" >&2
    exit 2
fi
kind=$1 rel=$2 out=$3 extra=${4:-}
case $kind in
    std|pam|pmb|nul) ;;
    *) echo "passwd-variant: unknown password type '$kind' (std pam pmb nul)" >&2; exit 2 ;;
esac
so=$rel/libc_client.so
ar=$rel/libc_client.a
for f in "$so" "$ar"; do
    [ -f "$f" ] || { echo "passwd-variant: $f missing (cargo build first)" >&2; exit 1; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/ports/passwd/ckp_$kind.rs
SONAME=libc-client.so.2007e

tmp=$(mktemp -d "${TMPDIR:-/tmp}/passwd-variant.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The back end object (the same command as build.rs), compiled in the
# scratch directory: rustc leaves its intermediate file in the current one.
(cd "$tmp" && "${RUSTC:-rustc}" --edition 2021 --crate-type=lib -C opt-level=2 \
    -C relocation-model=pic --crate-name ckp --emit=obj="$tmp/ckp.o" "$src")

# The exported interface: what the cargo-linked library exports, as a
# version script (nothing else global) and as EXTERN() so that the linker
# takes every member of the archive that defines one.
nm -D --defined-only "$so" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/exports"
[ -s "$tmp/exports" ] || { echo "passwd-variant: $so exports nothing" >&2; exit 1; }
{ echo '{ global:'; sed 's/$/;/' "$tmp/exports"; echo '  local: *; };'; } >"$tmp/exports.map"
{ printf 'EXTERN('; tr '\n' ' ' <"$tmp/exports"; echo ')'; } >"$tmp/exports.ld"

# Linked as rustc links the cdylib: full RELRO, bind now, unused sections
# dropped, the libraries of `rustc --print native-static-libs`. The mm_*
# callbacks stay undefined (they live in the program).
# shellcheck disable=SC2086
"${CC:-cc}" -shared -o "$tmp/lib.so" -Wl,-soname,$SONAME \
    -Wl,--version-script="$tmp/exports.map" -Wl,--gc-sections -Wl,--eh-frame-hdr \
    -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
    "$tmp/ckp.o" "$tmp/exports.ld" "$ar" $extra \
    -Wl,--as-needed -lcrypt -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

# Same exported symbols (name and kind) as the cargo-linked library.
nm -D --defined-only "$so" | awk 'NF == 3 { print $2, $3 }' | sort >"$tmp/want"
nm -D --defined-only "$tmp/lib.so" | awk 'NF == 3 { print $2, $3 }' | sort >"$tmp/got"
if ! cmp -s "$tmp/want" "$tmp/got"; then
    echo "passwd-variant: the relinked library's exports differ:" >&2
    diff "$tmp/want" "$tmp/got" | head -n 10 >&2
    exit 1
fi

# The archive: the bundled back end object (member ckp.o) overwritten in
# place by the new one, which has the same size (the objects differ only
# in the name's bytes), so the archive's symbol index stays valid. (ar
# cannot rewrite the index here: binutils' LTO plugin cannot read the Rust
# objects that carry bitcode and would leave their symbols out.)
cp "$ar" "$tmp/lib.a"
python3 - "$tmp/lib.a" "$tmp/ckp.o" <<'PY' || exit 1
import sys
path, objpath = sys.argv[1], sys.argv[2]
obj = open(objpath, "rb").read()
found = []
with open(path, "r+b") as f:
    if f.read(8) != b"!<arch>\n":
        sys.exit("passwd-variant: %s is not an ar archive" % path)
    pos = 8
    while True:
        f.seek(pos)
        head = f.read(60)
        if len(head) < 60:
            break
        if head[58:60] != b"`\n":
            sys.exit("passwd-variant: bad member header at %d" % pos)
        size = int(head[48:58])
        if head[:16].rstrip() == b"ckp.o/":
            found.append((pos + 60, size))
        pos += 60 + size + (size & 1)
    if len(found) != 1:
        sys.exit("passwd-variant: %d back end members (ckp.o) in the archive, not 1" % len(found))
    at, size = found[0]
    if size != len(obj):
        sys.exit("passwd-variant: the new back end object is %d bytes, the archive's %d" % (len(obj), size))
    f.seek(at)
    f.write(obj)
PY

mkdir -p "$out"
mv -f "$tmp/lib.so" "$out/$SONAME.0"
ln -sf $SONAME.0 "$out/$SONAME"
ln -sf $SONAME "$out/libc-client.so"
mv -f "$tmp/lib.a" "$out/libc-client.a"
