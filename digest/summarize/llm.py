"""Optional abstractive backend: any OpenAI-compatible chat endpoint (llama.cpp server,
Ollama, vLLM), set by URL + model.

The model's answer is only used when it passes validation: 3-5 bullets, each at most
``max_chars`` characters, in the article's language (Arabic for Arabic articles), no
duplicates, and grounded (most of each bullet's content words occur in the article).
Anything else (timeout, HTTP error, odd JSON, rejected output) falls back to the
extractive summarizer, so the pipeline always gets bullets. One summary per article is
cached (bounded LRU keyed by a hash of model, language, title and text).

Synchronous on purpose: the pipeline calls summarizers in a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ..arabic import arabic_ratio, detect_language
from ..ports import Summarizer
from .extractive import ExtractiveSummarizer
from .scoring import content_tokens

__all__ = ["LlmConfig", "LlmSummarizer", "Rejection", "parse_bullets", "validate_bullets"]

log = logging.getLogger(__name__)

_THINK_TAG = re.compile(r"<(/?)think>", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:[-•*▪●◦–—·]+|\(?[0-9٠-٩]{1,2}[.)\-:]|\(?[0-9٠-٩]{1,2}\s*[-–])\s*")
_PREAMBLE_END = (":", "：")


@dataclass(frozen=True)
class LlmConfig:
    """Where and how to ask. `url` is the API base (``http://127.0.0.1:8080/v1``) or the
    full ``.../chat/completions`` address. The API key is sent, never logged."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0  # seconds, for the whole request
    temperature: float = 0.2
    max_tokens: int = 600
    max_input_chars: int = 8000  # longer articles are cut before sending
    max_chars: int = 220  # per bullet
    min_grounded: float = 0.5  # share of a bullet's content words found in the article
    cache_size: int = 512

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        key = "***" if self.api_key else None
        return f"LlmConfig(url={self.url!r}, model={self.model!r}, api_key={key})"


class Rejection(Exception):
    """The model's output failed validation (the message says why)."""


_SYSTEM_AR = (
    "أنت محرر أخبار تقنية. لخّص المقال في ثلاث إلى خمس نقاط باللغة العربية الفصحى. "
    "كل نقطة جملة واحدة كاملة لا تتجاوز {max_chars} حرفًا، وتعتمد فقط على ما ورد في المقال "
    "دون أي معلومة من خارجه. اكتب كل نقطة في سطر مستقل يبدأ بـ «- » ولا تكتب أي شيء آخر."
)
_SYSTEM_EN = (
    "You are a technology news editor. Summarise the article in three to five bullet "
    "points in English. Each bullet is one complete sentence of at most {max_chars} "
    "characters, using only facts stated in the article. Write each bullet on its own "
    'line starting with "- " and write nothing else.'
)


def _drop_reasoning(content: str) -> str:
    """`content` without its <think>...</think> blocks (any case; a block ends at the
    first closing tag after it; an unclosed block stays), as `<think>.*?</think>` with
    DOTALL would remove them, but in one linear scan: that regex rescanned the rest of
    the answer from each unclosed "<think>" (quadratic)."""
    pieces: list[str] = []
    done = 0
    start: int | None = None
    for tag in _THINK_TAG.finditer(content):
        if start is None and not tag.group(1):
            start = tag.start()
        elif start is not None and tag.group(1):
            pieces.append(content[done:start])
            done, start = tag.end(), None
    pieces.append(content[done:])
    return "".join(pieces)


def parse_bullets(content: str) -> list[str]:
    """Bullet lines of a chat answer: reasoning blocks, markers, blank lines and a
    leading "here are the points:" line removed."""
    content = _drop_reasoning(content)
    lines = [line.strip() for line in content.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line and not set(line) <= set("-*_=`#")]
    if lines and lines[0].endswith(_PREAMBLE_END) and len(lines) > 1:
        lines = lines[1:]
    bullets = []
    for line in lines:
        text = _MARKER.sub("", line, count=1).strip().strip("*").strip()
        if text:
            bullets.append(text)
    return bullets


def validate_bullets(
    bullets: Sequence[str],
    article: str,
    *,
    language: str,
    max_chars: int = 220,
    min_grounded: float = 0.5,
) -> tuple[str, ...]:
    """The bullets if acceptable, else raises Rejection."""
    if not 3 <= len(bullets) <= 5:
        raise Rejection(f"{len(bullets)} bullets, want 3-5")
    article_terms = set(content_tokens(article))
    seen: set[str] = set()
    for bullet in bullets:
        if len(bullet) > max_chars:
            raise Rejection(f"bullet of {len(bullet)} characters, limit {max_chars}")
        terms = content_tokens(bullet)
        if len(terms) < 2:
            raise Rejection("bullet without content words")
        if language == "ar" and arabic_ratio(bullet) < 0.6:
            raise Rejection("bullet not in Arabic")
        if language != "ar" and arabic_ratio(bullet) > 0.4:
            raise Rejection("bullet not in the article's language")
        grounded = sum(1 for term in terms if term in article_terms) / len(terms)
        if grounded < min_grounded:
            raise Rejection(f"bullet not grounded in the article ({grounded:.0%} of words)")
        key = " ".join(terms)
        if key in seen:
            raise Rejection("duplicate bullets")
        seen.add(key)
    return tuple(bullets)


class LlmSummarizer:
    """digest.ports.Summarizer backed by an OpenAI-compatible chat endpoint, with the
    extractive summarizer as fallback. Thread-safe; close() releases the HTTP client."""

    def __init__(
        self,
        config: LlmConfig,
        *,
        fallback: Summarizer | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self.name = f"llm:{config.model}"
        self.fallback = fallback or ExtractiveSummarizer(max_chars=config.max_chars)
        self._client = client or httpx.Client(timeout=config.timeout)
        self._owns_client = client is None
        self._cache: OrderedDict[str, tuple[tuple[str, ...], str]] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> LlmSummarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def summarize(self, title: str, text: str, *, language: str = "ar") -> tuple[str, ...]:
        """3-5 bullets from the model, or from the fallback. Never raises on odd text."""
        return self.summarize_with_method(title, text, language=language)[0]

    def summarize_with_method(
        self, title: str, text: str, *, language: str = "ar"
    ) -> tuple[tuple[str, ...], str]:
        """(bullets, method): method is this summarizer's name when the model's bullets
        were used, else the fallback's name (store it as the article's summary_method)."""
        if not text or not text.strip():
            return (), self.fallback.name
        if language not in {"ar", "en"}:
            language = detect_language(text)
        key = self._key(title, text, language)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            result = (self._ask(title, text, language), self.name)
        except (httpx.HTTPError, ValueError) as error:
            # transport trouble: fall back now, but do not cache, so a later call retries
            log.warning("LLM summarizer unavailable (%s); using %s", error, self.fallback.name)
            return self._fallback(title, text, language), self.fallback.name
        except Rejection as rejection:
            log.info("LLM output rejected (%s); using %s", rejection, self.fallback.name)
            result = (self._fallback(title, text, language), self.fallback.name)
        with self._lock:
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > self.config.cache_size:
                self._cache.popitem(last=False)
        return result

    # -- internals --------------------------------------------------------------------

    def _key(self, title: str, text: str, language: str) -> str:
        digest = hashlib.sha256()
        for part in (self.config.model, language, title, text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def _fallback(self, title: str, text: str, language: str) -> tuple[str, ...]:
        return self.fallback.summarize(title, text, language=language)

    def _ask(self, title: str, text: str, language: str) -> tuple[str, ...]:
        config = self.config
        system = (_SYSTEM_AR if language == "ar" else _SYSTEM_EN).format(max_chars=config.max_chars)
        article = text[: config.max_input_chars]
        user = f"{title.strip()}\n\n{article}" if title.strip() else article
        payload: dict[str, Any] = {
            "model": config.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "stream": False,
        }
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        response = self._client.post(
            config.endpoint, json=payload, headers=headers, timeout=config.timeout
        )
        response.raise_for_status()
        content = _message_content(response.json())
        bullets = parse_bullets(content)
        return validate_bullets(
            bullets,
            f"{title}\n{text}",
            language=language,
            max_chars=config.max_chars,
            min_grounded=config.min_grounded,
        )


def _message_content(body: Any) -> str:
    """choices[0].message.content of a chat completion; ValueError if absent."""
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise ValueError(f"not a chat completion: {error!r}") from error
    if not isinstance(content, str):
        raise ValueError("chat completion without text content")
    return content
