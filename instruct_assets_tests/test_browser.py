"""The UI as a user drives it, in Debian's Chromium through Playwright: every asset group is
shown, "Materialize all" succeeds, the dataset's checks pass and its metadata is visible.

Needs /usr/bin/chromium (`.ci/run` installs it with apt); skipped where it is absent. Saves
screenshots to `.ui_screenshots/` at the repo root (ignored by git).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from instruct_assets_tests.conftest import REPO_ROOT, SAMPLE_DATA

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
GROUPS = ("raw_sources", "ingest", "candidates", "curation", "balance", "audit", "publish")
SCREENSHOTS = REPO_ROOT / ".ui_screenshots"
STARTUP_SECONDS, RUN_SECONDS = 180, 600

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _graphql(base: str, query: str) -> dict | None:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response).get("data")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`dagster dev` (webserver and daemon) on a private copy of the sample data."""
    root = tmp_path_factory.mktemp("ui")
    data_dir, home = root / "data", root / "home"
    for part in ("raw", "config", "eval"):
        shutil.copytree(SAMPLE_DATA / part, data_dir / part)
    home.mkdir()
    shutil.copy(SAMPLE_DATA / "config" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "INSTRUCT_ASSETS_DATA_DIR": str(data_dir),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and not (
            (_graphql(base, "{ assetNodes { id } }") or {}).get("assetNodes")
        ):
            time.sleep(2)
        yield base, data_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _latest_run(base: str) -> dict | None:
    data = _graphql(base, "{ runsOrError(limit: 1) { ... on Runs { results { runId status } } } }")
    results = ((data or {}).get("runsOrError") or {}).get("results") or []
    return results[0] if results else None


def _dismiss_welcome(page: object) -> None:
    """A first visit shows a community sign-up dialog a moment after loading; skip it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.get_by_role("button", name="Skip").first.click(timeout=15_000)  # type: ignore[attr-defined]


def test_a_user_materializes_everything_and_sees_the_dataset_checked(ui: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, data_dir = ui
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.goto(f"{base}/asset-groups", wait_until="networkidle", timeout=120_000)
        _dismiss_welcome(page)
        for group in GROUPS:
            assert page.get_by_text(group, exact=True).first.is_visible(), group
        page.screenshot(path=str(SCREENSHOTS / "1-asset-graph.png"))

        page.get_by_role("button", name="Materialize all").click()
        deadline, run = time.monotonic() + RUN_SECONDS, None
        while time.monotonic() < deadline:
            run = _latest_run(base)
            if run and run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(5)
        assert run is not None and run["status"] == "SUCCESS", run
        page.goto(f"{base}/runs/{run['runId']}", wait_until="networkidle", timeout=120_000)
        page.screenshot(path=str(SCREENSHOTS / "2-run.png"))

        page.goto(f"{base}/assets/instruction_dataset", wait_until="networkidle", timeout=120_000)
        page.get_by_text("task_type_mix").first.wait_for(timeout=60_000)
        lines = (data_dir / "out" / "instructions.jsonl").read_text(encoding="utf-8").splitlines()
        body = page.inner_text("body")
        assert "Row count" in body and f"{len(lines)}" in body
        page.screenshot(path=str(SCREENSHOTS / "3-dataset-metadata.png"), full_page=True)

        page.goto(
            f"{base}/assets/instruction_dataset?view=checks",
            wait_until="networkidle",
            timeout=120_000,
        )
        page.get_by_text("jsonl_reads_back").first.wait_for(timeout=60_000)
        checks = page.inner_text("body")
        assert "jsonl_reads_back" in checks and "Passed" in checks
        page.screenshot(path=str(SCREENSHOTS / "4-dataset-checks.png"), full_page=True)
        browser.close()
