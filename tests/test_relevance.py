"""Technology relevance filter: shipped model, decisions on real-looking headlines, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.models import TopicMatch
from digest.relevance import (
    CorpusRecord,
    Scores,
    TechRelevanceModel,
    TrainingOptions,
    is_held_out,
    is_validation,
    light_stem,
    load_default_model,
    load_model,
    read_corpus,
    split,
    split_validation,
    teaser,
    train,
)
from digest.topics import LexiconClassifier, LexiconEvidence, TopicCatalog, default_topics_path

ANT = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "ant" / "dev.jsonl"
PACKAGED = Path(__file__).resolve().parents[1] / "digest" / "data" / "tech_relevance.json"

# Written for this test (not from any corpus): what a tech_only general feed carries.
TECH = [
    ("آبل تطلق هاتف آيفون جديد بكاميرا أفضل وبطارية أكبر", ""),
    (
        "ثغرة أمنية خطيرة في متصفح كروم تهدد ملايين المستخدمين",
        "دعت غوغل المستخدمين إلى تحديث المتصفح فوراً.",
    ),
    ("ناسا ترسل مسباراً جديداً لاستكشاف المريخ", ""),
    ("مايكروسوفت تكشف عن نموذج ذكاء اصطناعي يكتب الشيفرة البرمجية", ""),
    ("واتساب يضيف ميزة جديدة لحماية خصوصية المحادثات", "التحديث متاح لمستخدمي أندرويد وآيفون."),
    ("إنفيديا تعلن عن رقائق جديدة لمراكز البيانات", ""),
    ("تسلا تبدأ اختبار سياراتها ذاتية القيادة في الصين", ""),
]
NOT_TECH = [
    ("ريال مدريد يفوز على برشلونة في الكلاسيكو بهدفين", ""),
    ("ارتفاع أسعار النفط بعد قرار أوبك خفض الإنتاج", ""),
    ("مجلس الأمن يعقد جلسة طارئة بشأن الأوضاع في غزة", "دعت دول عربية إلى وقف فوري لإطلاق النار."),
    ("الرئيس الفرنسي يستقبل نظيره المصري في قصر الإليزيه", ""),
    ("مهرجان القاهرة السينمائي يكرم الفنانة يسرا في حفل الافتتاح", ""),
    ("البنك المركزي يرفع سعر الفائدة ربع نقطة مئوية", ""),
    ("مقتل ثلاثة أشخاص في انفجار سيارة مفخخة شمالي بغداد", ""),
]


@pytest.fixture(scope="module")
def catalog() -> TopicCatalog:
    return TopicCatalog.load(default_topics_path())


@pytest.fixture(scope="module")
def model() -> TechRelevanceModel:
    return load_default_model()


@pytest.fixture(scope="module")
def classifier(catalog: TopicCatalog, model: TechRelevanceModel) -> LexiconClassifier:
    return LexiconClassifier(catalog, model)


def test_shipped_model_loads_from_package_data_and_is_small(model: TechRelevanceModel) -> None:
    assert len(model.weights) > 1000
    assert 0.0 < model.threshold < 1.0
    assert PACKAGED.stat().st_size < 2_000_000  # issue 15: the shipped model stays small
    assert "split" in model.metadata


@pytest.mark.parametrize(("title", "summary"), TECH)
def test_technology_headlines_pass_the_filter(
    classifier: LexiconClassifier, title: str, summary: str
) -> None:
    assert classifier.is_technology(title, summary)


@pytest.mark.parametrize(("title", "summary"), NOT_TECH)
def test_other_news_is_filtered_out(
    classifier: LexiconClassifier, title: str, summary: str
) -> None:
    assert not classifier.is_technology(title, summary)


def test_without_a_model_any_topic_counts_as_technology(catalog: TopicCatalog) -> None:
    lexicon_only = LexiconClassifier(catalog)
    assert lexicon_only.is_technology("إنفيديا تعلن عن رقائق جديدة", "")
    assert not lexicon_only.is_technology("ارتفاع أسعار النفط", "")


def test_light_stem_strips_one_prefix_and_one_suffix() -> None:
    assert light_stem("والهواتف") == "هواتف"
    assert light_stem("التقنيات") == "تقني"
    assert light_stem("gpt-4o") == "gpt-4o"
    assert light_stem("من") == "من"


def test_split_is_deterministic_and_holds_out_about_thirty_percent() -> None:
    ids = [f"XX-label-{n}-20180101" for n in range(2000)]
    held = [is_held_out(i) for i in ids]
    assert held == [is_held_out(i) for i in ids]
    assert 0.25 < sum(held) / len(ids) < 0.35


def record(n: int, title: str, text: str, is_tech: bool) -> CorpusRecord:
    return CorpusRecord(f"id-{n}", "test", title, text[:20], text, is_tech)


def tiny_corpus() -> list[CorpusRecord]:
    tech = ["هاتف جديد بمعالج سريع", "تطبيق جديد للهواتف الذكية", "شركة تطلق حاسوبا محمولا"]
    other = ["فوز الفريق في المباراة", "الرئيس يلتقي الوزير", "ارتفاع أسعار النفط اليوم"]
    records = []
    for n in range(12):
        records.append(record(2 * n, tech[n % 3], tech[(n + 1) % 3] + " " + tech[n % 3], True))
        records.append(
            record(2 * n + 1, other[n % 3], other[(n + 1) % 3] + " " + other[n % 3], False)
        )
    return records


def test_training_is_deterministic_and_learns_its_data(
    catalog: TopicCatalog, tmp_path: Path
) -> None:
    options = TrainingOptions(min_df=1, epochs=4, prune_below=0.0)
    lexicon = LexiconClassifier(catalog)
    first = train(tiny_corpus(), lexicon, options)
    second = train(tiny_corpus(), lexicon, options)
    assert first.weights == second.weights and first.bias == second.bias
    assert first.probability("هاتف جديد", "تطبيق للهواتف الذكية") > 0.5
    assert first.probability("فوز الفريق", "في المباراة") < 0.5
    path = tmp_path / "model.json"
    first.save(path)
    reloaded = load_model(path)
    assert reloaded.probability("هاتف جديد", "") == pytest.approx(
        first.probability("هاتف جديد", ""), abs=1e-3
    )


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"format": 99},
        {"format": 1, "bias": 0},
        {"format": 1, "bias": 0, "weights": {"a": "x"}},
        {"format": 1, "bias": 0, "weights": {}, "threshold": 2},
    ],
)
def test_bad_model_files_are_config_errors(tmp_path: Path, data: object) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json"):
        load_model(path)
    with pytest.raises(ConfigError, match=r"nope\.json"):
        load_model(tmp_path / "nope.json")


def test_bad_corpus_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "a", "label": "technology"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"corpus\.jsonl:2"):
        read_corpus(path)


@pytest.mark.skipif(not ANT.exists(), reason="ANT corpus not beside the repository")
def test_held_out_sample_of_ant_is_classified_well(classifier: LexiconClassifier) -> None:
    _, test_part = split(read_corpus(ANT))
    sample = test_part[::5]  # every 5th (the file is sorted by label); full numbers: the eval
    scores = Scores()
    for item in sample:
        scores = scores.add(classifier.is_technology(item.title, item.abstract), item.is_tech)
    assert scores.tp + scores.fn >= 20
    assert scores.f1 >= 0.8


def test_technology_probability_is_reported_for_why(
    classifier: LexiconClassifier, catalog: TopicCatalog
) -> None:
    tech = classifier.technology_probability(*TECH[0])
    other = classifier.technology_probability(*NOT_TECH[0])
    assert tech is not None and other is not None
    assert tech > classifier.relevance.threshold > other  # type: ignore[union-attr]
    assert LexiconClassifier(catalog).technology_probability(*TECH[0]) is None


def test_english_headlines_are_judged_through_the_lexicon(classifier: LexiconClassifier) -> None:
    assert classifier.is_technology("Nvidia unveils new AI chips for data centres", "")
    assert not classifier.is_technology("Manchester United beat Chelsea 2-1 at Old Trafford", "")


def test_validation_part_is_carved_from_the_training_side_only() -> None:
    ids = [f"XX-label-{n}-20180101" for n in range(3000)]
    records = [CorpusRecord(i, "s", "t", "a", "x", False) for i in ids]
    train_side, held_out = split(records)
    fit, validation = split_validation(train_side)
    assert {r.id for r in validation}.isdisjoint({r.id for r in held_out})
    assert len(fit) + len(validation) == len(train_side)
    assert 0.15 < len(validation) / len(train_side) < 0.25
    assert [is_validation(i) for i in ids] == [is_validation(i) for i in ids]
    assert teaser("ا" * 500) == "ا" * 300


# Issue 15: tech stories told in political or legal words. The titles are the issue's, as
# written there, and constructed ones; the bodies are written for this test in the register
# that outweighed the name before (the old model gave these 0.04-0.11).
POLITICAL_BODY = (
    "قال رئيس لجنة الشؤون القضائية في مجلس الشيوخ إن الجلسة ستعقد الأسبوع المقبل بحضور "
    "أعضاء الحزبين الجمهوري والديمقراطي. وطالب المشرعون بمحاسبة المسؤولين عن التدخل في "
    "الانتخابات الرئاسية، ودعا زعيم الأغلبية إلى تشريع جديد قبل الانتخابات النصفية. وقال "
    "البيت الأبيض إن الرئيس يتابع التحقيق، فيما اتهمت المعارضة الحكومة بالتقصير. وأكد وزير "
    "العدل أن المحكمة ستنظر في القضية. "
)
NAMED_TECH = [
    (
        '"فضيحة فيسبوك" تتسع.. والكونغرس يستدعي زوكربرغ',
        POLITICAL_BODY + "وتتعلق القضية ببيانات ملايين من مستخدمي فيسبوك. وسيمثل زوكربرغ "
        "مؤسس فيسبوك أمام اللجنة. ورفضت فيسبوك التعليق.",
    ),
    (
        "عطل في تويتر بالتزامن مع نهائي أبطال أوروبا",
        "أحرز ريال مدريد اللقب بعد فوزه على ليفربول في المباراة النهائية في كييف بثلاثة أهداف "
        "مقابل هدف. وسجل بيل هدفين وبنزيمة هدفا، وأصيب محمد صلاح في الشوط الأول. وتوقف تويتر "
        "عن العمل لملايين المستخدمين خلال المباراة. وقالت تويتر إنها أصلحت العطل، وتبادل "
        "المشجعون الشكاوى على فيسبوك بدلا من تويتر.",
    ),
    ('"تقنية الوجوه" ظلمت آلاف الأبرياء', ""),
    (
        "البرلمان الأوروبي يستجوب غوغل بشأن الخصوصية",
        POLITICAL_BODY + "وتواجه غوغل اتهامات بجمع بيانات المستخدمين. ونفت غوغل ذلك. "
        "وقالت غوغل إنها تحترم القانون.",
    ),
]


@pytest.mark.parametrize(("title", "text"), NAMED_TECH)
def test_a_tech_name_in_the_title_is_not_outweighed_by_political_words(
    classifier: LexiconClassifier, title: str, text: str
) -> None:
    assert classifier.is_technology(title, text)


def test_a_passing_platform_mention_does_not_make_politics_technology(
    classifier: LexiconClassifier,
) -> None:
    title = "الرئيس يعلن عبر تويتر موعد الانتخابات المبكرة"
    body = POLITICAL_BODY + "وأعلن الرئيس الموعد في تغريدة، وقالت المعارضة إنها ستشارك."
    assert not classifier.is_technology(title, body)


def test_title_name_rule_lifts_to_the_threshold_only_when_the_model_is_unsure() -> None:
    model = TechRelevanceModel(
        0.0,
        {"t:سياس": -1.0, "t:حرب": -30.0},
        threshold=0.6,
        title_topics=frozenset({"social-media"}),
    )
    named = LexiconEvidence((TopicMatch("social-media", 7.0, ("فيسبوك",)),), 0.0, ("social-media",))
    weak = LexiconEvidence((TopicMatch("social-media", 3.0, ("فيسبوك",)),), 0.0, ("social-media",))
    assert model.probability("سياسة", "", None) < 0.6
    assert model.probability("سياسة", "", named) == 0.6  # lifted to the threshold
    assert model.probability("سياسة", "", weak) < 0.6  # a single title hit is not enough
    assert model.probability("حرب", "", named) < 0.1  # the model is sure: no lift


def test_train_command_chooses_on_validation_and_writes_a_loadable_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from digest.relevance import _main

    corpus = tmp_path / "pool.jsonl"
    rows = []
    for n, item in enumerate(tiny_corpus() * 8):
        rows.append(
            json.dumps(
                {
                    "id": f"{item.id}-{n}",
                    "label": "technology" if item.is_tech else "sport",
                    "source": "SkyNews",
                    "title": item.title,
                    "abstract": item.abstract,
                    "text": item.text,
                },
                ensure_ascii=False,
            )
        )
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "model.json"
    assert _main(["train", "--corpus", str(corpus), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "chosen on validation" in printed and "held out for the report" in printed
    model = load_model(out)
    assert 0.2 <= model.threshold <= 0.85 and "validation" in model.metadata
