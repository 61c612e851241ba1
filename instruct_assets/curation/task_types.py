"""Task types: what an instruction asks for, decided by transparent, ordered rules.

The taxonomy covers the kinds of instruction data worth balancing. Each rule is a regular
expression over the lower-cased instruction (and, for a few, the input or the response); the
first rule that matches decides, and its name and confidence are recorded beside the label, so
a wrong label can be traced to the rule that gave it. Vectorised: one ``when/then`` chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import polars as pl

TaskType = Literal[
    "refusal",
    "translate",
    "summarize",
    "code",
    "math_reasoning",
    "classify",
    "extract",
    "rewrite",
    "brainstorm",
    "creative_writing",
    "explain",
    "closed_qa",
    "open_qa",
    "other",
]
TASK_TYPES: tuple[str, ...] = get_args(TaskType)


@dataclass(frozen=True, slots=True)
class TaskRule:
    name: str
    task_type: str
    pattern: str
    confidence: float
    field: str = "instruction"


_LANGUAGES = (
    "english|french|spanish|german|italian|portuguese|dutch|russian|chinese|mandarin|japanese|"
    "korean|arabic|hindi|turkish|polish|swedish|greek|latin|hebrew|vietnamese|indonesian"
)
_CODE_WORDS = (
    r"python|javascript|typescript|java\b|c\+\+|c#|golang|rust\b|ruby|php|sql|bash|shell script|"
    r"html|css|regex|regular expression|json|yaml|function|method|class\b|script|program|"
    r"algorithm|code|snippet|api\b|query|unit test"
)
_OPENING = r"^(?:please\s+|can you\s+|could you\s+|now\s+)?"

_LIST_OBJECTS = (
    r"list|checklist|ideas|names|titles|tips|ways|suggestions|examples|words|questions|options|"
    r"alternatives|synonyms|antonyms|adjectives|verbs|nouns|activities|items|things|reasons|"
    r"strategies|steps|benefits|features|uses|topics|hobbies|games|places|foods|books|movies|"
    r"keywords|prompts|recipes"
)
_CREATIVE_OBJECTS = (
    r"poem|haiku|story|stories|song|lyrics|limerick|sonnet|essay|letter|slogan|tweet|dialogue|"
    r"script|speech|joke|tagline|toast|fable|tale|blog post|article|review|email|narrative|"
    r"headline|title|caption|motto|riddle|metaphor|simile|sentence|paragraph|description|"
    r"character|plot|scene|invitation|advertisement|ad\b|jingle|rap|verse|anecdote|analogy"
)
_EDIT_VERBS = (
    r"rewrite|rephrase|paraphrase|reword|edit|proofread|revise|delete|remove|replace|insert|"
    r"combine|merge|reorder|rearrange the (?:words|sentence)|capitali[sz]e|punctuate|shorten|"
    r"expand|simplify|correct|fix|change|transform|convert|turn|make (?:it|this|the)"
)

RULES: tuple[TaskRule, ...] = (
    TaskRule(
        "translate_verb",
        "translate",
        rf"\btranslat(?:e|ion)\b|\blocali[sz]e\b|\binto (?:{_LANGUAGES})\b"
        rf"|\b(?:{_LANGUAGES}) (?:equivalent|translation|word for|version)\b|\bhow do you say\b"
        rf"|\bin (?:{_LANGUAGES})[?.]?$",
        0.95,
    ),
    TaskRule(
        "summarize_verb",
        "summarize",
        r"\bsummar(?:y|ies|ise|ize|ising|izing)\b|\btl;?dr\b|\bgist\b|\bcondense\b"
        r"|\bmain (?:idea|points?)\b",
        0.9,
    ),
    TaskRule(
        "code_request",
        "code",
        rf"\b(?:write|create|implement|generate|debug|fix|refactor|optimi[sz]e|complete|convert|"
        rf"edit|design|develop|build|construct|suggest)\b.*\b(?:{_CODE_WORDS})\b"
        rf"|\b(?:python|javascript|java|c\+\+|sql|html|css|regex|bash)\b",
        0.85,
    ),
    TaskRule("code_response", "code", r"```", 0.6, field="response"),
    TaskRule(
        "classify_verb",
        "classify",
        r"\b(?:classify|categori[sz]e|label (?:the|each|this)|sentiment|true or false|yes or no|"
        r"which (?:category|class|type|group|genre)|identify (?:whether|if)|"
        r"(?:determine|decide|detect|tell|check|judge|predict|evaluate) (?:if|whether)|"
        r"output (?:true|false|yes|no)|is (?:this|the following|it) (?:a|an) "
        r"(?:positive|negative|fact|opinion|statement|question)|"
        r"identify (?:the )?(?:type|genre|tone|category|sentiment|mood|class|kind|"
        r"part of speech))\b",
        0.85,
    ),
    TaskRule(
        "extract_verb",
        "extract",
        r"\b(?:extract|pull out|find all|(?:find|select|pick|identify|list|highlight|underline) "
        r"(?:all |the |a |any |every )?(?:words?|sentences?|nouns?|verbs?|adjectives?|adverbs?|"
        r"phrases?|names?|dates?|numbers?|entities|keywords?|people|places|locations)\b.{0,40}"
        r"\b(?:in|from) (?:the|this|each|given|following))\b",
        0.85,
    ),
    TaskRule(
        "math_expression",
        "math_reasoning",
        r"\d\s*[-+*/x\u00d7\u00f7^]\s*\d|\b(?:calculate|compute|solve|evaluate the expression|"
        r"simplify the expression|factor|derivative|integral|equation|probability|percent(?:age)?|"
        r"average|mean|median|how many|how much|sum of|product of|square root|"
        r"convert .{0,30}\b(?:kilograms?|pounds?|miles?|kilometers?|km|meters?|feet|inches|"
        r"celsius|fahrenheit|units?|liters?|gallons?|ounces?|grams?|hours?|minutes?|seconds?)|"
        r"largest number|smallest number|round (?:the|this) number)\b",
        0.8,
    ),
    TaskRule(
        "rewrite_verb",
        "rewrite",
        rf"^(?:please\s+)?(?:{_EDIT_VERBS})\b|\b(?:rewrite|rephrase|paraphrase|reword|proofread)\b"
        r"|\bin (?:the )?(?:passive|active) voice\b|\bmore (?:formal|polite|concise)\b"
        r"|\bless formal\b|\bcorrect the (?:grammar|spelling|sentence)\b",
        0.85,
    ),
    TaskRule(
        "brainstorm_list",
        "brainstorm",
        rf"\b(?:brainstorm|come up with|think of|suggest|recommend|list|give (?:me )?|name|"
        rf"generate|create|make|compile|provide|find|write)\b.{{0,30}}\b(?:{_LIST_OBJECTS})\b"
        r"|\bideas? for\b|\bbrainstorm\b",
        0.8,
    ),
    TaskRule(
        "creative_verb",
        "creative_writing",
        rf"\b(?:write|compose|create|draft|pen|come up with|generate|make up|invent|craft)\b"
        rf".{{0,40}}\b(?:{_CREATIVE_OBJECTS})\b",
        0.85,
    ),
    TaskRule(
        "explain_verb",
        "explain",
        rf"{_OPENING}(?:explain|describe|discuss|compare|contrast|elaborate|outline|analy[sz]e|"
        r"evaluate|assess|critique|interpret|define|illustrate|tell me (?:about|why|how|something)|"
        r"what (?:is|are) the (?:difference|differences|benefits|advantages|disadvantages|pros|"
        r"cons|causes|effects|purpose|importance|impact)|why (?:is|are|do|does|did|should)|"
        r"how (?:does|do|did|can|is|are|would|could|should))\b|\bexplain\b",
        0.8,
    ),
    TaskRule("suggest_verb", "brainstorm", r"^(?:please\s+)?(?:suggest|recommend|propose)\b", 0.7),
    TaskRule(
        "write_text", "creative_writing", r"^(?:please\s+)?(?:write|compose|draft|pen)\b", 0.5
    ),
    TaskRule(
        "generic_generation",
        "other",
        r"^(?:please\s+)?(?:create|generate|construct|design|develop|produce|make|build|plan)\b",
        0.4,
    ),
    TaskRule(
        "question_over_input",
        "closed_qa",
        r"\?\s*$|^(?:what|which|who|when|where|how|why|answer|based on|according to|given)\b",
        0.6,
    ),
    TaskRule(
        "open_question",
        "open_qa",
        r"\?\s*$|^(?:what|which|who|whom|whose|when|where|how|why|is|are|can|could|should|"
        r"do|does|did|will|would|name|give|tell|list|state|identify|find|provide|choose|"
        r"estimate|print|output|recommend)\b",
        0.6,
    ),
)


def _rule_matches(rule: TaskRule) -> pl.Expr:
    text = pl.col(rule.field).str.to_lowercase()
    if rule.field == "instruction":
        text = pl.col("instruction").str.to_lowercase().str.strip_chars()
    matched = text.str.contains(rule.pattern)
    if rule.task_type == "closed_qa":
        matched = matched & (pl.col("input").str.strip_chars() != "")
    if rule.task_type == "open_qa":
        matched = matched & (pl.col("input").str.strip_chars() == "")
    return matched.fill_null(False)


def label_task_types(frame: pl.DataFrame, is_refusal: pl.Expr) -> pl.DataFrame:
    """``task_type``, ``task_rule`` and ``task_confidence`` for every row of ``frame``.

    ``is_refusal`` comes from the refusal signal: a response that declines is a refusal
    example whatever was asked."""
    label = pl.when(is_refusal).then(pl.lit("refusal"))
    rule_name = pl.when(is_refusal).then(pl.lit("refusal_response"))
    confidence = pl.when(is_refusal).then(pl.lit(0.9))
    for rule in RULES:
        matched = _rule_matches(rule)
        label = label.when(matched).then(pl.lit(rule.task_type))
        rule_name = rule_name.when(matched).then(pl.lit(rule.name))
        confidence = confidence.when(matched).then(pl.lit(rule.confidence))
    return frame.select(
        label.otherwise(pl.lit("other")).alias("task_type"),
        rule_name.otherwise(pl.lit("no_rule")).alias("task_rule"),
        confidence.otherwise(pl.lit(0.3)).alias("task_confidence"),
    )
