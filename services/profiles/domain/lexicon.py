"""The words the scrubber looks for in free text, in Spanish, Portuguese, French, Haitian Creole and English.

Every entry is written folded (lower case, no accents: ``shared.text.fold``), words separated by single spaces,
so "fauteuil roulant" matches "Fauteuil roulant" and "fauteuil  roulant". The lists are deliberately short and
common: they catch what a person or a counsellor usually writes, not every way to say it (see the module
docstring of ``scrub`` for what is left to the sentence filter).
"""

from __future__ import annotations


def forms(stem: str, *endings: str) -> set[str]:
    """Return ``stem`` with each ending ("" for the bare stem)."""
    return {stem + ending for ending in endings}


def _gendered(*stems: str) -> set[str]:
    """Spanish and Portuguese adjectives: o, a, os, as."""
    return set().union(*(forms(s, "o", "a", "os", "as") for s in stems))


def _french(*stems: str) -> set[str]:
    """French adjectives in -ien/-ain/-in and the like: stem, e, s, es (and -ienne for stems in -ien)."""
    out: set[str] = set()
    for s in stems:
        out |= forms(s, "", "e", "s", "es")
        if s.endswith("en"):
            out |= forms(s, "ne", "nes")
    return out


# --- health, pregnancy, disability ------------------------------------------------------------------------

PREGNANCY = {
    "embarazada", "embarazadas", "embarazo", "gestante", "gestantes", "gestacion", "encinta", "prenatal",
    "lactancia", "lactante", "amamantando", "posparto", "postparto", "maternidad",
    "gravida", "gravidez", "gestacao", "amamentando", "amamentacao", "maternidade", "pos parto",
    "grossesse", "enceinte", "allaitement", "allaite", "maternite",
    "ansent", "gwos",
    "pregnant", "pregnancy", "breastfeeding", "maternity",
}

DISABILITY = {
    "discapacidad", "discapacidades", *_gendered("discapacitad"), "diversidad funcional", *_gendered("minusvalid"),
    "silla de ruedas", *_gendered("sord"), "sordera", *_gendered("cieg"), "ceguera", "hipoacusia",
    *_gendered("hipoacusic"), "muleta", "muletas", "protesis", *_gendered("amputad"), "autismo", "autista",
    "sindrome de down", "paralisis", "paraplejia", *_gendered("paraplejic"), "tetraplejia", "movilidad reducida",
    "baston", *_gendered("mud"), *_gendered("paralizad"), "paralize", *_french("paralyse"), "paralyzed",
    "deficiencia", "deficiente", "deficientes", "cadeira de rodas", *_gendered("surd"), "surdez", *_gendered("ceg"),
    "cegueira", "protese", "mobilidade reduzida",
    "handicap", *_french("handicape"), "invalidite", "fauteuil roulant", *_french("sourd"), "surdite", "aveugle",
    "aveugles", "cecite", "prothese", "mobilite reduite", "muet", "muette",
    "andikape", "aveg", "soud",
    "disability", "disabilities", "disabled", "wheelchair", "deaf", "deafness", "blind", "blindness", "prosthesis",
    "amputee", "autism", "autistic", "down syndrome", "paraplegic", "reduced mobility", "mute",
}

CONDITIONS = {
    "vih", "hiv", "sida", "aids", *_gendered("seropositiv"), "seropositif", "seropositive",
    "diabetes", *_gendered("diabetic"), "diabetique", "diabetic", "hipertension", *_gendered("hipertens"),
    "hipertensao", "hypertension", "presion alta", "cancer", "epilepsia", "epilepsie", "epilepsy",
    *_gendered("epileptic"), "asma", *_gendered("asmatic"), "asthme", "asthma", "tuberculosis", "tuberculose",
    "hepatitis", "hepatite", "depresion", "depressao", "depression", "ansiedad", "ansiedade", "anxiete",
    "anxiety", "esquizofrenia", "schizophrenie", "schizophrenia", "bipolar", "trastorno", "trastornos",
    "transtorno", "transtornos", "salud mental", "saude mental", "sante mentale", "mental health",
    "enfermedad", "enfermedades", "enfermo", "enferma", "doenca", "doencas", "doente", "maladie", "maladies",
    "malade", "maladi", "malad", "illness", "disease", "sick", "artritis", "artrite", "arthrite", "arthritis",
    "hernia", "alzheimer", "alzaimer", "demencia", "demencia senil", "demence", "dementia", "parkinson",
    "adiccion", "alcoholismo", "alcoolisme", "alcoholism", "drogadiccion", "quimioterapia",
    "chimiotherapie", "chemotherapy", "dialisis", "dialise", "dialyse", "dialysis",
}

