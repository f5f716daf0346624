//! WSAStartup's version negotiation and WSADATA (docs/lifecycle.md), as plain values.

use crate::error::WsaError;

/// The WSADATA fields a guest observes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsaData {
    /// MAKEWORD(major, minor): low byte major, high byte minor.
    pub version: u16,
    pub high_version: u16,
    pub description: &'static str,
    pub system_status: &'static str,
    pub max_sockets: u16,
    pub max_udp_dg: u16,
}

const fn makeword(major: u8, minor: u8) -> u16 {
    (major as u16) | ((minor as u16) << 8)
}

/// The highest version this implementation speaks.
pub const HIGH_VERSION: u16 = makeword(2, 2);

impl WsaData {
    fn for_version(version: u16) -> WsaData {
        // A 1.x result reports the limits 1.1 applications read; Winsock 2
        // reports 0 and expects callers not to look (docs/lifecycle.md).
        let winsock1 = version & 0xff == 1;
        WsaData {
            version,
            high_version: HIGH_VERSION,
            description: "WinSock 2.0",
            system_status: "Running",
            max_sockets: if winsock1 { 32767 } else { 0 },
            max_udp_dg: if winsock1 { 65467 } else { 0 },
        }
    }
}

/// Why a WSAStartup did not count as a startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupRefused {
    pub code: WsaError,
    pub data: Option<WsaData>,
}

/// Negotiates the version a WSAStartup(`requested`) gets, per docs/lifecycle.md's
/// table. `has_wsadata` is false for a NULL lpWSAData, which fails
/// WSAEFAULT only after the version was found acceptable.
pub fn negotiate(requested: u16, has_wsadata: bool) -> Result<WsaData, StartupRefused> {
    let major = (requested & 0xff) as u8;
    let minor = (requested >> 8) as u8;
    let version = match (major, minor) {
        (0, _) => {
            return Err(StartupRefused {
                code: WsaError::VerNotSupported,
                data: has_wsadata.then(|| WsaData::for_version(HIGH_VERSION)),
            });
        }
        (1, 0 | 1) | (2, 0..=2) => requested,
        (1, _) => makeword(1, 1),
        _ => HIGH_VERSION,
    };
    if !has_wsadata {
        return Err(StartupRefused {
            code: WsaError::Fault,
            data: None,
        });
    }
    Ok(WsaData::for_version(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiated(major: u8, minor: u8) -> Result<(u8, u8), WsaError> {
        negotiate(makeword(major, minor), true)
            .map(|d| ((d.version & 0xff) as u8, (d.version >> 8) as u8))
            .map_err(|r| r.code)
    }

    #[test]
    fn version_table_of_spec_1() {
        assert_eq!(negotiated(0, 0), Err(WsaError::VerNotSupported));
        assert_eq!(negotiated(0, 9), Err(WsaError::VerNotSupported));
        assert_eq!(negotiated(1, 0), Ok((1, 0)));
        assert_eq!(negotiated(1, 1), Ok((1, 1)));
        assert_eq!(negotiated(1, 5), Ok((1, 1)));
        assert_eq!(negotiated(2, 0), Ok((2, 0)));
        assert_eq!(negotiated(2, 1), Ok((2, 1)));
        assert_eq!(negotiated(2, 2), Ok((2, 2)));
        assert_eq!(negotiated(2, 3), Ok((2, 2)));
        assert_eq!(negotiated(3, 0), Ok((2, 2)));
        assert_eq!(negotiated(255, 255), Ok((2, 2)));
    }

    #[test]
    fn refused_version_still_fills_wsadata_with_2_2() {
        let r = negotiate(makeword(0, 1), true).unwrap_err();
        assert_eq!(r.data.unwrap().version, HIGH_VERSION);
    }

    #[test]
    fn null_wsadata_is_checked_after_the_version() {
        assert_eq!(
            negotiate(makeword(0, 0), false).unwrap_err().code,
            WsaError::VerNotSupported
        );
        assert_eq!(
            negotiate(makeword(2, 2), false).unwrap_err().code,
            WsaError::Fault
        );
    }

    #[test]
    fn winsock1_limits() {
        let d = negotiate(makeword(1, 1), true).unwrap();
        assert_eq!((d.max_sockets, d.max_udp_dg), (32767, 65467));
        let d = negotiate(makeword(2, 2), true).unwrap();
        assert_eq!((d.max_sockets, d.max_udp_dg), (0, 0));
    }
}
