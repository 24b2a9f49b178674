//! The process-wide parameters of `mail_parameters`: which codes exist,
//! which part of the library owns each, how a SET stores its value and
//! what a GET returns, with the original's defaults. Values are machine
//! words (numbers, or addresses the C layer owns; this module never looks
//! behind an address) or, for the copied-string kinds, byte strings this
//! module owns so the safe core can read them; the C layer hands programs
//! its own NUL-terminated copies.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The part of the library a parameter belongs to. The same code may exist
/// in several parts (each protocol has its own `MAXLOGINTRIALS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Mail,
    Env,
    Tcp,
    Smtp,
    Imap,
    Pop3,
    Nntp,
    Unix,
    Mh,
}

/// How a parameter stores and reports its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number or address, stored as given; SET reports the new value.
    Word,
    /// A yes/no setting: SET stores whether the value is non-zero, GET
    /// reports true or false.
    Flag,
    /// A yes/no setting stored inverted (the original keeps the negation).
    InvertedFlag,
    /// A string the library copies on SET (freeing the previous copy).
    CopiedString,
    /// A copied string whose SET reports nothing.
    CopiedStringQuietSet,
    /// A string the library keeps by address, without copying.
    KeptString,
    /// SET only reports its value back; nothing is stored.
    Echo,
}

/// One parameter: its GET code, its SET code (if settable), its kind and
/// its default word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub owner: Owner,
    pub get: i64,
    pub set: Option<i64>,
    pub kind: Kind,
    pub default: usize,
}

macro_rules! table {
    ($($owner:ident $get:literal $set:tt $kind:ident $default:expr;)*) => {
        &[$(Entry { owner: Owner::$owner, get: $get, set: table!(@set $set), kind: Kind::$kind, default: $default },)*]
    };
    (@set -) => { None };
    (@set $s:literal) => { Some($s) };
}

