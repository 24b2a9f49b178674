//! Tests of the Berkeley mailbox driver. The files under tests/data/unix
//! were written by the original library (c-tests/unix/make-data.sh regenerates
//! them); each comes with the original's report of what it sees in it.

use super::format::{self, AppendWriter, MailboxState, Now};
use super::*;
use crate::store::events::{Event, Recorder};

fn data_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/unix/{}", env!("CARGO_MANIFEST_DIR"), name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {}", path, e))
}

/// A mailbox over bytes held in memory, as after opening a file with them.
fn load_with(data: Vec<u8>, st: MailboxState, appending: bool, ev: &mut Recorder) -> UnixMailbox {
    load_with_kind(Kind::Unix, data, st, appending, ev)
}

fn load_with_kind(
    kind: Kind,
    data: Vec<u8>,
    st: MailboxState,
    appending: bool,
    ev: &mut Recorder,
) -> UnixMailbox {
    let mut mb = UnixMailbox {
        kind,
        mtime: 0,
        path: Vec::new(),
        size: data.len(),
        source: Source::Memory(data.clone()),
        filetime: 0,
        msgs: Index::new(),
        st,
        recent: 0,
        appending,
        session: None,
        silent: false,
        sniff: false,
        dead: false,
        kwd_create: true,
        rewrite_new: false,
        fetched: Default::default(),
    };
    assert!(
        matches!(mb.absorb(&data, 0, WINDOW, ev), Ok(true)),
        "parse failed: {:?}",
        ev.events
    );
    mb
}

/// The bytes of a mailbox loaded from memory.
fn memory(mb: &UnixMailbox) -> Vec<u8> {
    match &mb.source {
        Source::Memory(d) => d.clone(),
        _ => panic!("not in memory"),
    }
}

fn load(data: &[u8]) -> (UnixMailbox, Recorder) {
    load_kind(Kind::Unix, data)
}

fn load_kind(kind: Kind, data: &[u8]) -> (UnixMailbox, Recorder) {
    let mut ev = Recorder::new();
    let mb = load_with_kind(kind, data.to_vec(), MailboxState::new(), false, &mut ev);
    (mb, ev)
}

fn fixed_now() -> Now {
    Now {
        secs: 1_000_000_000,
        ctime: b"Sun Sep  9 01:46:40 2001".to_vec(),
        fixed: b"09 Sep 2001 01:46:40 +0000".to_vec(),
        rfc822: b"Sun, 9 Sep 2001 01:46:40 +0000 (UTC)".to_vec(),
    }
}

