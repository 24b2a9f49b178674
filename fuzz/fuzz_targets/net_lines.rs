#![no_main]
//! Untrusted network input: a server's byte stream split into lines and
//! literals by the transport, SASL challenges decoded and answered, and
//! network mailbox names parsed; nothing panics and every line is bounded.
use c_client::net::sasl::{decode64, Credentials, Mechanism, SaslClient};
use c_client::net::transport::{Connection, OpenOptions, Timeouts};
use c_client::store::names::parse_net_mailbox;
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let _ = parse_net_mailbox(data, b"imap", true);
    if let Some(c) = decode64(data) {
        for m in Mechanism::ALL {
            if let Ok(mut s) = SaslClient::new(m, Credentials::default()) {
                let _ = s.initial_response();
                let _ = s.step(&c);
                let _ = s.step(&c);
            }
        }
    }
    let Ok(l) = std::net::TcpListener::bind("127.0.0.1:0") else { return };
    let port = l.local_addr().unwrap().port();
    let opts = OpenOptions {
        host: "127.0.0.1".into(),
        port,
        max_line: 4096,
        timeouts: Timeouts { read: Some(1), ..Default::default() },
        ..Default::default()
    };
    let Ok(mut conn) = Connection::open(&opts) else { return };
    let Ok((mut peer, _)) = l.accept() else { return };
    let _ = peer.write_all(data);
    drop(peer);
    for _ in 0..10_000 {
        match conn.getline() {
            Ok(line) => {
                assert!(line.len() <= 4096 + 65536);
                // A trailing {n} asks for a literal, as IMAP would.
                if let Some(n) = line.strip_suffix(b"}").and_then(|t| {
                    let p = t.iter().rposition(|&b| b == b'{')?;
                    std::str::from_utf8(&t[p + 1..]).ok()?.parse::<usize>().ok()
                }) {
                    if conn.getbuffer(n.min(1 << 20)).is_err() {
                        break;
                    }
                }
            }
            Err(_) => break,
        }
    }
});