/// Every parameter that is a plain stored value. Codes with special
/// behaviour (drivers, authenticators, prohibited SETs, stream-dependent
/// GETs) are handled by the C layer itself.
pub static TABLE: &[Entry] = table! {
    // mail.c: hooks and switches of the core
    Mail 103 104 Word 0;            // GETS
    Mail 111 112 Word 0;            // READPROGRESS
    Mail 105 106 Word 0;            // CACHE (default installed by the C layer)
    Mail 109 110 Word 0;            // RFC822OUTPUT
    Mail 159 160 Word 0;            // RFC822OUTPUTFULL
    Mail 107 108 Word 0;            // SMTPVERBOSE (default: the application's mm_dlog)
    Mail 117 118 Word 0;            // MAILPROXYCOPY
    Mail 137 138 Word 0;            // PARSELINE
    Mail 125 126 Word 0;            // PARSEPHRASE
    Mail 139 140 Word 0;            // NEWSRCQUERY
    Mail 328 329 Word 1;            // NEWSRCCANONHOST
    Mail 155 156 Word 0;            // COPYUID
    Mail 157 158 Word 0;            // APPENDUID
    Mail 141 142 Word 0;            // FREEENVELOPESPAREP
    Mail 143 144 Word 0;            // FREEELTSPAREP
    Mail 151 152 Word 0;            // FREESTREAMSPAREP
    Mail 153 154 Word 0;            // FREEBODYSPAREP
    Mail 145 146 Word 0;            // SSLSTART
    Mail 324 325 Word 0;            // SSLCERTIFICATEQUERY
    Mail 332 333 Word 0;            // SSLCLIENTCERT
    Mail 334 335 Word 0;            // SSLCLIENTKEY
    Mail 326 327 Word 0;            // SSLFAILURE
    Mail 330 331 Word 0;            // KINIT
    Mail 450 451 Word 0;            // SENDCOMMAND
    Mail 119 120 KeptString 0;      // SERVICENAME (default "unknown")
    Mail 123 124 Flag 1;            // EXPUNGEATPING
    Mail 133 134 Word 0;            // SORTRESULTS
    Mail 135 136 Word 0;            // THREADRESULTS
    Mail 127 128 Word 0;            // SSLDRIVER
    Mail 129 130 Flag 0;            // TRYSSLFIRST
    Mail 546 547 Flag 0;            // NOTIMEZONES
    Mail 556 557 Flag 1;            // TRUSTDNS
    Mail 558 559 Flag 1;            // SASLUSESPTRNAME
    Mail 147 148 Flag 0;            // DEBUGSENSITIVE
    Mail 432 433 Word 0;            // ACL
    Mail 434 435 Word 0;            // LISTRIGHTS
    Mail 436 437 Word 0;            // MYRIGHTS
    Mail 438 439 Word 0;            // QUOTA
    Mail 440 441 Word 0;            // QUOTAROOT
    Mail 564 565 Word 60;           // SNARFINTERVAL
    Mail 566 567 Word 0;            // SNARFPRESERVE
    // env_unix.c
    Env 201 202 CopiedString 0;     // USERNAME
    Env 203 204 CopiedString 0;     // HOMEDIR
    Env 205 206 CopiedString 0;     // LOCALHOST
    Env 512 513 CopiedString 0;     // NEWSRC
    Env 508 509 CopiedString 0;     // NEWSACTIVE
    Env 510 511 CopiedString 0;     // NEWSSPOOL
    Env 522 523 CopiedString 0;     // ANONYMOUSHOME
    Env 524 525 CopiedString 0;     // FTPHOME
    Env 526 527 CopiedString 0;     // PUBLICHOME
    Env 528 529 CopiedString 0;     // SHAREDHOME
    Env 207 208 CopiedString 0;     // SYSINBOX
    Env 231 232 CopiedStringQuietSet 0; // SSLCAPATH
    Env 520 521 Word 20;            // LISTMAXLEVEL
    Env 500 501 Word 0o600;         // MBXPROTECTION
    Env 502 503 Word 0o700;         // DIRPROTECTION
    Env 504 505 Word 0o666;         // LOCKPROTECTION
    Env 538 539 Word 0o644;         // FTPPROTECTION
    Env 540 541 Word 0o666;         // PUBLICPROTECTION
    Env 542 543 Word 0o660;         // SHAREDPROTECTION
    Env 550 551 Word 0o755;         // FTPDIRPROTECTION
    Env 552 553 Word 0o777;         // PUBLICDIRPROTECTION
    Env 554 555 Word 0o770;         // SHAREDDIRPROTECTION
    Env 544 545 Word 5;             // LOCKTIMEOUT (minutes)
    Env 516 517 Flag 0;             // DISABLEFCNTLLOCK
    Env 518 519 InvertedFlag 0;     // LOCKEACCESERROR (stored: warning disabled)
    Env 548 549 Flag 0;             // HIDEDOTFILES
    Env 211 212 Word 0;             // DISABLEPLAINTEXT
    Env 213 214 Flag 0;             // CHROOTSERVER
    Env 215 216 Flag 0;             // ADVERTISETHEWORLD
    Env 223 224 Flag 0;             // LIMITEDADVERTISE
    Env 217 218 Flag 0;             // DISABLEAUTOSHAREDNS
    Env 221 222 Flag 0;             // DISABLE822TZTEXT
    Env 536 537 Flag 0;             // USERHASNOLIFE
    Env 336 337 Flag 0;             // KERBEROS_CP_SVR_NAME
    Env 560 561 Flag 0;             // NETFSSTATBUG
    Env 161 162 Flag 0;             // BLOCKENVINIT
    Env 131 132 Word 0;             // BLOCKNOTIFY (default installed by the C layer)
    Env 225 226 Word 0;             // LOGOUTHOOK
    Env 227 228 Word 0;             // LOGOUTDATA
    // tcp_unix.c
    Tcp 308 309 Word 0;             // TIMEOUT
    Tcp 300 301 Word 0;             // OPENTIMEOUT
    Tcp 302 303 Word 0;             // READTIMEOUT
    Tcp 304 305 Word 0;             // WRITETIMEOUT
    Tcp 306 307 Word 0;             // CLOSETIMEOUT (ours: the original has no home for it)
    Tcp 312 313 Word 1;             // ALLOWREVERSEDNS
    Tcp 149 150 Word 0;             // TCPDEBUG
    Tcp 310 311 Word 15;            // RSHTIMEOUT
    Tcp 314 315 CopiedString 0;     // RSHCOMMAND
    Tcp 316 317 CopiedString 0;     // RSHPATH
    Tcp 318 319 Word 15;            // SSHTIMEOUT
    Tcp 320 321 CopiedString 0;     // SSHCOMMAND
    Tcp 322 323 CopiedString 0;     // SSHPATH
    // smtp.c
    Smtp 400 401 Word 3;            // MAXLOGINTRIALS
    Smtp 428 429 Word 0;            // SMTPPORT
    Smtp 426 427 Word 0;            // SSLSMTPPORT
    // imap4r1.c
    Imap 400 401 Word 3;            // MAXLOGINTRIALS
    Imap 402 403 Word 20;           // LOOKAHEAD
    Imap 412 413 Word 1000;         // UIDLOOKAHEAD
    Imap 404 405 Word 0;            // IMAPPORT
    Imap 420 421 Word 0;            // SSLIMAPPORT
    Imap 406 407 Word 20;           // PREFETCH
    Imap 408 409 Word 0;            // CLOSEONERROR
    Imap 416 417 Word 0;            // IMAPENVELOPE
    Imap 418 419 Word 0;            // IMAPREFERRAL
    Imap 430 431 KeptString 0;      // IMAPEXTRAHEADERS
    Imap 442 443 Word 0;            // IMAPTRYSSL
    Imap 454 455 Word 20;           // FETCHLOOKAHEADLIMIT
    Imap 452 - Word 10;             // IDLETIMEOUT (minutes; fixed)
    Imap 576 577 Word 0;            // ANNOTATION
    Imap 456 457 CopiedString 0;    // IMAPID (ours: ID after login, RFC 2971)
    Imap 460 461 Flag 0;            // IMAPUTF8 (ours: ENABLE UTF8=ACCEPT, RFC 6855)
    Imap 462 463 Flag 0;            // IMAPMOVE (ours: MOVE for CP_MOVE, RFC 6851)
    // pop3.c
    Pop3 400 401 Word 3;            // MAXLOGINTRIALS
    Pop3 410 411 Word 0;            // POP3PORT
    Pop3 422 423 Word 0;            // SSLPOPPORT
    Pop3 452 - Word 10;             // IDLETIMEOUT
    // nntp.c
    Nntp 400 401 Word 3;            // MAXLOGINTRIALS
    Nntp 414 415 Word 0;            // NNTPPORT
    Nntp 424 425 Word 0;            // SSLNNTPPORT
    Nntp 446 447 Word 0;            // NNTPRANGE
    Nntp 448 449 Word 0;            // NNTPHIDEPATH
    Nntp 452 - Word 10;             // IDLETIMEOUT
    // unix.c and mh.c
    Unix 506 507 Word 1;            // FROMWIDGET
    Mh 530 531 CopiedString 0;      // MHPROFILE
    Mh 532 533 CopiedString 0;      // MHPATH
    Mh 574 575 Flag 0;              // MHALLOWINBOX
};

