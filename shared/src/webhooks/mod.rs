//! Inbound webhooks, verified by signature and processed once per event id.

pub mod signature;
