//! Configuration files (`dorc`): `/etc/c-client.cf` for the whole system,
//! and, when the system file allows it, `~/.mminit` (keywords only) and
//! `~/.imaprc`. Each line is `set <setting> <value>`; the setting is the
//! text up to the second space, matched without regard to case, and lines
//! nobody knows are ignored (so the documented first line, "I accept the
//! risk", is simply a line that sets nothing).

use crate::env::params;
use crate::env::user::{
    self, code, env_string, host, queue_log, set_env_string, set_env_word, FormatChoice, State,
    MAILTMPLEN, MAXUSERFLAG, NUSERFLAGS, RESTRICT_OTHER_USER, RESTRICT_ROOT,
};
use crate::store::events::Level;

/// The system-wide configuration file.
pub const SYSTEM_CONFIG: &str = "/etc/c-client.cf";

/// C `atol`: optional white space and sign, then decimal digits.
pub fn atol(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let negative = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let mut v: i64 = 0;
    while let Some(d) = s.get(i).filter(|c| c.is_ascii_digit()) {
        v = v.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
        i += 1;
    }
    if negative {
        v.wrapping_neg()
    } else {
        v
    }
}

/// C `atoi`, whose result lands in an `int`.
fn atoi(s: &[u8]) -> i32 {
    atol(s) as i32
}

/// A yes/no setting the original keeps in a `short`: `atoi` of the value,
/// truncated to 16 bits, then tested for non-zero.
fn short_flag(s: &[u8]) -> usize {
    usize::from(atoi(s) as i16 != 0)
}

/// The lines `fgets` with a MAILTMPLEN buffer would hand the original's
/// loop: it stops at the first piece that has no newline (a last line
/// without one, a line longer than the buffer, a NUL before the newline).
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let limit = rest.len().min(MAILTMPLEN - 1);
        let piece_end = rest[..limit]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(limit, |p| p + 1);
        let piece = &rest[..piece_end];
        rest = &rest[piece_end..];
        let nul = piece.iter().position(|&b| b == 0).unwrap_or(piece.len());
        let newline = piece[..nul].iter().position(|&b| b == b'\n')?;
        Some(&piece[..newline])
    })
}

/// Splits `value` at commas and spaces as `strtok_r(value, ", ")` does.
fn tokens(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',' || b == b' ')
        .filter(|t| !t.is_empty())
}

/// Reads configuration file `file` (None: the system file). `mminit`
/// marks `~/.mminit`, where only `set keywords` counts.
pub(crate) fn read(st: &mut State, file: Option<&[u8]>, mminit: bool) {
    use std::os::unix::ffi::OsStrExt;
    let path: &[u8] = file.unwrap_or(SYSTEM_CONFIG.as_bytes());
    let Ok(text) = std::fs::read(std::ffi::OsStr::from_bytes(path)) else {
        return;
    };
    for line in lines(&text) {
        let Some(first) = line.iter().position(|&b| b == b' ') else {
            continue;
        };
        let Some(second) = line[first + 1..].iter().position(|&b| b == b' ') else {
            continue;
        };
        let second = first + 1 + second;
        let (setting, value) = (&line[..second], &line[second + 1..]);
        if setting.eq_ignore_ascii_case(b"set keywords") && st.user_flags.is_empty() {
            set_keywords(st, value);
            if mminit {
                break;
            }
        } else if !mminit {
            apply(st, setting, value, path, file.is_none());
        }
    }
}

fn set_keywords(st: &mut State, value: &[u8]) {
    let mut words = tokens(value);
    let mut word = words.next();
    let mut slot = 0;
    // A keyword that is too long is never passed: its slot is skipped and
    // the same word is tried in the next, as the original loop does.
    while let Some(w) = word {
        if slot >= NUSERFLAGS {
            break;
        }
        if w.len() <= MAXUSERFLAG {
            if st.user_flags.len() <= slot {
                st.user_flags.resize(slot + 1, Vec::new());
            }
            st.user_flags[slot] = w.to_vec();
            word = words.next();
        }
        slot += 1;
    }
    // Slots skipped over stay empty; only a prefix without gaps is used.
    if let Some(gap) = st.user_flags.iter().position(Vec::is_empty) {
        st.user_flags.truncate(gap);
    }
}

fn is(setting: &[u8], name: &str) -> bool {
    setting.eq_ignore_ascii_case(name.as_bytes())
}

