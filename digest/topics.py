"""Topic catalogue, lexicon topic classifier and subscription matching.

The catalogue (config/topics.yaml) lists technology topics with names, the aliases users
type in /subscribe, and lexicons of Arabic words/stems and Latin names. Matching works on
`digest.arabic.tokenize` output (normalised: no diacritics or tatweel, folded alef, ya and
ta-marbuta forms) and strips attached Arabic prefixes (و ف ب ك ل ال and combinations) so that
"وبالذكاء" matches "ذكاء". Lexicon matching also folds common suffixes (ه ها ات ين ون ...);
free keywords only fold prefixes, because a user's keyword is usually a name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from .arabic import normalize, tokenize
from .defaults import config_dir
from .errors import ConfigError
from .models import TopicMatch
from .patterns import is_pattern

# --- normalised word forms -----------------------------------------------------------

# Attached proclitics, longest first. "لل" is ل + ال with the alef dropped.
_PREFIXES = (
    "وبال",
    "فبال",
    "وكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "فك",
    "و",
    "ف",
    "ب",
    "ك",
    "ل",
)
# Attached pronouns and plural/dual endings (normalised spelling: ة -> ه, ى -> ي).
_SUFFIXES = (
    "هما",
    "كما",
    "تان",
    "تين",
    "ها",
    "هم",
    "هن",
    "كم",
    "نا",
    "ات",
    "ان",
    "ين",
    "ون",
    "يه",
    "ه",
    "ي",
    "ك",
    "ا",  # the accusative's alef (tanween fath, diacritic dropped): «ذكاءً اصطناعيًا», «هاتفا ذكيا»
)
_MIN_STEM = 2  # letters that must remain after stripping
_ARABIC_LEAD = re.compile("^[\u0621-\u064a]{1,4}(?=[a-z0-9])")
_LATIN = re.compile("[a-z0-9]")


def _is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


def _without_prefixes(token: str) -> set[str]:
    forms = {token}
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_STEM:
            forms.add(token[len(prefix) :])
    return forms


def _without_suffixes(form: str) -> set[str]:
    forms = {form}
    for suffix in _SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
            base = form[: -len(suffix)]
            forms.add(base)
            if base.endswith("ت") and suffix not in ("ات", "تان", "تين"):
                forms.add(base[:-1] + "ه")  # شركتها -> شركة
            if suffix in ("ات", "تان", "تين"):
                forms.add(base + "ه")  # تقنيات -> تقنية
    return forms


def _latin_forms(token: str) -> set[str]:
    token = _ARABIC_LEAD.sub("", token)  # "وgpt-4o" -> "gpt-4o"
    forms = {token}
    if token.endswith("s") and len(token) > 3:
        forms.add(token[:-1])
    for index, char in enumerate(token):
        if char == "-" and index > 0:
            forms.add(token[:index])  # "gpt-4o" also counts as "gpt"
    return forms


def word_forms(token: str, *, suffixes: bool = True) -> frozenset[str]:
    """Every form a normalised token may stand for, the token itself included."""
    if _LATIN.search(token) and (_is_latin(token) or _ARABIC_LEAD.match(token)):
        return frozenset(_latin_forms(token))
    forms = _without_prefixes(token)
    if suffixes:
        forms = {variant for form in forms for variant in _without_suffixes(form)}
    return frozenset(forms)


# --- compiled lexicons ---------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    key: str
    stem: bool  # "برمج*": any form starting with key

    def matches(self, forms: frozenset[str]) -> bool:
        if self.stem:
            return any(form.startswith(self.key) for form in forms)
        return self.key in forms


@dataclass(frozen=True)
class _Term:
    group: str  # topic slug (or "" for a single-group lexicon)
    label: str  # as written in the catalogue or by the user
    words: tuple[_Word, ...]

    @property
    def specificity(self) -> tuple[int, int, str]:
        """Longer phrases, then longer words ("gpt-4o" over "gpt") win at one position."""
        return (len(self.words), sum(len(word.key) for word in self.words), self.label)


def _compile_term(label: str, group: str = "") -> _Term | None:
    words: list[_Word] = []
    for raw in label.split():
        stem = raw.endswith("*")
        pieces = tokenize(raw.rstrip("*"))
        for index, piece in enumerate(pieces):
            key = piece
            if (
                not _is_latin(key)
                and key.startswith("ال")
                and len(key) - 2 >= 3
                and not (len(key) == 5 and key[2] == "ا" and not stem)
            ):
                # The article is stripped from text tokens as well; but a three-letter word
                # starting with alef keeps it: «الأرق» bare («ارق») is also «فارق» (ف + ارق)
                key = key[2:]
            words.append(_Word(key, stem and index == len(pieces) - 1))
    return _Term(group, label, tuple(words)) if words else None


_CACHE_LIMIT = 50_000  # distinct tokens remembered per lexicon


class _Lexicon:
    """Terms of several groups (topics) indexed by their first word, so that a text is
    scanned once for all groups. Within a group, the longest phrase at a position wins
    and its tokens do not start shorter matches."""

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        self._exact: dict[str, list[_Term]] = {}
        self._stems: dict[str, list[_Term]] = {}
        seen: set[tuple[str, tuple[_Word, ...]]] = set()
        for group, labels in groups.items():
            for label in labels:
                term = _compile_term(label, group)
                if term is None or (group, term.words) in seen:
                    continue  # spelling variants of one term count once
                seen.add((group, term.words))
                first = term.words[0]
                index = self._stems if first.stem else self._exact
                index.setdefault(first.key, []).append(term)
        self._stem_lengths = sorted({len(key) for key in self._stems})
        self._cache: dict[frozenset[str], tuple[_Term, ...]] = {}

    def count(self, tokens: Sequence[frozenset[str]]) -> dict[str, dict[str, int]]:
        """Occurrences of each term label, per group, in a sequence of token forms."""
        counts: dict[str, dict[str, int]] = {}
        covered_until: dict[str, int] = {}
        for position, forms in enumerate(tokens):
            best: dict[str, _Term] = {}
            for term in self._candidates(forms):
                if position < covered_until.get(term.group, 0):
                    continue
                if position + len(term.words) > len(tokens):
                    continue
                current = best.get(term.group)
                if current is not None and term.specificity <= current.specificity:
                    continue
                if all(
                    word.matches(tokens[position + offset])
                    for offset, word in enumerate(term.words[1:], start=1)
                ):
                    best[term.group] = term
            for group, term in best.items():
                group_counts = counts.setdefault(group, {})
                group_counts[term.label] = group_counts.get(term.label, 0) + 1
                covered_until[group] = position + len(term.words)
        return counts

    def _candidates(self, forms: frozenset[str]) -> tuple[_Term, ...]:
        cached = self._cache.get(forms)
        if cached is not None:
            return cached
        found: dict[int, _Term] = {}
        for form in forms:
            for term in self._exact.get(form, ()):
                found[id(term)] = term
            for length in self._stem_lengths:
                if length > len(form):
                    break
                for term in self._stems.get(form[:length], ()):
                    found[id(term)] = term
        result = tuple(sorted(found.values(), key=lambda term: term.specificity, reverse=True))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[forms] = result
        return result


def _token_forms(
    text: str, *, suffixes: bool, cache: dict[str, frozenset[str]]
) -> list[frozenset[str]]:
    out = []
    for token in tokenize(text):
        forms = cache.get(token)
        if forms is None:
            forms = word_forms(token, suffixes=suffixes)
            cache[token] = forms
        out.append(forms)
    return out


# --- catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """One subscribable technology topic."""

    slug: str
    name_ar: str
    name_en: str
    colour: int  # Discord embed colour, 0xRRGGBB
    aliases: tuple[str, ...] = ()
    lexicon_ar: tuple[str, ...] = ()
    lexicon_latin: tuple[str, ...] = ()
    # Words that are also everyday words or names ("إنترنت", "روبوت", "جهاز جديد"): they add
    # to the topic's score only when a specific (ar/latin) term of the topic matched too.
    lexicon_generic: tuple[str, ...] = ()
    # Phrases that contain a word of the topic but are not the topic («الخيال العلمي» for
    # science, «غابات الأمازون» for big tech): they take their position from the shorter
    # term (the longest phrase wins) and count nothing.
    lexicon_not: tuple[str, ...] = ()
    # (terms, phrases): when one of the phrases occurs anywhere in the article, those terms of
    # the topic are used in another sense there and count nothing in it, title included: a
    # crab («سرطان بحري», «اصطاد سرطان») is no cancer, «أشبه بسطح المريخ» no Mars story. The
    # phrases themselves count nothing, like `lexicon_not`.
    lexicon_other_sense: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    description: str = ""  # one line: what belongs to the topic (for editors and judges)
    # Topics that take this one's place when both match: science's research words («باحثون»,
    # «دراسة») say a story is a study, not what field it is in; a medical study belongs to
    # health-tech and an astronomy one to space, whose descriptions exclude them from science.
    defers_to: tuple[str, ...] = ()
    # Those of `defers_to` whose generic words alone may take this one's place (DEFER_GENERIC
    # _SHARE): a study of sleep, stress or an allergy is told in everyday words («النوم»,
    # «التوتر», «الحساسية») that health-tech counts only as generic, while science's research
    # words («باحثون», «دراسة») are specific.
    defers_to_generic: tuple[str, ...] = ()
    # Named in the title by a specific term, this topic gives way (`defers_to`) only to a topic
    # the title names too: a story headlined with a hackathon is an innovation contest even
    # when its body names phones or Facebook more. Not for science, whose research words in a
    # title («علماء يكتشفون») often head a medical study.
    title_holds: bool = False
    # Words for what the topic's stories are about: people for health-tech («الإنسان»,
    # «المرضى», «رجل»), animals for science («الثدييات», «خفاش»). A topic that defers to
    # another keeps its place when the article names its own subject and none of the other's:
    # a vampire bat's diet and diseases are biology, not health (judge-240), while a hot-bath
    # study on 14 men is a health study whatever its research words.
    subject: tuple[str, ...] = ()

    def name(self, language: str = "ar") -> str:
        return self.name_ar if language == "ar" else self.name_en

    @property
    def lexicon(self) -> tuple[str, ...]:
        """The specific terms (each can tag the topic on its own)."""
        return self.lexicon_ar + self.lexicon_latin


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ALIAS_NOISE = re.compile(r"[#_\-]+")


def alias_key(text: str) -> str:
    """How /subscribe input and aliases are compared: normalised, "#", "_" and "-" as
    spaces, whitespace collapsed."""
    return " ".join(_ALIAS_NOISE.sub(" ", normalize(text)).split())


def _alias_keys(text: str) -> set[str]:
    key = alias_key(text)
    keys = {key}
    bare = " ".join(
        word[2:] if word.startswith("ال") and len(word) > 4 else word for word in key.split()
    )
    keys.add(bare)  # "ذكاء اصطناعي" == "الذكاء الاصطناعي"
    return {k for k in keys if k}


@dataclass(frozen=True)
class TopicCatalog:
    """The topics of config/topics.yaml, validated. Build with `TopicCatalog.load`."""

    topics: tuple[Topic, ...]
    technology_terms: tuple[str, ...] = ()
    source: str = "<memory>"
    _by_alias: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_topics(
        cls, topics: Sequence[Topic], technology_terms: Sequence[str] = (), source: str = "<memory>"
    ) -> TopicCatalog:
        """Raises ConfigError if two topics share a slug or an alias."""
        by_alias: dict[str, str] = {}
        slugs: set[str] = set()
        for index, topic in enumerate(topics):
            where = f"{source}: topics[{index}]"
            if topic.slug in slugs:
                raise ConfigError(f"{where}.slug: duplicate slug {topic.slug!r}")
            slugs.add(topic.slug)
            if topic.slug in topic.defers_to:
                raise ConfigError(f"{where}.defers_to: a topic cannot defer to itself")
            names = (topic.slug, topic.name_ar, topic.name_en, *topic.aliases)
            for name in names:
                for key in _alias_keys(name):
                    owner = by_alias.get(key)
                    if owner is not None and owner != topic.slug:
                        raise ConfigError(
                            f"{where}.aliases: {name!r} is already an alias of topic {owner!r}"
                        )
                    by_alias[key] = topic.slug
        for index, topic in enumerate(topics):
            unknown = sorted(set(topic.defers_to) - slugs)
            if unknown:
                raise ConfigError(
                    f"{source}: topics[{index}].defers_to: {unknown[0]!r} is not a topic slug"
                )
            unknown = sorted(set(topic.defers_to_generic) - set(topic.defers_to))
            if unknown:
                raise ConfigError(
                    f"{source}: topics[{index}].defers_to_generic: {unknown[0]!r} is not in"
                    " its defers_to"
                )
        return cls(tuple(topics), tuple(technology_terms), source, by_alias)

    @classmethod
    def load(cls, path: Path) -> TopicCatalog:
        """Read and validate a topics YAML file. Raises ConfigError naming file and field,
        also on a key given twice in one mapping (YAML would keep the last silently)."""
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except OSError as error:
            raise ConfigError(f"{path}: cannot read topics file: {error}") from error
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: invalid YAML: {error}") from error
        return cls.parse(data, source=str(path))

    @classmethod
    def parse(cls, data: Any, *, source: str = "<memory>") -> TopicCatalog:
        """Validate already-loaded YAML data. Raises ConfigError naming the field."""
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a mapping with a 'topics' list")
        raw_topics = data.get("topics")
        if not isinstance(raw_topics, list) or not raw_topics:
            raise ConfigError(f"{source}: topics: expected a non-empty list")
        topics = [
            _parse_topic(raw, f"{source}: topics[{index}]") for index, raw in enumerate(raw_topics)
        ]
        terms = data.get("technology_terms", {}) or {}
        if not isinstance(terms, dict):
            raise ConfigError(f"{source}: technology_terms: expected a mapping with ar/latin lists")
        tech = _string_list(terms.get("ar"), f"{source}: technology_terms.ar") + _string_list(
            terms.get("latin"), f"{source}: technology_terms.latin"
        )
        return cls.from_topics(topics, tech, source)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(topic.slug for topic in self.topics)

    def get(self, slug: str) -> Topic | None:
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        return None

    def resolve(self, user_text: str) -> Topic | None:
        """The topic a user means by "/subscribe <user_text>" (slug, name or alias in
        Arabic or English, any spelling variant), or None if it is not a topic."""
        for key in _alias_keys(user_text):
            slug = self._by_alias.get(key)
            if slug is not None:
                return self.get(slug)
        return None

    def label(self, slug: str, language: str = "ar") -> str:
        """The topic's name in `language`, or the slug itself when the catalogue has no
        such topic (a chat's settings may still name a topic removed from the YAML)."""
        topic = self.get(slug)
        return topic.name(language) if topic else slug


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with a key given twice: a second «generic:» list
    of a topic replaced its first one unnoticed."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _string_list(value: Any, where: str, *, required: bool = False) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        raise ConfigError(f"{where}: expected a {'non-empty ' if required else ''}list of strings")
    out = []
    for index, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)  # "5g" is a string, but YAML reads bare 2018 as an int
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{where}[{index}]: expected a non-empty string, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def _required_text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}.{key}: expected a non-empty string")
    return value.strip()


