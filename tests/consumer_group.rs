//! Consumer groups through the C ABI: rebalances with the eager (range), cooperative
//! (cooperative-sticky) and KIP-848 (group.protocol=consumer) protocols, rebalance callbacks that
//! assign themselves, regex subscriptions, close, re-entrancy from callbacks and member ids, on
//! the real broker and the mock cluster.
mod common;
use common::*;

use std::collections::BTreeSet;
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Recording rebalance callbacks
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Assign,
    Revoke,
    Lost,
}

#[derive(Debug, Clone)]
struct Event {
    kind: Kind,
    parts: BTreeSet<(String, i32)>,
    thread: ThreadId,
    /// Offsets as handed to the callback (for the explicit-offset test).
    offsets: Vec<i64>,
}

/// What the callbacks do besides recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Nothing: kafkaffi applies the default assignment.
    Record,
    /// on_assign calls kf_consumer_assign (eager) or kf_consumer_incremental_assign
    /// (incremental) itself with the offsets of `start`; on_revoke / on_lost unassign.
    AssignItself { incremental: bool },
    /// on_assign tries poll, consume, close and destroy on its own consumer (each must fail
    /// with KF_ERR__STATE) and leaves the assignment to kafkaffi.
    Reenter,
    /// on_assign asks for the committed offsets, on_revoke commits the positions synchronously
    /// (the usual "commit before losing the partitions"): blocking calls other than poll and
    /// close are allowed inside a callback.
    CommitInCallbacks,
}

struct Rec {
    action: Action,
    /// Start offset per partition for AssignItself (KF_OFFSET_BEGINNING when absent).
    start: Vec<(i32, i64)>,
    events: Vec<Event>,
    /// Offsets kf_consumer_committed() returned inside on_assign (CommitInCallbacks).
    committed_seen: Vec<Vec<i64>>,
    /// Results (error codes) of the calls the callbacks made: (call, code).
    calls: Vec<(&'static str, i32)>,
}

fn code_of(e: *mut kf_error_t) -> i32 {
    let c = kf_error_code(e);
    kf_error_destroy(e);
    c
}

unsafe fn record(
    op: *mut c_void,
    kind: Kind,
    c: *mut kf_consumer_t,
    l: *const kf_topic_partition_list_t,
) {
    let rec = &*(op as *const Mutex<Rec>);
    let items = tp_items(l);
    let (action, start) = {
        let mut r = rec.lock().unwrap();
        r.events.push(Event {
            kind,
            parts: items
                .iter()
                .map(|i| (i.topic.clone(), i.partition))
                .collect(),
            thread: std::thread::current().id(),
            offsets: items.iter().map(|i| i.offset).collect(),
        });
        (r.action, r.start.clone())
    };
    let mut calls = Vec::new();
    match action {
        Action::Record => {}
        Action::AssignItself { incremental } => {
            if kind == Kind::Assign {
                let own = kf_topic_partition_list_copy(l);
                for i in 0..kf_topic_partition_list_count(own) {
                    let p = kf_topic_partition_list_partition(own, i);
                    let off = start
                        .iter()
                        .find(|s| s.0 == p)
                        .map_or(KF_OFFSET_BEGINNING, |s| s.1);
                    ok(kf_topic_partition_list_set_offset(own, i, off));
                }
                if incremental {
                    calls.push((
                        "incremental_assign",
                        code_of(kf_consumer_incremental_assign(c, own)),
                    ));
                } else {
                    calls.push(("assign", code_of(kf_consumer_assign(c, own))));
                }
                kf_topic_partition_list_destroy(own);
            } else if incremental {
                calls.push((
                    "incremental_unassign",
                    code_of(kf_consumer_incremental_unassign(c, l)),
                ));
            } else {
                calls.push(("unassign", code_of(kf_consumer_unassign(c))));
            }
        }
        Action::Reenter => {
            if kind == Kind::Assign {
                let mut m = null_mut();
                calls.push(("poll", code_of(kf_consumer_poll(c, 0, &mut m))));
                assert!(m.is_null());
                let mut msgs = [null_mut(); 4];
                let mut n = 0;
                calls.push((
                    "consume",
                    code_of(kf_consumer_consume(c, msgs.as_mut_ptr(), 4, 0, &mut n)),
                ));
                calls.push(("close", code_of(kf_consumer_close(c, -1))));
                calls.push(("destroy", code_of(kf_consumer_destroy(c))));
                // The consumer is still usable for everything else from here.
                let mut a = null_mut();
                calls.push(("assignment", code_of(kf_consumer_assignment(c, &mut a))));
                kf_topic_partition_list_destroy(a);
            }
        }
        Action::CommitInCallbacks => {
            let mut out = null_mut();
            if kind == Kind::Assign {
                calls.push((
                    "committed",
                    code_of(kf_consumer_committed(c, l, 10_000, &mut out)),
                ));
                if !out.is_null() {
                    let offs: Vec<i64> = tp_items(out).iter().map(|i| i.offset).collect();
                    rec.lock().unwrap().committed_seen.push(offs);
                }
            } else {
                calls.push((
                    "commit",
                    code_of(kf_consumer_commit(c, null(), null(), false, -1, &mut out)),
                ));
            }
            kf_topic_partition_list_destroy(out);
        }
    }
    rec.lock().unwrap().calls.extend(calls);
}

unsafe extern "C" fn on_assign(
    op: *mut c_void,
    c: *mut kf_consumer_t,
    l: *const kf_topic_partition_list_t,
) {
    record(op, Kind::Assign, c, l)
}
unsafe extern "C" fn on_revoke(
    op: *mut c_void,
    c: *mut kf_consumer_t,
    l: *const kf_topic_partition_list_t,
) {
    record(op, Kind::Revoke, c, l)
}
unsafe extern "C" fn on_lost(
    op: *mut c_void,
    c: *mut kf_consumer_t,
    l: *const kf_topic_partition_list_t,
) {
    record(op, Kind::Lost, c, l)
}

static FREED: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn count_free(_op: *mut c_void) {
    FREED.fetch_add(1, Ordering::SeqCst);
}

// ---------------------------------------------------------------------------------------------
// Group members
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Eager,
    Cooperative,
    Consumer,
}

