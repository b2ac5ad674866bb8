"""The Dash app factory: the shell from the page registry, and nothing else.

``create_app()`` loads no data: it records where the warehouse and boundary files are and wires
the shell, the access hook (with the security headers and the CSP), the brotli copies of the big
static files and the static GeoJSON route. Pages register themselves from ``dashboard/pages/`` and
own their callbacks. For gunicorn, ``dashboard.app:server`` is created lazily on first access
(module ``__getattr__``), so importing this module builds nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dash
import flask
from dash import ClientsideFunction, Dash, Input, Output
from dash.exceptions import DependencyException
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import context, data
from dashboard.api import install as install_api
from dashboard.components import shell, table
from dashboard.i18n import lang_or_default, t
from dashboard.intake import upload
from dashboard.opendata import bulk
from dashboard.security import access, audit, auth, caching, users
from dashboard.serving import compression, geo, plotly_partial
from pipelines import uploads

HERE = Path(__file__).resolve().parent


def absolute(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute against the directory the app was started from.

    Every path a setting names (``make run`` passes ``WAREHOUSE_DIR=data/warehouse``) is resolved
    once, here, when the app is created: a relative path handed on would later be read from some
    other directory (``flask.send_file`` joins it to the package's folder, so every bulk file
    answered 500). No symlink is followed, so ``current.duckdb`` still moves under it.
    """
    return Path(os.path.abspath(os.fspath(path)))


INDEX_STRING = """<!DOCTYPE html>
<html lang="sv">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript>Sidan kräver JavaScript. / This page needs JavaScript.</noscript>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

# Dash puts the DataTable bundle on every page whether or not a DataTable is used; this app has
# none (its tables are plain HTML), so the index leaves that script out.
_UNUSED_SCRIPT = re.compile(
    r'<script src="[^"]*/_dash-component-suites/dash/dash_table/[^"]*"></script>\n?'
)


class DashboardDash(Dash):
    """``Dash`` with the index's unused scripts left out."""

    def interpolate_index(self, **kwargs) -> str:
        kwargs["scripts"] = _UNUSED_SCRIPT.sub("", kwargs.get("scripts", ""))
        return super().interpolate_index(**kwargs)


