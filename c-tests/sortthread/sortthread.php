<?php
// imap_sort, imap_thread, imap_fetch_overview and imap_search with a
// charset over a local mailbox: argv[1] the mailbox, argv[2] the key file.
$box = $argv[1];
$light = isset($argv[3]) && $argv[3] === 'light';
$m = imap_open($box, '', '', OP_READONLY);
if (!$m) { echo "== php open\nfailed\n"; exit; }
$n = imap_num_msg($m);
echo "== php open $n\n";
$keys = [SORTDATE => 'DATE', SORTARRIVAL => 'ARRIVAL', SORTFROM => 'FROM', SORTSUBJECT => 'SUBJECT',
         SORTTO => 'TO', SORTCC => 'CC', SORTSIZE => 'SIZE'];
foreach ($keys as $k => $name) {
    foreach ([0, 1] as $rev) {
        echo "== php imap_sort $name $rev\n";
        echo implode(' ', imap_sort($m, $k, $rev)), "\n";
        echo "== php imap_sort $name $rev uid ALL\n";
        echo implode(' ', imap_sort($m, $k, $rev, SE_UID, 'ALL')), "\n";
    }
}
echo "== php imap_sort SUBJECT criteria\n";
echo implode(' ', (array) imap_sort($m, SORTSUBJECT, 0, 0, 'SINCE 1-Jan-2000')), "\n";
foreach ([SE_UID, 0] as $f) {
    echo "== php imap_thread $f\n";
    $t = imap_thread($m, $f);
    if ($t) { ksort($t); foreach ($t as $k => $v) echo "$k=$v "; }
    echo "\n";
}
echo "== php imap_fetch_overview\n";
$ov = imap_fetch_overview($m, $light ? "1:300" : "1:*");
foreach ($ov as $o) {
    foreach (['subject', 'from', 'to', 'date', 'message_id', 'references', 'in_reply_to', 'size', 'uid', 'msgno', 'recent', 'flagged', 'answered', 'deleted', 'seen', 'draft'] as $f)
        echo $f, '=', isset($o->$f) ? $o->$f : '-', ' ';
    echo "\n";
}
echo "== php imap_fetch_overview uid\n";
foreach (imap_fetch_overview($m, "1,3:5", FT_UID) as $o) echo $o->uid, ' ', $o->msgno, ' ', $o->size, "\n";
foreach (file($argv[2]) as $line) {
    [$cs, $field, $hex] = explode(' ', trim($line));
    if ($field === 'BODY' && $light) continue;
    $key = hex2bin($hex);
    echo "== php imap_search $cs $field $hex\n";
    $r = @imap_search($m, "$field \"$key\"", 0, $cs);
    echo $r === false ? 'false' : implode(' ', $r), "\n";
    foreach (imap_errors() ?: [] as $e) echo "error: $e\n";
}
echo "== php imap_search no charset\n";
$r = imap_search($m, 'SUBJECT "topic"');
echo $r === false ? 'false' : implode(' ', $r), "\n";
imap_close($m);
