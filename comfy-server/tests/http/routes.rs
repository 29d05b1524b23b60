//! The routes the frontend calls, bare and under /api/, and their shapes.
use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn object_info_describes_every_node_in_comfyuis_fields() {
    let server = TestServer::start();
    let (status, info) = server.get("/api/object_info").await;
    assert_eq!(status, 200);
    let mut registry = comfy_core::Registry::new();
    comfy_nodes::register_all(&mut registry);
    let nodes = info.as_object().unwrap();
    assert_eq!(nodes.len(), registry.len());
    let fields = [
        "input",
        "input_order",
        "output",
        "output_is_list",
        "output_name",
        "name",
        "display_name",
        "description",
        "python_module",
        "category",
        "output_node",
    ];
    for (name, node) in nodes {
        for field in fields {
            assert!(node.get(field).is_some(), "{name} lacks {field}");
        }
        let schema = registry.schema(name).unwrap();
        for port in schema.inputs() {
            let side = if port.default_value().is_some() || port.is_optional() {
                "optional"
            } else {
                "required"
            };
            assert!(
                node["input"][side].get(port.name()).is_some(),
                "{name}.{} should be {side}",
                port.name()
            );
            assert!(node["input_order"][side]
                .as_array()
                .unwrap()
                .contains(&json!(port.name())));
        }
        assert_eq!(
            node["output"].as_array().unwrap().len(),
            node["output_name"].as_array().unwrap().len()
        );
    }
    let trainer = &info["GanTrainer"];
    assert_eq!(trainer["category"], "gan");
    assert_eq!(trainer["display_name"], "GAN Trainer");
    let epochs = &trainer["input"]["optional"]["epochs"];
    assert_eq!(epochs[0], "INT");
    assert_eq!(epochs[1]["default"], 10);
    assert_eq!(epochs[1]["min"], 1);
    assert!(
        epochs[1]["tooltip"].as_str().is_some_and(|t| !t.is_empty()),
        "tooltips from the port docs: {epochs}"
    );
    assert!(trainer["input"]["required"].get("generator").is_some());
    let scale = &info["DataLoader"]["input"]["optional"]["scale"];
    assert!(scale[0].is_array(), "a combo lists its choices: {scale}");
    assert_eq!(info["SaveImageGrid"]["output_node"], true);

    let (_, one) = server.get("/object_info/GanTrainer").await;
    assert_eq!(one["GanTrainer"], info["GanTrainer"]);
    let (status, none) = server.get("/object_info/NoSuchNode").await;
    assert_eq!((status, none), (200, json!({})));
}

#[tokio::test]
async fn the_frontends_startup_routes_answer_bare_and_under_api() {
    let server = TestServer::start();
    let routes = [
        "/system_stats",
        "/object_info",
        "/extensions",
        "/embeddings",
        "/users",
        "/settings",
        "/i18n",
        "/workflow_templates",
        "/experiment/models",
        "/v2/userdata",
        "/queue",
        "/history?max_items=64",
        "/features",
        "/prompt",
        "/settings/Comfy.Locale",
    ];
    for route in routes {
        let (bare, bare_body) = server.get(route).await;
        let (api, api_body) = server.get(&format!("/api{route}")).await;
        assert_eq!((bare, api), (200, 200), "{route}");
        if route != "/system_stats" {
            assert_eq!(bare_body, api_body, "{route}");
        }
    }
    let (_, stats) = server.get("/api/system_stats").await;
    assert_eq!(stats["devices"][0]["name"], "reference");
    let (_, users) = server.get("/api/users").await;
    assert_eq!(users, json!({ "storage": "server", "migrated": true }));
    let (_, features) = server.get("/api/features").await;
    assert_eq!(features["supports_preview_metadata"], true);
    let (status, list) = server
        .get("/api/userdata?dir=workflows&recurse=true&split=false&full_info=true")
        .await;
    assert_eq!(
        (status, list),
        (200, json!([])),
        "no workflows folder yet: nothing in it"
    );
    let page = server
        .http
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("pip install comfyui-frontend-package==1.27.10"));
}

#[tokio::test]
async fn settings_and_userdata_round_trip() {
    let server = TestServer::start();
    server.post("/api/settings", &json!({ "Comfy.Locale": "en" })).await;
    server.post("/api/settings/Comfy.Theme", &json!("dark")).await;
    let (_, settings) = server.get("/api/settings").await;
    assert_eq!(settings, json!({ "Comfy.Locale": "en", "Comfy.Theme": "dark" }));
    let (_, missing) = server.get("/api/settings/Nope").await;
    assert_eq!(missing, Value::Null);

    let url = server.url("/api/userdata/workflows%2Fgan.json");
    let res = server.http.post(&url).body("{\"nodes\":[]}").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = server
        .http
        .post(format!("{url}?overwrite=false"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let text = server.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert_eq!(text, "{\"nodes\":[]}");
    let (_, list) = server
        .get("/api/userdata?dir=workflows&recurse=true&split=false&full_info=true")
        .await;
    assert_eq!(list[0]["path"], "gan.json");
    let (_, v2) = server.get("/api/v2/userdata?path=workflows").await;
    assert_eq!(v2[0]["name"], "gan.json");
    let moved = server.url("/api/userdata/workflows%2Fgan.json/move/workflows%2Fgan2.json");
    assert_eq!(server.http.post(moved).send().await.unwrap().status(), 200);
    let gone = server.http.get(&url).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    let renamed = server.url("/api/userdata/workflows%2Fgan2.json");
    assert_eq!(server.http.delete(&renamed).send().await.unwrap().status(), 204);
    assert_eq!(server.http.get(&renamed).send().await.unwrap().status(), 404);
}
