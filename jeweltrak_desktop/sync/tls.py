"""The only way the desktop reaches the sync service: https with TLS 1.2 or newer (P10).

Plain ``http://`` is accepted for a service on this computer only (loopback: 127.0.0.0/8,
``::1``, ``localhost``) — that traffic never leaves the machine, and it is how ``make run``
and the tests talk to a local service. Every client made here refuses TLS below 1.2 and
never follows redirects, so an https address cannot be downgraded by a redirect.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.sync.ops import SCHEMA_VERSION

MINIMUM_TLS = ssl.TLSVersion.TLSv1_2
#: Connect/read limits of ordinary requests; long-polls pass their own read timeout.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)
SCHEMA_HEADER = "X-JewelTrak-Schema-Version"


class InsecureServerAddress(JewelTrakError):
    """A service address that would send store data unencrypted (or is not an address)."""

    code = "insecure_server_address"


class InsecureConnection(JewelTrakError):
    """The service did not offer TLS 1.2+ with a certificate this computer trusts."""

    code = "insecure_connection"


class ServiceUnreachable(JewelTrakError):
    """No answer from the service: network down, wrong address, or service stopped."""

    code = "service_unreachable"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this computer (127.0.0.0/8, ::1 or localhost)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_server_url(url: str) -> str:
    """The service address, normalized; refuses http:// to another computer (P10)."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise InsecureServerAddress(
            f"“{text}” is not a service address; it should look like https://sync.example.com.",
            url=text,
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InsecureServerAddress(
            "The service address must not contain a user name, password, “?” or “#”; "
            "type only https:// and the server name.",
            url=parts.hostname,
        )
    if scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureServerAddress(
            f"JewelTrak only sends store data over an encrypted connection: use "
            f"https://{parts.netloc}{parts.path.rstrip('/')} instead of http:// "
            "(plain http:// is allowed only to a service on this computer).",
            url=text,
        )
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def tls_context(*, ca_file: Path | str | None = None) -> ssl.SSLContext:
    """Certificate-checking TLS settings that refuse anything older than TLS 1.2.

    ``ca_file`` trusts a private certificate authority (a store's own server, tests);
    otherwise the same trust store as httpx (certifi, or ``SSL_CERT_FILE``).
    """
    if ca_file is not None:
        context = ssl.create_default_context(cafile=str(ca_file))
    else:
        context = httpx.create_ssl_context(verify=True)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    # A policy may already demand more (TLS 1.3); never lower it.
    if context.minimum_version < MINIMUM_TLS:  # MINIMUM_SUPPORTED is negative
        context.minimum_version = MINIMUM_TLS
    return context


def secure_transport(*, ca_file: Path | str | None = None, retries: int = 0) -> httpx.HTTPTransport:
    """An httpx transport with ``tls_context`` (for clients that wrap transports)."""
    return httpx.HTTPTransport(verify=tls_context(ca_file=ca_file), retries=retries)


def service_client(
    server_url: str,
    *,
    token: str | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ca_file: Path | str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx client for the service at ``server_url`` (checked by ``check_server_url``).

    ``transport`` replaces the network layer (fault injection); it should itself be built
    on ``secure_transport`` so the TLS floor still holds.
    """
    base_url = check_server_url(server_url)
    headers = {SCHEMA_HEADER: str(SCHEMA_VERSION), "User-Agent": "JewelTrak-Desktop"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    context = tls_context(ca_file=ca_file)
    return httpx.Client(
        base_url=base_url,
        headers=headers,
        timeout=timeout,
        follow_redirects=False,
        # ``verify`` also covers the proxy transports httpx mounts from HTTPS_PROXY.
        verify=context,
        transport=transport or httpx.HTTPTransport(verify=context),
    )


def connection_error(exc: httpx.TransportError, server_url: str) -> JewelTrakError:
    """The clerk's sentence for a request that got no usable answer."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return InsecureConnection(
                f"The service at {server_url} did not offer a secure connection (TLS 1.2 or "
                "newer with a trusted certificate), so JewelTrak sent nothing. Check the "
                "address, or ask whoever runs the service to update its certificate.",
                url=server_url,
                reason=type(cause).__name__,
            )
        cause = cause.__cause__ or cause.__context__
    return ServiceUnreachable(
        f"The JewelTrak service at {server_url} does not answer. Check the network "
        "connection and the service address, then try again.",
        url=server_url,
        reason=type(exc).__name__,
    )
