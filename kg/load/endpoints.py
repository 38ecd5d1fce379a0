"""Where a SPARQL 1.1 store answers and how to log in: the three URLs (query, update,
Graph Store) from the one a user gives, credentials from the environment or netrc, and the
HTTP errors every remote command reports.

Credentials come from ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD`` or a netrc file
(``NETRC`` or ``~/.netrc``), never from the command line. They are sent when the server asks
(a Basic or Digest challenge), or with every request as Basic when ``KG_ENDPOINT_AUTH=basic``
(issue 20), and go only to the origin (scheme, host and port) of the URL given: a redirect
to another origin is refused (issue #14), so neither the credentials nor the query reach a
host nobody named. HTTPS, proxies (``https_proxy``/``no_proxy``) and CA bundles
(``SSL_CERT_FILE``) are the standard library's.
"""

from __future__ import annotations

import http.client
import netrc
import os
import ssl
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import StoreError, UsageError


class ConnectionFailed(StoreError):
    """The server could not be reached (refused, reset, timed out, TLS failure)."""


class RemoteError(StoreError):
    """The server answered with an error."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class RedirectRefused(StoreError):
    """The server redirected to another origin, where kg sends nothing."""


# -- endpoints and credentials -------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    graph_store: str | None  # None: SPARQL Update only


def endpoints_for(
    endpoint: str, graph_store: str | None = None, update: str | None = None
) -> Endpoints:
    """The three URLs from the one the user gave.

    A bare server root (``http://host:7878``) or a URL ending in ``/query`` gets Oxigraph's
    layout (``/query``, ``/update``, ``/store``); any other URL is taken as a SPARQL endpoint
    that also accepts updates, with no known graph store unless ``--graph-store`` says one.
    """
    for url in (endpoint, graph_store, update):
        if url is not None and not _is_http(url):
            raise UsageError(f"not an http(s) URL: {url!r} (for example http://127.0.0.1:7878)")
    path = urllib.parse.urlsplit(endpoint).path
    if path.rstrip("/") == "":
        root = endpoint.rstrip("/") + "/"
        query, derived_update, derived_store = root + "query", root + "update", root + "store"
    elif path.endswith("/query"):
        root = endpoint[: -len("query")]
        query, derived_update, derived_store = endpoint, root + "update", root + "store"
    else:
        query, derived_update, derived_store = endpoint, endpoint, None
    return Endpoints(query, update or derived_update, graph_store or derived_store)


def _is_http(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never shown


def credentials_for(url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """``KG_ENDPOINT_USER``/``KG_ENDPOINT_PASSWORD``, else the netrc entry for the URL's host."""
    env = os.environ if environ is None else environ
    user = env.get("KG_ENDPOINT_USER")
    if user:
        return Credentials(user, env.get("KG_ENDPOINT_PASSWORD", ""))
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        raise UsageError(f"cannot read {path}: {exc} (it should be readable, mode 600)") from exc
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login, password or "")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: what must match for a
    request to go to the same server (RFC 6454)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # not a number: never equal to a real origin
        port = -1
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


