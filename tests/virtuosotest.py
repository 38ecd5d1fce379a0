"""A real OpenLink Virtuoso server on loopback for the test session (issue 20).

Debian's ``virtuoso-opensource-7`` (7.2.5): ``virtuoso-t`` runs in the foreground on its own
database folder, SQL and HTTP ports on 127.0.0.1, from an ini written here (never /etc's),
with small buffers so that a fresh database starts in seconds. The dba password is set
non-interactively through ``isql-vt`` once the server answers.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.store.serve import stop_process

BINARY = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
USER = "dba"
PASSWORD = "kg-test-secret"  # set on the fresh database, whose dba password is "dba"
START_TIMEOUT = 60.0  # seconds: a fresh database builds its system tables first

INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {folder}, /usr/share/virtuoso-opensource-7/vad
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 20000000
MaxQueryMem              = 200M
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = 2000
MaxDirtyBuffers          = 1200

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
DeferInferenceRulesInit    = 0
"""


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso: its endpoints, the dba credentials and an ``isql(sql)`` helper.

    ``sparql`` is read-only and anonymous; ``sparql_auth`` (SPARQL query and update) and
    ``graph_store_auth`` (the Graph Store protocol) ask for Digest credentials.
    """

    base: str
    sql_port: int
    user: str
    password: str
    folder: Path
    process: subprocess.Popen[bytes] = field(repr=False, compare=False)

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def graph_store_auth(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, sql: str, password: str | None = None) -> str:
        """Run SQL statements (``;``-terminated) through ``isql-vt`` as dba; its output.

        Raises ``RuntimeError`` when isql reports an error.
        """
        done = subprocess.run(
            [
                ISQL,
                f"127.0.0.1:{self.sql_port}",
                self.user,
                password or self.password,
                "VERBOSE=OFF",
                "BANNER=OFF",
                "PROMPT=OFF",
                "ECHO=OFF",
                "ERRORS=STDOUT",
            ],
            input=sql.encode(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql failed ({done.returncode}):\n{sql}\n{output}")
        return output

    def stop(self) -> None:
        """Terminate, then kill, the server; wait for it (no orphan)."""
        stop_process(self.process, grace=20)


def installed() -> bool:
    return Path(BINARY).exists() and shutil.which(ISQL) is not None


def _answers(server: VirtuosoServer, deadline: float) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with direct.open(f"{server.sparql}?query=ASK%7B%7D", timeout=2.0) as answer:
                answer.read()
                return True
        except urllib.error.HTTPError as exc:
            exc.close()
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    return False


def start(folder: Path, sql_port: int, http_port: int) -> VirtuosoServer:
    """Start ``virtuoso-t`` on a fresh database in ``folder``; wait until /sparql answers and
    set the dba password. Raises ``RuntimeError`` (with the server's log) if it does not."""
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "stdout.log"
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [BINARY, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    server = VirtuosoServer(
        f"http://127.0.0.1:{http_port}", sql_port, USER, PASSWORD, folder, process
    )
    try:
        if not _answers(server, time.monotonic() + START_TIMEOUT):
            logs = [log, folder / "virtuoso.log"]
            text = "\n".join(p.read_text(errors="replace")[-4000:] for p in logs if p.exists())
            raise RuntimeError(f"Virtuoso did not start on port {http_port}:\n{text}")
        server.isql(f"USER_SET_PASSWORD('{USER}', '{PASSWORD}');\n", password="dba")
    except BaseException:
        server.stop()
        raise
    return server
