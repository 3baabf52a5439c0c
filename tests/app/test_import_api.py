"""The admin upload endpoint: same validation and report as the CLI, nothing written on rejection."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import TokenRegistry
from stores.base import GraphStore
from tests.app.conftest import make_client

MALFORMED = Path(__file__).resolve().parents[1] / "data" / "malformed"
GOOD = (
    "企业名称,统一社会信用代码,所在区县,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签\n"
    "南昌上传测试科技有限公司,,南昌县,小蓝经开区,新能源,正极材料,1.5,专精特新\n"
)


@pytest.fixture
def admin(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    with make_client(store, tokens, role_tokens["admin"]) as client:
        yield client


def upload(client: TestClient, name: str, data: bytes, **params: str):  # type: ignore[no-untyped-def]
    return client.post("/api/imports", params=params, files=[("files", (name, data, "application/octet-stream"))])


def test_dry_run_then_import_then_again(admin: TestClient, store: GraphStore) -> None:
    data = GOOD.encode("gb18030")
    dry = upload(admin, "企业名录.csv", data, dry_run="true")
    assert dry.status_code == 200 and dry.json()["dry_run"] and dry.json()["written"] == 0
    assert store.counts()["Enterprise"] == 0
    done = upload(admin, "企业名录.csv", data)
    assert done.status_code == 200 and done.json()["ok"]
    after = store.counts()
    assert after["Enterprise"] == 1
    hit = store.search("上传测试")[0]
    assert hit["source"].startswith("企业名录.csv") and hit["district"] == "南昌县"
    again = upload(admin, "企业名录.csv", data)
    assert again.status_code == 200 and store.counts() == after


def test_rejected_file_gets_its_report_and_writes_nothing(admin: TestClient, store: GraphStore) -> None:
    data = (MALFORMED / "unknown_chains.csv").read_bytes()
    rejected = upload(admin, "unknown_chains.csv", data)
    assert rejected.status_code == 422
    body = rejected.json()
    assert not body["ok"] and body["errors"] >= 1
    first = body["problems"][0]
    assert any("unknown_chains.csv" in str(value) for value in first.values())
    assert set(store.counts().values()) == {0}
    sheet = upload(admin, "unknown_chains.csv", data, report="xlsx")
    assert sheet.status_code == 422
    workbook = load_workbook(io.BytesIO(sheet.content))
    assert workbook.active.max_row == body["errors"] + body["warnings"] + 1


def test_rename_policy_parameter(admin: TestClient, store: GraphStore) -> None:
    header = "企业名称,统一社会信用代码\n"
    assert upload(admin, "a.csv", (header + "南昌甲科技有限公司,91360100MA35GWXY5H\n").encode()).status_code == 200
    renamed = (header + "南昌新甲新能源有限公司,91360100MA35GWXY5H\n").encode()
    refused = upload(admin, "b.csv", renamed, rename="refuse")
    assert refused.status_code == 422 and "按改名策略 refuse 拒绝改名" in refused.json()["problems"][0]["问题"]
    assert store.get_node("91360100MA35GWXY5H")["name"] == "南昌甲科技有限公司"  # type: ignore[index]
    warned = upload(admin, "b.csv", renamed)
    assert warned.status_code == 200 and warned.json()["warnings"] == 1
    assert "保留为曾用名" in warned.json()["problems"][0]["问题"]
    assert store.get_node("91360100MA35GWXY5H")["aliases"] == ["南昌甲科技有限公司"]  # type: ignore[index]
    assert upload(admin, "b.csv", renamed, rename="maybe").status_code == 422


def test_only_admins_upload(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    for role in ("viewer", "reviewer"):
        with make_client(store, tokens, role_tokens[role]) as client:
            assert upload(client, "企业名录.csv", GOOD.encode()).status_code == 403
    with make_client(store, tokens, None) as client:
        assert upload(client, "企业名录.csv", GOOD.encode()).status_code == 401
    assert store.counts()["Enterprise"] == 0


def test_unsupported_file_type(admin: TestClient) -> None:
    response = upload(admin, "notes.docx", b"hello")
    assert response.status_code == 422 and "只接受 .csv、.tsv、.txt、.xlsx、.json" in response.json()["error"]


def test_tab_separated_text_uploads_as_the_cli_reads_it(admin: TestClient) -> None:
    for name in ("企业名录.tsv", "企业名录.txt"):
        response = upload(admin, name, GOOD.replace(",", "\t").encode(), dry_run="true")
        assert response.status_code == 200, response.text
        assert response.json()["errors"] == 0


def test_a_file_name_with_a_nul_byte_is_refused_not_a_500(admin: TestClient, store: GraphStore) -> None:
    before = store.counts()
    boundary = "chainatlas-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="企业\x00名录.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n{GOOD}\r\n--{boundary}--\r\n").encode()
    response = admin.post("/api/imports", content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 422 and "控制字符" in response.json()["error"]
    assert store.counts() == before


def test_a_wrong_method_says_which_are_allowed(admin: TestClient) -> None:
    response = admin.delete("/api/imports")
    assert response.status_code == 405 and "POST" in response.headers["allow"]


def test_an_upload_applies_the_merge_decisions_again(store: GraphStore, tokens: TokenRegistry,
                                                     role_tokens: dict[str, str], tmp_path: Path) -> None:
    """A merge decided on near-duplicate names (chainatlas names / the admin page) holds after a web
    upload that brings the other spelling back, as it does after ``chainatlas import``."""
    from app.main import create_app
    from app.settings import Settings
    from loaders.name_decisions import DecisionBook

    DecisionBook.in_folder(tmp_path).record("NXP Semiconductors N.V.", "NXP Semiconductor NV", "merge", by="张三")
    names = "企业名称,国家/地区\nNXP Semiconductors N.V.,荷兰\nNXP Semiconductor NV,荷兰\n".encode()
    app = create_app(Settings(data_dir=tmp_path), store=store, tokens=tokens)
    with TestClient(app, headers={"Authorization": f"Bearer {role_tokens['admin']}"}) as client:
        dry = upload(client, "企业名录.csv", names, dry_run="true")
        assert dry.status_code == 200 and dry.json()["names_merged"] == 0
        done = upload(client, "企业名录.csv", names)  # both spellings new: two rows, two firms, merged at once
        assert done.status_code == 200 and done.json()["names_merged"] == 1, done.text
        firms = store.search("NXP", labels=["Enterprise"])
        assert [firm["name"] for firm in firms] == ["NXP Semiconductors N.V."]
        assert "NXP Semiconductor NV" in firms[0]["aliases"]
        again = upload(client, "企业名录.csv", "企业名称,国家/地区\nNXP Semiconductor NV,荷兰\n".encode())
        assert again.status_code == 200, again.text  # the other spelling alone lands on the merged firm
        assert len(store.search("NXP", labels=["Enterprise"])) == 1
