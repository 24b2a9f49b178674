<?php
// Drives PHP's imap extension over many inputs and prints every result in a
// stable form; run.sh runs it once with the original c-client and once with
// ours and compares. Optional argument: a file listing messages whose
// headers go through imap_rfc822_parse_headers.

function show($v, $ind = '') {
    if (is_array($v) || is_object($v)) {
        echo is_object($v) ? "object {\n" : "array {\n";
        foreach ((array) $v as $k => $x) {
            echo $ind, '  ', $k, ' => ';
            show($x, $ind . '  ');
        }
        echo $ind, "}\n";
    } elseif (is_string($v)) {
        echo '"', addcslashes($v, "\0..\37\"\\\177..\377"), "\"\n";
    } else {
        echo var_export($v, true), "\n";
    }
}

$case = 0;
function t($name, $f) {
    global $case;
    $case++;
    echo "== $case $name\n";
    show($f());
    $e = imap_errors();
    if ($e) { echo "errors: "; show($e); }
}

$adrlists = [
    'a@b', 'Joe <joe@example.com>', '"Quoted, Name" <q@x>, plain@y', 'Group: a@b, c@d;, after@x',
    'bare', 'Phrase Only', '<route@x>', '@r1,@r2:user@host', 'a@b (comment) , ,c@d',
    'bad <<addr', 'x@', '@host', 'user@[1.2.3.4]', 'a . b @ c . d', 'A at B', '',
    "Caf\xc3\xa9 <c@x>", '=?utf-8?q?J=C3=B6rg?= <j@x>', 'undisclosed-recipients:;',
    str_repeat('long', 40) . '@' . str_repeat('h', 60) . '.com',
    'a@b c@d', 'G1: G2: x@y;;', '"unterminated <u@x>', '(only comment)', 'a@b;c@d',
];
foreach ($adrlists as $a) {
    foreach (['default.host', ''] as $h) {
        t("parse_adrlist [$a] [$h]", fn() => imap_rfc822_parse_adrlist($a, $h));
    }
}

$writes = [
    ['joe', 'example.com', 'Joe Public'], ['joe', 'example.com', ''], ['a b', 'x', 'P, Q'],
    ['x', 'y', 'Has "quotes" and \\ backslash'], ['.dot', 'h', null], ['a..b', 'h.', 'x'],
    ['user', '@', 'null host'], ['', '', ''], ['u', 'h', "8bit \xe9"], ['u', 'h', str_repeat('x ', 60)],
];
foreach ($writes as $w) {
    t('write_address ' . implode('|', array_map('strval', $w)), fn() => imap_rfc822_write_address($w[0], $w[1], $w[2]));
}

$headers = [
    "From: Joe <joe@x>\r\nTo: a@b, c@d\r\nSubject: Hello\r\nDate: Tue, 2 Jan 2007 10:00:00 -0800\r\nMessage-ID: <m@x>\r\n",
    "Subject: =?ISO-8859-1?Q?caf=E9?=\r\nFrom: x@y\r\nReply-To: r@y\r\nSender: s@y\r\nCc: c@y\r\nBcc: b@y\r\nIn-Reply-To: <p@x>\r\nReferences: <a@x>\r\n <b@x>\r\nNewsgroups: a.b, c.d\r\nFollowup-To: poster\r\nReturn-Path: <rp@x>\r\n",
    "from: lower@case\r\nTO: UPPER@CASE\r\nsubject: first\r\nSubject: second\r\ndate: bogus date\r\n",
    "Date: Mon, 31 Dec 2001 23:59:60 +1400\r\nFrom: \"A\" <a@b>, \"B\" <b@c>\r\n",
    "X-Folded: a\r\n\tb\r\n  c\r\nFrom:\r\nTo: group: ;\r\n",
    "", "no colon line\r\nFrom: a@b\r\n", "From: a@b\nTo: c@d\nSubject: LF only\n",
    "To: " . implode(', ', array_map(fn($i) => "user$i@host$i.example", range(1, 30))) . "\r\n",
    "Subject: " . str_repeat('long subject ', 40) . "\r\n",
    "Date: 1 Jan 98 12:00 EST\r\nFrom: odd (comment) <o@x>\r\n",
];
foreach ($headers as $i => $h) {
    t("parse_headers $i", fn() => imap_rfc822_parse_headers($h, 'default.host'));
    t("parse_headers $i nohost", fn() => imap_rfc822_parse_headers($h));
}