HEALTH = PREGNANCY | DISABILITY | CONDITIONS

# --- nationality, ethnicity, countries of origin -------------------------------------------------------------

DEMONYMS = {
    # es / pt
    *_gendered("venezolan", "venezuelan", "haitian", "colombian", "peruan", "ecuatorian", "equatorian", "chilen",
               "argentin", "bolivian", "paraguay", "paraguai", "uruguay", "uruguai", "brasilen", "brasiler",
               "brasileir", "cuban", "dominican", "mexican", "panamen", "guatemaltec", "honduren",
               "salvadoren", "african", "extranjer", "estrangeir"),
    "nicaraguense", "nicaraguenses", "costarricense", "costarricenses",
    # fr
    *_french("venezuelien", "haitien", "colombien", "peruvien", "equatorien", "chilien", "argentin", "bolivien",
             "paraguayen", "uruguayen", "bresilien", "cubain", "dominicain", "mexicain", "africain", "etranger"),
    "etrangere", "etrangeres",
    # ht
    "ayisyen", "ayisyenn", "venezyelyen", "kolonbyen", "dominiken", "kiben", "chilyen", "brezilyen", "peruvyen",
    "etranje",
    # en
    "venezuelan", "venezuelans", "haitian", "haitians", "colombian", "colombians", "peruvian", "peruvians",
    "ecuadorian", "chilean", "argentine", "argentinian", "bolivian", "paraguayan", "uruguayan", "brazilian",
    "cuban", "mexican", "foreigner", "foreigners",
    # abbreviations people write
    "vzla", "venez",
}

ETHNICITY = {
    "afrodescendiente", "afrodescendientes", "afro descendiente", "afrodescendente", "afrodescendentes",
    *_french("afrodescendant"), "afro descendant", "afro descendants", "afro descendente",
    *_gendered("afrocolombian", "afroperuan", "afroecuatorian", "afrovenezolan", "afrobrasileir"),
    "indigena", "indigenas", "indigene", "indigenes", "indigenous", "endijen", "pueblo originario",
    "wayuu", "wayuunaiki", "quechua", "quichua", "kichwa", "aymara", "aimara", "guarani", "mapuche", "embera",
    "warao", "pemon", "yukpa", "zenu", "arhuaco", "wiwa", "kogui", "shipibo", "ashaninka", "awajun", "misak",
    "garifuna", *_gendered("mestiz", "mulat", "gitan", "cigan"), "tsigane", "tsiganes",
    # a language that names where one comes from
    "creole", "kreyol", "kreyol ayisyen",
}

ORIGIN = DEMONYMS | ETHNICITY

# Countries a person may come from or have passed through.
COUNTRIES = {
    "venezuela", "haiti", "ayiti", "colombia", "colombie", "kolonbi", "peru", "perou", "pewou", "ecuador", "equador",
    "equateur", "ekwate", "chile", "chili", "argentina", "argentine", "ajantin", "bolivia", "bolivie", "paraguay",
    "paraguai", "uruguay", "uruguai", "brasil", "brazil", "bresil", "brezil", "cuba", "kiba", "mexico", "mexique",
    "meksik", "panama", "guatemala", "honduras", "el salvador", "nicaragua", "costa rica", "republica dominicana",
    "dominican republic", "republique dominicaine", "repiblik dominiken", "dominikani", "estados unidos",
    "united states", "etats unis", "etazini",
}
# Country names that are also everyday words (chile, the pepper; pt "peru", turkey; "cuba", a vat): only
# capitalised are they countries.
COUNTRIES_ONLY_CAPITALISED = {"chile", "chili", "peru", "cuba", "panama", "brazil", "argentine"}

