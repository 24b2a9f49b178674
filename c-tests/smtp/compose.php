<?php
// The smtp suite's PHP sender: messages made by imap_mail_compose (the
// library's header writer and body encoders: 8bit text to
// quoted-printable, binary to base64, multipart nesting), each sent to
// the suite's recording peer by a plain SMTP dialogue written here (PHP's
// imap extension has no SMTP client of its own). Run under both
// libraries; the bytes the peer received must be the same.
// usage: php compose.php HOST PORT [RCPT,RCPT...]
[, $host, $port] = $argv;
$rcpts = isset($argv[3]) ? explode(',', $argv[3]) : ['bob@example.org', 'carol@example.net'];

function reply($s) {
  $all = '';
  do {
    $l = fgets($s);
    if ($l === false) break;
    $all .= $l;
  } while (strlen($l) > 3 && $l[3] == '-');
  return $all;
}

function send_smtp($host, $port, $from, $rcpts, $data) {
  $s = fsockopen($host, (int) $port, $errno, $errstr, 10);
  if (!$s) { echo "connect failed: $errstr\n"; return; }
  stream_set_timeout($s, 20);
  echo reply($s);
  foreach (array_merge(["EHLO compose.test", "MAIL FROM:<$from>"],
                       array_map(fn($t) => "RCPT TO:<$t>", $rcpts), ["DATA"]) as $c) {
    fwrite($s, "$c\r\n");
    echo reply($s);
  }
  // Dot-stuffed, CRLF-terminated, then the final dot.
  $d = preg_replace('/(^|\r\n)\./', '$1..', $data);
  if (substr($d, -2) !== "\r\n") $d .= "\r\n";
  fwrite($s, $d . ".\r\n");
  echo reply($s);
  fwrite($s, "QUIT\r\n");
  echo reply($s);
  fclose($s);
}

$env = [
  'from' => 'Alice Example <alice@example.org>',
  'to' => 'bob@example.org, "Carol Q. Public" <carol@example.net>',
  'cc' => 'dave@example.com',
  'subject' => 'composed by imap_mail_compose',
  'date' => 'Sun, 6 Dec 2026 10:00:00 +0000',
  'message_id' => '<compose.1@example.org>',
  'custom_headers' => ['X-Mailer: compose.php'],
];
$bin = '';
for ($i = 0; $i < 300; $i++) $bin .= chr(($i * 37 + 11) % 256);
$messages = [
  'plain text with a leading dot' => [[
    'type' => TYPETEXT, 'subtype' => 'plain', 'charset' => 'us-ascii',
    'contents.data' => "Hello Bob,\r\n.a line with a leading dot\r\n..two dots\r\nbye\r\n"]],
  '8bit text (quoted-printable)' => [[
    'type' => TYPETEXT, 'subtype' => 'plain', 'charset' => 'utf-8', 'encoding' => ENC8BIT,
    'contents.data' => "Gr\xc3\xbc\xc3\x9fe aus M\xc3\xbcnchen = 100%\r\n" . str_repeat('long line ', 12) . "\r\n"]],
  'multipart with a binary attachment' => [
    ['type' => TYPEMULTIPART, 'subtype' => 'mixed'],
    ['type' => TYPETEXT, 'subtype' => 'plain', 'description' => 'the text',
     'contents.data' => "see the attachment\r\n"],
    ['type' => TYPEAPPLICATION, 'subtype' => 'octet-stream', 'encoding' => ENCBINARY,
     'disposition.type' => 'attachment', 'disposition' => ['filename' => 'data.bin'],
     'contents.data' => $bin],
  ],
];
foreach ($messages as $name => $body) {
  $m = imap_mail_compose($env, $body);
  echo "== $name\n";
  if ($m === false) { echo "compose failed\n"; print_r(imap_errors()); continue; }
  echo strlen($m), " bytes composed\n";
  send_smtp($host, $port, 'alice@example.org', $rcpts, $m);
}
print_r(imap_errors());
