"""One Settings object, read from environment variables; a bad setting fails at start-up.

The data folder (``CHAINATLAS_DATA_DIR``) defaults to ``var/`` of the checkout ChainAtlas runs
from, found from the installed package (``scripts/setup.sh`` and the Dockerfile install the checkout
in editable mode): the CLI and the server open the same store whatever the working directory.

>>> Settings(store="embedded", data_dir="/tmp/x").embedded_path.name
'chainatlas.sqlite'
>>> default_data_dir() == Path(__file__).resolve().parents[1] / "var"
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlparse

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph_schema.errors import ConfigError
from stores.factory import StoreConfig

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # what `chainatlas serve` listens on by default
CHECKOUT = Path(__file__).resolve().parents[1]  # the folder holding app/, stores/, pyproject.toml


def audit_path_beside(tokens_path: str | Path) -> str | Path:
    """The audit log's file next to a token registry's (in memory for an in-memory registry).

    >>> audit_path_beside("/srv/data/tokens.sqlite")
    PosixPath('/srv/data/audit.sqlite')
    """
    return ":memory:" if str(tokens_path) == ":memory:" else Path(tokens_path).with_name("audit.sqlite")


def default_data_dir() -> Path:
    """``var/`` of the checkout the package was installed from; a ConfigError when the package is not
    in a checkout (a non-editable install), since site-packages is no place for data."""
    if not (CHECKOUT / "pyproject.toml").is_file():
        raise ConfigError(
            f"ChainAtlas is not installed from its repository ({CHECKOUT}): set CHAINATLAS_DATA_DIR to the data folder"
            " / 未从代码仓库安装：请用环境变量 CHAINATLAS_DATA_DIR 指定数据目录"
        )
    return CHECKOUT / "var"


class Settings(BaseSettings):
    """Where the data lives and how to reach it.

    Environment: ``CHAINATLAS_STORE`` (embedded|neo4j), ``CHAINATLAS_DATA_DIR``,
    ``CHAINATLAS_PUBLIC_URL`` (the address people open the web app at, for sign-in links),
    ``CHAINATLAS_SECURE_COOKIES`` (true behind HTTPS: the session cookie is sent over HTTPS only),
    ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    store: Literal["embedded", "neo4j"] = Field(default="embedded", alias="CHAINATLAS_STORE")
    data_dir: Path = Field(default_factory=default_data_dir, alias="CHAINATLAS_DATA_DIR")
    public_url: str = Field(default=DEFAULT_PUBLIC_URL, alias="CHAINATLAS_PUBLIC_URL")
    secure_cookies: bool = Field(default=False, alias="CHAINATLAS_SECURE_COOKIES")
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str = Field(default="", alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, uri: str) -> str:
        parsed = urlparse(uri)
        if parsed.scheme not in NEO4J_SCHEMES or not parsed.hostname:
            raise ValueError(f"must look like bolt://host:7687 or neo4j://host:7687 (schemes: {', '.join(NEO4J_SCHEMES)})")
        return uri

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        parsed = urlparse(url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("must look like http://host:8000")
        return url.strip().rstrip("/")

    @field_validator("store", mode="before")
    @classmethod
    def _normalise_store(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, folder: Path) -> Path:
        return folder.expanduser().absolute()  # a relative CHAINATLAS_DATA_DIR: from the working directory

    @model_validator(mode="after")
    def _data_dir_usable(self) -> Settings:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise ValueError(f"CHAINATLAS_DATA_DIR={self.data_dir} exists and is not a directory")
        return self

    @property
    def embedded_path(self) -> Path:
        """The SQLite file of the embedded store."""
        return self.data_dir / "chainatlas.sqlite"

    @property
    def tokens_path(self) -> Path:
        """The SQLite file that keeps hashed access tokens (whatever the graph store)."""
        return self.data_dir / "tokens.sqlite"

    @property
    def audit_path(self) -> str | Path:
        """The append-only audit log, beside the token registry (never in the graph store)."""
        return audit_path_beside(self.tokens_path)

    def store_description(self) -> str:
        """Which store these settings open, for the line the CLI and the server print.

        >>> Settings(store="embedded", data_dir="/srv/x").store_description()
        '嵌入式数据存储 /srv/x/chainatlas.sqlite'
        >>> Settings(store="neo4j", data_dir="/srv/x", neo4j_uri="bolt://db:7687").store_description()
        'Neo4j 数据存储 bolt://db:7687（数据库 neo4j）'
        """
        if self.store == "neo4j":
            return f"Neo4j 数据存储 {self.neo4j_uri}（数据库 {self.neo4j_database}）"
        return f"嵌入式数据存储 {self.embedded_path}"

    def sign_in_link(self, code: str, base_url: str | None = None) -> str:
        """The one-time link that signs a browser in with a login ``code`` (``TokenRegistry.login_code``):
        ``/login?code=…`` on ``base_url`` (default: ``public_url``).

        >>> Settings(data_dir="/tmp/x").sign_in_link("abc")
        'http://127.0.0.1:8000/login?code=abc'
        """
        return f"{(base_url or self.public_url).rstrip('/')}/login?{urlencode({'code': code})}"

    def store_config(self) -> StoreConfig:
        """What ``stores.factory.open_store`` needs to open the store these settings choose."""
        return StoreConfig(
            store=self.store, embedded_path=self.embedded_path, neo4j_uri=self.neo4j_uri,
            neo4j_user=self.neo4j_user, neo4j_password=self.neo4j_password, neo4j_database=self.neo4j_database,
        )


_ENV_NAMES = {
    "store": "CHAINATLAS_STORE",
    "data_dir": "CHAINATLAS_DATA_DIR",
    "public_url": "CHAINATLAS_PUBLIC_URL",
    "secure_cookies": "CHAINATLAS_SECURE_COOKIES",
    "neo4j_uri": "NEO4J_URI",
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
    "neo4j_database": "NEO4J_DATABASE",
}


def load_settings(**overrides: Any) -> Settings:
    """Read Settings from the environment (``overrides`` win); raise ConfigError naming the variable.

    >>> load_settings(CHAINATLAS_STORE="sqlite")
    Traceback (most recent call last):
    ...
    graph_schema.errors.ConfigError: CHAINATLAS_STORE='sqlite': Input should be 'embedded' or 'neo4j'
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            name = _ENV_NAMES.get(field, field)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{name}={error.get('input')!r}: {message}" if field else message)
        raise ConfigError("; ".join(problems)) from None
