"""An optional share-text writer backed by a language model: ``ModelWriter``, a ``Generator``.

It speaks the OpenAI-compatible chat-completions protocol (``POST {base_url}/chat/completions``
with ``model`` and ``messages``, an optional Bearer key), which self-hosted servers (Ollama,
vLLM, llama.cpp's server) and cloud services share. One request per post asks for a JSON
object with a text per platform. Standard library HTTP only, and no proxy from the
environment: the post goes exactly where ``base_url`` says.

Every failure (time out, refused connection, HTTP error, a reply too big, not JSON, the wrong
shape) raises ``ModelError``, which ``propose`` catches to use the rules' texts. The texts that
come back are checked here (``problems``: ``check_proposal``, the person's own words verbatim,
the disclosure, no link but the post's) and only valid ones are returned; ``propose`` checks
them again and fills every gap with the rules' text.

The whole exchange has one deadline (``timeout`` seconds): connecting, sending and every read
get only the time that is left, so a server that answers slowly, or drips its answer a byte at
a time, costs at most ``timeout``. (Resolving the host name is the only step the operating
system does not let us bound: give an address or a name the local resolver knows.)
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import re
import socket
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hub.platforms import PLATFORMS, grapheme_count
from hub.rewrite.core import Proposal, check_proposal, disclosure_forms
from hub.rewrite.hashtags import find_hashtags
from hub.rewrite.source import SourcePost

log = logging.getLogger(__name__)

URL_MARK = "{URL}"
DEFAULT_TIMEOUT = 4.0
MAX_RESPONSE_BYTES = 256 * 1024  # a full set of texts is a few kB; anything near this is not an answer
POST_TEXT_MAX = 6000  # characters of the post's plain text put into the prompt
GUIDANCE_MAX = 1500  # characters of the tone of voice, and of each platform's guidance


class ModelError(Exception):
    """The language model gave no usable answer (the message says why, never the key)."""


@dataclass(frozen=True)
class PlatformRule:
    """What the prompt tells the model about one platform (the checks stay the authority)."""

    hashtags: int  # at most this many, the disclosure's included
    link: str  # where the link goes
    form: str  # register and length


# The same house rules as ``propose`` promises (its docstring), said for a writer.
PLATFORM_RULES: dict[str, PlatformRule] = {
    "x": PlatformRule(2, "in the text, exactly once", "short and direct"),
    "linkedin": PlatformRule(
        5,
        "in the text, exactly once, on its own line",
        "professional, short paragraphs, up to about 1,300 characters",
    ),
    "bluesky": PlatformRule(1, "in the text, exactly once", "short and conversational"),
    "mastodon": PlatformRule(4, "in the text, exactly once", "conversational; hashtags in CamelCase"),
    "threads": PlatformRule(
        1, "in the text, exactly once", "conversational; at most one hashtag (the topic)"
    ),
    "facebook": PlatformRule(2, "in the text, exactly once", "friendly, up to about 700 characters"),
    "instagram": PlatformRule(
        5,
        "NEVER in the text: links in captions are not clickable; say the link is in my bio",
        "a caption, up to about 1,000 characters",
    ),
    "reddit": PlatformRule(
        0,
        "NEVER in the text: it is submitted beside the title",
        "the subject is a neutral, factual title (no hashtags, no '!', no emoji); "
        "the text is an optional short neutral comment and may be empty",
    ),
    "whatsapp": PlatformRule(
        0,
        "in the text, exactly once",
        "a personal message to people I know: short (under about 400 characters), direct, no hashtags",
    ),
    "email": PlatformRule(
        0,
        "in the text, exactly once",
        "a personal e-mail to people I know, no hashtags, "
        "up to about 1,500 characters; the subject is short and plain",
    ),
}

PRINCIPLES = """\
You write share texts: what an employee posts on their own social accounts, or sends to people
they know, to share a post from their company's blog. You write as that person.

1. Their own voice: first person ("I", "my team"), as they would say it, not the company's press voice.
2. Lead with the point: open with the post's key result or claim, not a teaser.
3. Every sentence stands alone: it makes sense to someone who has not read the post. Never start a
   sentence with "It", "This", "So we..." that points back at something the reader has not seen.
4. No template framings: no "Worth a read:", "Sharing this from our team:", "Check this out",
   "Hi! Thought you might like this:".
5. A question only when it is real: only where the post genuinely invites discussion; never under a
   job ad or a congratulation.
6. Platforms differ by form, not content: the same facts everywhere; vary length, line breaks,
   hashtags, where the link goes and register. Never invent facts, figures, names or quotes that
   are not in the post.
