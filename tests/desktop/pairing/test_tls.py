"""P10: plain http only to loopback; TLS below 1.2 refused by every client we build."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jeweltrak_desktop.sync.pairing import call
from jeweltrak_desktop.sync.tls import (
    InsecureConnection,
    InsecureServerAddress,
    check_server_url,
    service_client,
    tls_context,
)

# The test servers speak the old protocols on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://sync.example.com/", "https://sync.example.com"),
        ("HTTPS://sync.example.com:8443/jt/", "https://sync.example.com:8443/jt"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.3.4.5:8765/", "http://127.3.4.5:8765"),
        ("http://localhost:8765", "http://localhost:8765"),
        ("http://[::1]:8765", "http://[::1]:8765"),
        ("  https://10.0.0.5  ", "https://10.0.0.5"),
    ],
)
def test_https_anywhere_and_plain_http_on_loopback_are_accepted(url: str, normalized: str) -> None:
    assert check_server_url(url) == normalized


@pytest.mark.parametrize(
    "url",
    [
        "http://sync.example.com",
        "http://192.168.1.20:8765",
        "http://10.0.0.5",
        "http://[2001:db8::1]:8765",
        "http://localhost.example.com",
        "http://128.0.0.1",
    ],
)
def test_plain_http_to_another_computer_is_refused(url: str) -> None:
    """P10: the desktop refuses plain http to a non-loopback server."""
    with pytest.raises(InsecureServerAddress, match="encrypted connection"):
        check_server_url(url)
    with pytest.raises(InsecureServerAddress):
        service_client(url)


@pytest.mark.parametrize(
    "url", ["ftp://sync.example.com", "sync.example.com", "https://", "https://a:b@host", ""]
)
def test_things_that_are_not_service_addresses_are_refused(url: str) -> None:
    with pytest.raises(InsecureServerAddress):
        check_server_url(url)


def test_every_client_refuses_tls_below_1_2() -> None:
    """P10: the SSL context of the clients has TLS 1.2 as its floor and checks certificates."""
    context = tls_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    with service_client("https://sync.example.com") as client:
        # httpx keeps the context on its connection pool (private, but the real object).
        pool_context = client._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert pool_context.minimum_version == ssl.TLSVersion.TLSv1_2
        assert client.follow_redirects is False


# --- a real TLS server on loopback ------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA file) and its key."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _https_server(certificate: tuple[Path, Path], *, maximum: ssl.TLSVersion) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = maximum
    with contextlib.suppress(ssl.SSLError):
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the old protocol be offered at all
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _old_client_connects(url: str, cafile: Path) -> bool:
    """Whether a client that allows TLS 1.0/1.1 can talk to the server at all here."""
    context = ssl.create_default_context(cafile=str(cafile))
    context.minimum_version = ssl.TLSVersion.TLSv1
    try:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        port = int(url.rsplit(":", 1)[1])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            return tls.version() in ("TLSv1", "TLSv1.1")
    except (ssl.SSLError, OSError):
        return False


def test_a_tls_1_2_service_with_a_trusted_certificate_is_reached(
    certificate: tuple[Path, Path],
) -> None:
    with (
        _https_server(certificate, maximum=ssl.TLSVersion.TLSv1_2) as url,
        service_client(url, ca_file=certificate[0]) as client,
    ):
        assert call(client, "GET", "/health") == {"status": "ok"}


def test_a_service_offering_only_tls_1_1_is_refused(certificate: tuple[Path, Path]) -> None:
    """P10: the desktop refuses TLS below 1.2, with a sentence the clerk can act on."""
    with _https_server(certificate, maximum=ssl.TLSVersion.TLSv1_1) as url:
        if not _old_client_connects(url, certificate[0]):
            pytest.skip("this OpenSSL cannot speak TLS 1.1 at all; the context test covers it")
        with (
            service_client(url, ca_file=certificate[0]) as client,
            pytest.raises(InsecureConnection, match=r"TLS 1\.2 or newer"),
        ):
            call(client, "GET", "/health")


def test_an_untrusted_certificate_is_refused(certificate: tuple[Path, Path]) -> None:
    with (
        _https_server(certificate, maximum=ssl.TLSVersion.TLSv1_3) as url,
        service_client(url) as client,
        pytest.raises(InsecureConnection),
    ):
        call(client, "GET", "/health")
