//! Mailbox-level decisions of the generic layer that do not depend on the
//! C objects: which names may be validated at all, the `#driver.` prefix
//! that picks a driver by name, what a LIST-like call may be given, and
//! the messages for each refusal. The C adapter walks the driver chain and
//! asks here what to do.

use super::names::NetMailbox;

/// Longest mailbox name the original validates at all (NETMAXHOST +
/// 2 * NETMAXUSER + NETMAXMBX + NETMAXSRV + 50).
pub const MAX_NAME: usize = 256 + 2 * 65 + 256 + 21 + 50;
/// Longest LIST reference or pattern (NETMAXMBX).
pub const MAX_PATTERN: usize = 256;

/// `%.80s`.
fn cut(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

fn message(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Whether a name may reach the drivers' `valid` methods at all: no line
/// breaks (refused with the message for `purpose`), and not absurdly long.
pub enum NameCheck {
    Ok,
    /// Refused before any driver sees it; the message when a purpose was
    /// given.
    Refused(Option<Vec<u8>>),
    /// Too long: no driver is asked, the name is simply not valid.
    TooLong,
}

pub fn check_name(name: &[u8], purpose: Option<&[u8]>) -> NameCheck {
    if name.iter().any(|&c| c == b'\r' || c == b'\n') {
        return NameCheck::Refused(purpose.map(|p| message(&[b"Can't ", p, b" with such a name"])));
    }
    if name.len() >= MAX_NAME {
        return NameCheck::TooLong;
    }
    NameCheck::Ok
}

/// The message when no driver claims `name` for `purpose`.
pub fn no_driver(name: &[u8], purpose: &[u8]) -> Vec<u8> {
    let why: &[u8] = if name.first() == Some(&b'{') {
        b"invalid remote specification"
    } else {
        b"no such mailbox"
    };
    message(&[b"Can't ", purpose, b" ", cut(name), b": ", why])
}

/// Whether a local-only driver is asked about `name` (network names go to
/// network drivers only).
pub fn driver_may_see(name: &[u8], driver_is_local: bool, disabled: bool) -> bool {
    let remote = name.first() == Some(&b'{');
    !(disabled || driver_is_local && remote)
}

/// With a stream open on `current`, a name another driver (`found`)
/// claims is acceptable only when one of them is the dummy driver: a
/// dummy stream takes any format, and a name only the dummy driver
/// claims stays with the stream's driver. Returns which to use.
pub fn reconcile<'a>(current: &'a [u8], found: &'a [u8], same: bool) -> Option<&'a [u8]> {
    if same || current == b"dummy" {
        Some(found)
    } else if found == b"dummy" {
        Some(current)
    } else {
        None
    }
}

/// What a `#driver.` prefix asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum DriverPrefix<'a> {
    /// No prefix: the usual driver search.
    None,
    /// The prefix is malformed (the refusal message).
    BadSyntax(Vec<u8>),
    /// Driver `driver`; the mailbox name proper starts at offset `rest`.
    Named { driver: &'a [u8], rest: usize },
}

/// Which call parses the prefix: they differ as the original's do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefixUse {
    /// `mail_open` with OP_PROTOTYPE: the driver name is looked for in the
    /// first 80 bytes after the prefix, may be empty (and then is unknown),
    /// and matches a driver's name in any case.
    Prototype,
    /// `mail_create`: the driver name must be non-empty and matches a
    /// driver's name exactly.
    Create,
}

fn has_prefix(name: &[u8]) -> bool {
    name.len() >= 8 && name[..8].eq_ignore_ascii_case(b"#driver.")
}

/// Parses `#driver.NAME/...` (any case for the prefix itself; the name
/// ends at the first `/`, `\` or `:`).
pub fn driver_prefix(name: &[u8], usage: PrefixUse) -> DriverPrefix<'_> {
    if !has_prefix(name) {
        return DriverPrefix::None;
    }
    let after = &name[8..];
    let searched = match usage {
        PrefixUse::Prototype => cut(after),
        PrefixUse::Create => after,
    };
    let end = searched
        .iter()
        .position(|&c| matches!(c, b'/' | b'\\' | b':'));
    match (end, usage) {
        (Some(0), PrefixUse::Create) | (None, _) => {
            let text = match usage {
                PrefixUse::Prototype => {
                    message(&[b"Can't resolve mailbox ", cut(name), b": bad driver syntax"])
                }
                PrefixUse::Create => {
                    message(&[b"Can't create mailbox ", cut(name), b": bad driver syntax"])
                }
            };
            DriverPrefix::BadSyntax(text)
        }
        (Some(e), _) => DriverPrefix::Named {
            driver: &after[..e],
            rest: 8 + e + 1,
        },
    }
}

