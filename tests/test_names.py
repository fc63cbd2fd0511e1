from geo.names import basic_key, fold_arabic, is_arabic


def test_basic_key_drops_case_diacritics_and_marks():
    assert basic_key("Ālbū Kamāl") == "albu kamal"
    assert basic_key("Ash Sha\u2019fah") == basic_key("Ash Sha'fah") == "ash shafah"


def test_arabic_folding():
    assert is_arabic("الرقة")
    assert fold_arabic("الرقة") == fold_arabic("الرقه") == "رقه"
    assert fold_arabic("أعزاز") == fold_arabic("اعزاز")