fn warn(st: &mut State, what: &str, path: &[u8], value: &[u8]) {
    let mut text = format!("Unknown {what} mailbox format in ").into_bytes();
    text.extend_from_slice(path);
    text.extend_from_slice(b": ");
    text.extend_from_slice(value);
    queue_log(st, text, Level::Warn);
}

fn choose_formats(st: &mut State, setting: &[u8], value: &[u8], path: &[u8]) {
    if is(setting, "set new-mailbox-format") || is(setting, "set new-folder-format") {
        let choice = if value.eq_ignore_ascii_case(b"same-as-inbox") {
            Some(FormatChoice::SameAsInbox)
        } else if value.eq_ignore_ascii_case(b"system-standard") {
            Some(FormatChoice::SystemStandard)
        } else {
            let name: &[u8] = if value.eq_ignore_ascii_case(b"mbox") {
                b"unix"
            } else {
                value
            };
            if host().driver_exists(name) {
                Some(FormatChoice::Driver(name.to_vec()))
            } else {
                warn(st, "new", path, name);
                None
            }
        };
        if let Some(c) = choice {
            st.create_format = Some(c);
            st.format_version += 1;
        }
    }
    if is(setting, "set empty-mailbox-format") || is(setting, "set empty-folder-format") {
        let choice = if value.eq_ignore_ascii_case(b"invalid") {
            Some(FormatChoice::Invalid)
        } else if value.eq_ignore_ascii_case(b"same-as-inbox") {
            Some(FormatChoice::SameAsInbox)
        } else if value.eq_ignore_ascii_case(b"system-standard") {
            Some(FormatChoice::SystemStandard)
        } else if host().driver_exists(value) {
            Some(FormatChoice::Driver(value.to_vec()))
        } else {
            warn(st, "empty", path, value);
            None
        };
        if let Some(c) = choice {
            st.append_format = Some(c);
            st.format_version += 1;
        }
    }
}

/// Settings stored through `mail_parameters` by SET code, with how the
/// value is read.
enum Via {
    Number(i64),
    Text(i64),
}

const THROUGH_PARAMETERS: &[(&str, Via)] = &[
    ("set mh-path", Via::Text(533)),
    ("set mh-allow-inbox", Via::Number(575)),
    ("set rsh-command", Via::Text(315)),
    ("set rsh-path", Via::Text(317)),
    ("set ssh-command", Via::Text(321)),
    ("set ssh-path", Via::Text(323)),
    ("set tcp-open-timeout", Via::Number(301)),
    ("set tcp-read-timeout", Via::Number(303)),
    ("set tcp-write-timeout", Via::Number(305)),
    ("set rsh-timeout", Via::Number(311)),
    ("set ssh-timeout", Via::Number(319)),
    ("set maximum-login-trials", Via::Number(401)),
    ("set lookahead", Via::Number(403)),
    ("set prefetch", Via::Number(407)),
    ("set close-on-error", Via::Number(409)),
    ("set imap-port", Via::Number(405)),
    ("set pop3-port", Via::Number(411)),
    ("set uid-lookahead", Via::Number(413)),
    ("set try-ssl-first", Via::Number(130)),
];

/// Environment words set directly from `atol` of the value.
const WORDS: &[(&str, i64)] = &[
    ("set mailbox-protection", 500),
    ("set directory-protection", 502),
    ("set lock-protection", 504),
    ("set ftp-protection", 538),
    ("set public-protection", 540),
    ("set shared-protection", 542),
    ("set ftp-directory-protection", 550),
    ("set public-directory-protection", 552),
    ("set shared-directory-protection", 554),
    ("set list-maximum-level", 520),
];

/// Environment yes/no settings kept in a `short`.
const SHORT_FLAGS: &[(&str, i64)] = &[
    ("set disable-fcntl-locking", 516),
    ("set disable-lock-warning", 518),
    ("set disable-unix-UIDs-and-keywords", 536),
    ("set hide-dot-files", 548),
    ("set network-filesystem-stat-bug", 560),
];

/// Strings the environment owns, replaced by the value.
const STRINGS: &[(&str, i64)] = &[
    ("set local-host", code::LOCALHOST),
    ("set news-active-file", code::NEWSACTIVE),
    ("set news-spool-directory", code::NEWSSPOOL),
    ("set news-state-file", code::NEWSRC),
    ("set ftp-export-directory", code::FTPHOME),
    ("set public-home-directory", code::PUBLICHOME),
    ("set shared-home-directory", code::SHAREDHOME),
    ("set system-inbox", code::SYSINBOX),
];

