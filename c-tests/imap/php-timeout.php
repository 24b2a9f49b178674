<?php
// imap_timeout against hostile.py's stalled peers: a plain server that
// stops answering at the first FETCH, and a TLS peer that never speaks.
// Each wait must end after the read timeout set here. Args: base port,
// then "plain" or "ssl".
$port = (int)$argv[1];
echo "set read timeout: ", var_export(imap_timeout(IMAP_READTIMEOUT, 2), true), "\n";
echo "read timeout: ", imap_timeout(IMAP_READTIMEOUT), "\n";
echo "set open timeout: ", var_export(imap_timeout(IMAP_OPENTIMEOUT, 2), true), "\n";
echo "open timeout: ", imap_timeout(IMAP_OPENTIMEOUT), "\n";
if ($argv[2] === "plain") {
    $m = @imap_open("{127.0.0.1:$port/imap/notls/user=alice}stall", "alice", "pw", 0, 1);
    echo "open: ", var_export($m !== false, true), "\n";
    if ($m !== false) {
        $h = @imap_fetchheader($m, 1);
        echo "header while stalled: ", var_export($h, true), "\n";
        echo "ping: ", var_export(@imap_ping($m), true), "\n";
    }
} else {
    $p = $port + 2;
    $m = @imap_open("{127.0.0.1:$p/imap/ssl/novalidate-cert/user=alice}INBOX", "alice", "pw", 0, 1);
    echo "open /ssl to a silent peer: ", var_export($m !== false, true), "\n";
}
foreach ((imap_errors() ?: []) as $x) echo "  error: $x\n";
foreach ((imap_alerts() ?: []) as $x) echo "  alert: $x\n";
echo "== end\n";