# Places of origin that are not also places where Puente's users live and work now, or common words: the main
# cities and states of Venezuela, the cities and departments of Haiti, the provinces of Cuba. Written
# capitalised where they name a place.
ORIGIN_PLACES = {
    "caracas", "maracaibo", "barquisimeto", "maracay", "ciudad guayana", "puerto ordaz", "maturin", "cumana",
    "puerto la cruz", "ciudad bolivar", "el tigre", "punto fijo", "los teques", "acarigua", "guanare", "valera",
    "barinas", "anzoategui", "zulia", "carabobo", "aragua", "tachira", "falcon", "monagas", "apure", "guarico",
    "cojedes", "yaracuy", "nueva esparta", "delta amacuro",
    "port au prince", "potoprens", "cap haitien", "okap", "gonaives", "gonayiv", "les cayes", "okay", "jacmel",
    "jakmel", "leogane", "leyogan", "saint marc", "sen mak", "jeremie", "jeremi", "hinche", "ench",
    "fort liberte", "port de paix", "petit goave", "artibonite", "latibonit", "croix des bouquets", "petion ville",
    "petyonvil", "delmas",
    "la habana", "havana", "la havane", "santiago de cuba", "camaguey", "holguin", "cienfuegos", "matanzas",
    "pinar del rio", "las tunas", "granma", "guantanamo",
}

# --- migration status ----------------------------------------------------------------------------------------

STATUS = {
    *_gendered("refugiad", "indocumentad"), "refugio", "asilo", "solicitante de asilo", "solicitante de refugio",
    "sin papeles", "situacion irregular", "situacao irregular", "situation irreguliere", "refugee", "refugees",
    "asylum", "undocumented",
    *_french("refugie"), "demandeur d asile", "demandeuse d asile", "sans papiers", "refijye", "azil",
    "no tengo papeles", "nao tenho papeis", "pa gen papye",
    # permits that only people of one nationality hold (Venezuelans in Colombia, Peru, Brazil)
    "ppt", "pep", "ptp", "cpp", "permiso por proteccion temporal", "carne de extranjeria",
    "carnet de extranjeria", "cedula de extranjeria", "crnm", "rnm", "operacao acolhida",
}

# --- people around the person --------------------------------------------------------------------------------

# Words after which a capitalised run is somebody's name: titles and the people one writes about.
NAME_CUES = {
    # titles
    "sr", "sra", "srta", "senor", "senora", "senorita", "don", "dona", "dr", "dra", "doctor", "doctora", "lic",
    "ing", "prof", "profesor", "profesora", "senhor", "senhora", "seu", "m", "mme", "mlle", "monsieur", "madame",
    "mademoiselle", "mr", "mrs", "ms", "miss", "mister", "msye", "madan", "matant", "tonton",
    # saying one's name
    "llamo", "chamo", "appelle", "rele", "named", "called",
    # family, friends, work
    "esposo", "esposa", "marido", "mujer", "hijo", "hija", "hermano", "hermana", "madre", "padre", "mama", "papa",
    "tio", "tia", "primo", "prima", "abuelo", "abuela", "sobrino", "sobrina", "cunado", "cunada", "suegro", "suegra",
    "novio", "novia", "pareja", "companero", "companera", "amigo", "amiga", "vecino", "vecina", "jefe", "jefa",
    "patron", "patrona", "empleador", "empleadora", "filho", "filha", "irmao", "irma", "mae", "pai", "avo", "chefe",
    "patrao", "patroa", "vizinho", "vizinha", "fils", "fille", "frere", "soeur", "mere", "pere", "oncle", "tante",
    "cousin", "cousine", "epoux", "epouse", "mari", "femme", "patronne", "voisin", "voisine", "ami", "amie",
    "pitit", "manman", "madanm", "kouzen", "zanmi", "husband", "wife", "son", "daughter", "brother", "sister",
    "mother", "father", "uncle", "aunt", "friend", "boss", "manager", "neighbor", "neighbour", "employer",
    "supervisor", "referencia", "referencias", "reference", "references", "contacto", "contato",
}

