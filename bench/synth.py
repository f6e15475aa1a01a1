"""A synthetic corpus N times the size of the seed corpus, file-based so ingest runs for real.

Copy 0 of each seed is the seed itself; copy i > 0 moves the document to another region (names and
文号 abbreviations), shifts its years, redraws its percentages and 文号 numbers, and shuffles the
sentences of every multi-sentence line after the first one, so that every file differs while still
reading like a policy text (web chrome included). Files are named ``<seed prefix>_s<copy>.txt``.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Region:
    """A region a copy is moved to: province, its abbreviation, a city and a district (full and short)."""

    province: str
    abbr: str
    city: str
    county: str

    @property
    def province_short(self) -> str:
        """河北省 -> 河北."""
        return re.sub(r"(省|市|自治区)$", "", self.province)

    @property
    def city_short(self) -> str:
        """石家庄市 -> 石家庄."""
        return self.city.removesuffix("市")

    @property
    def county_short(self) -> str:
        """长安区 -> 长安."""
        return re.sub(r"(区|县|市)$", "", self.county)


REGIONS = (
    Region("河北省", "冀", "石家庄市", "长安区"),
    Region("江苏省", "苏", "南京市", "玄武区"),
    Region("浙江省", "浙", "杭州市", "西湖区"),
    Region("安徽省", "皖", "合肥市", "蜀山区"),
    Region("福建省", "闽", "福州市", "仓山区"),
    Region("江西省", "赣", "南昌市", "东湖区"),
    Region("山东省", "鲁", "济南市", "历下区"),
    Region("河南省", "豫", "郑州市", "金水区"),
    Region("湖北省", "鄂", "武汉市", "江汉区"),
    Region("湖南省", "湘", "长沙市", "芙蓉区"),
    Region("广东省", "粤", "广州市", "天河区"),
    Region("四川省", "川", "成都市", "锦江区"),
    Region("贵州省", "黔", "贵阳市", "南明区"),
    Region("云南省", "滇", "昆明市", "五华区"),
    Region("陕西省", "陕", "西安市", "雁塔区"),
    Region("甘肃省", "甘", "兰州市", "城关区"),
)

# Region words of the five seeds, longest first, and what each becomes in a copy.
_RENAMES: tuple[tuple[str, Callable[[Region], str]], ...] = (
    ("山西省", lambda r: r.province),
    ("山西", lambda r: r.province_short),
    ("晋教基", lambda r: f"{r.abbr}教基"),
    ("辽宁省", lambda r: r.province),
    ("葫芦岛市", lambda r: r.city),
    ("葫芦岛", lambda r: r.city_short),
    ("葫教", lambda r: f"{r.city_short[0]}教"),
    ("上海市", lambda r: r.city),
    ("上海", lambda r: r.city_short),
    ("沪教委", lambda r: f"{r.abbr}教委"),
    ("巴州", lambda r: r.city_short),
    ("库尔勒市", lambda r: r.county),
    ("吉林省", lambda r: r.province),
    ("长春市", lambda r: r.city),
    ("长春", lambda r: r.city_short),
    ("长二府发", lambda r: f"{r.city_short[0]}{r.county_short[0]}府发"),
    ("二道区", lambda r: r.county),
    ("二道", lambda r: r.county_short),
)
_YEAR = re.compile(r"(?<!\d)(20[0-2]\d)(?!\d)")
_PERCENT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?=\s*[%％])")
_DOC_NO = re.compile(r"(?<=[〕\]])\d+(?=号)")
_SENTENCE = re.compile(r"[^。；]+[。；]?")


def variant(text: str, copy: int, rng: random.Random) -> str:
    """Seed text -> copy number ``copy`` of it (copy 0 is the seed unchanged)."""
    if copy == 0:
        return text
    text = rename_regions(text, REGIONS[(copy - 1) % len(REGIONS)])
    shift = rng.choice((-3, -2, -1, 1, 2, 3))
    text = _YEAR.sub(lambda m: str(int(m.group()) + shift), text)
    text = _PERCENT.sub(lambda m: str(rng.randint(10, 95)), text)
    text = _DOC_NO.sub(lambda m: str(rng.randint(1, 199)), text)
    return "\n".join(shuffle_line(line, rng) for line in text.split("\n"))


def rename_regions(text: str, region: Region) -> str:
    """Seed region words -> the words of ``region``, in one pass (longest seed word first)."""
    table = dict((old, new(region)) for old, new in _RENAMES)
    pattern = re.compile("|".join(re.escape(old) for old, _ in _RENAMES))
    return pattern.sub(lambda m: table[m.group()], text)


def shuffle_line(line: str, rng: random.Random) -> str:
    """A line with its sentences after the first shuffled (lines of fewer than 3 sentences unchanged)."""
    core = line.rstrip()
    sentences = _SENTENCE.findall(core)
    if len(sentences) < 3 or "".join(sentences) != core:
        return line
    rest = sentences[1:]
    rng.shuffle(rest)
    return sentences[0] + "".join(rest) + line[len(core) :]


def write_corpus(seeds: list[Path], factor: int, out_dir: Path, seed: int = 7) -> list[Path]:
    """Write ``factor`` copies of every seed file into out_dir (all distinct); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seen: set[str] = set()
    written = []
    for copy in range(factor):
        for path in seeds:
            text = path.read_text(encoding="utf-8")
            body = _distinct(text, copy, rng, seen)
            target = out_dir / f"{path.name[:3]}_s{copy:03d}.txt"
            target.write_text(body, encoding="utf-8")
            written.append(target)
    return written


def _distinct(text: str, copy: int, rng: random.Random, seen: set[str]) -> str:
    """A variant whose content differs from every file written so far (ingest skips duplicate content)."""
    for _ in range(5):
        body = variant(text, copy, rng)
        if hashlib.sha256(body.encode("utf-8")).hexdigest() not in seen:
            break
    else:  # a seed with nothing to vary: tell the copies apart by a trailing line
        body = f"{variant(text, copy, rng)}\n（副本 {copy}）"
    seen.add(hashlib.sha256(body.encode("utf-8")).hexdigest())
    return body
