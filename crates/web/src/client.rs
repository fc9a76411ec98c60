//! Who is on the other end of a request: the peer's address, or, when the peer is a
//! proxy the operator trusts (`serve --trusted-proxy CIDR`), the client it names in
//! `X-Forwarded-For` and whether it took the request over HTTPS (`X-Forwarded-Proto`).
//! A header from anyone else is ignored: it could say anything. The per-address sign-in
//! limit counts this address.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The client of a request, as far as this server can know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    pub ip: IpAddr,
    /// A trusted proxy says the client reached it over HTTPS.
    pub via_https_proxy: bool,
}

/// A network in CIDR notation: `10.0.0.0/8`, `192.168.1.10` (one address), `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("“{addr}”不是 IP 地址（例如 10.0.0.0/8 或 192.168.1.10）"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("前缀长度“{p}”应为 0–{max}"))?,
        };
        Ok(Cidr { net, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> Option<(u128, u32)> {
            match ip {
                IpAddr::V4(v) => Some((u128::from(u32::from(v)), 32)),
                IpAddr::V6(v) => match v.to_ipv4_mapped() {
                    Some(v4) if self.net.is_ipv4() => Some((u128::from(u32::from(v4)), 32)),
                    _ => Some((u128::from(v), 128)),
                },
            }
        };
        let (Some((net, width)), Some((addr, addr_width))) = (bits(self.net), bits(ip)) else {
            return false;
        };
        if width != addr_width {
            return false;
        }
        let host_bits = width - u32::from(self.prefix);
        if host_bits >= width {
            return true;
        }
        (net >> host_bits) == (addr >> host_bits)
    }
}

/// The client of a request from its peer and headers, trusting `trusted` proxies only.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> ClientAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return ClientAddr {
            ip: peer,
            via_https_proxy: false,
        };
    }
    // The rightmost address no trusted proxy added is the client; proxies append. An
    // entry that is not an address ends the walk at the last proxy's own peer: what lies
    // left of it was written by someone nobody vouches for.
    let entries: Vec<String> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().to_owned())
        .collect();
    let mut ip = peer;
    for entry in entries.iter().rev() {
        let Some(addr) = parse_forwarded(entry) else {
            break;
        };
        ip = addr;
        if !is_trusted(addr) {
            break;
        }
    }
    let via_https_proxy = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    ClientAddr {
        ip,
        via_https_proxy,
    }
}

/// An `X-Forwarded-For` entry: an address, or one with its port (`203.0.113.9:51234`,
/// `[2001:db8::1]:443`).
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Puts the [`ClientAddr`] of every request in its extensions.
pub async fn identify(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    let client = resolve(peer, req.headers(), &state.config.trusted_proxies);
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn networks_contain_their_addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(cidr("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!cidr("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(cidr("192.168.1.10").contains(ip("192.168.1.10")));
        assert!(!cidr("192.168.1.10").contains(ip("192.168.1.11")));
        assert!(cidr("0.0.0.0/0").contains(ip("8.8.8.8")));
        assert!(cidr("fd00::/8").contains(ip("fd12::1")));
        assert!(cidr("127.0.0.1").contains(ip("::ffff:127.0.0.1")));
        assert!(!cidr("fd00::/8").contains(ip("10.0.0.1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        let trusted = [cidr("10.0.0.0/8")];
        let c = resolve("10.0.0.1".parse().unwrap(), &h, &trusted);
        assert_eq!(c.ip, "203.0.113.9".parse::<IpAddr>().unwrap());
        assert!(c.via_https_proxy);
        // Anyone else's header is ignored.
        let c = resolve("198.51.100.7".parse().unwrap(), &h, &trusted);
        assert_eq!(c.ip, "198.51.100.7".parse::<IpAddr>().unwrap());
        assert!(!c.via_https_proxy);
        // A client cannot hide behind an address it writes itself to the left.
        h.insert("x-forwarded-for", "1.2.3.4, 203.0.113.9".parse().unwrap());
        let c = resolve("10.0.0.1".parse().unwrap(), &h, &trusted);
        assert_eq!(c.ip, "203.0.113.9".parse::<IpAddr>().unwrap());
        // An entry that is not an address stops the walk: nothing left of it is believed.
        h.insert(
            "x-forwarded-for",
            "1.2.3.4, unknown, 10.0.0.2".parse().unwrap(),
        );
        let c = resolve("10.0.0.1".parse().unwrap(), &h, &trusted);
        assert_eq!(c.ip, "10.0.0.2".parse::<IpAddr>().unwrap());
        h.insert("x-forwarded-for", "203.0.113.9:51234".parse().unwrap());
        let c = resolve("10.0.0.1".parse().unwrap(), &h, &trusted);
        assert_eq!(c.ip, "203.0.113.9".parse::<IpAddr>().unwrap());
    }
}
