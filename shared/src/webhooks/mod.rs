//! Webhooks: inbound ones (the gateway's, the carrier's), verified by
//! signature and processed once per event id; and outbound ones to the
//! shop's other systems.

pub mod deliveries;
pub mod outbound;
pub mod signature;
