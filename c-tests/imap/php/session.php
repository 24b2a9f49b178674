<?php
// PHP's imap extension against the suite's Dovecot (port in argv[1]); run
// once with the original c-client and once with ours, outputs compared.
$port = (int)$argv[1];
$srv = "{127.0.0.1:$port/imap/notls}";
function show($label, $v) {
    echo $label, ": ", var_export($v, true), "\n";
}
function errs() {
    $e = imap_errors();
    if ($e) foreach ($e as $x) echo "  error: $x\n";
    $a = imap_alerts();
    if ($a) foreach ($a as $x) echo "  alert: $x\n";
}
echo "== open\n";
$m = imap_open($srv . "INBOX", "alice", "alicepw");
show("open", $m !== false);
errs();
$check = imap_check($m);
show("check", [$check->Driver, $check->Mailbox, $check->Nmsgs, $check->Recent]);
show("num_msg", imap_num_msg($m));
show("num_recent", imap_num_recent($m));
$info = imap_mailboxmsginfo($m);
show("msginfo", [$info->Driver, $info->Mailbox, $info->Nmsgs, $info->Recent, $info->Unread, $info->Deleted, $info->Size]);
$n = imap_num_msg($m);
echo "== headers\n";
foreach (imap_headers($m) as $h) echo "  $h\n";
for ($i = 1; $i <= $n; $i++) {
    $h = imap_headerinfo($m, $i);
    $o = [];
    foreach ($h as $k => $v) $o[$k] = $v;
    echo "headerinfo $i: ", json_encode($o, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    $s = imap_fetchstructure($m, $i);
    echo "structure $i: ", json_encode($s, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    echo "  fetchheader: ", md5(imap_fetchheader($m, $i)), "\n";
    echo "  body: ", md5(imap_body($m, $i, FT_PEEK)), "\n";
    echo "  fetchbody 1: ", md5(imap_fetchbody($m, $i, "1", FT_PEEK)), "\n";
    echo "  fetchmime 1: ", md5(imap_fetchmime($m, $i, "1", FT_PEEK)), "\n";
    echo "  fetchbody 2: ", md5((string)@imap_fetchbody($m, $i, "2", FT_PEEK)), "\n";
    echo "  uid: ", imap_uid($m, $i), " msgno: ", imap_msgno($m, imap_uid($m, $i)), "\n";
    errs();
}
echo "== overview\n";
foreach (imap_fetch_overview($m, "1:$n") as $ov) {
    echo json_encode($ov, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}
echo "== flags\n";
show("setflag", imap_setflag_full($m, "1:2", "\\Flagged \\Answered"));
show("clearflag", imap_clearflag_full($m, "1", "\\Answered"));
show("setflag uid", imap_setflag_full($m, (string)imap_uid($m, 3), "\\Seen \$Work", ST_UID));
foreach (imap_fetch_overview($m, "1:4") as $ov) {
    echo "  $ov->msgno: seen=$ov->seen flagged=$ov->flagged answered=$ov->answered deleted=$ov->deleted draft=$ov->draft recent=$ov->recent\n";
}
echo "== search\n";
foreach (["ALL", "FLAGGED", "UNSEEN", "SUBJECT re", "FROM a", "TEXT mime", "BODY the", "KEYWORD \$Work", "SINCE 1-Jan-2000", "NOT DELETED"] as $c) {
    show("search $c", imap_search($m, $c));
    show("search uid $c", imap_search($m, $c, SE_UID));
    errs();
}
show("search utf-8", imap_search($m, "SUBJECT re", SE_FREE, "UTF-8"));
show("search iso", imap_search($m, "BODY the", SE_FREE, "ISO-8859-1"));
errs();
echo "== sort\n";
show("sort date", imap_sort($m, SORTDATE, 0));
show("sort subject rev", imap_sort($m, SORTSUBJECT, 1));
show("sort from uid", imap_sort($m, SORTFROM, 0, SE_UID));
show("sort size crit", imap_sort($m, SORTSIZE, 0, 0, "SINCE 1-Jan-2000"));
show("sort arrival utf8", imap_sort($m, SORTARRIVAL, 1, 0, "ALL", "UTF-8"));
echo "== thread\n";
show("thread", imap_thread($m));
show("thread uid", imap_thread($m, SE_UID));
echo "== status\n";
show("status", imap_status($m, $srv . "INBOX", SA_ALL));
echo "== mailboxes\n";
show("create", imap_createmailbox($m, $srv . "PhpBox"));
show("create again", imap_createmailbox($m, $srv . "PhpBox"));
errs();
show("subscribe", imap_subscribe($m, $srv . "PhpBox"));
show("list", imap_list($m, $srv, "*"));
show("getmailboxes", imap_getmailboxes($m, $srv, "*"));
show("lsub", imap_lsub($m, $srv, "*"));
show("getsubscribed", imap_getsubscribed($m, $srv, "*"));
show("rename", imap_renamemailbox($m, $srv . "PhpBox", $srv . "PhpBox2"));
show("append", imap_append($m, $srv . "PhpBox2", "From: p@example.com\r\nTo: alice@example.com\r\nSubject: php append\r\n\r\nHello.\r\n", "\\Seen", "05-Dec-2026 10:11:12 +0100"));
show("copy", imap_mail_copy($m, "1:2", "PhpBox2"));
show("move", imap_mail_move($m, "3", "PhpBox2"));
show("copy missing", imap_mail_copy($m, "1", "NoSuchBox"));
errs();
show("status box", imap_status($m, $srv . "PhpBox2", SA_MESSAGES | SA_UNSEEN | SA_RECENT));
show("num after move", imap_num_msg($m));
show("expunge", imap_expunge($m));
show("num after expunge", imap_num_msg($m));
echo "== reopen\n";
show("reopen", imap_reopen($m, $srv . "PhpBox2"));
show("num", imap_num_msg($m));
for ($i = 1; $i <= imap_num_msg($m); $i++) {
    $h = imap_headerinfo($m, $i);
    echo "  $i: ", $h->subject ?? "NIL", " / ", $h->Unseen, $h->Flagged, $h->Answered, "\n";
}
show("delete msg", imap_delete($m, "1"));
show("undelete msg", imap_undelete($m, "1"));
show("delete msg 2", imap_delete($m, "2"));
show("expunge", imap_expunge($m));
show("num", imap_num_msg($m));
show("reopen inbox", imap_reopen($m, $srv . "INBOX"));
show("unsubscribe", imap_unsubscribe($m, $srv . "PhpBox2"));
show("delete box", imap_deletemailbox($m, $srv . "PhpBox2"));
show("delete missing", imap_deletemailbox($m, $srv . "PhpBox2"));
errs();
echo "== quota and acl\n";
show("quotaroot", imap_get_quotaroot($m, "INBOX"));
show("quota", imap_get_quota($m, "User quota"));
show("getacl", imap_getacl($m, "INBOX"));
show("setacl", imap_setacl($m, "INBOX", "bob", "lrs"));
show("getacl", imap_getacl($m, "INBOX"));
show("setacl remove", imap_setacl($m, "INBOX", "bob", ""));
show("getacl", imap_getacl($m, "INBOX"));
show("set_quota", @imap_set_quota($m, "User quota", 5000));
errs();
echo "== close\n";
show("ping", imap_ping($m));
show("close", imap_close($m));
echo "== bad open\n";
$b = @imap_open($srv . "NoSuchFolder", "alice", "alicepw");
show("open missing", $b !== false);
errs();
$b = @imap_open("{127.0.0.1:" . ($port + 9) . "/imap/notls}INBOX", "alice", "alicepw", 0, 0);
show("open refused", $b !== false);
errs();
echo "== end\n";
