"""The empty FastAPI app of the HTTP baseline: one `GET /ping`, served by uvicorn like the
services (`python -m uvicorn tests.bench.ping:app`)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}
