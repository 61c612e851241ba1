"""Phrases and shapes that reveal a defect, as regular expressions (Rust syntax, for Polars).

Kept apart from the code that applies them so they can be reviewed and extended on their own.
All are matched against lower-cased text unless noted.
"""

from __future__ import annotations

PLACEHOLDER_TAG = r"^<[^<>\n]{1,40}>$"
"""A response that is only a tag such as ``<output audio>``: the generator had nothing to say."""
PLACEHOLDER_RESPONSES = (
    "",
    "n/a",
    "na",
    "nan",
    "none",
    "null",
    "nil",
    "-",
    "--",
    "...",
    "tbd",
    "todo",
    "no output",
    "<nooutput>",
    "<no output>",
    "no answer",
    "not applicable",
    "no response",
    "<noinput>",
    "output",
    "answer",
    "response",
)

# A refusal declines at the start of the response, and declines to *do* something: "I can't
# help with that", not "I can't believe it!".
DECLINE = (
    r"(?:can't|cannot|can not|won't|will not|am not able to|'m not able to|am unable to|"
    r"'m unable to|must decline to|have to decline to|don't feel comfortable|"
    r"do not feel comfortable|shouldn't|should not|refuse to|am not allowed to|'m not allowed to)"
)
_HELP_VERB = (
    r"(?:help|assist|provide|give|share|write|create|generate|produce|do|comply|fulfil|fulfill|"
    r"complete|perform|answer|support|engage|recommend|offer|make|find|access|browse|play|set|"
    r"send|book|order|call|show|tell|disclose|reveal|look up|track|hack|participate|encourage|"
    r"condone|facilitate)"
)
REFUSAL = (
    r"^(?:(?:i'm sorry|i am sorry|sorry|i apologi[sz]e|unfortunately|i'm afraid|i am afraid)"
    r"[,.!]?\s*(?:but\s+)?)?(?:i|we)\s+" + DECLINE + r"\s+(?:\w+\s+){0,2}?" + _HELP_VERB + r"\b"
    r"|^(?:i'm sorry|i am sorry|sorry|i apologi[sz]e)[,.!]?\s+(?:but\s+)?(?:that|this) "
    r"(?:request |is )?(?:is )?(?:not (?:something|appropriate|possible)|against)"
)
REFUSAL_POLITE = r"\b(?:sorry|apologi[sz]e|unfortunately|afraid|understand|appreciate)\b"
REFUSAL_ALTERNATIVE = (
    r"\b(?:instead|alternatively|i can help|i'd be happy to|i would be happy to|happy to help|"
    r"i can (?:suggest|offer|explain|share|point you|help you)|you (?:could|might|may want to|can)|"
    r"consider|here (?:is|are|'s)|a (?:safer|better|legal|legitimate) (?:way|option|approach)|"
    r"if you(?:'d| would)? like|reach out to|contact|consult|please (?:use|try|see|visit|"
    r"report|email|call|talk|speak|ask)|email|hotline|helpline|support team)\b"
)

# The assistant talking about itself, not text about AI: "As an AI language model, I ...".
ASSISTANT_BOILERPLATE = (
    r"\bas an? (?:ai|artificial intelligence)(?: language)?(?: model| assistant)?,? (?:i|my)\b"
    r"|\bas a (?:large )?language model,? (?:i|my)\b|\bi am an ai\b|\bi'm an ai\b"
    r"|\bi (?:do not|don't) have (?:personal )?(?:opinions|feelings|emotions|beliefs|experiences|"
    r"preferences|a physical)\b|\bmy (?:training data|knowledge cutoff|knowledge cut-off)\b"
    r"|\bi (?:cannot|can't|am unable to) (?:browse|access) the internet\b"
)

# Something the example points at but does not contain.
_MEDIA = (
    r"image|picture|photo|photograph|video|audio|recording|diagram|chart|graph|screenshot|figure|"
    r"painting|illustration|attachment|attached file|pdf|spreadsheet|slide|map"
)
UNSEEN_REFERENCE = (
    rf"\b(?:this|these|that|above|below|attached|following|given|provided)\s+(?:{_MEDIA})s?\b"
    rf"|\b(?:{_MEDIA})s?\s+(?:above|below|attached|provided|shown)\b"
    r"|\battached\b|\b(?:this|the following|the given|the provided) (?:link|url|website|web page|"
    r"webpage)\b"
)
URL = r"https?://|\bwww\.[a-z0-9-]+\."
URL_ONLY = r"^\s*(?:https?://|www\.)\S+\s*$"

