//! The report page as text: escaping, stable ids, reloading only while a run goes on; the live
//! reporter's write schedule; the HtmlReport node.
use comfy_core::{Activation, CancelToken, Context, DynNode, Image, Inputs, Mlp, NodeError, Value};
use comfy_nodes::dataset::{DataLoader, ImageDataset, LoaderConfig, PixelScale};
use comfy_nodes::gan::Network;
use comfy_nodes::nodes::{GanTrainerNode, HtmlReportNode};
use comfy_nodes::report::{base64, EmbeddedPng, Figure, ReportPage, RunReporter, RunState, TrainingRun};
use comfy_nodes::train::{LossName, StepReport};
use comfy_nodes::viewer::{Rgb, RgbImage};
use std::path::PathBuf;
use std::sync::Arc;

fn step(global_step: usize, d_loss: f32) -> StepReport {
    StepReport {
        epoch: global_step / 10,
        step_in_epoch: global_step % 10,
        steps_per_epoch: 10,
        global_step,
        total_steps: 30,
        names: vec![LossName::new("d_loss", "D loss"), LossName::new("g_loss", "G loss")].into(),
        losses: vec![d_loss, 0.75],
        steps_per_sec: 12.5,
        eta_secs: 65.0,
    }
}

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-report-page-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn page(state: &RunState, run: &TrainingRun, figures: &[Figure]) -> String {
    ReportPage {
        title: "t",
        state,
        run,
        figures,
    }
    .to_html()
}

