"""What the translation tests share: a Vietnamese article page, the tiny model, and loopback servers speaking
LibreTranslate's and OpenAI's APIs (their real servers need model files this machine cannot download)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A Vietnamese original consistent with the reference page (../shared/reference/portal-article-page.txt): its
# English edition there says "November 15" once and "November 5" once, for what the original calls 15/11.
VI_SENTENCES = [
    "Người phát ngôn Điện Kremlin Dmitry Peskov ngày 25/10 bác bỏ thông tin của Wall Street Journal rằng tỷ phú "
    "Elon Musk đã bí mật liên lạc với ông Putin và các quan chức cấp cao Nga.",
    "Theo ông Peskov, thông tin sai lệch này có thể được lan truyền vì vai trò của tỷ phú trong cuộc bầu cử tổng "
    "thống Mỹ ngày 15/11.",
    "Tỷ phú Mỹ và Tổng thống Nga chỉ có một cuộc điện đàm trước khi xung đột ở Ukraine leo thang thành chiến tranh "
    "vào tháng 2/2022, ông Peskov nhấn mạnh.",
    "Trong những tuần gần đây, tỷ phú Musk đã làm mọi cách để ủng hộ ông Trump, bao gồm quyên góp hơn 100 triệu USD "
    "và xuất hiện tại các cuộc vận động tranh cử.",
    "Trước đó, ông Trump nói sẽ bổ nhiệm ông Musk làm Bộ trưởng Cắt giảm ngân sách nếu thắng cử ngày 15/11.",
]
EN_REFERENCE = [
    "Kremlin spokesman Dmitry Peskov on October 25 denied a Wall Street Journal report that Elon Musk had secretly "
    "contacted Putin and other senior Russian officials.",
    "According to Peskov, this false information was likely spread because of the billionaire's role in the US "
    "presidential election on November 15.",
    "The American billionaire and the Russian president had a single phone call before the conflict in Ukraine "
    "escalated into war in February 2022, Peskov emphasized.",
    "In recent weeks, billionaire Musk has done everything he can to support Mr. Trump, including donating more "
    "than $ 100 million and appearing at campaign rallies.",
    "Previously, Mr. Trump said he would appoint Mr. Musk as Secretary of Budget Reduction if he wins the election "
    "on November 5.",
]
VI_ALT = "Nga bác tin tỷ phú Elon Musk và ông Putin trao đổi bí mật"
VI_TITLE = "Nga bác tin tỷ phú Elon Musk và ông Putin bí mật liên lạc"


def vietnamese_page(
    url: str = "https://dantri.example.vn/the-gioi/nga-bac-tin-musk-putin.htm", paragraphs: list[str] | None = None
) -> str:
    body = "\n".join(f"<p>{text}</p>" for text in (paragraphs or VI_SENTENCES))
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{VI_TITLE} | Báo Dân trí</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="Báo Dân trí">
<meta property="article:published_time" content="2026-11-29T08:00:00+07:00">
</head><body><header><nav><a href="/">Trang chủ</a></nav></header>
<article><h1>{VI_TITLE}</h1>
<p class="sapo">Điện Kremlin bác bỏ thông tin tỷ phú Elon Musk bí mật liên lạc với Tổng thống Nga Vladimir Putin.</p>
<figure><img src="https://dantri.example.vn/anh/musk-putin.jpg" alt="{VI_ALT}" width="800" height="450">
<figcaption>Tỷ phú Elon Musk và Tổng thống Nga Vladimir Putin (Ảnh: Reuters).</figcaption></figure>
{body}
</article><footer>Báo Dân trí</footer></body></html>"""


def training_lines() -> tuple[list[str], list[str]]:
    source = [*VI_SENTENCES, VI_ALT, VI_TITLE] * 3
    return source, [*EN_REFERENCE] * 3


@dataclass
class ServerState:
    mode: str = "ok"  # ok | fail | fail-once | slow | short | bad-json
    requests: list[dict] = field(default_factory=list)
    api_keys: list[str | None] = field(default_factory=list)
    fail_left: int = 1


def answer_for(text: str) -> str:
    """What the loopback servers "translate" a text to: recognisable, and different for each text."""
    return f"EN[{text}]"


class _Handler(BaseHTTPRequestHandler):
    state: ServerState

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, payload: object) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests): nothing to answer

    def do_GET(self) -> None:
        if self.path == "/languages":  # LibreTranslate's list of what it translates
            self._send(200, [{"code": "vi", "name": "Vietnamese", "targets": ["en"]},
                             {"code": "en", "name": "English", "targets": ["vi"]}])  # fmt: skip
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        state = self.server.state  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"{}")
        state.requests.append(payload)
        state.api_keys.append(payload.get("api_key") or self.headers.get("Authorization"))
        if state.mode == "fail" or (state.mode == "fail-once" and state.fail_left > 0):
            state.fail_left -= 1
            self._send(500, {"error": "internal error"})
            return
        if state.mode == "slow":
            time.sleep(2)
        if self.path == "/translate" and payload.get("source") not in ("vi", "en"):
            self._send(400, {"error": f"{payload.get('source')} is not supported"})
        elif self.path == "/translate":
            texts = payload["q"] if isinstance(payload["q"], list) else [payload["q"]]
            answers = [answer_for(text) for text in texts]
            if state.mode == "short":
                answers = answers[:-1]
            self._send(200, {"translatedText": answers if isinstance(payload["q"], list) else answers[0]})
        elif self.path == "/v1/chat/completions":
            texts = json.loads(payload["messages"][-1]["content"])
            answers = [answer_for(text) for text in texts]
            if state.mode == "short":
                answers = answers[:-1]
            content = json.dumps(answers, ensure_ascii=False)
            if state.mode == "bad-json":
                content = "Sure! Here are the translations: " + content
            self._send(200, {"choices": [{"message": {"role": "assistant", "content": f"```json\n{content}\n```"}}]})
        else:
            self._send(404, {"error": "not found"})


@contextmanager
def translation_server(mode: str = "ok") -> Iterator[tuple[str, ServerState]]:
    """A server on 127.0.0.1 speaking LibreTranslate (``/translate``) and OpenAI (``/v1/chat/completions``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state = ServerState(mode=mode)
    server.state = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def tiny_model_dir(root: Path) -> Path:
    """``root/vi_en``: the tiny model in an Argos package's layout."""
    from newsloom.enrich.translate.tiny import build_tiny_model

    source, target = training_lines()
    return build_tiny_model(root / "vi_en", source, target)


class DrippingServer:
    """A server on 127.0.0.1 that answers every request one byte every ``interval`` seconds: the whole response,
    headers included (``headers_too``), or the headers at once and then the body. httpx's timeouts count each
    read apart, so only a deadline on the whole exchange ends such a request."""

    def __init__(self, interval: float = 1.0, headers_too: bool = False) -> None:
        import socket

        self.interval, self.headers_too = interval, headers_too
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopped = threading.Event()
        self.requests = 0

    def _answer(self, connection: object) -> None:
        import socket

        assert isinstance(connection, socket.socket)
        body = json.dumps({"translatedText": ["x" * 200]}).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        with connection:
            connection.recv(65536)
            self.requests += 1
            try:
                if not self.headers_too:
                    connection.sendall(head)
                for byte in (head if self.headers_too else b"") + body:
                    if self.stopped.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                pass

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def __enter__(self) -> DrippingServer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.listener.close()
