<?php
// PHP's imap extension on local mailboxes (names relative to HOME), every
// result printed with var_export, then imap_errors()/imap_alerts().
// run.sh runs it with the original c-client and with ours and compares.
// usage: php mailbox.php MAILBOX OTHER-MAILBOX

$box = $argv[1];
$other = $argv[2];
$step = 0;

// One case: a callable, so that an exception (a call given false by an
// earlier failure) ends only this case.
function out($name, $f) {
    global $step;
    $step++;
    echo "> $step $name\n";
    try {
        echo var_export($f(), true), "\n";
    } catch (Throwable $t) {
        echo get_class($t), ": ", $t->getMessage(), "\n";
    }
    $e = imap_errors();
    if ($e) echo "errors: ", var_export($e, true), "\n";
    $a = imap_alerts();
    if ($a) echo "alerts: ", var_export($a, true), "\n";
}

// Objects PHP builds from c-client's structures, as plain arrays.
function plain($v) {
    return json_decode(json_encode($v, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR), true);
}

$s = imap_open($box, '', '');
out('imap_open', fn() => $s !== false);
if (!$s) exit(0);
// imap_check and imap_mailboxmsginfo report the present time as Date.
function undated($o) { $a = plain($o); if (is_array($a)) unset($a['Date']); return $a; }
out('imap_check', fn() => undated(imap_check($s)));
out('imap_num_msg', fn() => imap_num_msg($s));
out('imap_num_recent', fn() => imap_num_recent($s));
out('imap_mailboxmsginfo', fn() => undated(imap_mailboxmsginfo($s)));
out('imap_status', fn() => plain(imap_status($s, $box, SA_ALL)));
out('imap_status other', fn() => plain(imap_status($s, $other, SA_ALL)));
out('imap_list', fn() => imap_list($s, '', '*'));
out('imap_getmailboxes', fn() => plain(imap_getmailboxes($s, '', '%')));

$n = imap_num_msg($s);
for ($i = 1; $i <= $n; $i++) {
    out("imap_uid $i", fn() => imap_uid($s, $i));
    out("imap_headerinfo $i", fn() => plain(imap_headerinfo($s, $i)));
    out("imap_fetch_overview $i", fn() => plain(imap_fetch_overview($s, "$i")));
    $st = imap_fetchstructure($s, $i);
    out("imap_fetchstructure $i", fn() => plain($st));
    out("imap_fetchheader $i", fn() => md5(imap_fetchheader($s, $i)));
    out("imap_body $i", fn() => md5(imap_body($s, $i, FT_PEEK)));
    $parts = isset($st->parts) ? count($st->parts) : 1;
    for ($p = 1; $p <= $parts; $p++) {
        out("imap_fetchbody $i $p", fn() => md5(imap_fetchbody($s, $i, "$p", FT_PEEK)));
        out("imap_fetchmime $i $p", fn() => md5(imap_fetchmime($s, $i, "$p", FT_PEEK)));
    }
    out("imap_fetchbody $i 0", fn() => imap_fetchbody($s, $i, "0", FT_PEEK));
}
out('imap_search ALL', fn() => imap_search($s, 'ALL'));
out('imap_setflag_full', fn() => imap_setflag_full($s, '1:2', '\\Seen \\Flagged'));
out('imap_clearflag_full', fn() => imap_clearflag_full($s, '2', '\\Flagged'));
out('imap_setflag_full keyword', fn() => imap_setflag_full($s, '1', 'PhpKeyword'));
out('imap_fetch_overview after flags', fn() => plain(imap_fetch_overview($s, "1:$n")));
out('imap_delete', fn() => imap_delete($s, '3'));
out('imap_undelete', fn() => imap_undelete($s, '3'));
out('imap_delete', fn() => imap_delete($s, '2'));
out('imap_expunge', fn() => imap_expunge($s));
out('imap_num_msg after expunge', fn() => imap_num_msg($s));
$msg = "From: php@example.org\r\nTo: you@example.net\r\nSubject: appended by PHP\r\n\r\nbody\r\nFrom here\r\n";
out('imap_append', fn() => imap_append($s, $box, $msg, '\\Seen \\Answered', '07-Dec-2026 10:00:00 +0100'));
out('imap_append other', fn() => imap_append($s, $other, $msg, null, '08-Dec-2026 11:00:00 -0500'));
out('imap_append missing', fn() => imap_append($s, 'php-missing', $msg, null, '08-Dec-2026 11:00:00 -0500'));
out('imap_ping', fn() => imap_ping($s));
out('imap_num_msg after append', fn() => imap_num_msg($s));
out('imap_createmailbox', fn() => imap_createmailbox($s, 'php-copy'));
out('imap_mail_copy', fn() => imap_mail_copy($s, '1:2', 'php-copy'));
out('imap_mail_move', fn() => imap_mail_move($s, '1', 'php-copy'));
out('imap_expunge after move', fn() => imap_expunge($s));
out('imap_renamemailbox', fn() => imap_renamemailbox($s, 'php-copy', 'php-renamed'));
out('imap_createmailbox', fn() => imap_createmailbox($s, 'php-gone'));
out('imap_deletemailbox', fn() => imap_deletemailbox($s, 'php-gone'));
out('imap_deletemailbox missing', fn() => imap_deletemailbox($s, 'php-gone'));
out('imap_status renamed', fn() => plain(imap_status($s, 'php-renamed', SA_MESSAGES | SA_UNSEEN | SA_UIDNEXT)));
out('imap_close', fn() => imap_close($s, CL_EXPUNGE));

$r = imap_open('php-renamed', '', '', OP_READONLY);
out('reopen', fn() => $r !== false);
if ($r) {
    out('reopen overview', fn() => plain(imap_fetch_overview($r, '1:' . imap_num_msg($r))));
    imap_close($r);
}
echo "END\n";