# Common given names of the people Puente serves and of those they write about. Names that are also common
# place names or words (Santiago, Mercedes, Paz, Cruz, Rosa, Luz, Dolores, Victoria, ...) are left out: the
# cues above still catch them after "señora", "mi hija" and the like.
GIVEN_NAMES = {
    # es
    "jose", "juan", "luis", "carlos", "jesus", "pedro", "miguel", "antonio", "manuel", "francisco", "jorge",
    "alejandro", "andres", "ricardo", "rafael", "fernando", "eduardo", "javier", "daniel", "david", "gabriel",
    "alberto", "oscar", "sergio", "diego", "julio", "victor", "hector", "raul", "ramon", "enrique", "gustavo",
    "alexander", "jhon", "yeison", "wilmer", "deivis", "kevin", "brayan", "anderson", "yorman", "johan", "ronald",
    "maria", "ana", "carmen", "luisa", "isabel", "laura", "andrea", "carolina", "daniela", "valentina",
    "camila", "sofia", "gabriela", "mariana", "paola", "patricia", "adriana", "claudia", "diana", "sandra",
    "monica", "yolanda", "gloria", "marta", "martha", "beatriz", "elena", "teresa", "angela", "yenny", "yuleisy",
    "yulieth", "yesenia", "yamileth", "yohana", "johana", "leidy", "nayeli", "milagro", "maribel", "marisol",
    "francisca", "josefina", "lucia", "veronica", "silvia", "rosario", "natalia", "alejandra", "fernanda",
    # pt
    "joao", "paulo", "lucas", "mateus", "thiago", "tiago", "bruno", "marcos", "raimundo", "sebastiao", "joaquim",
    "juliana", "aline", "leticia", "bruna", "amanda", "jessica", "vanessa", "raimunda", "antonia",
    # fr / ht
    "jean", "marie", "pierre", "jacques", "joseph", "louis", "paul", "michel", "claude", "andre", "francois",
    "roseline", "nadege", "fabienne", "mirlande", "wilner", "wilson", "jean robert", "jean baptiste",
    "jean claude", "marie claire", "marie ange", "guerline", "nadine", "stephanie", "dieudonne", "fritz",
    "jonas", "evens", "wesline", "rose", "nathalie", "sophie", "isabelle", "francoise", "monique", "micheline",
    # en
    "john", "mary", "james", "michael", "robert", "william", "richard", "thomas", "charles", "george",
    "sarah", "jennifer", "linda", "elizabeth", "susan", "karen", "nancy", "lisa", "emily",
}

# Words that join the parts of one name ("María de los Ángeles", "van der Berg"): never a name on their own.
NAME_PARTICLES = {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "du", "des", "van", "von", "der",
                  "le", "di", "y", "e"}

# Words before a capitalised name that make it a place, not a person ("San José", "Santa Marta").
PLACE_PREFIXES = {"san", "santa", "santo", "sao", "saint", "sainte", "st", "ste", "sen", "puerto", "porto",
                  "villa", "vila", "ciudad", "cidade", "ville", "lavil", "calle", "avenida", "rua", "rue"}

# --- work: the sentences that may leave --------------------------------------------------------------------