#[test]
fn numbers_sit_in_stable_ids_with_exact_values() {
    let mut run = TrainingRun::new(vec![("lr".into(), "0.0002".into())]);
    run.record(&step(14, 0.612_345_7), 3.0);
    let html = page(&RunState::Training, &run, &[]);
    assert!(html.contains(r#"<dd id="epoch" data-value="2">2 / 3</dd>"#), "{html}");
    assert!(html.contains(r#"<dd id="step" data-value="14">15 / 30</dd>"#));
    assert!(html.contains(r#"<dd id="d-loss" data-value="0.6123457">0.6123</dd>"#));
    assert!(html.contains(r#"<dd id="g-loss" data-value="0.75">0.7500</dd>"#));
    assert!(html.contains(r#"<dd id="steps-per-sec" data-value="12.5">12.5</dd>"#));
    assert!(html.contains(r#"<dd id="eta" data-value="65">1m05s</dd>"#));
    assert!(html.contains(r#"<td data-key="lr">0.0002</td>"#));
}

#[test]
fn only_a_running_page_reloads_itself() {
    let run = TrainingRun::default();
    let reload = "<meta http-equiv=\"refresh\" content=\"2\">";
    assert!(page(&RunState::Training, &run, &[]).contains(reload));
    assert!(page(&RunState::Finishing, &run, &[]).contains(reload));
    assert!(!page(&RunState::Finished, &run, &[]).contains(reload));
    let stopped = page(&RunState::Stopped("loss became NaN".into()), &run, &[]);
    assert!(!stopped.contains(reload));
    assert!(stopped.contains(r#"data-state="stopped">Stopped: loss became NaN</p>"#));
}

#[test]
fn text_is_escaped_everywhere() {
    let run = TrainingRun::new(vec![("<b>key</b>".into(), "a\"b' & c".into())]);
    let figure = Figure {
        id: "samples",
        title: "<script>".into(),
        caption: "1 < 2".into(),
        picture: None,
        zoom: 1,
    };
    let html = page(&RunState::Stopped("<img src=x>".into()), &run, &[figure]);
    assert!(html.contains("<th>&lt;b&gt;key&lt;/b&gt;</th>"));
    assert!(html.contains("a&quot;b&#39; &amp; c"));
    assert!(html.contains("<h2>&lt;script&gt;</h2>") && html.contains("1 &lt; 2"));
    assert!(html.contains("Stopped: &lt;img src=x&gt;"));
    assert!(!html.contains("<img src=x>"));
}

#[test]
fn pictures_are_embedded_png_data_uris() {
    let img = RgbImage::from_pixel(3, 2, Rgb([10, 20, 30]));
    let png = EmbeddedPng::from_rgb("test", &img).unwrap();
    assert!(
        png.uri().starts_with("data:image/png;base64,iVBORw0KGgo"),
        "PNG signature"
    );
    assert_eq!(png.dimensions(), (3, 2));
    let figure = Figure {
        id: "samples",
        title: "S".into(),
        caption: "c".into(),
        picture: Some(png.clone()),
        zoom: 2,
    };
    let html = page(&RunState::Finished, &TrainingRun::default(), &[figure]);
    let tag = format!(
        r#"<img id="img-samples" class="pixelated" src="{}" width="6" height="4""#,
        png.uri()
    );
    assert!(html.contains(&tag));
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn the_reporter_writes_at_the_first_step_then_at_most_every_interval_and_per_epoch() {
    let dir = scratch("reporter");
    let path = dir.join("index.html");
    let mut reporter = RunReporter::new(TrainingRun::default(), Some(dir.clone()));
    reporter.on_step(&step(0, 1.0)).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first.contains(r#"id="step" data-value="0""#));
    assert!(first.contains(r#"id="fig-samples" class="card pending""#));
    reporter.on_step(&step(1, 1.0)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        first,
        "within the interval: no write"
    );
    reporter
        .on_samples(0, &RgbImage::from_pixel(4, 4, Rgb([9, 9, 9])))
        .unwrap();
    let epoch = std::fs::read_to_string(&path).unwrap();
    assert!(epoch.contains(r#"id="step" data-value="1""#) && epoch.contains("id=\"img-samples\""));
    assert!(epoch.contains("after epoch 1."));
    let run = reporter.finish(RunState::Finishing).unwrap();
    assert_eq!(run.last_step, Some(step(1, 1.0)));
    let last = std::fs::read_to_string(&path).unwrap();
    assert!(last.contains(r#"data-state="finishing""#));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_a_folder_the_reporter_only_follows_the_run() {
    let mut reporter = RunReporter::new(TrainingRun::default(), None);
    reporter.on_step(&step(3, 0.5)).unwrap();
    reporter.on_samples(0, &RgbImage::new(2, 2)).unwrap();
    assert_eq!(
        reporter.finish(RunState::Finished).unwrap().last_step,
        Some(step(3, 0.5))
    );
}

#[test]
fn the_html_report_node_writes_a_final_page_with_the_given_pictures() {
    let dir = scratch("node");
    let path = dir.join("report/index.html");
    let mut run = TrainingRun::new(vec![("epochs".into(), "3".into())]);
    run.record(&step(29, 0.5), 10.0);
    let inputs = Inputs::new()
        .with("run", Value::custom(run))
        .with("loss_curve", Value::Image(Image::filled(8, 4, 3, 200).unwrap().into()))
        .with("path", path.to_string_lossy().into_owned());
    HtmlReportNode
        .execute_values(&inputs, &mut Context::reference())
        .unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains(r#"data-state="finished""#));
    assert!(html.contains("id=\"img-loss-curve\"") && !html.contains("id=\"img-samples\""));
    assert!(html.contains(r#"<dd id="step" data-value="29">30 / 30</dd>"#));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_cancelled_training_leaves_a_stopped_page_that_does_not_reload() {
    let dir = scratch("cancelled");
    let mlp = |sizes: Vec<usize>, out| Network::mlp(&Mlp::new(sizes, Activation::Tanh, out).unwrap(), 1).unwrap();
    let data = ImageDataset::new(vec![128; 8 * 4], None, (2, 2, 1), "synthetic").unwrap();
    let config = LoaderConfig {
        batch_size: 4,
        shuffle: false,
        seed: 0,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    };
    let inputs = Inputs::new()
        .with("generator", Value::custom(mlp(vec![3, 4], Activation::Tanh)))
        .with("discriminator", Value::custom(mlp(vec![4, 1], Activation::Identity)))
        .with(
            "loader",
            Value::custom(DataLoader::new(Arc::new(data), config).unwrap()),
        )
        .with("epochs", 1)
        .with("lr_g", 2e-4)
        .with("lr_d", 2e-4)
        .with("beta1", 0.5)
        .with("beta2", 0.999)
        .with("label_smoothing", 0.0)
        .with("seed", 0)
        .with("samples_dir", "")
        .with("report_dir", dir.to_string_lossy().into_owned())
        .with("checkpoint_path", "")
        .with("checkpoint_every", 1)
        .with("resume_from", "");
    let cancel = CancelToken::new();
    cancel.cancel();
    let mut ctx = Context::reference().with_cancel(cancel);
    let err = GanTrainerNode.execute_values(&inputs, &mut ctx).unwrap_err();
    assert!(matches!(err, NodeError::Cancelled), "{err}");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains(
        r#"data-state="stopped">Stopped: training stopped before step 0; no training state was written (no checkpoint path was set)</p>"#
    ));
    assert!(!html.contains("http-equiv=\"refresh\""));
    std::fs::remove_dir_all(&dir).unwrap();
}