impl Protocol {
    fn incremental(self) -> bool {
        self != Protocol::Eager
    }
}

fn group_props(cluster: &Cluster, proto: Protocol) -> Vec<(&'static str, &'static str)> {
    match proto {
        Protocol::Eager => {
            let mut v = classic_session_props(cluster);
            v.push(("partition.assignment.strategy", "range"));
            v
        }
        Protocol::Cooperative => {
            let mut v = classic_session_props(cluster);
            v.push(("partition.assignment.strategy", "cooperative-sticky"));
            v
        }
        // Session and heartbeat are the broker's under KIP-848.
        Protocol::Consumer => vec![("group.protocol", "consumer")],
    }
}

struct Member {
    c: *mut kf_consumer_t,
    rec: Box<Mutex<Rec>>,
    name: &'static str,
}

impl Member {
    fn new(
        cluster: &Cluster,
        group: &str,
        proto: Protocol,
        extra: &[(&str, &str)],
        action: Action,
        name: &'static str,
    ) -> Member {
        let mut props = group_props(cluster, proto);
        props.push(("group.id", group));
        props.extend_from_slice(extra);
        // KF_TEST_DEBUG=cgrp,... turns on librdkafka's debug logs when investigating a failure.
        let debug = std::env::var("KF_TEST_DEBUG").unwrap_or_default();
        if !debug.is_empty() {
            props.push(("debug", &debug));
        }
        let conf = cluster.config(&props);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        Member {
            c,
            rec: Box::new(Mutex::new(Rec {
                action,
                start: Vec::new(),
                events: Vec::new(),
                committed_seen: Vec::new(),
                calls: Vec::new(),
            })),
            name,
        }
    }

    fn subscribe(&self, topics: &[&str]) {
        let names: Vec<_> = topics.iter().map(|t| cs(t)).collect();
        let ptrs: Vec<_> = names.iter().map(|n| n.as_ptr()).collect();
        let cbs = kf_rebalance_callbacks_t {
            on_assign: Some(on_assign),
            on_revoke: Some(on_revoke),
            on_lost: Some(on_lost),
            opaque: &*self.rec as *const Mutex<Rec> as *mut c_void,
            free_opaque: None,
        };
        ok(kf_consumer_subscribe(
            self.c,
            ptrs.as_ptr(),
            ptrs.len(),
            &cbs,
        ));
    }

    fn assignment(&self) -> BTreeSet<i32> {
        let mut l = null_mut();
        ok(kf_consumer_assignment(self.c, &mut l));
        let s = tp_items(l).iter().map(|i| i.partition).collect();
        kf_topic_partition_list_destroy(l);
        s
    }

