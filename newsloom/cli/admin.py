"""``newsloom admin create-user``: accounts for the portal's admin pages."""

from __future__ import annotations

import sys

import click

from newsloom.cli.context import AppContext


@click.group("admin")
def admin_group() -> None:
    """Manage portal administrators."""


@admin_group.command("create-user")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
@click.pass_obj
def create_user(app: AppContext, username: str, password_stdin: bool) -> None:
    """Create USERNAME as an administrator, or set a new password (stored as an argon2 hash)."""
    from newsloom.store.users import UserStore  # the store loads only in commands that use it

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        UserStore(app.store.engine).create(username, password)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"administrator {username} ready (any earlier sessions of {username} are ended)")


@admin_group.command("delete-user")
@click.argument("username")
@click.pass_obj
def delete_user(app: AppContext, username: str) -> None:
    """Delete USERNAME; every session it has ends at once."""
    from newsloom.store.users import UserStore

    if not UserStore(app.store.engine).delete(username):
        raise click.ClickException(f"no account named {username!r}")
    click.echo(f"deleted {username}; its sessions are ended")
