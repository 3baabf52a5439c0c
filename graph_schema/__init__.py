"""The ChainAtlas property-graph model: labels, relationship types, constraints and validated models."""

from graph_schema.errors import ChainAtlasError, ConfigError, MissingEndpointError, SchemaError, StoreError
from graph_schema.models import (
    NODE_MODELS,
    RELATIONSHIP_MODELS,
    BasedIn,
    Chain,
    Cluster,
    ClusterOf,
    Enterprise,
    InChain,
    InputTo,
    Leads,
    LocatedIn,
    MemberOf,
    Node,
    Park,
    Produces,
    Product,
    Relationship,
    Supplies,
)
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, label_of

__all__ = [name for name in dir() if not name.startswith("_")]
