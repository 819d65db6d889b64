"""Downloads read while they are sent: the request's session goes with the response.

A large download (every brand of an account as CSV) is sent as it is read instead of
being built whole in memory first. Its pieces are read in the request's read transaction,
so the file shows one moment's data; the session then belongs to the response, which
closes it after the last piece or as soon as the download is dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, after_this_request, g, stream_with_context
from sqlalchemy.orm import Session

from crm.database import db_session


def read_while_sent(read: Callable[[Session], Iterator[str]]) -> Iterator[str]:
    """The pieces `read(session)` gives: the first read now, the rest as they are sent.

    The first piece is read before the response starts, so a failing query is an error
    page rather than a cut file. Call this last in the view: from here on the request's
    end no longer closes the session, the response does.
    """
    session = db_session()
    g.pop("db_session")
    pieces = _closing(session, read(session))
    first = next(pieces)  # a failure here has closed the session already (see _closing)

    @after_this_request
    def close_with_the_response(response: Response) -> Response:
        # A download dropped before its first byte never runs the body below: the server
        # still closes the response, and that closes the session.
        response.call_on_close(pieces.close)
        return response

    def body() -> Iterator[str]:
        yield first
        yield from pieces  # closing the body closes the pieces, and so the session

    return stream_with_context(body())


def _closing(session: Session, pieces: Iterator[str]) -> Iterator[str]:
    try:
        yield from pieces
    finally:
        session.close()


def csv_pieces(
    header: Sequence[str], rows: Iterable[Sequence[str]], batch: int = 500
) -> Iterator[str]:
    """CSV text for `header` and `rows`, a piece every `batch` rows (cells as given)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow(row)
        if number % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_download(body: str | Iterator[str], filename: str) -> Response:
    """A CSV attachment, whole or in pieces, after a BOM so that Excel reads it as UTF-8."""
    return Response(
        "\ufeff" + body if isinstance(body, str) else _after_a_bom(body),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _after_a_bom(pieces: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from pieces  # closing the download closes the pieces
