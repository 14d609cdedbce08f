//! The carrier port: hand a parcel to a carrier and get a tracking number.
//!
//! The local carrier is deterministic: the tracking number derives from the
//! order id (so a repeated step books the same shipment), and an address
//! with postal code `00000` is refused as not serviceable, which is how
//! tests inject a fulfilment failure after a successful charge.

pub mod label;

use sha2::{Digest, Sha256};

use crate::domain::order::{Order, Shipment};

#[derive(Debug, thiserror::Error)]
pub enum CarrierError {
    /// The carrier will not take this parcel; retrying will not help.
    #[error("the carrier refused the shipment: {0}")]
    Rejected(String),
}

#[derive(Clone, Debug, Default)]
pub struct LocalCarrier;

/// The configured carrier.
#[derive(Clone, Debug)]
pub enum Carrier {
    Local(LocalCarrier),
}

impl Carrier {
    /// The shipping label of a shipment this carrier booked, as a PDF: the
    /// addresses, the order number and a Code 128 barcode of the tracking
    /// number. The local carrier draws it; a carrier with an API would fetch
    /// the label it issued for the shipment.
    pub async fn label(
        &self,
        order: &Order,
        shipment: &Shipment,
        sender: &label::Sender,
    ) -> Result<Vec<u8>, CarrierError> {
        match self {
            Carrier::Local(_) => Ok(label::render(order, shipment, sender)),
        }
    }

    pub async fn create_shipment(
        &self,
        order: &Order,
        now: &str,
    ) -> Result<Shipment, CarrierError> {
        match self {
            Carrier::Local(_) => {
                if order.shipping_address.postal_code.trim() == "00000" {
                    return Err(CarrierError::Rejected(format!(
                        "address not serviceable: postal code {}",
                        order.shipping_address.postal_code
                    )));
                }
                let digest = Sha256::digest(order.order_id.as_bytes());
                let digits: String = digest.iter().take(5).map(|b| format!("{:03}", b)).collect();
                let tracking_number = format!("LC{}", &digits[..12]);
                Ok(Shipment {
                    carrier: "Local Carrier".into(),
                    tracking_url: format!("https://track.local-carrier.test/{tracking_number}"),
                    tracking_number,
                    shipped_at: now.to_string(),
                })
            }
        }
    }
}
