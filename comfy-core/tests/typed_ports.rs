//! Typed node ports: the schema comes from the input and output structs; what the compiler
//! cannot check (a default or range the field type cannot hold, a choice default that is not a
//! choice) is refused when the node is registered; values reach `execute` converted, and
//! refused paths name the node and input.
use comfy_core::{
    Access, Context, DynNode, Executor, FilePolicy, Graph, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs,
    PathProblem, PortChoice, PortType, ReadPath, ReferenceBackend, Registry, RunError, SchemaProblem, WritePath,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What a run's `Record` node saw.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

#[derive(PortChoice, Debug)]
enum Scale {
    #[choice("-1..1")]
    MinusOneToOne,
    #[choice("0..1")]
    ZeroToOne,
}

#[derive(NodeInputs)]
struct RecordInputs {
    /// How many epochs.
    #[port(default = 10, min = 1, max = 1000)]
    epochs: u32,
    #[port(default = 7)]
    seed: u64,
    #[port(default = 0.5)]
    rate: f32,
    #[port(default = "0..1")]
    scale: Scale,
    #[port(default = "")]
    data: ReadPath,
    #[port(default = "out/x.png")]
    picture: WritePath,
    extra: Option<i64>,
}

#[derive(NodeOutputs)]
struct RecordOutputs {
    /// The epochs, doubled.
    doubled: i64,
    label: String,
}

struct Record(Seen);

impl Node for Record {
    type Inputs = RecordInputs;
    type Outputs = RecordOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Record", "test").output_node()
    }

    fn execute(&self, i: RecordInputs, _ctx: &mut Context) -> Result<RecordOutputs, NodeError> {
        let line = format!(
            "{} {} {} {:?} {:?} {:?} {:?}",
            i.epochs,
            i.seed,
            i.rate,
            i.scale,
            i.data.get(),
            i.picture.get(),
            i.extra
        );
        self.0 .0.lock().unwrap().push(line);
        Ok(RecordOutputs {
            doubled: i64::from(i.epochs) * 2,
            label: i.scale.name().to_string(),
        })
    }
}

#[test]
fn the_schema_comes_from_the_structs() {
    let schema = Record(Seen::default()).schema();
    let names: Vec<&str> = schema.inputs().iter().map(|p| p.name()).collect();
    assert_eq!(names, ["epochs", "seed", "rate", "scale", "data", "picture", "extra"]);
    let epochs = &schema.inputs()[0];
    assert_eq!(epochs.port_type(), PortType::Int);
    assert_eq!(epochs.tooltip_text(), Some("How many epochs."));
    assert_eq!((epochs.min(), epochs.max()), (Some(&1.into()), Some(&1000.into())));
    // A u64 without a declared range gets the range it can hold.
    let seed = &schema.inputs()[1];
    assert_eq!((seed.min(), seed.max()), (Some(&0.into()), Some(&i64::MAX.into())));
    assert_eq!(schema.inputs()[3].choices(), ["-1..1", "0..1"]);
    assert!(schema.inputs()[6].is_optional());
    let outputs: Vec<(&str, PortType)> = schema.outputs().iter().map(|o| (o.name(), o.port_type())).collect();
    assert_eq!(outputs, [("doubled", PortType::Int), ("label", PortType::String)]);
    assert_eq!(schema.outputs()[0].tooltip_text(), Some("The epochs, doubled."));
    let mut registry = Registry::new();
    registry.register_node(Record(Seen::default()));
    assert!(registry.check().is_ok());
}