$mime = [
    '=?UTF-8?B?SGVsbG8gV29ybGQ=?=', '=?ISO-8859-1?Q?Andr=E9_Pirard?= <PIRARD@vm1.ulg.ac.be>',
    '=?iso-8859-1?q?this=20is=20some=20text?=', 'plain text', '=?US-ASCII?Q?Keith_Moore?= x',
    '=?utf-8?q?a?= =?utf-8?q?b?=', '=?utf-8?q?a?=  x  =?utf-8?q?b?=', '=?bogus', '=?utf-8?x?abc?=',
    '=?utf-8?b?!!!?=', '=?KOI8-R?B?8NLJ18XU?=', "=?utf-8*en?q?lang?=", '', '=??q?x?=',
    '=?windows-1252?q?=80uro?=', '=?utf-8?q?_under_score_?=',
];
foreach ($mime as $m) {
    t("mime_header_decode [$m]", fn() => imap_mime_header_decode($m));
    t("utf8 [$m]", fn() => imap_utf8($m));
}
foreach (["caf\xc3\xa9", "Entw\xc3\xbcrfe", 'plain', '&amp;', "\xe2\x82\xac", "\xf0\x9f\x98\x80", ''] as $s) {
    t("utf7_encode [$s]", fn() => imap_utf7_encode($s));
    t("utf7_decode [$s]", fn() => imap_utf7_decode(imap_utf7_encode($s)));
    if (function_exists('imap_utf8_to_mutf7')) {
        t("utf8_to_mutf7 [$s]", fn() => imap_utf8_to_mutf7($s));
        t("mutf7_to_utf8 [$s]", fn() => imap_mutf7_to_utf8(imap_utf8_to_mutf7($s)));
    }
}
foreach (['Jmx-', '&AOk-', '&-', 'bad&', '&Jjo'] as $s) {
    t("utf7_decode raw [$s]", fn() => imap_utf7_decode($s));
    if (function_exists('imap_mutf7_to_utf8')) {
        t("mutf7_to_utf8 raw [$s]", fn() => imap_mutf7_to_utf8($s));
    }
}

$b64 = ['aGVsbG8=', 'aGVsbG8', 'aGVs bG8=', "aGVs\r\nbG8=", 'a===', '****', '', 'aGVsbG8=trailing', 'YQ==YQ==', 'Y'];
foreach ($b64 as $s) {
    t("base64 [$s]", fn() => imap_base64($s));
}
$qp = ['caf=E9', "soft=\r\nbreak", 'bad=ZZ', 'trailing   ', "sp  \r\nnext", '=', '=4', '==41', "a=\nb", 'lower=e9'];
foreach ($qp as $s) {
    t("qprint [$s]", fn() => imap_qprint($s));
}
$raw = ['', 'a', 'ab', 'abc', "\x00\xff\x80", str_repeat('x', 44), str_repeat('y', 45), str_repeat("\xaa", 200),
        "line\r\nline", "tab\tend ", "trailing space \r\n", "= equals", str_repeat('z', 75) . "\r\n" . str_repeat('q', 80),
        "bare\nlf", "cr\r", str_repeat("\xc3\xa9", 60)];
foreach ($raw as $i => $s) {
    t("binary $i", fn() => imap_binary($s));
    t("8bit $i", fn() => imap_8bit($s));
    t("roundtrip $i", fn() => [imap_base64(imap_binary($s)) === $s, imap_qprint(imap_8bit($s)) === $s]);
}