7. WhatsApp and e-mail are personal messages to people the person knows: short, direct, no hashtags.
8. Hashtags few and meaningful, in CamelCase (#PlatformEngineering), never more than a platform allows.
9. Every platform gets its own text: never the same text twice.

Answer with one JSON object and nothing else, in this shape:
{"texts": {"<platform id>": {"text": "...", "subject": "..."}, ...}}
Give "subject" only for "email" (the e-mail subject) and "reddit" (the post's title).
Write {URL} exactly where the link goes, and never write any other link or web address."""


class ModelWriter:
    """Share texts from a language model behind an OpenAI-compatible chat-completions endpoint.

    ``base_url`` is the API root (``http://127.0.0.1:11434/v1`` for Ollama); a URL that already
    ends in ``/chat/completions`` is used as it is. ``tone`` is the strategy's tone of voice
    and ``guidance`` each platform's guidance (plain text), both passed into the prompt.
    """

    name = "model"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        tone: str = "",
        guidance: Mapping[str, str] | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        temperature: float = 0.7,
    ) -> None:
        self.endpoint = _endpoint(base_url)
        self.model = model
        self._api_key = api_key
        self.timeout = float(timeout)
        self.tone = tone
        self.guidance = dict(guidance or {})
        self.max_response_bytes = max_response_bytes
        self.temperature = temperature

    def __repr__(self) -> str:  # never the key, nor what the URL may hide
        return f"ModelWriter({shown_url(self.endpoint)!r}, {self.model!r}, timeout={self.timeout})"

    def generate(self, post: SourcePost, platforms: Sequence[str]) -> dict[str, Proposal]:
        """The model's valid proposals for ``platforms`` (any it got wrong are left out, for the
        rules to fill). Raises ``ModelError`` when there is no usable answer at all."""
        try:
            deadline = time.monotonic() + self.timeout
            reply = self._ask(self.payload(post, platforms), deadline)
            drafts = parse_texts(_content_of(reply), platforms)
        except ModelError as exc:
            shown = shown_url(self.endpoint)
            log.warning("language-model writer (%s): %s; using the rules' texts", shown, exc)
            raise
        result: dict[str, Proposal] = {}
        for platform, (text, subject) in drafts.items():
            proposal = make_proposal(post, platform, text, subject, source=self.name)
            found = problems(post, proposal)
            if found:
                log.info("language-model writer: %s text not used: %s", platform, "; ".join(found))
            else:
                result[platform] = proposal
        return result

    def payload(self, post: SourcePost, platforms: Sequence[str]) -> dict[str, Any]:
        """The chat-completions request body for ``post``."""
        return {
            "model": self.model,
            "messages": [
                {"role": "system", "content": PRINCIPLES},
                {
                    "role": "user",
                    "content": build_prompt(post, platforms, tone=self.tone, guidance=self.guidance),
                },
            ],
            "temperature": self.temperature,
            "stream": False,
            "response_format": {"type": "json_object"},
        }

    def _ask(self, payload: dict[str, Any], deadline: float) -> Any:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError("LLM_URL must be an http(s) address")
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "hub"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            port = parts.port
        except ValueError as exc:
            raise ModelError("LLM_URL has a bad port") from exc
        connection = _DeadlineConnection(parts.scheme, parts.hostname, port, deadline)
        try:
            conn = connection.open()
            conn.request("POST", target, body=body, headers=headers)
            response = conn.getresponse()
            if response.status != 200:
                hint = " (check LLM_API_KEY)" if response.status in (401, 403) else ""
                raise ModelError(f"HTTP {response.status} from the model server{hint}")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
                raise ModelError("the answer is too big")
            raw = response.read(self.max_response_bytes + 1)
            if len(raw) > self.max_response_bytes:
                raise ModelError("the answer is too big")
        except TimeoutError as exc:
            raise ModelError(f"no answer within {self.timeout:g} seconds") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise ModelError(f"request failed ({type(exc).__name__})") from exc
        finally:
            connection.close()
        try:
            return json.loads(raw)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise ModelError("the answer is not JSON") from exc


def shown_url(url: str) -> str:
    """``url`` without user name, password, query or fragment (where a secret could hide): safe
    to log and to show an admin."""
    parts = urlsplit(url.strip())
    try:
        host = f"{parts.hostname or ''}:{parts.port}" if parts.port else parts.hostname or ""
    except ValueError:  # a bad port
        host = parts.hostname or ""
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _endpoint(base_url: str) -> str:
    """``{base_url}/chat/completions``, a query (Azure's ``?api-version=``) kept at the end."""
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return urlunsplit(parts._replace(path=path))


# --- the prompt ------------------------------------------------------------------------------------


def post_text(post: SourcePost, limit: int = POST_TEXT_MAX) -> str:
    """The post as plain text for the prompt: summary and body sentences, then list items,
    whole sentences up to ``limit`` characters."""
    pieces = list(post.sentences) + [f"- {item}" for item in post.items]
    out: list[str] = []
    size = 0
    for piece in pieces:
        if size + len(piece) + 1 > limit:
            break
        out.append(piece)
        size += len(piece) + 1
    return "\n".join(out)


def _platform_lines(platforms: Sequence[str]) -> list[str]:
    lines = []
    for pid in platforms:
        spec, rule = PLATFORMS[pid], PLATFORM_RULES.get(pid)
        counting = spec.counting_note.replace(" The text is the post's title.", "")  # ours: the subject
        line = f'- "{pid}" ({spec.name}): at most {spec.limit:,} characters. {counting}'
        if spec.subject_limit:
            line += f" The subject: at most {spec.subject_limit} characters."
        if rule is not None:
            tags = "No hashtags" if not rule.hashtags else f"At most {rule.hashtags} hashtag"
            tags += "s" if rule.hashtags > 1 else ""
            line += f" {tags}. The link: {rule.link}. Form: {rule.form}."
        lines.append(line)
    return lines


def _trim(text: str, limit: int = GUIDANCE_MAX) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def build_prompt(
    post: SourcePost, platforms: Sequence[str], *, tone: str = "", guidance: Mapping[str, str] | None = None
) -> str:
    """The user message: the platforms and their rules, the post, its key point, the person's
    own words (to keep verbatim), the disclosure, hashtags, audience, language, tone of voice."""
    lines = ["Write a share text for each of these platforms:", *_platform_lines(platforms), ""]
    lines += [f"Post title: {post.title}", "", "Post (plain text, may be cut short):", post_text(post), ""]
    if post.key_point:
        lines += [f"Key point (build every text around it, lead with it): {post.key_point}", ""]
    if post.own_words:
        lines += [
            "The person's own words. Put them in every text word for word, exactly as written (for "
            "reddit in the title or the text), usually as the opener, then say what they refer to:",
            post.own_words,
            "",
        ]
    if post.disclosure:
        lines += [
            f"Disclosure: every text must contain {post.disclosure!r}; where hashtags are not "
            f"allowed write it as plain words instead of a hashtag.",
            "",
        ]
    if post.hashtags or post.topic_tag:
        tags = " ".join(t for t in (post.topic_tag, *post.hashtags) if t)
        lines += [f"Hashtags you may use (pick the fitting few): {tags}", ""]
    if post.audience:
        lines += [f"Audience: {post.audience}", ""]
    lines += [f"Write in this language (ISO 639-1 code): {post.language}", ""]
    if tone.strip():
        lines += ["Tone of voice, from the company's strategy:", _trim(tone), ""]
    for pid in platforms:
        said = (guidance or {}).get(pid, "").strip()
        if said:
            lines += [f"How we post on {PLATFORMS[pid].name}, from the strategy:", _trim(said), ""]
    lines.append('Answer with the JSON object only: {"texts": {...}}.')
    return "\n".join(lines)


# --- the answer ------------------------------------------------------------------------------------

_ALIASES = {"e-mail": "email", "mail": "email", "twitter": "x"}
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)
MAX_JSON_STARTS = 50  # places where an object could start that are tried, in prose around it
_FENCE = re.compile(r"```[A-Za-z0-9_-]*\s*\n?(.*?)```", re.DOTALL)


def _content_of(reply: Any) -> str:
    """``choices[0].message.content`` of a chat-completions reply, or ModelError."""
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ModelError("the answer is not a chat completion") from exc
    if not isinstance(content, str) or not content.strip():
        raise ModelError("the answer has no content")
    return content


def _load_object(content: str) -> Any:
    """The first JSON object or array in ``content``: in a code fence, the whole text, or the
    first one that parses among the text around it (a reasoning model's ``<think>`` left out)."""
    content = _THINK.sub("", content)
    decoder = json.JSONDecoder()
    for candidate in [m.group(1) for m in _FENCE.finditer(content)] + [content]:
        text = candidate.strip()
        try:
            return json.loads(text)
        except ValueError:
            pass
        starts = [i for i, ch in enumerate(text) if ch in "{["][:MAX_JSON_STARTS]
        for start in starts:
            try:
                value, _end = decoder.raw_decode(text, start)
            except ValueError:
                continue
            if value:
                return value
    raise ModelError("the model's text is not a JSON object")


def parse_texts(content: str, platforms: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """Platform -> (text, subject) from the model's answer, tolerant of code fences, prose
    around the object, ``{"texts": ...}`` or a bare mapping, a list of ``{"platform": ...}``
    entries, and platform names for ids. Entries of the wrong type are left out; ModelError
    when no platform has a text."""
    data = _load_object(content)
    if isinstance(data, dict):
        for key in ("texts", "platforms", "share_texts"):
            if key in data:
                data = data[key]
                break
    if isinstance(data, list):
        data = {
            e.get("platform"): e for e in data if isinstance(e, dict) and isinstance(e.get("platform"), str)
        }
    if not isinstance(data, dict):
        raise ModelError("the JSON has the wrong shape")
    wanted = {alias: pid for alias, pid in _ALIASES.items() if pid in platforms}
    wanted |= {pid: pid for pid in platforms} | {PLATFORMS[pid].name.casefold(): pid for pid in platforms}
    found: dict[str, tuple[str, str | None]] = {}
    for key, entry in data.items():
        pid = wanted.get(str(key).strip().casefold())
        if pid is None or pid in found:
            continue
        if isinstance(entry, str):
            found[pid] = (entry.strip(), None)
        elif isinstance(entry, dict) and isinstance(entry.get("text"), str):
            subject = entry.get("subject") if isinstance(entry.get("subject"), str) else None
            found[pid] = (entry["text"].strip(), " ".join(subject.split()) if subject else None)
    if not found:
        raise ModelError("the JSON has no text for any platform")
    return found


def make_proposal(
    post: SourcePost, platform: str, text: str, subject: str | None, *, source: str
) -> Proposal:
    """A ``Proposal`` from a model's text: ``{URL}`` becomes the post's link."""
    text = text.replace("\r\n", "\n").replace(URL_MARK, post.url)
    forms = disclosure_forms(post.disclosure)
    return Proposal(
        platform=platform,
        text=text,
        subject=subject,
        hashtags=tuple(find_hashtags(text)),
        disclosure_included=any(form in text for form in forms),
        source=source,
    )


_OTHER_LINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S")


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def problems(post: SourcePost, proposal: Proposal) -> list[str]:
    """What rules out a model's proposal: ``check_proposal``'s problems, the person's own words
    not there verbatim, the disclosure missing, a link other than the post's, ``{URL}`` left
    over, a subject too long."""
    found = check_proposal(post, proposal)
    text = proposal.text
    if post.own_words:
        places = [text, proposal.subject or ""] if proposal.platform == "reddit" else [text]
        if not any(_flat(post.own_words) in _flat(place) for place in places):
            found.append("the person's own words are missing")
    forms = disclosure_forms(post.disclosure)
    if forms and not any(form in text for form in forms):
        found.append("the disclosure is missing")
    if URL_MARK in text or _OTHER_LINK.search(text.replace(post.url, " ") if post.url else text):
        found.append("a link other than the post's")
    limit = PLATFORMS[proposal.platform].subject_limit if proposal.platform in PLATFORMS else None
    if proposal.subject and limit and grapheme_count(proposal.subject) > limit:
        found.append("the subject is too long")
    return found


# --- HTTP with one deadline ------------------------------------------------------------------------


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("out of time")
    return left


class _DeadlineReader(io.RawIOBase):
    """Reads from a socket, each read allowed only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """The parts of a socket http.client uses, each bounded by the deadline. Closing it is
    left to the connection's ``close_now`` (http.client closes the connection while the
    response is still reading from it)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_left(self._deadline))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineConnection:
    """An http.client connection whose every step (connect, TLS, send, each read) gets only the
    time left before ``deadline``."""

    def __init__(self, scheme: str, host: str, port: int | None, deadline: float) -> None:
        self.scheme, self.host, self.port, self.deadline = scheme, host, port, deadline
        self._conn: http.client.HTTPConnection | None = None
        self._sock: socket.socket | None = None

    def open(self) -> http.client.HTTPConnection:
        """The connection, connected, its socket bounded by the deadline."""
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        self._conn = cls(self.host, self.port, timeout=_left(self.deadline))
        self._conn.connect()
        self._sock = self._conn.sock
        self._conn.sock = _DeadlineSocket(self._sock, self.deadline)
        return self._conn

    def close(self) -> None:
        """Close the connection and its socket, whatever is still reading from it."""
        if self._conn is not None:
            self._conn.close()
        if self._sock is not None:
            self._sock.close()
