//! The bridge from the exported `unixdriver` object to a core driver: a
//! small in-memory core driver is installed under the name "unix" and
//! driven through mail_open and the DRIVER slots, checking the stream
//! fields, the mirrored cache elements and the callbacks the program sees.

use c_client::abi::bindings::*;
use c_client::abi::data::{dummydriver, mmdf_valid, unixdriver};
use c_client::abi::registry::mail_link;
use c_client::abi::stream::{mail_close_full, mail_open};
use c_client::message::date::MailDate;
use c_client::store::events::{Events, Status};
use c_client::store::flags::Flags;
use c_client::store::mailbox::{
    AppendMessage, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
};
use c_client::store::registry;
use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};
use std::sync::Mutex;

// ---- the program's callbacks: each one records what it was told ----------

static HEARD: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn hear(s: String) {
    HEARD.lock().unwrap_or_else(|e| e.into_inner()).push(s);
}
fn heard() -> Vec<String> {
    std::mem::take(&mut *HEARD.lock().unwrap_or_else(|e| e.into_inner()))
}
fn text(t: *mut c_char) -> String {
    // SAFETY: the library passes NUL-terminated strings.
    unsafe { CStr::from_ptr(t) }.to_string_lossy().into_owned()
}

#[no_mangle]
pub extern "C" fn mm_searched(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_exists(_s: *mut MAILSTREAM, n: c_ulong) {
    hear(format!("exists {n}"));
}
#[no_mangle]
pub extern "C" fn mm_expunged(_s: *mut MAILSTREAM, n: c_ulong) {
    hear(format!("expunged {n}"));
}
#[no_mangle]
pub extern "C" fn mm_flags(_s: *mut MAILSTREAM, n: c_ulong) {
    hear(format!("flags {n}"));
}
#[no_mangle]
pub extern "C" fn mm_notify(_s: *mut MAILSTREAM, t: *mut c_char, e: c_long) {
    hear(format!("notify {e} {}", text(t)));
}
#[no_mangle]
pub extern "C" fn mm_list(_s: *mut MAILSTREAM, _d: c_int, n: *mut c_char, a: c_long) {
    hear(format!("list {} {a}", text(n)));
}
#[no_mangle]
pub extern "C" fn mm_lsub(_s: *mut MAILSTREAM, _d: c_int, n: *mut c_char, a: c_long) {
    hear(format!("lsub {} {a}", text(n)));
}
#[no_mangle]
/// # Safety
/// `st` a status record from the library.
pub unsafe extern "C" fn mm_status(_s: *mut MAILSTREAM, m: *mut c_char, st: *mut MAILSTATUS) {
    // SAFETY: per the contract.
    let st = unsafe { &*st };
    hear(format!("status {} {} {}", text(m), st.flags, st.messages));
}
#[no_mangle]
pub extern "C" fn mm_log(t: *mut c_char, e: c_long) {
    hear(format!("log {e} {}", text(t)));
}
#[no_mangle]
pub extern "C" fn mm_dlog(_t: *mut c_char) {}
#[no_mangle]
pub extern "C" fn mm_login(_mb: *mut NETMBX, _u: *mut c_char, _p: *mut c_char, _t: c_long) {}
#[no_mangle]
pub extern "C" fn mm_critical(_s: *mut MAILSTREAM) {
    hear("critical".into());
}
#[no_mangle]
pub extern "C" fn mm_nocritical(_s: *mut MAILSTREAM) {
    hear("nocritical".into());
}
#[no_mangle]
pub extern "C" fn mm_diskerror(_s: *mut MAILSTREAM, c: c_long, _serious: c_long) -> c_long {
    hear(format!("diskerror {c}"));
    1
}
#[no_mangle]
pub extern "C" fn mm_fatal(t: *mut c_char) {
    hear(format!("fatal {}", text(t)));
}

// ---- a tiny core driver --------------------------------------------------

#[derive(Clone)]
struct Message {
    info: MessageInfo,
    header: Vec<u8>,
    body: Vec<u8>,
}

/// The one mailbox the driver knows, shared with the test.
static STORE: Mutex<Vec<Message>> = Mutex::new(Vec::new());
static APPENDED: Mutex<Vec<AppendMessage>> = Mutex::new(Vec::new());
const NAME: &[u8] = b"bridge-test-box";

struct Memory;
static MEMORY: Memory = Memory;

struct Open {
    messages: Vec<Message>,
    keywords: Vec<Vec<u8>>,
    next_uid: u32,
}

impl Driver for Memory {
    fn name(&self) -> &'static str {
        "unix"
    }
    fn valid(&self, name: &[u8]) -> bool {
        name == NAME
    }
    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        if name != NAME {
            return Err(Error::new("no such box"));
        }
        let messages = STORE.lock().unwrap().clone();
        if !options.silent {
            ev.exists(messages.len() as u32);
            ev.recent(1);
        }
        Ok(Box::new(Open {
            next_uid: messages.len() as u32 + 1,
            messages,
            keywords: vec![b"Work".to_vec()],
        }))
    }
    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        ev.log(
            &[b"created ", name].concat(),
            c_client::store::events::Level::Info,
        );
        Ok(())
    }
    fn delete(&self, _name: &[u8], _ev: &mut dyn Events) -> Result<()> {
        Err(Error::new("Can't delete that"))
    }
    fn rename(&self, _old: &[u8], _new: &[u8], _ev: &mut dyn Events) -> Result<()> {
        Ok(())
    }
    fn append(&self, _name: &[u8], messages: &[AppendMessage], _ev: &mut dyn Events) -> Result<()> {
        APPENDED.lock().unwrap().extend_from_slice(messages);
        Ok(())
    }
    fn status(&self, _name: &[u8], _ev: &mut dyn Events) -> Result<Status> {
        Ok(Status::default())
    }
}

