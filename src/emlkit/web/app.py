"""The playground's HTTP app (FastAPI): the page, its static files and a JSON API over the panels.

Every computation runs in a worker process (:mod:`emlkit.web.workers`), one request at a time
per process; one that takes longer than ``Limits.request_seconds`` is killed and answered with
503. Bad input is a 4xx with ``{"error": "..."}``.

>>> app = create_app()
>>> sorted(r.path for r in app.routes if r.path.startswith("/api/"))[:3]
['/api/bootstrap', '/api/compile', '/api/features']
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import threading
from importlib import resources
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..errors import EMLError, UnsupportedError
from .bodylimit import BodyLimit
from .jobs import FitJobs, JobNotFound, TooManyJobs
from .limits import DEFAULT_LIMITS, Limits
from .workers import Busy, CallTimeout, WorkerPool, warm_up

__all__ = ["create_app"]

_STATIC = {  # the only files served: name -> media type (no paths are ever read from requests)
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompileRequest(_Model):
    formula: str = Field(max_length=100_000)
    format: Literal["eml", "rpn", "wolfram", "json", "latex", "dot"] = "eml"
    let: bool = False
    domain: Literal["strip", "plane"] = "strip"
    at: dict[str, str] | None = Field(default=None, max_length=8)
    backend: Literal["numpy", "mpmath", "arb"] = "numpy"
    dps: int | None = None
    draw: bool = True


class IdentifyRequest(_Model):
    number: str = Field(max_length=100_000)
    max_K: int | None = None
    limit: int = 5


class PCFRequest(_Model):
    a: str = Field(max_length=10_000)
    b: str = Field(max_length=10_000)
    digits: int = 50
    depth: int = 400


class BootstrapRequest(_Model):
    constants: list[str] = Field(default=["1"], max_length=50)
    functions: list[str] = Field(default=[], max_length=50)
    operations: list[str] = Field(default=["EML"], max_length=50)
    max_K: int = 8


class FitRequest(_Model):
    csv: str = Field(max_length=2_000_000)
    target: str | None = Field(default=None, max_length=100)
    max_depth: int = Field(default=4, ge=1, le=6)
    time_limit: float = Field(default=10.0, gt=0)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= 300 else line[:299] + "…"


def _static(name: str) -> bytes:
    return resources.files("emlkit.web").joinpath("static", name).read_bytes()


def create_app(limits: Limits = DEFAULT_LIMITS) -> FastAPI:
    """The playground app with the given bounds (see :class:`~emlkit.web.limits.Limits`).

    Parameters
    ----------
    limits : Limits
        Size, time and job bounds.

    Returns
    -------
    fastapi.FastAPI
        Serve it with uvicorn (``eml serve`` does), or test it with ``fastapi.testclient``.

    Examples
    --------
    >>> app = create_app(Limits(max_formula_chars=500))
    >>> app.state.limits.max_formula_chars, app.title
    (500, 'emlkit playground')
    """
    from . import panel_compile as cp
    from . import panel_identify as ip
    from . import panel_pcf as pp
    from . import panel_search as sp
    from .csvdata import parse_csv

    jobs = FitJobs(limits)
    waiting = concurrent.futures.ThreadPoolExecutor(max_workers=64,
                                                    thread_name_prefix="eml-web-wait")
    pools: list[WorkerPool] = []
    pool_lock = threading.Lock()

    def pool() -> WorkerPool:
        with pool_lock:  # started on first use, so creating the app spawns nothing
            if not pools:
                pools.append(WorkerPool(limits.workers, warm=warm_up))
            return pools[0]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        pool()
        yield
        jobs.shutdown()
        with pool_lock:
            for p in pools:
                p.close()
        waiting.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="emlkit playground", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.limits = limits
    app.state.jobs = jobs

    async def compute(fn: Any, /, **kwargs: Any) -> Any:
        call = functools.partial(pool().call, fn, (), kwargs, timeout=limits.request_seconds)
        try:
            return await asyncio.get_running_loop().run_in_executor(waiting, call)
        except (CallTimeout, Busy) as exc:
            return _error(503, _one_line(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, f"{where or 'request'}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(UnsupportedError)
    async def unsupported(request: Request, exc: UnsupportedError) -> JSONResponse:
        return _error(501, _one_line(exc))

    @app.exception_handler(TooManyJobs)
    async def too_many(request: Request, exc: TooManyJobs) -> JSONResponse:
        return _error(429, _one_line(exc))

    @app.exception_handler(JobNotFound)
    async def no_job(request: Request, exc: JobNotFound) -> JSONResponse:
        return _error(404, _one_line(exc))

    for kind in (EMLError, ValueError, OverflowError, ZeroDivisionError):
        app.add_exception_handler(kind, _bad_input)
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(MemoryError, _too_big)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for k, v in _SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in _STATIC:
            return _error(404, "no such file")
        return Response(_static(name), media_type=_STATIC[name])

    @app.get("/api/features")
    async def features() -> dict[str, Any]:
        import emlkit as ek

        return {"version": ek.__version__, "identify": ip.engine_available(),
                "pcf": pp.pcf_available(), "fit": True,
                "limits": {k: getattr(limits, k) for k in limits.__dataclass_fields__}}

    @app.post("/api/compile")
    async def compile_(req: CompileRequest) -> Any:
        return await compute(cp.compile_panel, source=req.formula, format=req.format,
                             let=req.let, domain=req.domain, at=req.at, backend=req.backend,
                             dps=req.dps, draw=req.draw, limits=limits)

    @app.post("/api/identify")
    async def identify(req: IdentifyRequest) -> Any:
        return await compute(ip.identify_panel, number=req.number, max_K=req.max_K,
                             limit=req.limit, limits=limits)

    @app.post("/api/pcf")
    async def pcf(req: PCFRequest) -> Any:
        return await compute(pp.pcf_panel, a=req.a, b=req.b, digits=req.digits,
                             depth=req.depth, limits=limits)

    @app.get("/api/forms")
    async def forms() -> Any:
        return {"forms": sp.forms_table()}

    @app.post("/api/bootstrap")
    async def bootstrap(req: BootstrapRequest) -> Any:
        return await compute(sp.search_panel, constants=req.constants, functions=req.functions,
                             operations=req.operations, max_K=req.max_K, limits=limits)

    @app.post("/api/fit")
    async def fit(req: FitRequest, request: Request) -> Any:
        if req.time_limit > limits.max_fit_seconds:
            return _error(422, f"time_limit: at most {limits.max_fit_seconds:g} s")
        X, y, names, target = parse_csv(req.csv, max_rows=limits.max_csv_rows,
                                        max_columns=limits.max_csv_columns, target=req.target)
        options = {"max_depth": req.max_depth, "time_limit": req.time_limit, "random_state": 0}
        client = request.client.host if request.client else "unknown"
        start = functools.partial(jobs.start, client, X, y, names, options)
        job = await asyncio.get_running_loop().run_in_executor(waiting, start)  # may wait for
        # the fork server's preload when the server has just started
        return {"job": job, "variables": names, "target": target, "rows": len(y)}

    @app.get("/api/jobs/{job_id}")
    async def poll(job_id: str) -> Any:
        return jobs.poll(job_id)

    @app.delete("/api/jobs/{job_id}")
    async def cancel(job_id: str) -> Any:
        return jobs.cancel(job_id)

    return app


async def _bad_input(request: Request, exc: Exception) -> JSONResponse:
    return _error(422, _one_line(exc))


async def _too_deep(request: Request, exc: Exception) -> JSONResponse:
    return _error(422, "input nested too deeply")


async def _too_big(request: Request, exc: Exception) -> JSONResponse:
    return _error(413, "input too large (out of memory)")