    fn events(&self) -> Vec<Event> {
        self.rec.lock().unwrap().events.clone()
    }

    fn calls(&self) -> Vec<(&'static str, i32)> {
        self.rec.lock().unwrap().calls.clone()
    }

    /// One poll; returns the data message, if any.
    fn poll(&self, ms: i32) -> Option<Msg> {
        let mut m = null_mut();
        ok(kf_consumer_poll(self.c, ms, &mut m));
        if m.is_null() {
            return None;
        }
        let msg = Msg::from_c(m);
        kf_message_destroy(m);
        (msg.error == 0).then_some(msg)
    }

    fn close_and_destroy(self) {
        ok(kf_consumer_close(self.c, -1));
        ok(kf_consumer_destroy(self.c));
    }
}

/// Polls every member in turn (on this thread, so their callbacks run here) until `done`.
fn pump(
    members: &[&Member],
    what: &str,
    timeout: Duration,
    mut done: impl FnMut() -> bool,
) -> Vec<Msg> {
    let deadline = Instant::now() + timeout;
    let mut msgs = Vec::new();
    loop {
        for m in members {
            msgs.extend(m.poll(100));
        }
        if done() {
            return msgs;
        }
        if Instant::now() > deadline {
            let state: Vec<_> = members
                .iter()
                .map(|m| {
                    format!(
                        "{}: assignment {:?}, events {:?}",
                        m.name,
                        m.assignment(),
                        m.events()
                    )
                })
                .collect();
            panic!("timed out waiting for {what}: {state:#?}");
        }
    }
}

fn set(ps: impl IntoIterator<Item = i32>) -> BTreeSet<i32> {
    ps.into_iter().collect()
}

fn parts(e: &Event) -> BTreeSet<i32> {
    e.parts.iter().map(|p| p.1).collect()
}

/// Replays the callback events as the application sees them and checks they are consistent
/// with the protocol: eager revokes everything it holds and assigns into an empty assignment;
/// incremental revokes only held partitions and assigns only new ones. Returns the assignment.
fn replay(events: &[Event], incremental: bool, who: &str) -> BTreeSet<i32> {
    let mut held = BTreeSet::new();
    for e in events {
        let p = parts(e);
        match e.kind {
            Kind::Assign => {
                if incremental {
                    assert!(
                        held.is_disjoint(&p),
                        "{who}: incremental assign of held partitions: {events:?}"
                    );
                    held.extend(p);
                } else {
                    assert!(
                        held.is_empty(),
                        "{who}: eager assign while still holding {held:?}: {events:?}"
                    );
                    held = p;
                }
            }
            Kind::Revoke | Kind::Lost => {
                if incremental {
                    assert!(
                        p.is_subset(&held),
                        "{who}: revoke of partitions not held: {events:?}"
                    );
                    held = held.difference(&p).copied().collect();
                } else {
                    assert_eq!(
                        p, held,
                        "{who}: eager revoke must revoke the whole assignment: {events:?}"
                    );
                    held.clear();
                }
            }
        }
    }
    held
}

