"""The open-data licences a publisher may choose, by SPDX identifier, with their names and
addresses; and the rule that an unknown identifier is refused."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "CC-BY-4.0"


@dataclass(frozen=True)
class DataLicence:
    """One licence: its SPDX id, its name in both languages and its canonical address."""

    spdx: str
    name_en: str
    name_zh: str
    url: str
    attribution: bool  # reusers must credit the source


KNOWN: dict[str, DataLicence] = {licence.spdx: licence for licence in (
    DataLicence("CC-BY-4.0", "Creative Commons Attribution 4.0 International",
                "知识共享署名 4.0 国际许可协议",
                "https://creativecommons.org/licenses/by/4.0/", True),
    DataLicence("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International",
                "知识共享署名—相同方式共享 4.0 国际许可协议",
                "https://creativecommons.org/licenses/by-sa/4.0/", True),
    DataLicence("CC0-1.0", "Creative Commons Zero v1.0 Universal",
                "CC0 1.0 通用公共领域贡献",
                "https://creativecommons.org/publicdomain/zero/1.0/", False),
    DataLicence("ODbL-1.0", "Open Data Commons Open Database License v1.0",
                "开放数据共享开放数据库许可协议 1.0",
                "https://opendatacommons.org/licenses/odbl/1-0/", True),
    DataLicence("ODC-By-1.0", "Open Data Commons Attribution License v1.0",
                "开放数据共享署名许可协议 1.0",
                "https://opendatacommons.org/licenses/by/1-0/", True),
    DataLicence("PDDL-1.0", "Open Data Commons Public Domain Dedication & License 1.0",
                "开放数据共享公共领域贡献和许可协议 1.0",
                "https://opendatacommons.org/licenses/pddl/1-0/", False),
)}


class UnknownLicence(ValueError):
    """An SPDX identifier this site does not know; the message lists the known ones."""


def data_licence(spdx: str) -> DataLicence:
    """Return the licence named by ``spdx`` (SPDX ids match whatever their case)."""
    wanted = spdx.strip().lower()
    for known in KNOWN.values():
        if known.spdx.lower() == wanted:
            return known
    raise UnknownLicence(
        f"DATA_LICENCE {spdx!r} is not a licence this site knows; use one of the SPDX "
        f"identifiers {', '.join(sorted(KNOWN))}")
