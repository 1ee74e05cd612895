"""Which addresses a webhook may reach: the internet, never our own network (domain/webhook_targets.py)."""
import pytest

from courier.domain.webhook_targets import TargetRefused, address_allowed, checked_addresses, parse


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "10.0.0.1", "172.16.5.4", "192.168.1.10",
    "100.64.0.1",                 # shared (carrier-grade NAT)
    "169.254.169.254", "fe80::1",  # link-local: the cloud's metadata service
    "224.0.0.1", "ff02::1",        # multicast
    "240.0.0.1", "255.255.255.255",  # reserved, broadcast
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1",  # IPv4 written inside IPv6
    "fd00::1",                     # unique local
    "not an address",
])
def test_our_own_network_and_special_addresses_are_refused(address):
    assert address_allowed(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "203.162.4.190", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_internet_addresses_are_allowed(address):
    assert address_allowed(address) is True


@pytest.mark.parametrize("address,allowed", [
    ("127.0.0.1", True), ("10.0.0.1", True), ("192.168.1.10", True), ("fd00::1", True),
    ("169.254.169.254", False), ("0.0.0.0", False), ("224.0.0.1", False), ("100.64.0.1", False)])
def test_allowing_private_networks_never_opens_link_local_or_special_ones(address, allowed):
    assert address_allowed(address, allow_private=True) is allowed


def test_one_private_address_among_public_ones_refuses_the_name():
    with pytest.raises(TargetRefused) as refused:
        checked_addresses(["8.8.8.8", "10.0.0.1"])
    assert refused.value.code == "private_address"


@pytest.mark.parametrize("url,code", [
    ("ftp://agency.example.vn/hooks", "bad_scheme"), ("file:///etc/passwd", "bad_scheme"),
    ("gopher://127.0.0.1:6379/_INFO", "bad_scheme"), ("http://user:pass@agency.example.vn/", "credentials"),
    ("http:///hooks", "no_host"), ("http://agency.example.vn:99999/", "bad_port")])
def test_urls_no_webhook_may_have(url, code):
    with pytest.raises(TargetRefused) as refused:
        parse(url)
    assert refused.value.code == code


def test_a_url_keeps_its_name_port_and_path_for_the_request():
    target = parse("https://Agency.example.vn:8443/hooks/courier?v=2")
    assert (target.scheme, target.host, target.port, target.path) == ("https", "agency.example.vn", 8443,
                                                                      "/hooks/courier?v=2")