def _parse_topic(raw: Any, where: str) -> Topic:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping")
    slug = _required_text(raw, "slug", where)
    if not _SLUG.match(slug):
        raise ConfigError(
            f"{where}.slug: {slug!r} must be lower-case ASCII letters, digits and '-'"
        )
    where = f"{where} ({slug})"
    colour = raw.get("colour", raw.get("color"))
    if isinstance(colour, str) and re.fullmatch(r"#?[0-9a-fA-F]{6}", colour):
        colour = int(colour.lstrip("#"), 16)
    if not isinstance(colour, int) or isinstance(colour, bool) or not 0 <= colour <= 0xFFFFFF:
        raise ConfigError(
            f"{where}.colour: expected an RGB integer 0x000000-0xFFFFFF, got {colour!r}"
        )
    lexicon = raw.get("lexicon")
    if not isinstance(lexicon, dict):
        raise ConfigError(f"{where}.lexicon: expected a mapping with 'ar' and 'latin' lists")
    lexicon_ar = _string_list(lexicon.get("ar"), f"{where}.lexicon.ar", required=True)
    lexicon_latin = _string_list(lexicon.get("latin"), f"{where}.lexicon.latin")
    lexicon_generic = _string_list(lexicon.get("generic"), f"{where}.lexicon.generic")
    lexicon_not = _string_list(lexicon.get("not"), f"{where}.lexicon.not")
    for index, term in enumerate(lexicon_ar + lexicon_latin + lexicon_generic + lexicon_not):
        if _compile_term(term) is None:
            raise ConfigError(f"{where}.lexicon: term {index} ({term!r}) has no letters")
    both = sorted(set(lexicon_generic) & set(lexicon_ar + lexicon_latin))
    if both:
        raise ConfigError(f"{where}.lexicon.generic: {both[0]!r} is also a specific term")
    both = sorted(set(lexicon_not) & set(lexicon_ar + lexicon_latin + lexicon_generic))
    if both:
        raise ConfigError(f"{where}.lexicon.not: {both[0]!r} is also a term of the topic")
    lexicon_other_sense = _other_senses(
        lexicon.get("other_sense"),
        f"{where}.lexicon.other_sense",
        frozenset(lexicon_ar + lexicon_latin + lexicon_generic),
    )
    for index, term in enumerate(_string_list(raw.get("subject"), f"{where}.subject")):
        if _compile_term(term) is None:
            raise ConfigError(f"{where}.subject[{index}]: {term!r} has no letters")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where}.description: expected a string")
    return Topic(
        slug=slug,
        name_ar=_required_text(raw, "name_ar", where),
        name_en=_required_text(raw, "name_en", where),
        colour=colour,
        aliases=_string_list(raw.get("aliases"), f"{where}.aliases", required=True),
        lexicon_ar=lexicon_ar,
        lexicon_latin=lexicon_latin,
        lexicon_generic=lexicon_generic,
        lexicon_not=lexicon_not,
        lexicon_other_sense=lexicon_other_sense,
        description=" ".join(description.split()),
        defers_to=_string_list(raw.get("defers_to"), f"{where}.defers_to"),
        defers_to_generic=_string_list(raw.get("defers_to_generic"), f"{where}.defers_to_generic"),
        title_holds=_flag(raw.get("title_holds", False), f"{where}.title_holds"),
        subject=_string_list(raw.get("subject"), f"{where}.subject"),
    )


