//! sidebyside OUT.png IN.png... [--crop X Y W H ZOOM]: the pictures left to right with a grey
//! bar between them, optionally each cropped to the same rectangle and zoomed by pixel copying.
use image::{imageops, Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, crop) = match args.iter().position(|a| a == "--crop") {
        Some(i) => (&args[..i], Some(args[i + 1..i + 6].iter().map(|v| v.parse::<u32>().unwrap()).collect::<Vec<_>>())),
        None => (&args[..], None),
    };
    let pictures: Vec<RgbImage> = files[1..]
        .iter()
        .map(|p| {
            let img = image::open(p).expect(p).to_rgb8();
            match &crop {
                Some(n) => {
                    let c = imageops::crop_imm(&img, n[0], n[1], n[2], n[3]).to_image();
                    imageops::resize(&c, c.width() * n[4], c.height() * n[4], imageops::FilterType::Nearest)
                }
                None => img,
            }
        })
        .collect();
    let gap = 12;
    let w = pictures.iter().map(|p| p.width()).sum::<u32>() + gap * (pictures.len() as u32 - 1);
    let h = pictures.iter().map(|p| p.height()).max().unwrap();
    let mut out = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let mut x = 0;
    for (i, p) in pictures.iter().enumerate() {
        if i > 0 {
            for y in 0..h {
                for bx in x - gap / 2 - 2..x - gap / 2 + 2 {
                    out.put_pixel(bx, y, Rgb([160, 160, 166]));
                }
            }
        }
        imageops::replace(&mut out, p, i64::from(x), 0);
        x += p.width() + gap;
    }
    out.save(&files[0]).unwrap();
}