impl Mailbox for Open {
    fn driver_name(&self) -> &'static str {
        "unix"
    }
    fn count(&self) -> u32 {
        self.messages.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.messages[msgno as usize - 1].info.clone()
    }
    fn uid_validity(&self) -> u32 {
        1_234_567
    }
    fn uid_last(&self) -> u32 {
        self.next_uid - 1
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &self.keywords
    }
    fn read_only(&self) -> bool {
        false
    }
    fn header(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Ok(Cow::Borrowed(&self.messages[msgno as usize - 1].header))
    }
    fn text(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Ok(Cow::Borrowed(&self.messages[msgno as usize - 1].body))
    }
    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        for &m in set {
            let info = &mut self.messages[m as usize - 1].info;
            info.flags = flags;
            info.keywords = keywords;
            if !silent {
                ev.flags(m);
            }
        }
        Ok(())
    }
    fn keyword_index(&mut self, name: &[u8], _create: bool) -> Option<usize> {
        self.keywords.iter().position(|k| k == name)
    }
    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        // New mail arrives on every ping.
        let uid = self.next_uid;
        self.next_uid += 1;
        self.messages.push(message(uid, Flags::RECENT, 0));
        ev.exists(self.count());
        Ok(true)
    }
    fn check(&mut self, _ev: &mut dyn Events) -> Result<()> {
        Ok(())
    }
    fn expunge(&mut self, _set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        let mut n = 0;
        let mut i = 0;
        while i < self.messages.len() {
            if self.messages[i].info.flags.contains(Flags::DELETED) {
                self.messages.remove(i);
                ev.expunged(i as u32 + 1);
                n += 1;
            } else {
                i += 1;
            }
        }
        Ok(n)
    }
    fn messages_for_copy(
        &mut self,
        _set: MsgSet,
        _ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        Ok(Vec::new())
    }
    fn close(&mut self, _expunge: bool, ev: &mut dyn Events) {
        ev.log(b"closed", c_client::store::events::Level::Info);
    }
}

fn message(uid: u32, flags: Flags, keywords: u32) -> Message {
    Message {
        info: MessageInfo {
            uid,
            flags,
            keywords,
            internal_date: MailDate::from_fields(7, 3, 54, 10, 20, 30, true, 5, 0),
            size: 40 + uid,
        },
        header: format!("Subject: message {uid}\r\n\r\n").into_bytes(),
        body: format!("body of {uid}\r\n").into_bytes(),
    }
}

unsafe fn elt(s: *mut MAILSTREAM, m: c_ulong) -> &'static MESSAGECACHE {
    // SAFETY: a live stream with m in range.
    unsafe { &*c_client::abi::cache::mail_elt(s, m) }
}

