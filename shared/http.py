"""The Flask base every service is built on: OpenAPI (flask-smorest), RFC 9457 problem+json errors in the
reader's language, request ids, health and readiness endpoints, ETags, and authentication errors mapped to
401/403.

It is also the edge where what no service can use is refused before a view runs: JSON nested too deeply
(400), control characters in any JSON string or query parameter (422 naming the field), a body that is not
JSON sent to a view that reads JSON (415). Behind ``PUENTE_PROXY_HOPS`` trusted proxies the forwarded scheme
counts, and a response over TLS carries HSTS. An unexpected error is logged by its class and frames only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from apispec import BasePlugin
from flask import Flask, current_app, g, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import inputs
from shared.auth import Authenticator, AuthError, Forbidden
from shared.context import reset_correlation_id, sanitize_correlation_id, set_correlation_id
from shared.db import is_unique_violation
from shared.errors import (
    AlreadyExists,
    ApiError,
    BadRequest,
    Conflict,
    FieldIssue,
    Invalid,
    PreconditionFailed,
    PreconditionRequired,
)
from shared.errors import etag as etag  # re-exported: views set ETags from here
from shared.i18n import DEFAULT_LANGUAGE, LANGUAGE_COOKIE, LANGUAGES, N_, translate, translate_field_reason
from shared.logs import describe_error, safe_traceback
from shared.problem_page import prefers_html, problem_page

log = logging.getLogger("puente.http")

PROBLEM = "application/problem+json"
Check = Callable[[], None]


def _pointer(path: list[str]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def flatten_errors(messages, prefix=()) -> list[dict[str, str]]:
    """Turn marshmallow/webargs error messages into ``[{pointer, reason}]`` (JSON Pointer per RFC 6901)."""
    out: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = prefix if key == "_schema" else (*prefix, key)
            out += flatten_errors(value, path)
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, Mapping | list | tuple):
                out += flatten_errors(item, prefix)
            else:
                out.append({"pointer": _pointer(list(prefix)), "reason": str(item)})
    else:
        out.append({"pointer": _pointer(list(prefix)), "reason": str(messages)})
    return out


def language() -> str:
    """Return the language the caller reads: ``?lang=``, else the one chosen on the portal, else Accept-Language."""
    for asked in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


IF_MATCH_REQUIRED = N_("Send If-Match with the ETag of the version you read.")
IF_MATCH_UNKNOWN = N_("If-Match does not name a version of this resource.")


def if_match_version() -> int:
    """Return the version the request's If-Match names; raise 428 when it is missing, 412 when it names none.

    Accepts ``"3"``, ``W/"3"`` and ``3``; a list names no single version, ``*`` names no version.
    """
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise PreconditionRequired("if_match_required", IF_MATCH_REQUIRED)
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed("if_match_unknown", IF_MATCH_UNKNOWN)
    return int(value)


# Titles of the HTTP errors the services answer, for the catalogues.
_TITLES = {
    400: N_("Bad Request"), 401: N_("Unauthorized"), 403: N_("Forbidden"), 404: N_("Not Found"),
    405: N_("Method Not Allowed"), 406: N_("Not Acceptable"), 409: N_("Conflict"),
    412: N_("Precondition Failed"), 413: N_("Request Entity Too Large"), 415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Entity"), 428: N_("Precondition Required"), 429: N_("Too Many Requests"),
    500: N_("Internal Server Error"), 503: N_("Service Unavailable"),
}
INVALID_FIELDS = N_("One or more fields are invalid; see errors.")
JSON_EXPECTED = N_("Send the body as JSON, with the header Content-Type: application/json.")
ALREADY_EXISTS = N_("This conflicts with something that already exists.")
HSTS = "max-age=31536000; includeSubDomains"
_BODY_METHODS = ("POST", "PUT", "PATCH")


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def _reads_json_body() -> bool:
    """Return whether the view of this request loads its body as JSON (a flask-smorest ``arguments`` in json)."""
    view = current_app.view_functions.get(request.endpoint or "")
    documented = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(isinstance(p, Mapping) and p.get("in") == "json" for p in documented)


def refuse_unusable_input() -> None:
    """Refuse, before the view runs, a request whose parameters or JSON body no service could use.

    Answers 404 for a control character in a path parameter (no resource has such an id), and raises
    :class:`Invalid` (422, one issue per field) for control characters in a query parameter or in a
    JSON string a view loads, :class:`BadRequest` (400) for JSON nested deeper than
    :data:`shared.inputs.MAX_DEPTH`, and :class:`UnsupportedMediaType` (415) for another body sent to a view
    that reads JSON.
    """
    if any(isinstance(v, str) and inputs.CONTROL.search(v) for v in (request.view_args or {}).values()):
        raise NotFound()  # no resource has such an id; a NUL would make PostgreSQL fail the lookup
    issues = [FieldIssue(f"/{name}", inputs.CONTROL_CHARACTERS) for name, values in request.args.lists()
              if inputs.CONTROL.search(name) or any(inputs.CONTROL.search(v) for v in values)]
    if issues:
        raise Invalid("control_characters", INVALID_FIELDS, issues=issues)
    if request.method not in _BODY_METHODS:
        return
    if not _is_json(request.mimetype):
        if _reads_json_body() and (request.content_length or request.mimetype):
            raise UnsupportedMediaType("json_expected", JSON_EXPECTED)
        return
    try:
        body = inputs.loads(request.get_data(cache=True))
    except inputs.TooDeep as exc:
        raise BadRequest("json_too_deep", inputs.TOO_DEEP, max=exc.max_depth) from None
    except ValueError:
        return  # malformed JSON: the view's parser answers 400 with its position
    # A view that reads its body itself (a bulk feed) reports such characters row by row instead.
    issues = inputs.control_issues(body) if _reads_json_body() else []
    if issues:
        raise Invalid("control_characters", INVALID_FIELDS, issues=issues)


class UnsupportedMediaType(ApiError):
    """The body is not in a format the view reads."""

    status = 415
    title = N_("Unsupported Media Type")


def problem(status: int, title: str, detail: str | None = None, *, type_: str = "about:blank",
            errors: list[dict[str, str]] | None = None, headers: Mapping[str, str] | None = None):
    """Build an RFC 9457 problem+json response, or its HTML page for a browser (Accept prefers text/html)."""
    body = {"type": type_, "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    if prefers_html(request.accept_mimetypes):
        response = problem_page(body, language())
    else:
        response = jsonify(body)
        response.mimetype = PROBLEM
    response.status_code = status
    response.vary.add("Accept")
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


class FieldError(Schema):
    pointer = fields.String(metadata={"description": "JSON Pointer (RFC 6901) to the field"})
    reason = fields.String(metadata={"description": "Why the value was refused"})


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldError))


# The refusals every operation may answer, by what the operation takes (see ProblemResponses).
_REFUSALS = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
             412: "PRECONDITION_FAILED", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "UNPROCESSABLE_ENTITY",
             428: "PRECONDITION_REQUIRED"}


EXTRA_PARAMETERS = "x-puente-extra-parameters"


def extra_parameters(*parameters: Mapping) -> dict:
    """Return ``doc()`` keywords that add header parameters to an operation beside its schemas' parameters.

    Use ``@blp.doc(**extra_parameters(...))`` rather than ``@blp.doc(parameters=[...])``, which would drop the
    query parameters an ``@blp.arguments`` schema documents.
    """
    return {EXTRA_PARAMETERS: list(parameters)}


class ProblemResponses(BasePlugin):
    """Document on every operation the problem+json refusals the shared edge and the use cases may answer.

    Each by what makes it possible, so a client (and the fuzzer, which holds the API to its document) knows
    them: 401 and 403 where a token is needed, 404 where the path names something, 400 and 415 for a JSON body
    (malformed or nested too deeply; another format), 409 for any write (what it collides with, a unique value
    taken meanwhile), 422 for a body or query a schema checks, 412 and 428 where ``If-Match`` is asked for.
    """

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            # Headers documented with ``extra_parameters`` join the ones the view's schemas give (a manual
            # ``parameters`` list would replace them: flask-smorest merges lists by replacing).
            extra = operation.pop(EXTRA_PARAMETERS, [])
            if extra:
                operation.setdefault("parameters", []).extend(extra)
            responses = operation.setdefault("responses", {})
            params = operation.get("parameters", [])
            codes = set()
            if operation.get("security"):
                codes |= {401, 403}
            if path and "{" in path:
                codes.add(404)
            if "requestBody" in operation:
                codes |= {400, 415, 422}
            if method in ("post", "put", "patch", "delete"):
                codes.add(409)
            if any(isinstance(p, Mapping) and p.get("in") == "query" for p in params):
                codes.add(422)
            if any(isinstance(p, Mapping) and p.get("in") == "header" and p.get("name") == "If-Match"
                   for p in params):
                codes |= {412, 428}
            for code in sorted(codes):
                responses.setdefault(str(code), _REFUSALS[code])


# What the edge refuses in any text (inputs.CONTROL), said in the documents as a pattern every string field without
# one of its own carries, so that clients and the fuzzer know it: C0 and C1 controls except tab and line breaks,
# DEL, and lone surrogates.
NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
IF_MATCH_DOC = [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
                 "description": "The ETag of the version you read (428 without it, 412 for another version)"}]


def no_control_characters(self, field, **kwargs) -> dict:
    """Return the pattern of a documented string field that has no pattern, enum or format of its own."""
    from marshmallow import fields as ma_fields

    if not isinstance(field, ma_fields.String) or isinstance(field, ma_fields.Email | ma_fields.Url | ma_fields.UUID):
        return {}
    if any(type(v).__name__ in ("Regexp", "OneOf") for v in getattr(field, "validators", [])):
        return {}
    return {"pattern": NO_CONTROL_CHARACTERS}


class ProblemApi(Api):
    """flask-smorest's Api with every HTTP error rendered (and documented) as problem+json."""

    ERROR_SCHEMA = Problem

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(no_control_characters)

    def _register_responses(self):
        default, self.DEFAULT_RESPONSE_CONTENT_TYPE = self.DEFAULT_RESPONSE_CONTENT_TYPE, PROBLEM
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = default

    def handle_http_exception(self, error: HTTPException):
        """Render an HTTP error as problem+json in the reader's language; never a stack trace."""
        lang = language()
        data = getattr(error, "data", None) or {}
        errors = None
        if "errors" in data or "messages" in data:
            messages = data.get("errors", data.get("messages"))
            # webargs nests messages under the request location ("json", "query", ...): drop that level.
            if isinstance(messages, Mapping) and set(messages) <= {"json", "query", "form", "headers", "files"}:
                errors = []
                for location_messages in messages.values():
                    errors += flatten_errors(location_messages)
            else:
                errors = flatten_errors(messages)
            for item in errors:
                item["reason"] = translate_field_reason(item["reason"], lang)
        status = error.code or 500
        detail = data.get("message") or (error.description if status != 422 else translate(INVALID_FIELDS, lang))
        title = translate(_TITLES[status], lang) if status in _TITLES else error.name
        headers = {**(data.get("headers") or {}), "Content-Language": lang}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110: a 405 says what the resource allows
        return problem(status, title, detail, errors=errors, headers=headers)

    def handle_api_error(self, error: ApiError):
        """Render a use case's refusal as problem+json in the reader's language."""
        lang = language()
        reason = translate(error.message, lang, **error.params)
        headers = {**error.headers, "Content-Language": lang}
        if isinstance(error, AlreadyExists) and error.existing_id and "Location" not in headers:
            # What the request collides with lives in the same collection: the one a create is posted to,
            # or the one holding the resource a change is sent to.
            path = request.path.rstrip("/")
            collection = path if request.method == "POST" else path.rsplit("/", 1)[0]
            headers["Location"] = f"{request.script_root}{collection}/{error.existing_id}"
        if error.issues:
            errors = [{"pointer": i.pointer, "reason": translate(i.message, lang, **i.params)} for i in error.issues]
            return problem(error.status, translate(error.title, lang), reason, errors=errors, headers=headers)
        errors = [{"pointer": error.pointer, "reason": reason}] if error.pointer is not None else None
        return problem(error.status, translate(error.title, lang), None if errors else reason, errors=errors,
                       headers=headers)


