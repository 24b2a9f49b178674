//! Threading messages (mail.c's thread half): ORDEREDSUBJECT over an
//! already sorted list, and REFERENCES (RFC 5256's algorithm, with the
//! original's handling of duplicate Message-IDs, loops and dummies). The
//! C side (`crate::abi::thread`) gathers the keys from the sort cache and
//! turns the node arena returned here into THREADNODEs.
#![forbid(unsafe_code)]

use super::sort::compare_text;
use std::cmp::Ordering;
use std::collections::HashMap;

/// What the threaders need of one message.
#[derive(Clone, Debug, Default)]
pub struct Msg<'a> {
    /// Message number (date tie-breaker).
    pub num: u64,
    /// Sent date in seconds.
    pub date: u64,
    /// Base subject.
    pub subject: &'a [u8],
    /// Whether the subject had a reply/forward marker.
    pub refwd: bool,
    /// Unique identifier (its Message-ID unless absent or duplicated).
    pub unique: &'a [u8],
    /// Parsed References (or In-Reply-To), oldest first.
    pub references: Vec<&'a [u8]>,
}

/// A node of a thread tree: a message (index into the input) or a dummy.
#[derive(Clone, Copy, Debug, Default)]
pub struct Node {
    /// The message, None for a dummy.
    pub msg: Option<usize>,
    /// Next sibling.
    pub branch: Option<usize>,
    /// First child.
    pub next: Option<usize>,
}

/// A thread forest: nodes and the first root.
#[derive(Clone, Debug, Default)]
pub struct Forest {
    /// All nodes (some may be unreachable).
    pub nodes: Vec<Node>,
    /// First root.
    pub root: Option<usize>,
}

/// For each message in order, whether its Message-ID must give way to a
/// generated identifier because an earlier message already holds it.
/// `ids[i]` is None when the message has no Message-ID (it then takes the
/// generated one, reported as true).
pub fn duplicate_ids(ids: &[Option<&[u8]>], generated: &[&[u8]]) -> Vec<bool> {
    let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let gen = generated.get(i).copied().unwrap_or(b"");
        let (use_gen, key) = match id {
            Some(id) if !seen.contains(id) => (false, *id),
            _ => (true, gen),
        };
        seen.insert(key);
        out.push(use_gen);
    }
    out
}

impl Forest {
    fn new_node(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(Node {
            msg,
            branch: None,
            next: None,
        });
        self.nodes.len() - 1
    }

    /// The message whose date orders a node: its own, or its first
    /// child's for a dummy.
    fn date_key(&self, msgs: &[Msg], mut n: usize) -> (u64, u64) {
        for _ in 0..self.nodes.len() + 1 {
            match self.nodes[n].msg {
                Some(m) => return (msgs[m].date, msgs[m].num),
                None => match self.nodes[n].next {
                    Some(c) => n = c,
                    None => return (0, 0),
                },
            }
        }
        (0, 0)
    }

    /// Sorts a sibling chain by date (then number), returning its head.
    fn sort_chain(&mut self, msgs: &[Msg], head: Option<usize>) -> Option<usize> {
        let mut v = Vec::new();
        let mut cur = head;
        while let Some(c) = cur {
            v.push(c);
            cur = self.nodes[c].branch;
        }
        if v.len() < 2 {
            return head;
        }
        v.sort_by_key(|&a| self.date_key(msgs, a));
        for w in v.windows(2) {
            self.nodes[w[0]].branch = Some(w[1]);
        }
        let last = v[v.len() - 1];
        self.nodes[last].branch = None;
        Some(v[0])
    }

    /// Sorts every level of the tree by date.
    fn sort_tree(&mut self, msgs: &[Msg], head: Option<usize>) -> Option<usize> {
        let mut cur = head;
        while let Some(c) = cur {
            let child = self.nodes[c].next;
            if child.is_some() {
                self.nodes[c].next = self.sort_tree(msgs, child);
            }
            cur = self.nodes[c].branch;
        }
        self.sort_chain(msgs, head)
    }

    /// The last node of a sibling chain.
    fn youngest(&self, mut n: usize) -> usize {
        while let Some(b) = self.nodes[n].branch {
            n = b;
        }
        n
    }
}

