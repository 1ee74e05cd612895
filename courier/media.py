"""The app's media store: signatures and photos, under the current app's MEDIA_DIR."""
from flask import current_app

from .domain.storage import MediaStore


def media_store() -> MediaStore:
    """The store the current app keeps its media in; needs an app context."""
    return MediaStore(current_app.config["MEDIA_DIR"])