$envs = [
    ['from' => 'Joe <joe@example.com>', 'to' => 'a@b.c', 'subject' => 'Hi', 'date' => 'Mon, 1 Jan 2001 00:00:00 +0000'],
    ['from' => 'x@y', 'to' => 'a@b, "C D" <c@d>', 'cc' => 'e@f', 'bcc' => 'hidden@h', 'reply_to' => 'r@r',
     'in_reply_to' => '<irt@x>', 'message_id' => '<mid@x>', 'return_path' => 'rp@x',
     'custom_headers' => ['X-Mailer: test', 'X-Other: value']],
    ['bcc' => 'only@bcc', 'subject' => str_repeat('long ', 30)],
    ['remail' => 'ReSent-From: z@z', 'to' => 'a@b'],
    [],
];
$bodies = [
    [['type' => TYPETEXT, 'subtype' => 'plain', 'contents.data' => "Hello\r\nWorld"]],
    [['type' => TYPETEXT, 'subtype' => 'plain', 'charset' => 'iso-8859-1', 'encoding' => ENC8BIT,
      'contents.data' => "h\xe9llo = there \r\n" . str_repeat("\xe9", 100)]],
    [['type' => TYPEAPPLICATION, 'subtype' => 'octet-stream', 'encoding' => ENCBINARY, 'contents.data' => "\x00\x01\x02" . str_repeat("\xff", 100)]],
    [['type' => TYPEMULTIPART, 'subtype' => 'mixed'],
     ['type' => TYPETEXT, 'subtype' => 'plain', 'contents.data' => 'part one', 'id' => '<id1@x>', 'description' => 'first'],
     ['type' => TYPETEXT, 'subtype' => 'html', 'encoding' => ENC8BIT, 'charset' => 'utf-8', 'contents.data' => "<p>caf\xc3\xa9</p>"],
     ['type' => TYPEIMAGE, 'subtype' => 'png', 'encoding' => ENCBINARY, 'contents.data' => "\x89PNG\r\n\x1a\n",
      'disposition.type' => 'attachment', 'disposition' => ['filename' => 'a b.png', 'size' => '8'],
      'type.parameters' => ['name' => 'a b.png']],
     ['type' => TYPEMESSAGE, 'subtype' => 'rfc822', 'contents.data' => "From: a@b\r\nSubject: inner\r\n\r\ninner body"],
     ['type' => TYPEAPPLICATION, 'subtype' => 'pdf', 'encoding' => ENCBASE64, 'contents.data' => "JVBERi0=", 'md5' => 'abc='],
     ['type' => TYPEAUDIO, 'encoding' => ENCQUOTEDPRINTABLE, 'contents.data' => 'x=3D1']],
    [['type' => TYPEMULTIPART, 'subtype' => 'alternative', 'type.parameters' => ['BOUNDARY' => 'fixed-boundary']],
     ['type' => TYPETEXT, 'contents.data' => 'plain'],
     ['type' => TYPETEXT, 'subtype' => 'html', 'contents.data' => '<b>x</b>']],
    [['type' => TYPEMESSAGE, 'subtype' => 'rfc822', 'encoding' => ENC8BIT, 'contents.data' => "Subject: x\r\n\r\n\xe9"]],
    [['type' => TYPEOTHER, 'subtype' => 'weird', 'contents.data' => 'other']],
];
foreach ($envs as $ei => $e) {
    foreach ($bodies as $bi => $b) {
        t("mail_compose env=$ei body=$bi", fn() => imap_mail_compose($e, $b));
    }
}

if ($argc > 1) {
    foreach (file($argv[1], FILE_IGNORE_NEW_LINES) as $path) {
        $m = file_get_contents($path);
        $end = strpos($m, "\r\n\r\n");
        $end2 = strpos($m, "\n\n");
        if ($end === false || ($end2 !== false && $end2 < $end)) {
            $end = $end2 === false ? strlen($m) : $end2 + 2;
        } else {
            $end += 4;
        }
        t('corpus ' . basename(dirname($path)) . '/' . basename($path),
          fn() => imap_rfc822_parse_headers(substr($m, 0, $end), 'corpus.host'));
    }
}
echo "cases: $case\n";