def _other_senses(
    value: Any, where: str, terms: frozenset[str]
) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """`lexicon.other_sense`: a list of {terms: [...], when: [...]}; every term must be a
    term of the topic (ar, latin or generic), every phrase have letters."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list of {{terms, when}} mappings")
    out = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) != {"terms", "when"}:
            raise ConfigError(f"{where}[{index}]: expected a mapping with 'terms' and 'when'")
        own = _string_list(entry["terms"], f"{where}[{index}].terms", required=True)
        unknown = [term for term in own if term not in terms]
        if unknown:
            raise ConfigError(f"{where}[{index}].terms: {unknown[0]!r} is not a term of the topic")
        phrases = _string_list(entry["when"], f"{where}[{index}].when", required=True)
        for phrase in phrases:
            if _compile_term(phrase) is None:
                raise ConfigError(f"{where}[{index}].when: {phrase!r} has no letters")
            if phrase in terms:
                raise ConfigError(f"{where}[{index}].when: {phrase!r} is also a term of the topic")
        out.append((own, phrases))
    return tuple(out)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def default_topics_path() -> Path:
    """The bundled config/topics.yaml (the composition root may pass another)."""
    return config_dir() / "topics.yaml"


# --- classification -------------------------------------------------------------------

TITLE_WEIGHT = 3.0
BODY_CAP = 3  # occurrences of one term in the body that still add to the score
MIN_TOPIC_SCORE = 3.0  # one title hit, or three body hits
# A further topic needs at least this share of the strongest topic's score: a story is
# tagged with what it is substantially about, not with every name it mentions in passing
# (issue 15's judged sheet: Apple named once in a diet story, phones in a social-media story,
# science for "researchers" in a security story). Chosen by reading the tags it removes on
# the TUNE half of ANT dev technology (digest.eval.topic_sheet): 66 of 530 tags at 1/3.
SECONDARY_SHARE = 1 / 3
# A further topic not named in the title (no term of it there, generic or specific) is a side
# remark, whatever its score: the title says what a story is about. Was two thirds of the
# first one's score; on 816 read articles (the tuners' readings and the four blind sheets)
# body-only further tags were right 23 times and wrong 15 (phones for an Android how-to,
# gadgets and hardware on an Apple event preview, software for Google search facts), while
# further tags named in the title were right 85 times, wrong 6. Read as a share: any finite
# value keeps the right and wrong ones mixed (0.8-1.0: 11 right, 7 wrong).
BODY_SECONDARY_SHARE = math.inf
# A topic with `defers_to` (science) gives way to one of those topics scoring at least this
# share of its own score. Read on the 87 TUNE-half and judged articles where science met
# health-tech or space: right to give way from 0.6 up (emotional eating 0.6, a restless-legs
# study 1.2, embryo editing 1.5), wrong up to 0.56 (CERN naming planets 0.33, an earthquake
# seen by NASA satellites, a fossil bird and green-blooded lizards with malaria 0.5, a
# navigation study that names Alzheimer 0.56, judged science yes and health-tech no).
DEFER_SHARE = 0.6
# When no topic reaches `min_score`, the strongest topic with at least this much specific
# evidence (two body mentions: «المناخ» twice in a climate appeal, «ألعاب الفيديو» and
# «الألعاب الإلكترونية» in a story about games and children's minds) tags alone. Read on the
# untagged TUNE-half technology articles (dev and pool): at 2 it tagged 3 of 10, all right;
# at 1 it added phones to a doomsday-shelter story for one «vivo» and to a security gadget
# for one «هاتف ذكي». The relevance filter does not see this tag (LexiconEvidence.fallback).
FALLBACK_SCORE = 2.0
# A topic's `defers_to_generic` topic (science's health-tech) takes its place on generic words
# alone when they score at least this share of its score and it is the strongest candidate.
# Read on the TUNE half (dev and pool): at 1.5 it moves 6 stories from science to health-tech,
# all medical (water births, stress, sleep and screens, a seafood allergy, diseases from sea
# swimming, how death spreads in the body); at 1.0 also a doomsday seed vault and a Swiss
# food vote (wrong). Science keeps stories its field words make science (fossils, climate):
# they are its specific score. Known verdicts on 936 read articles: 34 -> 31 wrong tags.
DEFER_GENERIC_SHARE = 1.5
# When nothing tags, not even on two specific mentions, a topic named in the title by a
# generic word and met again in the body, with two different generic words of it (so no word
# tags alone: «تجارب» in a football team's trials does not) and at least two body hits (title
# 3 + body 2), tags alone: «أعطال السيارات الجديدة» (سيارات، سيارة، بطارية), «أفضل وضعيات
# النوم» had no topic, a car or sleep being also everyday words. Read on the TUNE half (dev
# and pool, about 1,000 technology articles): it tags 6 untagged stories, 5 right (car faults,
# sleeping positions, supersonic planes, a rare birth, a sick baby's case), 1 wrong (treating
# violence in men: «علاج», «الجروح»), with «الصرف الصحي» (sewage) no longer health; one word
# repeated (dead people's «هواتف», a UFO inquiry's «أجسام طائرة») is not enough. A tie is no
# answer. Like FALLBACK_SCORE, not a feature of the relevance filter.
TITLE_FALLBACK_SCORE = 5.0
# Salience: a topic with no term in the title, none in the first LEAD_WORDS words of the body
# and no term said twice is a passing mention and does not tag (neither as a tag nor as the
# fallback): an audiobook app «available on iOS and Android smartphones» is no phones story,
# a deepfake story that names Reddit and «شبكات التواصل الاجتماعي» once each no social-media
# one. Measured on all 948 blind verdicts (issue 15 topics9): at 60 words 35 -> 32 wrong tags,
# right 897 and covered 883 unchanged (40 words: 5 covered lost; 80: 2 wrong more; scattered
# terms alone, without the lead: 14 right tags lost); on the 2175 pool technology articles 7
# change (untagged 41 -> 46).
LEAD_WORDS = 60


class RelevanceModel(Protocol):
    """A technology-vs-rest model (digest.relevance.TechRelevanceModel)."""

    @property
    def threshold(self) -> float: ...

    def probability(
        self, title: str, text: str, evidence: LexiconEvidence | None = None
    ) -> float: ...


@dataclass(frozen=True)
class LexiconEvidence:
    """What the lexicons found in one article (input to the relevance filter)."""

    topics: tuple[TopicMatch, ...]
    tech_score: float  # weighted hits of generic technology words
    # Topics with a specific (not generic) term in the title: a company, product or
    # platform name there is strong evidence whatever vocabulary the body uses.
    title_topics: tuple[str, ...] = ()
    # The topic of a story no topic reaches the bar for, on weaker specific evidence
    # (FALLBACK_SCORE); only when `topics` is empty. Not a feature of the relevance filter:
    # `topics` stays what the filter was trained on.
    fallback: TopicMatch | None = None
    # Topics left out as passing mentions (LEAD_WORDS: no term in the title or the lead, none
    # said twice), so that `newsdigest why` can say why a named platform did not tag.
    passing: tuple[TopicMatch, ...] = ()

    @property
    def tags(self) -> tuple[TopicMatch, ...]:
        """The article's topics: `topics`, else the fallback topic, else none."""
        if self.topics or self.fallback is None:
            return self.topics
        return (self.fallback,)


