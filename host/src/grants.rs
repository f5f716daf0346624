//! What an instance may reach (docs/sandbox.md): deny by default, connect and bind
//! granted separately, name lookups granted by name.
//!
//! The grants are a value the embedder builds and hands to one instance,
//! never a global. Address rules live in cap-std's network pools
//! (`cap_primitives::net::Pool`), which do the matching.

use cap_primitives::net::Pool;
use cap_primitives::{AmbientAuthority, ambient_authority};
use ipnet::IpNet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// One address rule: `IP`, `CIDR`, `IP:PORT`, `CIDR:LO-HI`, `[IPv6]:PORT` or
/// `[IPv6/len]:LO-HI`. Without a port every port (0 included) matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRule {
    pub net: IpNet,
    /// Inclusive port range.
    pub ports: (u16, u16),
}

impl NetRule {
    fn insert_into(&self, pool: &mut Pool, ambient: AmbientAuthority) {
        let (lo, hi) = self.ports;
        pool.insert_ip_net_port_range(self.net, lo, hi.checked_add(1), ambient);
    }
}

impl FromStr for NetRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("bad address rule {text:?}: {why}");
        let (host, ports) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(|| bad("missing ']'"))?;
            match after {
                "" => (host, None),
                _ => (
                    host,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or_else(|| bad("expected ':' after ']'"))?,
                    ),
                ),
            }
        } else if text.matches(':').count() > 1 {
            // A bare IPv6 address or network; a port needs the brackets.
            (text, None)
        } else {
            match text.split_once(':') {
                Some((host, ports)) => (host, Some(ports)),
                None => (text, None),
            }
        };
        let net = if host.contains('/') {
            IpNet::from_str(host).map_err(|e| bad(&e.to_string()))?
        } else {
            IpNet::from(IpAddr::from_str(host).map_err(|e| bad(&e.to_string()))?)
        };
        let parse_port = |p: &str| p.parse::<u16>().map_err(|_| bad("ports are 0-65535"));
        let ports = match ports {
            None => (0, u16::MAX),
            Some(spec) => match spec.split_once('-') {
                Some((lo, hi)) => {
                    let (lo, hi) = (parse_port(lo)?, parse_port(hi)?);
                    if lo > hi {
                        return Err(bad("port range runs backwards"));
                    }
                    (lo, hi)
                }
                None => {
                    let p = parse_port(spec)?;
                    (p, p)
                }
            },
        };
        Ok(NetRule { net, ports })
    }
}

impl fmt::Display for NetRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match (self.net, self.net.prefix_len() == self.net.max_prefix_len()) {
            (IpNet::V4(n), true) => n.addr().to_string(),
            (IpNet::V6(n), true) => format!("[{}]", n.addr()),
            (IpNet::V4(n), false) => n.to_string(),
            (IpNet::V6(n), false) => format!("[{n}]"),
        };
        match self.ports {
            (0, u16::MAX) => write!(f, "{host}"),
            (lo, hi) if lo == hi => write!(f, "{host}:{lo}"),
            (lo, hi) => write!(f, "{host}:{lo}-{hi}"),
        }
    }
}

/// Which names an instance may resolve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LookupGrant {
    /// No lookups (the default). Numeric host strings need no grant.
    #[default]
    None,
    /// Any name.
    Any,
    /// Only these names (compared without case, trailing dot ignored).
    Names(Vec<String>),
}

impl LookupGrant {
    pub fn allows(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.');
        match self {
            LookupGrant::None => false,
            LookupGrant::Any => true,
            LookupGrant::Names(names) => names
                .iter()
                .any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(name)),
        }
    }
}

/// The network an instance may reach. Empty by default: nothing.
#[derive(Clone, Default)]
pub struct Grants {
    connect: Pool,
    bind: Pool,
    connect_rules: Vec<NetRule>,
    bind_rules: Vec<NetRule>,
    lookup: LookupGrant,
}

impl fmt::Debug for Grants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grants")
            .field("connect", &self.connect_rules)
            .field("bind", &self.bind_rules)
            .field("lookup", &self.lookup)
            .finish()
    }
}

impl Grants {
    /// Nothing granted.
    pub fn deny_all() -> Self {
        Self::default()
    }

    /// May connect (and send datagrams) to addresses matching `rule`.
    pub fn allow_connect(&mut self, rule: NetRule) -> &mut Self {
        rule.insert_into(&mut self.connect, ambient_authority());
        self.connect_rules.push(rule);
        self
    }