/// ORDEREDSUBJECT over messages already sorted by subject then date
/// (`sorted` holds indexes into `msgs`).
pub fn ordered_subject(msgs: &[Msg], sorted: &[usize]) -> Forest {
    let mut f = Forest::default();
    let Some((&first, rest)) = sorted.split_first() else {
        return f;
    };
    let mut top = f.new_node(Some(first));
    f.root = Some(top);
    let mut cur = top;
    for &m in rest {
        let n = f.new_node(Some(m));
        let top_msg = f.nodes[top].msg.unwrap_or(first);
        if compare_text(Some(msgs[top_msg].subject), Some(msgs[m].subject)) != Ordering::Equal {
            f.nodes[top].branch = Some(n);
            top = n;
        } else if cur == top {
            f.nodes[cur].next = Some(n);
        } else {
            f.nodes[cur].branch = Some(n);
        }
        cur = n;
    }
    f.root = f.sort_chain(msgs, f.root);
    f
}

#[derive(Clone, Copy, Default)]
struct Con {
    msg: Option<usize>,
    parent: Option<usize>,
    sibling: Option<usize>,
    child: Option<usize>,
}

struct Containers {
    c: Vec<Con>,
    table: HashMap<Vec<u8>, usize>,
}

impl Containers {
    fn add(&mut self, key: &[u8], msg: Option<usize>) -> usize {
        self.c.push(Con {
            msg,
            ..Con::default()
        });
        let i = self.c.len() - 1;
        self.table.insert(key.to_vec(), i);
        i
    }
    fn lookup_or_add(&mut self, key: &[u8]) -> usize {
        match self.table.get(key) {
            Some(&i) => i,
            None => self.add(key, None),
        }
    }
    /// Whether `mother` is `daughter` or one of its descendants.
    fn descends(&self, mother: Option<usize>, daughter: usize) -> bool {
        let Some(m) = mother else {
            return false;
        };
        let mut stack = vec![daughter];
        while let Some(d) = stack.pop() {
            if d == m {
                return true;
            }
            let mut k = self.c[d].child;
            while let Some(x) = k {
                stack.push(x);
                k = self.c[x].sibling;
            }
        }
        false
    }

    fn prune(&mut self, msg: Option<usize>, ane: Option<usize>) -> Option<usize> {
        let ret = msg.and_then(|m| self.prune_work(m, ane));
        if let Some(r) = ret {
            let mut ane = r;
            while let Some(m) = self.c[ane].sibling {
                match self.prune_work(m, Some(ane)) {
                    Some(x) => ane = x,
                    None => break,
                }
            }
        }
        ret
    }

    fn prune_work(&mut self, mut msg: usize, ane: Option<usize>) -> Option<usize> {
        loop {
            let nxt = self.prune(self.c[msg].child, None);
            if self.c[msg].msg.is_some() {
                self.c[msg].child = nxt;
                return Some(msg);
            }
            match nxt {
                None => {
                    // An empty dummy goes; its younger sister takes its place.
                    let sis = self.c[msg].sibling;
                    if let Some(a) = ane {
                        self.c[a].sibling = sis;
                    }
                    msg = sis?;
                }
                Some(n) => {
                    let cur = self.c[msg].parent;
                    if cur.is_none() && self.c[n].sibling.is_some() {
                        // A root dummy with several children stays.
                        self.c[msg].child = Some(n);
                        return Some(msg);
                    }
                    // Promote the children in the dummy's place.
                    if let Some(a) = ane {
                        self.c[a].sibling = Some(n);
                    } else if let Some(p) = cur {
                        self.c[p].child = Some(n);
                    }
                    self.c[n].parent = cur;
                    let mut last = n;
                    while let Some(s) = self.c[last].sibling {
                        last = s;
                    }
                    self.c[last].sibling = self.c[msg].sibling;
                    msg = n;
                }
            }
        }
    }

    fn to_nodes(&self, f: &mut Forest, con: Option<usize>) -> Option<usize> {
        let mut first = None;
        let mut prev: Option<usize> = None;
        let mut k = con;
        while let Some(c) = k {
            let n = f.new_node(self.c[c].msg);
            match prev {
                Some(p) => f.nodes[p].branch = Some(n),
                None => first = Some(n),
            }
            prev = Some(n);
            if let Some(ch) = self.c[c].child {
                let sub = self.to_nodes(f, Some(ch));
                f.nodes[n].next = sub;
            }
            k = self.c[c].sibling;
        }
        first
    }
}

