"""``python -m sync_server``: run the sync service, migrate its database, prune (businesses
cancelled more than 30 days ago, then old change-log entries).

    python -m sync_server [serve] [--host H] [--port P] [--workers N]
    python -m sync_server migrate
    python -m sync_server prune [--days N]
    python -m sync_server push-quickbooks
    python -m sync_server rotate-integration-keys

Settings come from the environment (``sync_server.config.Settings``). Without
``DATABASE_URL`` the embedded PostgreSQL (``sync_server.embedded``) is started in
``JEWELTRAK_DATA_DIR/pg``, or reused if it already runs; it is left running when the
command ends (the next start reuses it at once) unless ``--stop-db-on-exit`` is given.

``serve`` migrates the database to head first, then serves until SIGTERM or SIGINT, on
which it stops gracefully and exits 0. Exit status 2 means the settings were refused (an
unsafe production configuration, for example), 1 any other failure.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType

import psycopg
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from sync_server.config import Settings
from sync_server.db.names import TenantRef
from sync_server.embedded import EmbeddedPostgres, EmbeddedPostgresError

log = logging.getLogger("sync_server")

COMMANDS = ("serve", "migrate", "prune", "push-quickbooks", "rotate-integration-keys")
EXIT_OK, EXIT_FAILURE, EXIT_BAD_SETTINGS = 0, 1, 2
#: Read by ``create_app_from_env`` in the worker processes of ``--workers`` > 1.
LOG_LEVEL_ENV = "JEWELTRAK_LOG_LEVEL"


class _Stopped(BaseException):
    """SIGTERM or SIGINT arrived outside the web server (which handles its own)."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line (``serve`` is the default command)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--stop-db-on-exit",
        action="store_true",
        help="stop the embedded PostgreSQL when the command ends (default: leave it "
        "running for the next start)",
    )
    common.add_argument(
        "--log-level",
        default=os.environ.get(LOG_LEVEL_ENV, "info"),
        choices=["debug", "info", "warning", "error"],
        help="logging threshold (default: info)",
    )
    parser = argparse.ArgumentParser(
        prog="python -m sync_server",
        description="JewelTrak sync service. Settings come from JEWELTRAK_* and "
        "DATABASE_URL; without DATABASE_URL an embedded PostgreSQL is used.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    serve = sub.add_parser(
        "serve", parents=[common], help="migrate, then serve HTTP (the default)"
    )
    serve.add_argument(
        "--host", default=None, help="address to listen on (default: JEWELTRAK_HOST, 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=_port, default=None, help="port (default: JEWELTRAK_PORT, 8765)"
    )
    serve.add_argument(
        "--workers", type=_positive_int, default=1, help="worker processes (default: 1)"
    )
    serve.add_argument(
        "--shutdown-timeout",
        type=_non_negative_int,
        default=10,
        help="seconds open requests (long-polls) get to finish on shutdown (default: 10)",
    )
    sub.add_parser(
        "migrate", parents=[common], help="bring the platform and tenant schemas to head"
    )
    prune = sub.add_parser(
        "prune", parents=[common], help="drop old change-log entries of every tenant"
    )
    prune.add_argument(
        "--days",
        type=_non_negative_int,
        default=None,
        help="keep this many days (default: JEWELTRAK_CHANGE_RETENTION_DAYS, 30)",
    )
    sub.add_parser(
        "push-quickbooks", parents=[common],
        help="push finalized sales of every business connected to QuickBooks Online "
        "(run it every few minutes; safe to run from several processes)",
    )
    sub.add_parser(
        "rotate-integration-keys", parents=[common],
        help="re-encrypt every stored integration token with the newest key of "
        "JEWELTRAK_INTEGRATION_KEYS",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; no command (or options only) means ``serve``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help")):
        args.insert(0, "serve")
    return build_parser().parse_args(args)


def configure_logging(level: str) -> None:
    """One format for the service, uvicorn and the embedded PostgreSQL runner."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic announces each of its plugins at INFO on every run.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _settings_problem(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        where = ".".join(str(x) for x in error.get("loc", ()))
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _safe_url(url: str) -> str:
    """The URL for messages, its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL (unparsable)"


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signal.Signals(signum).name)


