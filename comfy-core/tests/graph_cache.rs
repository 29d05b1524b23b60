//! Outputs are cached between runs: changing one widget value re-executes only that node and
//! what depends on it; non-cacheable nodes (and what depends on them) always run.
mod graph_support;

use comfy_core::{Executor, Graph, NodeId, ReferenceBackend, RunError, RunOptions, Value};
use graph_support::{registry, Runs};
use std::sync::Arc;

fn executor() -> Executor {
    Executor::new(Arc::new(ReferenceBackend))
}

/// `a(1) + b(2) -> show1`, `b + 5 -> show2`.
fn two_branches() -> (Graph, [NodeId; 6]) {
    let mut g = Graph::new();
    let a = g.add("IntConstant");
    g.set(&a, "value", 1).unwrap();
    let b = g.add("IntConstant");
    g.set(&b, "value", 2).unwrap();
    let s = g.add("AddInts");
    g.connect(&a, 0, &s, "a").unwrap();
    g.connect(&b, 0, &s, "b").unwrap();
    let show1 = g.add("ShowInt");
    g.connect(&s, 0, &show1, "value").unwrap();
    let t = g.add("AddInts");
    g.connect(&b, 0, &t, "a").unwrap();
    g.set(&t, "b", 5).unwrap();
    let show2 = g.add("ShowInt");
    g.connect(&t, 0, &show2, "value").unwrap();
    (g, [a, b, s, show1, t, show2])
}

#[test]
fn changing_one_value_reruns_only_it_and_its_descendants() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (mut g, [a, b, s, show1, t, show2]) = two_branches();
    let mut exec = executor();

    let first = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(first.executed().len(), 6);
    assert_eq!(first.output(&show1, 0).and_then(Value::as_int), Some(3));
    assert_eq!(first.output(&show2, 0).and_then(Value::as_int), Some(7));
    assert_eq!(runs.total(), 6);

    let second = exec.run(&registry, &g, &mut ()).unwrap();
    assert!(second.executed().is_empty());
    assert_eq!(second.cached().len(), 6);
    assert_eq!(runs.total(), 6, "nothing executes again");

    g.set(&a, "value", 10).unwrap();
    let third = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(third.executed(), &[a.clone(), s, show1.clone()]);
    assert_eq!(third.cached(), &[b, t, show2]);
    assert_eq!(
        (runs.get("IntConstant"), runs.get("AddInts"), runs.get("ShowInt")),
        (3, 3, 3)
    );
    assert_eq!(third.output(&show1, 0).and_then(Value::as_int), Some(12));

    // Going back to the old value runs again: only the last run's outputs are kept.
    g.set(&a, "value", 1).unwrap();
    assert_eq!(exec.run(&registry, &g, &mut ()).unwrap().executed().len(), 3);
    assert_eq!(exec.cached_len(), 6);
}

#[test]
fn non_cacheable_nodes_and_their_descendants_always_run() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let mut g = Graph::new();
    let r = g.add("RandomInt");
    let s = g.add("AddInts");
    g.connect(&r, 0, &s, "a").unwrap();
    let show = g.add("ShowInt");
    g.connect(&s, 0, &show, "value").unwrap();
    let c = g.add("IntConstant");
    let show_c = g.add("ShowInt");
    g.connect(&c, 0, &show_c, "value").unwrap();

    let mut exec = executor().with_seed(5);
    let first = exec.run(&registry, &g, &mut ()).unwrap();
    let second = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(second.executed(), &[r.clone(), s, show.clone()]);
    assert_eq!(second.cached(), &[c, show_c]);
    assert_eq!(runs.get("RandomInt"), 2);
    // The node's generator is seeded from the run seed and its id: reproducible.
    let value = |report: &comfy_core::RunReport| report.output(&r, 0).and_then(Value::as_int);
    assert_eq!(value(&first), value(&second));
    let other_seed = executor().with_seed(6).run(&registry, &g, &mut ()).unwrap();
    assert_ne!(value(&first), value(&other_seed));
}

#[test]
fn a_new_seed_reruns_cacheable_nodes() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (g, _) = two_branches();
    let mut exec = executor();
    exec.run(&registry, &g, &mut ()).unwrap();
    exec.set_seed(1);
    assert_eq!(exec.run(&registry, &g, &mut ()).unwrap().executed().len(), 6);
    exec.clear_cache();
    assert_eq!(exec.cached_len(), 0);
    assert_eq!(exec.run(&registry, &g, &mut ()).unwrap().executed().len(), 6);
}

#[test]
fn identical_nodes_execute_once() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let mut g = Graph::new();
    let a = g.add("IntConstant");
    let b = g.add("IntConstant");
    let s = g.add("AddInts");
    g.connect(&a, 0, &s, "a").unwrap();
    g.connect(&b, 0, &s, "b").unwrap();
    let show = g.add("ShowInt");
    g.connect(&s, 0, &show, "value").unwrap();
    let report = executor().run(&registry, &g, &mut ()).unwrap();
    assert_eq!(report.cached(), &[b]);
    assert_eq!(runs.get("IntConstant"), 1);
}

#[test]
fn only_what_the_targets_need_runs() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (g, [a, b, s, ..]) = two_branches();
    let options = RunOptions {
        targets: vec![s.clone()],
        ..RunOptions::default()
    };
    let report = executor().run_with(&registry, &g, &options, &mut ()).unwrap();
    assert_eq!(report.executed(), &[a, b, s]);
    assert_eq!(runs.get("ShowInt"), 0);

    let missing = RunOptions {
        targets: vec![NodeId::from("nope")],
        ..RunOptions::default()
    };
    let err = executor().run_with(&registry, &g, &missing, &mut ()).unwrap_err();
    assert!(matches!(err, RunError::UnknownTarget(id) if id.as_str() == "nope"));
}

#[test]
fn outputs_before_a_failure_stay_cached() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let mut g = Graph::new();
    let c = g.add("IntConstant");
    let fail = g.add("Fail");
    g.connect(&c, 0, &fail, "value").unwrap();
    let mut exec = executor();
    let err = exec.run(&registry, &g, &mut ()).unwrap_err();
    assert_eq!(err.to_string(), "node 2 (Fail) failed: this node always fails");

    let mut fixed = Graph::new();
    fixed.add_with_id(c.clone(), "IntConstant").unwrap();
    fixed.add_with_id(fail.clone(), "ShowInt").unwrap();
    fixed.connect(&c, 0, &fail, "value").unwrap();
    let report = exec.run(&registry, &fixed, &mut ()).unwrap();
    assert_eq!(report.cached(), &[c]);
    assert_eq!(report.executed(), &[fail]);
}
