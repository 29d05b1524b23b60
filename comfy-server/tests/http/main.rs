//! The server driven over real HTTP and WebSocket connections, one server per test on a
//! free port, in one test binary (one link of axum, reqwest and the nodes).
mod common;
mod load;
mod messages;
mod routes;
mod safety;
mod validation;
mod workflows;