def _ignore_signal(signum: int, frame: FrameType | None) -> None:
    log.info("%s: already stopping", signal.Signals(signum).name)


def _install_signal_handlers(handler: Callable[[int, FrameType | None], None]) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the process exit status."""
    args = parse_args(argv)
    configure_logging(args.log_level)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"sync_server: refusing to start: {_settings_problem(exc)}", file=sys.stderr)
        return EXIT_BAD_SETTINGS

    # Until uvicorn takes over (and after it hands back), a signal aborts what is running.
    _install_signal_handlers(_on_signal)
    embedded: EmbeddedPostgres | None = None
    try:
        url = settings.database_url
        if url:
            where = _safe_url(url)
        else:
            embedded = EmbeddedPostgres(settings.data_dir / "pg")
            url = embedded.start()
            where = f"embedded PostgreSQL in {embedded.data_dir}"
        return _run_command(args, settings, url, where)
    except _Stopped as stop:
        log.info("%s: stopped", stop)
        return EXIT_OK
    except EmbeddedPostgresError as exc:
        print(f"sync_server: embedded PostgreSQL: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except ArgumentError as exc:
        print(f"sync_server: invalid DATABASE_URL: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    except (DBAPIError, psycopg.OperationalError) as exc:
        problem = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"sync_server: database error: {problem}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        _install_signal_handlers(_ignore_signal)
        if embedded is not None and args.stop_db_on_exit:
            try:
                embedded.stop()
            except EmbeddedPostgresError as exc:
                print(f"sync_server: embedded PostgreSQL: {exc}", file=sys.stderr)


def _run_command(args: argparse.Namespace, settings: Settings, url: str, where: str) -> int:
    from sync_server.db.engine import make_engine

    engine = make_engine(url, pool_size=settings.pool_size)
    try:
        if args.command == "migrate":
            return _migrate(engine)
        if args.command == "prune":
            days = settings.change_retention_days if args.days is None else args.days
            return _prune(engine, days)
        if args.command == "push-quickbooks":
            return _push_quickbooks(engine, settings)
        if args.command == "rotate-integration-keys":
            return _rotate_integration_keys(engine, settings)
        return _serve(args, settings, engine, url, where)
    finally:
        engine.dispose()


def _connected_tenants(engine: Engine, provider: str) -> list[TenantRef]:
    """Tenants whose schema has a connection to ``provider`` (each asked as itself)."""
    from sync_server.db.engine import tenant_transaction
    from sync_server.db.migrate import tenant_refs

    found = []
    for ref in tenant_refs(engine):
        with tenant_transaction(engine, ref) as conn:
            row = conn.exec_driver_sql(
                "SELECT 1 FROM integration_connections WHERE provider = %s AND "
                "status = 'connected'", (provider,)
            ).first()
        if row is not None:
            found.append(ref)
    return found


def _push_quickbooks(engine: Engine, settings: Settings) -> int:
    from sync_server.integrations.quickbooks.push import push_pending_sales
    from sync_server.integrations.quickbooks.settings import QuickBooksSettings
    from sync_server.integrations.vault import TokenVault

    vault = TokenVault.from_environment(settings.secret_key.get_secret_value())
    qbo = QuickBooksSettings()
    failed = 0
    for ref in _connected_tenants(engine, "quickbooks"):
        try:
            counts = push_pending_sales(engine, ref, vault=vault, qbo=qbo)
        except Exception as exc:  # one business's trouble must not stop the others
            failed += 1
            print(f"tenant {ref.id}: QuickBooks push failed ({type(exc).__name__})",
                  file=sys.stderr, flush=True)
            continue
        print(f"tenant {ref.id}: {counts}", flush=True)
    return EXIT_FAILURE if failed else EXIT_OK


def _rotate_integration_keys(engine: Engine, settings: Settings) -> int:
    from sync_server.db.engine import tenant_transaction
    from sync_server.db.migrate import tenant_refs
    from sync_server.integrations.connections import rotate_tokens
    from sync_server.integrations.vault import TokenVault, VaultError

    vault = TokenVault.from_environment(settings.secret_key.get_secret_value())
    total, failed = 0, 0
    for ref in tenant_refs(engine):
        try:
            with tenant_transaction(engine, ref) as conn:
                total += rotate_tokens(conn, vault)
        except VaultError as exc:
            failed += 1
            print(f"tenant {ref.id}: {exc}", file=sys.stderr, flush=True)
    print(f"re-encrypted {total} connection(s) with the newest key", flush=True)
    return EXIT_FAILURE if failed else EXIT_OK


def _migrate(engine: Engine) -> int:
    from sync_server.db.migrate import upgrade_all

    tenants = upgrade_all(engine)
    print(f"migrated: platform schema and {tenants} tenant schema(s) at head", flush=True)
    return EXIT_OK


def _prune(engine: Engine, days: int) -> int:
    from sync_server.db.migrate import tenant_refs
    from sync_server.db.platform_tables import PLATFORM_SCHEMA
    from sync_server.lifecycle.service import delete_expired_tenants
    from sync_server.sync.feed import prune_change_log

    if not inspect(engine).has_table("tenants", schema=PLATFORM_SCHEMA):
        print("nothing to prune: the database is not migrated yet", flush=True)
        return EXIT_OK
    failed = 0
    # P14 first: businesses cancelled more than 30 days ago are deleted, not pruned.
    columns = {c["name"] for c in inspect(engine).get_columns("tenants", schema=PLATFORM_SCHEMA)}
    if "delete_after" in columns:
        expired = delete_expired_tenants(engine, datetime.now(UTC))
        for tenant_id in expired.deleted:
            print(f"tenant {tenant_id}: deleted (cancelled more than 30 days ago)", flush=True)
        failed += len(expired.failed)
    else:
        print("cancelled businesses not checked: run `migrate` first", file=sys.stderr)
        failed += 1
    before = datetime.now(UTC) - timedelta(days=days)
    total = 0
    for ref in tenant_refs(engine):
        try:
            pruned = prune_change_log(engine, ref, before)
        except Exception:
            log.exception("pruning tenant %s failed", ref.id)
            failed += 1
            continue
        total += pruned
        if pruned:
            print(f"tenant {ref.id}: pruned {pruned} change(s)", flush=True)
    print(
        f"pruned {total} change(s) committed before {before:%Y-%m-%d %H:%M} UTC"
        + (f"; {failed} tenant(s) failed" if failed else ""),
        flush=True,
    )
    return EXIT_FAILURE if failed else EXIT_OK


def _serve(
    args: argparse.Namespace, settings: Settings, engine: Engine, url: str, where: str
) -> int:
    import uvicorn

    from sync_server.app import create_app
    from sync_server.db.migrate import upgrade_all

    upgrade_all(engine)
    host: str = args.host if args.host is not None else settings.host
    port: int = args.port if args.port is not None else settings.port
    # uvicorn's access log is off: the request log (RequestLogMiddleware) already records
    # every request, deliberately without query strings, which uvicorn's would add.
    if args.workers > 1:
        # Each worker process builds its app from the environment: hand it the URL.
        os.environ["DATABASE_URL"] = url
        os.environ[LOG_LEVEL_ENV] = args.log_level
        engine.dispose()
        print(
            f"JewelTrak sync service serving on {_http(host, port)} with {args.workers} "
            f"workers (database: {where})",
            flush=True,
        )
        uvicorn.run(
            "sync_server.__main__:create_app_from_env",
            factory=True,
            workers=args.workers,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=args.shutdown_timeout,
        )
        return EXIT_OK

    app = create_app(settings, engine=engine)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=args.shutdown_timeout,
    )
    server = uvicorn.Server(config)
    sock = config.bind_socket()  # exits with status 1 (and says why) if the port is taken
    bound_port = int(sock.getsockname()[1])
    print(
        f"JewelTrak sync service serving on {_http(host, bound_port)} (database: {where})",
        flush=True,
    )
    server.run(sockets=[sock])
    if not server.started:
        return EXIT_FAILURE
    return EXIT_OK


def _http(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def create_app_from_env() -> FastAPI:
    """App factory for ``--workers`` > 1: each worker reads its settings from the environment
    (the parent process has set ``DATABASE_URL``, to the embedded server if need be)."""
    from sync_server.app import create_app

    configure_logging(os.environ.get(LOG_LEVEL_ENV, "info"))
    return create_app(Settings())


if __name__ == "__main__":
    sys.exit(main())