    /// May bind (and listen) on addresses matching `rule`.
    pub fn allow_bind(&mut self, rule: NetRule) -> &mut Self {
        rule.insert_into(&mut self.bind, ambient_authority());
        self.bind_rules.push(rule);
        self
    }

    /// Sets which names may be resolved.
    pub fn allow_lookup(&mut self, lookup: LookupGrant) -> &mut Self {
        self.lookup = lookup;
        self
    }

    pub fn lookup(&self) -> &LookupGrant {
        &self.lookup
    }

    pub fn may_connect(&self, addr: SocketAddr) -> bool {
        self.connect.check_addr(&canonical(addr)).is_ok()
    }

    pub fn may_bind(&self, addr: SocketAddr) -> bool {
        self.bind.check_addr(&canonical(addr)).is_ok()
    }

    /// Whether a peer at `addr` may be handed to the guest by accept: its
    /// address must be one the guest's grants name, for connect or for bind
    /// (ports aside: a client's source port is any). A server granted
    /// `--allow-bind 127.0.0.1:7007` serves clients on 127.0.0.1 and no
    /// one else; one granted `0.0.0.0/0:80` serves everyone (docs/sandbox.md: a
    /// guest talks only to the addresses its grants name).
    pub fn may_accept_from(&self, addr: SocketAddr) -> bool {
        let ip = canonical(addr).ip();
        self.connect_rules
            .iter()
            .chain(&self.bind_rules)
            .any(|rule| rule.net.contains(&ip))
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) reaches the IPv4 host, so
/// it is checked as that IPv4 address: otherwise it would slip past IPv4
/// grants' intent by matching only `::/0`-style IPv6 rules.
fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> NetRule {
        s.parse().unwrap()
    }

    #[test]
    fn rule_forms_parse_and_print_back() {
        for text in [
            "127.0.0.1",
            "10.0.0.0/8",
            "127.0.0.1:8080",
            "10.0.0.0/8:1000-2000",
            "[::1]:80",
            "[fe80::/10]:1-2",
        ] {
            assert_eq!(rule(text).to_string(), text);
        }
        assert_eq!(rule("::1").to_string(), "[::1]");
        assert!("127.0.0.1:70000".parse::<NetRule>().is_err());
        assert!("127.0.0.1:9-1".parse::<NetRule>().is_err());
        assert!("localhost".parse::<NetRule>().is_err());
    }

    #[test]
    fn nothing_is_granted_by_default() {
        let g = Grants::deny_all();
        assert!(!g.may_connect("127.0.0.1:80".parse().unwrap()));
        assert!(!g.may_bind("127.0.0.1:0".parse().unwrap()));
        assert!(!g.lookup().allows("localhost"));
    }

    #[test]
    fn connect_and_bind_are_separate() {
        let mut g = Grants::deny_all();
        g.allow_connect(rule("127.0.0.1:1000-1001"));
        assert!(g.may_connect("127.0.0.1:1000".parse().unwrap()));
        assert!(g.may_connect("127.0.0.1:1001".parse().unwrap()));
        assert!(!g.may_connect("127.0.0.1:1002".parse().unwrap()));
        assert!(!g.may_bind("127.0.0.1:1000".parse().unwrap()));
    }

    #[test]
    fn ipv4_mapped_ipv6_is_checked_as_ipv4() {
        let mut g = Grants::deny_all();
        g.allow_connect(rule("127.0.0.1"));
        assert!(g.may_connect("[::ffff:127.0.0.1]:80".parse().unwrap()));
        assert!(!g.may_connect("[::ffff:10.0.0.1]:80".parse().unwrap()));
        let mut any6 = Grants::deny_all();
        any6.allow_connect(rule("::/0"));
        assert!(!any6.may_connect("[::ffff:10.0.0.1]:80".parse().unwrap()));
    }

    #[test]
    fn accepted_peers_must_be_named_by_a_grant_whatever_their_port() {
        let mut g = Grants::deny_all();
        g.allow_bind("127.0.0.1:7007".parse().unwrap());
        g.allow_connect("10.0.0.0/8:80".parse().unwrap());
        assert!(g.may_accept_from("127.0.0.1:50000".parse().unwrap()));
        assert!(g.may_accept_from("[::ffff:127.0.0.1]:50000".parse().unwrap()));
        assert!(g.may_accept_from("10.1.2.3:1234".parse().unwrap()));
        assert!(!g.may_accept_from("127.0.0.2:50000".parse().unwrap()));
        assert!(!g.may_accept_from("[::1]:50000".parse().unwrap()));
        assert!(!Grants::deny_all().may_accept_from("127.0.0.1:1".parse().unwrap()));
    }
}
