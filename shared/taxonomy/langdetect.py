"""Detect the language of a text offline (es, pt, fr, ht, en) with a character n-gram naive Bayes model."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from shared.taxonomy.loader import Taxonomy, load_taxonomy

LANGUAGES = ("es", "pt", "fr", "ht", "en")
UNDETERMINED = "und"  # BCP 47 code for "no language could be determined"

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class LanguageGuess:
    """The most likely language, how sure the model is (0-1) and the probability of every language."""

    lang: str
    confidence: float
    scores: dict[str, float]


def detect_language(text: str) -> str:
    """Return the language code of text (es, pt, fr, ht or en), or "und" when it has no letters."""
    return detect(text).lang


def detect(text: str, candidates: tuple[str, ...] | None = None) -> LanguageGuess:
    """Return the language of text among candidates (all supported languages by default) with a confidence."""
    return _model().detect(text, candidates)


class LanguageDetector:
    """Multinomial naive Bayes over character 1-4-grams within words, trained on short texts per language."""

    def __init__(self, samples: dict[str, list[str]]):
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self.languages = tuple(lang for lang in LANGUAGES if samples.get(lang))
        texts = [_clean(t) for lang in self.languages for t in samples[lang]]
        labels = [lang for lang in self.languages for _ in samples[lang]]
        self._vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=False)
        features = self._vectorizer.fit_transform(texts)
        # Uniform priors: a language with more training text must not win short, ambiguous inputs.
        self._model = MultinomialNB(alpha=0.1, fit_prior=False).fit(features, labels)

    def detect(self, text: str, candidates: tuple[str, ...] | None = None) -> LanguageGuess:
        """Return the most likely language among candidates with a tempered posterior as confidence."""
        cleaned = _clean(text)
        if not _LETTER.search(cleaned):
            return LanguageGuess(UNDETERMINED, 0.0, {})
        features = self._vectorizer.transform([cleaned])
        joint = self._model.predict_joint_log_proba(features)[0]
        classes = [str(c) for c in self._model.classes_]
        allowed = [classes.index(lang) for lang in (candidates or self.languages) if lang in classes]
        if not allowed:
            raise ValueError(f"no supported language among {candidates!r}")
        # Naive Bayes treats overlapping n-grams as independent, so its raw posterior is near 1 for any
        # sentence; dividing by the square root of the n-gram count gives a confidence that tracks how
        # much evidence the text really carries.
        n = max(1.0, float(features.sum()))
        logits = joint[allowed] / np.sqrt(n)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        scores = {classes[i]: round(float(p), 4) for i, p in zip(allowed, probs, strict=True)}
        best = max(scores, key=scores.__getitem__)
        return LanguageGuess(best, scores[best], scores)


def training_samples(taxonomy: Taxonomy | None = None) -> dict[str, list[str]]:
    """Return the seed sentences plus every taxonomy label and synonym, by language."""
    taxonomy = taxonomy or load_taxonomy()
    samples = {lang: list(SEED_TEXTS[lang]) for lang in LANGUAGES}
    for lang in LANGUAGES:
        # Terms are short, so several are joined into one sample, like a phrase, to weigh like a sentence.
        terms = [term for term, _ in taxonomy.terms(lang)]
        samples[lang].extend(" ".join(terms[i:i + 6]) for i in range(0, len(terms), 6))
    return samples


@functools.lru_cache(maxsize=1)
def _model() -> LanguageDetector:
    return LanguageDetector(training_samples())


def _clean(text: str) -> str:
    # Keep accents (ç, ã, è, ò tell languages apart) but drop case, digits and punctuation.
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[\d_\W]+", " ", text.replace("'", " ").replace("’", " ")).split())


# Sentences the Puente team wrote to train the detector: everyday talk about work, family, papers and moving,
# formal and informal, some without accents as people type on phones. Own wording; no external source.
SEED_TEXTS: dict[str, tuple[str, ...]] = {
    "es": (
        "Busco trabajo estable, tengo experiencia en construcción y en limpieza de oficinas.",
        "Llegué a Colombia hace dos años con mi familia y ahora vivo en un barrio del sur de la ciudad.",
        "Trabajé como cocinero en un restaurante de comida criolla durante cinco años.",
        "Necesito un empleo con contrato y seguridad social, no importa si es de noche.",
        "Tengo el permiso por protección temporal vigente y cuenta bancaria.",
        "Sé manejar moto y carro, tengo licencia de conducción de mi país pero no está homologada.",
        "Mi esposa cuida a personas mayores y yo hago trabajos de pintura y arreglos en casas.",
        "La empresa requiere personal con disponibilidad inmediata para turnos rotativos.",
        "Se ofrece sueldo mínimo más prestaciones de ley, horario de lunes a sábado.",
        "hola buenas tardes estoy buscando trabajo de lo que sea, soy muy responsable y puntual",
        "no tengo papeles todavia pero estoy tramitando la residencia",
        "Ella es enfermera titulada en Venezuela y quiere validar su título aquí.",
        "Me gustaría trabajar en el campo, sé sembrar, cosechar y cuidar animales.",
        "Los niños estudian en el colegio del barrio y por eso no puedo mudarme de ciudad.",
        "Hablo español y un poco de inglés, aprendí a usar computador y hojas de cálculo.",
        "Se busca ayudante de bodega para cargar y descargar camiones en el centro de distribución.",
        "Atendí clientes en una tienda de ropa y manejaba la caja registradora.",
        "Quiero capacitarme en soldadura o electricidad para conseguir un mejor salario.",
        "El usuario refiere que trabajó sin contrato y que no le pagaron las horas extras.",
        "La señora tiene tres hijos pequeños y busca un trabajo de medio tiempo cerca de su casa.",
        "Tengo mucha experiencia como mesero y bartender en hoteles de la costa.",
        "Se requiere conductor con licencia de categoría profesional y experiencia en reparto.",
        "me salio un trabajo en una finca pero pagan muy poco y no dan comida",
        "Estoy dispuesto a viajar a otra ciudad si hay un buen empleo con vivienda.",
        "Hace mantenimiento de aires acondicionados y neveras, también instala redes eléctricas.",
        "Somos una empresa de limpieza que contrata personal para centros comerciales.",
        "Por favor envíe su hoja de vida con referencias laborales al correo de la empresa.",
        "Mi mamá está enferma y necesito mandar dinero a mi país cada mes.",
        "La jornada es de ocho horas diarias con una hora de almuerzo.",
        "Aprendí el oficio de mi padre, que era carpintero y hacía muebles de madera.",
    ),
    "pt": (
        "Estou procurando emprego com carteira assinada, tenho experiência em obra e em limpeza.",
        "Cheguei ao Brasil há dois anos com a minha família e agora moro em Boa Vista.",
        "Trabalhei como cozinheiro num restaurante durante cinco anos e sei fazer de tudo.",
        "Preciso de um trabalho com contrato, pode ser no turno da noite.",
        "Tenho CPF, carteira de trabalho digital e autorização de residência.",
        "Sei dirigir moto e carro, mas a minha habilitação ainda não foi validada aqui.",
        "Minha esposa cuida de idosos e eu faço serviços de pintura e reparos em casas.",
        "A empresa contrata auxiliares com disponibilidade imediata para trabalhar em escala.",
        "Oferecemos salário compatível, vale-transporte, vale-refeição e plano de saúde.",
        "oi boa tarde to procurando serviço de qualquer coisa sou muito responsavel",
        "ainda nao tenho documento mas ja dei entrada no pedido de refugio",
        "Ela é enfermeira formada na Venezuela e quer revalidar o diploma no Brasil.",
        "Gostaria de trabalhar na roça, sei plantar, colher e cuidar dos animais.",
        "As crianças estudam na escola do bairro, por isso não posso mudar de cidade.",
        "Falo espanhol e um pouco de português, aprendi a usar o computador e planilhas.",
        "Vaga para ajudante de depósito para carregar e descarregar caminhões no centro de distribuição.",
        "Atendi clientes numa loja de roupas e trabalhava no caixa.",
        "Quero fazer um curso de solda ou de elétrica para ganhar um salário melhor.",
        "O usuário relata que trabalhou sem registro e não recebeu as horas extras.",
        "A senhora tem três filhos pequenos e procura um trabalho de meio período perto de casa.",
        "Tenho muita experiência como garçom e barman em hotéis do litoral.",
        "Procuramos motorista com carteira D e experiência em entregas.",
        "consegui um bico numa fazenda mas pagam muito pouco e não dão almoço",
        "Estou disposto a me mudar para outra cidade se houver um bom emprego com moradia.",
        "Faz manutenção de ar-condicionado e geladeiras, também faz instalações elétricas.",
        "Somos uma empresa de limpeza que está contratando para shoppings.",
        "Envie o seu currículo com referências para o e-mail da empresa.",
        "Minha mãe está doente e eu preciso mandar dinheiro para o meu país todo mês.",
        "A jornada é de oito horas por dia com uma hora de almoço.",
        "Aprendi o ofício com meu pai, que era marceneiro e fazia móveis de madeira.",
    ),
    "fr": (
        "Je cherche un travail stable, j'ai de l'expérience dans le bâtiment et le ménage.",
        "Je suis arrivé au Chili il y a deux ans avec ma famille et j'habite maintenant à Santiago.",
        "J'ai travaillé comme cuisinier dans un restaurant pendant cinq ans.",
        "J'ai besoin d'un emploi avec un contrat, même de nuit.",
        "J'ai un titre de séjour temporaire et je suis en train de faire les démarches pour le permis de travail.",
        "Je sais conduire une moto et une voiture, mais mon permis n'est pas encore reconnu ici.",
        "Ma femme s'occupe de personnes âgées et moi je fais de la peinture et des réparations dans les maisons.",
        "L'entreprise recrute du personnel disponible immédiatement pour des horaires en rotation.",
        "bonjour je cherche du travail n'importe quoi je suis serieux et ponctuel",
        "Elle est infirmière diplômée en Haïti et voudrait faire reconnaître son diplôme.",
        "J'aimerais travailler dans les champs, je sais semer, récolter et m'occuper des animaux.",
        "Les enfants vont à l'école du quartier, c'est pourquoi je ne peux pas déménager.",
        "Je parle français et créole, un peu d'espagnol, et je sais utiliser un ordinateur.",
        "Nous cherchons un magasinier pour charger et décharger les camions au dépôt.",
        "J'ai servi les clients dans une boutique de vêtements et je tenais la caisse.",
        "Je veux suivre une formation en soudure ou en électricité pour gagner un meilleur salaire.",
        "La personne dit qu'elle a travaillé sans contrat et qu'on ne lui a pas payé les heures supplémentaires.",
        "La dame a trois jeunes enfants et cherche un travail à mi-temps près de chez elle.",
        "J'ai beaucoup d'expérience comme serveur et barman dans les hôtels.",
        "Je couds des vêtements à la machine, je fais les retouches et je prends les mesures des clients.",
        "Je suis prêt à partir dans une autre ville s'il y a un bon emploi avec un logement.",
        "Il répare les climatiseurs et les réfrigérateurs et fait aussi des installations électriques.",
        "Envoyez votre CV avec des références à l'adresse de l'entreprise.",
        "Ma mère est malade et je dois envoyer de l'argent dans mon pays chaque mois.",
        "La journée de travail est de huit heures avec une heure de pause pour le déjeuner.",
        "J'ai appris le métier avec mon père, qui était menuisier et fabriquait des meubles.",
    ),
    "ht": (
        "Mwen ap chèche yon travay ki estab, mwen gen eksperyans nan konstriksyon ak nan netwayaj.",
        "Mwen rive Chili sa gen dezan ak fanmi mwen, kounye a m ap viv Santiago.",
        "Mwen te travay kòm kwizinye nan yon restoran pandan senk an.",
        "Mwen bezwen yon djob ak kontra, menm si se lannwit.",
        "Mwen gen rezidans tanporè, m ap fè demach pou pèmi travay la.",
        "Mwen konn kondui moto ak machin, men lisans mwen poko valab isit la.",
        "Madanm mwen okipe granmoun, mwen menm m fè penti ak ti reparasyon nan kay moun.",
        "bonjou m ap chache travay nenpòt ki sa, mwen se yon moun ki serye",
        "mwen pa gen papye toujou men m ap fè demach yo",
        "Li se enfimyè ki te gradye Ayiti, li vle fè yo rekonèt diplòm li.",
        "Mwen ta renmen travay nan jaden, mwen konn plante, rekòlte epi okipe bèt.",
        "Timoun yo ap aprann nan lekòl katye a, se pou sa mwen pa ka deplase.",
        "Mwen pale kreyòl ak franse, yon ti kras panyòl, epi mwen konn sèvi ak òdinatè.",
        "Mwen konn chaje ak dechaje kamyon nan depo.",
        "Mwen te konn sèvi kliyan nan yon boutik rad epi m te kenbe kès la.",
        "Mwen vle fè yon fòmasyon nan soudi oswa nan elektrisite pou m ka touche pi plis lajan.",
        "Moun nan di li te travay san kontra e yo pa t peye l lè siplemantè yo.",
        "Fanm nan gen twa pitit piti, li chèche yon travay mwatye jounen toupre lakay li.",
        "Mwen gen anpil eksperyans kòm sèvè nan otèl.",
        "Mwen koud rad ak machin, mwen fè retouch epi mwen pran mezi kliyan yo.",
        "Mwen dakò ale nan yon lòt vil si gen yon bon travay ak yon kote pou m rete.",
        "Li repare frijidè ak klimatizè, li fè enstalasyon elektrik tou.",
        "Manman m malad, chak mwa mwen dwe voye lajan lakay.",
        "Jounen travay la se uit è ak inèdtan pou manje.",
        "Mwen te aprann metye a nan men papa m ki te ebenis, li te konn fè mèb an bwa.",
        "Nan peyi m mwen te konn travay latè, mwen te plante diri, mayi ak pwa.",
        "Mwen fè manje, mwen lave asyèt, mwen netwaye kizin nan.",
        "Pitit mwen yo rete Ayiti ak grann yo, m ap voye lajan pou yo ale lekòl.",
    ),
    "en": (
        "I am looking for a steady job, I have experience in construction and office cleaning.",
        "I arrived in Colombia two years ago with my family and now I live in the south of the city.",
        "I worked as a cook in a restaurant for five years.",
        "I need a job with a contract, night shifts are fine.",
        "He holds a temporary protection permit and has a bank account.",
        "I can drive a motorbike and a car, but my licence is not recognised here yet.",
        "My wife takes care of elderly people and I do painting and repairs in houses.",
        "The company is hiring staff available immediately for rotating shifts.",
        "hi good afternoon im looking for any kind of work, im responsible and always on time",
        "She is a registered nurse from Venezuela and wants her degree recognised.",
        "I would like to work on a farm, I can plant, harvest and look after animals.",
        "The children go to the local school, so the family cannot move to another city.",
        "I speak Spanish and some English and I can use a computer and spreadsheets.",
        "We need a warehouse assistant to load and unload trucks at the distribution centre.",
        "I served customers in a clothes shop and worked the till.",
        "The client says she worked without a contract and was never paid for overtime.",
        "The caseworker notes that he has three young children and needs part-time work near home.",
        "Plenty of experience as a waiter and bartender in hotels on the coast.",
        "Please send your CV with references to the company's email address.",
        "My mother is ill and I have to send money home every month.",
        "The working day is eight hours with a one-hour lunch break.",
        "I learned the trade from my father, who was a carpenter and made wooden furniture.",
    ),
}
