//! Safe by default: loopback, paths confined to the folders, bounded bodies, no cross-origin.
use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_server_listens_on_loopback_unless_told_otherwise() {
    let server = TestServer::start();
    assert!(server.server.as_ref().unwrap().local_addr().ip().is_loopback());
}

#[tokio::test]
async fn node_paths_leading_out_of_the_folders_are_refused_naming_node_and_input() {
    let server = TestServer::start();
    let outside = server.root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, server.root.join("output/link")).unwrap();
    let mut ws = server.ws("p").await;
    let escapes = [
        "../escape.png".to_string(),
        format!("{}/abs.png", outside.display()),
        "link/through.png".to_string(),
    ];
    for path in escapes {
        let id = server.queue(&generate_prompt(1, &path), "p").await;
        let heard = until_done(&mut ws, &id).await;
        let error = heard.of("execution_error");
        assert_eq!(error.len(), 1, "{path}: {:?}", heard.types());
        assert_eq!(error[0]["node_id"], "3");
        assert_eq!(error[0]["node_type"], "SaveImageGrid");
        let text = error[0]["exception_message"].as_str().unwrap();
        assert!(text.contains("path"), "names the input: {text}");
    }
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    assert!(!server.root.join("escape.png").exists());
}

#[tokio::test]
async fn view_upload_and_userdata_refuse_paths_leading_out() {
    let server = TestServer::start();
    std::fs::write(server.root.join("secret.png"), b"secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&server.root, server.root.join("output/link")).unwrap();
    let status = |path: &'static str| {
        let req = server.http.get(server.url(path));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status("/view?filename=../secret.png").await, 400);
    assert_eq!(status("/view?filename=%2e%2e%2fsecret.png").await, 400);
    assert_eq!(status("/view?filename=/etc/passwd").await, 400);
    assert_eq!(status("/view?filename=secret.png&subfolder=../..").await, 403);
    assert_eq!(status("/view?filename=secret.png&subfolder=link").await, 403);
    assert_eq!(status("/view?filename=missing.png").await, 404);
    assert_eq!(status("/view?filename=a.png&type=elsewhere").await, 400);
    assert_eq!(status("/view").await, 400);
    assert_eq!(status("/api/userdata/..%2Fsecret.png").await, 403);
    assert_eq!(status("/api/userdata?dir=..").await, 403);

    let png = comfy_server_png();
    let upload = |subfolder: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .part("image", reqwest::multipart::Part::bytes(bytes).file_name("up.png"))
            .text("subfolder", subfolder);
        let req = server.http.post(server.url("/upload/image")).multipart(form);
        async move { req.send().await.unwrap() }
    };
    assert_eq!(upload("../..", png.clone()).await.status(), 403);
    assert_eq!(upload("", b"not an image".to_vec()).await.status(), 400);
    let ok = upload("mine", png).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body, json!({ "name": "up.png", "subfolder": "mine", "type": "input" }));
    assert!(server.root.join("input/mine/up.png").is_file());
}

/// A 2×2 PNG.
fn comfy_server_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(2, 2)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[tokio::test]
async fn request_bodies_are_bounded() {
    let server = TestServer::start_with(|c| c.max_body_bytes = 64 << 10);
    let big = json!({ "prompt": generate_prompt(1, "b.png"), "padding": "x".repeat(100 << 10) });
    let (status, _) = server.post("/prompt", &big).await;
    assert_eq!(status, 413);
    let (status, _) = server
        .post("/prompt", &json!({ "prompt": generate_prompt(1, "b.png") }))
        .await;
    assert_eq!(status, 200, "a small prompt still passes");
}

#[tokio::test]
async fn cross_origin_requests_are_refused_unless_allowed() {
    let server = TestServer::start();
    let body = json!({ "prompt": generate_prompt(1, "o.png") });
    let evil = server
        .http
        .post(server.url("/prompt"))
        .header("origin", "http://evil.example")
        .json(&body);
    assert_eq!(evil.send().await.unwrap().status(), 403);
    let same_origin = format!("http://{}", server.server.as_ref().unwrap().local_addr());
    let same = server
        .http
        .post(server.url("/prompt"))
        .header("origin", same_origin)
        .json(&body);
    assert_eq!(same.send().await.unwrap().status(), 200);

    let open = TestServer::start_with(|c| c.cors_origin = Some("*".into()));
    let res = open
        .http
        .post(open.url("/prompt"))
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}
