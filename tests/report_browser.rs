//! The run report, end to end: a short real training of the main job's graph writes
//! `index.html` while it trains and once more at the end; the pages are checked as text and in
//! a real headless browser (Debian's `chromium`): they render, every picture loads, and the
//! numbers shown are the last row of `losses.csv`.
use comfy::pipelines::{mnist_gan_graph, TrainSettings};
use comfy_core::{Event, Executor, Graph, Registry, RunStatus};
use comfy_gpu::{select, DeviceChoice};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the test saw of `index.html` each time the trainer reported progress.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    state: String,
    step: String,
    has_samples: bool,
}

struct TrainedRun {
    dir: PathBuf,
    seen: Vec<Seen>,
    /// A copy of the first live page that showed samples.
    live_snapshot: Option<PathBuf>,
}

/// The value of `attr` on the element with `id="{id}"`: enough HTML parsing for pages whose
/// attributes are written in double quotes.
fn attr(html: &str, id: &str, attr: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let tag = &html[start..start + html[start..].find('>')?];
    let key = format!(" {attr}=\"");
    let from = tag.find(&key)? + key.len();
    Some(tag[from..from + tag[from..].find('"')?].to_string())
}

/// The main job's graph, shortened (3 epochs, smaller networks) and writing into `dir`.
fn short_graph(dir: &Path) -> Graph {
    let settings = TrainSettings {
        epochs: 3,
        batch_size: 100,
        out_dir: dir.to_string_lossy().into_owned(),
        ..TrainSettings::mnist_gan()
    };
    let mut graph = mnist_gan_graph(&settings).unwrap();
    let shrink: Vec<_> = graph
        .nodes()
        .iter()
        .filter(|n| matches!(n.class_type(), "MlpGenerator" | "MlpDiscriminator"))
        .map(|n| n.id().clone())
        .collect();
    for id in shrink {
        graph.set(&id, "hidden", "128").unwrap();
    }
    graph
}

fn trained() -> &'static TrainedRun {
    static RUN: OnceLock<TrainedRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-browser-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let graph = short_graph(&dir);
        let mut registry = Registry::new();
        comfy_nodes::register_all(&mut registry);
        let mut executor = Executor::new(select(DeviceChoice::Cpu).unwrap());
        let (page, snapshot) = (dir.join("index.html"), dir.join("live_snapshot.html"));
        let trainer = graph
            .nodes()
            .iter()
            .find(|n| n.class_type() == "GanTrainer")
            .unwrap()
            .id()
            .clone();
        let mut seen: Vec<Seen> = Vec::new();
        let mut live_snapshot = None;
        let mut observer = |event: &Event| {
            let Event::Progress { node, .. } = event else { return };
            if *node != trainer {
                return;
            }
            let Ok(html) = std::fs::read_to_string(&page) else {
                return;
            };
            let now = Seen {
                state: attr(&html, "status", "data-state").unwrap_or_default(),
                step: attr(&html, "step", "data-value").unwrap_or_default(),
                has_samples: html.contains("id=\"img-samples\""),
            };
            if now.has_samples && live_snapshot.is_none() {
                std::fs::copy(&page, &snapshot).unwrap();
                live_snapshot = Some(snapshot.clone());
            }
            if seen.last() != Some(&now) {
                seen.push(now);
            }
        };
        let report = executor.run(&registry, &graph, &mut observer).unwrap();
        assert_eq!(report.status(), RunStatus::Completed);
        TrainedRun {
            dir,
            seen,
            live_snapshot,
        }
    })
}

/// `step,epoch,d_loss,g_loss` of the last row of losses.csv, as written.
fn last_csv_row(dir: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(dir.join("losses.csv")).unwrap();
    let last = csv.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    last.split(',').map(str::to_string).collect()
}

