"""Readable files made of pieces, for the blob store: the decrypted chunks of an encrypted
blob (crypto.DecryptingReader), or bytes already read from a stream that cannot seek back."""

import io
from abc import abstractmethod
from typing import BinaryIO

__all__ = ["PieceReader", "PrefixedReader", "read_exactly"]

CHUNK_SIZE = 1024 * 1024


def read_exactly(stream: BinaryIO, n: int) -> bytes:
    """Up to n bytes, fewer only at the end: a network stream may return short reads."""
    parts, missing = [], n
    while missing > 0 and (part := stream.read(missing)):
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


class PieceReader(io.RawIOBase):
    """A forward-only binary file fed by _next_piece(). read(n) returns n bytes unless the end
    comes first, as a regular file does (callers read fixed-size chunks and count on it)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._piece = memoryview(b"")
        self._eof = False
        self._position = 0

    @abstractmethod
    def _next_piece(self) -> bytes:
        """The next piece of the stream; b"" at its end."""

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer: "bytearray | memoryview") -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            if not self._piece:
                if self._eof or not (piece := self._next_piece()):
                    self._eof = True
                    break
                self._piece = memoryview(piece)
            n = min(len(view) - filled, len(self._piece))
            view[filled : filled + n] = self._piece[:n]
            self._piece = self._piece[n:]
            filled += n
        self._position += filled
        return filled

    def readall(self) -> bytes:
        # One join instead of RawIOBase's 8 kB loop: read_bytes() of a large blob stays cheap.
        parts = [bytes(self._piece)]
        self._piece = memoryview(b"")
        while not self._eof:
            if piece := self._next_piece():
                parts.append(piece)
            else:
                self._eof = True
        data = b"".join(parts)
        self._position += len(data)
        return data

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class PrefixedReader(PieceReader):
    """Bytes already read from a stream that cannot seek back, then the rest of the stream."""

    def __init__(self, head: bytes, raw: BinaryIO) -> None:
        super().__init__(raw)
        self._head: bytes | None = head

    def _next_piece(self) -> bytes:
        if self._head is not None:
            head, self._head = self._head, None
            if head:
                return head
        return self._raw.read(CHUNK_SIZE)
