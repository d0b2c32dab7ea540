"""``engage content``: check the course files, and load them into the database."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import settings, with_services
from bot.content import Catalogue, content_root, load
from bot.text.counts import count

if TYPE_CHECKING:
    from bot.services import Services
    from bot.services.learning.learning import FolderSync, SyncReport

app = typer.Typer(no_args_is_help=True, help="Courses, lessons and quizzes in content/.")
Directory = Annotated[
    Path | None,
    typer.Argument(help="The content folder (default: ENGAGE_CONTENT_DIR, i.e. ./content)."),
]


def _folder(directory: Path | None) -> Path:
    if directory is not None:
        return directory
    return content_root(settings().content_dir)


def _commands() -> frozenset[str]:
    """The commands the bot registers, which lessons and quizzes may name."""
    from handlers import command_names  # the handlers (and Telegram) only when checking

    return command_names()


def _report(catalogue: Catalogue) -> None:
    for problem in catalogue.problems:
        typer.echo(str(problem), err=problem.severity == "error")
    typer.echo(
        f"{count(len(catalogue.courses), 'courses')}, {count(catalogue.lesson_count, 'lessons')}, "
        f"{count(catalogue.question_count, 'quiz questions')}: "
        f"{count(len(catalogue.errors), 'errors')}, {count(len(catalogue.warnings), 'warnings')}"
    )


@app.command()
def validate(directory: Directory = None) -> None:
    """Print every problem as file:line: problem; exit 1 if any is an error."""
    catalogue = load(_folder(directory), commands=_commands())
    _report(catalogue)
    if catalogue.errors:
        raise typer.Exit(1)


async def _sync(services: Services, folder: Path) -> FolderSync:
    return await services.learning.sync_folder(folder=folder, commands=_commands())


def _counts(report: SyncReport) -> str:
    return (
        f"created {report.created}, updated {report.updated}, retired {report.retired}, "
        f"unchanged {report.unchanged}"
    )


@app.command()
def sync(directory: Directory = None) -> None:
    """Load the content into the database; running it again with the same files changes nothing."""
    synced = with_services(functools.partial(_sync, folder=_folder(directory)))
    _report(synced.catalogue)
    if synced.report is None:
        typer.echo("nothing synced: fix the errors first", err=True)
        raise typer.Exit(1)
    typer.echo(_counts(synced.report))