/// The non-empty events of a kind (cooperative assignors may call back with empty lists).
fn non_empty(events: &[Event], kind: Kind) -> Vec<BTreeSet<i32>> {
    events
        .iter()
        .filter(|e| e.kind == kind && !e.parts.is_empty())
        .map(parts)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Two members rebalancing
// ---------------------------------------------------------------------------------------------

/// Member 1 joins and gets all 4 partitions; member 2 joins and they split them 2/2; member 2
/// closes and member 1 gets all 4 back. Checks every callback and its partition set.
fn two_member_rebalance(cluster: &Cluster, proto: Protocol, action: Action) {
    let who = format!("{proto:?}/{action:?} on {}", cluster.name());
    let topic = unique("rebal");
    cluster.create_topic(&topic, 4);
    let group = unique("g-rebal");
    let all = set(0..4);
    let me = std::thread::current().id();
    let inc = proto.incremental();
    let timeout = Duration::from_secs(45);

    let m1 = Member::new(cluster, &group, proto, &[], action, "member1");
    m1.subscribe(&[&topic]);
    pump(&[&m1], "member 1 to get all 4 partitions", timeout, || {
        m1.assignment() == all
    });
    let ev1 = m1.events();
    assert_eq!(
        non_empty(&ev1, Kind::Assign),
        vec![all.clone()],
        "{who}: {ev1:?}"
    );
    assert!(non_empty(&ev1, Kind::Revoke).is_empty(), "{who}: {ev1:?}");
    assert!(
        ev1.iter().all(|e| e.parts.iter().all(|p| p.0 == topic)),
        "{who}: {ev1:?}"
    );
    let mark1 = ev1.len();

    let m2 = Member::new(cluster, &group, proto, &[], action, "member2");
    m2.subscribe(&[&topic]);
    pump(
        &[&m1, &m2],
        "the two members to split the partitions",
        timeout,
        || {
            let (a1, a2) = (m1.assignment(), m2.assignment());
            a1.len() == 2 && a2.len() == 2 && a1.union(&a2).copied().collect::<BTreeSet<_>>() == all
        },
    );
    // Let any trailing callbacks arrive, then check the split is stable.
    settle(&[&m1, &m2], Duration::from_millis(600));
    let (a1, a2) = (m1.assignment(), m2.assignment());
    assert_eq!(a1.len(), 2, "{who}");
    assert_eq!(a2.len(), 2, "{who}");
    let ev1 = m1.events();
    let ev2 = m2.events();
    assert_eq!(
        replay(&ev1, inc, "member1"),
        a1,
        "{who}: callbacks disagree with the assignment"
    );
    assert_eq!(
        replay(&ev2, inc, "member2"),
        a2,
        "{who}: callbacks disagree with the assignment"
    );
    let new1 = &ev1[mark1..];
    if inc {
        // Only the partitions that moved to member 2 are revoked, nothing is re-assigned.
        let revoked: BTreeSet<i32> = non_empty(new1, Kind::Revoke)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            revoked, a2,
            "{who}: member 1 must revoke exactly the moved partitions: {new1:?}"
        );
        assert!(
            non_empty(new1, Kind::Assign).is_empty(),
            "{who}: member 1 gained nothing: {new1:?}"
        );
        let assigned2: BTreeSet<i32> = non_empty(&ev2, Kind::Assign)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(assigned2, a2, "{who}: {ev2:?}");
    } else {
        // Eager: everything is revoked, then the new share assigned.
        let revokes = non_empty(new1, Kind::Revoke);
        assert_eq!(
            revokes.first(),
            Some(&all),
            "{who}: member 1 must revoke all 4 first: {new1:?}"
        );
        assert_eq!(
            non_empty(new1, Kind::Assign).last(),
            Some(&a1),
            "{who}: {new1:?}"
        );
        assert_eq!(
            non_empty(&ev2, Kind::Assign).last(),
            Some(&a2),
            "{who}: {ev2:?}"
        );
    }
    assert!(non_empty(&ev2, Kind::Revoke).is_empty(), "{who}: {ev2:?}");
    let mark1 = ev1.len();
    let mark2 = ev2.len();

    // Member 2 leaves: close serves its final on_revoke here, on this thread.
    ok(kf_consumer_close(m2.c, -1));
    let ev2 = m2.events();
    let fin = &ev2[mark2..];
    assert_eq!(
        non_empty(fin, Kind::Revoke),
        vec![a2.clone()],
        "{who}: close must revoke member 2's partitions: {fin:?}"
    );
    assert!(
        fin.iter().all(|e| e.thread == me),
        "{who}: close ran callbacks on another thread"
    );
    assert!(non_empty(fin, Kind::Lost).is_empty(), "{who}: {fin:?}");

    pump(&[&m1], "member 1 to get all 4 back", timeout, || {
        m1.assignment() == all
    });
    settle(&[&m1], Duration::from_millis(300));
    let ev1 = m1.events();
    assert_eq!(replay(&ev1, inc, "member1"), all, "{who}");
    let new1 = &ev1[mark1..];
    if inc {
        assert!(
            non_empty(new1, Kind::Revoke).is_empty(),
            "{who}: member 1 must keep its partitions: {new1:?}"
        );
        let assigned: BTreeSet<i32> = non_empty(new1, Kind::Assign)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            assigned, a2,
            "{who}: member 1 must be assigned only member 2's partitions: {new1:?}"
        );
    } else {
        assert_eq!(
            non_empty(new1, Kind::Revoke).first(),
            Some(&a1),
            "{who}: {new1:?}"
        );
        assert_eq!(
            non_empty(new1, Kind::Assign).last(),
            Some(&all),
            "{who}: {new1:?}"
        );
    }
    for m in [&m1, &m2] {
        let ev = m.events();
        assert!(
            ev.iter().all(|e| e.kind != Kind::Lost),
            "{who}: unexpected on_lost: {ev:?}"
        );
        assert!(
            ev.iter().all(|e| e.thread == me),
            "{who}: a callback ran on another thread"
        );
        // Callbacks that assigned themselves succeeded, and kafkaffi did not assign again.
        assert!(m.calls().iter().all(|c| c.1 == 0), "{who}: {:?}", m.calls());
        if let Action::AssignItself { .. } = action {
            assert_eq!(
                m.calls().len(),
                ev.len(),
                "{who}: every callback assigned itself"
            );
        }
    }
    ok(kf_consumer_destroy(m2.c));
    let mark1 = m1.events().len();
    ok(kf_consumer_close(m1.c, -1));
    let fin = &m1.events()[mark1..];
    assert_eq!(non_empty(fin, Kind::Revoke), vec![all], "{who}: {fin:?}");
    ok(kf_consumer_destroy(m1.c));
}

