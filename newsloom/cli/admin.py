"""``newsloom admin create-user``: accounts for the portal's admin pages."""

from __future__ import annotations

import sys

import click

from newsloom.cli.context import AppContext, err_console


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
    err_console.print(f"administrator {username} ready")
