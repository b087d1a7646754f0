"""The Celery baseline's tasks: a no-op per branch and a callback that collects the results (the join)."""
import os

from celery import Celery

REDIS = os.environ.get("BRAID_BENCH_REDIS", "redis://127.0.0.1:6379/0")
app = Celery("braid_bench", broker=REDIS, backend=REDIS)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_prefetch_multiplier=4,
    broker_connection_retry_on_startup=True,
)


@app.task
def noop(i):
    return i


@app.task
def collect(results):
    return {"branches": len(results)}