# Folded word beginnings that mark a sentence about work, skills, trades, tools, training or experience (taxonomy
# labels and synonyms of occupations and skills count too: see ``scrub``).
WORK_STEMS = (
    # es
    "trabaj", "labor", "experien", "emple", "empresa", "turno", "contrat", "herramient", "maquin",
    "manej", "operad", "operari", "instal", "repar", "mantenim", "vend", "venta", "cocin", "limpi", "cuid",
    "constru", "fabric", "taller", "cosech", "sembr", "cultiv", "agricult", "conduc", "chofer", "licencia",
    "certific", "curso", "capacit", "titul", "tecnic", "licenciad", "egresad", "universid", "bachiller",
    "diplom", "formacion", "profesion", "practica", "pasantia", "cliente", "salario", "sueldo", "jornada",
    "horario", "supervis", "encargad", "ayudante", "asistente", "auxiliar", "aprendi", "jefe", "jefa",
    "negocio", "emprend", "restauran", "hotel", "bodega", "almacen", "oficina", "tienda", "finca", "costur",
    "soldad", "pint", "carpint", "mecanic", "electric", "plomer", "panader", "mesero", "mesera",
    # pt
    "trabalh", "emprego", "empregad", "funcao", "funcoes", "ferrament", "fabrica", "formacao", "formad",
    "atendiment", "cozinh", "limpez", "consert", "manuten", "colheit", "plant", "carteira", "servico", "loja",
    "gerente", "chefe", "patrao", "pedreir", "eletric", "padari", "garcom", "diarista", "faxin", "estagi",
    # fr
    "travail", "travaill", "emploi", "poste", "metier", "entreprise", "atelier", "usine", "outil", "machine",
    "chantier", "cuisin", "nettoy", "menage", "vente", "soign", "couture", "couturi", "fabriqu", "entretien",
    "chauffeur", "recolt", "magasin", "caissi", "salaire", "employ", "stage", "apprenti", "commerce",
    "boutique", "serveu", "macon", "boulang", "coiff",
    # ht
    "travay", "eksperyans", "djob", "anplwa", "metye", "konpayi", "izin", "faktori", "zouti", "machin",
    "fomasyon", "chantye", "kwizin", "kwit", "netwaye", "vann", "koud", "plante", "keyi", "sekle", "wouze",
    "repare", "enstale", "chofe", "okipe", "machann", "komes", "boutik", "restoran", "kliyan", "boulanje", "mason",
    # en
    "work", "employ", "trade", "shift", "tool", "machin", "train", "certif", "course", "degree", "licen",
    "skill", "operat", "install", "repair", "mainten", "clean", "cook", "sell", "custom", "client", "warehouse",
    "factory", "farm", "harvest", "construct", "build", "driv", "sew", "tailor", "manag", "supervis", "assist",
    "apprentic", "volunteer", "weld", "bak", "nurs", "care", "waiter", "waitress", "forklift",
)

# Whole words that mark one too (as beginnings they would catch unrelated words: "bon" in "bonito").
WORK_WORDS = {"job", "jobs", "obra", "obras", "puesto", "puestos", "cargo", "bon", "bos", "bati", "sales",
              "intern", "internship", "company", "companies", "compania", "companhia", "oficio", "oficios"}

# Taxonomy labels that are everyday words, or that say something about the person rather than their work (a
# language, a religion, rent, a visa): they do not make a sentence about work by themselves.
NOT_WORK = {
    "aluguel", "arriendo", "alquiler", "conta", "correo", "doctor", "medico", "medica", "padre", "pastor",
    "refugio", "visa", "whatsapp", "accouchement", "acompanante", "espanol", "ingles", "portugues", "frances",
    "france", "franse", "french", "anglais", "angle", "english", "spanish", "portuguese", "creole", "kreyol",
    "panyol", "aleman", "alemao", "german", "aymara", "aimara", "kichwa", "quechua", "wayuu", "cerca", "doce",
    "vino", "veni", "mayor", "altura", "banda", "cabo", "orden", "medida", "giro", "remesa", "nequi", "yape",
    "plin", "nana", "cuna", "mula", "pila", "sage", "tear", "step", "word", "window", "zoom", "tiktok", "gmail",
    "crnm", "tutela", "ciel", "nube", "roca", "libra", "alegra", "salsa", "chante", "carne", "pasto",
}

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "mr", "mrs", "ms", "mme", "mlle", "st", "ste", "av", "avda",
                 "jr", "lic", "ing", "prof", "no", "nro", "etc", "cia", "ltda", "sto", "sta", "aprox", "tel"}