/// Keeps polling the members for `d` (to let trailing callbacks arrive).
fn settle(members: &[&Member], d: Duration) -> Vec<Msg> {
    let t = Instant::now();
    pump(members, "settling", d + Duration::from_secs(5), || {
        t.elapsed() >= d
    })
}

#[test]
fn rebalance_eager_range() {
    for cluster in Cluster::both() {
        two_member_rebalance(&cluster, Protocol::Eager, Action::Record);
    }
}

#[test]
fn rebalance_cooperative_sticky() {
    for cluster in Cluster::both() {
        two_member_rebalance(&cluster, Protocol::Cooperative, Action::Record);
    }
}

#[test]
fn rebalance_consumer_protocol_kip848() {
    for cluster in Cluster::both() {
        two_member_rebalance(&cluster, Protocol::Consumer, Action::Record);
    }
}

#[test]
fn rebalance_eager_callbacks_assign_themselves() {
    for cluster in Cluster::both() {
        two_member_rebalance(
            &cluster,
            Protocol::Eager,
            Action::AssignItself { incremental: false },
        );
    }
}

#[test]
fn rebalance_cooperative_callbacks_assign_themselves() {
    for cluster in Cluster::both() {
        two_member_rebalance(
            &cluster,
            Protocol::Cooperative,
            Action::AssignItself { incremental: true },
        );
    }
}