class LexiconClassifier:
    """digest.ports.TopicClassifier from the catalogue lexicons, optionally combined with a
    trained relevance model for `is_technology`."""

    def __init__(
        self,
        catalog: TopicCatalog,
        relevance: RelevanceModel | None = None,
        *,
        min_score: float = MIN_TOPIC_SCORE,
        secondary_share: float = SECONDARY_SHARE,
        body_secondary_share: float = BODY_SECONDARY_SHARE,
        defer_share: float = DEFER_SHARE,
        fallback_score: float = FALLBACK_SCORE,
        title_fallback_score: float = TITLE_FALLBACK_SCORE,
        defer_generic_share: float = DEFER_GENERIC_SHARE,
        lead_words: int = LEAD_WORDS,
    ) -> None:
        self.catalog = catalog
        self.relevance = relevance
        self._min_score = min_score
        self._secondary_share = secondary_share
        self._body_secondary_share = body_secondary_share
        self._defer_share = defer_share
        self._fallback_score = fallback_score
        self._title_fallback_score = title_fallback_score
        self._defer_generic_share = defer_generic_share
        self._lead_words = lead_words
        # Generic and specific terms share one group per topic, so that the longest phrase
        # at a position wins ("إنترنت الأشياء" over "إنترنت").
        self._lexicon = _Lexicon(
            {
                topic.slug: topic.lexicon
                + topic.lexicon_generic
                + topic.lexicon_not
                + _sense_phrases(topic)
                for topic in catalog.topics
            }
        )
        self._not = {
            topic.slug: frozenset(topic.lexicon_not + _sense_phrases(topic))
            for topic in catalog.topics
        }
        # The lexicon counts spelling variants of one term under one label: senses compare
        # the compiled words, not the labels.
        self._words = {
            label: _term_words(label)
            for topic in catalog.topics
            for label in (*topic.lexicon, *topic.lexicon_generic, *_sense_phrases(topic))
        }
        self._senses = {
            topic.slug: tuple(
                (
                    frozenset(_term_words(term) for term in terms),
                    frozenset(_term_words(phrase) for phrase in phrases),
                )
                for terms, phrases in topic.lexicon_other_sense
            )
            for topic in catalog.topics
            if topic.lexicon_other_sense
        }
        self._generic = {
            topic.slug: frozenset(topic.lexicon_generic) - frozenset(topic.lexicon)
            for topic in catalog.topics
        }
        self._defers_to = {topic.slug: frozenset(topic.defers_to) for topic in catalog.topics}
        self._title_holds = frozenset(topic.slug for topic in catalog.topics if topic.title_holds)
        self._subject = _Lexicon({topic.slug: topic.subject for topic in catalog.topics})
        self._has_subject = frozenset(topic.slug for topic in catalog.topics if topic.subject)
        self._defers_to_generic = {
            topic.slug: topic.defers_to_generic
            for topic in catalog.topics
            if topic.defers_to_generic
        }
        self._tech = _Lexicon({"": catalog.technology_terms})
        self._forms: dict[str, frozenset[str]] = {}
        self._last: tuple[str, str, LexiconEvidence] | None = None

    def classify(self, title: str, text: str) -> tuple[TopicMatch, ...]:
        """Topics strongest first; terms are the matched lexicon entries, title hits first.
        A topic tags with at least `min_score`, and a topic after the first only with at least
        `secondary_share` of the first one's score; when none does, the strongest with a
        specific score of at least `fallback_score` tags alone, else the one named in the
        title by generic words with at least `title_fallback_score`."""
        return self.evidence(title, text).tags

    def evidence(self, title: str, text: str) -> LexiconEvidence:
        """Topic matches and the generic technology score of one article."""
        last = self._last
        if last is not None and last[0] == title and last[1] == text:
            return last[2]  # the pipeline asks classify() then is_technology()
        found = self._evidence(title, text)
        self._last = (title, text, found)
        return found

    def _evidence(self, title: str, text: str) -> LexiconEvidence:
        if len(self._forms) >= _CACHE_LIMIT:
            self._forms.clear()
        title_forms = _token_forms(title, suffixes=True, cache=self._forms)
        body_forms = _token_forms(text, suffixes=True, cache=self._forms)
        in_title = self._lexicon.count(title_forms)
        in_body = self._lexicon.count(body_forms)
        in_lead = self._lexicon.count(body_forms[: self._lead_words])
        # the topics whose subject (Topic.subject) the article names
        subjects = frozenset((*self._subject.count(title_forms), *self._subject.count(body_forms)))
        candidates: list[tuple[float, TopicMatch]] = []
        weak: list[tuple[float, TopicMatch]] = []  # below min_score, for the fallback
        title_topics = []
        named = []  # topics with any term in the title, generic ones included
        titled: list[TopicMatch] = []  # named in the title by generic words only
        generic_only: dict[str, TopicMatch] = {}  # topics with generic evidence only
        passing: list[TopicMatch] = []  # topics met only in passing (LEAD_WORDS), for `why`
        for topic in self.catalog.topics:
            ignored = self._not[topic.slug] | self._other_sense(
                topic.slug, in_title.get(topic.slug, {}), in_body.get(topic.slug, {})
            )
            title_counts = _without(ignored, in_title.get(topic.slug, {}))
            body_counts = _without(ignored, in_body.get(topic.slug, {}))
            if _has_specific(self._generic[topic.slug], title_counts, {}):
                title_topics.append(topic.slug)
            if title_counts:
                named.append(topic.slug)
            generic = self._generic[topic.slug]
            if not title_counts and _passing(
                body_counts, _without(ignored, in_lead.get(topic.slug, {}))
            ):
                score, terms = _score(title_counts, body_counts)
                # only what could have tagged is worth explaining: a specific term, two hits
                if score >= self._fallback_score and _has_specific(generic, {}, body_counts):
                    shown = tuple(_surface(term, title, text) for term in terms)
                    passing.append(TopicMatch(topic.slug, score, shown))
                continue
            if not _has_specific(generic, title_counts, body_counts):
                score, terms = _score(title_counts, body_counts)
                if score >= self._min_score:
                    shown = tuple(_surface(term, title, text) for term in terms)
                    generic_only[topic.slug] = TopicMatch(topic.slug, score, shown)
                if (
                    title_counts
                    and score >= self._title_fallback_score
                    and sum(body_counts.values()) >= 2
                    and len(terms) >= 2
                ):
                    shown = tuple(_surface(term, title, text) for term in terms)
                    titled.append(TopicMatch(topic.slug, score, shown))
                continue  # generic words alone never tag, save as `_title_fallback`
            score, terms = _score(title_counts, body_counts)
            specific, _ = _score(_without(generic, title_counts), _without(generic, body_counts))
            if score >= self._min_score or specific >= self._fallback_score:
                shown = tuple(_surface(term, title, text) for term in terms)
                found = (specific, TopicMatch(topic.slug, score, shown))
                (candidates if score >= self._min_score else weak).append(found)
        candidates = self._taken_over(candidates, generic_only, frozenset(named))
        matches = self._chosen(
            self._undeferred(candidates, subjects, frozenset(title_topics), frozenset(named)),
            frozenset(named),
        )
        fallback = None
        if not matches and weak:
            # the fallback gives way like a tag does: a standing-at-work study's two research
            # words are no science story when its health words outweigh them (48f)
            weak = self._taken_over(weak, generic_only, frozenset())
            fallback = self._chosen(self._undeferred(weak, subjects), frozenset())[0]
        if not matches and fallback is None:
            fallback = _title_fallback(titled)
        tech_score, _ = _score(
            self._tech.count(title_forms).get("", {}), self._tech.count(body_forms).get("", {})
        )
        return LexiconEvidence(
            tuple(matches), tech_score, tuple(title_topics), fallback, tuple(passing)
        )

    def _other_sense(
        self, slug: str, title_counts: Mapping[str, int], body_counts: Mapping[str, int]
    ) -> frozenset[str]:
        """The matched labels of the topic that a phrase of `Topic.lexicon_other_sense`, met
        in the title or the body, shows to be used in another sense in this article."""
        senses = self._senses.get(slug)
        if not senses:
            return frozenset()
        found = {label: self._words.get(label) for label in (*title_counts, *body_counts)}
        voided: set[str] = set()
        for terms, phrases in senses:
            if any(words in phrases for words in found.values()):
                voided.update(label for label, words in found.items() if words in terms)
        return frozenset(voided)

    def _taken_over(
        self,
        candidates: Sequence[tuple[float, TopicMatch]],
        generic_only: Mapping[str, TopicMatch],
        in_title: frozenset[str],
    ) -> list[tuple[float, TopicMatch]]:
        """The candidates, plus a `defers_to_generic` topic met in generic words only when
        it scores at least `defer_generic_share` of the strongest candidate's score and that
        candidate defers to it (which `_undeferred` then applies): a sleep study's «النوم»
        and «الأطباء» outweigh science's «باحثون»."""
        ranked = self._chosen(candidates, in_title)
        if not ranked:
            return list(candidates)
        first = ranked[0]
        for other in self._defers_to_generic.get(first.topic, ()):
            found = generic_only.get(other)
            if found is not None and found.score >= self._defer_generic_share * first.score:
                return [*candidates, (0.0, found)]
        return list(candidates)

    def _undeferred(
        self,
        candidates: Sequence[tuple[float, TopicMatch]],
        subjects: frozenset[str],
        in_title: frozenset[str] = frozenset(),
        named: frozenset[str] = frozenset(),
    ) -> list[tuple[float, TopicMatch]]:
        """The candidates without those that defer (`Topic.defers_to`) to a candidate with
        at least `defer_share` of their score: a study about a disease is health-tech, not
        also science, even when its research words give science the higher score; a science
        story that names a disease or NASA in passing stays science. A `title_holds` topic
        with a specific term in the title (`in_title`) gives way only to one the title names
        too (`named`, generic words included: «تحمي الهواتف» in an inventor's story). A topic
        whose subject (`Topic.subject`) the article names (`subjects`) keeps its place against
        one with a subject the article does not name."""
        score = {match.topic: match.score for _, match in candidates}

        def gives_way(topic: str, other: str) -> bool:
            if topic in self._title_holds and topic in in_title and other not in named:
                return False
            if topic in subjects and other in self._has_subject and other not in subjects:
                return False
            return score.get(other, 0.0) >= self._defer_share * score[topic]

        return [
            pair
            for pair in candidates
            if not any(
                gives_way(pair[1].topic, other) for other in self._defers_to.get(pair[1].topic, ())
            )
        ]

    def _chosen(
        self, candidates: Sequence[tuple[float, TopicMatch]], in_title: frozenset[str]
    ) -> list[TopicMatch]:
        """The tags among (specific score, match) candidates, strongest first.

        Topics named in the title (`in_title`) come first: a Telegram outage story that
        compares Amazon's, Google's and Apple's outages in its body is a social-media story,
        not a big-tech one. Then ranked by the score in which generic words count at most as
        much as the specific terms (then the whole score): generic words («مستخدمين»,
        «الخدمة», «هاتف») say little about what a story is about, so they may support a topic
        but not make it the story's main one. A further topic tags only
        - with a specific score of `min_score` of its own (a specific term in the title, or
          three in the body): a topic that needs generic words to pass the bar is a side
          remark (researchers and a university in a security story, a phone in a WhatsApp
          how-to);
        - with at least `secondary_share` of the first one's score when a term of it (a
          generic one too: «ثغرة» in «فيسبوك تصلح ثغرة») is in the title (`in_title`), else
          `body_secondary_share` (by default never): the title says what the story is about,
          a topic met only in the body is a side remark (phones in an Android how-to of a
          Snapchat story, gadgets on an Apple event preview)."""
        ranked = sorted(
            candidates,
            key=lambda pair: (
                pair[1].topic not in in_title,
                -min(pair[1].score, 2 * pair[0]),
                -pair[1].score,
                pair[1].topic,
            ),
        )
        if not ranked:
            return []
        first = ranked[0][1]
        return [first] + [
            match
            for specific, match in ranked[1:]
            if specific >= self._min_score
            and match.score
            >= first.score
            * (self._secondary_share if match.topic in in_title else self._body_secondary_share)
        ]

    def technology_probability(self, title: str, text: str) -> float | None:
        """The relevance model's probability that the article is about technology (None
        without a model), e.g. for `newsdigest why`."""
        if self.relevance is None:
            return None
        return self.relevance.probability(title, text, self.evidence(title, text))

    def is_technology(self, title: str, text: str) -> bool:
        """Trained model when one is configured (see digest.relevance); otherwise any
        catalogue topic matched."""
        evidence = self.evidence(title, text)
        if self.relevance is not None:
            probability = self.relevance.probability(title, text, evidence)
            return probability >= self.relevance.threshold
        return bool(evidence.topics)


