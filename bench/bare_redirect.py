"""The baseline of bench/share_redirect.py: a bare Flask app that only answers 302."""

from flask import Flask, redirect

app = Flask(__name__)


@app.get("/s/<code>")
def follow(code: str):
    return redirect(f"http://127.0.0.1/p/1-post?utm_content={code}", 302)