fn render(mb: &UnixMailbox, expunge: bool) -> Rendered {
    mb.render(&memory(mb), expunge, None, &fixed_now(), b"host")
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Compares what we parse in a stage file with the original's report.
fn check_against_report(stage: &str) {
    let kind = if stage.starts_with('M') {
        Kind::Mmdf
    } else {
        Kind::Unix
    };
    let (mut mb, _) = load_kind(kind, &data_file(&format!("{}.mbx", stage)));
    let report = String::from_utf8(data_file(&format!("{}.txt", stage))).unwrap();
    let mut msgno = 0u32;
    let mut ev = Recorder::new();
    for line in report.lines() {
        let w: Vec<&str> = line.split(' ').collect();
        match w[0] {
            "driver" => {
                assert_eq!(w[3].parse::<u32>().unwrap(), mb.count(), "{stage}: count");
                assert_eq!(w[5].parse::<u32>().unwrap(), mb.recent, "{stage}: recent");
                assert_eq!(
                    w[7].parse::<u32>().unwrap(),
                    mb.uid_validity(),
                    "{stage}: validity"
                );
                assert_eq!(w[9].parse::<u32>().unwrap(), mb.uid_last(), "{stage}: last");
            }
            "keyword" => {
                let i: usize = w[1].parse().unwrap();
                assert_eq!(mb.keywords()[i], w[2].as_bytes(), "{stage}: keyword {i}");
            }
            "msg" => {
                msgno = w[1].parse().unwrap();
                let info = mb.info(msgno).clone();
                assert_eq!(
                    w[3].parse::<u32>().unwrap(),
                    info.uid,
                    "{stage} msg {msgno} uid"
                );
                let f = w[5].as_bytes();
                for (i, flag) in [
                    Flags::SEEN,
                    Flags::DELETED,
                    Flags::FLAGGED,
                    Flags::ANSWERED,
                    Flags::DRAFT,
                    Flags::RECENT,
                ]
                .iter()
                .enumerate()
                {
                    assert_eq!(
                        f[i] == b'1',
                        info.flags.contains(*flag),
                        "{stage} msg {msgno} flag {i}"
                    );
                }
                assert_eq!(
                    u32::from_str_radix(w[7], 16).unwrap(),
                    info.keywords,
                    "{stage} msg {msgno} kw"
                );
                assert_eq!(
                    w[9].parse::<u32>().unwrap(),
                    info.size,
                    "{stage} msg {msgno} size"
                );
                let date = line.split(" date ").nth(1).unwrap();
                assert_eq!(
                    date,
                    crate::message::date::imap_date(&info.internal_date),
                    "{stage} msg {msgno} date"
                );
            }
            "header" => {
                let h = mb.header(msgno, &mut ev).unwrap().into_owned();
                assert_eq!(
                    String::from_utf8_lossy(&h),
                    String::from_utf8_lossy(&unhex(w[2])),
                    "{stage} msg {msgno} header"
                );
                assert_eq!(h.len(), w[1].parse::<usize>().unwrap());
            }
            "text" => {
                let t = mb.text(msgno, &mut ev).unwrap().into_owned();
                assert_eq!(t, unhex(w[2]), "{stage} msg {msgno} text");
            }
            _ => panic!("unexpected report line {line}"),
        }
    }
    assert!(msgno > 0);
}

#[test]
fn parse_matches_original_reports() {
    for stage in ["A", "B", "C", "D", "MA", "MB", "MC", "MD", "ME"] {
        check_against_report(stage);
    }
}

/// The messages the oracle program appends, with their flags and dates.
fn oracle_appends() -> Vec<(Vec<u8>, Flags, &'static str)> {
    let long = "x".repeat(2000);
    vec![
        (b"From: a@b\r\nSubject: one\r\n\r\nHello\r\n".to_vec(), Flags::SEEN, "01-Jan-2020 10:00:00 +0100"),
        (
            b"Status: RO\r\nX-UID: 99\r\nFrom: x@y\r\nSubject: two\r\nX-Mailer: t\r\nStatus: O\r\n\r\nbody\r\nFrom me to you\r\n>From quoted\r\nFrom\r\n\r\n".to_vec(),
            Flags::FLAGGED.union(Flags::ANSWERED),
            "2-Feb-2021 03:04:05 -0500",
        ),
        (
            b"From: c@d\r\nSubject: three\r\n\r\nnul:\0:here\r\nlone\rcr\nend".to_vec(),
            Flags::DELETED.union(Flags::DRAFT),
            "15-Mar-2019 23:59:59 +0000",
        ),
        (
            format!("Subject: four\r\nX-Keywords: foo\r\n\r\n{}\r\nFrom the end\r\n", long).into_bytes(),
            Flags::NONE,
            "30-Jun-2022 12:00:00 +0200",
        ),
        (
            b"Subject: five\r\nstatus: lower\r\nX-IMAPbase: 1 2\r\n\r\n\r\nblank lines\r\n\r\n".to_vec(),
            Flags::NONE,
            "31-Dec-1999 23:59:59 -0800",
        ),
    ]
}

#[test]
fn append_then_close_writes_the_originals_bytes() {
    let a = data_file("A.mbx");
    // The sender and the UID validity are the original run's.
    let first_line = &a[..a.iter().position(|&c| c == b'\n').unwrap()];
    let sender = first_line.split(|&c| c == b' ').nth(1).unwrap();
    let at = sender.iter().position(|&c| c == b'@').unwrap();
    let (user, host) = (&sender[..at], &sender[at + 1..]);
    let (parsed_a, _) = load(&a);
    let mut raw = Vec::new();
    for (message, flags, date) in oracle_appends() {
        // Each oracle append was its own call, so each starts in the header.
        let when = crate::message::date::parse_date(date.as_bytes()).unwrap();
        let cdate = crate::message::date::ctime_date(&when);
        AppendWriter::default().write(
            &mut raw,
            user,
            host,
            cdate.as_bytes(),
            flags,
            &[],
            None,
            &message,
        );
    }
    let mut st = MailboxState::new();
    st.uid_validity = parsed_a.uid_validity();
    let mut ev = Recorder::new();
    let mb = load_with(raw, st, true, &mut ev);
    assert!(
        ev.logged(Level::Info).is_empty(),
        "no new UID epoch: {:?}",
        ev.events
    );
    let r = render(&mb, false);
    assert_eq!(
        String::from_utf8_lossy(&r.bytes),
        String::from_utf8_lossy(&a)
    );
    assert_eq!(r.bytes, a);
}

#[test]
fn flag_changes_checkpoint_to_the_originals_bytes() {
    let (mut mb, _) = load(&data_file("A.mbx"));
    let mut ev = Recorder::new();
    let f = |mb: &UnixMailbox, n: u32| mb.info(n).flags;
    mb.store_flags(&[1], f(&mb, 1).union(Flags::DELETED), 0, false, &mut ev)
        .unwrap();
    let work = mb.keyword_index(b"work", true).unwrap();
    let label = mb.keyword_index(b"$Label1", true).unwrap();
    assert_eq!((work, label), (0, 1));
    let k2 = mb.info(2).keywords | 1 << work | 1 << label;
    mb.store_flags(&[2], f(&mb, 2), k2, false, &mut ev).unwrap();
    mb.store_flags(&[2], f(&mb, 2).minus(Flags::FLAGGED), k2, false, &mut ev)
        .unwrap();
    for n in [3, 4] {
        let k = mb.info(n).keywords;
        mb.store_flags(&[n], f(&mb, n).union(Flags::SEEN), k, false, &mut ev)
            .unwrap();
    }
    mb.store_flags(&[5], f(&mb, 5), 1 << label, false, &mut ev)
        .unwrap();
    assert_eq!(
        ev.events,
        [1, 2, 2, 3, 4, 5]
            .iter()
            .map(|&n| Event::Flags(n))
            .collect::<Vec<_>>()
    );
    let b = data_file("B.mbx");
    let r = render(&mb, false);
    assert_eq!(
        String::from_utf8_lossy(&r.bytes),
        String::from_utf8_lossy(&b)
    );
}

#[test]
fn expunge_writes_the_originals_bytes() {
    let (mb, _) = load(&data_file("B.mbx"));
    let r = render(&mb, true);
    assert_eq!(r.expunged, vec![1, 2]);
    assert_eq!(
        String::from_utf8_lossy(&r.bytes),
        String::from_utf8_lossy(&data_file("C.mbx"))
    );
    // A rewrite of an unchanged mailbox leaves every byte where it was.
    let (mb, _) = load(&data_file("C.mbx"));
    assert_eq!(render(&mb, false).bytes, data_file("C.mbx"));
    let (mb, _) = load(&data_file("D.mbx"));
    let r = render(&mb, false);
    let d = data_file("D.mbx");
    // Only the pseudo-message's time-stamped lines differ.
    let body = |b: &[u8]| b[b.windows(7).position(|w| w == b"\nX-IMAP").unwrap()..].to_vec();
    assert_eq!(body(&r.bytes), body(&d));
}

#[test]
fn file_session_checkpoints_and_expunges_in_place() {
    let dir = std::env::temp_dir().join(format!("unix-driver-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("box");
    std::fs::write(&path, data_file("B.mbx")).unwrap();
    let mut ev = Recorder::new();
    let mut mb = UnixMailbox::open_path(
        Kind::Unix,
        path.as_os_str().as_bytes().to_vec(),
        OpenOptions::default(),
        false,
        &mut ev,
    )
    .unwrap();
    assert_eq!(mb.count(), 5);
    assert!(!mb.read_only());
    assert_eq!(mb.expunge(None, &mut ev).unwrap(), 2);
    assert_eq!(std::fs::read(&path).unwrap(), data_file("C.mbx"));
    assert!(ev
        .logged(Level::Info)
        .contains(&"Expunged 2 messages".to_string()));
    // New mail appended behind our back shows up at the next ping.
    let mut more = std::fs::read(&path).unwrap();
    more.extend_from_slice(b"From someone Sat Jan  1 00:00:00 2000\nSubject: new\n\nhi\n");
    std::fs::write(&path, &more).unwrap();
    ev.take();
    assert!(mb.ping(&mut ev).unwrap());
    assert_eq!(mb.count(), 4);
    // UIDs go on from the last one the mailbox had (5), not the count.
    assert_eq!((mb.info(4).uid, mb.uid_last()), (6, 6));
    assert!(ev.events.contains(&Event::Exists(4)));
    mb.close(false, &mut ev);
    let text = std::fs::read(&path).unwrap();
    let st = MailboxState::new();
    let status = format::xstatus(&st, Flags::NONE, 0, 6, true, false, false, true);
    assert!(text.ends_with(&[&b"Subject: new\n"[..], &status, b"hi\n\n"].concat()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_line_forms() {
    let ok = [
        "From user Wed Dec  2 05:53 1992\n",
        "From user Wed Dec  2 05:53:22 1992\n",
        "From user Wed Dec  2 05:53 PST 1992\n",
        "From user Wed Dec  2 05:53:22 PST 1992\n",
        "From user Wed Dec  2 05:53 -0700 1992\n",
        "From user Wed Dec  2 05:53:22 -0700 1992\n",
        "From user Wed Dec  2 05:53 1992 PST\n",
        "From user Wed Dec  2 05:53:22 1992 PST\n",
        "From user Wed Dec  2 05:53 1992 -0700\n",
        "From user Wed Dec  2 05:53:22 1992 -0700\n",
        "From user Wed Dec  2 05:53:22 1992 -0700 remote from somewhere\n",
        "From a user with spaces Wed Dec  2 05:53:22 1992\r\n",
    ];
    for line in ok {
        let f = format::valid_from(line.as_bytes(), 0).unwrap_or_else(|| panic!("{line}"));
        let d = format::from_line_date(line.as_bytes(), f).unwrap();
        assert_eq!(
            (d.day, d.month, d.year, d.hours, d.minutes),
            (2, 12, 22, 5, 53),
            "{line}"
        );
    }
    let d = format::from_line_date(
        ok[9].as_bytes(),
        format::valid_from(ok[9].as_bytes(), 0).unwrap(),
    )
    .unwrap();
    assert_eq!((d.seconds, d.zoccident, d.zhours), (22, true, 7));
    let bad = [
        "From user Wed Dec  2 05:53:22 1992",
        "From user Wed Dec 2 05:53:22 1992\n",
        "from user Wed Dec  2 05:53:22 1992\n",
        "From user\0 Wed Dec  2 05:53:22 1992\n",
        "From user@host\n",
        ">From user Wed Dec  2 05:53:22 1992\n",
    ];
    for line in bad {
        assert!(format::valid_from(line.as_bytes(), 0).is_none(), "{line:?}");
    }
    assert!(format::looks_valid(
        b"\n\nFrom user Wed Dec  2 05:53:22 1992\n"
    ));
    assert!(!format::looks_valid(
        b"  From user Wed Dec  2 05:53:22 1992\n"
    ));
}

#[test]
fn garbage_empty_and_truncated_files() {
    let mut ev = Recorder::new();
    let mut st = MailboxState::new();
    let err = format::parse(
        b"garbage here\nFrom x Wed Dec  2 05:53:22 1992\n\n",
        0,
        0,
        0,
        &mut st,
        false,
        &mut ev,
    )
    .unwrap_err();
    assert_eq!(
        err,
        format::ParseError::Unexpected(
            b"Unexpected changes to mailbox (try restarting): garbage here\nFrom x ".to_vec()
        )
    );
    let (mb, ev) = load(b"");
    assert_eq!(mb.count(), 0);
    assert!(ev.events.is_empty());
    // No newline at the end, header never ended.
    let (mut mb, _) = load(b"From x Wed Dec  2 05:53:22 1992\nSubject: s");
    assert_eq!(mb.count(), 1);
    let mut ev = Recorder::new();
    // The original's filter leaves its guard LF after such a header.
    assert_eq!(&*mb.header(1, &mut ev).unwrap(), b"Subject: s\n");
    assert_eq!(&*mb.text(1, &mut ev).unwrap(), b"");
    // Text without a final newline.
    let (mut mb, _) = load(b"From x Wed Dec  2 05:53:22 1992\nA: b\n\nline");
    assert_eq!(&*mb.text(1, &mut ev).unwrap(), b"line");
    assert_eq!(mb.info(1).size, 6 + 2 + 4);
}

#[test]
fn keyword_creation_rules() {
    let (mut mb, _) = load(b"");
    assert_eq!(mb.keyword_index(b"bad(name", true), None);
    assert_eq!(mb.keyword_index(b"", true), None);
    assert_eq!(mb.keyword_index(&[b'k'; 51], true), None);
    assert_eq!(mb.keyword_index(b"ok}[", true), Some(0));
    assert_eq!(mb.keyword_index(b"OK}[", false), Some(0));
    for i in 1..30 {
        assert_eq!(mb.keyword_index(format!("k{i}").as_bytes(), true), Some(i));
    }
    assert!(!mb.can_create_keywords());
    assert_eq!(mb.keyword_index(b"more", true), None);
}

#[test]
fn corpus_mailboxes_parse_without_panicking() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.is_dir() {
        eprintln!("skipping: {} is absent", root.display());
        return;
    }
    let mut stack = vec![root];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "mbox") && seen < 50 {
                let Ok(data) = std::fs::read(&p) else {
                    continue;
                };
                if !format::looks_valid(&data) {
                    continue;
                }
                seen += 1;
                let (mut mb, _) = load(&data);
                let mut ev = Recorder::new();
                for n in 1..=mb.count() {
                    let h = mb.header(n, &mut ev).unwrap().len();
                    let t = mb.text(n, &mut ev).unwrap().len();
                    assert_eq!(h + t, mb.info(n).size as usize, "{} msg {n}", p.display());
                }
                // A rewrite parses back to the same messages.
                let r = render(&mb, false);
                let (again, _) = load(&r.bytes);
                assert_eq!(again.count(), mb.count(), "{}", p.display());
            }
        }
    }
}

/// The hand-made files of tests/data/unix/cases, each opened read-write by
/// the original (its events and report in <case>.txt, the file after its
/// close in <case>.out): we must log the same, see the same, and write the
/// same bytes.
#[test]
fn hand_made_cases_match_the_original() {
    let dir = format!("{}/tests/data/unix/cases", env!("CARGO_MANIFEST_DIR"));
    assert!(check_case_dir(&dir) >= 10);
}

/// Mailboxes of the corpus, each opened, reported and closed by the
/// original (c-tests/unix/run.sh makes the directory and runs this with
/// UNIX_CORPUS_CASES set): we must see and write the same.
#[test]
#[ignore = "needs the original's reports: run c-tests/unix/run.sh"]
fn corpus_mailboxes_match_the_original() {
    let dir = std::env::var("UNIX_CORPUS_CASES").expect("UNIX_CORPUS_CASES");
    assert!(check_case_dir(&dir) > 0);
}

/// Checks every <case>.in of `dir` against the original's <case>.txt
/// (events and report) and <case>.out (the file after its close); returns
/// how many cases there were.
fn check_case_dir(dir: &str) -> usize {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".in")
                .map(str::to_string)
        })
        .collect();
    // Cases made with USERHASNOLIFE set need it set here too: their own
    // test process (tests/store_unix_nolife.rs).
    names.retain(|n| !n.starts_with("nolife-"));
    names.sort();
    for name in &names {
        let input = std::fs::read(format!("{dir}/{name}.in")).unwrap();
        let output = std::fs::read(format!("{dir}/{name}.out")).unwrap();
        let report = std::fs::read_to_string(format!("{dir}/{name}.txt")).unwrap();
        // Log lines; a text with newlines runs on over the following lines.
        let known = [
            "log ",
            "exists ",
            "expunged ",
            "flags ",
            "notify ",
            "driver ",
            "keyword ",
            "msg ",
            "header ",
            "text ",
            "open failed",
            "fatal:",
        ];
        let mut logs: Vec<(Level, String)> = Vec::new();
        let mut in_log = false;
        for l in report.split_inclusive('\n') {
            if let Some(rest) = l.strip_prefix("log ") {
                let (level, text) = rest.split_once(": ").unwrap();
                let level = match level {
                    "0" => Level::Info,
                    "1" => Level::Warn,
                    _ => Level::Error,
                };
                logs.push((level, text.to_string()));
                in_log = true;
            } else if in_log && !known.iter().any(|k| l.starts_with(k)) {
                logs.last_mut().unwrap().1.push_str(l);
            } else {
                in_log = false;
            }
        }
        for (_, text) in &mut logs {
            if text.ends_with('\n') {
                text.pop();
            }
        }
        let mut ev = Recorder::new();
        let kind = if name.starts_with("mmdf-") {
            Kind::Mmdf
        } else {
            Kind::Unix
        };
        let mut mb = UnixMailbox {
            kind,
            // run.sh sets each case file's modification time to this.
            mtime: 1_000_000_000,
            path: Vec::new(),
            size: input.len(),
            source: Source::Memory(input.clone()),
            filetime: 0,
            msgs: Index::new(),
            st: MailboxState::new(),
            recent: 0,
            appending: false,
            session: None,
            silent: false,
            sniff: false,
            dead: false,
            kwd_create: true,
            rewrite_new: false,
            fetched: Default::default(),
        };
        let opened = matches!(mb.absorb(&input, 0, WINDOW, &mut ev), Ok(true));
        if !opened || mb.count() == 0 {
            if !opened {
                assert!(report.contains("open failed"), "{name}");
            }
            if mb.count() == 0 && opened && !mb.silent {
                ev.log(b"Mailbox is empty", Level::Info);
            }
        }
        let ours: Vec<(Level, String)> = ev
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Log(t, l) => Some((*l, String::from_utf8_lossy(t).into_owned())),
                _ => None,
            })
            .collect();
        // The original's log text of the garbage case runs over a line end.
        let unexpected = |text: &str| {
            vec![(
                Level::Error,
                format!("Unexpected changes to mailbox (try restarting): {text}"),
            )]
        };
        let theirs: Vec<(Level, String)> = match name.as_str() {
            // The original shows 20 bytes even past the end of the file.
            "mmdf-garbage" => unexpected("not mmdf\n\x01\x01\x01\x01\n"),
            _ => logs,
        };
        assert_eq!(ours, theirs, "{name}: log lines");
        if !opened {
            continue;
        }
        let mut msgno = 0;
        for line in report.lines() {
            let w: Vec<&str> = line.split(' ').collect();
            match w[0] {
                "driver" => {
                    assert_eq!(w[3].parse::<u32>().unwrap(), mb.count(), "{name}");
                    assert_eq!(w[5].parse::<u32>().unwrap(), mb.recent, "{name}");
                    assert_eq!(w[9].parse::<u32>().unwrap(), mb.uid_last(), "{name}");
                    // A new epoch is the time of the run.
                    mb.st.uid_validity = w[7].parse().unwrap();
                }
                "keyword" => {
                    let i: usize = w[1].parse().unwrap();
                    assert_eq!(mb.keywords()[i], w[2].as_bytes(), "{name}");
                }
                "msg" => {
                    msgno = w[1].parse().unwrap();
                    let info = mb.info(msgno);
                    let flags: String = [
                        Flags::SEEN,
                        Flags::DELETED,
                        Flags::FLAGGED,
                        Flags::ANSWERED,
                        Flags::DRAFT,
                        Flags::RECENT,
                    ]
                    .iter()
                    .map(|f| if info.flags.contains(*f) { '1' } else { '0' })
                    .collect();
                    let date = crate::message::date::imap_date(&info.internal_date);
                    let mine = format!(
                        "msg {msgno} uid {} flags {flags} kw {:x} size {} date {date}",
                        info.uid, info.keywords, info.size
                    );
                    assert_eq!(mine, line, "{name}");
                }
                "header" => {
                    let h = mb.header(msgno, &mut ev).unwrap().into_owned();
                    assert_eq!(h, unhex(w[2]), "{name} msg {msgno} header");
                }
                "text" => {
                    let t = mb.text(msgno, &mut ev).unwrap().into_owned();
                    assert_eq!(t, unhex(w[2]), "{name} msg {msgno} text");
                }
                _ => {}
            }
        }
        if report.contains("fatal:") || output == input {
            // Not rewritten (or the original died rewriting it).
            continue;
        }
        let r = render(&mb, false);
        let tail = |b: &[u8]| match b.windows(8).position(|w| w == b"\nX-IMAP:") {
            Some(p) => b[p..].to_vec(),
            None => b.to_vec(),
        };
        let (ours, theirs) = (tail(&r.bytes), tail(&output));
        if ours != theirs {
            let at = ours
                .iter()
                .zip(&theirs)
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(theirs.len()));
            let from = at.saturating_sub(200);
            panic!(
                "{name}: rewrite differs at {at}:\n--- ours\n{}\n--- theirs\n{}",
                String::from_utf8_lossy(&ours[from..(at + 200).min(ours.len())]),
                String::from_utf8_lossy(&theirs[from..(at + 200).min(theirs.len())])
            );
        }
    }
    names.len()
}

