//! The regional endpoint table (`regional-endpoints.ts`, API version 2).

use serde::{Deserialize, Serialize};

/// Data-residency region (`settings.endpoint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    #[default]
    NorthAmerica,
    Europe,
}

impl Region {
    /// Every region, in the order the reference lists its choices.
    pub const ALL: [Region; 2] = [Region::NorthAmerica, Region::Europe];

    /// The settings value (`north_america`, `europe`).
    pub fn key(self) -> &'static str {
        match self {
            Region::NorthAmerica => "north_america",
            Region::Europe => "europe",
        }
    }

    /// The label the reference shows (`North America`, `Europe`).
    pub fn label(self) -> &'static str {
        match self {
            Region::NorthAmerica => "North America",
            Region::Europe => "Europe",
        }
    }

    /// Parses a settings value; `None` for anything but the two choices.
    pub fn from_key(key: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// One Amplitude API the destination calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// HTTP API v2 (`/2/httpapi`): event actions without `use_batch_endpoint`.
    HttpApi,
    /// Batch API (`/batch`): event actions with `use_batch_endpoint`.
    Batch,
    /// Identify API: identifyUser, and groupIdentifyUser's user→group association.
    Identify,
    /// Group Identify API: groupIdentifyUser.
    GroupIdentify,
    /// User mapping (aliasing) API: mapUser. Note `api.`, not `api2.`, in North America.
    UserMap,
    /// User search (the reference's authentication test).
    UserSearch,
    /// User deletion (the reference's GDPR `onDelete`).
    Deletions,
}

impl Endpoint {
    /// Every endpoint, in the reference table's order.
    pub const ALL: [Endpoint; 7] = [
        Endpoint::HttpApi,
        Endpoint::Batch,
        Endpoint::Identify,
        Endpoint::GroupIdentify,
        Endpoint::UserMap,
        Endpoint::UserSearch,
        Endpoint::Deletions,
    ];

    /// The key in the reference's table (`httpapi`, `batch`, …).
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::HttpApi => "httpapi",
            Endpoint::Batch => "batch",
            Endpoint::Identify => "identify",
            Endpoint::GroupIdentify => "groupidentify",
            Endpoint::UserMap => "usermap",
            Endpoint::UserSearch => "usersearch",
            Endpoint::Deletions => "deletions",
        }
    }

    /// The URL of this endpoint in `region` (`getEndpointByRegion`).
    pub fn url(self, region: Region) -> &'static str {
        use Endpoint::*;
        use Region::*;
        match (self, region) {
            (HttpApi, NorthAmerica) => "https://api2.amplitude.com/2/httpapi",
            (HttpApi, Europe) => "https://api.eu.amplitude.com/2/httpapi",
            (Batch, NorthAmerica) => "https://api2.amplitude.com/batch",
            (Batch, Europe) => "https://api.eu.amplitude.com/batch",
            (Identify, NorthAmerica) => "https://api2.amplitude.com/identify",
            (Identify, Europe) => "https://api.eu.amplitude.com/identify",
            (GroupIdentify, NorthAmerica) => "https://api2.amplitude.com/groupidentify",
            (GroupIdentify, Europe) => "https://api.eu.amplitude.com/groupidentify",
            (UserMap, NorthAmerica) => "https://api.amplitude.com/usermap",
            (UserMap, Europe) => "https://api.eu.amplitude.com/usermap",
            (UserSearch, NorthAmerica) => "https://amplitude.com/api/2/usersearch",
            (UserSearch, Europe) => "https://analytics.eu.amplitude.com/api/2/usersearch",
            (Deletions, NorthAmerica) => "https://amplitude.com/api/2/deletions/users",
            (Deletions, Europe) => "https://analytics.eu.amplitude.com/api/2/deletions/users",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The table must equal the one dumped from the reference.
    #[test]
    fn endpoint_table_matches_the_reference_dump() {
        let defs: Value =
            serde_json::from_str(include_str!("../../../assets/amplitude-definitions.json"))
                .unwrap();
        let table = defs["endpoints"].as_object().unwrap();
        assert_eq!(table.len(), Endpoint::ALL.len());
        for e in Endpoint::ALL {
            for r in Region::ALL {
                assert_eq!(
                    table[e.key()][r.key()].as_str(),
                    Some(e.url(r)),
                    "{} {}",
                    e.key(),
                    r.key()
                );
            }
        }
        assert_eq!(Region::from_key("europe"), Some(Region::Europe));
        assert_eq!(Region::from_key("asia"), None);
    }
}