/// Whether driver `candidate` is the one a prefix names.
pub fn prefix_names(usage: PrefixUse, candidate: &[u8], wanted: &[u8]) -> bool {
    match usage {
        PrefixUse::Prototype => candidate.eq_ignore_ascii_case(wanted),
        PrefixUse::Create => candidate == wanted,
    }
}

/// The message when a prefix names no linked driver.
pub fn unknown_driver(name: &[u8], usage: PrefixUse) -> Vec<u8> {
    match usage {
        PrefixUse::Prototype => {
            message(&[b"Can't resolve mailbox ", cut(name), b": unknown driver"])
        }
        PrefixUse::Create => message(&[b"Can't create mailbox ", cut(name), b": unknown driver"]),
    }
}

/// Whether `#move`/`#pop` snarfing is asked for (any case).
pub fn is_snarf_name(name: &[u8]) -> bool {
    let p = |s: &[u8]| name.len() >= s.len() && name[..s.len()].eq_ignore_ascii_case(s);
    p(b"#move") || p(b"#pop")
}

/// Checks a LIST/LSUB/SCAN reference and pattern (`what` is "LIST" or
/// "LSUB"); the refusal message otherwise.
pub fn list_arguments(what: &str, reference: Option<&[u8]>, pattern: &[u8]) -> Result<(), Vec<u8>> {
    if let Some(r) = reference {
        if r.len() > MAX_PATTERN {
            return Err(message(&[
                format!("Invalid {what} reference specification: ").as_bytes(),
                cut(r),
            ]));
        }
    }
    if pattern.len() > MAX_PATTERN {
        return Err(message(&[
            format!("Invalid {what} pattern specification: ").as_bytes(),
            cut(pattern),
        ]));
    }
    Ok(())
}

/// Whether a LIST-like call is about network names.
pub fn list_is_remote(reference: Option<&[u8]>, pattern: &[u8]) -> bool {
    pattern.first() == Some(&b'{') || reference.and_then(|r| r.first()) == Some(&b'{')
}

/// Whether a driver that lacks a LIST-like method could have answered
/// this call: the original's local drivers list only through the dummy
/// driver (or with a stream of their own), so for plain local names a
/// missing method changes nothing and is not worth a report; network
/// names and the `#mh/` and `#news.` namespaces are answered by the
/// drivers themselves.
pub fn missing_lister_matters(reference: Option<&[u8]>, pattern: &[u8]) -> bool {
    let starts = |s: &[u8], p: &[u8]| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p);
    let special = |s: &[u8]| s.first() == Some(&b'{') || starts(s, b"#mh/") || starts(s, b"#news.");
    special(pattern) || reference.is_some_and(special)
}

/// Whether `mail_open` may reuse the caller's stream for the new name
/// rather than closing it: same driver, a driver that recycles streams,
/// a half-open only where the driver allows one, and (asked last, as it
/// costs most) a stream usable for the name.
pub fn may_recycle(
    same_driver: bool,
    driver_recycles: bool,
    driver_halfopens: bool,
    want_halfopen: bool,
    usable: impl FnOnce() -> bool,
) -> bool {
    same_driver && driver_recycles && (driver_halfopens || !want_halfopen) && usable()
}

/// Whether a stream opened as `open` serves the network name `wanted`:
/// same host (as given: canonicalising through DNS is the TCP layer's),
/// service, port (when one is asked), anonymity, and user (when one is
/// asked).
pub fn same_server(open: &NetMailbox, wanted: &NetMailbox, anonymous: bool) -> bool {
    open.host.eq_ignore_ascii_case(&wanted.host)
        && open.service == wanted.service
        && (wanted.port == 0 || open.port == wanted.port)
        && wanted.anonymous == anonymous
        && (wanted.user.is_empty() || open.user == wanted.user)
}

/// Whether `mail_status` asks about `name` through the caller's stream: it
/// must be the same driver's, and a local driver's stream must be open on
/// that very name (as given or as opened).
pub fn status_uses_stream(
    same_driver: bool,
    local: bool,
    name: Option<&[u8]>,
    stream_names: [Option<&[u8]>; 2],
) -> bool {
    same_driver && (!local || stream_names.contains(&name))
}