def _sense_phrases(topic: Topic) -> tuple[str, ...]:
    """The phrases of the topic's `lexicon_other_sense`."""
    return tuple(phrase for _, phrases in topic.lexicon_other_sense for phrase in phrases)


def _title_fallback(titled: Sequence[TopicMatch]) -> TopicMatch | None:
    """The strongest of the topics named in the title by generic words only, or None when
    there is none or two share the highest score (TITLE_FALLBACK_SCORE)."""
    ranked = sorted(titled, key=lambda match: -match.score)
    if not ranked or (len(ranked) > 1 and ranked[1].score == ranked[0].score):
        return None
    return ranked[0]


def _passing(body_counts: Mapping[str, int], lead_counts: Mapping[str, int]) -> bool:
    """Whether a topic absent from the title is met only in passing in the body: no term of it
    in the lead (`lead_counts`) and none said twice (LEAD_WORDS)."""
    return not lead_counts and max(body_counts.values(), default=0) < 2


def _has_specific(
    generic: frozenset[str], title_counts: Mapping[str, int], body_counts: Mapping[str, int]
) -> bool:
    """Whether a term that is not generic matched, in the title or the body."""
    return any(term not in generic for term in (*title_counts, *body_counts))


def _without(terms: frozenset[str], counts: Mapping[str, int]) -> dict[str, int]:
    """The counts of the other terms only."""
    return {term: count for term, count in counts.items() if term not in terms}


