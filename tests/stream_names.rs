//! Network mailbox name parsing and local name mapping (safe core).

use c_client::env::user::mailbox_file;
use c_client::store::names::{parse_net_mailbox, LocalName};

fn parse(name: &str) -> Option<c_client::store::names::NetMailbox> {
    parse_net_mailbox(name.as_bytes(), b"imap", true)
}

#[test]
fn host_port_and_defaults() {
    let mb = parse("{mail.example.com:993}").unwrap();
    assert_eq!(mb.host, b"mail.example.com");
    assert_eq!(mb.orighost, b"mail.example.com");
    assert_eq!(mb.port, 993);
    assert_eq!(mb.mailbox, b"INBOX");
    assert_eq!(mb.service, b"imap");
    let mb = parse_net_mailbox(b"{h}x", b"pop3", false).unwrap();
    assert_eq!(mb.service, b"pop3");
    assert_eq!(mb.mailbox, b"x");
}

#[test]
fn rejects_malformed_names() {
    for bad in [
        "",
        "host}x",
        "{host",
        "{}x",
        "{host:0}x",
        "{host:}x",
        "{host:1:2}x",
        "{host/}x",
        "{host/bogus}x",
        "{host/pop3/imap}x",
        "{host/norsh/pop3}x",
        "{[1.2.3.4}x",
        "{host/user=\"open}x",
        "{host/user=a/user=b}x",
        "{host/notls/tls}x",
    ] {
        assert!(parse(bad).is_none(), "accepted {bad:?}");
    }
}

#[test]
fn switches_and_arguments() {
    let mb =
        parse("{h/user=\"a \\\"b\"/authuser=z/service=POP3/ssl/novalidate-cert/debug}M/b").unwrap();
    assert_eq!(mb.user, b"a \"b");
    assert_eq!(mb.authuser, b"z");
    assert_eq!(mb.service, b"pop3");
    assert!(mb.ssl && mb.notls && mb.novalidate && mb.debug && !mb.tls);
    assert_eq!(mb.mailbox, b"M/b");
    let mb = parse("{[127.0.0.1]:143/imap4rev1/readonly/anonymous/secure/loser/norsh}").unwrap();
    assert_eq!(mb.host, b"[127.0.0.1]");
    assert_eq!(mb.port, 143);
    assert!(mb.readonly && mb.anonymous && mb.secure && mb.loser && mb.norsh);
    assert_eq!(parse("{h/pop}").unwrap().service, b"pop3");
    assert!(parse("{h/tls-sslv23}").unwrap().tls_sslv23);
}

#[test]
fn ssl_switches_need_an_ssl_driver() {
    assert!(parse_net_mailbox(b"{h/ssl}", b"imap", false).is_none());
    let mb = parse_net_mailbox(b"{h/tryssl}", b"imap", false).unwrap();
    assert!(!mb.tryssl);
    assert!(parse("{h/tryssl}").unwrap().tryssl);
}

#[test]
fn length_limits() {
    let host = "h".repeat(255);
    assert!(parse(&format!("{{{host}}}x")).is_some());
    assert!(parse(&format!("{{{host}h}}x")).is_none());
    assert!(parse(&format!("{{h}}{}", "m".repeat(255))).is_some());
    assert!(parse(&format!("{{h}}{}", "m".repeat(256))).is_none());
    assert!(parse(&format!("{{h/user={}}}", "u".repeat(64))).is_some());
    assert!(parse(&format!("{{h/user={}}}", "u".repeat(65))).is_none());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let alphabet = b"{}[]/:=\"\\ab1 \x00\xff";
    let mut seed: u32 = 12345;
    for _ in 0..20000 {
        let len = (seed % 40) as usize;
        let mut s = Vec::with_capacity(len);
        for _ in 0..len {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            s.push(alphabet[(seed >> 16) as usize % alphabet.len()]);
        }
        let _ = parse_net_mailbox(&s, b"imap", seed & 1 == 0);
    }
}

#[test]
fn local_names() {
    // The user environment knows the home directory; this test process
    // sets it up as a program would (the only test here that uses it).
    c_client::env::user::env_init(Some(b"u"), Some(b"/home/u")).unwrap();
    assert_eq!(mailbox_file(b"inbox"), Some(LocalName::Inbox));
    assert_eq!(
        mailbox_file(b"a/b"),
        Some(LocalName::Path(b"/home/u/a/b".to_vec()))
    );
    assert_eq!(
        mailbox_file(b"~/x"),
        Some(LocalName::Path(b"/home/u/x".to_vec()))
    );
    for refused in [&b"#news.x"[..], b"{h}x", b"", b"~no-such-user/x"] {
        assert_eq!(mailbox_file(refused), None);
    }
    // Debian's restrictBox: nothing outside the home directory.
    let restricted = [&b"/etc/passwd"[..], b"../x", b"a/../b", b"~root/x"];
    for name in restricted {
        assert_eq!(
            mailbox_file(name).is_none(),
            c_client::env::config::restrict_box()
        );
    }
}

#[test]
fn apop_switch() {
    let mb = parse_net_mailbox(b"{h/pop3/apop}INBOX", b"imap", true).unwrap();
    assert!(mb.apop);
    assert_eq!(mb.service, b"pop3");
    let mb = parse_net_mailbox(b"{h/APOP/pop3}INBOX", b"imap", true).unwrap();
    assert!(mb.apop);
    assert!(
        !parse_net_mailbox(b"{h/pop3}INBOX", b"imap", true)
            .unwrap()
            .apop
    );
    assert!(parse_net_mailbox(b"{h/apop=1}INBOX", b"imap", true).is_none());
    assert!(parse_net_mailbox(b"{h/imap/apop}INBOX", b"imap", true).is_none());
    assert!(parse_net_mailbox(b"{h/apop}INBOX", b"imap", true).is_none());
    assert!(
        parse_net_mailbox(b"{h/apop}INBOX", b"pop3", true)
            .unwrap()
            .apop
    );
}
