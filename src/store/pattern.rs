//! LIST wildcard matching: `*` matches anything, `%` anything up to the
//! hierarchy delimiter. `pmatch_full` decides whether a name matches a
//! pattern; `dmatch` whether a directory could hold names that match, so a
//! listing knows where to descend.

/// Whether `name` matches `pattern`, with `delimiter` (0 for none) ending
/// what `%` may cover. Comparison is exact (callers upper-case INBOX
/// themselves).
pub fn pmatch_full(name: &[u8], pattern: &[u8], delimiter: u8) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some(b'%') => {
            let rest = &pattern[1..];
            if rest.is_empty() {
                return delimiter == 0 || !name.contains(&delimiter);
            }
            // Try every split up to (and including) the next delimiter.
            let mut i = 0;
            loop {
                if pmatch_full(&name[i..], rest, delimiter) {
                    return true;
                }
                if i == name.len() || name[i] == delimiter {
                    return false;
                }
                i += 1;
            }
        }
        Some(b'*') => {
            let rest = &pattern[1..];
            rest.is_empty() || (0..=name.len()).any(|i| pmatch_full(&name[i..], rest, delimiter))
        }
        Some(&c) => name.first() == Some(&c) && pmatch_full(&name[1..], &pattern[1..], delimiter),
    }
}

/// `pmatch_full` without a delimiter (the original's `pmatch`).
pub fn pmatch(name: &[u8], pattern: &[u8]) -> bool {
    pmatch_full(name, pattern, 0)
}

/// Whether directory `name` may contain names matching `pattern`.
pub fn dmatch(name: &[u8], pattern: &[u8], delimiter: u8) -> bool {
    match pattern.first() {
        None => false,
        Some(b'*') => true,
        Some(b'%') => {
            if name.is_empty() {
                return true;
            }
            let rest = &pattern[1..];
            if rest.is_empty() {
                return false;
            }
            let mut i = 0;
            loop {
                if dmatch(&name[i..], rest, delimiter) {
                    return true;
                }
                if i == name.len() {
                    // The end of the name was already tried: no match.
                    return false;
                }
                if name[i] == delimiter {
                    break;
                }
                i += 1;
            }
            // Stopped at a delimiter: a trailing one means a subset match,
            // otherwise go on matching from the delimiter.
            if i + 1 == name.len() {
                return true;
            }
            dmatch(&name[i..], rest, delimiter)
        }
        Some(&c) => match name.first() {
            Some(&n) => n == c && dmatch(&name[1..], &pattern[1..], delimiter),
            None => c == delimiter,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_stops_at_the_delimiter() {
        assert!(pmatch_full(b"mail/box", b"mail/%", b'/'));
        assert!(!pmatch_full(b"mail/sub/box", b"mail/%", b'/'));
        assert!(pmatch_full(b"mail/sub/box", b"mail/*", b'/'));
        assert!(pmatch_full(b"mail/sub/box", b"%/%/box", b'/'));
        assert!(!pmatch_full(b"a/b", b"%b", b'/'));
        assert!(pmatch_full(b"a/b", b"%b", 0));
        assert!(pmatch(b"INBOX", b"IN%"));
        assert!(!pmatch_full(b"INBOX", b"inbox", b'/'));
        assert!(pmatch_full(b"", b"%", b'/'));
        assert!(pmatch_full(b"", b"*", b'/'));
        assert!(!pmatch_full(b"x", b"", b'/'));
    }

    #[test]
    fn directories_worth_descending() {
        assert!(dmatch(b"mail/", b"mail/%", b'/'));
        assert!(dmatch(b"mail", b"mail/%", b'/'));
        assert!(!dmatch(b"news/", b"mail/%", b'/'));
        assert!(dmatch(b"anything/", b"*", b'/'));
        assert!(!dmatch(b"a/", b"%", b'/'));
        assert!(dmatch(b"a/", b"%/x", b'/'));
        assert!(!dmatch(b"a/b/", b"%/x", b'/'));
        assert!(dmatch(b"", b"%", b'/'));
        assert!(!dmatch(b"abc", b"", b'/'));
    }
}
