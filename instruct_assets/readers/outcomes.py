"""What a reader makes of one raw record: an example draft or a rejection, never nothing.

Readers are pure: they know the file and its format, not the source's licence or kind. The
ingest step adds provenance and ids. Every record a reader encounters is counted in
``records_read`` when it is encountered, so a code path that forgets to emit an outcome breaks
the accounting check instead of silently losing data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from instruct_assets.readers.formats import printable

RAW_RECORD_LIMIT = 4096
"""Characters of the raw record kept with a rejection: enough to see what was wrong."""


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str


@dataclass(frozen=True, slots=True)
class ExampleDraft:
    locator: str
    instruction: str
    response: str
    conversion: str
    input: str = ""
    history: tuple[Turn, ...] = ()
    system: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    locator: str
    rule: str
    reason: str
    raw_record: str = ""


@dataclass(slots=True)
class ReadResult:
    """All outcomes of reading one file."""

    format: str
    examples: list[ExampleDraft] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    records_read: int = 0

    def keep(self, draft: ExampleDraft) -> None:
        self.examples.append(draft)

    def reject(self, locator: str, rule: str, reason: str, raw_record: object = "") -> None:
        raw = raw_record if isinstance(raw_record, str) else repr(raw_record)
        # Undecodable bytes are kept as U+FFFD: a table cannot store lone surrogates.
        self.rejections.append(Rejection(locator, rule, reason, printable(raw[:RAW_RECORD_LIMIT])))

    def count_record(self) -> None:
        self.records_read += 1