#[test]
fn copy_writes_what_the_original_copies() {
    // D: messages 1:2 of C copied into a mailbox made by mail_create, then
    // rewritten when the original's target session closed.
    let (source, _) = load(&data_file("C.mbx"));
    let mut last = 0;
    let copied = source.copy_bytes(&memory(&source), &[2, 1], Some(&mut last));
    assert_eq!(last, 2);
    let mut target = format::create_pseudo(&fixed_now(), b"vm", &[]);
    target.extend_from_slice(&copied);
    let mut ev = Recorder::new();
    let mb = load_with(target, MailboxState::new(), true, &mut ev);
    assert_eq!(mb.count(), 2);
    let r = render(&mb, false);
    let d = data_file("D.mbx");
    let messages = |b: &[u8]| {
        b[b.windows(15)
            .position(|w| w == b"\n\nFrom cloudsdk")
            .unwrap()..]
            .to_vec()
    };
    assert_eq!(
        String::from_utf8_lossy(&messages(&r.bytes)),
        String::from_utf8_lossy(&messages(&d))
    );
    // Without a writable target there is no "O" and no X-UID.
    let plain = String::from_utf8(source.copy_bytes(&memory(&source), &[1], None)).unwrap();
    assert!(
        plain.contains("\nStatus: \nX-Status: A\nX-Keywords: work $Label1"),
        "{plain}"
    );
    assert!(
        !plain.contains("X-UID: 1")
            && plain.ends_with("\n\nbody\n>From me to you\n>From quoted\nFrom\n\n\n"),
        "{plain}"
    );
}