#[test]
fn rebalance_consumer_protocol_callbacks_assign_themselves() {
    for cluster in Cluster::both() {
        two_member_rebalance(
            &cluster,
            Protocol::Consumer,
            Action::AssignItself { incremental: true },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// on_assign with explicit start offsets
// ---------------------------------------------------------------------------------------------

/// on_assign assigns with explicit start offsets (auto.offset.reset=latest would otherwise read
/// nothing); the consumer then reads exactly from those offsets.
fn explicit_offsets_in_on_assign(cluster: &Cluster, proto: Protocol) {
    let who = format!("{proto:?} on {}", cluster.name());
    let topic = unique("explicit");
    cluster.create_topic(&topic, 4);
    for p in 0..4 {
        let vals: Vec<Vec<u8>> = (0..3).map(|i| format!("p{p}-{i}").into_bytes()).collect();
        produce_values(cluster, &topic, p, &vals);
    }
    let m = Member::new(
        cluster,
        &unique("g-explicit"),
        proto,
        &[
            ("auto.offset.reset", "latest"),
            ("enable.auto.commit", "false"),
        ],
        Action::AssignItself {
            incremental: proto.incremental(),
        },
        "member",
    );
    // p0 and p3 from the beginning, p1 from offset 1, p2 from offset 2: 3 + 2 + 1 + 3 messages.
    m.rec.lock().unwrap().start = vec![
        (0, KF_OFFSET_BEGINNING),
        (1, 1),
        (2, 2),
        (3, KF_OFFSET_BEGINNING),
    ];
    m.subscribe(&[&topic]);
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(45);
    while got.len() < 9 && Instant::now() < deadline {
        got.extend(m.poll(200));
    }
    // Nothing more arrives.
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(500) {
        got.extend(m.poll(100));
    }
    let mut seen: Vec<(i32, i64)> = got.iter().map(|g| (g.partition, g.offset)).collect();
    seen.sort();
    let want = vec![
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 1),
        (1, 2),
        (2, 2),
        (3, 0),
        (3, 1),
        (3, 2),
    ];
    assert_eq!(seen, want, "{who}");
    for g in &got {
        assert_eq!(
            g.value.as_deref(),
            Some(format!("p{}-{}", g.partition, g.offset).as_bytes()),
            "{who}"
        );
    }
    // The callback's offsets are KF_OFFSET_INVALID (nothing committed), and its own assign
    // succeeded without kafkaffi applying a second one.
    let ev = m.events();
    assert_eq!(
        non_empty(&ev, Kind::Assign),
        vec![set(0..4)],
        "{who}: {ev:?}"
    );
    let handed: Vec<i64> = ev
        .iter()
        .filter(|e| e.kind == Kind::Assign)
        .flat_map(|e| e.offsets.clone())
        .collect();
    assert_eq!(
        handed,
        vec![KF_OFFSET_INVALID; 4],
        "{who}: offsets handed to on_assign"
    );
    assert!(m.calls().iter().all(|c| c.1 == 0), "{who}: {:?}", m.calls());
    assert_eq!(
        m.calls().first().map(|c| c.0),
        Some(if proto.incremental() {
            "incremental_assign"
        } else {
            "assign"
        }),
        "{who}"
    );
    m.close_and_destroy();
}

#[test]
fn on_assign_assigns_explicit_offsets_eager() {
    for cluster in Cluster::both() {
        explicit_offsets_in_on_assign(&cluster, Protocol::Eager);
    }
}

#[test]
fn on_assign_incrementally_assigns_explicit_offsets_cooperative() {
    for cluster in Cluster::both() {
        explicit_offsets_in_on_assign(&cluster, Protocol::Cooperative);
    }
}

// ---------------------------------------------------------------------------------------------
// Regex subscription
// ---------------------------------------------------------------------------------------------

#[test]
fn subscribe_regex_picks_up_matching_topics() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let prefix = unique("rx");
        let (ta, tb, tc) = (
            format!("{prefix}-a"),
            format!("{prefix}-b"),
            format!("{prefix}-c"),
        );
        let other = unique("norx");
        for t in [&ta, &tb, &other] {
            cluster.create_topic(t, 1);
            produce_values(&cluster, t, 0, &[t.clone().into_bytes()]);
        }
        let m = Member::new(
            &cluster,
            &unique("g-rx"),
            Protocol::Eager,
            &[
                ("auto.offset.reset", "earliest"),
                ("topic.metadata.refresh.interval.ms", "500"),
            ],
            Action::Record,
            "member",
        );
        m.subscribe(&[&format!("^{prefix}-.*")]);
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(45);
        while got.len() < 2 && Instant::now() < deadline {
            got.extend(m.poll(200));
        }
        let topics: BTreeSet<String> = got.iter().map(|g| g.topic.clone()).collect();
        assert_eq!(
            topics,
            [ta.clone(), tb.clone()].into_iter().collect(),
            "{who}"
        );
        let assigned: BTreeSet<String> = m
            .events()
            .iter()
            .flat_map(|e| e.parts.iter().map(|p| p.0.clone()))
            .collect();
        assert!(
            !assigned.contains(&other),
            "{who}: the non-matching topic was assigned"
        );

        // A matching topic created after subscribing is picked up too.
        cluster.create_topic(&tc, 1);
        produce_values(&cluster, &tc, 0, &[b"late".to_vec()]);
        let deadline = Instant::now() + Duration::from_secs(45);
        let mut late = Vec::new();
        while late.is_empty() && Instant::now() < deadline {
            late.extend(m.poll(200));
        }
        assert_eq!(
            late.len(),
            1,
            "{who}: the new matching topic was not picked up"
        );
        assert_eq!(late[0].topic, tc, "{who}");
        assert_eq!(late[0].value.as_deref(), Some(&b"late"[..]), "{who}");
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(500) {
            let extra = m.poll(100);
            assert!(extra.is_none(), "{who}: unexpected message {extra:?}");
        }
        m.close_and_destroy();
    }
}

// ---------------------------------------------------------------------------------------------
// close
// ---------------------------------------------------------------------------------------------