/// What a lookup found for a code in one owner's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Get(&'static Entry),
    Set(&'static Entry),
}

/// Finds what `code` means for `owner`, if anything.
pub fn lookup(owner: Owner, code: i64) -> Option<Op> {
    TABLE.iter().filter(|e| e.owner == owner).find_map(|e| {
        if e.get == code {
            Some(Op::Get(e))
        } else if e.set == Some(code) {
            Some(Op::Set(e))
        } else {
            None
        }
    })
}

/// Current values, by owner and GET code; absent means "the default".
static VALUES: Mutex<Option<HashMap<(Owner, i64), usize>>> = Mutex::new(None);

fn with_values<R>(f: impl FnOnce(&mut HashMap<(Owner, i64), usize>) -> R) -> R {
    // A poisoned lock only means a panic elsewhere; the map is still sound.
    let mut guard = VALUES.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// The stored word of an entry (its default if never set).
pub fn value(entry: &Entry) -> usize {
    with_values(|v| *v.get(&(entry.owner, entry.get)).unwrap_or(&entry.default))
}

/// Bumped by every store, so hot readers (the cache manager, looked up on
/// every `mail_elt`) can keep a word and re-read it only after a change.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// How many stores there have been (see [`GENERATION`]).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Stores a word for an entry, returning the previous one.
pub fn store(entry: &Entry, word: usize) -> usize {
    let previous = with_values(|v| {
        v.insert((entry.owner, entry.get), word)
            .unwrap_or(entry.default)
    });
    // Bumped after the word is in place: a reader on another thread that
    // sees the new generation also sees the new word, so it cannot keep
    // the old word under the new generation.
    GENERATION.fetch_add(1, Ordering::AcqRel);
    previous
}

/// Whether a value was ever stored for an entry.
pub fn is_set(entry: &Entry) -> bool {
    with_values(|v| v.contains_key(&(entry.owner, entry.get)))
}

/// The entry of `owner` whose GET code is `get` (for reading a setting).
pub fn entry(owner: Owner, get: i64) -> Option<&'static Entry> {
    TABLE.iter().find(|e| e.owner == owner && e.get == get)
}

