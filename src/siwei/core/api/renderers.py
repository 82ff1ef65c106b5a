"""Renderers for endpoints that answer with a file (a PDF, an Excel workbook): the view
returns the file's bytes as they are; an error it raises still reaches the client as
JSON, whatever format was asked for."""

from __future__ import annotations

import json

from rest_framework import renderers


class FileRenderer(renderers.BaseRenderer):
    """Base of a file format: a subclass names ``media_type`` and ``format``."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode()
