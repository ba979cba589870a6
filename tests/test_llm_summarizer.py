"""LLM summarizer: real httpx calls to a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from digest.summarize import ExtractiveSummarizer
from digest.summarize.llm import LlmConfig, LlmSummarizer, parse_bullets

Reply = Callable[[dict[str, Any]], tuple[int, str, float]]  # status, body, delay


@dataclass
class FakeChatServer:
    """Answers POST /v1/chat/completions with whatever `reply` says; records requests."""

    reply: Reply = field(default=lambda body: (200, _completion("- نقطة"), 0.0))
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    url: str = ""


def _completion(content: str) -> str:
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        },
        ensure_ascii=False,
    )


@pytest.fixture
def server() -> Iterator[FakeChatServer]:
    state = FakeChatServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            state.paths.append(self.path)
            status, text, delay = state.reply(body)
            if delay:
                time.sleep(delay)
            data = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def seed(fixtures: Path) -> tuple[str, str]:
    text = (fixtures / "summarize" / "deepseek-article.ar.txt").read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title, body


GOOD = """<think>the user wants bullets</think>
إليك أهم النقاط:
- أعلن مختبر DeepSeek الصيني عن نموذج ذكاء اصطناعي مفتوح المصدر طوره في شهرين \
بتكلفة لا تتجاوز 6 ملايين دولار.
- اعتمد النموذج على معالجات Nvidia H800 الأقل تطورًا من معالجات H100 المستخدمة في الولايات المتحدة.
2. تفوق النموذج في اختبارات مستقلة على GPT-4o وClaude Sonnet 3.5 في الرياضيات والبرمجة.
"""


def _summarizer(server: FakeChatServer, **overrides: Any) -> LlmSummarizer:
    settings: dict[str, Any] = {"timeout": 2.0, **overrides}
    config = LlmConfig(url=server.url, model="fake-model", api_key="sk-test", **settings)
    return LlmSummarizer(config)


def test_good_output_is_used(server: FakeChatServer, seed: tuple[str, str]) -> None:
    server.reply = lambda body: (200, _completion(GOOD), 0.0)
    title, body = seed
    with _summarizer(server) as summarizer:
        bullets, method = summarizer.summarize_with_method(title, body)
    assert method == "llm:fake-model"
    assert len(bullets) == 3
    assert bullets[0].startswith("أعلن مختبر DeepSeek")
    assert bullets[2].startswith("تفوق النموذج")  # numbered marker removed
    request = server.requests[0]
    assert server.paths == ["/v1/chat/completions"]
    assert request["model"] == "fake-model"
    assert request["messages"][0]["role"] == "system"
    assert "العربية" in request["messages"][0]["content"]
    assert request["messages"][1]["content"].startswith(title)
    assert server.headers[0]["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "not Arabic",
            "- DeepSeek released an open model for 6 million dollars.\n"
            "- It runs on Nvidia H800 chips.\n- It beat GPT-4o in tests.",
        ),
        (
            "too few bullets",
            "- أعلن مختبر DeepSeek عن نموذج مفتوح المصدر.\n"
            "- اعتمد النموذج على معالجات Nvidia H800.",
        ),
        (
            "too many bullets",
            "\n".join(f"- أعلن مختبر DeepSeek عن نموذج مفتوح المصدر رقم {i}." for i in range(7)),
        ),
        (
            "hallucinated",
            "- افتتحت وزارة الزراعة سوقا جديدا للخضروات والفواكه في المدينة.\n"
            "- ارتفعت أسعار القمح والشعير في الموسم الحالي بنسبة كبيرة.\n"
            "- يتوقع المزارعون هطول أمطار غزيرة خلال فصل الشتاء القادم.",
        ),
        (
            "bullet too long",
            "- "
            + "أعلن مختبر DeepSeek الصيني عن نموذج مفتوح المصدر " * 8
            + "\n- اعتمد النموذج على معالجات Nvidia H800.\n- تفوق النموذج على GPT-4o.",
        ),
        (
            "duplicates",
            "- اعتمد النموذج على معالجات Nvidia H800.\n" * 3,
        ),
    ],
)
def test_rejected_output_falls_back_to_extractive(
    server: FakeChatServer, seed: tuple[str, str], name: str, content: str
) -> None:
    server.reply = lambda body: (200, _completion(content), 0.0)
    title, body = seed
    with _summarizer(server) as summarizer:
        bullets, method = summarizer.summarize_with_method(title, body)
    assert method == "extractive", name
    assert bullets == ExtractiveSummarizer().summarize(title, body)
    assert len(server.requests) == 1


def test_timeout_falls_back_and_is_retried_later(
    server: FakeChatServer, seed: tuple[str, str]
) -> None:
    server.reply = lambda body: (200, _completion(GOOD), 1.5)
    title, body = seed
    with _summarizer(server, timeout=0.3) as summarizer:
        bullets, method = summarizer.summarize_with_method(title, body)
        assert method == "extractive"
        assert bullets == ExtractiveSummarizer().summarize(title, body)
        # transport failures are not cached: the next call asks again and now succeeds
        server.reply = lambda body: (200, _completion(GOOD), 0.0)
        _, method = summarizer.summarize_with_method(title, body)
    assert method == "llm:fake-model"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("status", "text"),
    [(500, "{}"), (200, "not json"), (200, json.dumps({"choices": []}))],
)
def test_server_errors_fall_back(
    server: FakeChatServer, seed: tuple[str, str], status: int, text: str
) -> None:
    server.reply = lambda body: (status, text, 0.0)
    title, body = seed
    with _summarizer(server) as summarizer:
        bullets, method = summarizer.summarize_with_method(title, body)
    assert method == "extractive"
    assert 3 <= len(bullets) <= 5


def test_unreachable_server_falls_back(seed: tuple[str, str]) -> None:
    title, body = seed
    config = LlmConfig(url="http://127.0.0.1:9/v1", model="m", timeout=0.5)
    with LlmSummarizer(config) as summarizer:
        bullets = summarizer.summarize(title, body)
    assert bullets == ExtractiveSummarizer().summarize(title, body)


def test_one_summary_per_article_is_cached(server: FakeChatServer, seed: tuple[str, str]) -> None:
    server.reply = lambda body: (200, _completion(GOOD), 0.0)
    title, body = seed
    with _summarizer(server, cache_size=1) as summarizer:
        first = summarizer.summarize(title, body)
        assert summarizer.summarize(title, body) == first
        assert len(server.requests) == 1
        other = body.replace("6 ملايين", "7 ملايين")
        summarizer.summarize(title, other)  # a different text is a different article
        assert len(server.requests) == 2
        summarizer.summarize(title, body)  # evicted by the bounded cache: asked again
        assert len(server.requests) == 3


def test_rejections_are_cached_too(server: FakeChatServer, seed: tuple[str, str]) -> None:
    server.reply = lambda body: (200, _completion("- short"), 0.0)
    title, body = seed
    with _summarizer(server) as summarizer:
        summarizer.summarize(title, body)
        summarizer.summarize(title, body)
    assert len(server.requests) == 1


def test_empty_text_does_not_call_the_server(server: FakeChatServer) -> None:
    with _summarizer(server) as summarizer:
        assert summarizer.summarize("عنوان", "  ") == ()
    assert server.requests == []


def test_api_key_is_not_in_the_config_repr() -> None:
    config = LlmConfig(url="http://127.0.0.1:1/v1", model="m", api_key="sk-secret")
    assert "sk-secret" not in repr(config)
    assert config.endpoint == "http://127.0.0.1:1/v1/chat/completions"
    full = LlmConfig(url="http://127.0.0.1:1/v1/chat/completions/", model="m")
    assert full.endpoint == "http://127.0.0.1:1/v1/chat/completions"


def test_parse_bullets_strips_markers_and_preamble() -> None:
    assert parse_bullets("Here are the points:\n\n1) أولى.\n• ثانية.\n---\n* ثالثة.") == [
        "أولى.",
        "ثانية.",
        "ثالثة.",
    ]