def _score(
    title_counts: Mapping[str, int], body_counts: Mapping[str, int]
) -> tuple[float, list[str]]:
    weights: dict[str, float] = {}
    for term, count in title_counts.items():
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT * min(count, 1)
    for term, count in body_counts.items():
        weights[term] = weights.get(term, 0.0) + float(min(count, BODY_CAP))
    ranked = sorted(weights, key=lambda term: (term not in title_counts, -weights[term], term))
    return sum(weights.values()), ranked


def _surface(term: str, title: str, text: str) -> str:
    """A Latin term as the article spells it ("DeepSeek", not "deepseek")."""
    if term.endswith("*"):
        return term.rstrip("*") + "…"
    if not _is_latin(normalize(term)):
        return term
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z])", re.IGNORECASE)
    found = pattern.search(title) or pattern.search(text)
    return found.group(0) if found else term


# --- subscriptions ----------------------------------------------------------------------

ALL_TECHNOLOGY = "all-technology"


def subscription_reasons(
    topics: frozenset[str],
    keywords: frozenset[str],
    article_topics: tuple[TopicMatch, ...],
    title: str,
    text: str,
) -> tuple[str, ...]:
    """Why an (already technology-filtered) article matches a chat's subscriptions.

    Returns "topic:<slug>" for each subscribed topic the article has (in the article's
    order, strongest first) and "kw:<keyword>" for each keyword found in title or text
    (sorted). Empty means no match. A chat with neither topics nor keywords follows all
    technology: the result is ("all-technology",).
    """
    if not topics and not keywords:
        return (ALL_TECHNOLOGY,)
    reasons = [f"topic:{match.topic}" for match in article_topics if match.topic in topics]
    if keywords:
        found = keyword_hits(keywords, title, text)
        reasons.extend(f"kw:{keyword}" for keyword in found)
    return tuple(dict.fromkeys(reasons))


