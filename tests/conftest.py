"""Shared fixtures and options for the test suite.

``--update-golden`` rewrites golden files (tests/golden/, tests/cases/*/expected.*) from the
current output instead of comparing against them; read the diff before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

WritePage = Callable[..., Path]  # write_page(folder, text | bytes, name="page.txt") -> Path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The bundled seed pages (read-only: copy them before changing anything)."""
    return SEEDS


@pytest.fixture
def write_page() -> WritePage:
    """Factory: ``write_page(tmp_path, text_or_bytes, name="page.txt")`` -> the file's path.

    Text is written as UTF-8 exactly as given (no newline translation), bytes as they are.
    """

    def write(folder: Path, content: str | bytes, name: str = "page.txt") -> Path:
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def no_kg_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the developer's ``KG_*`` settings so commands see only their flags and defaults."""
    for name in [n for n in os.environ if n.startswith("KG_")]:
        monkeypatch.delenv(name)


# -- a real Oxigraph server on loopback (issue 6; STYLE rule 16: never a mock) -------------

import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from kg.store.serve import stop_process  # noqa: E402

SERVER_START_TIMEOUT = 15.0  # seconds


@dataclass
class OxigraphServer:
    """One ``oxigraph serve`` child on 127.0.0.1 with its own data folder.

    ``url`` is the root: SPARQL query at ``url/query``, update at ``url/update``, Graph Store
    at ``url/store``. ``kill()`` is SIGKILL (a crash); ``stop()`` terminates, then kills.
    """

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)


StartOxigraph = Callable[..., OxigraphServer]


def _answers(server: OxigraphServer, deadline: float) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with direct.open(f"{server.url}/query?query=ASK%7B%7D", timeout=1.0) as answer:
                answer.read()
                return True
        except urllib.error.HTTPError as exc:
            exc.close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture
def oxigraph_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartOxigraph]:
    """Factory: ``start(data_dir=None, args=())`` -> a running ``OxigraphServer``.

    A fresh empty data folder unless one is given (pass a stopped server's ``data_dir`` to
    restart on its data); extra arguments go to ``oxigraph serve`` (``--union-default-graph``).
    Every server started is stopped by its process id when the test ends.
    """
    from kg.errors import StoreError
    from kg.store.serve import free_port, oxigraph_binary

    try:
        binary = oxigraph_binary()
    except StoreError:
        pytest.skip("the Oxigraph server is not installed: pip install oxigraph ([test] extra)")
    started: list[OxigraphServer] = []

    def start(data_dir: Path | None = None, args: Sequence[str] = ()) -> OxigraphServer:
        folder = data_dir or tmp_path_factory.mktemp("oxigraph-data")
        log = folder.parent / f"{folder.name}.log"
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            command = [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
            with log.open("ab") as handle:
                process = subprocess.Popen(
                    [*command, *args],
                    stdin=subprocess.DEVNULL,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            server = OxigraphServer(f"http://127.0.0.1:{port}", folder, process, log)
            started.append(server)
            if _answers(server, time.monotonic() + SERVER_START_TIMEOUT):
                return server
            server.stop()
        pytest.fail(f"the Oxigraph server did not start:\n{log.read_text(errors='replace')}")

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def oxigraph_server(oxigraph_factory: StartOxigraph) -> str:
    """The root URL (``http://127.0.0.1:PORT``) of a fresh, empty Oxigraph server."""
    return oxigraph_factory().url


# -- a real Virtuoso server on loopback for the session (issue 20) --------------------------

from virtuosotest import BINARY as VIRTUOSO_BINARY  # noqa: E402
from virtuosotest import VirtuosoServer  # noqa: E402


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso 7 (Debian's ``virtuoso-opensource-7``) for the whole session, on its own
    database folder and loopback ports; stopped (terminate, then kill) at the end.

    A ``VirtuosoServer``: ``base``, ``sparql`` (anonymous, read-only), ``sparql_auth`` and
    ``graph_store_auth`` (Digest), ``user``/``password`` (dba) and ``isql(sql) -> str``.
    Tests share it: use graph IRIs of their own and drop what they leave.
    """
    import virtuosotest

    from kg.store.serve import free_port

    if not virtuosotest.installed():
        pytest.skip(
            f"Virtuoso is not installed ({VIRTUOSO_BINARY}, {virtuosotest.ISQL}): "
            "apt-get install virtuoso-opensource-7 (CI does)"
        )
    folder = tmp_path_factory.mktemp("virtuoso")
    errors: list[str] = []
    for attempt in range(3):  # a free port can be taken between probe and bind
        try:
            server = virtuosotest.start(folder / f"db{attempt}", free_port(), free_port())
        except RuntimeError as exc:
            errors.append(str(exc))
            continue
        try:
            yield server
        finally:
            server.stop()
        return
    pytest.fail("Virtuoso did not start:\n" + "\n".join(errors))
