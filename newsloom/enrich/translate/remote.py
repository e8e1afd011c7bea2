"""HTTP backends: a self-hosted LibreTranslate server and any OpenAI-compatible chat endpoint (vLLM,
llama.cpp server, Ollama).

Both batch (LibreTranslate takes a list in ``q``; the chat endpoint gets a JSON array and must answer with one of
the same length, which keeps block boundaries: one element per segment, never merged or split) and both retry
timeouts, connection errors, 429 and 5xx with exponential backoff. The URLs are the operator's own servers, so
they are not subject to the crawler's SSRF guard.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx

from newsloom.enrich.translate.base import NoModelError, TranslationError, check_count

RETRY_STATUS = {429, 500, 502, 503, 504}


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
        self.client = httpx.Client(timeout=timeout)

    def _post(self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        url = self.url + path
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                response = self.client.post(url, json=payload, headers=headers or {})
            except httpx.TimeoutException:
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
            try:
                answer = self.client.get(self.url + "/languages").json()
                self._pairs = {str(item["code"]): set(item.get("targets") or []) for item in answer}
            except (httpx.HTTPError, ValueError, TypeError, KeyError):
                self._pairs = {}
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
