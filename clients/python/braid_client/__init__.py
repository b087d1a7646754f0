"""Braid's Python client: submit jobs, read their results and progress events.

    from braid_client import BraidClient
    client = BraidClient("127.0.0.1:9092", "http://127.0.0.1:8081")
    print(client.result(client.submit(job))["output"])
"""

from .client import BraidClient, BraidError
from .registry import Registry, RegistryError
from .wire import WireFormatError

__all__ = ["BraidClient", "BraidError", "Registry", "RegistryError", "WireFormatError"]
__version__ = "0.1.0"
