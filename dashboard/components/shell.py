"""The page frame around every view: skip link, header with navigation, demo banner, footer.

The navigation is built from ``dash.page_registry`` (each page's ``name``/``name_en`` and
``order``), so a new page slots in by registering itself. Words that depend on the language or
on the warehouse (banner, footer) are filled by one callback over ``header_parts``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, quote

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.data import Meta
from dashboard.i18n import Lang, t

LANG_OPTIONS = [{"label": "Svenska", "value": "sv"}, {"label": "English", "value": "en"}]


def shell_layout() -> html.Div:
    """The app's layout: landmarks (header, nav, main, footer) around the page container."""
    return html.Div(
        [
            html.A(t("skip_link"), href="#main", className="skip-link", id="skip-link"),
            html.Header(
                [
                    # A plain div with Bootstrap's navbar classes: dbc.Navbar is a <nav>, which
                    # would put an unlabelled navigation landmark around the labelled one.
                    html.Div(
                        dbc.Container(
                            [
                                dcc.Link(
                                    t("app_title"), href="/", className="navbar-brand", id="brand"
                                ),
                                # Below the xl breakpoint the links fold behind a menu button
                                # (a disclosure: assets/app.js opens and closes it); from xl on
                                # they stand in the bar and the button is hidden. The button
                                # sits inside the labelled <nav>, so the landmark stays whole.
                                html.Nav(
                                    [
                                        html.Button(
                                            [
                                                html.Span(
                                                    className="nav-toggle-icon",
                                                    **{"aria-hidden": "true"},
                                                ),
                                                html.Span(t("menu"), id="nav-toggle-label"),
                                            ],
                                            id="nav-toggle",
                                            type="button",
                                            className="navbar-toggler nav-toggle",
                                            **{
                                                "aria-expanded": "false",
                                                "aria-controls": "nav-links",
                                            },
                                        ),
                                        html.Ul(
                                            id="nav-links",
                                            className="navbar-nav collapse navbar-collapse",
                                        ),
                                    ],
                                    id="main-nav",
                                    className="site-nav",
                                    **{"aria-label": t("nav_label")},
                                ),
                                html.Div(id="account-link", className="account-link ms-auto"),
                                html.Div(
                                    [
                                        dbc.Label(
                                            "Språk / Language",
                                            html_for="lang",
                                            className="visually-hidden",
                                        ),
                                        dbc.Select(
                                            id="lang",
                                            options=LANG_OPTIONS,
                                            value="sv",
                                            persistence=True,
                                            persistence_type="local",
                                            size="sm",
                                        ),
                                    ],
                                    className="lang-switch",
                                ),
                            ],
                            fluid="xl",
                        ),
                        className="navbar navbar-expand-xl navbar-dark bg-primary site-navbar",
                    ),
                    html.Div(id="demo-banner"),
                ],
            ),
            html.Main(
                dbc.Container(dash.page_container, fluid="xl", className="py-3"),
                id="main",
                tabIndex="-1",
            ),
            html.Footer(dbc.Container(html.P(id="footer-text", className="small")), id="footer"),
        ]
    )


def nav_items(
    pages: list[dict],
    pathname: str | None,
    lang: Lang,
    search: str | None = None,
    allowed: Callable[[str], bool] = lambda _path: True,
) -> list[html.Li]:
    """One link per registered page the reader may open (``allowed``), the current one marked
    with aria-current. The links keep the year the reader chose, so moving between pages does
    not jump back to the latest."""
    year = parse_qs((search or "").lstrip("?")).get("year", [""])[0]
    keep = f"?year={year}" if year.isdigit() and len(year) == 4 else ""
    items = []
    for page in sorted(pages, key=lambda p: (p.get("order") or 0, p["path"])):
        if not allowed(page["path"]):
            continue
        name = page.get("name_en") if lang == "en" and page.get("name_en") else page["name"]
        current = pathname == page["path"]
        items.append(
            html.Li(
                dcc.Link(
                    [name, html.Span(t("current_page", lang), className="visually-hidden")]
                    if current
                    else name,
                    href=page["path"] + keep,
                    className="nav-link" + (" active" if current else ""),
                ),
                className="nav-item",
                # dcc.Link takes no aria props; the item carries the state, the hidden text
                # says it to screen readers.
                **({"aria-current": "page"} if current else {}),
            )
        )
    return items


def banner(meta: Meta | None, lang: Lang) -> html.Div | None:
    """The demo-data banner when the warehouse is synthetic."""
    if meta is None or not meta.synthetic:
        return None
    return html.Div(
        dbc.Container(html.Strong(t("demo_banner", lang)), fluid="xl"),
        className="demo-banner",
        role="note",
    )


def footer_text(meta: Meta | None, lang: Lang) -> str:
    if meta is None:
        return t("no_warehouse", lang)
    built = meta.built_at.strftime("%Y-%m-%d %H:%M UTC") if meta.built_at else "–"
    return t("footer", lang, version=meta.version, built_at=built)


def account_link(account, pathname: str | None, lang: Lang) -> html.A:
    """Sign in (back to this page afterwards), or sign out naming the signed-in account.
    Plain links: the sign-in and sign-out pages are served by Flask, not drawn by Dash."""
    if account is None:
        target = quote(pathname or "/", safe="/")
        return html.A(
            t("nav_sign_in", lang),
            href=f"/logga-in?next={target}",
            className="nav-link",
            id="account-action",
        )
    return html.A(
        t("nav_sign_out", lang, name=account.name),
        href="/logga-ut",
        className="nav-link",
        id="account-action",
    )