#[test]
fn values_arrive_converted_and_defaults_fill_in() {
    let seen = Seen::default();
    let mut registry = Registry::new();
    registry.register_node(Record(seen.clone()));
    let mut g = Graph::new();
    let r = g.add("Record");
    g.set(&r, "epochs", 3).unwrap();
    g.set(&r, "scale", "-1..1").unwrap();
    g.set(&r, "data", "mnist").unwrap();
    let report = Executor::new(Arc::new(ReferenceBackend))
        .run(&registry, &g, &mut ())
        .unwrap();
    assert_eq!(report.output(&r, 0).and_then(|v| v.as_int()), Some(6));
    assert_eq!(report.output(&r, 1).and_then(|v| v.as_str()), Some("-1..1"));
    assert_eq!(
        seen.0.lock().unwrap()[0],
        r#"3 7 0.5 MinusOneToOne Some("mnist") Some("out/x.png") None"#
    );
    // Out of the declared range: refused by validation, before anything runs.
    g.set(&r, "epochs", 0).unwrap();
    let errors = g.validate(&registry).unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        r#"node 1, input "epochs": 0 is below the minimum 1"#
    );
}

#[derive(NodeInputs)]
#[allow(dead_code)] // never read: the node is refused
struct BadInputs {
    #[port(default = -1)]
    count: u32,
    #[port(min = 0, max = 300)]
    level: u8,
    #[port(default = "2..3")]
    scale: Scale,
}

#[derive(Default)]
struct Bad;

impl Node for Bad {
    type Inputs = BadInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("Bad", "test").output_node()
    }

    fn execute(&self, _: BadInputs, _ctx: &mut Context) -> Result<(), NodeError> {
        Ok(())
    }
}

#[test]
fn what_the_field_type_cannot_hold_is_refused_at_registration() {
    let mut registry = Registry::new();
    registry.register::<Bad>();
    let problems = registry.check().unwrap_err();
    let texts: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        texts,
        [
            r#"node type "Bad", port "count": bad default: -1 is below the minimum 0"#,
            r#"node type "Bad", port "level": the range goes beyond 0..=255, all that the port's field type holds"#,
            r#"node type "Bad", port "scale": bad default: "2..3" is not one of "-1..1", "0..1""#,
        ]
    );
    assert!(matches!(
        &problems[1],
        comfy_core::SchemaError::Port {
            problem: SchemaProblem::WiderThanType(..),
            ..
        }
    ));
    // A graph using it is refused before it runs.
    let mut g = Graph::new();
    g.add("Bad");
    assert!(g.validate(&registry).is_err());
}

/// Refuses absolute paths and `..`; everything else goes under `root`.
#[derive(Debug)]
struct Inside(PathBuf);

impl FilePolicy for Inside {
    fn resolve(&self, raw: &str, access: Access) -> Result<PathBuf, PathProblem> {
        let folder = if access == Access::Read { "input" } else { "output" };
        if raw.starts_with('/') {
            return Err(PathProblem::Absolute(raw.to_string(), folder));
        }
        if raw.split('/').any(|part| part == "..") {
            return Err(PathProblem::ParentDir(raw.to_string(), folder));
        }
        Ok(self.0.join(raw))
    }
}

#[test]
fn paths_go_through_the_run_file_policy() {
    let seen = Seen::default();
    let mut registry = Registry::new();
    registry.register_node(Record(seen.clone()));
    let mut g = Graph::new();
    let r = g.add("Record");
    g.set(&r, "data", "digits").unwrap();
    let mut executor = Executor::new(Arc::new(ReferenceBackend)).with_files(Arc::new(Inside("/srv".into())));
    executor.run(&registry, &g, &mut ()).unwrap();
    assert!(seen.0.lock().unwrap()[0].contains(r#"Some("/srv/digits") Some("/srv/out/x.png")"#));

    g.set(&r, "picture", "../../etc/passwd").unwrap();
    match executor.run(&registry, &g, &mut ()).unwrap_err() {
        RunError::NodeFailed { node, error, .. } => {
            assert_eq!(node, r);
            assert_eq!(
                error.to_string(),
                r#"input "picture": "../../etc/passwd" goes up with `..`; give a path inside the output folder"#
            );
        }
        other => panic!("expected the node to fail, got {other}"),
    }
}
