"""Domain errors raised by services. The API turns each into one JSON shape (docket.core.api)
and the CLI prints its message; neither needs to know which service raised it."""


class DocketError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DocketError):
    code = "invalid"


class NotFound(DocketError):
    status_code = 404
    code = "not_found"


class Forbidden(DocketError):
    status_code = 403
    code = "forbidden"


class Conflict(DocketError):
    status_code = 409
    code = "conflict"


class Locked(DocketError):
    status_code = 423
    code = "locked"


class TooLarge(DocketError):
    status_code = 413
    code = "too_large"


class UnsupportedPreview(DocketError):
    status_code = 415
    code = "unsupported_media_type"