def create_service_app(name: str, *, authenticator: Authenticator, readiness: Mapping[str, Check] | None = None,
                       config: Mapping | None = None, api_version: str = "1.0.0") -> tuple[Flask, ProblemApi]:
    """Create the Flask app and OpenAPI registry of one service, with health, readiness and errors wired."""
    app = Flask(f"puente.{name}")
    app.config.update(
        API_TITLE=f"Puente {name} API",
        API_VERSION=api_version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    app.config.update(config or {})
    hops = int(app.config.get("PUENTE_PROXY_HOPS") or 0)
    if hops:
        # Only when a proxy is configured: otherwise any client could claim TLS or another address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.extensions["puente.auth"] = authenticator
    app.extensions["puente.readiness"] = dict(readiness or {})
    api = ProblemApi(app, spec_kwargs={
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "extra_plugins": [ProblemResponses()],
    })

    @app.before_request
    def _request_id():
        g.request_started = time.perf_counter()
        g.request_id = sanitize_correlation_id(request.headers.get("X-Request-ID"))
        g.correlation_token = set_correlation_id(g.request_id)
        if request.path.startswith("/api/"):
            refuse_unusable_input()

    @app.after_request
    def _log_and_tag(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path not in ("/healthz", "/readyz"):
            log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 2),
            })
        return response

    @app.teardown_request
    def _reset(_exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            reset_correlation_id(token)

    app.register_error_handler(ApiError, api.handle_api_error)

    @app.errorhandler(AuthError)
    def _unauthorized(exc):
        lang = language()
        return problem(401, translate(_TITLES[401], lang), translate(exc.message, lang, **exc.params), headers={
            "WWW-Authenticate": 'Bearer realm="puente"', "Content-Language": lang})

    @app.errorhandler(Forbidden)
    def _forbidden(exc):
        lang = language()
        return problem(403, translate(_TITLES[403], lang), translate(exc.message, lang, **exc.params),
                       headers={"Content-Language": lang})

    @app.errorhandler(IntegrityError)
    def _integrity(exc):
        if is_unique_violation(exc):  # a race the use case's own check could not see: still a conflict
            return api.handle_api_error(Conflict("already_exists", ALREADY_EXISTS))
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return api.handle_http_exception(exc)
        # Never the message: a database error's message holds the statement's values and the row's keys.
        log.error("unhandled error: %s", describe_error(exc), extra={"stack": safe_traceback(exc)})
        return api.handle_http_exception(InternalServerError())

    @app.get("/healthz")
    def healthz():
        """Report that the process is alive."""
        return {"status": "ok", "service": name}

    @app.get("/readyz")
    def readyz():
        """Report whether every dependency (database, bus) answers; 503 if one does not."""
        results, ready = {}, True
        for check_name, check in current_app.extensions["puente.readiness"].items():
            try:
                check()
                results[check_name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                results[check_name] = f"failing: {type(exc).__name__}"
                ready = False
        body = {"status": "ready" if ready else "not ready", "service": name, "checks": results}
        return body, 200 if ready else 503

    return app, api
