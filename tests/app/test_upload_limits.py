"""Upload limits: oversized bodies are refused before they are read, with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api import imports as api_import
from app.security.tokens import TokenRegistry
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client

ROW = "南昌上传测试科技有限公司,新能源,正极材料\n"
HEADER = "企业名称,所属产业链,主营产品\n"


@pytest.fixture
def small_limit_admin(tmp_path: Path, tokens: TokenRegistry, role_tokens: dict[str, str],
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, EmbeddedStore]]:
    monkeypatch.setattr(api_import, "MAX_UPLOAD_BYTES", 64 * 1024)  # read when the app is built
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    with make_client(store, tokens, role_tokens["admin"]) as client:
        yield client, store
    store.close()


def _csv(rows: int) -> bytes:
    return (HEADER + ROW * rows).encode("utf-8")


def test_a_declared_length_over_the_limit_is_refused_unread(small_limit_admin) -> None:  # noqa: ANN001
    client, store = small_limit_admin
    response = client.post("/api/imports", files=[("files", ("企业名录.csv", _csv(3000), "text/csv"))])
    assert response.status_code == 413
    assert response.json()["error"] == "请求过大：上限 0.0625 MB，请拆分文件分批上传"
    assert response.headers["x-content-type-options"] == "nosniff"  # still behind the security headers
    assert store.counts()["Enterprise"] == 0


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(small_limit_admin) -> None:  # noqa: ANN001
    client, store = small_limit_admin
    boundary = "chainatlas-test-boundary"

    def body() -> Iterator[bytes]:  # no Content-Length: the middleware must count
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"企业名录.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode()
        yield head + HEADER.encode()
        for _ in range(100):
            yield ROW.encode() * 50
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post("/api/imports", content=body(),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413 and "请求过大" in response.json()["error"]
    assert store.counts()["Enterprise"] == 0


def test_a_small_upload_under_the_limit_still_imports(small_limit_admin) -> None:  # noqa: ANN001
    client, store = small_limit_admin
    response = client.post("/api/imports", files=[("files", ("企业名录.csv", _csv(1), "text/csv"))])
    assert response.status_code == 200, response.text
    assert store.counts()["Enterprise"] == 1


def test_other_forms_are_limited_to_one_megabyte(small_limit_admin) -> None:  # noqa: ANN001
    client, _ = small_limit_admin
    response = client.post("/login", data={"token": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_too_many_files_and_overlong_names_are_refused(small_limit_admin) -> None:  # noqa: ANN001
    client, store = small_limit_admin
    many = [("files", (f"企业{number}.csv", _csv(1), "text/csv")) for number in range(api_import.MAX_FILES + 1)]
    response = client.post("/api/imports", files=many)
    assert response.status_code == 422 and f"一次最多上传 {api_import.MAX_FILES} 个文件" in response.json()["error"]
    long_name = "企" * 80 + ".csv"  # 243 bytes in UTF-8
    response = client.post("/api/imports", files=[("files", (long_name, _csv(1), "text/csv"))])
    assert response.status_code == 422 and "文件名过长" in response.json()["error"]
    assert store.counts()["Enterprise"] == 0
