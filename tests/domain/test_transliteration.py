from formulatrust.domain.transliteration import has_chinese, pinyin


def test_chinese_characters_become_capitalised_toneless_syllables():
    assert pinyin("浦江") == "Pu Jiang"
    assert pinyin("嘉定区") == "Jia Ding Qu"


def test_digits_latin_letters_and_full_width_punctuation_are_kept_readable():
    assert pinyin("示例母婴店12号（虚构）") == "Shi Li Mu Ying Dian 12 Hao (Xu Gou)"
    assert pinyin("ABC超市") == "ABC Chao Shi"


def test_text_without_chinese_is_unchanged():
    assert pinyin("Demo Lab 3") == "Demo Lab 3"
    assert not has_chinese("Demo Lab 3")
    assert has_chinese("Demo 实验室")