/// `mail_delete` refuses INBOX itself.
pub fn delete_refused(name: &[u8]) -> Option<Vec<u8>> {
    name.eq_ignore_ascii_case(b"INBOX")
        .then(|| b"Can't delete INBOX".to_vec())
}

/// `mail_rename`'s refusal when the new name already exists.
pub fn rename_target_exists(old: &[u8], new: &[u8]) -> Vec<u8> {
    message(&[
        b"Can't rename ",
        cut(old),
        b": mailbox ",
        cut(new),
        b" already exists",
    ])
}

/// Whether `mail_rename` checks that the new name is free (not for
/// network or namespace names, whose drivers check themselves).
pub fn rename_checks_target(old: &[u8]) -> bool {
    !matches!(old.first(), Some(b'{') | Some(b'#'))
}

/// `mail_create`'s refusals before any driver is chosen.
pub fn create_refused(name: &[u8]) -> Option<Vec<u8>> {
    if name.iter().any(|&c| c == b'\r' || c == b'\n') {
        return Some(b"Can't create mailbox with such a name".to_vec());
    }
    if name.len() >= MAX_NAME {
        return Some(no_driver(name, b"create"));
    }
    if name.eq_ignore_ascii_case(b"INBOX") {
        return Some(b"Can't create INBOX".to_vec());
    }
    None
}

/// The message when no format can be chosen for a new mailbox.
pub fn indeterminate_format(name: &[u8]) -> Vec<u8> {
    message(&[
        b"Can't create mailbox ",
        cut(name),
        b": indeterminate format",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_prefix_differs_between_open_and_create() {
        let named = |n: &'static [u8], u| match driver_prefix(n, u) {
            DriverPrefix::Named { driver, rest } => Some((driver.to_vec(), rest)),
            _ => None,
        };
        assert_eq!(
            named(b"#DRIVER.unix/x", PrefixUse::Create),
            Some((b"unix".to_vec(), 13))
        );
        assert_eq!(
            named(b"#driver./x", PrefixUse::Prototype),
            Some((Vec::new(), 9))
        );
        assert!(matches!(
            driver_prefix(b"#driver./x", PrefixUse::Create),
            DriverPrefix::BadSyntax(_)
        ));
        assert!(matches!(
            driver_prefix(b"#driver.unix", PrefixUse::Prototype),
            DriverPrefix::BadSyntax(_)
        ));
        assert_eq!(
            driver_prefix(b"#drivers/x", PrefixUse::Create),
            DriverPrefix::None
        );
        // The open form looks for the delimiter in the first 80 bytes only.
        let long = [&b"#driver."[..], &[b'a'; 90], b"/x"].concat();
        assert!(matches!(
            driver_prefix(&long, PrefixUse::Prototype),
            DriverPrefix::BadSyntax(_)
        ));
        assert!(matches!(
            driver_prefix(&long, PrefixUse::Create),
            DriverPrefix::Named { .. }
        ));
        assert!(prefix_names(PrefixUse::Prototype, b"unix", b"UNIX"));
        assert!(!prefix_names(PrefixUse::Create, b"unix", b"UNIX"));
    }

    #[test]
    fn names_and_lists() {
        assert!(matches!(
            check_name(b"a\nb", Some(b"open mailbox")),
            NameCheck::Refused(Some(_))
        ));
        assert!(matches!(check_name(&[b'x'; 800], None), NameCheck::TooLong));
        assert_eq!(
            no_driver(b"{x}y", b"open mailbox"),
            b"Can't open mailbox {x}y: invalid remote specification"
        );
        assert_eq!(reconcile(b"dummy", b"unix", false), Some(&b"unix"[..]));
        assert_eq!(reconcile(b"unix", b"dummy", false), Some(&b"unix"[..]));
        assert_eq!(reconcile(b"unix", b"mmdf", false), None);
        assert!(list_arguments("LIST", Some(&[b'r'; 257]), b"%").is_err());
        assert!(list_arguments("LIST", None, b"%").is_ok());
        assert!(!missing_lister_matters(None, b"mail/%"));
        assert!(missing_lister_matters(None, b"{host}%"));
        assert!(missing_lister_matters(Some(b"#news."), b"%"));
        assert!(!missing_lister_matters(None, b"#nosuch/%"));
        assert_eq!(
            create_refused(b"inbox"),
            Some(b"Can't create INBOX".to_vec())
        );
    }
}