/// REFERENCES threading of `msgs` (in message order, uniques distinct).
pub fn references(msgs: &[Msg]) -> Forest {
    let mut cs = Containers {
        c: Vec::with_capacity(msgs.len() * 2),
        table: HashMap::new(),
    };
    for (i, m) in msgs.iter().enumerate() {
        cs.add(m.unique, Some(i));
    }
    // Step 1: link each message's references, then the message itself.
    for m in msgs {
        let mut con = None;
        if let Some((first, rest)) = m.references.split_first() {
            let mut c = cs.lookup_or_add(first);
            for r in rest {
                let nxc = cs.lookup_or_add(r);
                if cs.c[nxc].parent.is_none() && !cs.descends(Some(c), nxc) {
                    cs.c[nxc].parent = Some(c);
                    cs.c[nxc].sibling = cs.c[c].child;
                    cs.c[c].child = Some(nxc);
                }
                c = nxc;
            }
            con = Some(c);
        }
        let Some(&nxc) = cs.table.get(m.unique) else {
            continue;
        };
        let mut prc = cs.c[nxc].parent;
        if let Some(p) = prc {
            if Some(p) != con {
                cs.c[nxc].parent = None;
                if cs.c[p].child == Some(nxc) {
                    cs.c[p].child = cs.c[nxc].sibling;
                } else {
                    let mut sib = cs.c[p].child;
                    while let Some(s) = sib {
                        if cs.c[s].sibling == Some(nxc) {
                            cs.c[s].sibling = cs.c[nxc].sibling;
                            break;
                        }
                        sib = cs.c[s].sibling;
                    }
                }
                cs.c[nxc].sibling = None;
                prc = None;
            }
        }
        if prc.is_none() && !cs.descends(con, nxc) {
            cs.c[nxc].parent = con;
            if let Some(p) = con {
                match cs.c[p].child {
                    Some(first) => {
                        let mut y = first;
                        while let Some(s) = cs.c[y].sibling {
                            y = s;
                        }
                        cs.c[y].sibling = Some(nxc);
                    }
                    None => cs.c[p].child = Some(nxc),
                }
            }
        }
    }
    // Step 2: the root set, chained as siblings.
    let mut head = None;
    let mut last: Option<usize> = None;
    for i in 0..cs.c.len() {
        if cs.c[i].parent.is_none() {
            match last {
                Some(l) => cs.c[l].sibling = Some(i),
                None => head = Some(i),
            }
            last = Some(i);
        }
    }
    // Step 3: prune dummies, then make nodes.
    let pruned = cs.prune(head, None);
    let mut f = Forest::default();
    f.root = cs.to_nodes(&mut f, pruned);
    drop(cs);
    // Step 4: roots by date.
    f.root = f.sort_chain(msgs, f.root);
    // Step 5: gather roots by base subject.
    let subject_of = |f: &Forest, n: usize| -> &[u8] {
        let m = f.nodes[n]
            .msg
            .or_else(|| f.nodes[n].next.and_then(|c| f.nodes[c].msg));
        m.map_or(&[][..], |m| msgs[m].subject)
    };
    let refwd = |f: &Forest, n: usize| f.nodes[n].msg.is_some_and(|m| msgs[m].refwd);
    let mut subjects: HashMap<&[u8], usize> = HashMap::new();
    let mut cur = f.root;
    while let Some(c) = cur {
        let t = subject_of(&f, c);
        if !t.is_empty() {
            match subjects.get(t) {
                None => {
                    subjects.insert(t, c);
                }
                Some(&l) => {
                    if f.nodes[l].msg.is_some()
                        && (f.nodes[c].msg.is_none() || (!refwd(&f, c) && refwd(&f, l)))
                    {
                        subjects.insert(t, c);
                    }
                }
            }
        }
        cur = f.nodes[c].branch;
    }
    let mut cur = f.root;
    let mut sis: Option<usize> = None;
    while let Some(c) = cur {
        let t = subject_of(&f, c);
        let lst = if t.is_empty() {
            None
        } else {
            subjects.get(t).copied()
        };
        let msg;
        match lst {
            None => {
                sis = Some(c);
                msg = f.nodes[c].branch;
            }
            Some(l) if l == c => {
                sis = Some(c);
                msg = f.nodes[c].branch;
            }
            Some(l) if f.nodes[l].msg.is_none() => {
                let y = f.nodes[l].next.map(|n| f.youngest(n));
                if f.nodes[c].msg.is_none() {
                    let kids = f.nodes[c].next;
                    match y {
                        Some(y) => f.nodes[y].branch = kids,
                        None => f.nodes[l].next = kids,
                    }
                    msg = f.nodes[c].branch;
                    f.nodes[c].branch = None;
                    f.nodes[c].next = None;
                } else {
                    match y {
                        Some(y) => f.nodes[y].branch = Some(c),
                        None => f.nodes[l].next = Some(c),
                    }
                    msg = f.nodes[c].branch;
                    f.nodes[c].branch = None;
                }
            }
            Some(l) => {
                if refwd(&f, c) && !refwd(&f, l) {
                    match f.nodes[l].next {
                        Some(n) => {
                            let y = f.youngest(n);
                            f.nodes[y].branch = Some(c);
                        }
                        None => f.nodes[l].next = Some(c),
                    }
                } else {
                    let d = f.new_node(None);
                    if Some(l) == f.root {
                        f.root = f.nodes[l].branch;
                        if Some(l) == sis {
                            sis = None;
                        }
                    } else {
                        let mut n = f.root;
                        while let Some(x) = n {
                            if f.nodes[x].branch == Some(l) {
                                f.nodes[x].branch = f.nodes[l].branch;
                                break;
                            }
                            n = f.nodes[x].branch;
                        }
                    }
                    f.nodes[d].next = Some(l);
                    f.nodes[l].branch = Some(c);
                    if let Some(mut s) = sis {
                        if s == l {
                            let mut n = f.root;
                            while let Some(x) = n {
                                if f.nodes[x].branch == Some(c) {
                                    break;
                                }
                                n = f.nodes[x].branch;
                            }
                            s = n.unwrap_or(s);
                        }
                        f.nodes[s].branch = Some(d);
                    } else {
                        f.root = Some(d);
                    }
                    subjects.insert(t, d);
                    sis = Some(d);
                }
                msg = f.nodes[c].branch;
                f.nodes[c].branch = None;
            }
        }
        match sis {
            Some(s) => f.nodes[s].branch = msg,
            None => f.root = msg,
        }
        cur = msg;
    }
    // Step 6: every level by date.
    f.root = f.sort_tree(msgs, f.root);
    f
}

