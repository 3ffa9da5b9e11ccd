"""The baseline of bench/public_http.py: Flask + Jinja and nothing else, rendering a post's title
and body (read from the file named by BENCH_BARE_PAGE: the title on the first line, then the body
HTML) in a small layout, on every request, from a template compiled once (as Flask keeps them)."""

import os
from pathlib import Path

from flask import Flask, render_template
from jinja2 import DictLoader

_title, _, _body = Path(os.environ["BENCH_BARE_PAGE"]).read_text(encoding="utf-8").partition("\n")
PAGE = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ title }}</title></head><body>"
        "<main><article><h1>{{ title }}</h1><div class=post-body>{{ body|safe }}</div></article></main></body></html>")

app = Flask(__name__)
app.jinja_loader = DictLoader({"post.html": PAGE})  # type: ignore[assignment]  # loaded and compiled once, as templates are


@app.get("/p/<int:post_id>")
def post(post_id: int) -> str:
    return render_template("post.html", title=_title, body=_body)
