"""A loopback stand-in for the Telegraph API (createPage only), answering as the real one:
``{"ok": true, "result": {"path", "url", ...}}`` or ``{"ok": false, "error": "..."}``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class CreatedPage:
    title: str
    author_name: str | None
    author_url: str | None
    content: list[Any]
    url: str


@dataclass
class FakeTelegraph:
    token: str
    pages: list[CreatedPage] = field(default_factory=list)
    fail_with: str | None = None  # answer ok=false with this error
    requests: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeTelegraph:
        app = web.Application()
        app.router.add_post("/createPage", self._create_page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _create_page(self, request: web.Request) -> web.Response:
        self.requests += 1
        form = await request.post()
        if form.get("access_token") != self.token:
            return web.json_response({"ok": False, "error": "ACCESS_TOKEN_INVALID"})
        if self.fail_with:
            return web.json_response({"ok": False, "error": self.fail_with})
        title = str(form.get("title") or "")
        if not 1 <= len(title) <= 256:
            return web.json_response({"ok": False, "error": "TITLE_INVALID"})
        raw = str(form.get("content") or "")
        if len(raw.encode("utf-8")) > 64 * 1024:
            return web.json_response({"ok": False, "error": "CONTENT_TOO_BIG"})
        content = json.loads(raw)
        path = f"page-{len(self.pages) + 1}"
        url = f"https://telegra.ph/{path}"
        self.pages.append(
            CreatedPage(
                title,
                str(form["author_name"]) if "author_name" in form else None,
                str(form["author_url"]) if "author_url" in form else None,
                content,
                url,
            )
        )
        result = {"path": path, "url": url, "title": title, "views": 0}
        return web.json_response({"ok": True, "result": result})
