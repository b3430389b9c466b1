"""What users send never turns into page markup, an error never shows its traceback, and no visitor can clear
the server's caches."""

import re
import string

import ui


def test_plain_escapes_every_markdown_sign_and_keeps_the_text():
    text = "![x](http://evil/x.png) <b>a_b</b> **c** :red[d] $e$ `f` # g | h ~ i \\ Hoàn Kiếm"
    shown = ui.plain(text)
    assert re.sub(r"\\(.)", r"\1", shown) == text  # Markdown reads a backslash-escaped sign as the sign itself
    unescaped = re.sub(r"\\.", "", shown)
    assert not set(unescaped) & set(string.punctuation)
    assert ui.plain("Phường Hoàn Kiếm 00070") == "Phường Hoàn Kiếm 00070"
