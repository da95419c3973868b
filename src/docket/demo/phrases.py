"""The demo generator's vocabulary: parts of company and person names (with pinyin for e-mail
addresses), industries, products with prices, and Chinese money formats (¥128,000.00 and
人民币壹拾贰万捌仟元整)."""

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "BUSINESSES",
    "CITIES",
    "CORES",
    "GIVEN_NAMES",
    "OWN_COMPANY",
    "OWN_STAFF",
    "ROLES",
    "SIZES",
    "SUFFIXES",
    "SURNAMES",
    "rmb_upper",
    "yuan",
]

# Where a company is registered (also its region).
CITIES = ["上海", "北京", "深圳", "杭州", "广州", "苏州", "成都", "南京", "武汉"]

# The distinctive part of a company name: (name, pinyin).
CORES = [
    ("华信", "huaxin"),
    ("鼎盛", "dingsheng"),
    ("ABC", "abc"),
    ("恒通", "hengtong"),
    ("宏达", "hongda"),
    ("瑞丰", "ruifeng"),
    ("金桥", "jinqiao"),
    ("远航", "yuanhang"),
    ("博远", "boyuan"),
    ("新元", "xinyuan"),
    ("天成", "tiancheng"),
    ("中科", "zhongke"),
]

# Line of business: (word in the name, pinyin, industry, products as (name, spec, unit, price)).
BUSINESSES = [
    (
        "贸易",
        "trade",
        "批发零售",
        [
            ("不锈钢保温杯", "500ml", "箱", 960),
            ("办公座椅", "人体工学款", "把", 1280),
            ("A4复印纸", "70g 5包/箱", "箱", 168),
        ],
    ),
    (
        "科技",
        "tech",
        "信息技术",
        [
            ("机架式服务器", "2U 双路", "台", 38000),
            ("千兆交换机", "48口", "台", 6500),
            ("软件实施服务", "人天", "人天", 2400),
        ],
    ),
    (
        "物流",
        "logistics",
        "交通运输",
        [
            ("整车运输", "9.6米厢式", "车次", 4200),
            ("仓储服务", "常温库", "平方米·月", 45),
            ("同城配送", "3吨以下", "单", 180),
        ],
    ),
    (
        "机电",
        "me",
        "制造业",
        [
            ("变频电机", "15kW", "台", 5600),
            ("PLC控制柜", "定制", "套", 28000),
            ("减速机", "RV63", "台", 1850),
        ],
    ),
    (
        "建材",
        "build",
        "建筑建材",
        [
            ("防火石膏板", "9.5mm", "张", 32),
            ("铝合金型材", "6063-T5", "吨", 21500),
            ("防水涂料", "20kg/桶", "桶", 460),
        ],
    ),
    (
        "医疗器械",
        "med",
        "医疗健康",
        [
            ("电子血压计", "上臂式", "台", 320),
            ("医用口罩", "50只/盒", "盒", 25),
            ("监护仪", "6参数", "台", 16800),
        ],
    ),
]

SUFFIXES = ["有限公司", "有限公司", "股份有限公司"]
SIZES = ["20人以下", "20-99人", "100-499人", "500-999人", "1000人以上"]

SURNAMES = [
    ("张", "zhang"),
    ("王", "wang"),
    ("李", "li"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
]
GIVEN_NAMES = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("建国", "jianguo"),
    ("丽华", "lihua"),
    ("志明", "zhiming"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("文博", "wenbo"),
    ("雪梅", "xuemei"),
]
ROLES = ["总经理", "采购经理", "财务主管", "法务专员", "行政助理", "技术负责人"]

# The company that uses Docket: the other party of every contract and invoice.
OWN_COMPANY = "杭州启明信息科技有限公司"
OWN_STAFF = ["周晓东（销售）", "吴敏（客服）", "孙磊（技术支持）"]

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_GROUPS = ["", "万", "亿", "万亿"]


def yuan(amount: Decimal | int) -> str:
    """¥128,000.00"""
    return f"¥{Decimal(amount):,.2f}"


def rmb_upper(amount: Decimal | int) -> str:
    """The amount in capital numerals as written on invoices: 人民币壹拾贰万捌仟元整."""
    fen_total = int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    whole, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    text = ""
    if whole:
        groups = []
        while whole:
            whole, group = divmod(whole, 10000)
            groups.append(group)
        gap = False
        for index in reversed(range(len(groups))):
            group = groups[index]
            if group == 0:
                gap = bool(text)
                continue
            if text and (gap or group < 1000):
                text += "零"
            text += _four_digits(group) + _GROUPS[index]
            gap = False
        text += "元"
    if not jiao and not fen:
        return f"人民币{text or '零元'}整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return f"人民币{text}"


def _four_digits(group: int) -> str:
    text, zero = "", False
    for position in (3, 2, 1, 0):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _UNITS[position]
    return text
