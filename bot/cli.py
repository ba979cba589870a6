"""The `newsdigest` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from digest.errors import ConfigError, NewsdigestError
from digest.models import Article, ChatKind, ChatRef, DeliveryMode, FeedConfig, Platform, Story

from .bootstrap import Services, bootstrap
from .settings import load_settings

SECRET_VARIABLES = (
    "NEWSDIGEST_TELEGRAM_TOKEN",
    "NEWSDIGEST_DISCORD_TOKEN",
    "NEWSDIGEST_LLM_API_KEY",
    "NEWSDIGEST_TELEGRAPH_TOKEN",
)
CONSOLE_CHAT = ChatRef(Platform.CONSOLE, "cli", ChatKind.PRIVATE)
FORMATS = ("console", "telegram", "discord", "markdown", "json")

EPILOG = """\
أمثلة / examples:
  newsdigest demo                      ملخص للخلاصات المرفقة / digest of the bundled feeds
  newsdigest digest --format telegram  ما سيُرسل إلى تيليغرام / what Telegram would get
  newsdigest summarize article.html    نقاط من مقال / bullets from one article
  newsdigest init                      ملف إعدادات أول / write a first settings file
  newsdigest doctor                    فحص الإعداد والخلاصات / check settings and feeds
  newsdigest feeds export --chat telegram:123 > my.opml   مصادر محادثة / a chat's sources
  newsdigest run                       تشغيل البوت / start the bots
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdigest",
        description="Arabic tech-news digests for Telegram and Discord / "
        "ملخصات أخبار التقنية العربية لتيليغرام وديسكورد",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", help="settings file (default: $NEWSDIGEST_CONFIG or the example)"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, help_text in (
        ("digest", "poll feeds and print the new stories"),
        ("demo", "the digest of the bundled sample feeds (offline)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--feed",
            action="append",
            default=[],
            metavar="URL|PATH",
            help="poll only this feed (repeatable); added if not configured",
        )
        p.add_argument("--format", choices=FORMATS, default="console")
        p.add_argument("--all", action="store_true", help="print stories already printed too")
        p.add_argument(
            "--limit", type=_positive_int, default=20, help="most stories to print (default 20)"
        )
        p.add_argument("--language", choices=("ar", "en"), default=None)

    s = sub.add_parser("summarize", help="bullets for one article (file, URL or - for stdin)")
    s.add_argument("source", nargs="?", help="PATH, URL or - (text or HTML)")
    s.add_argument("--title", default=None, help="title (default: the first line / page title)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--batch", type=Path, help="JSONL input: {id, text[, title]} per line")
    s.add_argument("--out", type=Path, help="JSONL output for --batch: {id, bullets}")

    c = sub.add_parser("classify", help="technology filter and topics of a JSONL batch")
    c.add_argument("--batch", type=Path, required=True, help="JSONL: {id, title, text} per line")
    c.add_argument("--out", type=Path, required=True, help="JSONL: {id, tech, tech_score, topics}")

    w = sub.add_parser("why", help="why an article got its topics (stored article URL)")
    w.add_argument("url")
    w.add_argument(
        "--chat",
        default=None,
        metavar="ID",
        help="also say which rule lets it reach this chat or blocks it"
        " (telegram:ID, discord:ID or a chat id)",
    )

    f = sub.add_parser("feeds", help="list feeds and their fetch state; import or export OPML")
    f.add_argument(
        "action",
        nargs="?",
        choices=("list", "status", "enable", "import", "export"),
        default="list",
    )
    f.add_argument("url", nargs="?", help="enable: the feed URL; import: the OPML FILE")
    f.add_argument(
        "--chat",
        default=None,
        metavar="PLATFORM:ID",
        help="import/export: a chat's own sources (telegram:123, discord:456);"
        " without it, the operator's feeds",
    )
    f.add_argument("--out", type=Path, default=None, help="export: write here (default stdout)")

    sub.add_parser("run", help="start the Telegram/Discord bots and the scheduler")

    c = sub.add_parser("cluster", help="group a JSONL stream of articles into stories")
    c.add_argument(
        "--batch", type=Path, required=True, help="JSONL: {id, title, text, published, source}"
    )
    c.add_argument("--out", type=Path, required=True, help="JSONL output: {id, story}")

    h = sub.add_parser(
        "health", help="ask the running bot's /healthz (exit 0 healthy, 1 not; for containers)"
    )
    h.add_argument("--url", default=None, help="default: http://127.0.0.1:<http_port>/healthz")
    h.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")

    from .doctor import add_doctor_parser
    from .init_config import add_init_parser

    add_doctor_parser(sub)
    add_init_parser(sub)

    e = sub.add_parser("eval", help="evaluation reports")
    e.add_argument("what", choices=("summaries", "topics", "clusters", "bullets"))
    e.add_argument("--corpus", type=Path, default=None)
    e.add_argument("--no-sumy", action="store_true", help="summaries: skip the sumy baselines")
    e.add_argument("--ant", type=Path, default=None, help="summaries: ANT corpus for defects")
    e.add_argument("--n", type=_positive_int, default=40, help="bullets: articles on the sheet")
    e.add_argument("--sheet", type=Path, default=None, help="bullets: write the blind sheet")
    e.add_argument("--read", type=Path, default=None, help="bullets: a filled-in answer CSV")
    e.add_argument("--key", type=Path, default=None, help="bullets: the sheet's key CSV")
    e.add_argument(
        "--skip", type=Path, default=None, help="bullets: ids (CSV) of a judged sheet to leave out"
    )
    e.add_argument(
        "--tech-filter",
        action="store_true",
        help="bullets: also other desks' articles that the technology filter passes",
    )
    return parser


