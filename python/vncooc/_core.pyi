# Hand-written stub of the private extension module vncooc._core (checked with mypy.stubtest).
from collections.abc import Callable
from typing import Any, final

# A column: ("str", list), ("cat", codes_bytes, categories) or (numpy dtype string, bytes).
_Column = tuple[Any, ...]

__version__: str
DOCUMENT_COLUMNS: list[str]
__all__ = [
    "DOCUMENT_COLUMNS",
    "Corpus",
    "Gazetteer",
    "Segmenter",
    "__version__",
    "_after_fork",
    "bench_stages",
    "clean",
    "find_entities",
    "normalize",
    "sentence_spans",
]

@final
class Gazetteer:
    @staticmethod
    def default() -> Gazetteer: ...
    @staticmethod
    def from_jsonl(
        text: str,
        source_name: str,
        base: Gazetteer | None = None,
        stop_phrases: str | None = None,
    ) -> Gazetteer: ...
    def __len__(self) -> int: ...
    def records(self) -> dict[str, _Column]: ...

@final
class Corpus:
    @staticmethod
    def build(
        ids: list[str],
        texts: list[str] | None = None,
        paths: list[str] | None = None,
        dates: list[str | None] | None = None,
        sources: list[str | None] | None = None,
        gazetteer: Gazetteer | None = None,
        n_threads: int | None = None,
        tone_style: str = "old",
        clean: bool = True,
        drop_patterns: list[str] | None = None,
        keep_patterns: list[str] | None = None,
        progress: Callable[[int], Any] | None = None,
        dedup_threshold: float | None = ...,  # 0.5 (PyO3 shows Some(..) defaults as ...)
        furniture_min_docs: int = 3,
    ) -> Corpus: ...
    def __len__(self) -> int: ...
    def documents(self, columns: list[str] | None = None) -> dict[str, _Column]: ...
    def sentences(self) -> dict[str, _Column]: ...
    def mentions(self) -> dict[str, _Column]: ...
    def entities(self) -> dict[str, _Column]: ...
    def candidates(self, min_count: int = 1) -> dict[str, _Column]: ...
    def count(
        self,
        level: str,
        keep_duplicates: bool,
        frequency: bool,
        groups: list[int] | None = None,
        n_groups: int = 1,
        entity_mask: list[bool] | None = None,
        window: int | None = None,
    ) -> tuple[dict[str, _Column], dict[str, _Column], list[int]]: ...
    def entity_info(self) -> dict[str, _Column]: ...
    def tokens(
        self,
        unit: str = "word",
        dictionary: list[str] | None = None,
        drop_stopwords: bool = False,
        drop_punct: bool = False,
    ) -> dict[str, _Column]: ...
    def term_counts(
        self,
        targets: list[str],
        level: str = "sentence",
        keep_duplicates: bool = False,
        stopwords: bool = True,
        dictionary: list[str] | None = None,
        entities: bool = False,
    ) -> tuple[list[str], list[int], list[int], int, int, int, int]: ...
    def removed(self) -> dict[str, _Column]: ...
    def skipped(self) -> dict[str, _Column]: ...

@final
class Segmenter:
    def __new__(
        cls,
        dictionary: list[str] | None = None,
        lexicon: list[str] | None = None,
        gazetteer: Gazetteer | None = None,
        names: bool = True,
    ) -> Segmenter: ...
    def words(self, text: str, sentences: bool = True) -> list[str]: ...
    def words_batch(
        self,
        texts: list[str],
        n_threads: int | None = None,
        sentences: bool = True,
        underscores: bool = False,
    ) -> list[list[str]] | list[str]: ...

def normalize(text: str, tone_style: str = "old") -> str: ...
def clean(
    text: str,
    tone_style: str = "old",
    drop_patterns: list[str] | None = None,
    keep_patterns: list[str] | None = None,
) -> tuple[str, str | None, str | None, str | None, str | None, list[tuple[int, str, str]]]: ...
def sentence_spans(text: str) -> list[tuple[int, int]]: ...
def find_entities(
    text: str, gazetteer: Gazetteer | None = None, tone_style: str = "old"
) -> list[tuple[int, int, str, str, str, str]]: ...
def bench_stages(
    texts: list[str], n_threads: int | None = None, tone_style: str = "old"
) -> list[tuple[str, float]]: ...
def _after_fork() -> None: ...