def create_app(
    warehouse_dir: str | Path | None = None,
    geo_dir: str | Path | None = None,
    *,
    warm_cache: bool = False,
    public: bool | None = None,
    users_file: str | Path | None = None,
    audit_file: str | Path | None = None,
    upload_dir: str | Path | None = None,
) -> Dash:
    """A new Dash app reading ``<warehouse_dir>/current.duckdb`` (default: ``WAREHOUSE_DIR``).

    ``warm_cache`` makes the brotli copies of the first load's files in a background thread right
    away (for a served app; tests leave it off). ``public`` (default: ``BF_PUBLIC``, on unless
    "0") opens the published statistics to everyone; the accounts, the audit log and the upload
    directory default to ``BF_USERS_FILE``, ``BF_AUDIT_LOG`` and ``BF_UPLOAD_DIR``.
    """
    server = flask.Flask(__name__)
    proxies = int(os.environ.get("BF_TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind a load balancer the reader's address and scheme come from X-Forwarded-*
        # (sign-in throttling per address, absolute URLs); only as many hops as are trusted.
        server.wsgi_app = ProxyFix(
            server.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    # flask-compress reads these when Dash() sets it up. Brotli comes first: at quality 6 a
    # 300 KB page layout is 16 % smaller than with zstd at its default level, in 2.5 ms.
    server.config.update(COMPRESS_ALGORITHM=["br", "zstd", "gzip", "deflate"], COMPRESS_BR_LEVEL=6)
    app = DashboardDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        compress=True,
        title=t("app_title"),
        update_title=None,
        index_string=INDEX_STRING,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description", "content": t("app_subtitle")},
        ],
        # The language switch re-renders the page: layout(lang=...) gets it with the query.
        routing_callback_inputs={"lang": Input("lang", "value")},
    )
    server.extensions[context.WAREHOUSE_KEY] = data.Warehouse(
        absolute(warehouse_dir or data.warehouse_dir_from_env())
    )
    server.config["BF_PUBLIC"] = (
        public if public is not None else os.environ.get("BF_PUBLIC", "1") != "0"
    )
    auth.install(
        server,
        absolute(users_file or users.users_file_from_env()),
        absolute(audit_file or audit.audit_file_from_env()),
    )
    upload.install(server, absolute(upload_dir or uploads.upload_dir_from_env()))
    install_api(server)
    bulk.install(server)
    geo_path = absolute(geo_dir or geo.geo_dir_from_env())
    server.extensions[context.GEO_DIR_KEY] = geo_path
    # Dash posts callbacks as JSON; nothing legitimate is larger than this.
    server.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.layout = shell.shell_layout
    geo.install(server, geo_path)
    plotly_partial.install(server)
    server.add_url_rule("/healthz", "healthz", lambda: "ok")
    # Dash raises DependencyException for a /_dash-component-suites/ path it did not list
    # (a made-up file, "../../etc/passwd"): that is a file that is not there, not a server error.
    server.register_error_handler(DependencyException, access.not_found)

    @server.after_request
    def warehouse_version(response: flask.Response) -> flask.Response:
        # Which published version answered: behind a load balancer a client (or a test) can
        # tell that its versions never go backwards.
        version = data.served_version(context.warehouse())
        if version is not None:
            response.headers.setdefault("X-Warehouse-Version", str(version))
        return response

    _shell_callbacks(app)
    table.register(app)
    # The CSP allows exactly the inline scripts Dash writes into the index.
    access.install(
        server,
        [page["path"] for page in dash.page_registry.values()],
        script_hashes=lambda: list(app.csp_hashes()),
        callback_map=lambda: app.callback_map,
    )
    # What a shared cache may keep: nothing that needed an account (after access: runs first).
    caching.install(server, [page["path"] for page in dash.page_registry.values()])
    # Registered after flask-compress (in Dash()), so it runs first and flask-compress skips
    # the responses it already encoded.
    cache = compression.BrotliCache(compression.cache_dir_from_env())
    compression.install(server, cache)
    # Dash learns which bundle files it may serve only while it writes the index page: a worker
    # that has not served "/" yet answers 500 for /_dash-component-suites/..., and a browser's
    # requests are spread over the workers. So every app writes its index once, now.
    server.test_client().get("/").close()
    if warm_cache:
        geo_paths = [u for u in (geo.geo_url(geo_path, lv) for lv in ("kommun", "lan")) if u]
        compression.start_warming(server, cache, geo_paths)
    return app


def _shell_callbacks(app: Dash) -> None:
    @app.callback(
        Output("nav-links", "children"),
        Output("demo-banner", "children"),
        Output("footer-text", "children"),
        Output("brand", "children"),
        Output("skip-link", "children"),
        Output("main-nav", "aria-label"),
        Output("nav-toggle-label", "children"),
        Output("account-link", "children"),
        Input("lang", "value"),
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
    )
    def update_shell(lang_value, pathname, search):
        lang = lang_or_default(lang_value)
        try:
            meta = data.meta(context.warehouse())
        except data.WarehouseUnavailable:
            meta = None
        return (
            shell.nav_items(
                list(dash.page_registry.values()),
                pathname,
                lang,
                search,
                allowed=lambda path: access.may(access.PAGE_NEEDS.get(path, access.PUBLISHED)),
            ),
            shell.banner(meta, lang),
            shell.footer_text(meta, lang),
            t("app_title", lang),
            t("skip_link", lang),
            t("nav_label", lang),
            t("menu", lang),
            shell.account_link(auth.current_account(), pathname, lang),
        )

    app.clientside_callback(ClientsideFunction("bf", "setLang"), Input("lang", "value"))


def __getattr__(name: str):
    # gunicorn 'dashboard.app:server' asks for `server`; build the app only then (in the worker).
    if name == "server":
        return create_app(warm_cache=True).server
    raise AttributeError(name)
