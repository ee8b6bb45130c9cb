"""CSV downloads shared by the areas that offer them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]],
                 filename: str) -> Response:
    """Return rows as a CSV attachment, UTF-8 with a BOM so spreadsheets read Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