#[test]
fn close_serves_final_revoke_then_everything_fails_with_state() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("close");
        cluster.create_topic(&topic, 2);
        let m = Member::new(
            &cluster,
            &unique("g-close"),
            Protocol::Eager,
            &[],
            Action::Record,
            "member",
        );
        let freed_before = FREED.load(Ordering::SeqCst);
        {
            let t = cs(&topic);
            let cbs = kf_rebalance_callbacks_t {
                on_assign: Some(on_assign),
                on_revoke: Some(on_revoke),
                on_lost: None,
                opaque: &*m.rec as *const Mutex<Rec> as *mut c_void,
                free_opaque: Some(count_free),
            };
            ok(kf_consumer_subscribe(m.c, [t.as_ptr()].as_ptr(), 1, &cbs));
        }
        pump(&[&m], "the assignment", Duration::from_secs(45), || {
            m.assignment() == set(0..2)
        });
        let mark = m.events().len();
        ok(kf_consumer_close(m.c, -1));
        let fin = m.events()[mark..].to_vec();
        assert_eq!(fin.len(), 1, "{who}: {fin:?}");
        assert_eq!(fin[0].kind, Kind::Revoke, "{who}");
        assert_eq!(parts(&fin[0]), set(0..2), "{who}");
        assert_eq!(
            fin[0].thread,
            std::thread::current().id(),
            "{who}: revoke not served on the closing thread"
        );

        // Every call after close fails with KF_ERR__STATE.
        let mut msg = null_mut();
        assert_eq!(
            err(kf_consumer_poll(m.c, 0, &mut msg)).0,
            KF_ERR__STATE,
            "{who}"
        );
        assert!(msg.is_null());
        let mut msgs = [null_mut(); 2];
        let mut n = 0;
        assert_eq!(
            err(kf_consumer_consume(m.c, msgs.as_mut_ptr(), 2, 0, &mut n)).0,
            KF_ERR__STATE
        );
        let t = cs(&topic);
        assert_eq!(
            err(kf_consumer_subscribe(m.c, [t.as_ptr()].as_ptr(), 1, null())).0,
            KF_ERR__STATE
        );
        assert_eq!(err(kf_consumer_unsubscribe(m.c)).0, KF_ERR__STATE);
        let l = tp_list(&[(&topic, 0, 0)]);
        assert_eq!(err(kf_consumer_assign(m.c, l)).0, KF_ERR__STATE);
        assert_eq!(
            err(kf_consumer_commit(m.c, null(), l, false, -1, null_mut())).0,
            KF_ERR__STATE
        );
        let mut out = null_mut();
        assert_eq!(
            err(kf_consumer_committed(m.c, l, 1000, &mut out)).0,
            KF_ERR__STATE
        );
        assert_eq!(err(kf_consumer_position(m.c, l, &mut out)).0, KF_ERR__STATE);
        assert_eq!(err(kf_consumer_assignment(m.c, &mut out)).0, KF_ERR__STATE);
        assert!(out.is_null());
        assert_eq!(err(kf_consumer_seek(m.c, l, 0)).0, KF_ERR__STATE);
        assert_eq!(err(kf_consumer_pause(m.c, l)).0, KF_ERR__STATE);
        assert_eq!(
            err(kf_consumer_store_offsets(m.c, null(), l)).0,
            KF_ERR__STATE
        );
        let mut mid = null_mut();
        assert_eq!(err(kf_consumer_memberid(m.c, &mut mid)).0, KF_ERR__STATE);
        let mut md = null_mut();
        assert_eq!(
            err(kf_consumer_list_topics(m.c, null(), 1000, &mut md)).0,
            KF_ERR__STATE
        );
        let mut cg = null_mut();
        assert_eq!(
            err(kf_consumer_group_metadata(m.c, &mut cg)).0,
            KF_ERR__STATE
        );
        let (mut lo, mut hi) = (0, 0);
        assert_eq!(
            err(kf_consumer_get_watermark_offsets(
                m.c,
                t.as_ptr(),
                0,
                1000,
                false,
                &mut lo,
                &mut hi
            ))
            .0,
            KF_ERR__STATE
        );
        kf_topic_partition_list_destroy(l);

        // Closing again is harmless and runs no callback.
        ok(kf_consumer_close(m.c, -1));
        assert_eq!(m.events().len(), mark + 1, "{who}");
        // The rebalance opaque is freed exactly once, when the consumer is destroyed.
        ok(kf_consumer_destroy(m.c));
        assert_eq!(
            FREED.load(Ordering::SeqCst),
            freed_before + 1,
            "{who}: free_opaque"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Re-entrancy from a rebalance callback
// ---------------------------------------------------------------------------------------------

#[test]
fn poll_close_destroy_inside_rebalance_callback_fail_with_state() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("reenter");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"after".to_vec()]);
        let m = Member::new(
            &cluster,
            &unique("g-reenter"),
            Protocol::Eager,
            &[("auto.offset.reset", "earliest")],
            Action::Reenter,
            "member",
        );
        m.subscribe(&[&topic]);
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(45);
        while got.is_empty() && Instant::now() < deadline {
            got.extend(m.poll(200));
        }
        assert_eq!(
            m.calls(),
            vec![
                ("poll", KF_ERR__STATE),
                ("consume", KF_ERR__STATE),
                ("close", KF_ERR__STATE),
                ("destroy", KF_ERR__STATE),
                ("assignment", 0),
            ],
            "{who}"
        );
        // The consumer was neither closed nor destroyed: the default assignment was applied
        // and the message arrives.
        assert_eq!(got.len(), 1, "{who}");
        assert_eq!(got[0].value.as_deref(), Some(&b"after"[..]), "{who}");
        m.close_and_destroy();
    }
}

