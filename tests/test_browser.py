"""The web page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): sign in,
send a prompt, review the scene cards, approve, and play the finished video."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from server_live import live_server

from pixora.studio import Studio

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RESULTS = Path(__file__).resolve().parent.parent / "test-results"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Chromium is not installed (scripts/ensure-chromium.sh installs it)",
    ),
]




async def test_sign_in_prompt_approve_play(studio: Studio) -> None:
    from playwright.async_api import async_playwright

    RESULTS.mkdir(exist_ok=True)
    errors: list[str] = []
    async with live_server(studio) as address, async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"http://{address}/")
            await page.fill("#signin-name", "carol")
            await page.click("#signin-btn")
            await page.wait_for_selector("#studio:not([hidden])")
            assert await page.inner_text("#user") == "carol"
            await page.wait_for_selector("#conn[data-state=online]")

            await page.fill("#prompt", "A 10 second cinematic video about paper boats on a pond")
            await page.click("#send")
            await page.wait_for_selector("#approve:not([disabled])", timeout=90_000)
            await page.wait_for_selector(".bubble.assistant", timeout=30_000)
            assert await page.locator(".chip.tool").count() >= 1
            # Each tool result finds its call's chip by call_id: none is left waiting.
            await page.wait_for_function("!document.querySelector('.chip.tool.pending')")
            cards = page.locator("#scenes .scene")
            assert await cards.count() >= 1
            assert (await cards.first.locator("[data-field=script] .value").inner_text()).strip()
            assert await page.locator(".task").count() == 1

            await page.click("#approve")
            await page.wait_for_selector("#progress:not([hidden])")
            await page.wait_for_function(
                "document.getElementById('video').duration > 0", timeout=240_000
            )
            assert await page.inner_text("#progress-pct") == "100%"
            duration = await page.evaluate("document.getElementById('video').duration")
            assert duration > 5
            assert await page.locator("#versions .chip").count() == 1
            await page.screenshot(path=str(RESULTS / "browser-studio.png"), full_page=True)
        finally:
            await browser.close()
    assert errors == []
