"""Where a webhook may be sent: the agency's server on the internet, never into our own network.

A webhook URL is a request the worker will make from inside the post office's
network, so a URL naming 127.0.0.1:5432, the cloud's metadata address or a
colleague's intranet server would turn the worker into the agency's proxy there.
The rules, here as pure functions:

- http or https only, a host, no user name or password in the URL;
- every address the host resolves to must be a global one. Loopback, private,
  shared (100.64/10), link-local (169.254/16, the cloud metadata address), multicast,
  reserved and unspecified addresses are refused, IPv4 written inside IPv6
  (::ffff:127.0.0.1) judged as the IPv4 it is. Numbers written oddly (0x7f000001,
  2130706433, 127.1) are whatever the resolver makes of them, so they are judged by
  the address they resolve to, never by their spelling;
- `allow_private` (WEBHOOK_ALLOW_PRIVATE_NETWORKS) also lets loopback and private
  addresses through, for an agency on the post office's own network, and tests; never
  link-local, multicast, reserved or unspecified ones.

The caller resolves once, checks, and connects to the very address it checked, so a
name cannot resolve to a public address for the check and a private one for the
request (DNS rebinding).
"""
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(ValueError):
    """The URL may not be a webhook: `code` says why (bad_scheme, credentials, no_host, bad_port,
    private_address, unresolvable)."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str      # as written (the name the TLS certificate must carry)
    port: int
    path: str      # path and query, as sent in the request line


def parse(url: str) -> Target:
    """The parts a request needs; raises TargetRefused for a URL no webhook may have."""
    try:
        parts = urlsplit(str(url).strip())
        port = parts.port
    except ValueError as error:
        raise TargetRefused("bad_port") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetRefused("bad_scheme", scheme)
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("credentials")
    if not parts.hostname:
        raise TargetRefused("no_host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port or DEFAULT_PORTS[scheme], path)


def address_allowed(address: str, allow_private: bool = False) -> bool:
    """Whether a request may go to this IP address (a string as the resolver gives it)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is not part of it
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified or ip.is_link_local or ip.is_reserved:
        return False
    if ip.is_global:
        return True
    return allow_private and (ip.is_private or ip.is_loopback)


def checked_addresses(addresses: list[str], allow_private: bool = False) -> list[str]:
    """The resolved addresses, if every one is allowed; raises TargetRefused otherwise.

    All, not any: a name that resolves to a public and a private address could be
    connected to either.
    """
    if not addresses:
        raise TargetRefused("unresolvable")
    refused = [address for address in addresses if not address_allowed(address, allow_private)]
    if refused:
        raise TargetRefused("private_address", refused[0])
    return addresses
