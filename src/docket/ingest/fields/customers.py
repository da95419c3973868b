"""Which customer(s) a text names.

A company is written many ways: 上海ABC贸易有限公司 in the header, 上海ABC贸易 in a sentence,
ABC贸易 once the city is clear, 上海ＡＢＣ贸易股份有限公司 by someone who got the legal form wrong.
Each customer name yields variants, from the most to the least specific, each with a score:

    the full name                                  1.0
    without the legal form (有限公司, 集团, ...)     0.9   上海ABC贸易
    and without the leading region                  0.75  ABC贸易
    region + brand, without the line of business    0.6   上海ABC
    the name without its legal form, with typos     0.85 x similarity (names of 6+ characters)

Text and names are compared after NFKC, case folding and removing spaces and punctuation, so
full-width and half-width forms are the same. A hit inside a longer hit of another customer
does not count (上海华信 inside 上海华信科技有限公司 is not a mention of 上海华信贸易).
Person names (no legal form, four characters or fewer) only match in full.

Cost: one `str.find` pass per variant (C speed), so a few thousand customers over a typical
document take milliseconds; build a CustomerMatcher once to reuse it across documents."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from docket.ingest.classify.fuzzy import fuzzy_contains

__all__ = ["CustomerMatch", "CustomerMatcher", "match_customers", "normalise_name"]

FULL, CORE, BRAND, SHORT, FUZZY_WEIGHT = 1.0, 0.9, 0.75, 0.6, 0.85
FUZZY_THRESHOLD, FUZZY_MIN_LENGTH, MIN_VARIANT_LENGTH = 0.85, 6, 4
MAX_HITS_PER_VARIANT = 200  # a name repeated on every page of a huge file adds nothing


def _split(words: str) -> list[str]:
    return words.split()


# Longest first, so 股份有限公司 is removed whole rather than leaving 股份.
LEGAL_FORMS = sorted(
    ["集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司"]
    + ["有限公司", "集团公司", "集团", "总公司", "公司", "股份合作公司", "合伙企业(有限合伙)"]
    + ["有限合伙", "co.,ltd.", "co.,ltd", "coltd", "ltd", "inc", "limited"],
    key=len,
    reverse=True,
)
REGIONS = _split(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南"
    " 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 杭州"
    " 广州 苏州 成都 南京 武汉 西安 厦门 宁波 青岛 大连 无锡 佛山 东莞 合肥 长沙 郑州 济南 沈阳"
    " 哈尔滨 长春 福州 昆明 南昌 太原 石家庄 南宁 贵阳 兰州 珠海 温州 常州 绍兴 嘉兴 烟台 泉州"
    " 中山 惠州 中国"
)
_REGION_PREFIX = re.compile(f"^(?:{'|'.join(REGIONS)})(?:省|市|自治区)?")
_REGION_IN_BRACKETS = re.compile(f"[(（](?:{'|'.join(REGIONS)})(?:省|市)?[)）]")
INDUSTRIES = sorted(
    _split(
        "贸易 商贸 工贸 科贸 进出口 国际贸易 科技 信息科技 网络科技 信息技术 技术 软件 电子 电气"
        " 物流 供应链 运输 仓储 机电 机械 设备 制造 建材 建筑 建设 工程 装饰 材料 医疗器械 医疗"
        " 医药 生物 化工 食品 能源 环保 文化 传媒 广告 教育 餐饮 管理 咨询 服务 实业 投资 发展"
        " 汽车 包装 印刷 置业 房地产 地产 物业 金融 租赁 商务 网络"
    ),
    key=len,
    reverse=True,
)
# Removed before comparing: whitespace and the punctuation found in and around names.
_NOISE = re.compile(r"[\s()\[\]【】《》<>\"'“”‘’·・.,，、:;!?_\-/\u200b\ufeff]+")


def normalise_name(text: str) -> str:
    """What names are compared as: NFKC, case-folded, no spaces or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class CustomerMatch:
    customer_id: int
    name: str
    score: float  # 0..1, the best hit's
    matched: str  # the variant found (normalised), e.g. 上海abc贸易
    mentions: int  # hits that counted


