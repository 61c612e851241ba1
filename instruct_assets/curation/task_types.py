"""Task types: what an instruction asks for, decided by transparent, ordered rules.

The taxonomy covers the kinds of instruction data worth balancing. Each rule is a regular
expression over the lower-cased instruction (and, for a few, the input or the response); the
first rule that matches decides, and its name and confidence are recorded beside the label, so
a wrong label can be traced to the rule that gave it. Vectorised: one ``when/then`` chain.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

TASK_TYPES = (
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
)


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

RULES: tuple[TaskRule, ...] = (
    TaskRule(
        "translate_verb",
        "translate",
        rf"\btranslat(?:e|ion)\b|\blocali[sz]e\b|\binto (?:{_LANGUAGES})\b"
        rf"|\b(?:{_LANGUAGES}) (?:equivalent|"
        rf"translation|word for|version)\b|\bhow do you say\b|\bin (?:{_LANGUAGES})[?.]?$",
        0.95,
    ),
    TaskRule(
        "summarize_verb",
        "summarize",
        r"\bsummar(?:y|ies|ise|ize|ising|izing)\b|\btl;?dr\b|\bgist\b|\bcondense\b",
        0.9,
    ),
    TaskRule("code_response", "code", r"```", 0.6, field="response"),
    TaskRule(
        "code_request",
        "code",
        rf"\b(?:write|create|implement|generate|debug|fix|refactor|optimi[sz]e|complete|"
        rf"convert|edit)\b.*\b(?:{_CODE_WORDS})\b",
        0.85,
    ),
    TaskRule(
        "math_expression",
        "math_reasoning",
        r"\d\s*[-+*/x\u00d7\u00f7^]\s*\d|\b(?:calculate|compute|solve|evaluate|simplify|factor|"
        r"derivative|integral|equation|probability|percent(?:age)?|average|mean|median|"
        r"how many|how much|sum of|product of|square root)\b",
        0.8,
    ),
    TaskRule(
        "classify_verb",
        "classify",
        r"\b(?:classify|categori[sz]e|label|sentiment|is (?:this|the following|it) "
        r"(?:a|an|positive|negative|true|false|correct)|true or false|yes or no|"
        r"which (?:category|class|type|group)|identify (?:whether|if)|determine (?:whether|if))\b",
        0.85,
    ),
    TaskRule(
        "extract_verb",
        "extract",
        r"\b(?:extract|pull out|find all|list (?:all|every)\b.*\b(?:in|from) the "
        r"(?:text|passage|paragraph|article|sentence|input|email)|identify (?:the|all) "
        r"(?:names?|dates?|entities|keywords?|people|places|numbers?|verbs?|nouns?|adjectives?))\b",
        0.85,
    ),
    TaskRule(
        "rewrite_verb",
        "rewrite",
        r"\b(?:rewrite|rephrase|paraphrase|reword|edit|proofread|correct the|fix the grammar|"
        r"make (?:it|this|the (?:sentence|text|paragraph)) (?:more|less|shorter|longer)|"
        r"simplify|shorten|change the (?:tone|tense|voice)|convert (?:the|this) "
        r"(?:sentence|text|paragraph)|in (?:the )?(?:passive|active) voice|more formal|"
        r"less formal)\b",
        0.85,
    ),
    TaskRule(
        "brainstorm_verb",
        "brainstorm",
        r"\b(?:brainstorm|come up with|suggest|ideas? for|list (?:some|several|a few|\d+|"
        r"three|five|ten|ways|tips|ideas|reasons|examples)|give (?:me )?(?:some|\d+|three|"
        r"five|a few) (?:ideas|ways|tips|suggestions|examples|reasons)|generate (?:a list|"
        r"\d+|some|ideas))\b",
        0.8,
    ),
    TaskRule(
        "creative_verb",
        "creative_writing",
        r"\b(?:write|compose|create|draft|pen)\b.{0,40}\b(?:poem|haiku|story|stories|song|"
        r"lyrics|limerick|sonnet|essay|letter|slogan|tweet|dialogue|script|speech|joke|"
        r"tagline|toast|fable|tale|blog post|article|description|review|email|narrative)\b",
        0.85,
    ),
    TaskRule(
        "explain_verb",
        "explain",
        rf"{_OPENING}(?:explain|describe|discuss|compare|contrast|elaborate|outline|"
        r"tell me (?:about|why|how)|what (?:is|are) the (?:difference|differences|benefits|"
        r"advantages|disadvantages|pros|cons|causes|effects|purpose)|why (?:is|are|do|does|did)|"
        r"how (?:does|do|did|can|is|are))\b",
        0.8,
    ),
    TaskRule(
        "generate_text",
        "creative_writing",
        r"^(?:please\s+)?(?:write|compose|draft|create|generate|construct|design|develop|"
        r"produce|make up|invent)\b",
        0.5,
    ),
    TaskRule(
        "analyze_verb",
        "explain",
        r"^(?:please\s+)?(?:analy[sz]e|evaluate|assess|critique|interpret|define|illustrate)\b",
        0.6,
    ),
    TaskRule(
        "question_over_input", "closed_qa", r"\?\s*$|^(?:what|which|who|when|where|how|why)\b", 0.6
    ),
    TaskRule(
        "open_question",
        "open_qa",
        r"\?\s*$|^(?:what|which|who|whom|whose|when|where|how|why|is|are|can|could|should|"
        r"do|does|did|will|would|name|give|tell|list|state|identify|find)\b",
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
