"""The naming convention of service sites (001 §四(二)2): ``涟水县××(镇、街道)便民服务中心``,
``涟水县××(镇、街道)××(村、社区)便民服务站``, ``涟水县政务服务中心××分中心``.

A site's own name is the ×× part with its kind: ``高沟镇``, ``保滩街道``, ``盐店村``, ``xx社区``.
The official name is built from it (``network.service.official_name``), so a township named
``高沟`` would become ``涟水县高沟便民服务中心`` — not an official name: refused here.
"""

from __future__ import annotations

from network.models import SiteLevel
from tenants.errors import Collector

# What the official name appends to a level's own name; a name given with it is taken without.
SUFFIX: dict[SiteLevel, str] = {
    SiteLevel.SUB_CENTER: "分中心",
    SiteLevel.TOWNSHIP_CENTER: "便民服务中心",
    SiteLevel.VILLAGE_STATION: "便民服务站",
}
# The kind a level's name ends in. 乡 besides 镇 and 街道: the documents' counties have none,
# but a county with 乡 (or 民族乡) names them so.
ENDINGS: dict[SiteLevel, tuple[str, ...]] = {
    SiteLevel.TOWNSHIP_CENTER: ("镇", "乡", "街道"),
    SiteLevel.VILLAGE_STATION: ("村", "社区"),
}
EXAMPLE = {
    SiteLevel.TOWNSHIP_CENTER: "高沟镇、保滩街道",
    SiteLevel.VILLAGE_STATION: "盐店村、xx社区",
}
LABEL = {
    SiteLevel.TOWNSHIP_CENTER: "镇(街道)便民服务中心",
    SiteLevel.VILLAGE_STATION: "村(社区)便民服务站",
}


def own_name(level: SiteLevel, name: str) -> str:
    """The site's own name: trimmed, without the suffix the official name adds."""
    name = name.strip()
    suffix = SUFFIX.get(level)
    if suffix and name.endswith(suffix) and len(name) > len(suffix):
        name = name[: -len(suffix)].strip()
    return name


def check_name(errors: Collector, level: SiteLevel, name: str, field: str = "name") -> None:
    """``NAMING_CONVENTION`` when a township's name does not end in 镇/乡/街道 or a village's in
    村/社区 (with something before it). An empty name is ``REQUIRED``'s business."""
    if not name:
        return
    endings = ENDINGS.get(level)
    if endings is None:
        return
    if not any(name.endswith(e) and len(name) > len(e) for e in endings):
        kinds = "”“".join(endings)
        errors.add(
            field,
            "NAMING_CONVENTION",
            f"{LABEL[level]}的名称应以“{kinds}”结尾(如 {EXAMPLE[level]}),"
            f"「{name}」不符合规范名称(001 §四(二)2)",
        )
