"""The data licence setting names a licence by its SPDX identifier."""

from __future__ import annotations

import pytest

from formulatrust.domain.data_licences import DEFAULT, UnknownLicence, data_licence


def test_the_default_is_creative_commons_attribution_4():
    licence = data_licence(DEFAULT)
    assert licence.spdx == "CC-BY-4.0"
    assert licence.url == "https://creativecommons.org/licenses/by/4.0/"
    assert licence.name_en == "Creative Commons Attribution 4.0 International"
    assert licence.attribution


@pytest.mark.parametrize(("spdx", "url"), [
    ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("odbl-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    (" CC-BY-SA-4.0 ", "https://creativecommons.org/licenses/by-sa/4.0/"),
])
def test_known_identifiers_match_whatever_their_case(spdx, url):
    assert data_licence(spdx).url == url
    assert data_licence(spdx).name_zh  # a name for Chinese readers too


@pytest.mark.parametrize("spdx", ["CC-BY", "MIT-ish", ""])
def test_an_unknown_identifier_is_refused_naming_the_known_ones(spdx):
    with pytest.raises(UnknownLicence) as refused:
        data_licence(spdx)
    assert "CC-BY-4.0" in str(refused.value) and "ODbL-1.0" in str(refused.value)
