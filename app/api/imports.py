"""Admin upload of users' files: the same validation, report and all-or-nothing write as
``chainatlas import`` (readers see all of an import or none of it). Uploaded files keep their names (the report cites them) in a temporary
folder that is removed afterwards. After an import is written, the merge decisions on near-duplicate
names (``name-decisions.json`` of the data folder, ``loaders.name_decisions``) are applied again, as
``chainatlas import`` does, so an upload that brings a merged spelling back does not split the firm.

Limits: all files of one upload together at most ``MAX_UPLOAD_BYTES`` (refused by
``app.security.body_limit`` before the body is read), at most ``MAX_FILES`` files, names of at most
``MAX_NAME_BYTES`` bytes. Files are copied in chunks, never held in memory whole.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Any, Literal

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from app.api.listing import MEDIA_TYPES
from app.deps import CacheDep, StoreDep
from app.security.deps import AuditDep, actor_of
from loaders.name_decisions import DecisionBook, apply_decisions
from loaders.renames import RenamePolicy
from loaders.tabular import READABLE_SUFFIXES, SUPPORTED_TEXT
from stores.audit import active as audit_active
from stores.audit import import_details

router = APIRouter(prefix="/api/imports", tags=["admin"])

ALLOWED_SUFFIXES = READABLE_SUFFIXES  # what the CLI's import reads, too
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # the whole request: all files of one upload and the form around them
MAX_FILES = 20
MAX_NAME_BYTES = 200  # file systems allow 255; the report cites the name
NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # refused in an uploaded file's name (shown escaped)


STATUS_CODES = {"published": 200, "dry_run": 200, "rejected": 422, "busy": 409}
"""The HTTP status of an upload by ``ImportReport.status``; any other (the store failed while writing:
nothing published) is 503 with ``Retry-After``."""


@router.post("", summary="上传导入（企业名录 / 供应关系；先校验，全部通过才写入，写完一次发布）",
             responses={200: {"description": "导入完成（status=published）或试运行结果（dry_run）"},
                        409: {"description": "另一个导入正在进行（status=busy）：未写入任何数据"},
                        422: {"description": "文件被拒绝（status=rejected）：附问题清单，未写入任何数据"},
                        503: {"description": "数据库暂不可用或写入时出错，未发布：status=rolled_back（已回滚）、pending（下次启动时回滚）、"
                                             "unknown（发布时断开，未能确认）或 not_started；written / rolled_back / pending 给出条数"}})
def upload_import(
    request: Request, store: StoreDep, cache: CacheDep, audit: AuditDep,
    files: list[UploadFile] = File(..., description="CSV（UTF-8/GBK）、XLSX 或 JSON 文件，可多个"),
    dry_run: bool = Query(False, description="试运行：只校验并显示将新增/更新什么，不写入"),
    report: Literal["json", "csv", "xlsx"] = Query("json", description="问题清单的格式；csv/xlsx 下载问题清单"),
    rename: RenamePolicy = Query("warn", description="库中已有的统一社会信用代码以另一名称导入时：warn 警告并改名（原名称保留为曾用名），refuse 拒绝导入"),
) -> Any:
    from loaders.importer import import_files

    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as folder:
        if len(files) > MAX_FILES:
            raise HTTPException(status_code=422, detail=f"一次最多上传 {MAX_FILES} 个文件，本次 {len(files)} 个")
        paths = []
        for upload in files:
            name = PurePath(upload.filename or "").name
            if NAME_CONTROL.search(name):  # NUL and other control characters
                shown = NAME_CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", name)  # Chinese stays readable
                raise HTTPException(status_code=422, detail=f"文件名含控制字符（如 NUL），请重命名后再上传：{shown[:60]}")
            if not name or not name.lower().endswith(ALLOWED_SUFFIXES):
                raise HTTPException(status_code=422, detail=f"不支持的文件：{name or '（无文件名）'}；只接受 {SUPPORTED_TEXT}")
            if len(name.encode("utf-8")) > MAX_NAME_BYTES:
                raise HTTPException(status_code=422, detail=f"文件名过长（上限 {MAX_NAME_BYTES} 字节）：{name[:40]}…")
            target = Path(folder) / name
            if target.exists():
                raise HTTPException(status_code=422, detail=f"同名文件上传了两次：{name}")
            with target.open("wb") as out:
                shutil.copyfileobj(upload.file, out, length=1024 * 1024)
            paths.append(target)
        merged = 0
        with cache.writing():  # lookups leave the event loop meanwhile: the store is busy
            with audit_active(audit, actor_of(request)):  # merges decided during the import are recorded
                outcome = import_files(store, paths, dry_run=dry_run, rename=rename,
                                       description="网页上传导入 " + " ".join(path.name for path in paths))
                if outcome.ok and not dry_run:  # the merge decisions on near-duplicate names, again (as chainatlas import does)
                    merged = apply_decisions(store, DecisionBook.in_folder(Path(request.app.state.data_dir)))
    if not dry_run:
        audit.add(actor_of(request), "import", import_details([path.name for path in paths], outcome, via="API"))
    status = STATUS_CODES.get(outcome.status, 503)
    headers = {"Retry-After": "10"} if status == 503 else {}
    if report != "json":
        return Response(outcome.render(report), status_code=status, media_type=MEDIA_TYPES[report],
                        headers={"Content-Disposition": f'attachment; filename="import-report.{report}"', **headers})
    body = {
        "ok": outcome.ok, "status": outcome.status, "dry_run": outcome.dry_run, "summary": outcome.summary(),
        "written": outcome.written, "published": outcome.published, "rolled_back": outcome.rolled_back,
        "pending": outcome.left_pending, "import": outcome.outcome.number if outcome.outcome else None,
        "recovered": outcome.recovered,
        "rows_read": outcome.rows_read, "errors": outcome.error_count, "warnings": outcome.warning_count,
        "names_merged": merged,
        "problems": outcome.rows(),
        "diff": {kind: dict(counts) for kind, counts in (outcome.diff or {}).items()},
    }
    return JSONResponse(body, status_code=status, headers=headers)
