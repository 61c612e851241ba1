"""What a heading says about its section: a question, a how-to, or neither.

Used by the FAQ reader (which headings are questions) and the documentation converter (which
sections can honestly become an instruction). Verb forms come from lemminflect's lexicon, not
from suffix rules.
"""

from __future__ import annotations

import re

from lemminflect import getAllLemmas

INTERROGATIVES = frozenset(
    {
        "how",
        "what",
        "what's",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "can",
        "could",
        "should",
        "is",
        "are",
        "do",
        "does",
        "did",
        "will",
        "would",
        "may",
        "must",
        "shall",
        "has",
        "have",
        "am",
        "was",
        "were",
    }
)
WH_WORDS = frozenset(
    {"how", "what", "what's", "why", "when", "where", "which", "who", "whom", "whose"}
)
_SUBJECTS = frozenset(
    {
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "my",
        "your",
        "our",
        "their",
        "its",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "there",
        "any",
        "some",
        "all",
    }
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_PARTICLES = frozenset({"up", "out", "off", "down", "over", "back"})
_DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "one",
        "your",
        "my",
        "our",
        "this",
        "that",
        "these",
        "those",
        "each",
        "every",
        "all",
        "some",
        "any",
        "multiple",
        "several",
        "two",
        "new",
    }
)
_SECOND_PERSON = {"your": "my", "yours": "mine", "yourself": "myself"}


def starts_with_question_word(heading: str) -> bool:
    first = _WORD.match(heading.strip())
    return first is not None and first.group().lower() in INTERROGATIVES


def is_question(heading: str) -> bool:
    """Ends with "?", or opens like a question. A question word such as "how" suffices; an
    auxiliary ("Do", "Can") must be followed by its subject: "Does Redis support TLS" asks,
    "Do not use KEYS in production" instructs."""
    text = heading.strip()
    if text.endswith("?"):
        return True
    words = _WORD.findall(text)
    if not words or words[0].lower() not in INTERROGATIVES:
        return False
    if words[0].lower() in WH_WORDS:
        return True
    return len(words) > 1 and (words[1].lower() in _SUBJECTS or words[1][0].isupper())


def _verb_base(word: str) -> str | None:
    lemmas = getAllLemmas(word.lower())
    verbs = lemmas.get("VERB")
    return verbs[0] if verbs else None


def howto_phrase(heading: str) -> str | None:
    """The task a how-to heading names, as a verb phrase in base form, or None.

    ``Configuring replication`` gives ``configure replication``; ``Create a stream`` gives
    ``create a stream``. A one-word heading or a first word that is also a noun
    (``Monitor``, ``Limits``) is not taken as a task: better to skip a section than to invent a
    question it does not answer."""
    text = heading.strip().rstrip(".:")
    words = text.split()
    if len(words) < 2 or not _WORD.fullmatch(words[0]):
        return None
    first = words[0].lower()
    base = _verb_base(first)
    if base is None:
        return None
    lemmas = getAllLemmas(first)
    is_gerund = first.endswith("ing") and first != base
    only_a_verb = "NOUN" not in lemmas and "ADJ" not in lemmas
    # "Set up TLS", "Upgrade one node": a particle or a determiner after a word that can be
    # a noun or a verb makes it the verb.
    verb_shaped = words[1].lower() in _PARTICLES | _DETERMINERS
    is_imperative = first == base.lower() and (only_a_verb or verb_shaped)
    if is_gerund and (words[1].lower() == "of" or ("NOUN" in lemmas and not verb_shaped)):
        return None  # "Handling of info fields", "Mailing list": a noun phrase, not a task
    if not (is_gerund or is_imperative):
        return None
    rest = [_SECOND_PERSON.get(word.lower(), word) for word in words[1:]]
    return " ".join([base.lower(), *rest])


def with_subject(phrase: str, subject: str | None) -> str:
    """Add the product a page documents when the phrase does not name it already."""
    if subject and subject.lower() not in phrase.lower():
        return f"{phrase} in {subject}"
    return phrase
