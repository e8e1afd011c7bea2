"""The HTTP translation backends against a dripping server on 127.0.0.1: one deadline per request."""

from __future__ import annotations

import time

import pytest

from newsloom.enrich.translate.base import TranslationError
from newsloom.enrich.translate.remote import LibreTranslateTranslator, OpenAITranslator
from tests.enrich.translate.helpers import DrippingServer, answer_for, translation_server


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
@pytest.mark.parametrize("backend", ["libretranslate", "openai"])
def test_a_dripping_server_meets_the_deadline_and_is_not_retried(backend: str, headers_too: bool) -> None:
    with DrippingServer(interval=0.5, headers_too=headers_too) as server:
        options = {"timeout": 2.0, "retries": 1, "backoff": 0.01}
        translator = (
            LibreTranslateTranslator(server.url, **options)
            if backend == "libretranslate"
            else OpenAITranslator(server.url, model="m", **options)
        )
        started = time.monotonic()
        with pytest.raises(TranslationError) as caught:
            translator.translate(["Xin chào"], "vi", "en")
        elapsed = time.monotonic() - started
    assert 1.8 <= elapsed < 4.0, elapsed  # every read stayed under the 2 s timeout: only the deadline ended it
    assert "within 2 s (translate_timeout)" in caught.value.reason
    assert server.requests == 1  # a server that drips would drip again: not retried


def test_the_deadline_leaves_a_prompt_server_alone() -> None:
    with translation_server() as (url, _):
        translator = LibreTranslateTranslator(url, timeout=2.0, retries=0)
        for _ in range(3):  # one client, several requests: the deadline is each request's own
            assert translator.translate(["Xin chào"], "vi", "en") == [answer_for("Xin chào")]
            time.sleep(0.7)
