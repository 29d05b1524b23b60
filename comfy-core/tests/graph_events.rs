//! Events arrive in order; progress and previews come from inside nodes; a cancelled run is
//! reported as cancelled, not as an error.
mod graph_support;

use comfy_core::{CancelToken, Event, Executor, Graph, NodeId, ReferenceBackend, RunOptions, RunStatus};
use graph_support::{describe, registry, Runs};
use std::sync::Arc;

/// `IntConstant(2) -> Steps(steps)`.
fn steps_graph() -> (Graph, NodeId, NodeId) {
    let mut g = Graph::new();
    let c = g.add("IntConstant");
    g.set(&c, "value", 2).unwrap();
    let steps = g.add("Steps");
    g.connect(&c, 0, &steps, "steps").unwrap();
    (g, c, steps)
}

fn executor() -> Executor {
    Executor::new(Arc::new(ReferenceBackend))
}

#[test]
fn events_arrive_in_order() {
    let registry = registry(&Runs::default());
    let (g, ..) = steps_graph();
    let mut exec = executor();
    let mut log = Vec::new();
    exec.run(&registry, &g, &mut |e: &Event| log.push(describe(e))).unwrap();
    assert_eq!(
        log,
        [
            "run started (2)",
            "1 IntConstant started",
            "1 finished",
            "2 Steps started",
            "2 1/2 step 1",
            "2 preview 1",
            "2 2/2 step 2",
            "2 preview 2",
            "2 finished",
            "run finished (2 run, 0 cached)",
        ]
    );
    log.clear();
    exec.run(&registry, &g, &mut |e: &Event| log.push(describe(e))).unwrap();
    assert_eq!(
        log,
        [
            "run started (2)",
            "1 cached",
            "2 cached",
            "run finished (0 run, 2 cached)"
        ]
    );
}

#[test]
fn a_failure_is_an_event_and_an_error() {
    let registry = registry(&Runs::default());
    let mut g = Graph::new();
    g.add("Fail");
    let mut log = Vec::new();
    let result = executor().run(&registry, &g, &mut |e: &Event| log.push(describe(e)));
    assert!(result.is_err());
    assert_eq!(
        log,
        ["run started (1)", "1 Fail started", "1 failed: this node always fails"]
    );
}

#[test]
fn cancelling_inside_a_node_stops_the_run() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (mut g, c, steps) = steps_graph();
    g.set(&c, "value", 10).unwrap();
    let cancel = CancelToken::new();
    let options = RunOptions {
        cancel: cancel.clone(),
        ..RunOptions::default()
    };
    let mut log = Vec::new();
    let mut observer = |e: &Event| {
        // A UI's cancel button, pressed while step 2 is reported.
        if matches!(e, Event::Progress { step: 2, .. }) {
            cancel.cancel();
        }
        log.push(describe(e));
    };
    let mut exec = executor();
    let report = exec.run_with(&registry, &g, &options, &mut observer).unwrap();
    assert_eq!(report.status(), RunStatus::Cancelled);
    assert!(report.is_cancelled());
    assert_eq!(report.executed(), std::slice::from_ref(&c));
    assert_eq!(log.last().map(String::as_str), Some("cancelled at 2"));
    assert!(!log.iter().any(|l| l.contains("3/10")));

    // A fresh token runs again; the finished node comes from the cache.
    let report = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    assert_eq!(report.cached(), &[c]);
    assert_eq!(report.executed(), &[steps]);
}

#[test]
fn cancelling_between_nodes_stops_before_the_next() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (g, c, _) = steps_graph();
    let cancel = CancelToken::new();
    let options = RunOptions {
        cancel: cancel.clone(),
        ..RunOptions::default()
    };
    let mut log = Vec::new();
    let mut observer = |e: &Event| {
        if matches!(e, Event::NodeFinished { .. }) {
            cancel.cancel();
        }
        log.push(describe(e));
    };
    let report = executor().run_with(&registry, &g, &options, &mut observer).unwrap();
    assert!(report.is_cancelled());
    assert_eq!(report.executed(), &[c]);
    assert_eq!(
        log,
        [
            "run started (2)",
            "1 IntConstant started",
            "1 finished",
            "cancelled at 2"
        ]
    );
    assert_eq!(runs.get("Steps"), 0);
}

#[test]
fn a_run_cancelled_before_it_starts_runs_nothing() {
    let runs = Runs::default();
    let registry = registry(&runs);
    let (g, ..) = steps_graph();
    let options = RunOptions::default();
    options.cancel.cancel();
    let report = executor().run_with(&registry, &g, &options, &mut ()).unwrap();
    assert!(report.is_cancelled());
    assert!(report.executed().is_empty());
    assert_eq!(runs.total(), 0);
}

/// Works until cancelled (at most ten seconds).
struct UntilCancelled;

impl comfy_core::Node for UntilCancelled {
    type Inputs = ();
    type Outputs = ();

    fn info(&self) -> comfy_core::NodeInfo {
        comfy_core::NodeInfo::new("UntilCancelled", "test").output_node()
    }

    fn execute(&self, _: (), ctx: &mut comfy_core::Context) -> Result<(), comfy_core::NodeError> {
        for _ in 0..10_000 {
            ctx.check_cancelled()?;
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        Err(comfy_core::NodeError::msg("never cancelled"))
    }
}

#[test]
fn a_run_on_another_thread_is_cancelled_from_this_one() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Executor>();
    send_sync::<comfy_core::Registry>();
    send_sync::<Graph>();
    send_sync::<comfy_core::Value>();

    let mut registry = registry(&Runs::default());
    registry.register_node(UntilCancelled);
    let mut g = Graph::new();
    g.add("UntilCancelled");
    let options = RunOptions::default();
    let cancel = options.cancel.clone();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut observer = |e: &Event| {
            if matches!(e, Event::NodeStarted { .. }) {
                let _ = started_tx.send(());
            }
        };
        executor().run_with(&registry, &g, &options, &mut observer)
    });
    started_rx.recv().unwrap();
    cancel.cancel();
    let report = worker.join().unwrap().unwrap();
    assert_eq!(report.status(), RunStatus::Cancelled);
}