def _strip_suffix(name: str, suffixes: list[str]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _variants(name: str) -> list[tuple[str, float]]:
    full = normalise_name(name)
    unbracketed = normalise_name(_REGION_IN_BRACKETS.sub("", unicodedata.normalize("NFKC", name)))
    core = _strip_suffix(unbracketed, [normalise_name(s) for s in LEGAL_FORMS])
    variants = [(full, FULL)]
    if core == full and len(full) <= 4:
        return variants  # a person's name, or too short to shorten safely
    variants.append((core, CORE))
    brand = _REGION_PREFIX.sub("", core)
    if region := core[: len(core) - len(brand)]:  # the region written at the start of the name
        variants.append((brand, BRAND))
    short = _strip_suffix(brand, INDUSTRIES)
    if short != brand:
        variants.append((region + short, SHORT))
    seen: set[str] = set()
    kept = []
    for text, score in variants:
        if text not in seen and (score == FULL or len(text) >= MIN_VARIANT_LENGTH):
            seen.add(text)
            kept.append((text, score))
    return kept


class CustomerMatcher:
    """Customer names prepared once for matching against many texts."""

    def __init__(self, customers: Iterable[tuple[int, str]]) -> None:
        self._names: dict[int, str] = {}
        self._variants: list[tuple[str, int, float]] = []
        self._cores: list[tuple[str, int]] = []
        for customer_id, name in customers:
            if not normalise_name(name):
                continue
            self._names[customer_id] = name
            variants = _variants(name)
            self._variants += [(text, customer_id, score) for text, score in variants]
            core = next((text for text, score in variants if score == CORE), "")
            if len(core) >= FUZZY_MIN_LENGTH:
                self._cores.append((core, customer_id))

    def match(self, text: str, *, limit: int = 5) -> list[CustomerMatch]:
        """The customers text names, best first; at most limit of them."""
        norm = normalise_name(text)
        if not norm:
            return []
        hits: list[tuple[int, int, int, float, str]] = []  # start, end, customer, score, variant
        for variant, customer_id, score in self._variants:
            at, count = norm.find(variant), 0
            while at != -1 and count < MAX_HITS_PER_VARIANT:
                hits.append((at, at + len(variant), customer_id, score, variant))
                at, count = norm.find(variant, at + 1), count + 1
        # Typos only for customers not found as written (a short form alone does not count:
        # 上海ABC贸昜有限公司 contains 上海ABC, but is a misread of the whole name).
        found = {customer_id for _, _, customer_id, score, _ in hits if score >= CORE}
        for core, customer_id in self._cores:
            if customer_id not in found:
                similarity = fuzzy_contains(core, norm, FUZZY_THRESHOLD)
                if similarity:
                    hits.append((-1, -1, customer_id, round(FUZZY_WEIGHT * similarity, 3), core))
        return self._rank(hits)[:limit]

    def _rank(self, hits: list[tuple[int, int, int, float, str]]) -> list[CustomerMatch]:
        # Longest first: a hit inside an already-kept longer hit is part of that name: not a
        # mention of another customer (上海华信 in 上海华信科技有限公司), nor a second mention of
        # the same one.
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))
        covering: dict[int, list[tuple[int, int]]] = {}  # position -> kept spans over it
        best: dict[int, tuple[float, str, int, int]] = {}  # customer -> score, variant, n, first
        for start, end, customer_id, score, variant in hits:
            # Strictly longer only: two customers whose names shorten to the same text at the
            # same place are both candidates.
            if start >= 0 and any(
                end <= e and e - s > end - start for s, e in covering.get(start, ())
            ):
                continue
            for position in range(start, end):  # names are short: a few dozen positions
                covering.setdefault(position, []).append((start, end))
            old = best.get(customer_id)
            if old is None:
                best[customer_id] = (score, variant, 1, start)
            else:
                top = max(old, (score, variant, 0, start), key=lambda v: v[0])
                best[customer_id] = (top[0], top[1], old[2] + 1, min(old[3], start))
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][2], item[1][3]))
        return [
            CustomerMatch(customer_id, self._names[customer_id], score, variant, mentions)
            for customer_id, (score, variant, mentions, _) in ranked
        ]


def match_customers(
    text: str, customers: Iterable[tuple[int, str]], *, limit: int = 5
) -> list[CustomerMatch]:
    """Scored candidates for the customer(s) named in text; see the module's docstring."""
    return CustomerMatcher(customers).match(text, limit=limit)