// ---------------------------------------------------------------------------------------------
// Member id and group metadata
// ---------------------------------------------------------------------------------------------

#[test]
fn memberid_null_before_join_then_set() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("member");
        cluster.create_topic(&topic, 1);
        let m = Member::new(
            &cluster,
            &unique("g-member"),
            Protocol::Eager,
            &[],
            Action::Record,
            "member",
        );
        let mut id = null_mut();
        ok(kf_consumer_memberid(m.c, &mut id));
        assert!(id.is_null(), "{who}: member id before joining");
        let mut cg = null_mut();
        ok(kf_consumer_group_metadata(m.c, &mut cg));
        assert!(!cg.is_null());
        kf_consumer_group_metadata_destroy(cg);
        m.subscribe(&[&topic]);
        pump(&[&m], "the assignment", Duration::from_secs(45), || {
            m.assignment() == set(0..1)
        });
        ok(kf_consumer_memberid(m.c, &mut id));
        let s = text(id);
        kf_string_free(id);
        assert!(!s.is_empty(), "{who}: empty member id");
        // The same id as long as the member stays.
        let mut id2 = null_mut();
        ok(kf_consumer_memberid(m.c, &mut id2));
        assert_eq!(text(id2), s);
        kf_string_free(id2);
        ok(kf_consumer_group_metadata(m.c, &mut cg));
        assert!(!cg.is_null());
        kf_consumer_group_metadata_destroy(cg);
        kf_consumer_group_metadata_destroy(null_mut());
        m.close_and_destroy();
    }
}

// ---------------------------------------------------------------------------------------------
// Blocking calls inside rebalance callbacks
// ---------------------------------------------------------------------------------------------

#[test]
fn committed_in_on_assign_and_sync_commit_in_on_revoke() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("cbcommit");
        cluster.create_topic(&topic, 1);
        produce_values(
            &cluster,
            &topic,
            0,
            &(0..4).map(|i| vec![i]).collect::<Vec<_>>(),
        );
        let group = unique("g-cbcommit");
        let props = [
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ];
        let m = Member::new(
            &cluster,
            &group,
            Protocol::Eager,
            &props,
            Action::CommitInCallbacks,
            "member",
        );
        m.subscribe(&[&topic]);
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(45);
        while got.len() < 4 && Instant::now() < deadline {
            got.extend(m.poll(200));
        }
        assert_eq!(got.len(), 4, "{who}");
        // close serves on_revoke, which commits the position (4) synchronously.
        ok(kf_consumer_close(m.c, -1));
        assert_eq!(m.calls(), vec![("committed", 0), ("commit", 0)], "{who}");
        assert_eq!(
            m.rec.lock().unwrap().committed_seen,
            vec![vec![KF_OFFSET_INVALID]],
            "{who}"
        );
        ok(kf_consumer_destroy(m.c));

        // The next member sees the commit made in on_revoke from its own on_assign.
        let m2 = Member::new(
            &cluster,
            &group,
            Protocol::Eager,
            &props,
            Action::CommitInCallbacks,
            "member2",
        );
        m2.subscribe(&[&topic]);
        pump(&[&m2], "the assignment", Duration::from_secs(45), || {
            m2.assignment() == set(0..1)
        });
        assert_eq!(
            m2.rec.lock().unwrap().committed_seen,
            vec![vec![4]],
            "{who}"
        );
        let extra = m2.poll(500);
        assert!(extra.is_none(), "{who}: {extra:?}");
        m2.close_and_destroy();
    }
}
