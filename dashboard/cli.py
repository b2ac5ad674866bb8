"""The dashboard's command line: ``serve`` (the default) and ``users add|list|remove|token``.

Passwords are read from standard input or asked for at a prompt (twice, not echoed), never
taken from an argument: arguments end up in shell histories and process lists. A token is
printed once; only its hash is kept.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dashboard.security.users import ROLES, AccountError, UserStore, users_file_from_env

app = typer.Typer(
    help="Brottsförebyggande lägesbild: serve the dashboard and manage its accounts.",
    add_completion=False,
    invoke_without_command=True,
)
users = typer.Typer(
    help="Accounts in BF_USERS_FILE (default data/users.toml).", no_args_is_help=True
)
app.add_typer(users, name="users")
out = Console()
err = Console(stderr=True)


@app.callback()
def default(context: typer.Context) -> None:
    """Without a command: serve the dashboard (as ``serve``)."""
    if context.invoked_subcommand is None:
        serve()


@app.command()
def serve() -> None:
    """Serve the dashboard with gunicorn on 127.0.0.1:$PORT (default 8050)."""
    from dashboard.serving.serve import main

    main()


def _store() -> UserStore:
    return UserStore(users_file_from_env())


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Lösenord", hide_input=True)
    again = typer.prompt("Samma lösenord igen", hide_input=True)
    if first != again:
        err.print("[red]Lösenorden var olika.[/red]")
        raise typer.Exit(2)
    return first


@users.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    kommun: Annotated[
        str | None, typer.Option("--kommun", help="Municipality code (role kommun only).")
    ] = None,
) -> None:
    """Add an account; the password is read from standard input or a prompt."""
    if kommun is not None:
        from pipelines.reference import municipality_codes

        if kommun not in municipality_codes():
            err.print(f"Kommunkoden '{kommun}' finns inte i referenslistan.", markup=False)
            raise typer.Exit(2)
    password = _read_password()
    try:
        account = _store().add(name, role, password, kommun)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", markup=True)
        raise typer.Exit(2) from None
    where = f" för kommun {account.kommun}" if account.kommun else ""
    out.print(f"Kontot {account.name} ({account.role}{where}) är skapat.", markup=False)


@users.command("list")
def list_accounts() -> None:
    """List the accounts (never their passwords or tokens)."""
    table = Table("Namn", "Roll", "Kommun", "Tokens", "Skapat")
    for account in sorted(_store().accounts().values(), key=lambda a: a.name):
        table.add_row(
            account.name,
            account.role,
            account.kommun or "",
            str(len(account.token_hashes)),
            account.created,
        )
    out.print(table)


@users.command("remove")
def remove(name: str) -> None:
    """Remove an account (its sessions and tokens stop working at once)."""
    if not _store().remove(name):
        err.print(f"Kontot '{name}' finns inte.", markup=False)
        raise typer.Exit(1)
    out.print(f"Kontot {name} är borttaget.", markup=False)


DEMO_ACCOUNTS = (
    ("demo-samordnare", "coordinator", None),
    ("demo-granskare", "viewer", None),
    ("demo-kommun", "kommun", "0180"),
)


@users.command("demo")
def demo() -> None:
    """(Re)create the three demo accounts with new random passwords and print them."""
    import secrets

    store = _store()
    table = Table("Konto", "Roll", "Kommun", "Lösenord", title="Demokonton (nya lösenord)")
    for name, role, kommun in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        store.remove(name)
        store.add(name, role, password, kommun)
        table.add_row(name, role, kommun or "", password)
    out.print(table)
    out.print(f"Sparade i {store.path}. Logga in på /logga-in.", markup=False)


@users.command("token")
def token(name: str) -> None:
    """Print a new personal access token for scripts (Authorization: Bearer ...)."""
    try:
        value = _store().new_token(name)
    except AccountError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    sys.stdout.write(value + "\n")