def _positive_int(value: str) -> int:
    """argparse type: a whole number from 1 to 100,000 (argparse then exits 2)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= number <= 100_000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 100000, got {number}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .ops import configure_logging

    configure_logging(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        json_lines=os.environ.get("NEWSDIGEST_LOG_FORMAT", "").lower() == "json",
        secrets=[os.environ.get(name, "") for name in SECRET_VARIABLES],
    )
    try:
        if args.command == "eval":
            return run_eval(args)
        if args.command == "cluster":
            return cmd_cluster_batch(args.batch, args.out)
        if args.command == "init":
            from .init_config import cmd_init

            return cmd_init(args)
        if args.command == "doctor":
            from .doctor import cmd_doctor

            return cmd_doctor(args)
        if args.command == "classify":
            return run_classify(args)
        if args.command == "summarize" and not args.batch and not args.source:
            parser.error("summarize needs PATH, URL, - or --batch")
        settings = load_settings(args.config)
        if args.command == "health":
            return cmd_health(args, settings.http_port)
        return asyncio.run(dispatch(args, settings))
    except ConfigError as exc:
        print(f"newsdigest: configuration error: {exc}", file=sys.stderr)
        return 2
    except NewsdigestError as exc:
        print(f"newsdigest: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except FileNotFoundError as exc:
        print(f"newsdigest: no such file: {exc.filename}", file=sys.stderr)
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # `newsdigest ... | head`: not an error
            sys.stderr.close()
            return 0
        print(
            f"newsdigest: cannot read {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1


async def dispatch(args: argparse.Namespace, settings: object) -> int:
    from .feed_selection import demo_feeds
    from .settings import Settings

    assert isinstance(settings, Settings)
    extra: tuple[FeedConfig, ...] = ()
    urls: list[str] | None = None
    if args.command in ("digest", "demo"):
        extra = tuple(_adhoc_feed(f) for f in args.feed)
        urls = [f.url for f in extra] or None
    if args.command == "demo" and not args.feed:
        samples = demo_feeds(settings)
        configured = {f.url for f in settings.feeds}
        extra = tuple(f for f in samples if f.url not in configured)
        urls = [f.url for f in samples]
    services = bootstrap(settings, extra_feeds=extra)
    try:
        if args.command in ("digest", "demo"):
            return await cmd_digest(services, args, urls)
        if args.command == "summarize":
            return await cmd_summarize(services, args)
        if args.command == "why":
            return cmd_why(services, args.url, chat=args.chat)
        if args.command == "feeds" and args.action in ("import", "export"):
            from .opml_cli import cmd_feeds_opml

            return await cmd_feeds_opml(services, args)
        if args.command == "feeds":
            return cmd_feeds(services, args)
        if args.command == "run":
            from .runtime import run_bots

            return await run_bots(services)
        raise AssertionError(args.command)
    finally:
        await services.aclose()


def _adhoc_feed(value: str) -> FeedConfig:
    url = value if "://" in value else str(Path(value).expanduser().resolve())
    return FeedConfig(url=url)


async def cmd_digest(services: Services, args: argparse.Namespace, urls: list[str] | None) -> int:
    """Poll `urls` (None: every enabled feed) and print their new stories."""
    report = await services.pipeline.poll(urls)
    for failed in report.errors:
        print(f"⚠ {failed.url}: {failed.error}", file=sys.stderr)
    storage = services.storage
    language = args.language or services.settings.language
    if args.all:
        articles = [
            a
            for a in storage.get_articles(announce=True, limit=args.limit * 5)
            if urls is None or a.feed_url in urls
        ][: args.limit]
    else:
        # Every announced story not printed before is queued (oldest first); at most
        # --limit are printed, the rest stay queued for the next run and we say so.
        now = services.clock.now()
        storage.enqueue(
            CONSOLE_CHAT, storage.unqueued_article_ids(CONSOLE_CHAT, feed_urls=urls), due_at=now
        )
        pending = storage.pending_deliveries(now=now, limit=args.limit, chat=CONSOLE_CHAT)
        articles = storage.get_articles_by_ids([d.article_id for d in pending])
        storage.mark_sent([d.id for d in pending], at=now)
        left = storage.count_pending(CONSOLE_CHAT)
        if left:
            from digest.format.labels import label

            print(label("more_pending", language).format(count=left), file=sys.stderr)
    # Most important first (digest.ranking: outlets that told it, then recency).
    from digest.ranking import rank_stories

    stories = rank_stories(services.pipeline.stories(articles), services.clock.now())
    print_stories(
        stories,
        fmt=args.format,
        language=language,
        out=sys.stdout,
        today=services.clock.now().date(),
    )
    if report.feeds and len(report.errors) == len(report.feeds):
        return 1
    return 0


def print_stories(
    stories: list[Story], *, fmt: str, language: str, out: TextIO, today: date
) -> None:
    from digest.format import render
    from digest.format.labels import digest_header, label

    if not stories:
        print(label("no_new", language), file=out)
        return
    header = digest_header(today, language)
    if fmt == "console":
        from digest.format.console import render_console

        if out.isatty():
            render_console(stories, header=header, language=language)
            return
        from digest.format.console import render_plain

        print(render_plain(stories, header=header, language=language), file=out)
        return
    print(render(stories, fmt, header=header, language=language), file=out)


async def cmd_summarize(services: Services, args: argparse.Namespace) -> int:
    pipeline = services.pipeline
    if args.batch:
        if not args.out:
            print("newsdigest: --batch needs --out", file=sys.stderr)
            return 2
        return summarize_batch(services, args.batch, args.out)
    source: str = args.source
    if source.startswith(("http://", "https://")):
        story = await pipeline.summarize_url(source)
        title, bullets = story.title, story.bullets
    else:
        raw = sys.stdin.read() if source == "-" else _read_text(Path(source))
        title, body = _title_and_body(raw, args.title)
        bullets = pipeline.summarize_text(title, body)
    if args.json:
        print(json.dumps({"title": title, "bullets": list(bullets)}, ensure_ascii=False, indent=2))
    else:
        from digest.arabic import detect_language
        from digest.format.bidi import bidi_safe

        lang = detect_language(" ".join(bullets) or title)
        print(bidi_safe(title, lang))
        for bullet in bullets:
            print(bidi_safe(f"• {bullet}", lang))
    return 0 if bullets else 1


def summarize_batch(services: Services, src: Path, dst: Path) -> int:
    errors = 0
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for number, line in enumerate(fin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"]
                title = item.get("title") or ""
                if not isinstance(text, str):
                    raise TypeError("text must be a string")
            except (ValueError, KeyError, TypeError) as exc:
                print(f"newsdigest: {src}:{number}: skipped: {exc}", file=sys.stderr)
                errors += 1
                continue
            bullets = services.pipeline.summarize_text(title, text)
            fout.write(
                json.dumps({"id": item.get("id"), "bullets": list(bullets)}, ensure_ascii=False)
                + "\n"
            )
    return 1 if errors else 0


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"<" in data[:2048] and (b"<html" in data[:4096].lower() or b"<body" in data.lower()):
        from digest.extract import extract_article

        article = extract_article(data, url=None)
        return f"{article.title or ''}\n{article.text}"
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _title_and_body(raw: str, title: str | None) -> tuple[str, str]:
    if title:
        return title, raw
    lines = raw.strip().split("\n", 1)
    first = lines[0].strip()
    # A first line without final punctuation is a headline.
    if len(lines) == 2 and len(first) <= 200 and not first.endswith((".", "؟", "?", "!")):
        return first, lines[1]
    return "", raw


def cmd_why(services: Services, url: str, *, chat: str | None = None) -> int:
    from digest.identity import canonical_url

    article = services.storage.find_article(url) or services.storage.find_article(
        canonical_url(url)
    )
    if article is None:
        print(f"newsdigest: no stored article with URL {url}", file=sys.stderr)
        return 1
    print(article.title)
    if not article.topics:
        print("  (no topic matched / لم يطابق أي موضوع)")
    # a topic as the lines below show it: both names, or the slug of a topic not in the catalogue
    names = {t.slug: f"{t.name_ar} / {t.name_en}" for t in services.catalog.topics}
    # the tag acceptance model's view (digest.topics.acceptance): each tag's probability that
    # a reader agrees, and the tags of the lexicon rules it dropped
    rate = getattr(services.classifier, "rated", None)
    rated = {r.match.topic: r for r in rate(article.title, article.text)} if rate else {}
    for match in article.topics:
        name = names.get(match.topic, match.topic)
        accepted = rated.get(match.topic)
        shown = f", acceptance {accepted.probability:.2f}" if accepted is not None else ""
        print(f"  {name}: score {match.score:.1f}{shown} — {', '.join(match.terms)}")
    for slug, r in rated.items():
        if r.kept or any(match.topic == slug for match in article.topics):
            continue
        name = names.get(slug, slug)
        print(
            f"  {name}: not tagged, dropped by the tag acceptance model (acceptance"
            f" {r.probability:.2f}, under {r.threshold:.2f} /"
            f" أسقطه نموذج قبول الوسوم) — {', '.join(r.match.terms)}"
        )
    evidence = getattr(services.classifier, "evidence", None)
    if evidence is not None:
        # A platform or device named once as a venue («على متجر غوغل بلاي») does not tag.
        for match in evidence(article.title, article.text).passing:
            name = names.get(match.topic, match.topic)
            print(
                f"  {name}: not tagged, mentioned in passing (not in the title or lead,"
                f" no term twice / ذكر عابر) — {', '.join(match.terms)}"
            )
    probability = getattr(services.classifier, "technology_probability", None)
    if probability is not None:
        p = probability(article.title, article.text)
        if p is not None:
            print(f"  technology probability: {p:.2f}")
    tech = "yes" if article.is_tech else "no"
    posted = "yes" if article.announce else "no"
    print(f"  technology: {tech}; posted: {posted}")
    if chat is not None:
        return _why_for_chat(services, article, chat)
    return 0


def _why_for_chat(services: Services, article: Article, wanted: str) -> int:
    """`why --chat`: the rule (digest.exclusions.decide) that lets the article reach the
    chat or blocks it, and whether the chat receives anything at all now."""
    from digest.exclusions import decide, describe

    storage = services.storage
    platform, _, key = wanted.rpartition(":")
    # Matched on the storage key: a Telegram forum topic is "<group id>/<topic id>" and
    # shares its chat_id with the group and the group's other topics.
    found = [
        c
        for c in storage.get_chats(include_paused=True)
        if c.chat.key == key and platform in ("", c.chat.platform.value)
    ]
    if len(found) != 1:
        problem = "no stored chat" if not found else "several chats (name the platform)"
        print(f"newsdigest: {problem} with id {wanted}", file=sys.stderr)
        return 1
    settings = found[0]
    own = {(c.platform, c.key) for c in storage.own_feed_chats().get(article.feed_url, ())}
    verdict = decide(
        settings,
        article,
        own_feed=(settings.chat.platform, settings.chat.key) in own,
        private_feed=article.feed_url in storage.private_feed_urls(),
        # as the planner's only_own_feeds: a chat with sources of its own and no topic
        own_feeds_only=bool(storage.get_chat_feeds(settings.chat)),
    )
    name = f"{settings.chat.platform.value}:{settings.chat.key}"
    print(f"  chat {name}: {describe(verdict)}  [{verdict.rule}]")
    if settings.paused_reason is not None:
        print(f"  (the chat is paused: {settings.paused_reason})")
    elif settings.mode is DeliveryMode.OFF:
        print("  (the chat's delivery is off: it gets stories only when it asks)")
    return 0


def cmd_feeds(services: Services, args: argparse.Namespace) -> int:
    storage = services.storage
    if args.action == "enable":
        if not args.url:
            print("newsdigest: feeds enable URL", file=sys.stderr)
            return 2
        storage.enable_feed(args.url)
        print(f"enabled {args.url}")
        return 0
    for feed in sorted(storage.get_feeds(), key=lambda f: not f.enabled):
        state = "on" if feed.enabled else f"off ({feed.disabled_reason or 'config'})"
        line = f"{state:>4}  {feed.name or feed.title or ''}  {feed.url}"
        if args.action == "status":
            last = (
                feed.last_success_at.isoformat(timespec="minutes")
                if feed.last_success_at
                else "never"
            )
            line += f"\n      last ok: {last}; failures in a row: {feed.error_count}"
            if feed.last_error:
                line += f"; last error: {feed.last_error}"
            if feed.next_fetch_at:
                line += f"; next: {feed.next_fetch_at.isoformat(timespec='minutes')}"
        print(line)
    return 0


def cmd_cluster_batch(src: Path, dst: Path) -> int:
    """The stream through the clusterer the running bot builds (bootstrap.build_clusterer)."""
    from digest.cluster_batch import cluster_stream
    from digest.jsonl import jsonl_lines

    from .bootstrap import build_clusterer

    with dst.open("w", encoding="utf-8") as fout:

        def write(row: dict[str, object]) -> None:
            fout.write(json.dumps(row, ensure_ascii=False) + "\n")

        problems = cluster_stream(jsonl_lines(src), build_clusterer(), write=write)
    for problem in problems[:20]:
        print(f"newsdigest: {src}:{problem.line}: skipped: {problem.reason}", file=sys.stderr)
    if len(problems) > 20:
        print(f"newsdigest: … and {len(problems) - 20} more lines skipped", file=sys.stderr)
    return 1 if problems else 0


def cmd_health(args: argparse.Namespace, http_port: int | None) -> int:
    from .health_check import check_health, health_url

    if not (args.timeout > 0):  # also refuses nan
        print("newsdigest: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    url = args.url
    if url is None:
        if not http_port:
            print(
                "newsdigest: no health address: set http_port in the settings "
                "(or NEWSDIGEST_HTTP_PORT), or pass --url",
                file=sys.stderr,
            )
            return 2
        url = health_url(http_port)
    result = check_health(url, timeout=args.timeout)
    print(result.line, file=sys.stdout if result.healthy else sys.stderr)
    return result.exit_code


def run_classify(args: argparse.Namespace) -> int:
    """`classify --batch`: the pipeline's classifier (bootstrap.build_classifier) over a
    file; needs no database or network."""
    from digest.classify_batch import classify_batch
    from digest.topics import TopicCatalog

    from .bootstrap import build_classifier

    settings = load_settings(args.config)
    classifier = build_classifier(TopicCatalog.load(settings.topics_path))
    result = classify_batch(classifier, args.batch, args.out, sys.stderr)
    print(f"classified {result.written} articles ({result.skipped} bad lines skipped)")
    return 1 if result.skipped else 0


def run_eval(args: argparse.Namespace) -> int:
    root = Path(__file__).resolve().parent.parent
    if args.what == "summaries":
        from digest.eval.bullets import run_defect_report
        from digest.eval.summaries import run_summary_eval

        corpus = args.corpus or root.parent / "shared/corpora/easc/dev.jsonl"
        print(run_summary_eval(corpus, include_sumy=not args.no_sumy))
        ant = args.ant or root.parent / "shared/corpora/ant/dev.jsonl"
        if ant.exists():
            print()
            print(run_defect_report(ant))
    elif args.what == "bullets":
        return _eval_bullets(args, root)
    elif args.what == "topics":
        from digest.eval.topics import run_topic_eval

        corpus = args.corpus or root.parent / "shared/corpora/ant/pool.jsonl"
        print(run_topic_eval(corpus))
    else:
        from digest.eval.clusters import run_cluster_eval

        print(run_cluster_eval())
    return 0


def _eval_bullets(args: argparse.Namespace, root: Path) -> int:
    """`eval bullets`: write the blind sheet (--sheet) or read a filled one (--read)."""
    from digest.eval.bullets import read_answers, write_sheet

    try:
        if args.read is not None:
            if args.key is None:
                print("error: --read needs --key", file=sys.stderr)
                return 2
            print(read_answers(args.read, args.key))
        elif args.sheet is not None:
            corpus = args.corpus or root.parent / "shared/corpora/ant/dev.jsonl"
            passes = None
            if args.tech_filter:
                from digest.relevance import default_classifier

                passes = default_classifier().is_technology
            answers, key = write_sheet(corpus, args.sheet, n=args.n, skip=args.skip, passes=passes)
            print(f"sheet {args.sheet}, answers {answers}, key {key} (keep it from the judge)")
        else:
            print(
                "error: eval bullets needs --sheet OUT.md or --read FILLED.csv --key KEY",
                file=sys.stderr,
            )
            return 2
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
