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
    /// Parsed References (or In-Reply-To), oldest first; borrowed from one
    /// list shared by all messages where the caller has one.
    pub references: std::borrow::Cow<'a, [&'a [u8]]>,
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
/// generated identifier because an earlier message already holds it (or
/// an earlier generated one equals it). `ids[i]` is None when the message
/// has no Message-ID (it then takes the generated one, reported as true).
/// `generated(i)` makes message `i`'s identifier; it is called only for
/// the messages that take one (the original makes one for every message
/// and keeps only those).
pub fn duplicate_ids(ids: &[Option<&[u8]>], generated: impl Fn(usize) -> Vec<u8>) -> Vec<bool> {
    let mut seen: std::collections::HashSet<&[u8]> =
        std::collections::HashSet::with_capacity(ids.len());
    // The few generated identifiers, owned here.
    let mut made: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        // One hash per message when its Message-ID is new.
        let use_gen = match id {
            Some(id) if !made.contains(*id) && seen.insert(id) => false,
            _ => {
                let g = generated(i);
                if !seen.contains(g.as_slice()) {
                    made.insert(g);
                }
                true
            }
        };
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
    fn date_key(&self, key: &impl Fn(usize) -> (u64, u64), mut n: usize) -> (u64, u64) {
        for _ in 0..self.nodes.len() + 1 {
            match self.nodes[n].msg {
                Some(m) => return key(m),
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
        self.sort_chain_by(&|m| (msgs[m].date, msgs[m].num), head)
    }

    /// [`Forest::sort_chain`] with each message's date and number from `key`.
    fn sort_chain_by(
        &mut self,
        key: &impl Fn(usize) -> (u64, u64),
        head: Option<usize>,
    ) -> Option<usize> {
        let mut v = Vec::new();
        let mut cur = head;
        while let Some(c) = cur {
            v.push(c);
            cur = self.nodes[c].branch;
        }
        if v.len() < 2 {
            return head;
        }
        v.sort_by_key(|&a| self.date_key(key, a));
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
    ordered_subject_by(
        sorted.iter().copied(),
        |a, b| compare_text(Some(msgs[a].subject), Some(msgs[b].subject)) == Ordering::Equal,
        |m| (msgs[m].date, msgs[m].num),
    )
}

/// [`ordered_subject`] of the messages `sorted` yields (by subject, then
/// date), told apart through `same_subject` (whether two messages' base
/// subjects compare equal) and `key` (a message's date and number), so
/// that the caller need not build a [`Msg`] for each.
pub fn ordered_subject_by(
    sorted: impl ExactSizeIterator<Item = usize>,
    same_subject: impl Fn(usize, usize) -> bool,
    key: impl Fn(usize) -> (u64, u64),
) -> Forest {
    let msgs: Vec<usize> = sorted.collect();
    let runs = ordered_subject_runs(
        msgs.len(),
        |a, b| same_subject(msgs[a], msgs[b]),
        |p| key(msgs[p]),
    );
    // Node k is the k-th sorted message: each thread's first message, its
    // first reply as `next`, the other replies chained by `branch`, the
    // threads chained by `branch` in thread order.
    let mut f = Forest {
        nodes: msgs
            .iter()
            .map(|&m| Node {
                msg: Some(m),
                branch: None,
                next: None,
            })
            .collect(),
        root: None,
    };
    let mut prev: Option<usize> = None;
    for &(s, l) in &runs {
        let (s, l) = (s as usize, l as usize);
        if l > 1 {
            f.nodes[s].next = Some(s + 1);
        }
        for j in s + 1..s + l - 1 {
            f.nodes[j].branch = Some(j + 1);
        }
        match prev {
            None => f.root = Some(s),
            Some(p) => f.nodes[p].branch = Some(s),
        }
        prev = Some(s);
    }
    f
}

/// ORDEREDSUBJECT's threads over `n` messages sorted by subject then
/// date (positions 0..n): a thread is a run of messages whose base
/// subject equals the run's first one (`same_subject(first, position)`).
/// The runs as (first position, length), in thread order: by the date and
/// number `key` gives for each run's first message, equal keys in sorted
/// order. Only the runs are kept (the caller makes the nodes).
pub fn ordered_subject_runs(
    n: usize,
    same_subject: impl Fn(usize, usize) -> bool,
    key: impl Fn(usize) -> (u64, u64),
) -> Vec<(u32, u32)> {
    let pos = |p: usize| u32::try_from(p).expect("message position");
    let mut runs = Vec::new();
    let mut start = 0;
    for p in 1..=n {
        if p == n || !same_subject(start, p) {
            runs.push((pos(start), pos(p - start)));
            start = p;
        }
    }
    runs.sort_by_key(|&(s, _)| key(s as usize));
    runs
}

/// An optional container index in four bytes (`u32::MAX` for none): the
/// containers are the larger part of REFERENCES' own memory.
#[derive(Clone, Copy)]
struct Link(u32);

impl Default for Link {
    fn default() -> Link {
        Link(u32::MAX)
    }
}

impl Link {
    fn get(self) -> Option<usize> {
        (self.0 != u32::MAX).then_some(self.0 as usize)
    }
    fn from(v: Option<usize>) -> Link {
        // More than four thousand million containers cannot be allocated
        // (24 bytes each); a panic is stopped at the C boundary anyway.
        Link(v.map_or(u32::MAX, |v| {
            u32::try_from(v)
                .ok()
                .filter(|&v| v != u32::MAX)
                .expect("container index")
        }))
    }
}

#[derive(Clone, Copy, Default)]
struct Con {
    msg: Link,
    parent: Link,
    sibling: Link,
    child: Link,
    /// Elder sister (kept during step 1 only, for O(1) unlinking).
    prev: Link,
    /// Youngest child (kept during step 1 only, for O(1) appending).
    last: Link,
}

macro_rules! con_fields {
    ($($get:ident $set:ident),*) => {
        impl Con {
            $(
                #[inline]
                fn $get(&self) -> Option<usize> {
                    self.$get.get()
                }
                #[inline]
                fn $set(&mut self, v: Option<usize>) {
                    self.$get = Link::from(v);
                }
            )*
        }
    };
}

impl Con {
    #[inline]
    fn msg(&self) -> Option<usize> {
        self.msg.get()
    }
}

con_fields!(
    parent set_parent,
    sibling set_sibling,
    child set_child,
    prev set_prev,
    last set_last
);

struct Containers<'a> {
    c: Vec<Con>,
    table: HashMap<&'a [u8], usize>,
}

impl<'a> Containers<'a> {
    fn add(&mut self, key: &'a [u8], msg: Option<usize>) -> usize {
        self.c.push(Con {
            msg: Link::from(msg),
            ..Con::default()
        });
        let i = self.c.len() - 1;
        self.table.insert(key, i);
        i
    }
    fn lookup_or_add(&mut self, key: &'a [u8]) -> usize {
        match self.table.get(key) {
            Some(&i) => i,
            None => self.add(key, None),
        }
    }
    /// Whether `mother` is `daughter` or one of its descendants: walks up
    /// from `mother` and through `daughter`'s subtree in turns, one step
    /// each, so the cost is that of the shorter walk (the subtree alone,
    /// as the original searches it, is quadratic over long chains; the
    /// ancestry alone, over wide trees). Parent links mirror the child
    /// lists during step 1, so both walks give the same answer.
    fn descends(&self, mother: Option<usize>, daughter: usize) -> bool {
        let Some(m) = mother else {
            return false;
        };
        let mut up = Some(m);
        // Subtree walk: (node, whether its younger sisters follow).
        let mut stack = vec![(daughter, false)];
        loop {
            match up {
                Some(u) if u == daughter => return true,
                Some(u) => up = self.c[u].parent(),
                None => return false,
            }
            match stack.pop() {
                Some((d, _)) if d == m => return true,
                Some((d, sisters)) => {
                    if sisters {
                        if let Some(s) = self.c[d].sibling() {
                            stack.push((s, true));
                        }
                    }
                    if let Some(k) = self.c[d].child() {
                        stack.push((k, true));
                    }
                }
                None => return false,
            }
        }
    }

    /// The original's form of `descends` (its subtree walk only).
    #[cfg(test)]
    fn descends_naive(&self, mother: Option<usize>, daughter: usize) -> bool {
        let Some(m) = mother else {
            return false;
        };
        let mut stack = vec![daughter];
        while let Some(d) = stack.pop() {
            if d == m {
                return true;
            }
            let mut k = self.c[d].child();
            while let Some(x) = k {
                stack.push(x);
                k = self.c[x].sibling();
            }
        }
        false
    }

    /// Whether the tree under the sibling chain `head` has more than
    /// `limit` levels (a walk with its own stack: one entry a level).
    fn deeper_than(&self, head: Option<usize>, limit: usize) -> bool {
        let mut stack: Vec<(usize, usize)> = head.map(|h| (h, 1)).into_iter().collect();
        while let Some((n, d)) = stack.pop() {
            if d > limit {
                return true;
            }
            if let Some(s) = self.c[n].sibling() {
                stack.push((s, d));
            }
            if let Some(c) = self.c[n].child() {
                stack.push((c, d + 1));
            }
        }
        false
    }

    fn prune(&mut self, msg: Option<usize>, ane: Option<usize>) -> Option<usize> {
        let ret = msg.and_then(|m| self.prune_work(m, ane));
        if let Some(r) = ret {
            let mut ane = r;
            while let Some(m) = self.c[ane].sibling() {
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
            let nxt = self.prune(self.c[msg].child(), None);
            if self.c[msg].msg().is_some() {
                self.c[msg].set_child(nxt);
                return Some(msg);
            }
            match nxt {
                None => {
                    // An empty dummy goes; its younger sister takes its place.
                    let sis = self.c[msg].sibling();
                    if let Some(a) = ane {
                        self.c[a].set_sibling(sis);
                    }
                    msg = sis?;
                }
                Some(n) => {
                    let cur = self.c[msg].parent();
                    if cur.is_none() && self.c[n].sibling().is_some() {
                        // A root dummy with several children stays.
                        self.c[msg].set_child(Some(n));
                        return Some(msg);
                    }
                    // Promote the children in the dummy's place.
                    if let Some(a) = ane {
                        self.c[a].set_sibling(Some(n));
                    } else if let Some(p) = cur {
                        self.c[p].set_child(Some(n));
                    }
                    self.c[n].set_parent(cur);
                    let mut last = n;
                    while let Some(s) = self.c[last].sibling() {
                        last = s;
                    }
                    let after = self.c[msg].sibling();
                    self.c[last].set_sibling(after);
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
            let n = f.new_node(self.c[c].msg());
            match prev {
                Some(p) => f.nodes[p].branch = Some(n),
                None => first = Some(n),
            }
            prev = Some(n);
            if let Some(ch) = self.c[c].child() {
                let sub = self.to_nodes(f, Some(ch));
                f.nodes[n].next = sub;
            }
            k = self.c[c].sibling();
        }
        first
    }
}

/// REFERENCES threading of `msgs` (in message order, uniques distinct).
pub fn references(msgs: &[Msg]) -> Forest {
    references_impl(msgs, false)
}

/// Step 1 as the original words it: sister lists walked to append and
/// unlink, the loop check through the whole subtree. Kept to check the
/// linear version against.
#[cfg(test)]
fn link_naive<'a>(cs: &mut Containers<'a>, msgs: &[Msg<'a>]) {
    for m in msgs {
        let mut con = None;
        if let Some((first, rest)) = m.references.split_first() {
            let mut c = cs.lookup_or_add(first);
            for r in rest {
                let nxc = cs.lookup_or_add(r);
                if cs.c[nxc].parent().is_none() && !cs.descends_naive(Some(c), nxc) {
                    cs.c[nxc].set_parent(Some(c));
                    let v = cs.c[c].child();
                    cs.c[nxc].set_sibling(v);
                    cs.c[c].set_child(Some(nxc));
                }
                c = nxc;
            }
            con = Some(c);
        }
        let Some(&nxc) = cs.table.get(m.unique) else {
            continue;
        };
        let mut prc = cs.c[nxc].parent();
        if let Some(p) = prc {
            if Some(p) != con {
                cs.c[nxc].set_parent(None);
                if cs.c[p].child() == Some(nxc) {
                    let v = cs.c[nxc].sibling();
                    cs.c[p].set_child(v);
                } else {
                    let mut sib = cs.c[p].child();
                    while let Some(s) = sib {
                        if cs.c[s].sibling() == Some(nxc) {
                            let v = cs.c[nxc].sibling();
                            cs.c[s].set_sibling(v);
                            break;
                        }
                        sib = cs.c[s].sibling();
                    }
                }
                cs.c[nxc].set_sibling(None);
                prc = None;
            }
        }
        if prc.is_none() && !cs.descends_naive(con, nxc) {
            cs.c[nxc].set_parent(con);
            if let Some(p) = con {
                match cs.c[p].child() {
                    Some(first) => {
                        let mut y = first;
                        while let Some(s) = cs.c[y].sibling() {
                            y = s;
                        }
                        cs.c[y].set_sibling(Some(nxc));
                    }
                    None => cs.c[p].set_child(Some(nxc)),
                }
            }
        }
    }
}

/// Step 1: link each message's references, then the message itself (a
/// message's container leaving a parent it does not name). Elder-sister
/// and youngest-child links make appending and unlinking O(1); the result
/// is that of `link_naive`.
fn link<'a>(cs: &mut Containers<'a>, msgs: &[Msg<'a>]) {
    for m in msgs {
        let mut con = None;
        if let Some((first, rest)) = m.references.split_first() {
            let mut c = cs.lookup_or_add(first);
            for r in rest {
                let nxc = cs.lookup_or_add(r);
                if cs.c[nxc].parent().is_none() && !cs.descends(Some(c), nxc) {
                    // Becomes the eldest child.
                    let old = cs.c[c].child();
                    cs.c[nxc].set_parent(Some(c));
                    cs.c[nxc].set_sibling(old);
                    cs.c[nxc].set_prev(None);
                    match old {
                        Some(o) => cs.c[o].set_prev(Some(nxc)),
                        None => cs.c[c].set_last(Some(nxc)),
                    }
                    cs.c[c].set_child(Some(nxc));
                }
                c = nxc;
            }
            con = Some(c);
        }
        let Some(&nxc) = cs.table.get(m.unique) else {
            continue;
        };
        let mut prc = cs.c[nxc].parent();
        if let Some(p) = prc {
            if Some(p) != con {
                let (before, after) = (cs.c[nxc].prev(), cs.c[nxc].sibling());
                match before {
                    Some(b) => cs.c[b].set_sibling(after),
                    None => cs.c[p].set_child(after),
                }
                match after {
                    Some(a) => cs.c[a].set_prev(before),
                    None => cs.c[p].set_last(before),
                }
                cs.c[nxc].set_parent(None);
                cs.c[nxc].set_sibling(None);
                cs.c[nxc].set_prev(None);
                prc = None;
            }
        }
        if prc.is_none() && !cs.descends(con, nxc) {
            cs.c[nxc].set_parent(con);
            if let Some(p) = con {
                match cs.c[p].last() {
                    Some(y) => {
                        cs.c[y].set_sibling(Some(nxc));
                        cs.c[nxc].set_prev(Some(y));
                    }
                    None => {
                        cs.c[p].set_child(Some(nxc));
                        cs.c[nxc].set_prev(None);
                    }
                }
                cs.c[p].set_last(Some(nxc));
            }
        }
    }
}

fn references_impl(msgs: &[Msg], naive: bool) -> Forest {
    let mut cs = Containers {
        c: Vec::with_capacity(msgs.len() * 2),
        table: HashMap::with_capacity(msgs.len() * 2),
    };
    for (i, m) in msgs.iter().enumerate() {
        cs.add(m.unique, Some(i));
    }
    #[cfg(test)]
    if naive {
        link_naive(&mut cs, msgs);
    } else {
        link(&mut cs, msgs);
    }
    #[cfg(not(test))]
    {
        let _ = naive;
        link(&mut cs, msgs);
    }
    // The identifier table is not needed past step 1; the tree and the
    // threads made from it come on top of it otherwise.
    cs.table = HashMap::new();
    // Step 2: the root set, chained as siblings.
    let mut head = None;
    let mut last: Option<usize> = None;
    for i in 0..cs.c.len() {
        if cs.c[i].parent().is_none() {
            match last {
                Some(l) => cs.c[l].set_sibling(Some(i)),
                None => head = Some(i),
            }
            last = Some(i);
        }
    }
    // Steps 3 to 6 recurse once per level of the tree: on the caller's
    // stack when the tree is shallow (as mail is), else on a thread with
    // a deep stack (whose allocations would come from a fresh heap).
    if cs.deeper_than(head, SHALLOW) {
        with_deep_stack(move || finish(cs, head, msgs, naive))
    } else {
        finish(cs, head, msgs, naive)
    }
}

/// Tree depth up to which the recursive steps run on the caller's stack
/// (a few hundred bytes a level).
const SHALLOW: usize = 200;

/// Steps 3 to 6 of REFERENCES threading on the linked containers.
fn finish<'a>(
    mut cs: Containers<'a>,
    head: Option<usize>,
    msgs: &[Msg<'a>],
    naive: bool,
) -> Forest {
    // Step 3: prune dummies, then make nodes.
    let pruned = cs.prune(head, None);
    let mut f = Forest {
        nodes: Vec::with_capacity(cs.c.len()),
        root: None,
    };
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
    // Youngest child of a node, remembered once found: gathering many
    // roots of one subject under a dummy appends each in turn, and the
    // original walks the whole sister list every time.
    let mut youngest: HashMap<usize, usize> = HashMap::new();
    let last_child = |f: &Forest, youngest: &mut HashMap<usize, usize>, n: usize| {
        if naive {
            return f.nodes[n].next.map(|k| f.youngest(k));
        }
        if let Some(&y) = youngest.get(&n) {
            return Some(y);
        }
        let y = f.nodes[n].next.map(|k| f.youngest(k))?;
        youngest.insert(n, y);
        Some(y)
    };
    // Elder sister of each root (None for the first), so taking a root
    // out of the list does not walk it from the start.
    let mut pred: Vec<Option<usize>> = vec![None; f.nodes.len()];
    let mut k = f.root;
    while let Some(x) = k {
        if let Some(b) = f.nodes[x].branch {
            pred[b] = Some(x);
        }
        k = f.nodes[x].branch;
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
                let y = last_child(&f, &mut youngest, l);
                if f.nodes[c].msg.is_none() {
                    let kids = f.nodes[c].next;
                    match y {
                        Some(y) => f.nodes[y].branch = kids,
                        None => f.nodes[l].next = kids,
                    }
                    if let Some(k) = kids {
                        let z = f.youngest(k);
                        youngest.insert(l, z);
                    }
                    msg = f.nodes[c].branch;
                    f.nodes[c].branch = None;
                    f.nodes[c].next = None;
                } else {
                    match y {
                        Some(y) => f.nodes[y].branch = Some(c),
                        None => f.nodes[l].next = Some(c),
                    }
                    youngest.insert(l, c);
                    msg = f.nodes[c].branch;
                    f.nodes[c].branch = None;
                }
            }
            Some(l) => {
                if refwd(&f, c) && !refwd(&f, l) {
                    match last_child(&f, &mut youngest, l) {
                        Some(y) => f.nodes[y].branch = Some(c),
                        None => f.nodes[l].next = Some(c),
                    }
                    youngest.insert(l, c);
                } else {
                    let d = f.new_node(None);
                    pred.push(None);
                    let after = f.nodes[l].branch;
                    if Some(l) == f.root {
                        f.root = after;
                        if let Some(a) = after {
                            pred[a] = None;
                        }
                        if Some(l) == sis {
                            sis = None;
                        }
                    } else {
                        let before = if naive {
                            let mut n = f.root;
                            while let Some(x) = n {
                                if f.nodes[x].branch == Some(l) {
                                    break;
                                }
                                n = f.nodes[x].branch;
                            }
                            n
                        } else {
                            pred[l]
                        };
                        if let Some(x) = before {
                            f.nodes[x].branch = after;
                            if let Some(a) = after {
                                pred[a] = Some(x);
                            }
                        }
                    }
                    f.nodes[d].next = Some(l);
                    f.nodes[l].branch = Some(c);
                    youngest.insert(d, c);
                    if let Some(mut s) = sis {
                        if s == l {
                            let found = if naive {
                                let mut n = f.root;
                                while let Some(x) = n {
                                    if f.nodes[x].branch == Some(c) {
                                        break;
                                    }
                                    n = f.nodes[x].branch;
                                }
                                n
                            } else {
                                pred[c]
                            };
                            s = found.unwrap_or(s);
                        }
                        f.nodes[s].branch = Some(d);
                        pred[d] = Some(s);
                    } else {
                        f.root = Some(d);
                        pred[d] = None;
                    }
                    subjects.insert(t, d);
                    sis = Some(d);
                }
                msg = f.nodes[c].branch;
                f.nodes[c].branch = None;
            }
        }
        match sis {
            Some(s) => {
                f.nodes[s].branch = msg;
                if let Some(m) = msg {
                    pred[m] = Some(s);
                }
            }
            None => {
                f.root = msg;
                if let Some(m) = msg {
                    pred[m] = None;
                }
            }
        }
        cur = msg;
    }
    // Step 6: every level by date.
    f.root = f.sort_tree(msgs, f.root);
    f
}

/// The common shape of a message identifier, `<local@domain>` with both
/// sides dot-separated runs of plain characters (letters, digits and
/// `-_+$#&*/~%!`), optionally after blanks: the identifier as
/// "local@domain" and where the text continues past the `>` and any
/// blanks (None at its end), which is what the general parser
/// (`mail_thread_parse_msgid`) gives for such text. None for anything
/// else (comments, quotes, phrases, routes, ...): parse it in full.
pub fn simple_msgid(s: &[u8]) -> Option<(&[u8], &[u8], Option<usize>)> {
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let plain = |c: u8| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'_' | b'+' | b'$' | b'#' | b'&' | b'*' | b'/' | b'~' | b'%' | b'!'
            )
    };
    // A dot-separated run of plain words from `i`: its end.
    let dotted = |mut i: usize| -> Option<usize> {
        loop {
            let start = i;
            while i < s.len() && plain(s[i]) {
                i += 1;
            }
            if i == start {
                return None;
            }
            if s.get(i) != Some(&b'.') {
                return Some(i);
            }
            i += 1;
        }
    };
    let mut i = 0;
    while i < s.len() && blank(s[i]) {
        i += 1;
    }
    if s.get(i) != Some(&b'<') {
        return None;
    }
    let ls = i + 1;
    let le = dotted(ls)?;
    if s.get(le) != Some(&b'@') {
        return None;
    }
    let ds = le + 1;
    let de = dotted(ds)?;
    if s.get(de) != Some(&b'>') {
        return None;
    }
    let mut r = de + 1;
    while r < s.len() && blank(s[r]) {
        r += 1;
    }
    match s.get(r) {
        None | Some(0) => Some((&s[ls..le], &s[ds..de], None)),
        Some(b'(') => None,
        Some(_) => Some((&s[ls..le], &s[ds..de], Some(r))),
    }
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

    /// `mail_thread_parse_msgid`'s general path on the core parsers: the
    /// identifier and where the text continues.
    fn msgid_in_full(text: &[u8]) -> (Option<Vec<u8>>, Option<usize>) {
        use crate::message::{address, lex, model::Collect};
        let mut b = text.to_vec();
        b.push(0);
        let mut env = Collect::default();
        let mut s = 0;
        lex::skipws(&mut b, &mut s, &mut env);
        let mut s = Some(s);
        if b[s.unwrap()] != b'<' {
            s = lex::parse_phrase(&mut b, s, &mut env);
        }
        if s.is_none() {
            return (None, None);
        }
        let mut r = None;
        let Some(a) =
            address::parse_routeaddr(&mut b, s, &mut r, Some(b".MISSING-HOST-NAME."), &mut env)
        else {
            return (None, None);
        };
        let id = match (&a[0].mailbox, &a[0].host) {
            (Some(m), Some(h)) => Some([&m[..], b"@", &h[..]].concat()),
            _ => None,
        };
        (id, r)
    }

    #[test]
    fn simple_identifiers_parse_as_in_full() {
        let parts: [&[u8]; 14] = [
            b"<", b">", b"a", b"Z9", b"@", b".", b" ", b"\t", b"-_+", b"=", b"(c)", b"\"q\"",
            b"\r\n", b"x>",
        ];
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        let mut fast = 0;
        while let Some((v, depth)) = stack.pop() {
            if let Some((m, h, end)) = simple_msgid(&v) {
                let id = [m, b"@", h].concat();
                assert_eq!(
                    (Some(id), end),
                    msgid_in_full(&v),
                    "{:?}",
                    String::from_utf8_lossy(&v)
                );
                fast += 1;
            }
            if depth < 6 {
                for p in parts {
                    let mut w = v.clone();
                    w.extend_from_slice(p);
                    stack.push((w, depth + 1));
                }
            }
        }
        assert!(fast > 1000, "{fast}");
    }

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

    /// Small deterministic generator (xorshift64*).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n.max(1)
        }
    }

    #[test]
    fn linear_steps_match_the_original_walks() {
        let ids: Vec<String> = (0..40).map(|i| format!("{i}@x")).collect();
        let subjects = ["a", "b", "c", "", "d"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..3000 {
            let n = 1 + rng.next(if round % 10 == 0 { 120 } else { 30 }) as usize;
            let pool = 1 + rng.next(40) as usize;
            let mut msgs = Vec::new();
            let mut used = std::collections::HashSet::new();
            for i in 0..n {
                // Uniques are distinct, as the C side makes them.
                let mut u = rng.next(pool as u64) as usize;
                while !used.insert(u) {
                    u = (u + 1) % 40;
                }
                let nrefs = rng.next(6) as usize;
                let refs = (0..nrefs)
                    .map(|_| ids[rng.next(pool as u64 + 3) as usize % 40].as_bytes())
                    .collect();
                msgs.push(Msg {
                    num: i as u64 + 1,
                    date: rng.next(8),
                    subject: subjects[rng.next(5) as usize].as_bytes(),
                    refwd: rng.next(2) == 1,
                    unique: ids[u].as_bytes(),
                    references: refs,
                });
                if used.len() >= 40 {
                    break;
                }
            }
            let (a, b) = (references_impl(&msgs, true), references_impl(&msgs, false));
            let (mut sa, mut sb) = (String::new(), String::new());
            show(&a, &msgs, a.root, &mut sa);
            show(&b, &msgs, b.root, &mut sb);
            assert_eq!(sa, sb, "round {round}");
        }
    }

    #[test]
    fn wide_and_deep_inputs_stay_linear() {
        // 100,000 answers to one message, all of one subject, plus a chain
        // as deep: quadratic steps would take minutes here.
        let n = 100_000usize;
        let ids: Vec<String> = (0..2 * n).map(|i| format!("{i}@x")).collect();
        let mut msgs = Vec::new();
        for i in 0..n {
            let refs = if i == 0 {
                vec![]
            } else {
                vec![ids[0].as_bytes()]
            };
            msgs.push(Msg {
                num: i as u64 + 1,
                date: (i % 7) as u64,
                subject: b"same",
                refwd: false,
                unique: ids[i].as_bytes(),
                references: refs.into(),
            });
        }
        for i in n..2 * n {
            msgs.push(Msg {
                num: i as u64 + 1,
                date: 1,
                subject: if i % 2 == 0 {
                    &b"same"[..]
                } else {
                    &b"other"[..]
                },
                refwd: i % 3 == 0,
                unique: ids[i].as_bytes(),
                references: if i % 2 == 0 {
                    vec![].into()
                } else {
                    vec![ids[i - 1].as_bytes()].into()
                },
            });
        }
        let f = with_deep_stack(|| references(&msgs));
        assert!(f.root.is_some());
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
