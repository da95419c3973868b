"""Synthetic customer documents for the search benchmark: contracts, quotations, invoices,
minutes and letters in Chinese with codes, amounts and dates, and some English. Everything comes
from the project's own phrase lists (docket.demo.phrases) and templates below, never from copied
text; a seeded generator makes the same corpus every time.

Word frequencies span the range a search box meets: clause words that most documents share
(甲方, 合同), products and cities in about 1 in 50 to 1 in 500, and a vocabulary of made-up
project names of which each appears in about 1 in 2,000 documents or fewer.
"""

import datetime
import random
from dataclasses import dataclass

from docket.demo import phrases as p

# Characters for made-up project names (rare words): common enough to look like Chinese.
NAME_CHARS = (
    "安邦宝昌晨诚达德东峰丰福富光广海航浩和恒弘鸿华辉佳嘉建江金锦京晶景骏凯康朗力联"
    "亮林隆龙茂美明南宁鹏平启强庆荣瑞润森胜盛顺泰腾天通同威伟文祥新鑫信兴旭雅阳耀益毅银英"
    "永友宇元远跃云泽展振正志智中卓"
)
TITLES = [
    ("合同", ["购销合同", "技术服务合同", "物流运输合同", "框架协议", "补充协议"]),
    ("报价单", ["报价单", "询价回复", "价格确认函"]),
    ("发票", ["增值税专用发票", "增值税普通发票", "收款收据"]),
    ("会议纪要", ["会议纪要", "项目周会纪要", "验收会议纪要"]),
    ("函件", ["催款函", "对账函", "合作意向书", "授权委托书"]),
]
CLAUSES = [
    "甲方应于合同签订后{n}日内支付预付款{pct}%。",
    "乙方于收到预付款后{n}个工作日内交付全部货物。",
    "逾期交付的，按日万分之五支付违约金。",
    "争议协商不成的，提交{city}仲裁委员会仲裁。",
    "本合同一式两份，双方各执一份，具有同等法律效力。",
    "货物验收合格后{n}日内支付剩余款项。",
    "质保期为验收合格之日起{n}个月。",
    "乙方应保证所供货物为全新、未使用过的合格产品。",
    "甲方有权对货物质量进行抽检。",
    "因不可抗力导致无法履行的，双方互不承担违约责任。",
    "双方确认对账金额为{amount}，请于{date}前结清。",
    "会议决定由{person}负责跟进{project}项目的实施进度。",
    "请贵司于{date}前回复确认，逾期视为认可。",
    "发票已随货寄出，请注意查收。",
    "本报价有效期为{n}天，含13%增值税及运费。",
]
ENGLISH = [
    "Payment terms: net {n} days after invoice date.",
    "The Seller shall deliver the goods to {city} within {n} business days.",
    "This agreement is governed by the laws of the People's Republic of China.",
    "Minutes of the quarterly review meeting with {customer}.",
    "Please confirm the purchase order {code} at your earliest convenience.",
]


@dataclass(frozen=True)
class SyntheticDocument:
    customer: str
    type_name: str
    title: str
    text: str
    date: datetime.date


class Corpus:
    def __init__(self, customers: list[str], seed: int = 20261122, projects: int = 20_000):
        self.rng = random.Random(seed)
        self.customers = customers
        rng = random.Random(seed + 1)
        self.projects = sorted(
            {"".join(rng.sample(NAME_CHARS, rng.choice([2, 3]))) + "项目" for _ in range(projects)}
        )
        # The order documents draw them in: the first is the most frequent.
        self.projects_by_frequency = self.projects
        self.products = [product for business in p.BUSINESSES for product in business[3]]
        self.people = [s + g for s, _ in p.SURNAMES for g, _ in p.GIVEN_NAMES[:6]]

    def document(self, number: int) -> SyntheticDocument:
        rng = self.rng
        type_name, titles = rng.choice(TITLES)
        customer = rng.choice(self.customers)
        date = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(7 * 365))
        code = f"QM-{rng.choice(['HT', 'BJ', 'FP', 'JY'])}-{date:%Y%m}-{number % 100_000:05d}"
        # Zipf-like: P(index < k) = (k/N)^(1/3); the first few in ~1-4 %, most far rarer.
        project = self.projects[int(len(self.projects) * rng.random() ** 3)]
        fill = {
            "n": rng.choice([3, 5, 7, 10, 15, 30, 60, 90]),
            "pct": rng.choice([10, 20, 30, 50]),
            "city": rng.choice(p.CITIES),
            "amount": p.yuan(rng.randrange(1_000, 2_000_000)),
            "date": f"{date.year}年{date.month}月{date.day}日",
            "person": rng.choice(self.people),
            "project": project,
            "customer": customer,
            "code": code,
        }
        lines = [rng.choice(titles), f"编号：{code}", f"客户：{customer}", f"项目：{project}"]
        for product, spec, unit, price in rng.sample(self.products, rng.randint(1, 3)):
            quantity = rng.choice([1, 2, 5, 10, 20, 50])
            lines.append(f"{product} {spec} {quantity}{unit} 单价{p.yuan(price)}")
        lines += [c.format(**fill) for c in rng.sample(CLAUSES, rng.randint(3, 7))]
        if rng.random() < 0.15:
            lines += [e.format(**fill) for e in rng.sample(ENGLISH, 2)]
        lines.append(f"日期：{fill['date']}")
        title = f"{customer[:6]}{lines[0]}"
        return SyntheticDocument(customer, type_name, title, "\n".join(lines), date)
