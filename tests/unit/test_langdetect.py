import pytest

from shared.taxonomy.langdetect import LANGUAGES, LanguageDetector, detect, detect_language

# Short texts of the kind counsellors and migrants type, written for these tests.
SAMPLES = {
    "es": ["Busco trabajo de albañil, tengo ocho años de experiencia en obra.",
           "hola necesito empleo urgente soy cocinera y se hacer arepas",
           "Ayudante de cocina con disponibilidad inmediata"],
    "pt": ["Procuro emprego como pedreiro, tenho oito anos de experiência em obra.",
           "oi preciso de trabalho urgente sou cozinheira e sei fazer marmita",
           "Auxiliar de limpeza para condomínio"],
    "fr": ["Je cherche un emploi de maçon, j'ai huit ans d'expérience sur les chantiers.",
           "bonjour je suis couturière et je cherche du travail à Santiago"],
    "ht": ["Mwen ap chèche travay kòm mason, mwen gen uit an eksperyans nan chantye.",
           "bonjou mwen se kizinyè, mwen konn fè manje lakay",
           "Mwen te konn travay nan jaden, plante mayi ak pwa."],
    "en": ["Looking for work as a bricklayer, eight years of experience on building sites.",
           "The client is a trained nurse and needs her diploma recognised."],
}


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, texts in SAMPLES.items() for t in texts])
def test_short_realistic_texts_are_recognised_in_their_language(lang, text):
    guess = detect(text)
    assert guess.lang == lang
    assert guess.confidence > 0.5


def test_haitian_creole_is_not_mistaken_for_french():
    guess = detect("Mwen pa pale panyòl byen, men mwen konprann travay la.")
    assert guess.lang == "ht" and guess.scores["ht"] > guess.scores["fr"]


def test_confidence_is_a_probability_over_the_supported_languages():
    guess = detect("Cocinero con experiencia en comida criolla")
    assert set(guess.scores) == set(LANGUAGES)
    assert abs(sum(guess.scores.values()) - 1.0) < 1e-3
    assert guess.confidence == max(guess.scores.values())


def test_a_single_shared_word_is_less_certain_than_a_sentence():
    assert detect("pintor").confidence < detect("Busco trabajo como pintor de obra en Lima").confidence


def test_candidates_narrow_the_choice():
    guess = detect("Pedreiro de acabamento", candidates=("es", "fr"))
    assert set(guess.scores) == {"es", "fr"}
    with pytest.raises(ValueError):
        detect("hola", candidates=("de",))


def test_text_without_letters_is_undetermined():
    assert detect_language("12345 !!") == "und"
    assert detect("").confidence == 0.0


def test_a_detector_can_be_trained_on_other_samples():
    detector = LanguageDetector({"es": ["el perro come pan"], "en": ["the dog eats bread"]})
    assert detector.detect("the bread").lang == "en"
    assert detector.languages == ("es", "en")
