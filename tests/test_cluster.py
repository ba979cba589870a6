"""Cross-source story clustering."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.cluster import StoryClusterer, StoryFingerprint, content_words, similarity
from digest.eval.clusters import nabd_set, read_nabd, rewrite, run_cluster_eval
from digest.story_signals import EventSignals

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "topics" / "deepseek-article.ar.txt"
NABD = FIXTURES / "clusters" / "nabd_it"
T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)

# A second outlet's version of the seed story, written for this test: new headline, the
# lead paraphrased, a dateline, sentences reordered and shortened.
OTHER_OUTLET_TITLE = "DeepSeek الصينية تهز وادي السيليكون بنموذج ذكاء اصطناعي منخفض التكلفة"
OTHER_OUTLET_TEXT = """بكين - وكالات: أثار مختبر DeepSeek الصيني المتخصص في الذكاء الاصطناعي
قلقاً في وادي
السيليكون بعدما كشف عن نماذج ذكاء اصطناعي تتفوق على أبرز النماذج الأميركية رغم تكاليف تطوير
منخفضة واستخدامه معالجات أقل قوة.
وكان المختبر قد أطلق في ديسمبر نموذجاً مفتوح المصدر طوره في شهرين فقط بتكلفة لا تتجاوز 6
ملايين دولار، معتمداً على معالجات Nvidia H800 الأقل تطوراً من معالجات H100.
وقال ساتيا ناديلا، رئيس مايكروسوفت التنفيذي، في منتدى دافوس إن ما أنجزته DeepSeek تطور مدهش.
وبحسب اختبارات مستقلة تفوق النموذج على Llama 3.1 من ميتا وGPT-4o من أوبن إيه آي."""

OTHER_AI_STORY = (
    "أوبن إيه آي تطلق متجراً لتطبيقات GPT المخصصة",
    """أعلنت شركة أوبن إيه آي إطلاق متجر يتيح للمستخدمين نشر نسخ مخصصة من روبوت الدردشة
