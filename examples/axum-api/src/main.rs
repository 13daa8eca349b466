//! A small HTTP API: `/health` and `/hello?name=…`.

use axum::{extract::Query, routing::get, Router};
use serde::Deserialize;

#[derive(Deserialize)]
struct Hello {
    name: Option<String>,
}

async fn hello(Query(query): Query<Hello>) -> String {
    format!("hello, {}\n", query.name.as_deref().unwrap_or("world"))
}

#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/health", get(|| async { "ok\n" }))
        .route("/hello", get(hello));
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = tokio::net::TcpListener::bind(format!("0.0.0.0:{port}"))
        .await
        .expect("bind");
    println!("listening on :{port}");
    axum::serve(listener, app).await.expect("serve");
}
