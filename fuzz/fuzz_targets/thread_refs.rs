#![no_main]
//! The thread builders over fuzzed message sets. Input: one message a
//! line, fields split by '|': Message-ID, References, Subject, Date (any
//! bytes). References are split at blanks (so loops, self references,
//! repeats and duplicate Message-IDs come naturally), subjects go through
//! the base-subject rules, dates through the date parser. Checks: no
//! panic; REFERENCES and ORDEREDSUBJECT trees hold every message exactly
//! once, have no cycle, and only dummies without a message.
use c_client::message::date::{long_date, parse_date_with};
use c_client::query::sort::{compare_text, strip_subject};
use c_client::query::thread::{duplicate_ids, ordered_subject, references, Forest, Msg};
use libfuzzer_sys::fuzz_target;

/// Every message of the forest once; nodes visited at most once.
fn check(f: &Forest, n: usize) {
    let mut seen_node = vec![false; f.nodes.len()];
    let mut seen_msg = vec![false; n];
    let mut stack: Vec<usize> = f.root.into_iter().collect();
    while let Some(x) = stack.pop() {
        assert!(!seen_node[x], "node reached twice (cycle or shared node)");
        seen_node[x] = true;
        let node = f.nodes[x];
        if let Some(m) = node.msg {
            assert!(!seen_msg[m], "message {m} twice in the tree");
            seen_msg[m] = true;
        } else {
            assert!(node.next.is_some(), "a dummy without children");
        }
        stack.extend(node.branch);
        stack.extend(node.next);
    }
    assert!(seen_msg.iter().all(|&b| b), "a message is missing from the tree");
}

fuzz_target!(|data: &[u8]| {
    let lines: Vec<&[u8]> = data.split(|&c| c == b'\n').take(2000).collect();
    let mut fields = Vec::new();
    for l in &lines {
        let mut f = l.splitn(4, |&c| c == b'|');
        let id = f.next().unwrap_or(b"");
        let refs = f.next().unwrap_or(b"");
        let subject = f.next().unwrap_or(b"");
        let date = f.next().unwrap_or(b"");
        fields.push((id, refs, strip_subject(subject), date));
    }
    // Generated identifiers for absent or repeated Message-IDs, as the
    // library makes them (mailbox, validity, UID, host).
    let generated: Vec<Vec<u8>> = (0..fields.len())
        .map(|i| format!("box.1.{:x}@host", i + 1).into_bytes())
        .collect();
    let ids: Vec<Option<&[u8]>> = fields
        .iter()
        .map(|(id, ..)| if id.is_empty() { None } else { Some(*id) })
        .collect();
    let gen_refs: Vec<&[u8]> = generated.iter().map(|g| g.as_slice()).collect();
    let dup = duplicate_ids(&ids, |i| gen_refs[i].to_vec());
    let msgs: Vec<Msg> = fields
        .iter()
        .enumerate()
        .map(|(i, (id, refs, (base, refwd), date))| Msg {
            num: i as u64 + 1,
            date: parse_date_with(date, || 0).map_or(1, |d| long_date(&d)),
            subject: base,
            refwd: *refwd,
            unique: if dup[i] { &generated[i] } else { id },
            references: refs
                .split(|c| c.is_ascii_whitespace())
                .filter(|r| !r.is_empty())
                .collect(),
        })
        .collect();
    // The uniques are distinct (a fuzzed Message-ID may equal a generated
    // identifier: the C side has the same case, and the later one yields).
    let mut uniq = std::collections::HashSet::new();
    if !msgs.iter().all(|m| uniq.insert(m.unique)) {
        return;
    }
    check(&references(&msgs), msgs.len());
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by(|&a, &b| {
        compare_text(Some(msgs[a].subject), Some(msgs[b].subject))
            .then(msgs[a].date.cmp(&msgs[b].date))
            .then(msgs[a].num.cmp(&msgs[b].num))
    });
    check(&ordered_subject(&msgs, &order), msgs.len());
});
