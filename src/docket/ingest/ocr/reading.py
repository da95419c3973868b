"""Reading order: recognised boxes, in whatever order the engine found them, into lines of
text, top to bottom, each line left to right.

The page has been levelled before recognition, so a line is a horizontal band: a box joins
the line whose vertical centre it shares (within half the smaller box height). This is the
simple rule for single-column documents (contracts, invoices, letters); two columns side by
side come out interleaved line by line, which is a known limit."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """A recognised piece of text and where it is on the levelled page."""

    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float  # 0..1

    @classmethod
    def from_points(cls, points: np.ndarray | Sequence, text: str, score: float) -> "Box":
        array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        (left, top), (right, bottom) = array.min(axis=0), array.max(axis=0)
        return cls(float(left), float(top), float(right), float(bottom), text, float(score))

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes into lines, top to bottom; each line's boxes left to right."""
    lines: list[list[Box]] = []
    middles: list[float] = []  # running mean of each line's box middles
    heights: list[float] = []
    for box in sorted(boxes, key=lambda b: (b.middle, b.left)):
        # Only the last few lines can take this box: boxes come in order of their middles.
        for index in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            if abs(box.middle - middles[index]) < min(box.height, heights[index]) / 2:
                line = lines[index]
                line.append(box)
                middles[index] += (box.middle - middles[index]) / len(line)
                heights[index] = max(heights[index], box.height)
                break
        else:
            lines.append([box])
            middles.append(box.middle)
            heights.append(box.height)
    return [sorted(line, key=lambda b: b.left) for line in lines]


def _is_cjk(char: str) -> bool:
    """Characters written without spaces around them: Han, kana, hangul, full-width forms."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_line(line: Sequence[Box]) -> str:
    """One line's text. Neighbouring pieces get a space when they are Latin words (the engine
    split at a word gap) or far apart (two fields on one line, 甲方 … 乙方); Chinese pieces
    close together are one run of text, and a space there would be wrong."""
    text = ""
    previous: Box | None = None
    for box in line:
        piece = box.text.strip()
        if not piece:
            continue
        if previous is not None and text:
            gap = box.left - previous.right
            # The taller of the two is the line's height: a lone 一 or 。 is only a few
            # pixels high, and measuring the gap by it would split a Chinese run apart.
            height = max(box.height, previous.height)
            latin = not _is_cjk(text[-1]) and not _is_cjk(piece[0])
            if gap > 1.0 * height or (latin and gap > 0.15 * height):
                text += " "
        text += piece
        previous = box
    return text


def lines_text(boxes: Sequence[Box]) -> str:
    """The page's text: one line per line of boxes, empty lines dropped."""
    lines = (join_line(line) for line in group_lines(boxes))
    return "\n".join(line for line in lines if line)
