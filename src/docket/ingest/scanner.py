"""Docket's own "scanned page": known contract-like Chinese text rendered onto an A4 page, made
clean, noisy, turned or skewed, for the OCR tests and benchmark. Deterministic for a seed, so a
test failure can be reproduced pixel for pixel.

Needs a CJK font from Debian (fonts-noto-cjk, else fonts-wqy-zenhei); only tests and benchmarks
use this module, never the running app."""

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docket.documents.text import normalise

# (path, face index for simplified, face index for traditional): Noto's .ttc holds SC and TC
# faces, so traditional lines get Taiwan-style glyphs as a real 繁體 document would.
FONT_CANDIDATES: list[tuple[str, int, int]] = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, 3),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, 3),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 0),
]

A4_MM = (210, 297)
MARGIN_MM = 25

COMPANIES = [
    "上海ABC贸易有限公司",
    "北京华信科技有限公司",
    "广州恒达物流有限公司",
    "深圳市联创电子有限公司",
    "杭州西湖食品有限公司",
    "成都天府建材有限公司",
]
CLAUSES = [
    "第一条 乙方应按本合同约定的时间和地点交付货物。",
    "第二条 甲方应在收到发票后三十日内支付全部货款。",
    "第三条 货物的质量标准按国家标准执行。",
    "第四条 任何一方违约，应向对方支付违约金。",
    "第五条 因不可抗力不能履行合同的，双方互不承担责任。",
    "第六条 本合同一式两份，甲乙双方各执一份。",
    "第七条 争议由合同签订地人民法院管辖。",
]
TRADITIONAL = [
    "本合約經雙方簽署後生效。",
    "臺灣分公司負責售後服務與維護。",
    "買賣雙方應當遵守國家法律法規。",
    "貨款應於驗收合格後一次付清。",
    "違約責任依照相關條款處理。",
]
ENGLISH = [
    "Payment terms: 30 days after delivery.",
    "Signed in Shanghai on January 1, 2023.",
    "Delivery: FOB Shanghai, Incoterms 2020.",
    "This contract is made in two copies.",
]

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]


@dataclass(frozen=True)
class Font:
    path: str
    simplified: int
    traditional: int


@cache
def find_font() -> Font:
    for path, simplified, traditional in FONT_CANDIDATES:
        if Path(path).exists():
            return Font(path, simplified, traditional)
    raise RuntimeError("no CJK font: apt-get install fonts-noto-cjk (or fonts-wqy-zenhei)")


def amount_in_words(yuan: int) -> str:
    """128000 -> 壹拾贰万捌仟元整: the 大写 amount a Chinese contract carries (whole yuan)."""
    if yuan == 0:
        return "零元整"
    groups = []  # 4-digit groups, lowest first: 万 and 亿 are group units
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    words = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(words)
            continue
        part = ""
        for position in range(3, -1, -1):
            digit = group // 10**position % 10
            if digit:
                if need_zero:
                    part += "零"
                part += DIGITS[digit] + UNITS[position]
                need_zero = False
            elif part or words:
                need_zero = True
        words += part + ["", "万", "亿"][index]
    return f"{words}元整"


def contract_lines(seed: int = 0, *, traditional: bool = True, english: bool = True) -> list[str]:
    """About twenty lines of a purchase contract; the first page (seed 0) carries the example
    values from the issue (上海ABC贸易有限公司, ¥128,000.00, 2023年1月1日)."""
    rng = random.Random(seed)
    buyer = COMPANIES[0] if seed == 0 else rng.choice(COMPANIES)
    seller = rng.choice([c for c in COMPANIES if c != buyer])
    amount = 128000 if seed == 0 else rng.randrange(10, 990) * 1000 + rng.choice([0, 500])
    year, month, day = (2023, 1, 1) if seed == 0 else (rng.randint(2018, 2024), *_month_day(rng))
    lines = [
        "购销合同",
        f"合同编号：HT-{year}-{rng.randint(1, 999):04d}",
        f"甲方：{buyer}",
        f"乙方：{seller}",
        f"合同金额：¥{amount:,.2f}",
        f"大写：人民币{amount_in_words(amount)}",
        f"签订日期：{year}年{month}月{day}日",
        *rng.sample(CLAUSES, 5),
    ]
    if traditional:
        lines += rng.sample(TRADITIONAL, 3)
    if english:
        lines += [f"Contract No. HT-{year}-{rng.randint(1000, 9999)}", *rng.sample(ENGLISH, 2)]
    lines.append("甲方（盖章）：          乙方（盖章）：")
    return lines


