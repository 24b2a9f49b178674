//! SMTP (RFC 5321) as the client side of c-client speaks it: reply codes,
//! EHLO keywords, and the dot-stuffing of message data as it leaves each
//! output buffer. Safe code; the driver layer owns the connection.

/// C `atol` of a reply line: its leading number (0 when none).
pub fn reply_code(line: &[u8]) -> i64 {
    crate::net::pop3::atoi(line)
}

/// Whether a reply line continues (`NNN-text`).
pub fn continues(line: &[u8]) -> bool {
    line.get(3) == Some(&b'-')
}

/// The keyword and first argument words of an EHLO reply line (after the
/// code), with the old `AUTH=` form read as `AUTH `.
pub fn ehlo_words(line: &[u8]) -> Vec<Vec<u8>> {
    let mut l = line.to_vec();
    if l.len() > 8 && l[4..8].iter().all(|&c| c != 0) && l[8] == b'=' {
        l[8] = b' ';
    }
    l.get(4..)
        .unwrap_or(b"")
        .split(|&c| c == b' ')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_vec())
        .collect()
}

/// Message data as the original sends one output buffer: a buffer that
/// starts with a dot gets one more, and so does every dot that follows a
/// CRLF inside the buffer.
pub fn stuff_chunk(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 16);
    if s.first() == Some(&b'.') {
        out.push(b'.');
    }
    let mut i = 0;
    while i < s.len() {
        out.push(s[i]);
        if i + 2 < s.len() && s[i] == b'\r' && s[i + 1] == b'\n' && s[i + 2] == b'.' {
            out.push(b'\n');
            out.push(b'.');
            out.push(b'.');
            i += 3;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_words() {
        assert_eq!(reply_code(b"250-SIZE 10"), 250);
        assert!(continues(b"250-SIZE 10"));
        assert_eq!(
            ehlo_words(b"250-AUTH=PLAIN LOGIN"),
            vec![b"AUTH".to_vec(), b"PLAIN".to_vec(), b"LOGIN".to_vec()]
        );
        assert_eq!(stuff_chunk(b".a\r\n.b\r\nc"), b"..a\r\n..b\r\nc");
        assert_eq!(stuff_chunk(b"a\r\n"), b"a\r\n");
    }
}