/// The append_t callback: hands out two messages, then the end.
unsafe extern "C" fn feed(
    _s: *mut MAILSTREAM,
    data: *mut c_void,
    flags: *mut *mut c_char,
    date: *mut *mut c_char,
    msg: *mut *mut STRING,
) -> c_long {
    static FLAGS: &CStr = c"(\\Seen Work \\Flagged)";
    static DATE: &CStr = c"07-Mar-2024 10:20:30 -0500";
    // SAFETY: `data` is the counter and STRING pair the test passes.
    unsafe {
        let (count, string) = &mut *(data as *mut (u32, STRING));
        if *count == 2 {
            *msg = null_mut();
            return 1;
        }
        *count += 1;
        static BODY: &[u8] = b"Subject: appended\r\n\r\nhello\r\n";
        string.dtb = addr_of_mut!(c_client::abi::data::mail_string);
        c_client::abi::strings::mail_string_init(
            string,
            BODY.as_ptr() as *mut c_void,
            BODY.len() as c_ulong,
        );
        *flags = FLAGS.as_ptr() as *mut c_char;
        *date = if *count == 1 {
            DATE.as_ptr() as *mut c_char
        } else {
            null_mut()
        };
        *msg = string;
        1
    }
}

#[test]
fn a_core_driver_behind_the_exported_driver_object() {
    // Until a core driver is installed, the other bridged driver claims nothing.
    let name = CString::new(NAME).unwrap();
    // SAFETY: a NUL-terminated name.
    assert!(unsafe { mmdf_valid(name.as_ptr() as *mut c_char) }.is_null());

    *STORE.lock().unwrap() = vec![
        message(1, Flags::NONE, 0),
        message(2, Flags::SEEN.union(Flags::RECENT), 0),
        message(3, Flags::FLAGGED, 1),
    ];
    registry::install(&MEMORY);
    // SAFETY: the library's own driver objects, linked once; the stream is
    // used only while open.
    unsafe {
        mail_link(addr_of_mut!(unixdriver));
        mail_link(addr_of_mut!(dummydriver));
        let s = mail_open(null_mut(), name.as_ptr() as *mut c_char, 0);
        assert!(!s.is_null(), "{:?}", heard());
        let d = &*(*s).dtb;
        assert_eq!(CStr::from_ptr(d.name).to_bytes(), b"unix");
        assert_eq!(heard(), vec!["exists 3"]);
        assert_eq!((*s).nmsgs, 3);
        assert_eq!((*s).recent, 1);
        assert_eq!((*s).uid_validity, 1_234_567);
        assert_eq!((*s).uid_last, 3);
        assert_eq!(CStr::from_ptr((*s).user_flags[0]).to_bytes(), b"Work");
        assert!((*s).user_flags[1].is_null());
        assert_eq!((*s).perm_seen(), 1);
        assert_eq!((*s).kwd_create(), 1);
        assert_eq!((*s).rdonly(), 0);
        let e2 = elt(s, 2);
        assert_eq!(
            (e2.private.uid, e2.seen(), e2.recent(), e2.flagged()),
            (2, 1, 1, 0)
        );
        let e3 = elt(s, 3);
        assert_eq!((e3.flagged(), e3.user_flags, e3.rfc822_size), (1, 1, 43));
        assert_eq!(
            (
                e3.day(),
                e3.month(),
                e3.year(),
                e3.hours(),
                e3.zoccident(),
                e3.zhours()
            ),
            (7, 3, 54, 10, 1, 5)
        );

        // header: a stream-owned buffer and its length.
        let mut len: c_ulong = 0;
        let h = (d.header.unwrap())(s, 1, &mut len, 0);
        assert_eq!(
            std::slice::from_raw_parts(h as *const u8, len as usize),
            b"Subject: message 1\r\n\r\n"
        );

        // text: FT_PEEK leaves \Seen alone; a plain fetch sets it and says so.
        let mut bs: STRING = std::mem::zeroed();
        assert_eq!((d.text.unwrap())(s, 1, &mut bs, FT_PEEK), 1);
        assert_eq!(
            std::slice::from_raw_parts(bs.curpos as *const u8, bs.size as usize),
            b"body of 1\r\n"
        );
        assert_eq!((elt(s, 1).seen(), heard().len()), (0, 0));
        assert_eq!((d.text.unwrap())(s, 1, &mut bs, 0), 1);
        assert_eq!(elt(s, 1).seen(), 1);
        assert_eq!(heard(), vec!["flags 1"]);
        assert_eq!((d.text.unwrap())(s, 1, &mut bs, 0), 1);
        assert!(
            heard().is_empty(),
            "an already seen message is not flagged again"
        );

        // flagmsg: the "after" call (valid set) pushes the element's flags.
        let e1 = c_client::abi::cache::mail_elt(s, 1);
        (*e1).set_deleted(1);
        (*e1).set_valid(0);
        (d.flagmsg.unwrap())(s, e1);
        (*e1).set_valid(1);
        (d.flagmsg.unwrap())(s, e1);

        // ping: new mail is mirrored before the program hears of it.
        assert_eq!((d.ping.unwrap())(s), 1);
        assert_eq!(heard(), vec!["exists 4"]);
        assert_eq!(
            ((*s).nmsgs, elt(s, 4).private.uid, elt(s, 4).recent()),
            (4, 4, 1)
        );

        // expunge: message 1 was deleted through flagmsg.
        assert_eq!((d.expunge.unwrap())(s, null_mut(), 0), 1);
        assert_eq!(heard(), vec!["expunged 1"]);
        assert_eq!(
            ((*s).nmsgs, elt(s, 1).private.uid, elt(s, 1).seen()),
            (3, 2, 1)
        );

        // append: every message is pulled, then one core append.
        let mut data: (u32, STRING) = (0, std::mem::zeroed());
        let r = (d.append.unwrap())(
            s,
            name.as_ptr() as *mut c_char,
            Some(feed),
            &mut data as *mut _ as *mut c_void,
        );
        assert_eq!(r, 1, "{:?}", heard());
        let appended = APPENDED.lock().unwrap().clone();
        assert_eq!(appended.len(), 2);
        assert_eq!(appended[0].flags, Flags::SEEN.union(Flags::FLAGGED));
        assert_eq!(appended[0].keywords, vec![b"Work".to_vec()]);
        let date = appended[0].date.expect("a date");
        assert_eq!(
            (
                date.day,
                date.month,
                date.hours,
                date.zoccident,
                date.zhours
            ),
            (7, 3, 10, true, 5)
        );
        assert_eq!(appended[1].date, None);
        assert_eq!(appended[1].message, b"Subject: appended\r\n\r\nhello\r\n");

        // mailbox-level slots report through mm_log.
        assert_eq!(
            (d.create.unwrap())(null_mut(), name.as_ptr() as *mut c_char),
            1
        );
        assert_eq!(
            heard(),
            vec![format!("log 0 created {}", String::from_utf8_lossy(NAME))]
        );
        assert_eq!(
            (d.mbxdel.unwrap())(null_mut(), name.as_ptr() as *mut c_char),
            0
        );
        assert_eq!(heard(), vec!["log 2 Can't delete that"]);

        // close: the session ends and the local state goes.
        mail_close_full(s, 0);
        assert_eq!(heard(), vec!["log 0 closed"]);
    }
}

#[test]
fn append_flag_lists_parse_as_the_original_does() {
    use c_client::abi::bridge::parse_append_flags;
    use c_client::store::events::{Level, Recorder};
    let mut rec = Recorder::new();
    let (f, k) = parse_append_flags(b"(\\Seen \\recent work Work  bad\"q \\Draft)", &mut rec);
    assert_eq!(f, Flags::SEEN.union(Flags::DRAFT));
    assert_eq!(k, vec![b"work".to_vec()]);
    assert_eq!(
        rec.logged(Level::Warn),
        [
            "Unsupported system flag: \\recent",
            "Empty flag invalid",
            "Invalid flag: bad\"q"
        ]
    );
    let (f, k) = parse_append_flags(b"(\\Seen", &mut rec);
    assert_eq!((f, k.len()), (Flags::NONE, 0));
    assert_eq!(rec.logged(Level::Error), ["Bad flag list"]);
    let (f, _) = parse_append_flags(b"\\Answered", &mut rec);
    assert_eq!(f, Flags::ANSWERED);
}