def _month_day(rng: random.Random) -> tuple[int, int]:
    return rng.randint(1, 12), rng.randint(1, 28)


def _is_traditional(line: str) -> bool:
    return line in TRADITIONAL


def render_page(
    *,
    seed: int = 0,
    dpi: int = 300,
    noisy: bool = False,
    rotation: int = 0,
    skew: float = 0.0,
    lines: Sequence[str] | None = None,
    traditional: bool = True,
    english: bool = True,
    body_pt: float = 12,
) -> tuple[Image.Image, str]:
    """An A4 page ("L" mode) and its ground-truth text (normalised, one line per line).

    rotation: counter-clockwise degrees (0/90/180/270, PIL's Image.rotate convention): the page
    as it was fed upside down or sideways. skew: a small counter-clockwise angle in degrees, as
    a page put crookedly on the glass. body_pt: the body text size (the title is 1.5 times it)."""
    if rotation % 90:
        raise ValueError("rotation must be a multiple of 90")
    if lines is None:
        lines = contract_lines(seed, traditional=traditional, english=english)
    font = find_font()
    px_per_mm = dpi / 25.4
    width, height = (round(mm * px_per_mm) for mm in A4_MM)
    margin = round(MARGIN_MM * px_per_mm)
    body_px = round(body_pt / 72 * dpi)  # 12 pt body, 18 pt title: an ordinary office document
    title_px = round(body_pt * 1.5 / 72 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for index, line in enumerate(lines):
        size = title_px if index == 0 else body_px
        face = font.traditional if _is_traditional(line) else font.simplified
        ttf = ImageFont.truetype(font.path, size, index=face)
        text_width = draw.textlength(line, font=ttf)
        # The title is centred as on a real contract; body lines start at the left margin.
        x = (width - text_width) / 2 if index == 0 else margin
        draw.text((x, y), line, font=ttf, fill=0)
        y += round(size * 1.9)
        if y > height - margin:
            raise ValueError("too many lines for one page")
    truth = normalise("\n".join(lines))

    rng = np.random.default_rng(seed)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if noisy:
        image = _degrade(image, rng)
    if rotation % 360:
        image = image.rotate(rotation, expand=True)  # multiples of 90: lossless transpose
    return image, truth


def _degrade(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A cheap office scanner: slight blur, uneven lighting, sensor noise, dust specks, JPEG."""
    image = image.filter(ImageFilter.GaussianBlur(radius=1.2))
    pixels = np.asarray(image, dtype=np.float32)
    h, w = pixels.shape
    # Lighting falls off towards one corner, to about 70 %: the lid was not closed.
    fall = rng.uniform(0.25, 0.35)
    across = np.linspace(0, 0.6, w, dtype=np.float32)[np.newaxis, :]
    down = np.linspace(0, 0.4, h, dtype=np.float32)[:, np.newaxis]
    light = 1.0 - fall * (across + down)
    pixels = pixels * light + (1 - light) * 40  # darker paper, not only darker ink
    pixels += rng.standard_normal(size=pixels.shape, dtype=np.float32) * 14
    specks = rng.random(size=pixels.shape, dtype=np.float32)
    pixels[specks < 0.001] = 0  # pepper
    pixels[specks > 0.999] = 255  # salt
    degraded = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    degraded.save(buffer, "JPEG", quality=35)
    buffer.seek(0)
    return Image.open(buffer).convert("L")