ChatGPT ومشاركتها مع الآخرين، على أن تحصل الشركات المطورة على حصة من العائدات.
وقالت الشركة إن المتجر متاح لمشتركي الخطط المدفوعة، وإنه سيعرض أبرز التطبيقات أسبوعياً.""",
)


@pytest.fixture(scope="module")
def seed() -> tuple[str, str]:
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return title, body


def test_another_outlets_rewrite_joins_the_first_story(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer(window=timedelta(days=2))
    assert clusterer.add(10, *seed, T0) == 10
    assert clusterer.add(11, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0 + timedelta(hours=3)) == 10


def test_summary_only_item_joins_the_full_text(seed: tuple[str, str]) -> None:
    title, body = seed
    lead = body.split("\n", 1)[0]
    clusterer = StoryClusterer()
    assert clusterer.add(1, title, body, T0) == 1
    assert clusterer.add(2, "«DeepSeek» يهدد هيمنة الولايات المتحدة", lead, T0) == 1


def test_a_different_story_on_the_same_topic_is_a_new_cluster(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer()
    clusterer.add(1, *seed, T0)
    assert clusterer.add(2, *OTHER_AI_STORY, T0) == 2


def test_every_member_points_to_the_first_story(seed: tuple[str, str]) -> None:
    title, body = seed
    clusterer = StoryClusterer()
    clusterer.add(1, title, body, T0)
    clusterer.add(2, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0)
    # A summary of the second version only: still the cluster of the first article.
    assert clusterer.add(3, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT.split("\n", 2)[0], T0) == 1


def test_spelling_variants_do_not_hide_a_duplicate(seed: tuple[str, str]) -> None:
    title, body = seed
    decorated = body.replace("الذكاء", "الذَّكـــاء").replace("أ", "ا").replace("ة", "ه")
    clusterer = StoryClusterer()
    clusterer.add(1, title, body, T0)
    assert clusterer.add(2, title.replace("ي", "ى"), decorated, T0) == 1


# Two outlets writing their own text about one launch (made up for this test): few shared
# phrases, but the same rare names and numbers.
OWN_REPORT_A = (
    "شركة سامسونغ تكشف عن هاتف Galaxy Z Fold 7 بسعر 1999 دولارا",
    "كشفت سامسونغ الكورية الجنوبية خلال مؤتمر في نيويورك عن هاتفها القابل للطي Galaxy Z"
    " Fold 7، بسعر يبدأ من 1999 دولارا. ويأتي الهاتف بشاشة داخلية قياسها 8 بوصات ومعالج"
    " Snapdragon 8 Elite، ويطرح في الأسواق يوم 25 يوليو.",
)
OWN_REPORT_B = (
    "«فولد 7».. هاتف سامسونغ الجديد القابل للطي يصل الأسواق أواخر يوليو",
    "في حدث Unpacked الذي أقيم في نيويورك، قدمت سامسونغ الجيل السابع من سلسلة Galaxy Z"
    " Fold. الجهاز أنحف من سابقه ويعمل بمعالج Snapdragon 8 Elite، وتبلغ شاشته الداخلية 8"
    " بوصات، أما السعر فيبدأ من 1999 دولارا على أن يتوفر اعتبارا من 25 يوليو.",
)


# Another maker's foldable launched the same day: same kind of event, different event.
OTHER_LAUNCH = (
    "شاومي تكشف عن هاتفها القابل للطي Mix Flip 2",
    "أعلنت شاومي الصينية في بكين عن هاتفها القابل للطي Mix Flip 2 بشاشة خارجية قياسها 4"
    " بوصات ومعالج Dimensity 9400، ويبدأ سعره من 899 دولارا في الأسواق الصينية.",
)


@pytest.mark.parametrize("hours", [4, 20])
def test_independent_reports_of_one_event_join_within_the_day(hours: int) -> None:
    # The experimental event model (issue #14; off in the bot) joins them 20 hours apart
    # too; the window's lead-word rule stops at 12 hours.
    clusterer = StoryClusterer(signals=EventSignals.shipped())
    for number, doc in enumerate(read_nabd(NABD)):  # other stories give word rarities
        clusterer.add(100 + number, doc.title, doc.text, T0 - timedelta(days=1))
    first = clusterer.add(1, *OWN_REPORT_A, T0)
    assert clusterer.add(2, *OWN_REPORT_B, T0 + timedelta(hours=hours)) == first


def test_one_outlet_writing_twice_on_a_subject_is_left_to_the_rewrite_rules() -> None:
    # The event model was fitted on pairs of two outlets; one outlet's second article on
    # a subject is mostly a follow-up (ANT set A: all 4 model joins of one outlet wrong).
    for second_outlet, joins in (("outlet.example", False), ("other.example", True)):
        clusterer = StoryClusterer(signals=EventSignals.shipped())
        for number, doc in enumerate(read_nabd(NABD)):
            clusterer.add(100 + number, doc.title, doc.text, T0 - timedelta(days=1))
        clusterer.add(1, *OWN_REPORT_A, T0, "outlet.example")
        later = T0 + timedelta(hours=20)
        assert (clusterer.add(2, *OWN_REPORT_B, later, second_outlet) == 1) is joins


def test_another_launch_the_same_day_stays_its_own_story() -> None:
    # With the event model's names veto (the bot's default rules still join these two).
    clusterer = StoryClusterer(signals=EventSignals.shipped())
    for number, doc in enumerate(read_nabd(NABD)):
        clusterer.add(100 + number, doc.title, doc.text, T0 - timedelta(days=1))
    clusterer.add(1, *OWN_REPORT_A, T0)
    assert clusterer.add(2, *OTHER_LAUNCH, T0 + timedelta(hours=2)) == 2


def test_the_same_story_outside_the_window_starts_a_new_cluster(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer(window=timedelta(days=2))
    clusterer.add(1, *seed, T0)
    assert clusterer.add(2, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0 + timedelta(days=3)) == 2


def test_forget_before_drops_old_articles(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer(window=timedelta(days=30))
    clusterer.add(1, *seed, T0)
    clusterer.add(2, *OTHER_AI_STORY, T0 + timedelta(days=1))
    clusterer.add(3, "خبر بلا تاريخ", "نص قصير عن موضوع آخر تماما", None)
    assert clusterer.forget_before(T0 + timedelta(hours=1)) == 1
    assert len(clusterer) == 2
    assert clusterer.add(4, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0) == 4


def test_max_items_pushes_out_the_oldest(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer(max_items=2)
    clusterer.add(1, *seed, T0)
    clusterer.add(2, *OTHER_AI_STORY, T0)
    clusterer.add(
        3, "مباراة الكلاسيكو تنتهي بالتعادل", "انتهت مباراة ريال مدريد وبرشلونة بالتعادل", T0
    )
    assert len(clusterer) == 2
    assert clusterer.add(4, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0) == 4


def test_adding_an_id_again_returns_its_cluster(seed: tuple[str, str]) -> None:
    clusterer = StoryClusterer()
    clusterer.add(1, *seed, T0)
    clusterer.add(2, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, T0)
    assert clusterer.add(2, "anything", "", T0) == 1
    assert len(clusterer) == 2


def test_empty_and_undated_articles_are_handled() -> None:
    clusterer = StoryClusterer()
    assert clusterer.add(1, "", "", None) == 1
    assert clusterer.add(2, "", "", None) == 2  # nothing in common: not a story match
    assert clusterer.add(3, "عنوان", "", T0) == 3
    with pytest.raises(ValueError):
        StoryClusterer(max_items=0)


def test_identical_texts_are_fully_similar(seed: tuple[str, str]) -> None:
    a = StoryFingerprint.of(*seed)
    score = similarity(a, StoryFingerprint.of(*seed))
    assert (score.lead, score.body, score.title) == (1.0, 1.0, 1.0)
    assert score.same_story()
    assert "في" not in content_words("في الصين")  # function words carry no story


def test_nabd_fixture_posts_stay_apart_and_teasers_join_them() -> None:
    docs = read_nabd(NABD)
    clusterer = StoryClusterer()
    ids = {doc.key: clusterer.add(n, doc.title, doc.text, T0) for n, doc in enumerate(docs)}
    posts = [doc.key for doc in docs if "#" not in doc.key]
    assert len(set(ids[key] for key in posts)) == len(posts)  # 12 different stories
    for doc in docs:
        if doc.key.endswith("#teaser") and doc.text:
            assert ids[doc.key] == ids[doc.key.split("#")[0]], doc.key


def test_same_sequence_gives_same_clusters_in_any_process(seed: tuple[str, str]) -> None:
    docs, _ = nabd_set(NABD)
    script = (
        "from datetime import datetime, timezone\n"
        "from pathlib import Path\n"
        "from digest.cluster import StoryClusterer\n"
        "from digest.eval.clusters import nabd_set\n"
        f"docs, _ = nabd_set(Path({str(NABD)!r}))\n"
        "c = StoryClusterer()\n"
        "print([c.add(n, d.title, d.text, None) for n, d in enumerate(docs)])\n"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    clusterer = StoryClusterer()
    here = [clusterer.add(n, d.title, d.text, None) for n, d in enumerate(docs)]
    assert outputs == {f"{here}\n"}


def test_rewrite_is_deterministic_and_changes_the_text(seed: tuple[str, str]) -> None:
    first = rewrite(*seed, "seed")
    assert first == rewrite(*seed, "seed")
    assert first[0] != seed[0] or first[1] != seed[1]
    assert len(first[2].split()) <= 40


def test_cluster_eval_runs_on_the_fixtures_without_the_corpus(tmp_path: Path) -> None:
    report = run_cluster_eval(corpus=tmp_path / "missing.jsonl", fixtures=FIXTURES / "clusters")
    assert "nabd_sharqi" in report and "P=" in report and "skipped" in report
