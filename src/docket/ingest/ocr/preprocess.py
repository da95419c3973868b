"""Page clean-up before recognition: any Pillow mode to 8-bit grey, blank-page detection, and
the page's layout angle (sideways or not, plus a small skew) from projection profiles.

Why projection profiles: on a page of horizontal text, the ink summed along each pixel row
comes in sharp bands (lines) separated by empty gaps; summed along columns it is smooth. The
angle (and the base orientation, 0 or 90) that makes the profile most peaked is the page's
layout. It costs ~50 ms on a downscaled page, needs no model and works for any script; it
cannot tell 0 from 180 (a flipped page has the same bands), which the engines decide."""

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

ANALYSIS_SIDE = 1000  # px: long side of the copy the angles are measured on
MAX_SKEW = 15.0  # degrees either way
MIN_SIDE = 16  # px: nothing smaller can hold a readable character
MAX_POINTS = 120_000  # ink pixels sampled for the profiles: enough for 0.1° precision


@dataclass(frozen=True)
class Layout:
    quarter: int  # 0 or 90: the text lines run across (0) or down (90) the page
    skew: float  # degrees, counter-clockwise as Image.rotate: rotate by -skew to level


def to_gray(image: Image.Image) -> np.ndarray:
    """Any Pillow image to a 2-D uint8 array, ink dark on light.

    Transparency is flattened onto white (a transparent PNG's "background" is usually black
    underneath); 16/32-bit and float images (scanner TIFFs) are stretched to their own range,
    because dividing by 257 would leave a 12-bit scan nearly black."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        pixels = np.asarray(image, dtype=np.float64)
        low, high = float(pixels.min()), float(pixels.max())
        if high <= low:
            return np.full(pixels.shape, 255, dtype=np.uint8)
        return np.round((pixels - low) * (255.0 / (high - low))).astype(np.uint8)
    if image.mode == "P":
        image = image.convert("RGBA")  # a palette may carry transparency
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    if image.mode not in ("L", "1", "RGB", "CMYK"):  # YCbCr, LAB, HSV …: through RGB
        image = image.convert("RGB")
    return np.asarray(image.convert("L"), dtype=np.uint8)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink pixels (True) on a downscaled page: darker than their neighbourhood by a margin.

    A local (adaptive) threshold, not Otsu's global one: under uneven lighting a global
    threshold calls a whole dim corner "ink", and that blob outweighs every text line. The
    median blur first erases salt-and-pepper specks."""
    smooth = cv2.medianBlur(gray, 3)
    binary = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 20
    )
    return binary > 0


def is_blank(gray: np.ndarray) -> bool:
    """No text can be on this page: too small, or too little contrast to hold any.

    A threshold always splits an image in two, even pure paper grain, so the test is on
    contrast: the darkest 0.01 % against the paper's median. Blank noisy scans measured 32-37
    grey levels, one line of text at 30 % of full contrast 62. A page judged blank is not read
    at all, so the bar is low: a false "not blank" only costs an engine run that finds nothing."""
    if min(gray.shape) < MIN_SIDE:
        return True
    small = cv2.medianBlur(_downscale(gray, ANALYSIS_SIDE), 3)
    paper = float(np.median(small))
    # 0.01 %: a single short line on an A4 page is ~0.05 % ink at this size.
    dark = float(np.percentile(small, 0.01))
    return paper - dark < 45


