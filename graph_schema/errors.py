"""The project's exception tree. Every error a user can cause is one of these."""


class ChainAtlasError(Exception):
    """Base class of every error ChainAtlas raises on purpose."""


class SchemaError(ChainAtlasError, ValueError):
    """A label, relationship type, id or value that the graph schema does not allow."""


class ConfigError(ChainAtlasError):
    """A setting that is missing or wrong; raised at start-up."""


class StoreError(ChainAtlasError):
    """A store could not do what was asked (connection lost, constraint broken, …)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached at all.

    The message keeps the technical detail (for operators, in English where it comes from a
    driver); ``reason`` is what people are told, in Chinese (empty when the store gave none).

    >>> StoreUnavailable("Neo4j became unreachable while reading: …", reason="无法连接数据库").reason
    '无法连接数据库'
    """

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class MissingEndpointError(StoreError):
    """A relationship refers to a node that is not in the store; nothing of its batch was written."""


class ImportInProgress(StoreError):
    """Another import into the same store is still running (imports are one at a time); nothing was written."""


class ImportNotPublished(StoreError):
    """An import failed before it was published: readers never saw any of it.

    ``outcome`` (a ``stores.imports.ImportOutcome``) says what became of what it had written:
    rolled back, or left pending for the next start to roll back.
    """

    def __init__(self, message: str, outcome: object) -> None:
        super().__init__(message)
        self.outcome = outcome
