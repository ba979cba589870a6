"""The follow-up guard (issue #14): a report and its sequel told with the same names stay
apart; a late rewrite of the same report does not. Real clusterer, shipped IDF table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import build_clusterer
from digest.cluster import StoryClusterer
from digest.story_followup import FollowUpGuard, contradicts

T0 = datetime(2018, 7, 9, 8, tzinfo=UTC)
BACKGROUND = (
    "وكان جونسون قد تولى حقيبة الخارجية منذ عامين في حكومة تيريزا ماي، وعرف بمواقفه المؤيدة "
    "للخروج من الاتحاد الأوروبي، وخاض حملة الاستفتاء على بريكست إلى جانب مايكل غوف، "
    "وانتقد مرارا خطة رئيسة الوزراء للعلاقة التجارية مع بروكسل بعد الخروج."
)
RESIGNS = (
    "استقالة وزير الخارجية البريطاني بوريس جونسون احتجاجا على خطة بريكست",
    "قدم وزير الخارجية البريطاني بوريس جونسون استقالته من الحكومة احتجاجا على خطة بريكست. "
    + BACKGROUND,
)
# The sequel: same names, a new actor and action in the headline (نوفيكوف، الكرملين يعقب).
REACTION = (
    "نوفيكوف: الكرملين يعقب على استقالة وزير الخارجية البريطاني بوريس جونسون",
    "علق المتحدث باسم الكرملين على استقالة وزير الخارجية البريطاني بوريس جونسون من الحكومة،"
    " وقال إن موسكو لا تتوقع تحسنا في العلاقات مع لندن ولا تتدخل في الشؤون الداخلية"
    " لبريطانيا. " + BACKGROUND[:120],
)
# Another outlet's report of the same resignation, later the same day.
SAME_EVENT = (
    "وزير الخارجية البريطاني بوريس جونسون يستقيل احتجاجا على خطة بريكست",
    "أعلن وزير الخارجية البريطاني بوريس جونسون استقالته من الحكومة احتجاجا على خطة بريكست. "
    + BACKGROUND,
)


def _joined(clusterer: StoryClusterer, later: tuple[str, str], hours: float) -> bool:
    first = clusterer.add(1, *RESIGNS, T0)
    return clusterer.add(2, *later, T0 + timedelta(hours=hours)) == first


def test_the_bot_keeps_a_follow_up_apart_that_the_rules_alone_join() -> None:
    # Without the guard the shared background makes the rules join the two reports.
    assert _joined(StoryClusterer(window=timedelta(days=2)), REACTION, 20)
    assert not _joined(build_clusterer(), REACTION, 20)


def test_the_guard_leaves_a_late_report_of_the_same_event_and_a_quick_one_joined() -> None:
    assert _joined(build_clusterer(), SAME_EVENT, 20)
    # Within the guard's hours the rules decide alone (a fast reaction is often one story).
    assert _joined(build_clusterer(), REACTION, 2)


def test_the_bot_keeps_apart_a_follow_up_ten_hours_later() -> None:
    # The guard's hours, re-chosen on the 1,146 tune pairs: 9 h (15 h on the first 909).
    # A reaction ten hours after the resignation is a new event (fresh3: a sanctions
    # warning and Russia's reply 10 h later, joined by the 15 h guard, apart now).
    assert _joined(StoryClusterer(window=timedelta(days=2)), REACTION, 10)
    assert not _joined(build_clusterer(), REACTION, 10)
    assert _joined(build_clusterer(), SAME_EVENT, 10)


def test_the_guard_rule_itself() -> None:
    guard = FollowUpGuard.shipped(hours=12.0, rarity=6.0)
    later, earlier = {"كرملين", "يعقب", "استقال"}, {"استقال", "وزير", "جونسون"}
    assert guard.new_word_rarity(later, earlier) >= 6.0
    assert guard.keeps_apart(later, earlier, 14.0)
    assert not guard.keeps_apart(later, earlier, 11.0)  # too soon
    assert not guard.keeps_apart(later, earlier, None)  # unknown times never veto
    assert not guard.keeps_apart(later, earlier, 14.0, copied=0.85)  # a copy is one story
    assert not guard.keeps_apart({"استقال", "جونسون"}, earlier, 30.0)  # nothing new
    # Transliterations are not new words (consonant skeletons): ترامب / ترمب.
    assert guard.new_word_rarity({"ترامب"}, {"ترمب"}) == 0.0


def test_guard_folds_keep_pairs_that_share_an_article_together() -> None:
    from digest.eval.story_folds import grouped_folds
    from digest.eval.story_guard import cross_validate
    from digest.eval.story_pair_scores import JudgedPair

    pairs = [JudgedPair(f"p{n}", f"a{n}", f"b{n}", "tune", "c1/x", n % 2 == 0) for n in range(40)]
    pairs += [JudgedPair("q1", "a1", "z", "tune", "c1/x", True)]  # shares a1 with p1
    pairs += [JudgedPair("q2", "z", "y", "tune", "c1/x", False)]  # and, through z, q1
    fold = grouped_folds(pairs)
    assert fold["p1"] == fold["q1"] == fold["q2"]
    assert len(set(fold.values())) > 1
    # A setting that joins every pair never keeps enough apart; one that joins only the
    # same pairs is chosen in every fold, and scored only on the folds it did not see.
    everything = {p.pair_id: True for p in pairs}
    only_same = {p.pair_id: p.same for p in pairs}
    grid = {(float("inf"), 0.0, False, False): everything, (12.0, 6.0, True, True): only_same}
    found, chosen = cross_validate(pairs, grid)
    assert set(chosen) == {(12.0, 6.0, True, True)}
    assert (found.joined_same, found.joined_different) == (sum(p.same for p in pairs), 0)


# A deadline passes and the man has not surrendered; the next day he surrenders. The
# second report repeats the first one's background, and its headline adds nothing rare.
NOT_YET = (
    "الرئيس الأسبق كارلوس مندوزا لم يسلم نفسه للشرطة رغم انتهاء المهلة",
    "انتهت المهلة التي منحها القضاء للرئيس الأسبق كارلوس مندوزا لتسليم نفسه للشرطة في"
    " العاصمة لبدء تنفيذ حكم بسجنه اثني عشر عاما في قضية فساد، وتجمع أنصاره أمام مقر"
    " النقابة حيث يقيم منذ صدور الحكم.",
)
SURRENDERS = (
    "الرئيس الأسبق كارلوس مندوزا يسلم نفسه للشرطة",
    "سلم الرئيس الأسبق كارلوس مندوزا نفسه للشرطة في العاصمة لبدء تنفيذ حكم بسجنه اثني"
    " عشر عاما في قضية فساد، بعد ليلة أمضاها أنصاره أمام مقر النقابة حيث يقيم منذ صدور"
    " الحكم.",
)


def test_the_bot_keeps_apart_a_headline_that_contradicts_the_earlier_one() -> None:
    def joined(clusterer: StoryClusterer) -> bool:
        first = clusterer.add(1, *NOT_YET, T0)
        return clusterer.add(2, *SURRENDERS, T0 + timedelta(hours=3)) == first

    assert joined(StoryClusterer(window=timedelta(days=2)))
    assert not joined(build_clusterer())


def test_contradiction_is_a_negated_action_the_other_headline_states() -> None:
    said, denied = frozenset({"مندوز", "يسلم", "نفس"}), frozenset({"يسلم"})
    assert contradicts(said, frozenset(), said, denied)
    assert contradicts(said, denied, said, frozenset())
    assert not contradicts(said, denied, said, denied)  # both say it did not happen
    assert not contradicts(said, frozenset(), said, frozenset())


def test_the_guard_also_vetoes_the_event_models_joins() -> None:
    from dataclasses import replace

    from digest.story_signals import FEATURES, EventModel, EventSignals

    # A model that says "same event" to every pair it is asked about: whatever it joins
    # here, the rules do not (a short reaction 20 h later, in other words).
    always = replace(EventSignals.shipped(), model=EventModel((0.0,) * len(FEATURES), 50.0, 0.5))
    reaction = (
        "نوفيكوف: الكرملين يعقب على استقالة وزير الخارجية البريطاني جونسون",
        "قال نوفيكوف المتحدث باسم الكرملين إن موسكو تتابع استقالة جونسون ولا تتوقع تغيرا"
        " في سياسة لندن تجاه روسيا.",
    )

    def joined(clusterer: StoryClusterer) -> bool:
        first = clusterer.add(1, *RESIGNS, T0, "a.example")
        return clusterer.add(2, *reaction, T0 + timedelta(hours=20), "b.example") == first

    window = timedelta(days=2)
    assert not joined(StoryClusterer(window=window))
    assert joined(StoryClusterer(window=window, signals=always))
    assert not joined(
        StoryClusterer(window=window, signals=always, follow_up=FollowUpGuard.shipped())
    )


def test_the_quick_veto_agrees_with_the_rarest_new_word() -> None:
    guard = FollowUpGuard.shipped(hours=1.0, rarity=6.0)
    words = ["كرملين", "يعقب", "استقال", "وزير", "جونسون", "ترامب", "ترمب", "نوفيكوف", "خارج"]
    for n in range(len(words)):
        later = set(words[n : n + 4])
        for m in range(len(words)):
            earlier = set(words[m : m + 5])
            expected = guard.new_word_rarity(later, earlier) >= guard.rarity
            assert guard.keeps_apart(later, earlier, 2.0) is expected


# One ambassador's interview, copied by two outlets under headlines that read as opposites.
INTERVIEW = (
    "قال السفير الأميركي الجديد لدى ألمانيا ريتشارد غرينيل إن الخلاف بشأن فرض واشنطن المزمع"
    " لرسوم عقابية على سلع أوروبية لن يؤدي إلى حرب تجارية، وأضاف أن الرئيس الأميركي لا يريد"
    " سوى تكافؤ الفرص، وفي مقابلة مع مجموعة فونكه الصحفية أصر غرينيل على أن الولايات المتحدة"
    " تنتظر مقترحات أوروبية بشأن كيفية تفادي فرض التعريفات العقابية على الصلب والألمنيوم."
)


def test_a_headline_denying_a_thing_does_not_contradict_one_that_names_it() -> None:
    # «لا حرب تجارية» (no trade war) against «تستبعد نشوب حرب تجارية» (rules out a trade
    # war): one statement, and the second outlet copied the first one's text.
    rules_out = "أميركا تستبعد نشوب حرب تجارية مع الاتحاد الأوروبي"
    no_war = "برلين: لا حرب تجارية بين أميركا وأوروبا"
    clusterer = build_clusterer()
    first = clusterer.add(1, rules_out, INTERVIEW, T0)
    copied = INTERVIEW.replace("غرينيل", "جرينيل")
    assert clusterer.add(2, no_war, copied, T0 + timedelta(minutes=12)) == first


def test_la_before_a_noun_denies_a_thing_not_an_action() -> None:
    from digest.cluster import StoryFingerprint

    assert StoryFingerprint.of("برلين: لا حرب تجارية بين أميركا وأوروبا", "").negated == frozenset()
    assert StoryFingerprint.of("الناتو لا يريد سباق تسلح جديدا", "").negated == {"يريد"}
    assert StoryFingerprint.of("لا أريد الرحيل", "").negated  # أريد: first person
    assert StoryFingerprint.of("الوزير لم يوقع الاتفاق", "").negated  # لم: always a verb
