"""The organisers' dashboard on real numbers: every API call's p50 and p95 on PostgreSQL.

Seeds a fresh database with a province of 10 cities, 100 counties and 2,000 enterprises,
100,000 people (20,000 first-line experts, some in studios), 20,000 proposals in every state,
1,000,000 lesson completions, service teams, pairings, events and must-read broadcasts with
acknowledgements, all by ``COPY``; then calls every ``/dashboard/api/`` route through the web
process's Starlette app (``httpx.ASGITransport``: the real routes, initData signed with the
bot's token and checked on every call, without a socket's noise in the figures) as an admin
and as a city's organiser, ``--repeat`` times each, and prints p50 and p95 per call against
the target p95 ≤ 200 ms.

    python bench/dashboard.py [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                              [--users 100000] [--enterprises 2000] [--proposals 20000]
                              [--completions 1000000] [--repeat 30] [--keep NAME]

``--keep NAME`` seeds into the database NAME on that server and leaves it there; a later run
with the same NAME and sizes migrates it to the newest revision and times it again without
seeding (what a change to the queries or indexes needs, run after run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, percentile, scratch_database

TARGET_MS = 200.0
CITIES, COUNTIES_PER_CITY = 10, 10
COURSES, LESSONS_PER_COURSE = 5, 10
ADMIN, ORGANISER = 1, 2
TOKEN = "123456:dashboard-bench-token"


@dataclass(frozen=True)
class Sizes:
    """How much the seed writes."""

    users: int = 100_000
    enterprises: int = 2_000
    proposals: int = 20_000
    completions: int = 1_000_000


@dataclass
class Seeded:
    """Ids the timed calls ask for."""

    city: int = 0
    county: int = 0
    course: int = 0
    proposal: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def _opened(sizes: Sizes) -> int:
    """The first submitted proposal of the first city (the seed's formulas, without the seed)."""
    for p in range(1, sizes.proposals + 1):
        enterprise = 1 + (3 + (p * 37) % (sizes.users - 2)) % sizes.enterprises
        if p % 8 and enterprise % (CITIES * COUNTIES_PER_CITY) < COUNTIES_PER_CITY:
            return p
    raise ValueError("no submitted proposal in the first city")


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


async def copy(conn: Any, table: str, columns: Sequence[str], records: Iterable[tuple]) -> int:  # type: ignore[type-arg]
    """COPY ``records`` into ``table``, filling its other NOT NULL columns with their defaults."""
    from sqlmodel import SQLModel

    now = datetime.now().astimezone()
    extra: list[str] = []
    values: list[Any] = []
    for column in SQLModel.metadata.tables[table].columns:
        if column.name in columns or column.nullable or column.server_default is not None:
            continue
        if column.default is None:
            if type(column.type).__name__ != "JSON":
                continue  # an id the database numbers itself
            default: Any = "{}" if column.name == "audience" else "[]"
        elif column.default.is_scalar:
            default = _plain(column.default.arg)  # type: ignore[attr-defined]
        else:
            default = now
        extra.append(column.name)
        values.append(default)
    tail = tuple(values)
    rows = [(*record, *tail) for record in records]
    await conn.copy_records_to_table(table, records=rows, columns=[*columns, *extra])
    return len(rows)


async def seed(url: str, sizes: Sizes) -> Seeded:
    """Write the province, its people and their activity; ids of what the calls ask for."""
    import asyncpg
    from sqlalchemy.engine import make_url

    started = time.perf_counter()
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        made = Seeded()
        async with conn.transaction():
            await _seed(conn, sizes, made)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    made.seconds = time.perf_counter() - started
    return made


async def _seed(conn: Any, sizes: Sizes, made: Seeded) -> None:
    now = datetime.now().astimezone()
    rows = made.rows
    units: list[tuple[int, str, str, int | None]] = [(1, "陕西省", "province", None)]
    for c in range(CITIES):
        city = 2 + c
        units.append((city, f"市{c}", "city", 1))
        for k in range(COUNTIES_PER_CITY):
            units.append((100 + c * COUNTIES_PER_CITY + k, f"县{c}-{k}", "county", city))
    rows["orgunit"] = await copy(conn, "orgunit", ("id", "name", "level", "parent_id"), units)
    counties = [u[0] for u in units if u[2] == "county"]
    made.city, made.county = 2, counties[0]
    firms = sizes.enterprises
    rows["enterprise"] = await copy(
        conn,
        "enterprise",
        ("id", "name", "org_unit_id"),
        ((e, f"企业{e}", counties[e % len(counties)]) for e in range(1, firms + 1)),
    )
    rows["user"] = await copy(
        conn,
        "user",
        ("id", "name", "enterprise_id", "created_at", "last_seen_at"),
        (
            (
                u,
                f"职工{u}",
                None if u <= 2 else 1 + u % firms,
                now - timedelta(days=u % 365),
                now - timedelta(days=(u * 7) % 90, minutes=u % 1440),
            )
            for u in range(1, sizes.users + 1)
        ),
    )
    rows["rolegrant"] = await copy(
        conn, "rolegrant", ("user_id", "role"), [(ADMIN, "admin"), (ORGANISER, "organiser")]
    )
    rows["organiserscope"] = await copy(
        conn, "organiserscope", ("user_id", "org_unit_id"), [(ORGANISER, made.city)]
    )
    await _studios(conn, sizes, rows)
    await _proposals(conn, sizes, made, now)
    await _learning(conn, sizes, made, now)
    await _network(conn, sizes, rows, now)
    await _events_and_broadcasts(conn, sizes, rows, now)
    for table in ("orgunit", "enterprise"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


async def _studios(conn: Any, sizes: Sizes, rows: dict[str, int]) -> None:
    """One in five people a first-line expert; each enterprise's studio takes 0-100 % of them."""
    experts = [u for u in range(3, sizes.users + 1) if u % 5 == 0]
    rows["expertprofile"] = await copy(
        conn, "expertprofile", ("user_id", "field"), ((u, "welding") for u in experts)
    )
    firms = sizes.enterprises
    studios = [(f, f"工作室{f}", f) for f in range(1, firms + 1) if f % 4]
    rows["studio"] = await copy(conn, "studio", ("id", "name", "enterprise_id"), studios)
    has_studio = {f for f, _, _ in studios}

    def members() -> Iterable[tuple[int, int]]:
        for u in experts:
            firm = 1 + u % firms
            if firm in has_studio and (u // 5) % 10 < firm % 11:
                yield firm, u

    rows["studiomember"] = await copy(conn, "studiomember", ("studio_id", "user_id"), members())


async def _proposals(conn: Any, sizes: Sizes, made: Seeded, now: datetime) -> None:
    """Proposals in every state, submitted over a year; decided ones with their decision."""
    states = [
        "draft",
        "submitted",
        "under_review",
        "needs_info",
        "accepted",
        "implemented",
        "rejected",
        "withdrawn",
    ]
    decided = {"accepted", "implemented", "rejected"}
    records, moves = [], []
    for p in range(1, sizes.proposals + 1):
        state = states[p % len(states)]
        author = 3 + (p * 37) % (sizes.users - 2)
        submitted = None if state == "draft" else now - timedelta(days=p % 365, hours=p % 24)
        decision = (
            submitted + timedelta(days=1 + p % 40) if submitted and state in decided else None
        )
        records.append(
            (
                p,
                author,
                1 + author % sizes.enterprises,
                state,
                f"建议{p}",
                "问题",
                "办法",
                submitted,
                decision,
                2026 if submitted else None,
                p if submitted else None,
            )
        )
        if submitted:
            moves.append((p, "draft", "submitted", submitted))
        if decision:
            moves.append((p, "under_review", state, decision))
    made.rows["proposal"] = await copy(
        conn,
        "proposal",
        (
            "id",
            "author_id",
            "enterprise_id",
            "status",
            "title",
            "problem",
            "solution",
            "submitted_at",
            "decided_at",
            "year",
            "seq",
        ),
        records,
    )
    made.rows["proposaltransition"] = await copy(
        conn, "proposaltransition", ("proposal_id", "from_status", "to_status", "at"), moves
    )
    made.proposal = _opened(sizes)
    await conn.execute(
        "SELECT setval(pg_get_serial_sequence('proposal', 'id'), (SELECT max(id) FROM proposal))"
    )


async def _learning(conn: Any, sizes: Sizes, made: Seeded, now: datetime) -> None:
    """Five courses of ten lessons; people finish the first k lessons, about ten on average."""
    courses = [
        (c, f"course{c}", c, "safety", "all", f"课程{c}", f"Course {c}", "", "", "x")
        for c in range(1, COURSES + 1)
    ]
    made.rows["course"] = await copy(
        conn,
        "course",
        (
            "id",
            "slug",
            "position",
            "theme",
            "audience",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "content_hash",
        ),
        courses,
    )
    lessons = [
        (c * 100 + k, c, f"l{k}", k, "课", "Lesson", "", "", "x")
        for c in range(1, COURSES + 1)
        for k in range(1, LESSONS_PER_COURSE + 1)
    ]
    made.rows["lesson"] = await copy(
        conn,
        "lesson",
        (
            "id",
            "course_id",
            "key",
            "position",
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "content_hash",
        ),
        lessons,
    )
    made.course = 1
    order = [lesson[0] for lesson in lessons]
    per_user = max(1, min(len(order), round(2 * sizes.completions / sizes.users)))

    def done() -> Iterable[tuple[int, int, datetime, datetime]]:
        left = sizes.completions
        for u in range(3, sizes.users + 1):
            k = min(len(order), (u * 7919) % (per_user + 1), left)
            left -= k
            at = now - timedelta(days=u % 80, minutes=u % 600)
            for lesson in order[:k]:
                yield u, lesson, at, at
            if left <= 0:
                return

    made.rows["lessonprogress"] = await copy(
        conn, "lessonprogress", ("user_id", "lesson_id", "started_at", "completed_at"), done()
    )


async def _network(conn: Any, sizes: Sizes, rows: dict[str, int], now: datetime) -> None:
    """200 service teams of five serving ten enterprises each; 2,000 pairings with check-ins."""
    teams, firms = 200, sizes.enterprises

    def person(n: int) -> int:
        return 3 + n % (sizes.users - 2)

    rows["serviceteam"] = await copy(
        conn, "serviceteam", ("id", "name"), ((t, f"服务队{t}") for t in range(1, teams + 1))
    )
    rows["serviceteammember"] = await copy(
        conn,
        "serviceteammember",
        ("team_id", "user_id"),
        ((t, person(5 * (t * 5 + m))) for t in range(1, teams + 1) for m in range(5)),
    )
    rows["servedenterprise"] = await copy(
        conn,
        "servedenterprise",
        ("team_id", "enterprise_id"),
        ((t, 1 + (t * 10 + k) % firms) for t in range(1, teams + 1) for k in range(10)),
    )
    rows["activity"] = await copy(
        conn,
        "activity",
        ("team_id", "author_id", "kind", "enterprise_id", "logged_at"),
        (
            (
                1 + a % teams,
                person(5 * ((1 + a % teams) * 5)),
                "visit",
                1 + ((1 + a % teams) * 10 + a % 10) % firms,
                now - timedelta(days=a % 120),
            )
            for a in range(20_000)
        ),
    )
    pairings = 2_000
    rows["pairing"] = await copy(
        conn,
        "pairing",
        ("id", "expert_id", "enterprise_id", "active", "created_at"),
        (
            (p, person(5 * p), 1 + p % firms, p % 10 != 0, now - timedelta(days=200))
            for p in range(1, pairings + 1)
        ),
    )
    rows["paircheckin"] = await copy(
        conn,
        "paircheckin",
        ("pairing_id", "author_id", "created_at"),
        (
            (1 + c % pairings, person(5 * (1 + c % pairings)), now - timedelta(days=c % 90))
            for c in range(10_000)
        ),
    )


async def _events_and_broadcasts(
    conn: Any, sizes: Sizes, rows: dict[str, int], now: datetime
) -> None:
    """300 events with 50,000 answers; 20 must-read broadcasts to 10,000 people each."""
    events = 300
    rows["event"] = await copy(
        conn,
        "event",
        ("id", "title", "status", "starts_at", "checkin_token"),
        (
            (e, f"活动{e}", "published", now - timedelta(days=e % 90), f"tok{e}")
            for e in range(1, events + 1)
        ),
    )

    def answers() -> Iterable[tuple[int, int, str, datetime | None]]:
        for r in range(50_000):
            event, user = 1 + r % events, 3 + (r * 13) % (sizes.users - 2)
            yield event, user, "going" if r % 4 else "not_going", now if r % 3 == 0 else None

    seen: set[tuple[int, int]] = set()
    unique = [a for a in answers() if (a[0], a[1]) not in seen and not seen.add((a[0], a[1]))]  # type: ignore[func-returns-value]
    rows["rsvp"] = await copy(
        conn, "rsvp", ("event_id", "user_id", "answer", "checked_in_at"), unique
    )
    broadcasts, reach = 20, min(10_000, sizes.users - 2)
    rows["broadcast"] = await copy(
        conn,
        "broadcast",
        ("id", "kind", "status", "html_zh", "html_en", "must_read", "created_at"),
        (
            (b, "announcement", "done", "通知", "Notice", True, now - timedelta(days=3 * b))
            for b in range(1, broadcasts + 1)
        ),
    )
    rows["delivery"] = await copy(
        conn,
        "delivery",
        ("broadcast_id", "user_id", "status", "sent_at", "acknowledged_at"),
        (
            (
                b,
                3 + (b * 4999 + i) % (sizes.users - 2),
                "sent",
                now - timedelta(days=3 * b),
                now - timedelta(days=3 * b) if i % 10 < 7 else None,
            )
            for b in range(1, broadcasts + 1)
            for i in range(reach)
        ),
    )
    for table in ("event", "broadcast", "pairing", "serviceteam", "course", "lesson", "studio"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def sign(user_id: int) -> str:
    """InitData as Telegram signs it for ``user_id`` with the bench bot's token."""
    import init_data_py

    user = json.dumps({"id": user_id, "first_name": "bench", "language_code": "zh"})
    return str(
        init_data_py.sign(
            {"user": user, "query_id": "AAH"}, TOKEN, auth_date=datetime.now().astimezone()
        )
    )


def calls(made: Seeded) -> list[tuple[str, str]]:
    """Every API call the page makes: its name in the table and its path with parameters."""
    return [
        ("me", "me"),
        ("overview", "overview"),
        ("coverage (top)", "coverage"),
        ("coverage (a county)", f"coverage?unit={made.county}"),
        ("activity", "activity"),
        ("proposals summary", "proposals/summary"),
        ("proposals list", "proposals"),
        (
            "proposals, unit and state",
            f"proposals?unit={made.county}&status=submitted,under_review",
        ),
        ("proposal opened", f"proposals/{made.proposal}"),
        ("learning", "learning"),
        ("learning, a course by city", f"learning?course={made.course}&unit={made.city}"),
        *((f"export {table}", f"export/{table}") for table in _tables()),
    ]


def _tables() -> list[str]:
    from bot.services.dashboard import TABLES

    return list(TABLES)


async def measure(url: str, made: Seeded, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Per viewer and call, each repetition's time in ms (a warm-up call first, not counted)."""
    import httpx

    from bot.config import load_settings
    from bot.edge.metrics import Metrics
    from bot.edge.web import web_app
    from bot.services import Services

    settings = load_settings(database_url=url, bot_token=TOKEN, log_level="WARNING")
    services = Services.build(settings)
    app = web_app(services, Metrics(), webhook=False)
    out: dict[str, dict[str, list[float]]] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for who, user_id in (("admin", ADMIN), ("city organiser", ORGANISER)):
                auth = {"Authorization": "tma " + sign(user_id)}
                out[who] = {}
                for name, path in calls(made):
                    times = []
                    for attempt in range(repeat + 1):
                        began = time.perf_counter()
                        response = await client.get(f"/dashboard/api/{path}", headers=auth)
                        elapsed = (time.perf_counter() - began) * 1000
                        if response.status_code != 200:
                            raise RuntimeError(
                                f"{who} {path}: {response.status_code} {response.text[:200]}"
                            )
                        if attempt:
                            times.append(elapsed)
                    out[who][name] = times
                    print(f"  {who}, {name}: p50 {percentile(times, 50):.0f} ms", file=sys.stderr)
    finally:
        await services.close()
    return out


def table(results: dict[str, dict[str, list[float]]]) -> str:
    """The markdown table: p50 and p95 per call and viewer, against the target."""
    lines = [
        "| call | viewer | p50 ms | p95 ms | p95 ≤ 200 ms |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for who, timings in results.items():
        for name, times in timings.items():
            p95 = percentile(times, 95)
            mark = "✅" if p95 <= TARGET_MS else "❌"
            lines.append(f"| {name} | {who} | {percentile(times, 50):.1f} | {p95:.1f} | {mark} |")
    return "\n".join(lines)


async def kept(server: str, name: str, sizes: Sizes) -> tuple[str, Seeded | None]:
    """The database ``name`` beside ``server``, migrated; what it holds if seeded at ``sizes``.

    None when it was missing or seeded at other sizes: it is then made again, empty.
    """
    import asyncpg
    from sqlalchemy.engine import make_url

    from bot.db import Database

    parsed = make_url(server)
    url = parsed.set(database=name).render_as_string(False)
    mark = json.dumps(vars(sizes), sort_keys=True)
    admin = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        found = await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            name,
        )
        if found != mark:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    if found != mark:
        return url, None
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return url, Seeded(2, 100, 1, _opened(sizes))


async def mark_seeded(url: str, sizes: Sizes) -> None:
    """Note on the database the sizes it was seeded at, for ``--keep`` to find next time."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    mark = json.dumps(vars(sizes), sort_keys=True).replace("'", "''")
    conn = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute(f"COMMENT ON DATABASE \"{parsed.database}\" IS '{mark}'")
    finally:
        await conn.close()


async def main() -> None:
    """Seed, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "ENGAGE_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--users", type=int, default=Sizes.users)
    parser.add_argument("--enterprises", type=int, default=Sizes.enterprises)
    parser.add_argument("--proposals", type=int, default=Sizes.proposals)
    parser.add_argument("--completions", type=int, default=Sizes.completions)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", metavar="NAME", help="seed into NAME once and reuse it")
    args = parser.parse_args()
    sizes = Sizes(args.users, args.enterprises, args.proposals, args.completions)
    reused: Seeded | None = None
    if args.keep:
        url, reused = await kept(args.database_url, args.keep, sizes)
    else:
        url = await scratch_database(args.database_url)
    made = reused or await seed(url, sizes)
    if args.keep and reused is None:
        await mark_seeded(url, sizes)
    command = "python bench/dashboard.py " + " ".join(sys.argv[1:])
    print(header("Dashboard API on PostgreSQL", command.strip()))
    if reused:
        print(f"Reused the database {args.keep}, seeded earlier at {vars(sizes)}\n")
    else:
        rows = json.dumps(made.rows, ensure_ascii=False)
        print(f"Seeded in {made.seconds:.1f} s: {rows}\n")
    results = await measure(url, made, args.repeat)
    print(table(results))


if __name__ == "__main__":
    asyncio.run(main())
