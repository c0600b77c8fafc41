"""How the portal's clients reach another service: over HTTP, or its app in this same process."""

from __future__ import annotations

import json

import requests
from flask import has_request_context, request
from werkzeug.test import Client

from services.portal.ports import Reply, ServiceUnavailable

BASE = "/api/v1"


def _json(content: bytes):
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


class HttpTransport:
    """Calls a service over HTTP (distributed mode)."""

    def __init__(self, base_url: str, timeout_s: float = 10.0):
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.http = requests.Session()

    def __call__(self, method, path, headers, params, body) -> Reply:
        try:
            response = self.http.request(method, self.base_url + path, headers=headers, params=params, json=body,
                                         timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ServiceUnavailable(str(exc)) from None
        return Reply(response.status_code, _json(response.content), response.headers.get("ETag"),
                     response.headers.get("Location"))


class WsgiTransport:
    """Calls a service's app living in the same process (embedded mode): one port serves everything."""

    def __init__(self, app):
        self.client = Client(app)

    def __call__(self, method, path, headers, params, body) -> Reply:
        # The browser's host, so the links a service makes (a job page's address) are the ones the person uses.
        base_url = request.host_url if has_request_context() else None
        response = self.client.open(path, method=method, headers=headers, query_string=params, json=body,
                                    base_url=base_url)
        return Reply(response.status_code, _json(response.get_data()), response.headers.get("ETag"),
                     response.headers.get("Location"))


class ServiceClient:
    """A JSON client of one service over a transport: the caller's token and language on every call."""

    service = "a service"

    def __init__(self, transport):
        self.transport = transport

    def _call(self, method: str, path: str, token: str, lang: str, *, params: dict | None = None,
              body: dict | None = None, headers: dict | None = None) -> Reply:
        sent = {"Authorization": f"Bearer {token}", "Accept-Language": lang, "Accept": "application/json",
                **(headers or {})}
        reply = self.transport(method, BASE + path, sent, {k: v for k, v in (params or {}).items() if v is not None},
                               body)
        if reply.status >= 500:
            raise ServiceUnavailable(f"{self.service} answered {reply.status}")
        return reply
