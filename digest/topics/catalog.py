"""The topic catalogue: `Topic`, `TopicCatalog`, alias resolution and config/topics.yaml
loading and validation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..arabic import normalize
from ..defaults import config_dir
from ..errors import ConfigError
from .lexicon import _compile_term


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
