"""Places at every level (省/自治区/直辖市 › 市/州/盟/地区 › 区/县/旗), from a typed gazetteer (data/regions.json).

A region is written by its full name or an alias (上海市, 上海; 巴音郭楞蒙古自治州, 巴州). One-character
abbreviations (沪, 晋) are never matched: inside running text they are ordinary characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

PROVINCE, CITY, COUNTY = "省", "市", "县区"  # the levels, as DocumentMeta.level names them
LEVELS = (PROVINCE, CITY, COUNTY)
NATIONAL = "国家"  # the level of a central organ's document, which governs the whole country (全国)
# Central organs: 国务院 (and its 办公厅), 中共中央, the ministries and national commissions and bureaus.
_NATIONAL_ORGAN = re.compile(
    r"^(?:中共中央|国务院|教育部|财政部|人力资源(?:和)?社会保障部|文化(?:和旅游)?部|体育总局|国家[\u4e00-\u9fff]{1,10}?(?:委员会|总局|局|部))"
)
MIN_FORM_CHARS = 2
_DATA = Path(__file__).parent / "data" / "regions.json"


@dataclass(frozen=True)
class Region:
    """A region: full name, level (省/市/县区), the region one level up ('' for a province), and aliases."""

    name: str
    level: str
    parent: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """The ways text writes the region: full name first, then aliases of two characters or more."""
        return tuple(dict.fromkeys(f for f in (self.name, *self.aliases) if len(f) >= MIN_FORM_CHARS))


class Places(NamedTuple):
    """Full names of the regions a text names, by level, each in order of first appearance."""

    provinces: list[str]
    cities: list[str]
    counties: list[str]

    @property
    def all(self) -> list[str]:
        """Every region named, provinces first."""
        return [*self.provinces, *self.cities, *self.counties]


class Division(NamedTuple):
    """Where a region sits: its province, city and county names ('' where a level does not apply)."""

    province: str = ""
    city: str = ""
    county: str = ""

    national: bool = False  # a central organ's: no province, the whole country

    @property
    def level(self) -> str:
        """The most specific level given: 县区, 市, 省, 国家, or ''."""
        if self.county or self.city or self.province:
            return COUNTY if self.county else CITY if self.city else PROVINCE
        return NATIONAL if self.national else ""


class Gazetteer:
    """Regions by name, with their parents and the forms text writes them in."""

    def __init__(self, regions: Iterable[Region]):
        self._regions: dict[str, Region] = {}
        for region in regions:  # a name two regions share (朝阳区) stands for the first listed
            self._regions.setdefault(region.name, region)
        self._named_by: dict[str, set[str]] = {}
        for region in self._regions.values():
            for form in region.forms:
                self._named_by.setdefault(form, set()).add(region.name)

    def get(self, name: str) -> Region | None:
        """The region of that full name, or None."""
        return self._regions.get(name)

    def forms(self, name: str) -> frozenset[str]:
        """Every way a region may be written (its full name alone when the gazetteer lacks it)."""
        region = self._regions.get(name)
        forms = region.forms if region else (name,)
        return frozenset(f for f in forms if len(f) >= MIN_FORM_CHARS)

    def named_by(self, form: str) -> frozenset[str]:
        """Full names of the regions written as ``form`` (巴州 -> 巴音郭楞蒙古自治州)."""
        return frozenset(self._named_by.get(form, ()))

    def ancestors(self, name: str) -> list[Region]:
        """The regions above ``name``, nearest first (二道区 -> 长春市, 吉林省)."""
        out, region = [], self._regions.get(name)
        while region and region.parent and region.parent in self._regions and len(out) < len(LEVELS):
            region = self._regions[region.parent]
            out.append(region)
        return out

    def division(self, name: str) -> Division:
        """Province, city and county of a region (a 直辖市 district has no city)."""
        region = self._regions.get(name)
        if region is None:
            return Division()
        chain = {r.level: r.name for r in (region, *self.ancestors(name))}
        return Division(chain.get(PROVINCE, ""), chain.get(CITY, ""), chain.get(COUNTY, ""))

    def find(self, text: str) -> Places:
        """The regions text names, by level, each in order of first appearance.

        A form inside a longer one found at the same place is no mention of its own: in 吉林省, 吉林 is not
        吉林市.
        """
        found: list[tuple[int, int, str, str]] = []
        for region in self._regions.values():
            for form in region.forms:
                pos = text.find(form)
                if pos >= 0:
                    found.append((pos, pos + len(form), region.level, region.name))
                    break
        kept = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0] for o in found)]
        kept.sort()
        return Places(*([name for _, _, level, name in kept if level == wanted] for wanted in LEVELS))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer (policytext/data/regions.json)."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return Gazetteer(
        Region(r["name"], r["level"], r.get("parent", ""), tuple(r.get("aliases", ()))) for r in data["regions"]
    )


def find_places(text: str) -> Places:
    """Regions named in text (full names, aliases resolved), by level, in order of appearance."""
    return gazetteer().find(text)


def region_forms(name: str) -> frozenset[str]:
    """Every way a region may be written: full name and gazetteer aliases."""
    return gazetteer().forms(name)


def without_places(text: str, regions: Sequence[str], mark: str = "") -> str:
    """Text with every way of writing the regions cut out (longest form first: 上海市 before 上海), ``mark`` left."""
    forms = sorted({form for region in regions for form in region_forms(region) | {region}}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, mark)
    return text


def region_named(region: str, name: str) -> bool:
    """True when ``name`` (上海, 巴州, 二道区 …) names the region string (吉林省长春市二道区) or a part of it."""
    name = name.strip()
    return bool(name) and (name in region or any(full in region for full in gazetteer().named_by(name)))


# A place the gazetteer lacks, read from its suffix: XX省, XX市, XX自治州 … (the stem is checked apart).
_SUFFIXED_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,5}?)(省|市|县|自治州|自治区)(?![域级直属城区内])")  # not 县域, 市级
_ISSUER_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,6}?(?:省|自治区|自治州|地区|市|盟|州|县|区|旗))")
_LEADING_WORD = re.compile(  # and a condition: 如果县里… names no place, 如果绵阳市… names 绵阳市
    r"^(?:关于|对于|对|在|从|与|和|及|向|(?:依|根|按|参|遵)?据|按照|依照|参照|遵照|如果|要是|假如|万一|若是|倘若)"
)
# Characters no place name the gazetteer may lack holds (和/于/来/从 do: 和田, 于都, 来宾, 从江), question words
# among them (啥时候交省里: 什 is in 什邡, 交 in 交城): a name starts after them.
_NOT_IN_NAME = re.compile(r".*[的到去在向往派赴跨与及或是了给把被让为对啥哪怎谁吗呢么候]")
# Stems that make a generic word with a place suffix, not a name: 各市, 本市, 县级市, 城区 …
_NOT_A_PLACE = re.compile(
    r"^(?:[各本全我该此其每外邻]|设区的|地级|城|县级|省级|市级|直辖|所在|所属|上级|下级|城乡|县域|区域|农村|乡镇|"
    r"兄弟|其他|其它|别的|周边|附近|相邻|另外|此外|还有|"  # 另外县里: a follow-up's cue, not a name
    r"咱|你|他|她|整个|某个|这个|那个)"  # 咱们县, 整个县: a pronoun, not a name
)

_GENERIC_BEFORE_SUFFIX = "各本全我该此其每外邻个几区市县省乡镇"  # 从外县, 到本市, 几个省, 区县: generic


def unlisted_places(text: str) -> list[str]:
    """Place names the gazetteer lacks, read from their suffix (绵阳市, 某某县), minus generic words (各市, 本市)."""
    found = []
    for match in _SUFFIXED_PLACE.finditer(text):
        stem = _LEADING_WORD.sub("", _NOT_IN_NAME.sub("", match.group(1)))
        if len(stem) >= 2 and not _NOT_A_PLACE.match(stem) and stem[-1] not in _GENERIC_BEFORE_SUFFIX:
            found.append(stem + match.group(2))
    return found


def issuer_division(issuer: str) -> Division:
    """The region an issuer the gazetteer lacks governs, read from its name.

    The country for a central organ (教育部, 国务院办公厅), else the place its suffix marks (XX市教育局 -> XX市).
    """
    if _NATIONAL_ORGAN.match(issuer):
        return Division(national=True)
    match = _ISSUER_PLACE.match(issuer)
    if not match:
        return Division()
    place = match.group(1)
    if place.endswith(("省", "自治区")):
        return Division(province=place)
    if place.endswith(("市", "州", "盟", "地区")):
        return Division(city=place)
    return Division(county=place)
