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
# A test CA and a certificate for localhost for the TLS cases.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=smtp test CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$work/key.pem" -out "$work/req.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/req.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/ext.cnf" -out "$work/cert.pem" >/dev/null 2>&1
SINK_CERT=$work/cert.pem SINK_KEY=$work/key.pem python3 "$here/sink.py" $port "$work/sc" "$work/wire" >"$work/sink.log" 2>&1 & sink_pid=$!
for i in $(seq 50); do grep -q ready "$work/sink.log" && break; sleep 0.1; done
run() { # lib scenario mode [host-suffix]
  echo "$2" >"$work/sc"; : >"$work/wire"
  local h=${HOST:-127.0.0.1}
  if [ "$1" = ours ]; then LD_LIBRARY_PATH=$ours timeout 30 "$work/smtp" "$h:$port$4" "$3"; else timeout 30 "$work/smtp" "$h:$port$4" "$3"; fi 2>&1
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
# TLS. Implicit TLS (/ssl): both libraries, same output and bytes.
export SSL_CERT_FILE=$work/ca.pem HOST=localhost
run orig ssl send "/ssl" | sed 's/localhost:[0-9]*/localhost/' >"$work/o.txt"
run ours ssl send "/ssl" | sed 's/localhost:[0-9]*/localhost/' >"$work/u.txt"
if cmp -s "$work/o.txt" "$work/u.txt" && grep -q '^mail => 0 reply=554 One or more recipients failed' "$work/u.txt"; then ok "/ssl: same output and wire bytes"; else fail "/ssl"; diff -a "$work/o.txt" "$work/u.txt" | head; fi
# STARTTLS: Debian's original speaks TLS 1.0 only after STARTTLS (refused
# here); ours must upgrade, say EHLO again and send what the plain run sends.
run ours starttls send >"$work/u.txt"
HOST=localhost run ours plain send >"$work/p.txt"
if grep -q '^STARTTLS' "$work/u.txt" && grep -q '^\[TLS\]' "$work/u.txt" && grep -q '^mail => 0 reply=554 One or more recipients failed' "$work/u.txt" &&
   diff <(sed -n '/^\[TLS\]/,$p' "$work/u.txt" | tail -n +2) <(sed -n '/^--- wire/,$p' "$work/p.txt" | tail -n +2) >/dev/null; then
  ok "STARTTLS, then the same transaction"
else fail "STARTTLS"; cat "$work/u.txt" | head -30; fi
run ours starttls send "/notls" >"$work/u.txt"
if ! grep -q '^STARTTLS' "$work/u.txt" && grep -q '^mail => 0 reply=554 One or more recipients failed' "$work/u.txt"; then ok "/notls: no STARTTLS"; else fail "/notls"; fi
unset SSL_CERT_FILE
export SSL_CERT_FILE=/nonexistent SSL_CERT_DIR=/nonexistent
run ours starttls send >"$work/u.txt"
unset SSL_CERT_FILE SSL_CERT_DIR HOST
if grep -q '^log\[2\]: Certificate failure for localhost' "$work/u.txt" && grep -q '^open => NIL' "$work/u.txt"; then ok "STARTTLS with an untrusted certificate refused"; else fail "STARTTLS untrusted"; head "$work/u.txt"; fi
run ours plain send "/tls" >"$work/u.txt"; run orig plain send "/tls" >"$work/o.txt"
if cmp -s "$work/o.txt" "$work/u.txt" && grep -q 'TLS unavailable with this server' "$work/u.txt"; then ok "/tls without STARTTLS offered"; else fail "/tls"; diff -a "$work/o.txt" "$work/u.txt"; fi
finish