fn apply(st: &mut State, setting: &[u8], value: &[u8], path: &[u8], system: bool) {
    if env_string(code::USERNAME).is_some() {
        choose_formats(st, setting, value, path);
    }
    if let Some((_, get)) = STRINGS.iter().find(|(n, _)| is(setting, n)) {
        set_env_string(*get, value);
    } else if is(setting, "set mail-subdirectory") {
        st.mail_subdir = Some(value.to_vec());
    } else if is(setting, "set from-widget") {
        let on = !value.eq_ignore_ascii_case(b"header-only");
        params::set_everywhere(507, usize::from(on));
    } else if let Some((_, via)) = THROUGH_PARAMETERS.iter().find(|(n, _)| is(setting, n)) {
        match via {
            Via::Number(set) => params::set_everywhere(*set, atol(value) as usize),
            Via::Text(set) => params::set_string_everywhere(*set, value),
        }
    } else if let Some((_, get)) = WORDS.iter().find(|(n, _)| is(setting, n)) {
        set_env_word(*get, atol(value) as usize);
    } else if is(setting, "set dot-lock-file-timeout") {
        set_env_word(544, atoi(value) as i64 as usize);
    } else if let Some((_, get)) = SHORT_FLAGS.iter().find(|(n, _)| is(setting, n)) {
        set_env_word(*get, short_flag(value));
    } else if is(setting, "set trust-dns") {
        params::set_everywhere(557, atol(value) as usize);
    } else if is(setting, "set sasl-uses-ptr-name") {
        params::set_everywhere(559, atol(value) as usize);
    } else if is(setting, "set nntp-range") {
        params::set_everywhere(447, atol(value) as usize);
    } else if system {
        apply_system_only(st, setting, value);
    }
}

/// Settings only `/etc/c-client.cf` may make.
fn apply_system_only(st: &mut State, setting: &[u8], value: &[u8]) {
    if is(setting, "set black-box-directory") {
        if st.black_box_dir.is_none() {
            st.black_box_dir = Some(value.to_vec());
        }
    } else if is(setting, "set black-box-default-home-directory") {
        if st.black_box_dir.is_some() && st.black_box_default_home.is_none() {
            st.black_box_default_home = Some(value.to_vec());
        }
    } else if is(setting, "set anonymous-home-directory") {
        if env_string(code::ANONYMOUSHOME).is_none() {
            set_env_string(code::ANONYMOUSHOME, value);
        }
    } else if is(setting, "set CA-certificate-path") {
        set_env_string(code::SSLCAPATH, value);
    } else if is(setting, "set disable-plaintext") {
        set_env_word(code::DISABLEPLAINTEXT, atoi(value) as i64 as usize);
    } else if is(setting, "set allowed-login-attempts") {
        st.login_tries = atoi(value);
    } else if is(setting, "set chroot-server") {
        set_env_word(code::CHROOTSERVER, short_flag(value));
    } else if is(setting, "set restrict-mailbox-access") {
        for t in tokens(value) {
            if t.eq_ignore_ascii_case(b"root") {
                st.restrict |= RESTRICT_ROOT;
            } else if t.eq_ignore_ascii_case(b"otherusers") {
                st.restrict |= RESTRICT_OTHER_USER;
            } else if t.eq_ignore_ascii_case(b"all") {
                st.restrict = -1;
            }
        }
    } else if is(setting, "set advertise-the-world") {
        set_env_word(code::ADVERTISETHEWORLD, short_flag(value));
    } else if is(setting, "set limited-advertise") {
        set_env_word(code::LIMITEDADVERTISE, short_flag(value));
    } else if is(setting, "set disable-automatic-shared-namespaces") {
        set_env_word(code::DISABLEAUTOSHAREDNS, short_flag(value));
    } else if is(setting, "set allow-user-config") {
        st.allow_user_config = atoi(value) as i16 != 0;
    } else if is(setting, "set allow-reverse-dns") {
        params::set_everywhere(313, atol(value) as usize);
    } else if is(setting, "set k5-cp-uses-service-name") {
        set_env_word(336, short_flag(value));
    } else if is(setting, "set plaintext-allowed-clients")
        && tokens(value).any(|t| host().is_client_host(t))
    {
        set_env_word(code::DISABLEPLAINTEXT, 0);
    }
}

