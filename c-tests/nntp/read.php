<?php
// The nntp suite's PHP reader (the port filled in by run.sh): imap_* on a
// news group over /nntp, run under both libraries.
$g = '{127.0.0.1:@PORT@/nntp}#news.test.one';
$m = imap_open($g, '', '', OP_READONLY);
if (!$m) { echo "open failed\n"; print_r(imap_errors()); exit; }
echo imap_num_msg($m), " ", imap_num_recent($m), "\n";
print_r(imap_check($m));
print_r(imap_fetch_overview($m, '1:*', FT_UID));
print_r(imap_fetch_overview($m, '2,4'));
print_r(imap_headerinfo($m, 2));
print_r(imap_headerinfo($m, 4));
print_r(imap_fetchstructure($m, 3));
echo imap_body($m, 1, FT_PEEK), "--\n", imap_fetchbody($m, 3, '2', FT_PEEK), "--\n";
// Server-made header lines (and their continuations) blanked.
$skip = false;
foreach (explode("\r\n", imap_fetchheader($m, 5, FT_PREFETCHTEXT)) as $l) {
  if ($l !== '' && ($l[0] == ' ' || $l[0] == "\t")) { if (!$skip) echo $l, "\n"; continue; }
  $skip = (bool) preg_match('/^(Path|Date|Message-ID|Injection-[^:]*|NNTP-Posting-[^:]*|Xref):/i', $l);
  echo $skip ? preg_replace('/:.*/', ': ...', $l) : $l, "\n";
}
print_r(imap_search($m, 'SUBJECT "hello"'));
print_r(imap_search($m, 'FROM "alice"', SE_UID));
print_r(imap_search($m, 'BODY "dotted"'));
var_dump(imap_search($m, 'SUBJECT "nothing like it"'));
print_r(imap_search($m, 'UNSEEN'));
print_r(imap_sort($m, SORTDATE, 1));
print_r(imap_sort($m, SORTSUBJECT, 0, SE_UID));
print_r(imap_thread($m));
print_r(imap_status($m, $g, SA_ALL));
print_r(imap_status($m, '{127.0.0.1:@PORT@/nntp}#news.test.two', SA_MESSAGES | SA_UNSEEN));
print_r(imap_list($m, '{127.0.0.1:@PORT@/nntp}#news.', '*'));
print_r(imap_getmailboxes($m, '{127.0.0.1:@PORT@/nntp}#news.', 'test.%'));
print_r(imap_lsub($m, '{127.0.0.1:@PORT@/nntp}#news.', '*'));
print_r(imap_mailboxmsginfo($m));
var_dump(imap_ping($m));
var_dump(@imap_mail_copy($m, '1', 'INBOX'));
print_r(imap_errors()); print_r(imap_alerts());
imap_close($m);
$b = @imap_open('{127.0.0.1:@PORT@/nntp}#news.no.such', '', '', OP_READONLY, 0);
var_dump($b); print_r(imap_errors());