def keyword_hits(keywords: Iterable[str], title: str, text: str) -> tuple[str, ...]:
    """The keywords (as given) that occur in title or text, sorted. Arabic keywords match
    with attached prefixes (و ف ب ك ل ال ...); Latin ones as whole words, any case."""
    # A ``/…/`` term is a pattern (digest.patterns), never a literal keyword.
    labels = {label: _clean_keyword(label) for label in keywords if not is_pattern(label)}
    lexicon = _Lexicon({"": [cleaned for cleaned in labels.values() if cleaned]})
    cache: dict[str, frozenset[str]] = {}
    found = set(lexicon.count(_token_forms(title, suffixes=False, cache=cache)).get("", {}))
    found |= set(lexicon.count(_token_forms(text, suffixes=False, cache=cache)).get("", {}))
    # The lexicon counts spelling variants of one term once, under the first of them
    # ("أبل" and "ابل" of two chats): every label with the same words was found too.
    words = {cleaned: _term_words(cleaned) for cleaned in labels.values() if cleaned}
    found_words = {words[cleaned] for cleaned in found}
    return tuple(
        sorted(
            label
            for label, cleaned in labels.items()
            if cleaned and (cleaned in found or words[cleaned] in found_words)
        )
    )


def _term_words(keyword: str) -> tuple[_Word, ...] | None:
    term = _compile_term(keyword)
    return term.words if term is not None else None


def _clean_keyword(keyword: str) -> str:
    # A user keyword is literal: "*" is not a stem marker and "#" is decoration.
    return keyword.replace("*", " ").replace("#", " ").strip()
