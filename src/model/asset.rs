//! Files stored inside the document (images, PDFs, media), addressed by content hash.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AssetId;

/// A stored file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Asset {
    /// Stable identity.
    pub id: AssetId,
    /// File name, as referenced from Markdown (`asset:NAME` or `assets/NAME`).
    pub name: String,
    /// IANA media type.
    pub media_type: String,
    /// Alternative text for images.
    #[serde(default)]
    pub alt: String,
    /// Hex SHA-256 of `data`.
    pub sha256: String,
    /// The bytes (base64 in JSON).
    #[serde(with = "base64_bytes")]
    #[schemars(with = "String")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub data: Vec<u8>,
}

impl Asset {
    /// A new asset with its hash computed.
    pub fn new(name: impl Into<String>, media_type: impl Into<String>, data: Vec<u8>) -> Self {
        Asset {
            id: AssetId::new(),
            name: name.into(),
            media_type: media_type.into(),
            alt: String::new(),
            sha256: sha256_hex(&data),
            data,
        }
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(data))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}
