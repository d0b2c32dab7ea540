"""The benchmark scripts keep working as the code under them changes (at a tiny scale)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import pytest

from bench import webhook
from bench.common import scratch_database
from bench.content import generate, time_render, time_sync
from bot.content import load
from tests.conftest import PG_URL

BENCH = Path(__file__).resolve().parents[1] / "bench"


# Scripts that run in a virtual environment of their own (bench/common.py builds it).
OWN_ENVIRONMENT = {"aiogram_echo"}


@pytest.mark.parametrize(
    "module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in OWN_ENVIRONMENT)
)
def test_every_benchmark_module_imports(module: str) -> None:
    """Each script under bench/ imports against today's code."""
    assert importlib.import_module(f"bench.{module}") is not None


@pytest.mark.parametrize("module", sorted(OWN_ENVIRONMENT))
def test_scripts_of_their_own_environment_compile(module: str) -> None:
    """A baseline run under another framework's environment is at least valid Python here."""
    source = (BENCH / f"{module}.py").read_text()
    assert compile(source, f"{module}.py", "exec") is not None


async def test_content_benchmark_syncs_and_renders_generated_lessons(tmp_path: Path) -> None:
    """The content benchmark's sync writes the generated lessons once, then nothing."""
    generate(tmp_path / "content", 8)
    catalogue = load(tmp_path / "content")
    assert not catalogue.errors
    first, second = await time_sync(await scratch_database(), catalogue)
    assert first[1].created
    assert not second[1].changed
    assert second[1].unchanged
    _, texts, messages = time_render(catalogue, 1)
    assert texts == 16
    assert messages >= texts


@pytest.mark.skipif(not PG_URL, reason="the workers share PostgreSQL")
@pytest.mark.parametrize("workers", [0, 1])
async def test_webhook_benchmark_answers_every_message_once(workers: int) -> None:
    """Polling, and the webhook with a worker process, against the emulator's own process."""
    args = argparse.Namespace(users=3, messages=2, database_url=PG_URL)
    report = await webhook.measure(workers, "searches", args)
    assert len(report["latencies"]) == 6
    assert (report["wrong"], report["lost"], report["extra"], report["violations"]) == (0, 0, 0, 0)
    assert webhook.row(report, 6).startswith("| polling" if not workers else "| webhook, 1")


@pytest.mark.skipif(not PG_URL, reason="the workers share PostgreSQL")
@pytest.mark.parametrize("workers", [0, 2])
async def test_webhook_benchmark_walks_every_flow_step_once(workers: int) -> None:
    """Authors write proposals and a reviewer accepts them: every step's reply is the next one."""
    args = argparse.Namespace(users=3, messages=2, database_url=PG_URL)
    report = await webhook.measure(workers, "flows", args)
    assert len(report["latencies"]) == webhook.expected_steps("flows", args)
    assert (report["wrong"], report["lost"], report["extra"], report["violations"]) == (0, 0, 0, 0)


@pytest.mark.skipif(not PG_URL, reason="the dashboard benchmark seeds PostgreSQL by COPY")
async def test_dashboard_benchmark_times_every_call_for_both_viewers() -> None:
    """A tiny province seeded by COPY; every dashboard call answers 200 for admin and organiser."""
    from bench import dashboard

    url = await scratch_database(PG_URL)
    made = await dashboard.seed(url, dashboard.Sizes(300, 20, 40, 600))
    results = await dashboard.measure(url, made, 1)
    assert set(results) == {"admin", "city organiser"}
    assert all(len(times) == 1 for timings in results.values() for times in timings.values())
    assert "| overview | admin |" in dashboard.table(results)
