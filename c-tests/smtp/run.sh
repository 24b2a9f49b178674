#!/bin/bash
# SMTP client: one C program (original headers) with the original library
# and with ours against a scripted recording peer (sink.py, Python: a
# capture peer, not a real MTA); the bytes the server received and the
# program's output must be identical.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
ours=$CCT_ROOT/build/lib
[ -e "$ours/libc-client.so.2007e" ] || skip_suite "build/lib not staged (run make)"
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original libc-client2007e is not installed"
command -v python3 >/dev/null || skip_suite "python3 not installed"
work=$(mktemp -d /tmp/smtp-suite.XXXXXX)
trap 'kill $sink_pid 2>/dev/null; rm -rf "$work"' EXIT
port=14360
cc -w -I"$CCT_ORIG_INC" -o "$work/smtp" "$here/smtp.c" -lc-client 2>"$work/cc.err" \
  || { cat "$work/cc.err"; echo "0 passed, 1 failed"; exit 1; }
echo plain >"$work/sc"
python3 "$here/sink.py" $port "$work/sc" "$work/wire" >"$work/sink.log" 2>&1 & sink_pid=$!
for i in $(seq 50); do grep -q ready "$work/sink.log" && break; sleep 0.1; done
run() { # lib scenario mode [host-suffix]
  echo "$2" >"$work/sc"; : >"$work/wire"
  if [ "$1" = ours ]; then LD_LIBRARY_PATH=$ours timeout 30 "$work/smtp" "127.0.0.1:$port$4" "$3"; else timeout 30 "$work/smtp" "127.0.0.1:$port$4" "$3"; fi 2>&1
  echo "exit=$?"
  echo "--- wire"; cat "$work/wire"
}
for c in "plain send" "plain dsn" "plain debug" "plain verbose" "helo send" "reject send" \
         "plain norcpt" "drop-quit send" "drop-data send" "auth send /user=alice" \
         "auth-fail send /user=alice" "plain send /user=alice" "auth send /secure" "helo send /loser"; do
  set -- $c
  run orig "$1" "$2" "$3" >"$work/o.txt"; run ours "$1" "$2" "$3" >"$work/u.txt"
  case $1 in auth*) grep -q "^AUTH " "$work/u.txt" || echo "no AUTH on the wire" >>"$work/u.txt" ;; esac
  if cmp -s "$work/o.txt" "$work/u.txt" && grep -q '^exit=0' "$work/u.txt"; then ok "$1 $2 $3: same output and wire bytes"
  else fail "$1 $2 $3"; diff -a "$work/o.txt" "$work/u.txt" | head -20; fi
done
finish