/// `dorc(file, flag)` as a program calls it: reads `file` (None: the
/// system file) into the environment.
pub fn dorc(file: Option<&[u8]>, mminit: bool) {
    let mut st = user::state();
    read(&mut st, file, mminit);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::params::Owner;
    use crate::env::user::tests::logged_in;

    fn env_number(get: i64) -> i64 {
        params::number(Owner::Env, get)
    }

    fn write(text: &[u8]) -> (std::path::PathBuf, Vec<u8>) {
        use std::os::unix::ffi::OsStrExt;
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("cc-rc-{}-{n}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        let bytes = p.as_os_str().as_bytes().to_vec();
        (p, bytes)
    }

    #[test]
    fn atol_reads_like_c() {
        assert_eq!(atol(b" 0600"), 600);
        assert_eq!(atol(b"-12x"), -12);
        assert_eq!(atol(b"x"), 0);
        assert_eq!(short_flag(b"65536"), 0);
        assert_eq!(short_flag(b"2"), 1);
    }

    #[test]
    fn lines_stop_where_fgets_would() {
        let got: Vec<_> = lines(b"a b\nc d\nlast").collect();
        assert_eq!(got, vec![&b"a b"[..], b"c d"]);
        let long = [vec![b'x'; 2000], b"\nset a b\n".to_vec()].concat();
        assert_eq!(lines(&long).count(), 0);
        assert_eq!(lines(b"a\0b\nc\n").count(), 0);
    }

    #[test]
    fn user_file_settings_apply_and_system_only_ones_do_not() {
        let _g = logged_in(b"me", b"/h/me");
        let (p, name) = write(
            b"I accept the risk\nset keywords Work, Home,,Later\nSET Mailbox-Protection 0640\n\
              set mail-subdirectory Mail\nset chroot-server 1\nset black-box-directory /bb\n\
              set from-widget header-only\nset lookahead 33\nset new-mailbox-format nosuch\n",
        );
        let mut st = user::state();
        read(&mut st, Some(&name), false);
        assert_eq!(
            st.user_flags,
            vec![b"Work".to_vec(), b"Home".to_vec(), b"Later".to_vec()]
        );
        assert_eq!(st.mail_subdir.as_deref(), Some(&b"Mail"[..]));
        assert_eq!(st.black_box_dir, None);
        assert_eq!(
            st.pending_log.last().map(|(t, _)| t.clone()),
            Some(
                [
                    b"Unknown new mailbox format in ".to_vec(),
                    name.clone(),
                    b": nosuch".to_vec()
                ]
                .concat()
            )
        );
        drop(st);
        assert_eq!(env_number(500), 640);
        assert_eq!(env_number(code::CHROOTSERVER), 0);
        assert_eq!(params::number(Owner::Unix, 506), 0);
        assert_eq!(params::number(Owner::Imap, 402), 33);
        params::set_everywhere(403, 20);
        params::set_everywhere(507, 1);
        set_env_word(500, 0o600);
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn system_file_restricts_and_mminit_only_sets_keywords() {
        let _g = logged_in(b"me", b"/h/me");
        let (p, name) = write(b"set keywords A B\nset mail-subdirectory X\n");
        let mut st = user::state();
        st.restrict = 0;
        read(&mut st, Some(&name), true);
        assert_eq!(st.user_flags, vec![b"A".to_vec(), b"B".to_vec()]);
        assert_eq!(st.mail_subdir, None);
        // Keywords are only taken once.
        st.user_flags.truncate(1);
        read(&mut st, Some(&name), false);
        assert_eq!(st.user_flags, vec![b"A".to_vec()]);
        apply_system_only(&mut st, b"set restrict-mailbox-access", b"root");
        assert_eq!(st.restrict, RESTRICT_ROOT);
        apply_system_only(&mut st, b"set restrict-mailbox-access", b"otherusers,all");
        assert_eq!(st.restrict, -1);
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn long_keywords_are_skipped_with_their_slot() {
        let _g = logged_in(b"me", b"/h/me");
        let mut st = user::state();
        let long = vec![b'k'; MAXUSERFLAG + 1];
        set_keywords(&mut st, &[b"a ".to_vec(), long, b" b".to_vec()].concat());
        assert_eq!(st.user_flags, vec![b"a".to_vec()]);
    }
}