/// A cheap in-tree fuzz pass (the cargo-fuzz target does more): the oracle
/// files and cases with bytes flipped, cut and spliced must parse, present
/// and rewrite without panicking, and the rewrite must parse back.
#[test]
fn mutated_files_never_panic() {
    let mut seeds: Vec<Vec<u8>> = ["A.mbx", "B.mbx", "D.mbx", "MA.mbx", "MD.mbx"]
        .iter()
        .map(|n| data_file(n))
        .collect();
    let dir = format!("{}/tests/data/unix/cases", env!("CARGO_MANIFEST_DIR"));
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "in") {
            seeds.push(std::fs::read(e.path()).unwrap());
        }
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let alphabet = b"From \r\n\0\x01:XS-UIDtatus";
    for round in 0..3000 {
        let mut d = seeds[round % seeds.len()].clone();
        d.truncate(4096);
        for _ in 0..1 + next(6) {
            match next(4) {
                0 if !d.is_empty() => {
                    let i = next(d.len());
                    d[i] = alphabet[next(alphabet.len())];
                }
                1 if !d.is_empty() => {
                    let i = next(d.len());
                    d.truncate(i);
                }
                2 => {
                    let i = next(d.len() + 1);
                    let piece: &[u8] = if next(2) == 0 {
                        b"\nFrom x Wed Dec  2 05:53:22 1992\n"
                    } else {
                        format::MMDF_DELIMITER
                    };
                    d.splice(i..i, piece.iter().copied());
                }
                _ => {
                    let i = next(d.len() + 1);
                    d.insert(i, alphabet[next(alphabet.len())]);
                }
            }
        }
        let kind = if round % 2 == 0 {
            Kind::Unix
        } else {
            Kind::Mmdf
        };
        if let Some((count, bytes)) = rewritten_kind(kind, &d, &fixed_now(), b"host") {
            // Removing CRs can make a "From " line invalid or valid (as in
            // the original), NULs and ^As are rewritten, a last line gets
            // its newline; without those a rewrite reads back the same.
            let again = rewritten_kind(kind, &bytes, &fixed_now(), b"host");
            if d.last() == Some(&b'\n') && !d.iter().any(|&c| c == b'\r' || c == 0 || c == 1) {
                let (again, _) = again.expect("a rewrite parses");
                assert_eq!(again, count, "{:?}", String::from_utf8_lossy(&d));
            }
            let (mut mb, _) = load_kind(kind, &d);
            let mut ev = Recorder::new();
            for n in 1..=mb.count() {
                let _ = mb.header(n, &mut ev);
                let _ = mb.text(n, &mut ev);
            }
        }
    }
}