def _root(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects within the origin of the request, refuse the others.

    The standard handler follows any redirect and copies the request's headers, so a header
    set by the caller (SPARQLWrapper's ``Authorization``) went to whatever host the server
    named, and that host's answer was taken as the endpoint's. Here a redirect to another
    scheme, host or port raises ``RedirectRefused`` (exit 3), naming the new URL. Within
    the origin, a 307/308 resends the request as it was (method and body, which the standard
    handler refuses for a POST), and a 301/302/303 becomes a GET as usual.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if origin(newurl) != origin(req.full_url):
            fp.close()
            raise RedirectRefused(
                f"{req.full_url} redirected (HTTP {code}) to {newurl}, another server: kg "
                "sends queries and credentials only where --endpoint points (pass the new "
                "URL as --endpoint if you trust it)"
            )
        if code in (307, 308) and req.get_method() not in ("GET", "HEAD"):
            return urllib.request.Request(
                newurl,
                data=req.data,
                headers=dict(req.headers),  # the auth handler adds its own again
                origin_req_host=req.origin_req_host,
                unverifiable=True,
                method=req.get_method(),
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


AUTH_MODES = ("challenge", "basic")


def auth_mode(environ: Mapping[str, str] | None = None) -> str:
    """``KG_ENDPOINT_AUTH``: ``challenge`` (the default) sends credentials only when the
    server asks, answering its Basic or Digest challenge; ``basic`` sends them as Basic with
    every request, unasked (for a server that answers 403 or 404 instead of asking)."""
    env = os.environ if environ is None else environ
    mode = (env.get("KG_ENDPOINT_AUTH") or "challenge").strip().lower()
    if mode not in AUTH_MODES:
        raise UsageError(f"KG_ENDPOINT_AUTH must be one of {', '.join(AUTH_MODES)}, got {mode!r}")
    return mode


class BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Answers a Basic challenge; leaves other schemes alone (the standard one raises
    ``ValueError`` on a Digest challenge the Digest handler declined)."""

    def http_error_auth_reqed(
        self,
        authreq: str,
        host: str,
        req: urllib.request.Request,
        headers: http.client.HTTPMessage,
    ) -> None:
        challenges = headers.get_all(authreq) or []
        if any(c.split(None, 1)[0].lower() == "basic" for c in challenges if c.strip()):
            return super().http_error_auth_reqed(authreq, host, req, headers)  # the response
        return None


class DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Answers a Digest challenge (RFC 7616) and then signs the next requests to the same
    origin with that challenge's nonce (a new nonce count each), so that a request body is
    not sent twice, once refused and once signed; a stale nonce is simply challenged again.
    Other schemes are left to the Basic handler (the standard one rejects them)."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._last: dict[tuple[str, str, int | None], str] = {}
        self.retried = 0  # the standard handler's count, reset after each answer

    def http_error_auth_reqed(  # type: ignore[override]  # typeshed says it returns None
        self,
        auth_header: str,
        host: str,
        req: urllib.request.Request,
        headers: http.client.HTTPMessage,
    ) -> http.client.HTTPResponse | None:
        challenges = headers.get_all(auth_header) or []
        for challenge in challenges:
            if challenge.strip() and challenge.split(None, 1)[0].lower() == "digest":
                if self.retried >= 2:  # signed twice, refused twice: wrong credentials
                    return None
                self.retried += 1
                answer: http.client.HTTPResponse | None = self.retry_http_digest_auth(
                    req, challenge
                )
                return answer
        return None

    def retry_http_digest_auth(
        self, req: urllib.request.Request, auth: str
    ) -> http.client.HTTPResponse | None:
        self._last[origin(req.full_url)] = auth
        answer: http.client.HTTPResponse | None = super().retry_http_digest_auth(req, auth)
        return answer

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self._last.get(origin(req.full_url))
        if challenge is not None and not req.has_header(self.auth_header):
            items = urllib.request.parse_http_list(challenge.split(None, 1)[1])
            signed = self.get_authorization(req, urllib.request.parse_keqv_list(items))
            if signed:
                req.add_unredirected_header(self.auth_header, f"Digest {signed}")
        return req

    https_request = http_request


def opener(urls: Sequence[str], environ: Mapping[str, str] | None) -> urllib.request.OpenerDirector:
    """An opener that answers a Basic or Digest challenge from each endpoint's origin with
    that origin's credentials (and sends Basic unasked with ``KG_ENDPOINT_AUTH=basic``), and
    never leaves that origin on a redirect."""
    unasked = auth_mode(environ) == "basic"
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    for url in urls:
        found = credentials_for(url, environ)
        if found is not None:  # the origin's root: a redirect within the origin keeps them
            passwords.add_password(
                None, _root(url), found.user, found.password, is_authenticated=unasked
            )
    handlers: list[urllib.request.BaseHandler] = [
        BasicAuth(passwords),
        DigestAuth(passwords),
        SameOriginRedirects(),
    ]
    if any(url.startswith("https:") for url in urls):  # one verifying context, built once
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context()))
    return urllib.request.build_opener(*handlers)
