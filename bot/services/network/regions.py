"""Places in Shaanxi as people type them, in Chinese or English, recognised as the same place."""

from __future__ import annotations

import re

CITIES: dict[str, str] = {
    "xi'an": "西安",
    "xian": "西安",
    "baoji": "宝鸡",
    "xianyang": "咸阳",
    "tongchuan": "铜川",
    "weinan": "渭南",
    "yan'an": "延安",
    "yanan": "延安",
    "yulin": "榆林",
    "hanzhong": "汉中",
    "ankang": "安康",
    "shangluo": "商洛",
    "yangling": "杨凌",
}
_SUFFIX = re.compile(r"(省|市|县|区|镇|乡|村|city|county|district)$")
_ALIAS = re.compile("|".join(re.escape(k) for k in sorted(CITIES, key=len, reverse=True)))


def normalize(text: str | None) -> str:
    """Lower-case, English city names made Chinese, the administrative suffix dropped."""
    if not text:
        return ""
    lowered = re.sub(r"\s+", " ", text.strip().lower())
    return _SUFFIX.sub("", _ALIAS.sub(lambda m: CITIES[m.group()], lowered)).strip()


def city_of(text: str | None) -> str | None:
    """The Shaanxi city a place name lies in, when it names one."""
    place = normalize(text)
    return next((city for city in set(CITIES.values()) if city in place), None)


def same_place(a: str | None, b: str | None) -> bool:
    """Whether two place names point to the same city, or one contains the other."""
    left, right = normalize(a), normalize(b)
    if not left or not right:
        return False
    if left in right or right in left:
        return True
    return city_of(left) is not None and city_of(left) == city_of(right)