/// The page's numbers against the CSV: the step index exactly, the losses as the same f32.
fn assert_numbers_match_csv(html: &str, dir: &Path) {
    let row = last_csv_row(dir);
    assert_eq!(
        attr(html, "step", "data-value").as_deref(),
        Some(row[0].as_str()),
        "last step"
    );
    for (id, column) in [("d-loss", 2), ("g-loss", 3)] {
        let shown: f32 = attr(html, id, "data-value").unwrap().parse().unwrap();
        let written: f32 = row[column].parse().unwrap();
        assert_eq!(shown, written, "#{id} against losses.csv column {column}");
    }
    let steps: usize = row[0].parse().unwrap();
    assert!(
        html.contains(&format!(">{} / {}</dd>", steps + 1, steps + 1)),
        "step text"
    );
}

#[test]
fn the_page_is_updated_while_training_and_final_after() {
    let run = trained();
    let training: Vec<&Seen> = run.seen.iter().filter(|s| s.state == "training").collect();
    assert!(
        !run.seen.is_empty(),
        "the trainer reported progress before index.html existed"
    );
    assert_eq!(
        training.len(),
        run.seen.len(),
        "only live pages while training: {:?}",
        run.seen
    );
    assert!(
        training.len() >= 3,
        "the page changed only {} times: {:?}",
        training.len(),
        run.seen
    );
    assert!(!training[0].has_samples && training.iter().any(|s| s.has_samples));
    let html = std::fs::read_to_string(run.dir.join("index.html")).unwrap();
    assert_eq!(attr(&html, "status", "data-state").as_deref(), Some("finished"));
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "a finished page must not reload"
    );
    for id in ["img-samples", "img-loss-curve", "img-classified"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(
        !html.contains("src=\"http"),
        "the page must not load anything from the network"
    );
    assert_numbers_match_csv(&html, &run.dir);
    let live = std::fs::read_to_string(run.live_snapshot.as_ref().unwrap()).unwrap();
    assert!(live.contains("<meta http-equiv=\"refresh\" content=\"2\">"));
    assert!(run.dir.join("classified.png").is_file());
}

/// Debian's `chromium` on the PATH; `None` (after saying so) when it is missing outside CI.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium not found on the PATH; CI must install it (.ci/run: apt-get install chromium)"
        );
        eprintln!("skipped: chromium not found");
    }
    found
}

/// The DOM of `page` after it loaded, from `chromium --headless --dump-dom`.
fn dump_dom(chromium: &Path, page: &Path, budget_ms: u32) -> String {
    let profile = page.with_extension(format!("profile-{budget_ms}"));
    let _ = std::fs::remove_dir_all(&profile);
    // Into a file, not a pipe: a pipe nobody reads fills up and chromium waits forever.
    let dump = page.with_extension(format!("dom-{budget_ms}.html"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .stdout(std::fs::File::create(&dump).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "chromium failed: {status}");
    std::fs::read_to_string(&dump).unwrap()
}

#[test]
fn the_final_page_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else { return };
    let run = trained();
    let dom = dump_dom(&chromium, &run.dir.join("index.html"), 3000);
    // The page's own script counts the pictures that decoded once the page had loaded.
    let loaded = dom.find("data-images-loaded=\"").map(|i| &dom[i..i + 24]);
    assert!(
        dom.contains("data-images-loaded=\"3/3\""),
        "pictures loaded: {loaded:?}"
    );
    assert_eq!(attr(&dom, "status", "data-state").as_deref(), Some("finished"));
    for id in [
        "progress",
        "settings",
        "fig-samples",
        "fig-loss-curve",
        "fig-classified",
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "#{id} missing from the rendered page"
        );
    }
    assert!(dom.contains("data-key=\"backend\">cpu<"), "settings show the backend");
    assert_numbers_match_csv(&dom, &run.dir);
}

#[test]
fn a_live_page_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else { return };
    let run = trained();
    let snapshot = run.live_snapshot.as_ref().unwrap();
    // Less virtual time than the 2 s reload, so the DOM is the page as first shown.
    let dom = dump_dom(&chromium, snapshot, 1500);
    assert!(
        dom.contains("data-images-loaded=\"2/2\""),
        "samples and loss curve load"
    );
    assert_eq!(attr(&dom, "status", "data-state").as_deref(), Some("training"));
    assert!(dom.contains("id=\"fig-classified\" class=\"card pending\""));
}
