//! System flags and user keywords of a message.

/// The system flags, one bit each (`\Seen` ... `\Recent`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u8);

impl Flags {
    pub const SEEN: Flags = Flags(1);
    pub const DELETED: Flags = Flags(2);
    pub const FLAGGED: Flags = Flags(4);
    pub const ANSWERED: Flags = Flags(8);
    pub const DRAFT: Flags = Flags(16);
    /// Session flag: new since the last session; never stored by a client.
    pub const RECENT: Flags = Flags(32);
    pub const NONE: Flags = Flags(0);
    /// The flags a client may set or clear.
    pub const SETTABLE: Flags = Flags(31);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn any(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }
    pub fn with(self, other: Flags, on: bool) -> Flags {
        if on {
            Flags(self.0 | other.0)
        } else {
            Flags(self.0 & !other.0)
        }
    }
    pub fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
    pub fn minus(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags as the files' system flag word (the original's `fSEEN`
    /// 0x1, `fDELETED` 0x2, `fFLAGGED` 0x4, `fANSWERED` 0x8, `fDRAFT`
    /// 0x20); `\Recent` has no bit there.
    pub fn system_word(self) -> u32 {
        let mut w = 0;
        for (flag, bit) in [
            (Flags::SEEN, 0x1),
            (Flags::DELETED, 0x2),
            (Flags::FLAGGED, 0x4),
            (Flags::ANSWERED, 0x8),
            (Flags::DRAFT, 0x20),
        ] {
            if self.contains(flag) {
                w |= bit;
            }
        }
        w
    }

    /// The system flag named `name` (with its backslash), any case.
    pub fn by_name(name: &[u8]) -> Option<Flags> {
        const NAMES: [(&[u8], Flags); 6] = [
            (b"\\Seen", Flags::SEEN),
            (b"\\Deleted", Flags::DELETED),
            (b"\\Flagged", Flags::FLAGGED),
            (b"\\Answered", Flags::ANSWERED),
            (b"\\Draft", Flags::DRAFT),
            (b"\\Recent", Flags::RECENT),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, f)| f)
    }
}

/// Most user keywords a mailbox can hold (bits of `user_flags`).
pub const MAX_KEYWORDS: usize = 30;

/// Where keyword `name` stands in `keywords`: names compare without regard
/// to case, as the original's user-flag lookup does.
pub fn find_keyword(keywords: &[Vec<u8>], name: &[u8]) -> Option<usize> {
    keywords.iter().position(|k| k.eq_ignore_ascii_case(name))
}