def _downscale(gray: np.ndarray, side: int) -> np.ndarray:
    scale = side / max(gray.shape)
    if scale >= 1:
        return gray
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def _profile_score(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    """How peaked the row profile is once the points are turned by `angle` degrees.

    Sum of squared bin counts: the same ink spread evenly scores low, gathered into narrow
    bands scores high."""
    theta = np.deg2rad(angle)
    rows = ys * np.cos(theta) - xs * np.sin(theta)
    bins = np.round(rows - rows.min()).astype(np.int64)
    counts = np.bincount(bins).astype(np.float64)
    return float(np.dot(counts, counts))


def _best_angle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Coarse 1° steps over ±MAX_SKEW, then 0.1° steps around the best: 52 projections."""
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0)
    scores = [_profile_score(xs, ys, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 1.0, best + 1.05, 0.1)
    scores = [_profile_score(xs, ys, a) for a in fine]
    index = int(np.argmax(scores))
    return float(np.clip(fine[index], -MAX_SKEW, MAX_SKEW)), scores[index]


def detect_layout(gray: np.ndarray) -> Layout:
    """Sideways or not, and the skew, measured on a ~1000 px copy of the page."""
    small = _downscale(gray, ANALYSIS_SIDE)
    ys, xs = np.nonzero(ink_mask(small))
    if len(xs) < 50:
        return Layout(0, 0.0)
    if len(xs) > MAX_POINTS:  # a fixed-seed sample keeps the result deterministic
        keep = np.random.default_rng(0).choice(len(xs), MAX_POINTS, replace=False)
        xs, ys = xs[keep], ys[keep]
    xs, ys = xs.astype(np.float64), ys.astype(np.float64)
    across_angle, across = _best_angle(xs, ys)
    # Text running down the page: swap the axes, so its lines become rows.
    down_angle, down = _best_angle(ys, xs)
    if down > across * 1.1:  # a clear margin: a table's grid can look a little like both
        # Swapping the axes is a mirror image, which flips the angle's sign once more: after
        # a clockwise quarter turn the skew is the angle found as it is.
        return Layout(90, round(down_angle, 1) + 0.0)  # + 0.0: no -0.0
    # Points turned by -skew line up, so the angle found is minus the skew.
    return Layout(0, round(-across_angle, 1) + 0.0)


def looks_upside_down(page: np.ndarray) -> bool | None:
    """A guess from the margins of a levelled page, for engines that can only tell 0° from
    180° by reading twice: most documents are set flush left with a ragged right edge, so the
    straight edge is the left one when the page is upright. None when the edges do not say
    (justified or centred text, fewer than three lines): read upright first."""
    small = _downscale(page, ANALYSIS_SIDE)
    ink = ink_mask(small)
    text_rows = ink.sum(axis=1) > max(2, small.shape[1] // 200)
    change = np.diff(np.concatenate([[0], text_rows.astype(np.int8), [0]]))
    lefts, rights = [], []
    for start, end in zip(np.flatnonzero(change == 1), np.flatnonzero(change == -1), strict=True):
        if end - start < 3:  # a speck or a rule, not a line of text
            continue
        columns = np.cumsum(ink[start:end].sum(axis=0))
        # The first and last 1 % of the band's ink: a stray speck does not move the edge.
        lefts.append(int(np.searchsorted(columns, columns[-1] * 0.01)))
        rights.append(int(np.searchsorted(columns, columns[-1] * 0.99)))
    if len(lefts) < 3:
        return None
    left_spread = float(np.median(np.abs(np.subtract(lefts, np.median(lefts)))))
    right_spread = float(np.median(np.abs(np.subtract(rights, np.median(rights)))))
    if left_spread * 3 + 1 < right_spread:
        return False
    if right_spread * 3 + 1 < left_spread:
        return True
    return None


def straighten(gray: np.ndarray, layout: Layout) -> np.ndarray:
    """Turn the page so its lines run across, level: quarter turns are exact (np.rot90), the
    skew is undone by one affine warp on a canvas grown to keep the corners, padded white."""
    if layout.quarter == 90:
        # Lines running down: which way round is for the engine to say (0 vs 180 later).
        gray = np.ascontiguousarray(np.rot90(gray, k=-1))
    if abs(layout.skew) < 0.2:  # below half a pixel over a 300-dpi line: leave it alone
        return gray
    return rotate_bound(gray, -layout.skew)


def rotate_bound(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees (Image.rotate's sense), growing the canvas."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        gray,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
