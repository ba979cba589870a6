"""The composition root builds real parts from settings."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import bootstrap
from bot.settings import DEFAULT_CONFIG_DIR, load_settings
from digest.cluster import StoryClusterer
from digest.summarize.llm import LlmSummarizer
from digest.topics import LexiconClassifier


def settings_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"feeds_file: {DEFAULT_CONFIG_DIR / 'feeds.yaml'}\n"
        f"topics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: sqlite:///{tmp_path / 'b.sqlite3'}\n" + extra,
        encoding="utf-8",
    )
    return path


async def test_default_parts(tmp_path: Path) -> None:
    services = bootstrap(load_settings(settings_file(tmp_path), env={}))
    try:
        assert services.summarizer.name == "extractive"
        assert isinstance(services.classifier, LexiconClassifier)
        assert services.classifier.relevance is not None  # the shipped model is loaded
        assert isinstance(services.pipeline._clusterer, StoryClusterer)
        feeds = services.storage.get_feeds()
        # The real feeds are on; the demo samples are stored but off (run's view).
        enabled = [f.url for f in feeds if f.enabled]
        assert len(enabled) > 10 and all(url.startswith("https://") for url in enabled)
        assert len(feeds) == len(enabled) + 2
    finally:
        await services.aclose()


async def test_llm_backend_from_settings(tmp_path: Path) -> None:
    path = settings_file(tmp_path, "llm:\n  url: http://127.0.0.1:9/v1\n  model: tiny\n")
    settings = load_settings(path, env={"NEWSDIGEST_LLM_API_KEY": "sk-test-key-123"})
    services = bootstrap(settings)
    try:
        assert isinstance(services.summarizer, LlmSummarizer)
        assert services.summarizer.name == "llm:tiny"
        assert "sk-test-key-123" not in repr(services.summarizer.config)
        # Nothing listens on port 9: the extractive fallback answers.
        bullets = services.pipeline.summarize_text(
            "عنوان",
            "أعلنت الشركة عن هاتف جديد. ويدعم الهاتف شبكات الجيل الخامس. "
            "ويتوفر الهاتف في الأسواق الشهر المقبل. وسعره أقل من المنافسين.",
        )
        assert 3 <= len(bullets) <= 5
    finally:
        await services.aclose()
