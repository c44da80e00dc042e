"""The GraphiQL page with its scripts and styles served by the application, not a public CDN.

Strawberry's template loads React, GraphiQL and its explorer plugin from unpkg.com, so the page
stays blank on a closed network. The same files, unchanged, are in web/vendor/graphiql/ (served
under /static); only the URLs are rewritten, so the template's integrity hashes still hold.
"""

from __future__ import annotations

import functools

from strawberry.http.ides import get_graphql_ide_html

VENDOR = "/static/vendor/graphiql/"

# CDN URL in Strawberry's template -> file in web/vendor/graphiql/ (versions in its README.md).
LOCAL_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


class TemplateChangedError(RuntimeError):
    """Strawberry's template no longer names the files vendored here."""


@functools.cache
def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    for url, name in LOCAL_FILES.items():
        if url not in html:
            raise TemplateChangedError(
                f"Strawberry's GraphiQL template no longer loads {url}: update "
                "web/vendor/graphiql/ and schema/graphiql.py to the versions it names"
            )
        html = html.replace(url, VENDOR + name)
    return html