/// Reads a numeric setting (a word, or a flag as 0/1), for library code.
pub fn number(owner: Owner, get: i64) -> i64 {
    entry(owner, get).map_or(0, |e| {
        let w = value(e);
        match e.kind {
            Kind::InvertedFlag => i64::from(w == 0),
            _ => w as i64,
        }
    })
}

/// A string setting: its value (None is NIL) and how many times it was
/// stored, so the C layer knows when its copy is stale.
type StringSlot = (u64, Option<Vec<u8>>);

static STRINGS: Mutex<Option<HashMap<(Owner, i64), StringSlot>>> = Mutex::new(None);

fn with_strings<R>(f: impl FnOnce(&mut HashMap<(Owner, i64), StringSlot>) -> R) -> R {
    let mut guard = STRINGS.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}

/// The value of string setting `get` of `owner` (None: NIL or never set).
pub fn string(owner: Owner, get: i64) -> Option<Vec<u8>> {
    with_strings(|m| m.get(&(owner, get)).and_then(|(_, v)| v.clone()))
}

/// The value and its version (0: never stored).
pub fn string_versioned(owner: Owner, get: i64) -> (u64, Option<Vec<u8>>) {
    with_strings(|m| m.get(&(owner, get)).cloned().unwrap_or((0, None)))
}

/// Stores string setting `get` of `owner` (None stores NIL).
pub fn set_string(owner: Owner, get: i64, value: Option<&[u8]>) {
    with_strings(|m| {
        let slot = m.entry((owner, get)).or_insert((0, None));
        slot.0 += 1;
        slot.1 = value.map(<[u8]>::to_vec);
    })
}

/// Stores `value` under SET code `set` in every part that knows the code,
/// as a `mail_parameters` SET without a stream reaches them: the core's own
/// table alone when it has the code, else every other part. Flags store
/// whether the value is non-zero; copied strings are not handled here.
pub fn set_everywhere(set: i64, value: usize) {
    let in_core = TABLE
        .iter()
        .any(|e| e.owner == Owner::Mail && e.set == Some(set));
    for e in TABLE.iter().filter(|e| e.set == Some(set)) {
        if in_core != (e.owner == Owner::Mail) {
            continue;
        }
        match e.kind {
            Kind::Flag => {
                store(e, usize::from(value != 0));
            }
            Kind::InvertedFlag => {
                store(e, usize::from(value == 0));
            }
            Kind::Word | Kind::KeptString => {
                store(e, value);
            }
            Kind::CopiedString | Kind::CopiedStringQuietSet | Kind::Echo => {}
        }
    }
}

/// Stores a copied string under SET code `set` in every part that knows it.
pub fn set_string_everywhere(set: i64, value: &[u8]) {
    for e in TABLE.iter().filter(|e| e.set == Some(set)) {
        if matches!(e.kind, Kind::CopiedString | Kind::CopiedStringQuietSet) {
            set_string(e.owner, e.get, Some(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_meaning_per_owner() {
        for e in TABLE {
            let same: Vec<_> = TABLE
                .iter()
                .filter(|o| {
                    o.owner == e.owner && (o.get == e.get || (o.set.is_some() && o.set == e.set))
                })
                .collect();
            assert_eq!(same.len(), 1, "duplicate code {} in {:?}", e.get, e.owner);
            if let Some(s) = e.set {
                assert_eq!(s, e.get + 1, "SET code of {} is not GET+1", e.get);
            }
        }
    }

    #[test]
    fn strings_are_versioned() {
        let (v0, _) = string_versioned(Owner::Mh, 532);
        set_string(Owner::Mh, 532, Some(b"/x"));
        assert_eq!(
            string_versioned(Owner::Mh, 532),
            (v0 + 1, Some(b"/x".to_vec()))
        );
        set_string(Owner::Mh, 532, None);
        assert_eq!(string(Owner::Mh, 532), None);
    }

    #[test]
    fn set_everywhere_reaches_every_protocol() {
        set_everywhere(401, 9);
        for owner in [Owner::Smtp, Owner::Imap, Owner::Pop3, Owner::Nntp] {
            assert_eq!(number(owner, 400), 9);
        }
        set_everywhere(401, 3);
    }

    #[test]
    fn lookup_distinguishes_get_and_set() {
        assert!(matches!(lookup(Owner::Env, 500), Some(Op::Get(e)) if e.default == 0o600));
        assert!(matches!(lookup(Owner::Env, 501), Some(Op::Set(_))));
        assert!(lookup(Owner::Env, 400).is_none());
        assert!(matches!(lookup(Owner::Pop3, 400), Some(Op::Get(_))));
    }
}
