"""Resolving a webhook's host once and sending to the address that was checked.

`check` is what registration calls; `post` is what the worker calls for each try:
it resolves the name, refuses it by the domain's rules (domain/webhook_targets.py),
then connects to that address itself, giving the name only as the Host header and
for TLS (SNI and the certificate check). It follows no redirect: a 3xx is an answer
like any other that is not 2xx, retried later.
"""
import http.client
import socket
import ssl

from flask import current_app

from ..domain.webhook_targets import Target, TargetRefused, checked_addresses, parse


def check(url: str) -> Target:
    """The URL's target, unless it names an address no webhook may reach; raises TargetRefused.

    A name that does not resolve yet is accepted (an agency may register before its DNS
    is live): each try resolves and checks it again before connecting.
    """
    target = parse(url)
    try:
        addresses = _resolve(target)
    except TargetRefused:
        return target
    checked_addresses(addresses, _allow_private())
    return target


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to `url` at an address checked just now; the answer's status.

    Raises TargetRefused, or OSError / http.client.HTTPException for a failed connection.
    """
    target = parse(url)
    address = checked_addresses(_resolve(target), _allow_private())[0]
    connection = _connection(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS"))


def _resolve(target: Target) -> list[str]:
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused("unresolvable", target.host) from error
    return list(dict.fromkeys(info[4][0] for info in found))


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.host, address, target.port, timeout=timeout,
                                      context=ssl.create_default_context())
    return _PinnedHTTPConnection(target.host, address, target.port, timeout=timeout)


class _Pinned:
    """A connection to an address checked beforehand; the host name stays for Host (and TLS)."""

    def __init__(self, host: str, address: str, port: int, **options):
        super().__init__(host, port, **options)
        self._address = address

    def _socket(self):
        return socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._socket()


class _PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    """SNI and the certificate check use the name, not the address."""

    def connect(self):
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)
