<?php
// PHP's imap_search over the mailbox search.c leaves in HOME: criteria,
// SE_UID, charsets; each result with imap_errors(). run.sh runs it with
// the original c-client and with ours and compares.
$s = imap_open($argv[1], '', '', OP_READONLY);
if (!$s) { echo "open failed\n"; var_export(imap_errors()); exit; }
$cases = [
    ['ALL', 0, null], ['SEEN', 0, null], ['UNSEEN', SE_UID, null],
    ['SUBJECT trip', 0, null], ['SUBJECT grüße', 0, 'UTF-8'],
    ["SUBJECT caf\xe9", 0, 'ISO-8859-1'], ['BODY münchen', 0, 'UTF-8'],
    ['TEXT Zed', 0, null], ['FROM bob', SE_UID, null], ['KEYWORD kwone', 0, null],
    ['UNKEYWORD kwtwo UNDELETED', 0, null], ['BEFORE 1-Jan-2010', 0, null],
    ['SINCE 1-Jan-2012', SE_UID, null], ['ALL', 0, 'bogus'], ['BOGUS', 0, null],
    ['SUBJECT "no match at all"', 0, null], ['BODY "au lait"', 0, ''],
];
foreach ($cases as [$c, $f, $cs]) {
    echo "== php [$c] ", $f, " ", var_export($cs, true), "\n";
    $r = $cs === null ? imap_search($s, $c, $f) : imap_search($s, $c, $f, $cs);
    echo var_export($r, true), "\n";
    $e = imap_errors();
    if ($e) echo "errors: ", var_export($e, true), "\n";
}
imap_close($s);
echo "done\n";