/// Runs `work` on a thread with a stack deep enough for the recursive
/// steps over very long reference chains.
pub fn with_deep_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(s, work)
        {
            Ok(h) => match h.join() {
                Ok(v) => v,
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(_) => panic!("no thread for threading"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(num: u64, date: u64, subject: &'a str, unique: &'a str, refs: &[&'a str]) -> Msg<'a> {
        Msg {
            num,
            date,
            subject: subject.as_bytes(),
            refwd: false,
            unique: unique.as_bytes(),
            references: refs.iter().map(|r| r.as_bytes()).collect(),
        }
    }

    fn show(f: &Forest, msgs: &[Msg], n: Option<usize>, out: &mut String) {
        let mut k = n;
        while let Some(x) = k {
            out.push('(');
            match f.nodes[x].msg {
                Some(i) => out.push_str(&msgs[i].num.to_string()),
                None => out.push('-'),
            }
            show(f, msgs, f.nodes[x].next, out);
            out.push(')');
            k = f.nodes[x].branch;
        }
    }

    #[test]
    fn simple_references() {
        let msgs = vec![
            m(1, 10, "a", "1@x", &[]),
            m(2, 20, "a", "2@x", &["1@x"]),
            m(3, 30, "b", "3@x", &["1@x", "2@x"]),
            m(4, 5, "c", "4@x", &["9@x"]),
            m(5, 6, "c", "5@x", &["9@x"]),
        ];
        let f = references(&msgs);
        let mut s = String::new();
        show(&f, &msgs, f.root, &mut s);
        assert_eq!(s, "(-(4)(5))(1(2(3)))");
    }

    #[test]
    fn loops_do_not_hang() {
        let msgs = vec![m(1, 1, "a", "1@x", &["2@x"]), m(2, 2, "a", "2@x", &["1@x"])];
        let f = references(&msgs);
        let mut s = String::new();
        show(&f, &msgs, f.root, &mut s);
        assert!(s.contains('1') && s.contains('2'));
    }
}
