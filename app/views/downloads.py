"""Files sent for download under a Russian name: the UTF-8 name (`filename*`, RFC 6266) for the
browsers, and a readable transliterated ASCII one (`filename`) for the clients that know no
other (mail programs, old download managers, curl -J)."""
from urllib.parse import quote

from flask import send_file

from app.domain.words import transliterate


def disposition(name):
    ascii_name = transliterate(name).replace('"', "").replace("\\", "") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_download(data, mimetype, name):
    """`data` (a file object or a path) as an attachment called `name`."""
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Content-Disposition"] = disposition(name)
    return response
