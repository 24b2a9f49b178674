<?php
// A wrong password through PHP (one trial per authenticator): imap_open's
// answer and imap_errors()/imap_alerts(). Port in argv[1].
$port = (int)$argv[1];
$b = @imap_open("{127.0.0.1:$port/imap/notls}INBOX", "carol", "wrong", 0, 1);
echo "open wrong password: ", var_export($b !== false, true), "\n";
foreach ((array)imap_errors() as $x) echo "  error: $x\n";
foreach ((array)imap_alerts() as $x) echo "  alert: $x\n";
$b = @imap_open("{127.0.0.1:$port/imap/notls/secure}INBOX", "carol", "wrong", OP_HALFOPEN, 1);
echo "open wrong password /secure: ", var_export($b !== false, true), "\n";
foreach ((array)imap_errors() as $x) echo "  error: $x\n";
echo "== end\n";
