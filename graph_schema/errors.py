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
    """The store cannot be reached at all."""


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
