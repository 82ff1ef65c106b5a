"""A small HTTP client for the benchmark (standard library only): token or session
requests to the app on loopback, as behind a TLS-terminating proxy."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    seconds: float
    queries: int | None
    body: bytes
    request: str = ""  # "POST /api/v1/repair-orders/{id}/sign/"

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, port: int, *, token: str = "", store: str = ""):
        self.port, self.token, self.store = port, token, store
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data=None, *, form: bool = False,
                headers: dict | None = None) -> Reply:
        head = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.token:
            head["Authorization"] = f"Token {self.token}"
        if self.store:
            head["X-Store"] = self.store
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            if form:
                body = urllib.parse.urlencode(data).encode()
                head["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                head["Content-Type"] = "application/json"
        head.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=head)
        response = connection.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        queries = response.headers.get("X-SQL-Queries")
        endpoint = re.sub(r"/\d+/", "/{id}/", path.split("?", 1)[0])
        return Reply(response.status, seconds, int(queries) if queries else None, content,
                     f"{method} {endpoint}")

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data=None) -> Reply:
        return self.request("POST", path, data or {})

    def login(self, username: str, password: str) -> None:
        """A page session through the login form (CSRF token and referer as a browser)."""
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise RuntimeError(f"no login form ({page.status})")
        reply = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1).decode(), "username": username,
            "password": password}, form=True,
            headers={"Referer": f"https://127.0.0.1:{self.port}/accounts/login/"})
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed ({reply.status})")