#[test]
fn append_to_a_file_writes_what_the_original_appends() {
    // E: two appends to a copy of C, the first with a known keyword, the
    // second with a known and an unknown one.
    let dir = std::env::temp_dir().join(format!("unix-append-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("E");
    std::fs::write(&path, data_file("C.mbx")).unwrap();
    let path = path.as_os_str().as_bytes().to_vec();
    let e = data_file("E.mbx");
    let sender = e
        .split(|&c| c == b'\n')
        .find(|l| l.starts_with(b"From cloudsdk@"))
        .unwrap();
    let sender = sender.split(|&c| c == b' ').nth(1).unwrap();
    let at = sender.iter().position(|&c| c == b'@').unwrap();
    let (user, host) = (&sender[..at], &sender[at + 1..]);
    let one = |text: &[u8], flags, keywords: &[&[u8]], date: &str| AppendMessage {
        flags,
        keywords: keywords.iter().map(|k| k.to_vec()).collect(),
        date: Some(crate::message::date::parse_date(date.as_bytes()).unwrap()),
        message: text.to_vec(),
    };
    let mut ev = Recorder::new();
    let six = one(
        b"Subject: six\r\n\r\nsix\r\n",
        Flags::SEEN,
        &[b"work"],
        "1-Apr-2023 01:02:03 +0000",
    );
    let uids = append_at(Kind::Unix, &path, b"E", &[six], user, host, true, &mut ev)
        .unwrap()
        .unwrap();
    assert_eq!(
        (uids.validity, uids.dest),
        (load(&data_file("C.mbx")).0.uid_validity(), vec![6])
    );
    assert!(ev.logged(Level::Warn).is_empty());
    // The APPENDUID answer comes while the append is critical, before the
    // numbering session's closing checkpoint (itself a critical parse).
    let events = ev.take();
    let at = events
        .iter()
        .position(|e| matches!(e, Event::AppendUids(n, _, d) if n == b"E" && d == &[6]))
        .expect("APPENDUID reported");
    assert_eq!(events[at + 1], Event::Critical(true));
    assert_eq!(events.last(), Some(&Event::Critical(false)));
    let entered = |on: bool| events.iter().filter(|e| **e == Event::Critical(on)).count();
    assert_eq!(entered(true), entered(false));
    // And the message carries the UID it was given.
    assert!(std::fs::read(path_of(&path))
        .unwrap()
        .windows(9)
        .any(|w| w == b"X-UID: 6\n"));
    let seven = one(
        b"Subject: seven\r\n\r\nseven",
        Flags::NONE,
        &[b"$Label1", b"unknownkw"],
        "2-Apr-2023 01:02:03 +0000",
    );
    append_at(
        Kind::Unix,
        &path,
        b"E",
        &[seven],
        user,
        host,
        false,
        &mut ev,
    )
    .unwrap();
    assert_eq!(ev.logged(Level::Warn), vec!["Unknown flag: unknownkw"]);
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(path_of(&path)).unwrap()),
        String::from_utf8_lossy(&e)
    );
    // A zero-length message fails the whole append.
    let empty = one(b"", Flags::NONE, &[], "2-Apr-2023 01:02:03 +0000");
    assert!(append_at(
        Kind::Unix,
        &path,
        b"E",
        &[empty],
        user,
        host,
        false,
        &mut ev
    )
    .is_err());
    assert_eq!(std::fs::read(path_of(&path)).unwrap(), e);
    check_against_report("E");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The part of a file after the pseudo-message's time-stamped lines.
fn after_stamp(b: &[u8]) -> String {
    let p = b.windows(8).position(|w| w == b"\nX-IMAP:").unwrap_or(0);
    String::from_utf8_lossy(&b[p..]).into_owned()
}

#[test]
fn mmdf_stages_match_the_original() {
    let mmdf = Kind::Mmdf;
    let ma = data_file("MA.mbx");
    let (parsed, _) = load_kind(mmdf, &ma);
    // MA: the oracle's appends into a mailbox made by mail_create.
    let sender = ma
        .split(|&c| c == b'\n')
        .find(|l| l.starts_with(b"From cloudsdk@"))
        .unwrap();
    let sender = sender.split(|&c| c == b' ').nth(1).unwrap();
    let at = sender.iter().position(|&c| c == b'@').unwrap();
    let (user, host) = (&sender[..at], &sender[at + 1..]);
    let created = Now {
        secs: i64::from(parsed.uid_validity()),
        ..fixed_now()
    };
    let mut raw = format::create_pseudo_kind(mmdf, &created, host, &[]);
    for (message, flags, date) in oracle_appends() {
        let when = crate::message::date::parse_date(date.as_bytes()).unwrap();
        let cdate = crate::message::date::ctime_date(&when);
        AppendWriter::new(mmdf).write(
            &mut raw,
            user,
            host,
            cdate.as_bytes(),
            flags,
            &[],
            None,
            &message,
        );
    }
    let mut ev = Recorder::new();
    let mb = load_with_kind(mmdf, raw, MailboxState::new(), true, &mut ev);
    assert_eq!(after_stamp(&render(&mb, false).bytes), after_stamp(&ma));
    // MB: flags and keywords changed, checkpointed.
    let (mut mb, _) = load_kind(mmdf, &ma);
    let f = |mb: &UnixMailbox, n: u32| mb.info(n).flags;
    mb.store_flags(&[1], f(&mb, 1).union(Flags::DELETED), 0, false, &mut ev)
        .unwrap();
    let work = mb.keyword_index(b"work", true).unwrap();
    let label = mb.keyword_index(b"$Label1", true).unwrap();
    mb.store_flags(
        &[2],
        f(&mb, 2).minus(Flags::FLAGGED),
        1 << work | 1 << label,
        false,
        &mut ev,
    )
    .unwrap();
    for n in [3, 4] {
        mb.store_flags(&[n], f(&mb, n).union(Flags::SEEN), 0, false, &mut ev)
            .unwrap();
    }
    mb.store_flags(&[5], f(&mb, 5), 1 << label, false, &mut ev)
        .unwrap();
    assert_eq!(
        after_stamp(&render(&mb, false).bytes),
        after_stamp(&data_file("MB.mbx"))
    );
    // MC: expunged.
    let (mb, _) = load_kind(mmdf, &data_file("MB.mbx"));
    let r = render(&mb, true);
    assert_eq!(r.expunged, vec![1, 2]);
    assert_eq!(after_stamp(&r.bytes), after_stamp(&data_file("MC.mbx")));
    // MD: copied into a new MMDF mailbox.
    let (source, _) = load_kind(mmdf, &data_file("MC.mbx"));
    let md = data_file("MD.mbx");
    let (target_view, _) = load_kind(mmdf, &md);
    let mut last = 0;
    let made = Now {
        secs: i64::from(target_view.uid_validity()),
        ..fixed_now()
    };
    let mut target = format::create_pseudo_kind(mmdf, &made, host, &[]);
    target.extend_from_slice(&source.copy_bytes(&memory(&source), &[1, 2], Some(&mut last)));
    let mb = load_with_kind(mmdf, target, MailboxState::new(), true, &mut ev);
    assert_eq!(after_stamp(&render(&mb, false).bytes), after_stamp(&md));
}

#[test]
fn mmdf_append_to_a_file_matches_the_original() {
    let dir = std::env::temp_dir().join(format!("mmdf-append-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ME");
    std::fs::write(&path, data_file("MC.mbx")).unwrap();
    let path = path.as_os_str().as_bytes().to_vec();
    let me = data_file("ME.mbx");
    let one = |text: &[u8], flags, keywords: &[&[u8]], date: &str| AppendMessage {
        flags,
        keywords: keywords.iter().map(|k| k.to_vec()).collect(),
        date: Some(crate::message::date::parse_date(date.as_bytes()).unwrap()),
        message: text.to_vec(),
    };
    let mut ev = Recorder::new();
    let six = one(
        b"Subject: six\r\n\r\nsix\r\n",
        Flags::SEEN,
        &[b"work"],
        "1-Apr-2023 01:02:03 +0000",
    );
    append_at(
        Kind::Mmdf,
        &path,
        b"ME",
        &[six],
        b"cloudsdk",
        b"vm",
        false,
        &mut ev,
    )
    .unwrap();
    let seven = one(
        b"Subject: seven\r\n\r\nseven",
        Flags::NONE,
        &[b"$Label1", b"unknownkw"],
        "2-Apr-2023 01:02:03 +0000",
    );
    append_at(
        Kind::Mmdf,
        &path,
        b"ME",
        &[seven],
        b"cloudsdk",
        b"vm",
        false,
        &mut ev,
    )
    .unwrap();
    assert_eq!(ev.logged(Level::Warn), vec!["Unknown flag: unknownkw"]);
    assert_eq!(
        after_stamp(&std::fs::read(path_of(&path)).unwrap()),
        after_stamp(&me)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn created_mailboxes_hold_only_the_pseudo_message() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("unix-create-test-{}", std::process::id()));
    for kind in [Kind::Unix, Kind::Mmdf] {
        let path = dir.join(kind.name()).join("sub").join("box");
        let path = path.as_os_str().as_bytes().to_vec();
        let mut ev = Recorder::new();
        UnixDriver::create_file(kind, &path, &mut ev).unwrap();
        let meta = std::fs::metadata(path_of(&path)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let data = std::fs::read(path_of(&path)).unwrap();
        assert!(kind.looks_valid(&data));
        let (mb, parse_ev) = load_kind(kind, &data);
        assert_eq!((mb.count(), mb.uid_last()), (0, 0));
        assert!(mb.st.pseudo);
        assert!(parse_ev.logged(Level::Info).is_empty());
        let text = String::from_utf8(data).unwrap();
        assert!(text.contains(&format!(
            "\nX-IMAP: {:010} 0000000000\nStatus: RO\n\n",
            mb.uid_validity()
        )));
        assert!(text.ends_with(match kind {
            Kind::Unix => "initial values.\n\n",
            Kind::Mmdf => "initial values.\n\x01\x01\x01\x01\n",
        }));
        // Creating it again fails as the original does.
        assert!(UnixDriver::create_file(kind, &path, &mut ev).is_err());
        assert!(
            ev.logged(Level::Error)[0].ends_with(": File exists"),
            "{:?}",
            ev.events
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The original's rewrite never writes the newline after the last message
/// when that message's text stays in place: a file that ended right after
/// the text keeps the zero byte the extension put there, while one with
/// the newline keeps it.
#[test]
fn last_message_in_place_keeps_the_byte_after_it() {
    let head: &[u8] = b"From a@b Mon Feb  8 02:53:47 1993\nSubject: x\n\
X-IMAPbase: 1796531541 1\nStatus: RO\nX-Status: \nX-Keywords:                      \n\
X-UID: 1\n\nline1\nbody--\n";
    for (file, end) in [(head.to_vec(), 0u8), ([head, b"\n"].concat(), b'\n')] {
        let (mut mb, _) = load(&file);
        mb.msgs.set_dirty(0, true);
        let r = render(&mb, false);
        assert_eq!(r.bytes, [head, &[end]].concat());
    }
}

#[test]
fn rewrite_ends_after_the_last_message_that_changed() {
    let msg = |n: u32| {
        format!(
            "From a@b Mon Feb  8 02:53:47 1993\nSubject: {n}\nStatus: RO\nX-Status: \n\
X-Keywords:                 \nX-UID: {n}\n\nline {n}\n\n"
        )
    };
    let pseudo = {
        let (mb, _) = load(msg(1).as_bytes());
        let mut st = mb.st.clone();
        st.uid_last = 3;
        format::pseudo_message_kind(Kind::Unix, &st, &fixed_now(), b"host")
    };
    let mut file = pseudo.clone();
    for n in 1..=3 {
        file.extend_from_slice(msg(n).as_bytes());
    }
    let (mut mb, _) = load(&file);
    assert_eq!(mb.count(), 3);
    // Nothing changed: nothing to write.
    let r = render(&mb, false);
    assert_eq!(r.bytes, file);
    assert!(r.changed_end <= pseudo.len(), "{}", r.changed_end);
    // Message 2 marked for rewriting but rendered to the bytes it has.
    mb.msgs.set_dirty(1, true);
    let r = render(&mb, false);
    assert_eq!(r.bytes, file);
    assert!(r.changed_end <= pseudo.len(), "{}", r.changed_end);
    // A flag on message 1 that keeps its length: messages 2 and 3 stay.
    let info = mb.msgs.get(0).info;
    mb.msgs
        .set_flags(0, info.flags.union(Flags::FLAGGED), info.keywords);
    mb.msgs.set_dirty(0, true);
    let r = render(&mb, false);
    assert_ne!(r.bytes, file);
    if r.len == file.len() {
        assert_eq!(r.changed_end, mb.msgs.offset(1));
        assert_eq!(r.bytes[r.changed_end..], file[r.changed_end..]);
    } else {
        assert_eq!(r.changed_end, r.len);
    }
    // Expunging message 2 moves message 3.
    let info = mb.msgs.get(1).info;
    mb.msgs
        .set_flags(1, info.flags.union(Flags::DELETED), info.keywords);
    let r = render(&mb, true);
    assert_eq!(r.changed_end, r.len);
}

/// Parses `data` as a Berkeley file in windows of `window` bytes: the
/// messages, mailbox state and events.
fn parse_in_windows(data: &[u8], window: usize) -> (String, Vec<Event>) {
    let mut ev = Recorder::new();
    let mut mb = UnixMailbox {
        kind: Kind::Unix,
        mtime: 0,
        path: Vec::new(),
        size: data.len(),
        source: Source::Memory(data.to_vec()),
        filetime: 0,
        msgs: Index::new(),
        st: MailboxState::new(),
        recent: 0,
        appending: false,
        session: None,
        silent: false,
        sniff: false,
        dead: false,
        kwd_create: true,
        rewrite_new: false,
        fetched: Default::default(),
    };
    let ok = matches!(mb.absorb(data, 0, window, &mut ev), Ok(true));
    (
        format!("{ok} {:?} {:?} {} {}", mb.msgs, mb.st, mb.recent, mb.dead),
        ev.events,
    )
}

#[test]
fn parse_in_windows_is_one_parse() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let dir = format!("{}/tests/data/unix", env!("CARGO_MANIFEST_DIR"));
    for stage in ["A", "B", "C", "D", "E"] {
        inputs.push(data_file(&format!("{stage}.mbx")));
    }
    for entry in std::fs::read_dir(format!("{dir}/cases")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".in") && !name.starts_with("mmdf-") {
            inputs.push(std::fs::read(&path).unwrap());
        }
    }
    let from = "From someone Wed Dec  2 05:53:22 1992\n";
    inputs.push(
        format!(
            "{from}Subject: a\n\nbody\n\n{from}Subject: no blank\n{from}X-UID: 7\n\
             \n\n{from}\n{from}Status: RO\n \tbogus\n\nFrom in body\n\n{from}\r\n\
             text\r\n\r\n{from}X-Status: F\n\nlast"
        )
        .into_bytes(),
    );
    for data in &inputs {
        let mut whole = parse_in_windows(data, usize::MAX / 4);
        for window in [1, 2, 7, 40, 41, 64, 100, 333, 1000, 4096] {
            let mut got = parse_in_windows(data, window);
            if got != whole {
                // A new mailbox's UID validity is the current second: the
                // clock may have moved on between the two parses. Once more.
                whole = parse_in_windows(data, usize::MAX / 4);
                got = parse_in_windows(data, window);
            }
            assert_eq!(got, whole, "window {window}");
        }
    }
}

/// Lengths past 32 bits are refused, not cut.
#[test]
fn message_index_refuses_what_does_not_fit() {
    let l = |from_len, header_len, text_len| format::Layout {
        offset: 1 << 40,
        from_len,
        header_len,
        text_len,
        header_lf_len: 0,
    };
    let info = MessageInfo::default();
    let m = Message::new(&l(40, 1000, (1 << 32) - 1), info.clone(), true, true).unwrap();
    assert_eq!(m.layout(), l(40, 1000, (1 << 32) - 1));
    assert!(m.dirty() && m.canon());
    assert!(Message::new(&l(40, 1000, 1 << 32), info.clone(), false, false).is_none());
    assert!(Message::new(&l(40, 1 << 32, 0), info.clone(), false, false).is_none());
    assert!(Message::new(&l(1 << 30, 0, 0), info.clone(), false, false).is_none());
    let m = Message::new(&l((1 << 30) - 1, 0, 0), info, false, true).unwrap();
    assert_eq!(m.layout().from_len, (1 << 30) - 1);
    assert!(!m.dirty() && m.canon());
}

#[test]
fn mbox_status_adds_the_system_inbox_to_a_uidnext_at_the_top_of_u32() {
    // ~/mbox's X-IMAPbase leaves the last UID but one to its message
    // (UIDNEXT is then the last UID there is), and the system inbox has a
    // message: STATUS adds it to UIDNEXT as the snarf estimate does
    // (wrapping), without an overflow.
    use crate::env::user::{set_env_string, tests::logged_in};
    use std::os::unix::ffi::OsStrExt;
    let dir = std::env::temp_dir().join(format!("mbox-topuid-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let _g = logged_in(b"me", dir.as_os_str().as_bytes());
    let spool = dir.join("spool");
    set_env_string(
        crate::env::user::code::SYSINBOX,
        spool.as_os_str().as_bytes(),
    );
    let from = "From a@b Mon Jan  1 00:00:00 2001\n";
    std::fs::write(
        dir.join("mbox"),
        format!("{from}X-IMAPbase: 1 4294967293\nStatus: RO\n\nx\n"),
    )
    .unwrap();
    std::fs::write(&spool, format!("{from}Subject: new\n\ny\n")).unwrap();
    let mut ev = Recorder::new();
    let st = mbox::MBOX.status(b"mbox", &mut ev).unwrap();
    assert_eq!(st.recent, Some(1));
    assert_eq!(st.messages, Some(2));
    assert_eq!(st.uid_next, Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
