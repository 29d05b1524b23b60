//! Node pack.
