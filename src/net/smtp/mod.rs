//! SMTP (RFC 5321) as the client side of c-client speaks it: reply codes,
//! EHLO keywords, and the dot-stuffing of message data as it leaves each
//! output buffer; the dialogues themselves are in [`session`]. Safe code;
//! the driver layer owns the connection.

pub mod session;

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

/// Commands of a pipelined group (RFC 2920) written before the first of
/// their replies is read: small enough that neither side's socket buffer
/// can fill while the other is still writing.
pub const PIPE_BATCH: usize = 100;

const OK: i64 = 250;
const UNAVAIL: i64 = 550;
const WANTAUTH: i64 = 505;
const WANTAUTH2: i64 = 530;

/// Where a pipelined MAIL/RCPT group stands, read reply by reply as the
/// lockstep exchange of the original would have read them: once it is no
/// longer `Going`, the remaining replies are read and have no effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    /// Every reply so far lets the transaction go on.
    Going,
    /// The server asked for authentication (and it offered some): start
    /// again after AUTH.
    Retry,
    /// MAIL was refused: the transaction ends with MAIL's reply.
    Failed,
}

/// The state after MAIL's reply (`auth`: the server offered AUTH). A
/// "wants authentication" code without AUTH offered goes on, as the
/// original's fall-through does.
pub fn after_mail(code: i64, auth: bool) -> Round {
    match code {
        UNAVAIL | WANTAUTH | WANTAUTH2 if auth => Round::Retry,
        UNAVAIL | WANTAUTH | WANTAUTH2 | OK => Round::Going,
        _ => Round::Failed,
    }
}

/// A RCPT reply while the group is going: the next state and whether this
/// recipient failed (its error is then the reply text).
pub fn after_rcpt(code: i64, auth: bool) -> (Round, bool) {
    match code {
        OK => (Round::Going, false),
        UNAVAIL | WANTAUTH | WANTAUTH2 if auth => (Round::Retry, false),
        _ => (Round::Going, true),
    }
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

    #[test]
    fn pipelined_replies() {
        assert_eq!(after_mail(250, false), Round::Going);
        assert_eq!(after_mail(530, true), Round::Retry);
        assert_eq!(after_mail(530, false), Round::Going);
        assert_eq!(after_mail(553, true), Round::Failed);
        assert_eq!(after_mail(421, false), Round::Failed);
        assert_eq!(after_rcpt(250, true), (Round::Going, false));
        assert_eq!(after_rcpt(550, true), (Round::Retry, false));
        assert_eq!(after_rcpt(550, false), (Round::Going, true));
        assert_eq!(after_rcpt(503, true), (Round::Going, true));
    }
}
