"""HTTP backends: a self-hosted LibreTranslate server and any OpenAI-compatible chat endpoint (vLLM,
llama.cpp server, Ollama).

Both batch (LibreTranslate takes a list in ``q``; the chat endpoint gets a JSON array and must answer with one of
the same length, which keeps block boundaries: one element per segment, never merged or split) and both retry
timeouts, connection errors, 429 and 5xx with exponential backoff. The URLs are the operator's own servers, so
they are not subject to the crawler's SSRF guard.

Each request has one deadline, ``translate_timeout`` seconds for the whole exchange (connect, send, headers and
every read of the answer), as ``fetch_deadline`` bounds a fetch: httpx's own timeouts count each read apart, so a
server dripping one byte a second held ``translate``, ``import`` and ``crawl`` forever. The deadline is carried to
the sockets by a network backend that gives each read and write only the time left. A request that runs out of
it is not retried: the server would drip again.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from newsloom.enrich.translate.base import NoModelError, TranslationError, check_count
from newsloom.fetch.pooled import PooledTransport

RETRY_STATUS = {429, 500, 502, 503, 504}
LANGUAGES_DEADLINE = 5.0  # seconds for LibreTranslate's list of pairs, asked once per run
_DEADLINE: ContextVar[float | None] = ContextVar("translation_request_deadline", default=None)


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of the current request's deadline (``time.monotonic()``)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's synchronous sockets, each connect, read and write bounded by the request's time left."""

    def __init__(self) -> None:
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(host, port, _time_left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.connect_unix_socket(path, _time_left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _deadline_transport() -> PooledTransport:
    """An httpx transport on a pool dialling through :class:`_DeadlineBackend` (httpx's own transport takes no
    network backend)."""
    pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=10,
        keepalive_expiry=15.0,
        network_backend=_DeadlineBackend(),
    )
    return PooledTransport(pool)


class _HTTPBackend:
    name = "http"

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        batch_size: int = 50,
    ) -> None:
        if not url:
            raise TranslationError(f"translate_backend = {self.name!r} needs translate_url")
        self.url = url.rstrip("/")
        self.api_key = api_key or None
        self.retries = retries
        self.backoff = backoff
        self.batch_size = batch_size
        self.deadline = timeout
        self.client = httpx.Client(timeout=timeout, transport=_deadline_transport())

    def _send(self, url: str, payload: dict[str, Any], headers: dict[str, str] | None) -> httpx.Response:
        """One POST, answer read whole, within ``self.deadline`` seconds (see the module docstring)."""
        token = _DEADLINE.set(time.monotonic() + self.deadline if self.deadline > 0 else None)
        try:
            return self.client.post(url, json=payload, headers=headers or {})
        finally:
            _DEADLINE.reset(token)

    def _post(self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        url = self.url + path
        delay = self.backoff
        for attempt in range(self.retries + 1):
            started = time.monotonic()
            try:
                response = self._send(url, payload, headers)
            except httpx.TimeoutException:
                if self.deadline > 0 and time.monotonic() - started >= self.deadline * 0.99:
                    raise TranslationError(
                        f"{self.name} at {url} gave no complete answer within {self.deadline:g} s (translate_timeout)"
                    ) from None
                problem = f"{self.name} at {url} timed out"
            except httpx.HTTPError as error:
                problem = f"{self.name} at {url} unreachable: {error}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError as error:
                        raise TranslationError(f"{self.name} at {url} answered with invalid JSON") from error
                problem = f"{self.name} at {url} answered {response.status_code}: {response.text[:200]}"
                if response.status_code not in RETRY_STATUS:
                    raise TranslationError(problem)
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise TranslationError(f"{problem} (after {self.retries + 1} attempts)")

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        results: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            results += check_count(batch, self._batch(batch, source, target), self.name)
        return results

    def _batch(self, texts: list[str], source: str, target: str) -> list[str]:
        raise NotImplementedError


class LibreTranslateTranslator(_HTTPBackend):
    """LibreTranslate's documented API: ``POST /translate`` with ``q`` (a list), ``source``, ``target``,
    ``format``, ``api_key``; the answer's ``translatedText`` is a list of the same length."""

    name = "libretranslate"

    def __init__(self, url: str, api_key: str | None = None, **options: Any) -> None:
        super().__init__(url, api_key, **options)
        self.model = self.url
        self._pairs: dict[str, set[str]] | None = None  # GET /languages: source -> targets, asked once

    def supports(self, source: str, target: str) -> bool:
        """Whether the server lists the pair (``GET /languages``, asked once); a server that cannot say is
        assumed to, and a real answer to a request decides."""
        if self._pairs is None:
            # Bounded as a translation request is (a server dripping bytes must not hold the run): a few seconds.
            limit = min(self.deadline, LANGUAGES_DEADLINE) if self.deadline > 0 else LANGUAGES_DEADLINE
            token = _DEADLINE.set(time.monotonic() + limit)
            try:
                answer = self.client.get(self.url + "/languages").json()
                self._pairs = {str(item["code"]): set(item.get("targets") or []) for item in answer}
            except (httpx.HTTPError, httpcore.TimeoutException, ValueError, TypeError, KeyError):
                self._pairs = {}
            finally:
                _DEADLINE.reset(token)
        return not self._pairs or target in self._pairs.get(source, set())

    def _batch(self, texts: list[str], source: str, target: str) -> list[str]:
        payload: dict[str, Any] = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        try:
            answer = self._post("/translate", payload)
        except TranslationError as error:  # "pt is not supported": the server has no model for the pair
            if " answered 400" in error.reason and "not supported" in error.reason:
                raise NoModelError(source, target, error.reason) from error
            raise
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(item, str) for item in translated):
            raise TranslationError(f"libretranslate answered without a list of translatedText: {str(answer)[:200]}")
        return translated


SYSTEM_PROMPT = (
    "You are a professional news translator. Translate from {source} to {target}. The user sends a JSON array of "
    "text segments; answer with only a JSON array of the same length, element i being the translation of segment "
    "i. Never merge, split, drop or reorder segments. Keep numbers, amounts, dates, names and quotations exact."
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class OpenAITranslator(_HTTPBackend):
    """``POST {translate_url}/chat/completions`` (``translate_url`` ends in ``/v1``)."""

    name = "openai"

    def __init__(self, url: str, api_key: str | None = None, model: str = "", **options: Any) -> None:
        super().__init__(url, api_key, **options)
        if not model:
            raise TranslationError("translate_backend = 'openai' needs translate_model (the served model's name)")
        self.model = model

    def _batch(self, texts: list[str], source: str, target: str) -> list[str]:
        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT.format(source=source, target=target)},
                {"role": "user", "content": json.dumps(texts, ensure_ascii=False)},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        answer = self._post("/chat/completions", payload, headers)
        try:
            content = answer["choices"][0]["message"]["content"]
            translated = json.loads(_FENCE.sub("", content.strip()))
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise TranslationError(f"openai answer is not a JSON array of translations: {str(answer)[:200]}") from error
        if not isinstance(translated, list) or not all(isinstance(item, str) for item in translated):
            raise TranslationError(f"openai answer is not a JSON array of strings: {str(translated)[:200]}")
        return translated