# "1. Write a poem. 2. Translate ..." : numbered items that each open a sentence with an
# imperative (two more words at least: "1) Process" is a label, not a task). Groups: the first
# word and the next one; a word that is also a noun counts as a verb when an object follows.
NUMBERED_ITEM = r"(?:^|\s)\d+[.)]\s*([A-Za-z]+)\s+(\S+)\s+\S+"
VERB_OBJECT_START = (
    r"^(?:a|an|the|this|that|these|those|some|any|each|every|all|my|your|its|their|\d+|one|two|"
    r"three|four|five|ten|[\"'\u201c\u2018])"
)

SECRET = (
    r"\bakia[0-9a-z]{16}\b|\bsk-[a-z0-9_-]{20,}|\bghp_[a-z0-9]{36}\b|\bxox[abpr]-[a-z0-9-]{10,}"
    r"|-----begin (?:rsa |ec |dsa |openssh |pgp )?private key-----"
    r"|\beyj[a-z0-9_-]{10,}\.eyj[a-z0-9_-]{10,}\."
)
PASSWORD_VALUE = r"\b(?:password|passwd|pwd|passphrase)\s*[:=]\s*[\"']?([^\s\"']{8,})"
PASSWORD_PLACEHOLDER = r"your|example|changeme|password|secret|xxx|\*\*\*|<|\{|\$"

EMAIL = r"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b"
EXAMPLE_EMAIL = r"@(?:example\.(?:com|org|net)|domain\.com|email\.com|company\.com)\b"
PHONE = (
    r"(?:\+\d{1,3}[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
    r"|\+\d{1,3}(?:[\s.-]?\d{2,4}){3,4}\b"
)

# Text that ends a sentence, a list item, a code block or a quotation.
# The instruction itself asks for a very short answer.
ASKS_FOR_BREVITY = (
    r"\b(?:in|with|using|to) (?:one|two|three|four|five|a single|a few|\d+)"
    r"(?:\s*(?:-|to)\s*\d+)? words?\b"
    r"|\bone[- ]word\b|\bsingle word\b|\bin (?:a|one) (?:short |single )?(?:sentence|phrase|line)\b"
    r"|\bbriefly\b|\bshort answer\b|\byes or no\b|\bone sentence\b"
    # a label to choose ("Output good or bad") or one item to name ("... a character name.")
    r"|\boutput (?:\w+ or \w+|true|false|yes|no|[01])\b"
    r"|\b(?:word|name|number|title|synonym|antonym|label|category|score|rating)[.?!]?\s*$"
    r"|\b(?:a|one|another) (?:\w+ )?(?:word|symbol|number|name|acronym)\b"
)
TERMINAL = r"[.!?)\]}\"'`*:;…>|~_]\s*$|\d\s*$|#\w+\s*$"
STRUCTURED_LAST_LINE = (
    r"(?:^|\n)\s*(?:[-*+•]|\d+[.)]|[A-Za-z][.)]\s|#+|\||```|//|[A-Za-z][^\n:]{0,40}:\s)[^\n]*$"
    r"|(?:^|\n)(?: {4}|\t)[^\n]*$"
    # code and pseudocode: brackets, operators or semicolons, or a line in capitals ("END FOR")
    r"|(?:^|\n)[^\n]*[=;{}()<>\[\]][^\n]*$|(?:^|\n)[A-Z0-9 _]+$"
)
# A response cut off mid-sentence ends on a word no sentence ends with ("... was $",
# "... and the G", "... it can make a"). Missing final punctuation alone is a weak sign: many
# good answers, poems and pseudocode have none.
DANGLING_END = (
    r"(?:\b(?:a|an|the|and|or|but|nor|of|to|in|on|at|for|with|from|by|as|that|which|who|whose|"
    r"is|are|was|were|be|been|being|has|have|had|will|would|can|could|should|may|might|must|my|"
    r"your|their|our|its|his|her|this|these|those|than|into|onto|about|such|very|if|because|"
    r"while|when|where|whether|so|also|not)|[$€£(\-\u2013\u2014])\s*$"
)
