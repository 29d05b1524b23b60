//! Training speed of the classic MNIST GAN step (one D and one G Adam update), measured the way
//! `../shared/anchors/torch_gan_bench.py` measures PyTorch, so the two can run side by side.
//!
//! ```sh
//! cargo run --release --example gan_speed -- [--batch 64 256] [--steps 300] [--warmup 30] [--device cpu|gpu|auto]
//! ```
//! Prints one JSON line per batch size: median step time, steps/s, images/s.
use comfy::gpu::{select, DeviceChoice};
use comfy::nodes::dataset::{bundled_mnist_dir, load_mnist, DataLoader, LoaderConfig, PixelScale, Split};
use comfy::nodes::gan::{default_discriminator, default_generator, GanTrainConfig, Network};
use comfy::nodes::train::{StepCtx, TrainStep};
use std::sync::Arc;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut batches, mut steps, mut warmup, mut device) = (vec![64usize, 256], 300usize, 30usize, DeviceChoice::Cpu);
    let mut args = std::env::args().skip(1).peekable();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--batch" => {
                batches.clear();
                while let Some(v) = args.next_if(|a| !a.starts_with("--")) {
                    batches.push(v.parse()?);
                }
            }
            "--steps" => steps = args.next().ok_or("--steps needs a value")?.parse()?,
            "--warmup" => warmup = args.next().ok_or("--warmup needs a value")?.parse()?,
            "--device" => device = args.next().ok_or("--device needs a value")?.parse::<DeviceChoice>()?,
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    let backend = select(device)?;
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Train)?);
    for batch in batches {
        let config = LoaderConfig {
            batch_size: batch,
            shuffle: true,
            seed: 0,
            drop_last: true,
            scale: PixelScale::MinusOneToOne,
        };
        let loader = DataLoader::new(data.clone(), config)?;
        let g = Network::new(default_generator(), 0)?;
        let d = Network::new(default_discriminator(), 1)?;
        let mut trainer = comfy::nodes::gan::trainer(g, d, backend.clone(), GanTrainConfig::default())?;
        let mut times = Vec::with_capacity(steps);
        let mut step = 0;
        'outer: for epoch in 0.. {
            for b in loader.epoch(epoch) {
                let t0 = Instant::now();
                let at = StepCtx {
                    step,
                    epoch,
                    last_saved: None,
                };
                trainer.model.step(&b, &at)?;
                backend.synchronize()?;
                if step >= warmup {
                    times.push(t0.elapsed().as_secs_f64());
                }
                step += 1;
                if times.len() == steps {
                    break 'outer;
                }
            }
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{{\"impl\": \"comfy\", \"backend\": \"{}\", \"threads\": {}, \"batch\": {batch}, \"median_step_ms\": {:.3}, \"steps_per_s\": {:.2}, \"images_per_s\": {:.0}}}",
            backend.name(),
            rayon::current_num_threads(),
            median * 1e3,
            1.0 / median,
            batch as f64 / median
        );
    }
    Ok(())
}
