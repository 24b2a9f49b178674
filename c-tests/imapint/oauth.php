<?php
// Unmodified PHP code logging in with OAuth: the mechanism chosen by
// /auth= in the name, the access token given as the password. Args: port,
// mechanism, token.
[$port, $mech, $token] = [(int)$argv[1], $argv[2], $argv[3]];
$m = @imap_open("{127.0.0.1:$port/imap/notls/auth=$mech}INBOX", "alice", $token, 0, 1);
echo "open: ", var_export($m !== false, true), "\n";
if ($m !== false) {
    echo "mailbox: ", imap_check($m)->Mailbox, "\n";
    imap_close($m);
}
foreach ((imap_errors() ?: []) as $x) echo "error: $x\n";
echo "== end\n";
